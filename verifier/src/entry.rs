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
//! | `proof-anchor` | anyone with a valid proof | statement, key digest, public inputs (disclosed values only as their commitment), the proof bytes, nullifier |
//! | `agency-registration` | an admin | a relying party's name, key and the scope labels it may use |
//! | `election-definition` | an election authority | options, rules, roll, trustees' commitments, quorum, window ([`crate::election`]) |
//! | `ballot` | any voter on the roll, once | ciphertexts, ballot proof, eligibility proof, nullifier |
//! | `decryption-share` | a trustee, after the close | partial decryption of the aggregate with its proofs |
//! | `election-result` | anyone, once the quorum has decrypted | the counts, the trustees combined, the aggregate |
//!
//! Every field is typed: roots, scopes and nullifiers are canonical
//! decimals, digests 64 lower-case hex digits, keys and signatures standard
//! base64 of their exact length. Reading an entry refuses any other
//! spelling, so a typed entry has exactly one encoding.
//!
//! Signed entries carry an Ed25519 signature over
//! `"zkgov.ledger.entry.v2\n" || origin || "\n" || canonical JSON of the body with signature ""`,
//! where `origin` is the checkpoint origin of the log the entry is meant
//! for: a signed entry cannot be replayed onto another log. (Entry version
//! 1 signed the body without the origin; version 3 changed no signature:
//! proof anchors carry the proof instead of its digest, public inputs the
//! disclosure commitment instead of the values, and agencies are
//! registered.)

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    election::{CastBallot, DecryptionShare, ElectionDefinition, ElectionResult},
    encoding::{b64_array, b64_encode, base64_bytes, de_parsed, decimals, hex32},
    field::Fr,
    groth16::{Proof, VerifyingKeyDigest},
    log::NoteVerifier,
    statement::{MerkleRoot, Nullifier, Scope, StatementId},
    VerifyError,
};

/// Entry format version: 3 since proof anchors carry their proof and
/// agencies are registered (2: signatures commit to the log's origin).
pub const ENTRY_VERSION: u64 = 3;
/// Prefix of every signed entry message.
pub(crate) const SIGNING_LABEL: &str = "zkgov.ledger.entry.v2\n";

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedEntry(msg.into())
}

/// What an authority key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::RegistryAuthority,
        Role::Issuer,
        Role::AccreditationAuthority,
        Role::ElectionAuthority,
    ];

    /// The name used in entries and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::RegistryAuthority => "registry-authority",
            Role::Issuer => "issuer",
            Role::AccreditationAuthority => "accreditation-authority",
            Role::ElectionAuthority => "election-authority",
        }
    }

    /// Whether this role publishes roots (registry, revocation or
    /// accredited-issuer roots).
    pub const fn publishes_roots(self) -> bool {
        matches!(
            self,
            Role::RegistryAuthority | Role::Issuer | Role::AccreditationAuthority
        )
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = VerifyError;
    fn from_str(s: &str) -> Result<Self, VerifyError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| bad(format!("unknown role {s:?}")))
    }
}

/// An authority's Ed25519 public key, written as standard base64 of its 32
/// bytes; reading refuses bytes that are not a valid point encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthorityKey(pub ed25519_dalek::VerifyingKey);

impl AuthorityKey {
    /// Decodes standard base64 of 32 bytes.
    pub fn from_base64(s: &str) -> Result<Self, VerifyError> {
        let arr: [u8; 32] = b64_array(s, "public key").map_err(bad)?;
        ed25519_dalek::VerifyingKey::from_bytes(&arr)
            .map(AuthorityKey)
            .map_err(|_| bad("public key is not a valid Ed25519 point"))
    }

    /// Standard base64 of the 32 bytes.
    pub fn to_base64(&self) -> String {
        b64_encode(self.0.as_bytes())
    }

    /// Checks `sig` over the signing message of `body` for the log `origin`
    /// (strict Ed25519).
    pub fn verify(&self, origin: &str, body: &EntryBody) -> Result<(), VerifyError> {
        let sig = signature_of(body)
            .ok_or_else(|| bad("this entry type carries no signature"))?
            .0
            .ok_or_else(|| bad(format!("the {} entry is not signed", body.kind())))?;
        self.0
            .verify_strict(
                &signing_message(origin, body),
                &ed25519_dalek::Signature::from_bytes(&sig),
            )
            .map_err(|_| VerifyError::BadSignature(format!("{} entry", body.kind())))
    }
}

impl Serialize for AuthorityKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for AuthorityKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_parsed(d, Self::from_base64)
    }
}

/// An Ed25519 signature on an entry, written as standard base64 of its 64
/// bytes, or `""` while the entry is unsigned (that is how it is signed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntrySignature(pub Option<[u8; 64]>);

impl EntrySignature {
    fn parse(s: &str) -> Result<Self, VerifyError> {
        if s.is_empty() {
            return Ok(EntrySignature(None));
        }
        b64_array(s, "signature")
            .map(|a| EntrySignature(Some(a)))
            .map_err(bad)
    }
}

impl Serialize for EntrySignature {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(sig) => s.serialize_str(&b64_encode(sig)),
            None => s.serialize_str(""),
        }
    }
}

impl<'de> Deserialize<'de> for EntrySignature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_parsed(d, Self::parse)
    }
}

/// SHA-256 digest of proof bytes, written as 64 lower-case hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProofDigest(pub [u8; 32]);

impl ProofDigest {
    /// Parses 64 lower-case hex digits.
    pub fn from_hex(s: &str) -> Result<Self, VerifyError> {
        hex32(s, "proof digest").map(ProofDigest).map_err(bad)
    }
}

impl std::fmt::Display for ProofDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl Serialize for ProofDigest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ProofDigest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_parsed(d, Self::from_hex)
    }
}

pub(crate) mod proof_bytes {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(p: &Proof, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&b64_encode(&p.to_bytes()))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Proof, D::Error> {
        de_parsed(d, |s| {
            let bytes = crate::encoding::b64_decode(s, "proof").map_err(bad)?;
            Proof::from_bytes(&bytes)
        })
    }
}

fn ser_note_key<S: Serializer>(k: &NoteVerifier, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&k.to_vkey())
}

fn de_note_key<'de, D: Deserializer<'de>>(d: D) -> Result<NoteVerifier, D::Error> {
    de_parsed(d, |s| Ok(NoteVerifier::from_vkey(s)?))
}

/// An authority key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Unique name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Ed25519 public key.
    pub public_key: AuthorityKey,
    /// Registry ids a root-publishing authority may publish roots for.
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
    #[serde(serialize_with = "ser_note_key", deserialize_with = "de_note_key")]
    pub log_key: NoteVerifier,
    /// Authorities known from the start.
    pub authorities: Vec<Authority>,
    /// How long a superseded root stays acceptable, per publishing role
    /// (seconds after the root that supersedes it was published; a role
    /// not listed gets 0: only its current root is accepted). Semaphore
    /// calls this a root's duration.
    pub root_grace_secs: std::collections::BTreeMap<Role, u64>,
}

impl Genesis {
    /// The grace window of roots published by `role`.
    pub fn root_grace(&self, role: Role) -> u64 {
        self.root_grace_secs.get(&role).copied().unwrap_or(0)
    }
}

/// A relying party: an agency that asks citizens for proofs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Unique name, also its id in scopes (1 to 31 letters, digits, `-`,
    /// `_` or `.`).
    pub name: String,
    /// The Ed25519 key its presentation requests are signed with.
    pub public_key: AuthorityKey,
    /// The scope labels it may ask for (each 1 to 31 printable ASCII
    /// bytes); the scope of a label is [`crate::Scope::for_agency`].
    pub scopes: Vec<String>,
}

/// Registration of an agency, signed by an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyRegistration {
    /// The agency.
    pub agency: Agency,
    /// Admin who registers it.
    pub registered_by: String,
    /// Admin's signature.
    pub signature: EntrySignature,
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
    pub signature: EntrySignature,
}

/// Registration of a verifying key, signed by an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VkRegistration {
    /// Statement identifier.
    pub statement: StatementId,
    /// Circuit depth parameter.
    pub depth: u64,
    /// Compressed key bytes (base64 on the wire).
    #[serde(with = "base64_bytes")]
    pub vk: Vec<u8>,
    /// Digest of the key.
    pub vk_digest: VerifyingKeyDigest,
    /// Admin who registers it.
    pub registered_by: String,
    /// Admin's signature.
    pub signature: EntrySignature,
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
    /// Root.
    pub root: MerkleRoot,
    /// Number of records in the tree.
    pub leaf_count: u64,
    /// Publication time claimed by the authority (Unix seconds).
    pub published_at: u64,
    /// Authority's signature.
    pub signature: EntrySignature,
}

/// An accepted proof, anchored by the ledger after verifying it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofAnchor {
    /// Statement identifier.
    pub statement: StatementId,
    /// Verifying-key digest.
    pub vk_digest: VerifyingKeyDigest,
    /// Public inputs (canonical decimals on the wire).
    #[serde(with = "decimals")]
    pub public_inputs: Vec<Fr>,
    /// The proof, so that anyone can re-verify the anchor from the log
    /// alone (base64 of its 128 compressed bytes on the wire).
    #[serde(with = "proof_bytes")]
    pub proof: Proof,
    /// Registry root the proof is against.
    pub root: MerkleRoot,
    /// Nullifier scope.
    pub scope: Scope,
    /// Nullifier: accepted at most once per scope.
    pub nullifier: Nullifier,
    /// Ledger time of acceptance (Unix seconds).
    pub anchored_at: u64,
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
    /// See [`AgencyRegistration`].
    AgencyRegistration(AgencyRegistration),
    /// See [`ElectionDefinition`].
    ElectionDefinition(Box<ElectionDefinition>),
    /// See [`CastBallot`].
    Ballot(Box<CastBallot>),
    /// See [`DecryptionShare`].
    DecryptionShare(Box<DecryptionShare>),
    /// See [`ElectionResult`].
    ElectionResult(Box<ElectionResult>),
}

impl EntryBody {
    /// The entry's type name.
    pub fn kind(&self) -> &'static str {
        match self {
            EntryBody::Genesis(_) => "genesis",
            EntryBody::KeyRegistration(_) => "key-registration",
            EntryBody::VkRegistration(_) => "vk-registration",
            EntryBody::RegistryRoot(_) => "registry-root",
            EntryBody::ProofAnchor(_) => "proof-anchor",
            EntryBody::AgencyRegistration(_) => "agency-registration",
            EntryBody::ElectionDefinition(_) => "election-definition",
            EntryBody::Ballot(_) => "ballot",
            EntryBody::DecryptionShare(_) => "decryption-share",
            EntryBody::ElectionResult(_) => "election-result",
        }
    }

    /// The signature slot of a signed body (`None` for unsigned types).
    pub fn signature_mut(&mut self) -> Option<&mut EntrySignature> {
        match self {
            EntryBody::KeyRegistration(k) => Some(&mut k.signature),
            EntryBody::VkRegistration(v) => Some(&mut v.signature),
            EntryBody::RegistryRoot(r) => Some(&mut r.signature),
            EntryBody::ElectionDefinition(e) => Some(&mut e.signature),
            EntryBody::AgencyRegistration(a) => Some(&mut a.signature),
            EntryBody::Genesis(_)
            | EntryBody::ProofAnchor(_)
            | EntryBody::Ballot(_)
            | EntryBody::DecryptionShare(_)
            | EntryBody::ElectionResult(_) => None,
        }
    }
}

fn signature_of(body: &EntryBody) -> Option<EntrySignature> {
    match body {
        EntryBody::KeyRegistration(k) => Some(k.signature),
        EntryBody::VkRegistration(v) => Some(v.signature),
        EntryBody::RegistryRoot(r) => Some(r.signature),
        EntryBody::ElectionDefinition(e) => Some(e.signature),
        EntryBody::AgencyRegistration(a) => Some(a.signature),
        EntryBody::Genesis(_)
        | EntryBody::ProofAnchor(_)
        | EntryBody::Ballot(_)
        | EntryBody::DecryptionShare(_)
        | EntryBody::ElectionResult(_) => None,
    }
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
        // Typed fields serialise to strings and integers: this cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads canonical bytes; refuses other versions and any bytes that are
    /// not exactly the canonical encoding of what they decode to.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        #[derive(Deserialize)]
        struct Version {
            version: u64,
        }
        // The version first, so that another version is named as such
        // rather than as a field that does not parse.
        if let Ok(v) = serde_json::from_slice::<Version>(bytes) {
            if v.version != ENTRY_VERSION {
                return Err(VerifyError::UnsupportedVersion {
                    what: "entry",
                    got: v.version,
                    supported: ENTRY_VERSION,
                });
            }
        }
        let e: Entry = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if e.to_bytes() != bytes {
            return Err(bad("entry bytes are not in canonical form"));
        }
        Ok(e)
    }

    /// The entry's type name.
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }
}

/// The message an authority signs for a signed body meant for the log
/// `origin`: the label, the origin and a newline, then the canonical JSON
/// of the body with its `signature` emptied.
pub fn signing_message(origin: &str, body: &EntryBody) -> Vec<u8> {
    let mut unsigned = body.clone();
    if let Some(sig) = unsigned.signature_mut() {
        *sig = EntrySignature(None);
    }
    let mut msg = SIGNING_LABEL.as_bytes().to_vec();
    msg.extend_from_slice(origin.as_bytes());
    msg.push(b'\n');
    msg.extend(serde_json::to_vec(&unsigned).unwrap_or_default());
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    const ORIGIN: &str = "zkgov.test/log";

    fn root_body() -> EntryBody {
        EntryBody::RegistryRoot(RegistryRoot {
            authority: "land-registry".into(),
            registry_id: "parcels".into(),
            epoch: 3,
            root: MerkleRoot(Fr::from(12345u64)),
            leaf_count: 4096,
            published_at: 1_790_000_000,
            signature: EntrySignature::default(),
        })
    }

    fn sign(body: &mut EntryBody, origin: &str, key: &SigningKey) {
        let sig = key.sign(&signing_message(origin, body)).to_bytes();
        *body.signature_mut().unwrap() = EntrySignature(Some(sig));
    }

    #[test]
    fn canonical_bytes_round_trip_and_refuse_other_spellings() {
        let e = Entry::new(root_body());
        let bytes = e.to_bytes();
        assert_eq!(Entry::from_bytes(&bytes).unwrap(), e);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains(r#""root":"12345""#), "{text}");
        let spaced = text.replace(",", ", ");
        assert!(Entry::from_bytes(spaced.as_bytes()).is_err());
        let extra = text.replace("\"epoch\"", "\"x\":1,\"epoch\"");
        assert!(Entry::from_bytes(extra.as_bytes()).is_err());
        // A root spelled with a leading zero names the same number: refused
        // while reading, before the canonical-bytes comparison.
        let padded = text.replace(r#""root":"12345""#, r#""root":"012345""#);
        assert!(matches!(
            Entry::from_bytes(padded.as_bytes()),
            Err(VerifyError::MalformedEntry(m)) if m.contains("leading zero")
        ));
        let v1 = text.replace("\"version\":3", "\"version\":1");
        assert!(matches!(
            Entry::from_bytes(v1.as_bytes()),
            Err(VerifyError::UnsupportedVersion { got: 1, .. })
        ));
    }

    #[test]
    fn signatures_cover_every_field_and_the_origin() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = AuthorityKey(key.verifying_key());
        let mut body = root_body();
        sign(&mut body, ORIGIN, &key);
        public.verify(ORIGIN, &body).unwrap();
        let other = AuthorityKey(SigningKey::from_bytes(&[8u8; 32]).verifying_key());
        assert!(other.verify(ORIGIN, &body).is_err());
        // The same signed body is not valid for another log.
        assert!(matches!(
            public.verify("zkgov.test/other-log", &body),
            Err(VerifyError::BadSignature(_))
        ));
        if let EntryBody::RegistryRoot(r) = &mut body {
            r.leaf_count += 1;
        }
        assert!(matches!(
            public.verify(ORIGIN, &body),
            Err(VerifyError::BadSignature(_))
        ));
        let unsigned = root_body();
        assert!(matches!(
            public.verify(ORIGIN, &unsigned),
            Err(VerifyError::MalformedEntry(_))
        ));
    }

    #[test]
    fn keys_and_signatures_refuse_wrong_lengths() {
        assert!(AuthorityKey::from_base64(&b64_encode(&[1u8; 31])).is_err());
        assert!(EntrySignature::parse(&b64_encode(&[1u8; 63])).is_err());
        assert_eq!(EntrySignature::parse("").unwrap(), EntrySignature(None));
        assert!("registry-authority".parse::<Role>().is_ok());
        assert!("registry_authority".parse::<Role>().is_err());
    }
}
