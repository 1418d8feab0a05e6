//! The one error type of the transparency-log crate.

use thiserror::Error;

/// How a failure should be reported: the input could not be read, it was
/// read but is for something other than what was asked, or it does not
/// verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is not well formed.
    Malformed,
    /// Well formed, but for another log or signed by keys not trusted.
    Mismatch,
    /// Well formed, and a proof or signature does not verify.
    InvalidProof,
}

/// Everything that can go wrong when checking transparency-log input.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlogError {
    /// A transparency-log Merkle proof cannot be checked as given (index not
    /// below the tree size, sizes out of order or zero, wrong proof length).
    #[error("malformed log proof: {0}")]
    MalformedLogProof(String),
    /// A well-formed transparency-log Merkle proof leads to another root.
    #[error("{what} does not verify: it gives root {computed}, expected {expected}")]
    LogProofFailed {
        /// Which proof, for which leaf or sizes.
        what: String,
        /// Root the verifier holds (hex).
        expected: String,
        /// Root the proof leads to (hex).
        computed: String,
    },
    /// A checkpoint body is not in the exact C2SP tlog-checkpoint format.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    /// A signed note is not in the C2SP signed-note format, or is too large.
    #[error("malformed signed note: {0}")]
    MalformedNote(String),
    /// A note verifier key (or a list of them) is unusable.
    #[error("malformed note verifier key: {0}")]
    MalformedNoteKey(String),
    /// A signature by a key the verifier trusts does not verify.
    #[error("invalid note signature: the signature by {key} does not verify over the note text")]
    NoteSignatureInvalid {
        /// `<name>+<key id>` of the key.
        key: String,
    },
    /// A well-formed note carries no signature by any key the verifier trusts.
    #[error("note is not signed by a known key (signed by: {signed_by}; known keys: {known})")]
    NoteUnverified {
        /// `<name>+<key id>` of every signature line.
        signed_by: String,
        /// `<name>+<key id>` of every key the verifier trusts.
        known: String,
    },
    /// A cosignature by a witness the verifier trusts is not a
    /// `cosignature/v1` timestamped signature (wrong length, timestamp zero or
    /// above 2^63 - 1), or a cosignature cannot be made as asked.
    #[error("malformed cosignature: {0}")]
    MalformedCosignature(String),
    /// A cosignature by a witness the verifier trusts does not verify.
    #[error("invalid cosignature: the cosignature by {key} does not verify over the checkpoint")]
    CosignatureInvalid {
        /// `<name>+<key id>` of the witness key.
        key: String,
    },
    /// Fewer distinct trusted witnesses cosigned the checkpoint than asked.
    #[error("too few cosignatures: {needed} distinct witnesses needed, {got} cosigned ({who})")]
    TooFewCosignatures {
        /// Distinct witnesses asked for.
        needed: usize,
        /// Distinct witnesses whose cosignatures verified.
        got: usize,
        /// Their names, or `none`.
        who: String,
    },
    /// A verified checkpoint is for another log than the one asked for.
    #[error("checkpoint origin mismatch: expected {expected:?}, checkpoint is for {got:?}")]
    CheckpointOriginMismatch {
        /// Origin the verifier asked for.
        expected: String,
        /// Origin in the checkpoint.
        got: String,
    },
}

impl TlogError {
    /// Classifies the error for reporting.
    pub fn kind(&self) -> ErrorKind {
        match self {
            TlogError::LogProofFailed { .. }
            | TlogError::NoteSignatureInvalid { .. }
            | TlogError::CosignatureInvalid { .. } => ErrorKind::InvalidProof,
            TlogError::NoteUnverified { .. }
            | TlogError::CheckpointOriginMismatch { .. }
            | TlogError::TooFewCosignatures { .. } => ErrorKind::Mismatch,
            _ => ErrorKind::Malformed,
        }
    }
}
