//! Credential schemas: a versioned, ordered list of typed attribute slots.
//!
//! ```json
//! {"version": 1, "id": "gov.example/resident-id/v1",
//!  "attributes": [
//!    {"name": "birth_date", "type": "date"},
//!    {"name": "region", "type": "code", "codes": {"north": 1, "south": 2}},
//!    {"name": "income_band", "type": "integer"},
//!    {"name": "family_name", "type": "string"}]}
//! ```
//!
//! Every attribute is one integer below `2^64` in the credential:
//!
//! | type | JSON value | integer |
//! |---|---|---|
//! | `date` | `"YYYY-MM-DD"` | days since 1970-01-01 plus `2^31` ([`super::date`]) |
//! | `integer` | number | itself |
//! | `code` | number, or a name from `codes` | the code |
//! | `string` | string | first 8 bytes (big-endian) of SHA-256(`zkgov.string.v1` ‖ 0x00 ‖ UTF-8) |
//!
//! Strings can be compared for equality and set membership only; a 64-bit
//! digest makes a chosen collision cost about 2^32 hashes, which is why
//! policies may not order strings and why a string should never be the only
//! thing a decision rests on. Unused slots of the 8 hold 0.
//!
//! The schema hash binds the id, names, types and code tables: SHA-256 over
//! `zkgov.schema.v1` ‖ 0x00 ‖ the canonical JSON (this struct serialised by
//! serde: fixed field order, code tables sorted), read as a big-endian
//! integer after dropping the first byte (so it is below `2^248 < r`).

use std::collections::BTreeMap;

use ark_ff::PrimeField;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::date::Date;
use crate::{statement::RECORD_FIELDS, Fr, VerifyError};

/// Current schema format version.
pub(super) const SCHEMA_VERSION: u64 = 1;
/// Attribute slots in a credential.
pub const ATTRIBUTE_SLOTS: usize = RECORD_FIELDS;

/// The type of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrType {
    /// A calendar date.
    Date,
    /// An integer in `[0, 2^64)`.
    Integer,
    /// An enumerated code (optionally named in the schema).
    Code,
    /// A string, committed as a 64-bit digest.
    String,
}

/// One attribute slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// Name used in credentials and policies.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub kind: AttrType,
    /// For codes: names of the values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub codes: BTreeMap<String, u64>,
}

/// A credential schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Format version ([`SCHEMA_VERSION`]).
    pub version: u64,
    /// The schema's id.
    pub id: String,
    /// The slots, in order (1 to 8).
    pub attributes: Vec<Attribute>,
}

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedSchema(msg.into())
}

/// The 64-bit digest of a string attribute.
pub fn string_digest(s: &str) -> u64 {
    let d = Sha256::new()
        .chain_update(b"zkgov.string.v1\0")
        .chain_update(s.as_bytes())
        .finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

impl Schema {
    /// Parses and checks a schema.
    pub fn from_json(s: &str) -> Result<Schema, VerifyError> {
        let schema: Schema = serde_json::from_str(s).map_err(|e| bad(e.to_string()))?;
        schema.check()?;
        Ok(schema)
    }

    /// Checks version, slot count, names and code tables.
    pub fn check(&self) -> Result<(), VerifyError> {
        if self.version != SCHEMA_VERSION {
            return Err(VerifyError::UnsupportedVersion {
                what: "schema",
                got: self.version,
                supported: SCHEMA_VERSION,
            });
        }
        if self.id.is_empty() || self.id.len() > 200 {
            return Err(bad("the id must be 1 to 200 bytes"));
        }
        if self.attributes.is_empty() || self.attributes.len() > ATTRIBUTE_SLOTS {
            return Err(bad(format!(
                "{} attributes: must be 1..={ATTRIBUTE_SLOTS}",
                self.attributes.len()
            )));
        }
        for (i, a) in self.attributes.iter().enumerate() {
            if a.name.is_empty() || self.attributes[..i].iter().any(|b| b.name == a.name) {
                return Err(bad(format!(
                    "attribute {i}: empty or repeated name {:?}",
                    a.name
                )));
            }
            if !a.codes.is_empty() && a.kind != AttrType::Code {
                return Err(bad(format!(
                    "attribute {:?}: only codes have a code table",
                    a.name
                )));
            }
        }
        Ok(())
    }

    /// The schema hash (see the module notes).
    pub fn hash(&self) -> Fr {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let d = Sha256::new()
            .chain_update(b"zkgov.schema.v1\0")
            .chain_update(&json)
            .finalize();
        Fr::from_be_bytes_mod_order(&d[1..]) // ok: 31 bytes < 2^248 < r, no reduction
    }

    /// Slot names, in order.
    pub fn names(&self) -> Vec<String> {
        self.attributes.iter().map(|a| a.name.clone()).collect()
    }

    /// The slot of attribute `name`.
    pub fn slot(&self, name: &str) -> Result<(usize, &Attribute), VerifyError> {
        self.attributes
            .iter()
            .enumerate()
            .find(|(_, a)| a.name == name)
            .ok_or_else(|| bad(format!("no attribute {name:?} in schema {:?}", self.id)))
    }

    /// The integer of a JSON value for attribute `name`.
    pub fn encode(&self, name: &str, value: &Value) -> Result<u64, VerifyError> {
        let (_, a) = self.slot(name)?;
        let wrong = || {
            bad(format!(
                "attribute {name:?} ({:?}): cannot use {value}",
                a.kind
            ))
        };
        match (a.kind, value) {
            (AttrType::Date, Value::String(s)) => Ok(Date::parse(s)?.encode()),
            (AttrType::Integer | AttrType::Code, Value::Number(n)) => n.as_u64().ok_or_else(wrong),
            (AttrType::Code, Value::String(s)) => a.codes.get(s).copied().ok_or_else(wrong),
            (AttrType::String, Value::String(s)) => Ok(string_digest(s)),
            _ => Err(wrong()),
        }
    }

    /// A readable form of slot `i`'s integer (dates as text, named codes by
    /// name; strings stay digests).
    pub fn decode(&self, i: usize, x: u64) -> Value {
        match self.attributes.get(i) {
            Some(a) if a.kind == AttrType::Date => match Date::decode(x) {
                Ok(d) => Value::String(d.to_string()),
                Err(_) => Value::from(x),
            },
            Some(a) if a.kind == AttrType::Code => a
                .codes
                .iter()
                .find(|(_, v)| **v == x)
                .map(|(k, _)| Value::String(k.clone()))
                .unwrap_or_else(|| Value::from(x)),
            _ => Value::from(x),
        }
    }

    /// Encodes a full attribute map (every slot named exactly once; unused
    /// slots are 0).
    pub fn encode_all(
        &self,
        values: &BTreeMap<String, Value>,
    ) -> Result<[u64; ATTRIBUTE_SLOTS], VerifyError> {
        let mut out = [0u64; ATTRIBUTE_SLOTS];
        for k in values.keys() {
            self.slot(k)?;
        }
        for (i, a) in self.attributes.iter().enumerate() {
            let v = values
                .get(&a.name)
                .ok_or_else(|| bad(format!("attribute {:?} is missing", a.name)))?;
            out[i] = self.encode(&a.name, v)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const RESIDENT: &str = r#"{"version":1,"id":"gov.example/resident-id/v1","attributes":[
        {"name":"birth_date","type":"date"},
        {"name":"region","type":"code","codes":{"north":1,"south":2,"east":3,"west":4}},
        {"name":"nationality","type":"code"},
        {"name":"income_band","type":"integer"},
        {"name":"family_name","type":"string"}]}"#;

    #[test]
    fn schema_parses_encodes_and_hashes_canonically() {
        let s = Schema::from_json(RESIDENT).unwrap();
        assert_eq!(s.encode("region", &Value::from("south")).unwrap(), 2);
        assert_eq!(s.encode("region", &Value::from(7)).unwrap(), 7);
        assert!(s.encode("region", &Value::from("nowhere")).is_err());
        assert_eq!(
            s.encode("birth_date", &Value::from("1970-01-02")).unwrap(),
            (DATE_BIAS_U + 1)
        );
        assert!(s.encode("birth_date", &Value::from(5)).is_err());
        assert!(s.encode("income_band", &Value::from(-1)).is_err());
        assert!(s.encode("family_name", &Value::from(5)).is_err());
        assert_ne!(string_digest("Smith"), string_digest("Smyth"));
        assert_eq!(s.decode(0, DATE_BIAS_U + 1), Value::from("1970-01-02"));
        assert_eq!(s.decode(1, 3), Value::from("east"));
        // Whitespace and key order do not change the hash; a type does.
        let again: Schema =
            serde_json::from_str(&serde_json::to_string_pretty(&s).unwrap()).unwrap();
        assert_eq!(again.hash(), s.hash());
        let mut other = s.clone();
        other.attributes[3].kind = AttrType::Code;
        assert_ne!(other.hash(), s.hash());
    }

    const DATE_BIAS_U: u64 = super::super::date::DATE_BIAS as u64;

    #[test]
    fn bad_schemas_are_refused() {
        for bad in [
            r#"{"version":2,"id":"x","attributes":[{"name":"a","type":"integer"}]}"#,
            r#"{"version":1,"id":"","attributes":[{"name":"a","type":"integer"}]}"#,
            r#"{"version":1,"id":"x","attributes":[]}"#,
            r#"{"version":1,"id":"x","attributes":[{"name":"a","type":"integer"},{"name":"a","type":"date"}]}"#,
            r#"{"version":1,"id":"x","attributes":[{"name":"a","type":"integer","codes":{"q":1}}]}"#,
            r#"{"version":1,"id":"x","attributes":[{"name":"a","type":"float"}]}"#,
            r#"{"version":1,"id":"x","attributes":[{"name":"a","type":"integer"}],"extra":1}"#,
        ] {
            assert!(Schema::from_json(bad).is_err(), "{bad}");
        }
        let nine = (0..9)
            .map(|i| format!(r#"{{"name":"a{i}","type":"integer"}}"#))
            .collect::<Vec<_>>()
            .join(",");
        assert!(Schema::from_json(&format!(
            r#"{{"version":1,"id":"x","attributes":[{nine}]}}"#
        ))
        .is_err());
    }
}
