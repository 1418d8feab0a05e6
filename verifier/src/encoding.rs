//! The text encodings zkgov uses on the wire, each in one place: standard
//! base64 (with padding, canonical: a decoder refuses non-zero trailing
//! bits), lower-case hex of 32-byte digests, and the serde glue that makes
//! typed values read and write those spellings.
//!
//! Every reader here refuses rather than repairs: a value has one accepted
//! spelling.

use base64::Engine;
use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

use crate::VerifyError;

/// Standard base64 with padding.
pub fn b64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard base64; `what` names the value in the error.
pub fn b64_decode(s: &str, what: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .map_err(|e| format!("{what}: base64: {e}"))
}

/// Decodes standard base64 of exactly `N` bytes.
pub fn b64_array<const N: usize>(s: &str, what: &str) -> Result<[u8; N], String> {
    let v = b64_decode(s, what)?;
    v.as_slice()
        .try_into()
        .map_err(|_| format!("{what}: expected {N} bytes, got {}", v.len()))
}

/// Parses 64 lower-case hex digits.
pub(crate) fn hex32(s: &str, what: &str) -> Result<[u8; 32], String> {
    let mut out = [0u8; 32];
    if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(format!("{what} must be 64 lower-case hex digits"));
    }
    hex::decode_to_slice(s, &mut out).map_err(|e| format!("{what}: {e}"))?;
    Ok(out)
}

/// Serde for a value written as a string and read back through a
/// validating parser.
pub(crate) fn ser_display<T: std::fmt::Display, S: Serializer>(
    v: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Reads a string and parses it with `parse`, turning its error into a
/// serde error (so that a typed field refuses a bad value while the
/// enclosing document is being read).
pub(crate) fn de_parsed<'de, D, T>(
    d: D,
    parse: impl FnOnce(&str) -> Result<T, VerifyError>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    parse(&s).map_err(D::Error::custom)
}

/// Serde for byte strings written as standard base64.
pub(crate) mod base64_bytes {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&b64_encode(v))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        b64_decode(&s, "bytes").map_err(D::Error::custom)
    }
}

/// Serde for a list of field elements written as canonical decimals.
pub mod decimals {
    use super::*;
    use crate::field::{parse_decimal, to_decimal, Fr};

    /// Writes each element as its canonical decimal.
    pub fn serialize<S: Serializer>(v: &[Fr], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(to_decimal))
    }

    /// Reads canonical decimals, refusing any other spelling.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Fr>, D::Error> {
        let v = <Vec<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        v.iter()
            .enumerate()
            .map(|(i, s)| parse_decimal(s, &format!("public input {i}")))
            .collect::<Result<_, _>>()
            .map_err(D::Error::custom)
    }
}

/// Serde for one field element written as a canonical decimal.
pub(crate) mod decimal {
    use super::*;
    use crate::field::{parse_decimal, to_decimal, Fr};

    pub(crate) fn serialize<S: Serializer>(v: &Fr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_decimal(v))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fr, D::Error> {
        let v = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_decimal(&v, "field element").map_err(D::Error::custom)
    }
}
