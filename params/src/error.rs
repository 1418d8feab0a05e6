//! The one error type of the params crate.

use std::path::PathBuf;
use thiserror::Error;

/// Errors of setup, key files and manifests.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ParamsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The manifest is malformed or of another version.
    #[error("manifest {path}: {reason}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No key for this statement and depth in the manifest.
    #[error("no key for {statement} at depth {depth} in {dir} (run `zkgov setup`)")]
    NoKey {
        /// Statement.
        statement: String,
        /// Depth.
        depth: usize,
        /// Key directory.
        dir: PathBuf,
    },
    /// A key file's size differs from the manifest.
    #[error("{path}: {got} bytes, the manifest says {expected}")]
    SizeMismatch {
        /// The key file.
        path: PathBuf,
        /// Size in the manifest.
        expected: u64,
        /// Size on disk.
        got: u64,
    },
    /// A key file's digest differs from the manifest.
    #[error("{path}: SHA-256 {got}, the manifest pins {expected}")]
    DigestMismatch {
        /// The key file.
        path: PathBuf,
        /// Digest in the manifest.
        expected: String,
        /// Digest of the file.
        got: String,
    },
    /// A key file does not decode.
    #[error("{path}: {reason}")]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Setup failed.
    #[error("setup failed: {0}")]
    Setup(String),
    /// A verifier-side check failed.
    #[error(transparent)]
    Verify(#[from] zkgov_verifier::VerifyError),
}
