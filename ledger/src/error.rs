//! The one error type of the ledger crate.

use thiserror::Error;

/// Why an operation on the ledger failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The submission is malformed or invalid (bad signature, unknown key,
    /// unknown or stale root, invalid proof, ...). Nothing was written.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The submitter is not allowed to append this entry.
    #[error("not authorised: {0}")]
    Unauthorised(String),
    /// This nullifier was already accepted in this scope.
    #[error("nullifier already used in this scope (entry {index})")]
    NullifierUsed {
        /// Index of the entry that used it.
        index: u64,
    },
    /// A check from the verifier crate failed.
    #[error(transparent)]
    Verify(#[from] zkgov_verifier::VerifyError),
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
    /// The storage backend failed.
    #[error("storage: {0}")]
    Storage(String),
    /// The ledger is shutting down.
    #[error("the ledger is closed")]
    Closed,
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Storage(e.to_string())
    }
}
