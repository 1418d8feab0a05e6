//! The one error type of the verifier crate.

use thiserror::Error;

/// How a failure should be reported: the input could not be read, the proof
/// was read but does not establish the statement asked for, or it is simply
/// not a valid proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is not well formed (bad encoding, wrong sizes, wrong version,
    /// points off the curve, non-canonical numbers, ...).
    Malformed,
    /// The input is well formed but proves something other than what the
    /// verifier asked for (other statement, key, root, policy or challenge).
    Mismatch,
    /// The input is well formed and the pairing check failed.
    InvalidProof,
}

/// Everything that can go wrong when checking outside input.
///
/// Messages only ever name public data (public inputs, digests, field names);
/// no variant carries a witness.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A field element (or integer) given as a string or bytes is not canonical.
    #[error("{what}: not a canonical field element: {reason}")]
    NonCanonical {
        /// Which value was being parsed.
        what: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A verifying key failed validation.
    #[error("malformed verifying key: {0}")]
    MalformedKey(String),
    /// A proof failed to decode or validate.
    #[error("malformed proof: {0}")]
    MalformedProof(String),
    /// A bundle (or snarkjs JSON) could not be read.
    #[error("malformed bundle: {0}")]
    MalformedBundle(String),
    /// A policy is malformed or can never hold.
    #[error("malformed policy: {0}")]
    MalformedPolicy(String),
    /// The format version is not one this build understands.
    #[error("unsupported {what} version {got} (this build reads version {supported})")]
    UnsupportedVersion {
        /// Which format.
        what: &'static str,
        /// Version found.
        got: u64,
        /// Version supported.
        supported: u64,
    },
    /// An unknown statement identifier.
    #[error("unknown statement identifier {0:?}")]
    UnknownStatement(String),
    /// The number of public inputs differs from what the key or statement expects.
    #[error("wrong number of public inputs: expected {expected}, got {got}")]
    WrongInputCount {
        /// Expected count.
        expected: usize,
        /// Count given.
        got: usize,
    },
    /// A Poseidon call with an unsupported arity.
    #[error("poseidon: {0} inputs is outside the supported 1..=16")]
    PoseidonArity(usize),
    /// The bundle is for another statement than the one asked for.
    #[error("statement mismatch: expected {expected}, bundle is for {got}")]
    StatementMismatch {
        /// Expected statement.
        expected: String,
        /// Statement in the bundle.
        got: String,
    },
    /// The bundle names another verifying key than the one given.
    #[error("verifying-key digest mismatch: expected {expected}, bundle names {got}")]
    KeyDigestMismatch {
        /// Digest of the key the verifier holds.
        expected: String,
        /// Digest named by the bundle.
        got: String,
    },
    /// A public input differs from the value the verifier requires.
    #[error("public input `{name}` is {got}, the verifier requires {expected}")]
    PublicInputMismatch {
        /// Name of the public input.
        name: &'static str,
        /// Value the verifier requires.
        expected: String,
        /// Value in the bundle.
        got: String,
    },
    /// The pairing check failed: the proof is not valid for these public inputs.
    #[error("invalid proof: the pairing check failed for these public inputs")]
    InvalidProof,
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
    /// A verified checkpoint is for another log than the one asked for.
    #[error("checkpoint origin mismatch: expected {expected:?}, checkpoint is for {got:?}")]
    CheckpointOriginMismatch {
        /// Origin the verifier asked for.
        expected: String,
        /// Origin in the checkpoint.
        got: String,
    },
    /// A ledger entry is malformed or not in canonical form.
    #[error("malformed ledger entry: {0}")]
    MalformedEntry(String),
    /// A well-formed signature on a ledger entry does not verify.
    #[error("bad signature on {0}")]
    BadSignature(String),
    /// A ledger receipt is malformed.
    #[error("malformed receipt: {0}")]
    MalformedReceipt(String),
    /// A verified registry root does not meet the agency's root policy.
    #[error("registry root refused: {0}")]
    RootRefused(String),
    /// A curve point is off Baby Jubjub, outside its prime-order subgroup, or
    /// the identity.
    #[error("malformed point: {0}")]
    MalformedPoint(String),
    /// A date is not `YYYY-MM-DD` of years 0000-9999.
    #[error("malformed date: {0}")]
    MalformedDate(String),
    /// A credential schema is malformed.
    #[error("malformed schema: {0}")]
    MalformedSchema(String),
    /// A credential file is malformed.
    #[error("malformed credential: {0}")]
    MalformedCredential(String),
}

impl VerifyError {
    /// Classifies the error for reporting (exit codes, HTTP statuses).
    pub fn kind(&self) -> ErrorKind {
        match self {
            VerifyError::InvalidProof
            | VerifyError::LogProofFailed { .. }
            | VerifyError::NoteSignatureInvalid { .. }
            | VerifyError::BadSignature(_) => ErrorKind::InvalidProof,
            VerifyError::StatementMismatch { .. }
            | VerifyError::KeyDigestMismatch { .. }
            | VerifyError::PublicInputMismatch { .. }
            | VerifyError::NoteUnverified { .. }
            | VerifyError::CheckpointOriginMismatch { .. }
            | VerifyError::RootRefused(_) => ErrorKind::Mismatch,
            _ => ErrorKind::Malformed,
        }
    }

    pub(crate) fn non_canonical(what: impl Into<String>, reason: &'static str) -> Self {
        VerifyError::NonCanonical {
            what: what.into(),
            reason,
        }
    }
}
