//! # zkgov-tlog
//!
//! The transparency-log math of zkgov, with no arkworks: RFC 9162 tree
//! hashing, inclusion and consistency proofs (verified, and generated from
//! leaf hashes), C2SP `tlog-checkpoint` bodies and C2SP `signed-note`s with
//! Ed25519 (signed and verified). The verifier crate (receipts) and the
//! ledger (checkpoints) both use it; so can a witness that cosigns
//! checkpoints and needs nothing else.
//!
//! * [`merkle`] — RFC 9162 tree hashing, inclusion and consistency proofs:
//!   their verification and the reference (slice-based) generators;
//! * [`checkpoint`] — the C2SP `tlog-checkpoint` body (origin, size, root);
//! * [`note`] — C2SP `signed-note` with Ed25519: verifier keys, key ids,
//!   signature lines, and [`verify_checkpoint`];
//! * [`cosignature`] — C2SP `tlog-cosignature` `cosignature/v1` (Ed25519):
//!   witness keys, [`cosign`], and [`verify_cosignatures`] with a k-of-n
//!   quorum of distinct witnesses;
//! * [`witness`] — the I/O-free part of a C2SP `tlog-witness`: the
//!   `add-checkpoint` request and its checks, each refusal with its HTTP
//!   status.
//!
//! A client that holds the log's verifier key checks a checkpoint, then that
//! an entry is in it and that it extends the last checkpoint it saw:
//!
//! ```no_run
//! use zkgov_tlog::{leaf_hash, verify_checkpoint, verify_consistency, verify_inclusion,
//!     Hash, NoteVerifier};
//! # fn run(note: &[u8], entry: &[u8], index: u64, proof: &[Hash], old_size: u64, old_root: Hash,
//! #        consistency: &[Hash]) -> Result<(), zkgov_tlog::TlogError> {
//! let log_key = NoteVerifier::from_vkey("example.org/ledger+2f1a9c3b+AV...")?;
//! let cp = verify_checkpoint(note, &[log_key])?.require_origin("example.org/ledger")?.checkpoint;
//! verify_inclusion(index, cp.size, &leaf_hash(entry), proof, &cp.root)?;
//! verify_consistency(old_size, cp.size, &old_root, &cp.root, consistency)?;
//! # Ok(()) }
//! ```
//!
//! Nothing here reads files, talks to the network or spawns threads: input
//! is bytes, output is a value or a typed [`TlogError`].

pub mod checkpoint;
pub mod cosignature;
mod error;
pub mod merkle;
pub mod note;
pub mod witness;

pub use error::{ErrorKind, TlogError};

pub use checkpoint::Checkpoint;
pub use cosignature::{
    cosign, cosignature_message, verify_cosignatures, CosignatureVerifier, VerifiedCosignature,
    VerifiedCosigned,
};
pub use merkle::{
    consistency_proof, empty_root, inclusion_proof, leaf_hash, node_hash, root_of,
    verify_consistency, verify_inclusion, Hash,
};
pub use note::{
    key_id, note_text, signature_line, verify_checkpoint, verify_note, NoteVerifier,
    VerifiedCheckpoint, VerifiedNote, MAX_NOTE_BYTES, MAX_SIGNATURES,
};
