//! Ledger receipts, checked offline against the log's public key, and the
//! root policy an agency applies before accepting a proof against a root.
//!
//! A receipt is `(entry bytes, index, inclusion proof, signed checkpoint)`.
//! It is valid when the checkpoint note carries a valid signature by the
//! log's key, and `leaf_hash(entry)` at `index` verifies against the
//! checkpoint's root and size. Then the entry decodes to a typed [`Entry`].

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::{
    entry::{decode_public_key, verify_signature, Entry, EntryBody, RegistryRoot},
    field::{parse_decimal, to_decimal},
    log::{leaf_hash, verify_checkpoint, verify_inclusion, Checkpoint, Hash, NoteVerifier},
    statement::MerkleRoot,
    VerifyError,
};

/// Proof that an entry is in the log, checkable offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Canonical entry bytes, base64.
    pub entry: String,
    /// Index in the log.
    pub index: u64,
    /// Inclusion proof (base64 hashes) in the checkpoint's tree.
    pub inclusion_proof: Vec<String>,
    /// The signed checkpoint note.
    pub checkpoint: String,
}

/// What a valid receipt establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedReceipt {
    /// The entry.
    pub entry: Entry,
    /// Its index.
    pub index: u64,
    /// The checkpoint it is included in.
    pub checkpoint: Checkpoint,
}

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedReceipt(msg.into())
}

fn hash_b64(s: &str) -> Result<Hash, VerifyError> {
    let v = base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| bad(format!("proof hash: {e}")))?;
    v.as_slice()
        .try_into()
        .map_err(|_| bad("a proof hash is not 32 bytes"))
}

impl Receipt {
    /// Reads a receipt from JSON.
    pub fn from_json(s: &str) -> Result<Self, VerifyError> {
        serde_json::from_str(s).map_err(|e| bad(e.to_string()))
    }

    /// Writes the receipt as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks the receipt against the log's key (see the module docs).
    pub fn verify(&self, log: &NoteVerifier) -> Result<VerifiedReceipt, VerifyError> {
        if self.inclusion_proof.len() > 64 {
            return Err(bad("inclusion proof longer than 64 hashes"));
        }
        let checkpoint =
            verify_checkpoint(self.checkpoint.as_bytes(), std::slice::from_ref(log))?.checkpoint;
        let data = base64::engine::general_purpose::STANDARD
            .decode(&self.entry)
            .map_err(|e| bad(format!("entry: {e}")))?;
        let proof = self
            .inclusion_proof
            .iter()
            .map(|h| hash_b64(h))
            .collect::<Result<Vec<_>, _>>()?;
        verify_inclusion(
            self.index,
            checkpoint.size,
            &leaf_hash(&data),
            &proof,
            &checkpoint.root,
        )?;
        Ok(VerifiedReceipt {
            entry: Entry::from_bytes(&data)?,
            index: self.index,
            checkpoint,
        })
    }
}

/// An agency's requirements on the registry root a proof is made against.
#[derive(Clone, Debug)]
pub struct RootPolicy {
    /// Name of the registry authority that must have published it.
    pub authority: String,
    /// That authority's Ed25519 key, base64 (as registered on the ledger).
    pub authority_key: String,
    /// Registry identifier.
    pub registry_id: String,
    /// Largest accepted age of the root, in seconds.
    pub max_age_secs: u64,
    /// Smallest accepted number of records (a registry too small hides no one).
    pub min_leaves: u64,
}

impl RootPolicy {
    /// Checks a receipt for a registry-root entry at time `now` (Unix
    /// seconds) and returns the root it vouches for.
    pub fn check(
        &self,
        receipt: &Receipt,
        log: &NoteVerifier,
        now: u64,
    ) -> Result<MerkleRoot, VerifyError> {
        let v = receipt.verify(log)?;
        let EntryBody::RegistryRoot(r) = &v.entry.body else {
            return Err(VerifyError::RootRefused(format!(
                "entry {} is a {} entry, not a registry root",
                v.index,
                v.entry.kind()
            )));
        };
        self.check_entry(r, now)
    }

    /// The checks on the entry itself (after its receipt was verified).
    pub fn check_entry(&self, r: &RegistryRoot, now: u64) -> Result<MerkleRoot, VerifyError> {
        let refuse = |m: String| Err(VerifyError::RootRefused(m));
        if r.authority != self.authority || r.registry_id != self.registry_id {
            return refuse(format!(
                "published by {:?} for {:?}, required {:?} for {:?}",
                r.authority, r.registry_id, self.authority, self.registry_id
            ));
        }
        verify_signature(
            &EntryBody::RegistryRoot(r.clone()),
            &decode_public_key(&self.authority_key)?,
        )?;
        if now.saturating_sub(r.published_at) > self.max_age_secs {
            return refuse(format!(
                "published at {} is older than {} s",
                r.published_at, self.max_age_secs
            ));
        }
        if r.leaf_count < self.min_leaves {
            return refuse(format!(
                "{} records, fewer than the required {}",
                r.leaf_count, self.min_leaves
            ));
        }
        let root = parse_decimal(&r.root, "root")?;
        debug_assert_eq!(to_decimal(&root), r.root);
        Ok(MerkleRoot(root))
    }
}

/// Checks that `receipt` anchors `bundle`'s statement on the log: the
/// receipt verifies against `log`, its entry is a proof anchor, and the
/// statement, key digest and public inputs are the bundle's. (The proof
/// bytes may differ: a re-randomised proof proves the same statement.)
/// Returns the anchor's index.
pub fn check_anchor(
    receipt: &Receipt,
    log: &NoteVerifier,
    bundle: &crate::bundle::Bundle,
) -> Result<u64, VerifyError> {
    let v = receipt.verify(log)?;
    let EntryBody::ProofAnchor(a) = &v.entry.body else {
        return Err(VerifyError::RootRefused(format!(
            "entry {} is a {} entry, not a proof anchor",
            v.index,
            v.entry.kind()
        )));
    };
    let inputs: Vec<String> = bundle.public_inputs.iter().map(to_decimal).collect();
    let checks = [
        (
            "statement",
            a.statement.as_str() == bundle.statement.as_str(),
            a.statement.clone(),
        ),
        (
            "vk_digest",
            a.vk_digest == bundle.vk_digest.to_hex(),
            a.vk_digest.clone(),
        ),
        (
            "public_inputs",
            a.public_inputs == inputs,
            a.public_inputs.join(","),
        ),
    ];
    for (name, ok, anchored) in checks {
        if !ok {
            return Err(VerifyError::PublicInputMismatch {
                name,
                expected: "the bundle's".into(),
                got: format!("anchored {anchored}"),
            });
        }
    }
    Ok(v.index)
}
