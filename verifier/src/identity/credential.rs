//! Credentials: attributes signed by an issuer, kept by the citizen.
//!
//! ```text
//! C    = Poseidon(holder_secret)                       holder commitment
//! cred = Poseidon("zkgov.credential.v1", schema_hash, C, issued, expires,
//!                 revocation_nonce, a_0, ..., a_7)      (14 inputs)
//! signature = EdDSA-Poseidon(issuer key, cred)
//! ```
//!
//! Dates are encoded as in [`super::date`]; `revocation_nonce` is the
//! credential's leaf index in the issuer's revocation tree (below
//! `2^REVOCATION_DEPTH`, assigned by the issuer, never reused).
//!
//! The JSON file (format `zkgov-credential`, version 1) carries the schema,
//! the issuer key, the values as people read them, and the signature.
//! Reading it re-encodes the values and checks the signature, so a file
//! edited after issuance is refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    date::Date,
    schema::{Schema, ATTRIBUTE_SLOTS},
    REVOCATION_DEPTH,
};
use crate::{
    babyjub::{self, PublicKey, Signature},
    domain::Label,
    field::{parse_decimal, to_decimal},
    poseidon, Fr, VerifyError,
};

/// The `format` field of credential files.
pub const CREDENTIAL_FORMAT: &str = "zkgov-credential";
/// Current credential format version.
pub const CREDENTIAL_VERSION: u64 = 1;

/// What the issuer signs, as integers. Personal data: `Debug` shows the
/// dates and nonce, never the attributes, which are zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialBody {
    /// The schema hash.
    pub schema_hash: Fr,
    /// `Poseidon(holder_secret)`.
    pub holder_commitment: Fr,
    /// Issuance date.
    pub issued: Date,
    /// Last day of validity.
    pub expires: Date,
    /// Leaf index in the issuer's revocation tree.
    pub revocation_nonce: u64,
    /// Attribute integers (0 in unused slots).
    pub attributes: [u64; ATTRIBUTE_SLOTS],
}

impl std::fmt::Debug for CredentialBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialBody")
            .field("issued", &self.issued)
            .field("expires", &self.expires)
            .field("revocation_nonce", &self.revocation_nonce)
            .field("attributes", &"(withheld)")
            .finish_non_exhaustive()
    }
}

impl Drop for CredentialBody {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.attributes);
    }
}

impl CredentialBody {
    /// The signed message `cred` (see the module notes).
    pub fn hash(&self) -> Fr {
        credential_hash(
            &self.schema_hash,
            &self.holder_commitment,
            &Fr::from(self.issued.encode()),
            &Fr::from(self.expires.encode()),
            &Fr::from(self.revocation_nonce),
            &self.attributes.map(Fr::from),
        )
    }
}

/// `Poseidon("zkgov.credential.v1", schema_hash, C, issued, expires, nonce,
/// a_0..a_7)` over field elements (issuers only ever sign integers below
/// `2^64` in the attribute slots; the circuit's tests also sign others).
pub fn credential_hash(
    schema_hash: &Fr,
    holder_commitment: &Fr,
    issued: &Fr,
    expires: &Fr,
    revocation_nonce: &Fr,
    attributes: &[Fr; ATTRIBUTE_SLOTS],
) -> Fr {
    let mut x = [Fr::from(0u64); 6 + ATTRIBUTE_SLOTS];
    x[..6].copy_from_slice(&[
        Label::CredentialV1.to_field(),
        *schema_hash,
        *holder_commitment,
        *issued,
        *expires,
        *revocation_nonce,
    ]);
    x[6..].copy_from_slice(attributes);
    poseidon::hash(&x)
}

/// A signed credential: the holder's personal data. `Debug` names the
/// schema and issuer, never a value; the values are wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The schema.
    pub schema: Schema,
    /// The issuer's key.
    pub issuer: PublicKey,
    /// Values as given at issuance.
    pub values: BTreeMap<String, Value>,
    /// The integers that are signed.
    pub body: CredentialBody,
    /// The issuer's signature on `body.hash()`.
    pub signature: Signature,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("schema", &self.schema.id)
            .field("issuer", &self.issuer)
            .field("values", &"(withheld)")
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

impl Drop for Credential {
    fn drop(&mut self) {
        for v in self.values.values_mut() {
            if let Value::String(s) = v {
                zeroize::Zeroize::zeroize(s);
            }
            // Overwrites a number in place.
            *v = Value::Null;
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialJson {
    format: String,
    version: u64,
    schema: Schema,
    issuer: PublicKey,
    holder_commitment: String,
    issued: String,
    expires: String,
    revocation_nonce: u64,
    attributes: BTreeMap<String, Value>,
    signature: Signature,
}

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedCredential(msg.into())
}

impl Credential {
    /// The body for `values` under `schema`, checking every value and the
    /// dates and nonce.
    pub fn body(
        schema: &Schema,
        values: &BTreeMap<String, Value>,
        holder_commitment: Fr,
        issued: Date,
        expires: Date,
        revocation_nonce: u64,
    ) -> Result<CredentialBody, VerifyError> {
        schema.check()?;
        if expires < issued {
            return Err(bad(format!(
                "expires {expires} before it is issued {issued}"
            )));
        }
        if revocation_nonce >= 1 << REVOCATION_DEPTH {
            return Err(bad(format!(
                "revocation nonce {revocation_nonce} is not below 2^{REVOCATION_DEPTH}"
            )));
        }
        Ok(CredentialBody {
            schema_hash: schema.hash(),
            holder_commitment,
            issued,
            expires,
            revocation_nonce,
            attributes: schema.encode_all(values)?,
        })
    }

    /// Parses a credential file and checks its signature.
    pub fn from_json(s: &str) -> Result<Credential, VerifyError> {
        let j: CredentialJson = serde_json::from_str(s).map_err(|e| bad(e.to_string()))?;
        if j.format != CREDENTIAL_FORMAT {
            return Err(bad(format!("format {:?}", j.format)));
        }
        if j.version != CREDENTIAL_VERSION {
            return Err(VerifyError::UnsupportedVersion {
                what: "credential",
                got: j.version,
                supported: CREDENTIAL_VERSION,
            });
        }
        let body = Credential::body(
            &j.schema,
            &j.attributes,
            parse_decimal(&j.holder_commitment, "holder_commitment")?,
            Date::parse(&j.issued)?,
            Date::parse(&j.expires)?,
            j.revocation_nonce,
        )?;
        babyjub::verify(&j.issuer, &body.hash(), &j.signature)?;
        Ok(Credential {
            schema: j.schema,
            issuer: j.issuer,
            values: j.attributes,
            body,
            signature: j.signature,
        })
    }

    /// The credential file.
    pub fn to_json(&self) -> String {
        let j = CredentialJson {
            format: CREDENTIAL_FORMAT.into(),
            version: CREDENTIAL_VERSION,
            schema: self.schema.clone(),
            issuer: self.issuer,
            holder_commitment: to_decimal(&self.body.holder_commitment),
            issued: self.body.issued.to_string(),
            expires: self.body.expires.to_string(),
            revocation_nonce: self.body.revocation_nonce,
            attributes: self.values.clone(),
            signature: self.signature,
        };
        serde_json::to_string_pretty(&j).unwrap_or_default()
    }
}
