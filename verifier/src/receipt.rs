//! Ledger receipts, checked offline against the log's public key, and the
//! root policy an agency applies before accepting a proof against a root.
//!
//! A receipt is `(entry bytes, index, inclusion proof, signed checkpoint)`.
//! It is valid when the checkpoint note carries a valid signature by the
//! log's key, and `leaf_hash(entry)` at `index` verifies against the
//! checkpoint's root and size. Then the entry decodes to a typed [`Entry`].
//!
//! A log's key alone cannot show that everyone sees the same log: its
//! operator could sign two forks, or roll its storage back and sign again.
//! [`WitnessPolicy`] asks, in addition, for cosignatures (C2SP
//! tlog-cosignature, <https://c2sp.org/tlog-cosignature>, `cosignature/v1`)
//! on the receipt's checkpoint from at least `quorum` of the named
//! witnesses, each of which cosigns only checkpoints consistent with every
//! one it cosigned before (C2SP tlog-witness, <https://c2sp.org/tlog-witness>).
//! A fork or a rollback is then caught unless `quorum` witnesses collude.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    encoding::{b64_array, b64_encode, base64_bytes},
    entry::{AuthorityKey, Entry, EntryBody, RegistryRoot},
    log::{
        leaf_hash, verify_checkpoint, verify_cosignatures, verify_inclusion, Checkpoint,
        CosignatureVerifier, Hash, NoteVerifier,
    },
    statement::MerkleRoot,
    VerifyError,
};

/// Longest inclusion proof a receipt may carry (a tree of 2^64 leaves).
pub(crate) const MAX_PROOF_HASHES: usize = 64;

/// Proof that an entry is in the log, checkable offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Canonical entry bytes (base64 on the wire).
    #[serde(with = "base64_bytes")]
    pub entry: Vec<u8>,
    /// Index in the log.
    pub index: u64,
    /// Inclusion proof in the checkpoint's tree (base64 hashes on the wire).
    #[serde(serialize_with = "ser_hashes", deserialize_with = "de_hashes")]
    pub inclusion_proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub checkpoint: String,
}

fn ser_hashes<S: Serializer>(v: &[Hash], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|h| b64_encode(h)))
}

fn de_hashes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
    use serde::de::Error as _;
    let v = <Vec<String>>::deserialize(d)?;
    if v.len() > MAX_PROOF_HASHES {
        return Err(D::Error::custom(format!(
            "inclusion proof longer than {MAX_PROOF_HASHES} hashes"
        )));
    }
    v.iter()
        .map(|h| b64_array::<32>(h, "proof hash"))
        .collect::<Result<_, _>>()
        .map_err(D::Error::custom)
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

impl Receipt {
    /// Reads a receipt from JSON.
    pub fn from_json(s: &str) -> Result<Self, VerifyError> {
        serde_json::from_str(s).map_err(|e| bad(e.to_string()))
    }

    /// Writes the receipt as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks the receipt against the log's key (see the module docs). The
    /// checkpoint must be for the log the key names: a key that signs for
    /// two logs does not let a receipt of one pass for the other.
    pub fn verify(&self, log: &NoteVerifier) -> Result<VerifiedReceipt, VerifyError> {
        if self.inclusion_proof.len() > MAX_PROOF_HASHES {
            return Err(bad("inclusion proof longer than 64 hashes"));
        }
        let checkpoint = verify_checkpoint(self.checkpoint.as_bytes(), std::slice::from_ref(log))?
            .require_origin(log.name())?
            .checkpoint;
        verify_inclusion(
            self.index,
            checkpoint.size,
            &leaf_hash(&self.entry),
            &self.inclusion_proof,
            &checkpoint.root,
        )?;
        Ok(VerifiedReceipt {
            entry: Entry::from_bytes(&self.entry)?,
            index: self.index,
            checkpoint,
        })
    }

    /// [`Receipt::verify`], and the checkpoint cosigned as `witnesses`
    /// requires.
    pub fn verify_witnessed(
        &self,
        log: &NoteVerifier,
        witnesses: &WitnessPolicy,
    ) -> Result<VerifiedReceipt, VerifyError> {
        let v = self.verify(log)?;
        witnesses.check(&self.checkpoint, log)?;
        Ok(v)
    }
}

/// The witnesses a receipt's checkpoint must be cosigned by: at least
/// `quorum` distinct ones of `witnesses` (see the module docs). The
/// default (no witnesses, quorum 0) asks for none.
#[derive(Clone, Debug, Default)]
pub struct WitnessPolicy {
    /// The witnesses trusted, with their names and keys.
    pub witnesses: Vec<CosignatureVerifier>,
    /// How many distinct ones must have cosigned.
    pub quorum: usize,
}

impl WitnessPolicy {
    /// Checks the cosignatures of a checkpoint note the log's key signed.
    pub fn check(&self, note: &str, log: &NoteVerifier) -> Result<(), VerifyError> {
        if self.quorum == 0 {
            return Ok(());
        }
        if self.quorum > self.witnesses.len() {
            return Err(bad(format!(
                "a quorum of {} witnesses out of {} named cannot be met",
                self.quorum,
                self.witnesses.len()
            )));
        }
        verify_cosignatures(note.as_bytes(), log, &self.witnesses)?
            .require_cosigners(self.quorum)?;
        Ok(())
    }
}

/// An agency's requirements on the registry root a proof is made against.
#[derive(Clone, Debug)]
pub struct RootPolicy {
    /// Name of the registry authority that must have published it.
    pub authority: String,
    /// That authority's Ed25519 key (as registered on the ledger).
    pub authority_key: AuthorityKey,
    /// Registry identifier.
    pub registry_id: String,
    /// Largest accepted age of the root, in seconds.
    pub max_age_secs: u64,
    /// Smallest accepted number of records (a registry too small hides no one).
    pub min_leaves: u64,
    /// The witnesses the receipt's checkpoint must be cosigned by (none by
    /// default).
    pub witnesses: WitnessPolicy,
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
        let v = receipt.verify_witnessed(log, &self.witnesses)?;
        let EntryBody::RegistryRoot(r) = &v.entry.body else {
            return Err(VerifyError::RootRefused(format!(
                "entry {} is a {} entry, not a registry root",
                v.index,
                v.entry.kind()
            )));
        };
        self.check_entry(&v.checkpoint.origin, r, now)
    }

    /// The checks on the entry itself (after its receipt was verified):
    /// `origin` is the log it was published on.
    pub fn check_entry(
        &self,
        origin: &str,
        r: &RegistryRoot,
        now: u64,
    ) -> Result<MerkleRoot, VerifyError> {
        let refuse = |m: String| Err(VerifyError::RootRefused(m));
        if r.authority != self.authority || r.registry_id != self.registry_id {
            return refuse(format!(
                "published by {:?} for {:?}, required {:?} for {:?}",
                r.authority, r.registry_id, self.authority, self.registry_id
            ));
        }
        self.authority_key
            .verify(origin, &EntryBody::RegistryRoot(r.clone()))?;
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
        Ok(r.root)
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
    verify_anchor(receipt, log, bundle).map(|v| v.index)
}

/// [`check_anchor`], returning the verified receipt (the anchor entry and
/// the checkpoint it is included in) instead of its index alone.
pub fn verify_anchor(
    receipt: &Receipt,
    log: &NoteVerifier,
    bundle: &crate::bundle::Bundle,
) -> Result<VerifiedReceipt, VerifyError> {
    let v = receipt.verify(log)?;
    let EntryBody::ProofAnchor(a) = &v.entry.body else {
        return Err(VerifyError::RootRefused(format!(
            "entry {} is a {} entry, not a proof anchor",
            v.index,
            v.entry.kind()
        )));
    };
    let checks = [
        (
            "statement",
            a.statement == bundle.statement,
            a.statement.to_string(),
        ),
        (
            "vk_digest",
            a.vk_digest == bundle.vk_digest,
            a.vk_digest.to_hex(),
        ),
        (
            "public_inputs",
            a.public_inputs == bundle.public_inputs,
            a.public_inputs
                .iter()
                .map(crate::field::to_decimal)
                .collect::<Vec<_>>()
                .join(","),
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
    Ok(v)
}
