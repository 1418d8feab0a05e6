//! The Ristretto group as ballots and trustees use it: `G` is the
//! Ristretto basepoint (the Bulletproofs value base `B`), `H` the
//! Bulletproofs blinding base `B_blinding` (SHA3-512 hash-to-group of `G`,
//! so nobody knows `log_G H`).
//!
//! Points and scalars travel as standard base64 of their 32 canonical
//! bytes. Reading refuses a non-canonical encoding (Ristretto decoding
//! accepts exactly one encoding per group element; a scalar must be below
//! the group order), so a typed value has one spelling.

use std::fmt;

use bulletproofs::PedersenGens;
use curve25519_dalek::{
    ristretto::{CompressedRistretto, RistrettoPoint},
    scalar::Scalar,
    traits::Identity,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    encoding::{b64_array, b64_encode, de_parsed},
    VerifyError,
};

fn bad(what: &str, why: impl fmt::Display) -> VerifyError {
    VerifyError::MalformedElection(format!("{what}: {why}"))
}

/// `G`, the value base.
pub fn g() -> RistrettoPoint {
    PedersenGens::default().B
}

/// `H`, the blinding base of the value commitments.
pub fn h() -> RistrettoPoint {
    PedersenGens::default().B_blinding
}

/// A group element.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Point(pub RistrettoPoint);

impl Point {
    /// The identity.
    pub fn identity() -> Self {
        Point(RistrettoPoint::identity())
    }

    /// Decodes standard base64 of a canonical 32-byte encoding.
    pub fn from_base64(s: &str) -> Result<Self, VerifyError> {
        let bytes: [u8; 32] = b64_array(s, "point").map_err(|e| bad("point", e))?;
        CompressedRistretto(bytes)
            .decompress()
            .map(Point)
            .ok_or_else(|| bad("point", "not a canonical Ristretto encoding"))
    }

    /// The 32-byte encoding.
    pub fn compress(&self) -> CompressedRistretto {
        self.0.compress()
    }

    /// Whether this is the identity.
    pub fn is_identity(&self) -> bool {
        self.0 == RistrettoPoint::identity()
    }
}

impl fmt::Debug for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Point({})",
            hex::encode(&self.compress().as_bytes()[..8])
        )
    }
}

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&b64_encode(self.compress().as_bytes()))
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_parsed(d, Self::from_base64)
    }
}

/// A scalar of the Ristretto group (below its order `l`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sc(pub Scalar);

impl Sc {
    /// Decodes standard base64 of 32 little-endian bytes below `l`.
    pub fn from_base64(s: &str) -> Result<Self, VerifyError> {
        let bytes: [u8; 32] = b64_array(s, "scalar").map_err(|e| bad("scalar", e))?;
        Option::from(Scalar::from_canonical_bytes(bytes))
            .map(Sc)
            .ok_or_else(|| bad("scalar", "not below the group order"))
    }
}

impl fmt::Debug for Sc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Scalars on the wire are public (responses, shares' proofs);
        // secret scalars never use this type.
        write!(f, "Sc({})", hex::encode(&self.0.as_bytes()[..8]))
    }
}

impl Serialize for Sc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&b64_encode(self.0.as_bytes()))
    }
}

impl<'de> Deserialize<'de> for Sc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_parsed(d, Self::from_base64)
    }
}

/// An exponential-ElGamal ciphertext `(a, b) = (r G, m G + r K)` under the
/// joint key `K`. Ciphertexts add: the sum encrypts the sum of the
/// messages under the sum of the randomness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ciphertext {
    /// `r G`.
    pub a: Point,
    /// `m G + r K`.
    pub b: Point,
}

impl Ciphertext {
    /// The encryption of 0 with randomness 0 (the sum of no ciphertexts).
    pub fn zero() -> Self {
        Ciphertext {
            a: Point::identity(),
            b: Point::identity(),
        }
    }

    /// Encrypts `m` under `key` with randomness `r`.
    pub fn encrypt(key: &RistrettoPoint, m: u64, r: &Scalar) -> Self {
        Ciphertext {
            a: Point(r * g()),
            b: Point(Scalar::from(m) * g() + r * key),
        }
    }
}

impl std::ops::Add for Ciphertext {
    type Output = Ciphertext;
    fn add(self, o: Ciphertext) -> Ciphertext {
        Ciphertext {
            a: Point(self.a.0 + o.a.0),
            b: Point(self.b.0 + o.b.0),
        }
    }
}

/// The sum of ballots' ciphertexts, option by option: every ballot must
/// have `options` ciphertexts (checked when it was accepted).
pub fn aggregate<'a>(
    ballots: impl IntoIterator<Item = &'a [Ciphertext]>,
    options: usize,
) -> Vec<Ciphertext> {
    let mut sum = vec![Ciphertext::zero(); options];
    for b in ballots {
        for (s, c) in sum.iter_mut().zip(b) {
            *s = *s + *c;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip_and_refuse_non_canonical_bytes() {
        let p = Point(Scalar::from(7u64) * g());
        let s = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Point>(&s).unwrap(), p);
        // 0xff.. is not a canonical Ristretto encoding, nor a scalar below l.
        let ff = format!("\"{}\"", b64_encode(&[0xff; 32]));
        assert!(serde_json::from_str::<Point>(&ff).is_err());
        assert!(serde_json::from_str::<Sc>(&ff).is_err());
        let short = format!("\"{}\"", b64_encode(&[1; 31]));
        assert!(serde_json::from_str::<Point>(&short).is_err());
        let x = Sc(Scalar::from(5u64));
        let s = serde_json::to_string(&x).unwrap();
        assert_eq!(serde_json::from_str::<Sc>(&s).unwrap(), x);
        assert_ne!(g(), h());
    }

    #[test]
    fn ciphertexts_add_homomorphically() {
        let key = Scalar::from(11u64) * g();
        let (r1, r2) = (Scalar::from(3u64), Scalar::from(4u64));
        let sum = Ciphertext::encrypt(&key, 2, &r1) + Ciphertext::encrypt(&key, 5, &r2);
        assert_eq!(sum, Ciphertext::encrypt(&key, 7, &(r1 + r2)));
        let agg = aggregate(
            [
                &[Ciphertext::encrypt(&key, 1, &r1)][..],
                &[Ciphertext::encrypt(&key, 1, &r2)][..],
            ],
            1,
        );
        assert_eq!(agg[0], Ciphertext::encrypt(&key, 2, &(r1 + r2)));
    }
}
