//! The one error type of the ledger crate, and the error contract of its
//! HTTP API.
//!
//! Every [`LedgerError`] has an [`ErrorCode`]: a stable, machine-readable
//! name that callers match on (never on message text), and from which the
//! HTTP status is derived in one place ([`ErrorCode::status`]). The server
//! answers every failure with an [`ErrorBody`]; the client decodes the same
//! type and gives back an error with the same code, so code that handles a
//! [`LedgerError`] behaves alike in process and over HTTP.
//!
//! | status | codes | meaning |
//! |---|---|---|
//! | 400 | `malformed`, `invalid-proof`, `invalid-signature`, `mismatch` | the request cannot be accepted as sent: unreadable, not canonical, a proof or signature that does not verify, a bundle naming a key for another statement |
//! | 403 | `unauthorised` | the signer is unknown, has another role, or is not listed for this registry |
//! | 403 | `request-refused` | (prover service) the agency's presentation request is forged, expired, for a label the agency is not registered for, or asks for another statement |
//! | 404 | `not-found` | no such entry, route or proof |
//! | 405 | `method-not-allowed` | the route exists but not for this method |
//! | 409 | `nullifier-used` (with `index`), `duplicate`, `stale-epoch` | it conflicts with what the log already holds |
//! | 408 | `timeout` | the request body did not arrive in time |
//! | 413 | `too-large` | the request body is over the limit (the prover service: also an array longer, or nesting deeper, than its limits) |
//! | 415 | `unsupported-media-type` | (prover service) a body that is not `application/json` |
//! | 422 | `refused`, `root-superseded`, `stale-date`, `outside-window` | well formed and valid (a proof that verifies), but the ledger's rules refuse it: no registered key, a root not published by the role that vouches for it, an empty registry, a time in the future, an unknown election or a roll too small; a root superseded beyond its grace window; a date far from the ledger's; a ballot outside its election's window or a decryption before the close |
//! | 422 | `false-statement` | (prover service) the private inputs do not satisfy the statement: no record of this holder, a credential that fails the policy or is revoked, a voter not on the roll, votes outside the rules |
//! | 429 | `overloaded` (with `Retry-After`) | (prover service) every proving slot and queue place is taken; retry later |
//! | 503 | `busy` (with `Retry-After`), `closed`, `halted`, `not-ready` | the ledger cannot take it now; the prover service is still loading its keys or cannot reach its ledger |
//! | 503 | `no-sequencer` (with `Retry-After`) | (a node of a cluster) no node holds the sequencer lease right now, or this one just lost it: a takeover is under way; retry in a second |
//! | 500 | `internal` | storage failed; never caused by client input |
//!
//! A client that cannot reach the ledger, or cannot read its answer, gives
//! `unreachable` (no server sends it).

use serde::{Deserialize, Serialize};
use thiserror::Error;
use zkgov_verifier::{ErrorKind, VerifyError};

/// Stable machine-readable error codes (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request is not readable or not canonical.
    Malformed,
    /// A proof does not verify.
    InvalidProof,
    /// A signature does not verify.
    InvalidSignature,
    /// The request is well formed but inconsistent (a bundle naming a key
    /// registered for another statement).
    Mismatch,
    /// The signer may not append this entry.
    Unauthorised,
    /// No such entry, route or proof.
    NotFound,
    /// This nullifier was already accepted in this scope.
    NullifierUsed,
    /// The entry is already in the log (name, key or root).
    Duplicate,
    /// The epoch is not after the registry's last one.
    StaleEpoch,
    /// A valid submission refused by the ledger's rules.
    Refused,
    /// A proof against a root superseded longer ago than its grace window.
    RootSuperseded,
    /// A proof whose `today` is more than one day from the ledger's date.
    StaleDate,
    /// A ballot outside its election's window, or a decryption before it
    /// closed.
    OutsideWindow,
    /// The request body is too large.
    TooLarge,
    /// The request body did not arrive in time.
    Timeout,
    /// Too many submissions are waiting; retry later.
    Busy,
    /// The ledger is shutting down.
    Closed,
    /// The ledger stopped signing after a failure; it must be reopened.
    Halted,
    /// The agency's presentation request does not authorise this proof
    /// (prover service).
    RequestRefused,
    /// The route exists, not for this method.
    MethodNotAllowed,
    /// The request body is not JSON (prover service).
    UnsupportedMediaType,
    /// The private inputs do not satisfy the statement (prover service).
    FalseStatement,
    /// Every proving slot and queue place is taken (prover service).
    Overloaded,
    /// The prover service has not loaded its keys, or cannot reach its
    /// ledger.
    NotReady,
    /// Storage or another internal failure.
    Internal,
    /// The client could not reach the ledger or read its answer.
    Unreachable,
    /// No node of the cluster sequences right now (a takeover is under way).
    NoSequencer,
}

impl ErrorCode {
    /// The HTTP status for this code: the one place it is decided.
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::Malformed
            | ErrorCode::InvalidProof
            | ErrorCode::InvalidSignature
            | ErrorCode::Mismatch => 400,
            ErrorCode::Unauthorised | ErrorCode::RequestRefused => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::FalseStatement => 422,
            ErrorCode::Overloaded => 429,
            ErrorCode::NullifierUsed | ErrorCode::Duplicate | ErrorCode::StaleEpoch => 409,
            ErrorCode::Timeout => 408,
            ErrorCode::TooLarge => 413,
            ErrorCode::Refused
            | ErrorCode::RootSuperseded
            | ErrorCode::StaleDate
            | ErrorCode::OutsideWindow => 422,
            ErrorCode::Busy
            | ErrorCode::Closed
            | ErrorCode::Halted
            | ErrorCode::NotReady
            | ErrorCode::NoSequencer => 503,
            ErrorCode::Internal => 500,
            ErrorCode::Unreachable => 502,
        }
    }

    /// The code's name as written in error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::InvalidProof => "invalid-proof",
            ErrorCode::InvalidSignature => "invalid-signature",
            ErrorCode::Mismatch => "mismatch",
            ErrorCode::Unauthorised => "unauthorised",
            ErrorCode::NotFound => "not-found",
            ErrorCode::NullifierUsed => "nullifier-used",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::StaleEpoch => "stale-epoch",
            ErrorCode::Refused => "refused",
            ErrorCode::RootSuperseded => "root-superseded",
            ErrorCode::StaleDate => "stale-date",
            ErrorCode::OutsideWindow => "outside-window",
            ErrorCode::TooLarge => "too-large",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Busy => "busy",
            ErrorCode::Closed => "closed",
            ErrorCode::Halted => "halted",
            ErrorCode::RequestRefused => "request-refused",
            ErrorCode::MethodNotAllowed => "method-not-allowed",
            ErrorCode::UnsupportedMediaType => "unsupported-media-type",
            ErrorCode::FalseStatement => "false-statement",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::NotReady => "not-ready",
            ErrorCode::Internal => "internal",
            ErrorCode::Unreachable => "unreachable",
            ErrorCode::NoSequencer => "no-sequencer",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON body of every error answer, shared by server and client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// Stable code.
    pub code: ErrorCode,
    /// What went wrong, for people. Names only public data.
    pub message: String,
    /// For `nullifier-used`: the entry that used the nullifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
}

/// Why a signer may not append an entry.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Unauthorised {
    /// No authority of that name.
    #[error("unknown authority {0:?}")]
    UnknownAuthority(String),
    /// The authority has another role.
    #[error("{name:?} is a {role}; this needs the {required} role")]
    WrongRole {
        /// The authority.
        name: String,
        /// Its role.
        role: zkgov_verifier::Role,
        /// The role required.
        required: &'static str,
    },
    /// The authority is not listed for this registry.
    #[error("{authority:?} may not publish roots of {registry:?}")]
    RegistryNotListed {
        /// The authority.
        authority: String,
        /// The registry.
        registry: String,
    },
}

/// A valid submission the ledger's rules refuse (HTTP 422).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The bundle's key is not registered.
    #[error("no registered verifying key {0}")]
    UnregisteredKey(String),
    /// The proof's root was not published by the role that vouches for it.
    #[error("root {root} is not a root published by a {role}")]
    RootNotPublished {
        /// The root.
        root: String,
        /// The role whose publication is required.
        role: zkgov_verifier::Role,
    },
    /// A registry root covering no records (only revocation trees may be empty).
    #[error("a registry root must cover at least one record")]
    EmptyRegistry,
    /// A publication time beyond the ledger's clock and skew.
    #[error("publication time {0} is in the future")]
    FutureTime(u64),
    /// A publication time further in the past than the clock skew allows,
    /// or before the registry's previous root.
    #[error("publication time {0} is back-dated")]
    BackDated(u64),
    /// The proof's root was superseded longer ago than its role's grace
    /// window.
    #[error("root {root} was superseded at {superseded_at}, more than the {grace_secs} s grace window ago (now {now})")]
    RootSuperseded {
        /// The root.
        root: String,
        /// When the root that replaced it was published (Unix seconds).
        superseded_at: u64,
        /// The window for its publisher's role (genesis parameter).
        grace_secs: u64,
        /// The ledger's clock.
        now: u64,
    },
    /// The proof's `today` is more than one day from the ledger's date.
    #[error("the proof's date {today} is more than one day from the ledger's date {ledger_today}")]
    DateOutOfRange {
        /// The proof's date.
        today: String,
        /// The ledger's date.
        ledger_today: String,
    },
    /// This statement is not anchored by this ledger.
    #[error("statement {0} is not anchorable")]
    NotAnchorable(String),
    /// No election of this id is defined.
    #[error("no election {0:?} is defined")]
    UnknownElection(String),
    /// A ballot outside the election's window, a decryption before its
    /// close, or a definition whose window is over.
    #[error("election {election:?} accepts ballots from {opens_at} until {closes_at} and decryptions from {closes_at}; the ledger's clock is {now}")]
    OutsideWindow {
        /// The election.
        election: String,
        /// Opening time.
        opens_at: u64,
        /// Closing time.
        closes_at: u64,
        /// The ledger's clock.
        now: u64,
    },
    /// The roll is not the registry's current root.
    #[error("the roll is not the current root of registry {registry:?}")]
    RollNotCurrent {
        /// The registry.
        registry: String,
    },
    /// The roll is too small to hide a voter among.
    #[error("the roll has {voters} voters; an election needs at least {min}")]
    RollTooSmall {
        /// Voters on the roll.
        voters: u64,
        /// The minimum.
        min: u64,
    },
}

/// What is already in the log (HTTP 409).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Duplicate {
    /// An authority of this name exists (or the name is unusable).
    #[error("authority name {0:?} is taken")]
    AuthorityName(String),
    /// This verifying key is registered.
    #[error("verifying key {0} is already registered")]
    VerifyingKey(String),
    /// An agency of this name is registered.
    #[error("agency {0:?} is already registered")]
    AgencyName(String),
    /// This root of this registry is published.
    #[error("root {root} of {registry:?} is already published")]
    Root {
        /// Registry.
        registry: String,
        /// Root.
        root: String,
    },
    /// An election of this id is defined.
    #[error("election {0:?} is already defined")]
    Election(String),
    /// This trustee already published its partial decryption.
    #[error("trustee {trustee} already published its partial decryption of {election:?}")]
    Decryption {
        /// The election.
        election: String,
        /// The trustee.
        trustee: u32,
    },
    /// The election's result is published.
    #[error("the result of {0:?} is already published")]
    ElectionResult(String),
}

/// Why an operation on the ledger failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The request is unreadable or not canonical. Nothing was written.
    #[error("{0}")]
    Malformed(String),
    /// A check from the verifier crate failed (malformed input, a proof or
    /// signature that does not verify, a mismatch).
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The submitter is not allowed to append this entry.
    #[error("not authorised: {0}")]
    Unauthorised(#[from] Unauthorised),
    /// A valid submission refused by the ledger's rules.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// The entry is already in the log.
    #[error("{0}")]
    Duplicate(#[from] Duplicate),
    /// The registry's epoch does not increase.
    #[error("epoch {epoch} is not after the registry's last epoch {last}")]
    StaleEpoch {
        /// Epoch given.
        epoch: u64,
        /// Last epoch of the registry.
        last: u64,
    },
    /// This nullifier was already accepted in this scope.
    #[error("nullifier already used in this scope (entry {index})")]
    NullifierUsed {
        /// Index of the entry that used it.
        index: u64,
    },
    /// No such entry, route or proof.
    #[error("{0}")]
    NotFound(String),
    /// The request body is over the limit.
    #[error("request body over {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The request body did not arrive in time.
    #[error("the request body did not arrive in time")]
    TimedOut,
    /// The ledger could not be reached, or its answer not read (client side).
    #[error("ledger unreachable: {0}")]
    Unreachable(String),
    /// Too many submissions are waiting.
    #[error("the ledger is busy ({0} submissions waiting); retry later")]
    Busy(usize),
    /// Storage is corrupt, torn or inconsistent with what was signed.
    #[error("storage is corrupt: {0}")]
    Corrupt(String),
    /// Storage holds less than the log has already signed: it was rolled
    /// back. The log refuses to sign.
    #[error("storage was rolled back: the log signed size {signed} but storage holds {stored}")]
    RolledBack {
        /// Size the log had signed.
        signed: u64,
        /// Size found in storage.
        stored: u64,
    },
    /// The configuration disagrees with the log's genesis, or the data
    /// directory is unusable (another process holds it, its log key is
    /// missing).
    #[error("{0}")]
    Config(String),
    /// The storage backend failed.
    #[error("storage: {0}")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The ledger is shutting down.
    #[error("the ledger is closed")]
    Closed,
    /// The ledger stopped signing: a batch is durable but the signed-size
    /// file could not be written, so rollback protection would lag. It
    /// answers reads and refuses appends until it is reopened.
    #[error("the ledger stopped signing after a failed write of its signed size ({0}); reopen it")]
    Halted(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A secret file (log key, authority key) could not be read.
    #[error(transparent)]
    SecretFile(#[from] zkgov_params::private_file::SecretFileError),
    /// This node of a cluster does not sequence: submissions go to the
    /// node named (the HTTP API forwards them there), or, with none, wait
    /// for a takeover.
    #[error("{}", match .sequencer {
        Some(url) => format!("this node does not sequence; the sequencer is {url}"),
        None => "no node sequences right now (a takeover is under way); retry".to_owned(),
    })]
    NotSequencer {
        /// Where the sequencer takes submissions, if one holds the lease.
        sequencer: Option<String>,
    },
    /// This node's sequencer lease expired or was taken over before its
    /// batch was written: nothing of the batch was written.
    #[error(
        "this node lost the sequencer lease (epoch {epoch}) before the batch was written; retry"
    )]
    LeaseLost {
        /// The epoch it held.
        epoch: i64,
    },
    /// An error answer from a ledger over HTTP, for codes that have no
    /// richer local variant.
    #[error("{}", .0.message)]
    Remote(ErrorBody),
}

impl LedgerError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            LedgerError::Malformed(_) | LedgerError::SecretFile(_) => ErrorCode::Malformed,
            LedgerError::Verify(v) => match (v.kind(), v) {
                (_, VerifyError::BadSignature(_)) => ErrorCode::InvalidSignature,
                (ErrorKind::InvalidProof, _) => ErrorCode::InvalidProof,
                (ErrorKind::Mismatch, _) => ErrorCode::Mismatch,
                _ => ErrorCode::Malformed,
            },
            LedgerError::Unauthorised(_) => ErrorCode::Unauthorised,
            LedgerError::Refused(Refusal::RootSuperseded { .. }) => ErrorCode::RootSuperseded,
            LedgerError::Refused(Refusal::DateOutOfRange { .. }) => ErrorCode::StaleDate,
            LedgerError::Refused(Refusal::OutsideWindow { .. }) => ErrorCode::OutsideWindow,
            LedgerError::Refused(_) => ErrorCode::Refused,
            LedgerError::Duplicate(_) => ErrorCode::Duplicate,
            LedgerError::StaleEpoch { .. } => ErrorCode::StaleEpoch,
            LedgerError::NullifierUsed { .. } => ErrorCode::NullifierUsed,
            LedgerError::NotFound(_) => ErrorCode::NotFound,
            LedgerError::TooLarge { .. } => ErrorCode::TooLarge,
            LedgerError::TimedOut => ErrorCode::Timeout,
            LedgerError::Unreachable(_) => ErrorCode::Unreachable,
            LedgerError::Busy(_) => ErrorCode::Busy,
            LedgerError::Closed => ErrorCode::Closed,
            LedgerError::Halted(_) => ErrorCode::Halted,
            LedgerError::Remote(b) => b.code,
            LedgerError::NotSequencer { .. } | LedgerError::LeaseLost { .. } => {
                ErrorCode::NoSequencer
            }
            LedgerError::Corrupt(_)
            | LedgerError::RolledBack { .. }
            | LedgerError::Config(_)
            | LedgerError::Storage(_)
            | LedgerError::Io { .. } => ErrorCode::Internal,
        }
    }

    /// The error as the API answers it. Internal failures are named, not
    /// described: their details stay in the server's own log.
    pub fn to_body(&self) -> ErrorBody {
        let code = self.code();
        ErrorBody {
            code,
            message: if code == ErrorCode::Internal {
                "internal error".into()
            } else {
                self.to_string()
            },
            index: match self {
                LedgerError::NullifierUsed { index } => Some(*index),
                LedgerError::Remote(b) => b.index,
                _ => None,
            },
        }
    }

    /// The error a client rebuilds from an answer's body.
    pub fn from_body(body: ErrorBody) -> Self {
        match (body.code, body.index) {
            (ErrorCode::NullifierUsed, Some(index)) => LedgerError::NullifierUsed { index },
            _ => LedgerError::Remote(body),
        }
    }

    pub(crate) fn storage(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        LedgerError::Storage(Box::new(e))
    }

    pub(crate) fn internal(msg: impl Into<String>) -> Self {
        LedgerError::Storage(msg.into().into())
    }
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::storage(e)
    }
}
