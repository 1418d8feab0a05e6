//! Ledger entries: typed and versioned. An entry's canonical bytes (its JSON
//! as written by [`Entry::to_bytes`]) are what the log hashes as a leaf, and
//! what a receipt carries, so anyone can re-hash exactly what was logged.
//!
//! | type | who may append it | what it says |
//! |---|---|---|
//! | `genesis` | the log itself, at index 0 | origin, the log key, the authority keys with their roles |
//! | `key-registration` | an admin | a new authority key (issuer, registry authority, ...) |
//! | `vk-registration` | an admin | a verifying key (statement, depth, bytes, digest) |
//! | `registry-root` | the registry's authority | root, epoch and leaf count of a registry |
//! | `proof-anchor` | anyone with a valid proof | statement, key digest, public inputs, proof digest, nullifier |
//! | `election-event` | an election authority | reserved for the election issue; refused for now |
//!
//! Signed entries carry an Ed25519 signature over
//! `"zkgov.ledger.entry.v1\n" || canonical JSON of the body with signature ""`.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::VerifyError;

/// Entry format version.
pub const ENTRY_VERSION: u64 = 1;
/// Prefix of every signed entry message.
pub const SIGNING_LABEL: &str = "zkgov.ledger.entry.v1\n";

/// What an authority key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Registers keys and verifying keys.
    Admin,
    /// Publishes roots of the registries it is listed for.
    RegistryAuthority,
    /// Issues credentials.
    Issuer,
    /// Accredits issuers.
    AccreditationAuthority,
    /// Runs elections.
    ElectionAuthority,
}

/// An authority key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Unique name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Ed25519 public key, standard base64 of 32 bytes.
    pub public_key: String,
    /// Registry ids a registry authority may publish roots for.
    #[serde(default)]
    pub registries: Vec<String>,
}

/// The first entry of every log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The log's origin line (checkpoint origin).
    pub origin: String,
    /// The log's note verifier key (`name+keyid+base64`).
    pub log_key: String,
    /// Authorities known from the start.
    pub authorities: Vec<Authority>,
}

/// Registration of a further authority key, signed by an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRegistration {
    /// The new key.
    pub authority: Authority,
    /// Admin who registers it.
    pub registered_by: String,
    /// Admin's signature.
    pub signature: String,
}

/// Registration of a verifying key, signed by an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VkRegistration {
    /// Statement identifier.
    pub statement: String,
    /// Circuit depth parameter.
    pub depth: u64,
    /// Compressed key bytes, base64.
    pub vk: String,
    /// Digest, hex.
    pub vk_digest: String,
    /// Admin who registers it.
    pub registered_by: String,
    /// Admin's signature.
    pub signature: String,
}

/// Publication of a registry root, signed by the registry's authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryRoot {
    /// Publishing authority.
    pub authority: String,
    /// Registry identifier.
    pub registry_id: String,
    /// Epoch, strictly increasing per registry.
    pub epoch: u64,
    /// Root, canonical decimal.
    pub root: String,
    /// Number of records in the tree.
    pub leaf_count: u64,
    /// Publication time claimed by the authority (Unix seconds).
    pub published_at: u64,
    /// Authority's signature.
    pub signature: String,
}

/// An accepted proof, anchored by the ledger after verifying it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofAnchor {
    /// Statement identifier.
    pub statement: String,
    /// Verifying-key digest, hex.
    pub vk_digest: String,
    /// Public inputs, canonical decimals.
    pub public_inputs: Vec<String>,
    /// SHA-256 digest of the proof bytes, hex (names the bytes, not the statement).
    pub proof_digest: String,
    /// Registry root the proof is against.
    pub root: String,
    /// Nullifier scope.
    pub scope: String,
    /// Nullifier: accepted at most once per scope.
    pub nullifier: String,
    /// Ledger time of acceptance (Unix seconds).
    pub anchored_at: u64,
}

/// Reserved for election events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionEvent {
    /// Election identifier.
    pub election_id: String,
    /// Event kind.
    pub event: String,
    /// Event data.
    pub data: serde_json::Value,
    /// Authority.
    pub authority: String,
    /// Authority's signature.
    pub signature: String,
}

/// The typed content of an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EntryBody {
    /// See [`Genesis`].
    Genesis(Genesis),
    /// See [`KeyRegistration`].
    KeyRegistration(KeyRegistration),
    /// See [`VkRegistration`].
    VkRegistration(VkRegistration),
    /// See [`RegistryRoot`].
    RegistryRoot(RegistryRoot),
    /// See [`ProofAnchor`].
    ProofAnchor(ProofAnchor),
    /// See [`ElectionEvent`].
    ElectionEvent(ElectionEvent),
}

/// A versioned entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// [`ENTRY_VERSION`].
    pub version: u64,
    /// Content.
    pub body: EntryBody,
}

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedEntry(msg.into())
}

impl Entry {
    /// Wraps a body in the current version.
    pub fn new(body: EntryBody) -> Self {
        Entry {
            version: ENTRY_VERSION,
            body,
        }
    }

    /// Canonical bytes (the log leaf).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads canonical bytes; refuses other versions and any bytes that are
    /// not exactly the canonical encoding of what they decode to.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let e: Entry = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if e.version != ENTRY_VERSION {
            return Err(VerifyError::UnsupportedVersion {
                what: "entry",
                got: e.version,
                supported: ENTRY_VERSION,
            });
        }
        if e.to_bytes() != bytes {
            return Err(bad("entry bytes are not in canonical form"));
        }
        Ok(e)
    }

    /// The entry's type name.
    pub fn kind(&self) -> &'static str {
        match self.body {
            EntryBody::Genesis(_) => "genesis",
            EntryBody::KeyRegistration(_) => "key-registration",
            EntryBody::VkRegistration(_) => "vk-registration",
            EntryBody::RegistryRoot(_) => "registry-root",
            EntryBody::ProofAnchor(_) => "proof-anchor",
            EntryBody::ElectionEvent(_) => "election-event",
        }
    }
}

/// The message an authority signs for a signed body: the label, then the
/// canonical JSON of the body with its `signature` field emptied.
pub fn signing_message(body: &EntryBody) -> Vec<u8> {
    let mut unsigned = body.clone();
    match &mut unsigned {
        EntryBody::KeyRegistration(k) => k.signature.clear(),
        EntryBody::VkRegistration(v) => v.signature.clear(),
        EntryBody::RegistryRoot(r) => r.signature.clear(),
        EntryBody::ElectionEvent(e) => e.signature.clear(),
        EntryBody::Genesis(_) | EntryBody::ProofAnchor(_) => {}
    }
    let mut msg = SIGNING_LABEL.as_bytes().to_vec();
    msg.extend(serde_json::to_vec(&unsigned).unwrap_or_default());
    msg
}

/// Decodes a base64 Ed25519 public key.
pub fn decode_public_key(b64: &str) -> Result<ed25519_dalek::VerifyingKey, VerifyError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| bad(format!("public key base64: {e}")))?;
    let arr: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| bad("public key must be 32 bytes"))?;
    ed25519_dalek::VerifyingKey::from_bytes(&arr)
        .map_err(|_| bad("public key is not a valid Ed25519 point"))
}

/// The signature carried by a signed body.
pub fn signature_of(body: &EntryBody) -> Option<&str> {
    match body {
        EntryBody::KeyRegistration(k) => Some(&k.signature),
        EntryBody::VkRegistration(v) => Some(&v.signature),
        EntryBody::RegistryRoot(r) => Some(&r.signature),
        EntryBody::ElectionEvent(e) => Some(&e.signature),
        EntryBody::Genesis(_) | EntryBody::ProofAnchor(_) => None,
    }
}

/// Checks a signed body's signature under `key` (strict Ed25519).
pub fn verify_signature(
    body: &EntryBody,
    key: &ed25519_dalek::VerifyingKey,
) -> Result<(), VerifyError> {
    let sig_b64 = signature_of(body).ok_or_else(|| bad("this entry type carries no signature"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sig_b64)
        .map_err(|e| bad(format!("signature base64: {e}")))?;
    let arr: [u8; 64] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| bad("signature must be 64 bytes"))?;
    key.verify_strict(
        &signing_message(body),
        &ed25519_dalek::Signature::from_bytes(&arr),
    )
    .map_err(|_| VerifyError::BadSignature(format!("{} entry", kind_of(body))))
}

fn kind_of(body: &EntryBody) -> &'static str {
    Entry::new(body.clone()).kind()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn root_body() -> EntryBody {
        EntryBody::RegistryRoot(RegistryRoot {
            authority: "land-registry".into(),
            registry_id: "parcels".into(),
            epoch: 3,
            root: "12345".into(),
            leaf_count: 4096,
            published_at: 1_790_000_000,
            signature: String::new(),
        })
    }

    fn sign(body: &mut EntryBody, key: &SigningKey) {
        let sig = base64::engine::general_purpose::STANDARD
            .encode(key.sign(&signing_message(body)).to_bytes());
        if let EntryBody::RegistryRoot(r) = body {
            r.signature = sig;
        }
    }

    #[test]
    fn canonical_bytes_round_trip_and_refuse_other_spellings() {
        let e = Entry::new(root_body());
        let bytes = e.to_bytes();
        assert_eq!(Entry::from_bytes(&bytes).unwrap(), e);
        let spaced = String::from_utf8(bytes.clone()).unwrap().replace(",", ", ");
        assert!(Entry::from_bytes(spaced.as_bytes()).is_err());
        let extra = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("\"epoch\"", "\"x\":1,\"epoch\"");
        assert!(Entry::from_bytes(extra.as_bytes()).is_err());
        let v2 = String::from_utf8(bytes)
            .unwrap()
            .replace("\"version\":1", "\"version\":2");
        assert!(matches!(
            Entry::from_bytes(v2.as_bytes()),
            Err(VerifyError::UnsupportedVersion { .. })
        ));
    }

    #[test]
    fn signatures_cover_every_field() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let mut body = root_body();
        sign(&mut body, &key);
        verify_signature(&body, &key.verifying_key()).unwrap();
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(verify_signature(&body, &other.verifying_key()).is_err());
        if let EntryBody::RegistryRoot(r) = &mut body {
            r.leaf_count += 1;
        }
        assert!(matches!(
            verify_signature(&body, &key.verifying_key()),
            Err(VerifyError::BadSignature(_))
        ));
    }
}
