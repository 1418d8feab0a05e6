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
    /// A batch of proofs for one key does not verify: `invalid` lists the
    /// positions, in the order given, of every proof that fails on its own
    /// (found by bisection).
    #[error("invalid proofs in the batch at positions {invalid:?}")]
    InvalidBatch {
        /// Positions of the invalid proofs.
        invalid: Vec<usize>,
    },
    /// A transparency-log proof, checkpoint or signed note failed (see
    /// [`zkgov_tlog::TlogError`]).
    #[error(transparent)]
    Log(#[from] zkgov_tlog::TlogError),
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
    /// A presentation request could not be read.
    #[error("malformed presentation request: {0}")]
    MalformedRequest(String),
    /// A well-formed presentation request the holder must not answer
    /// (expired, for a label its agency is not registered for, for another
    /// ledger).
    #[error("presentation request refused: {0}")]
    RequestRefused(String),
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
    /// An election definition, trustee record or partial decryption is
    /// malformed or inconsistent.
    #[error("malformed election data: {0}")]
    MalformedElection(String),
    /// A ballot is malformed (wrong shape, unreadable proof), or the
    /// selection breaks the election's rules.
    #[error("malformed ballot: {0}")]
    MalformedBallot(String),
    /// A well-formed ballot whose proof does not verify.
    #[error("invalid ballot: {0}")]
    InvalidBallot(&'static str),
    /// A trustee's proofs of knowledge of its coefficients do not verify.
    #[error("trustee {trustee}'s coefficient commitments do not verify")]
    BadCommitments {
        /// The trustee's index.
        trustee: u32,
    },
    /// A share is inconsistent with its dealer's commitments.
    #[error("the share from trustee {dealer} to trustee {recipient} is inconsistent with trustee {dealer}'s commitments")]
    BadShare {
        /// The dealer's index.
        dealer: u32,
        /// The recipient's index.
        recipient: u32,
    },
    /// A partial decryption's Chaum-Pedersen proof does not verify.
    #[error("trustee {trustee}'s partial decryption of option {option} does not verify")]
    InvalidDecryption {
        /// The trustee's index.
        trustee: u32,
        /// The option.
        option: usize,
    },
    /// Fewer trustees than the quorum took part.
    #[error("{have} trustees decrypted; the quorum is {need}")]
    QuorumNotMet {
        /// Distinct trustees.
        have: usize,
        /// The quorum.
        need: usize,
    },
    /// A result does not follow from the aggregate and the partial
    /// decryptions.
    #[error("the tally does not check: {0}")]
    TallyMismatch(String),
}

impl VerifyError {
    /// Classifies the error for reporting (exit codes, HTTP statuses).
    pub fn kind(&self) -> ErrorKind {
        match self {
            VerifyError::Log(l) => match l.kind() {
                zkgov_tlog::ErrorKind::Malformed => ErrorKind::Malformed,
                zkgov_tlog::ErrorKind::Mismatch => ErrorKind::Mismatch,
                zkgov_tlog::ErrorKind::InvalidProof => ErrorKind::InvalidProof,
            },
            VerifyError::InvalidProof
            | VerifyError::InvalidBatch { .. }
            | VerifyError::BadSignature(_)
            | VerifyError::InvalidBallot(_)
            | VerifyError::BadCommitments { .. }
            | VerifyError::BadShare { .. }
            | VerifyError::InvalidDecryption { .. }
            | VerifyError::TallyMismatch(_) => ErrorKind::InvalidProof,
            VerifyError::StatementMismatch { .. }
            | VerifyError::KeyDigestMismatch { .. }
            | VerifyError::PublicInputMismatch { .. }
            | VerifyError::RootRefused(_)
            | VerifyError::RequestRefused(_)
            | VerifyError::QuorumNotMet { .. } => ErrorKind::Mismatch,
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
