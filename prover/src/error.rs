//! The one error type of the prover crate.

use std::path::PathBuf;
use thiserror::Error;

/// Errors of registries, holder files and proving.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProverError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Input data (records, registry, holder file) is malformed.
    #[error("{what}: {reason}")]
    Malformed {
        /// Which input.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The holder's record is not in the registry.
    #[error("no record in the registry belongs to this owner secret")]
    NotInRegistry,
    /// The voter's commitment is not on the electoral roll.
    #[error("this voter's commitment is not on the electoral roll")]
    NotOnRoll,
    /// The witness does not satisfy the statement.
    #[error(transparent)]
    Circuit(#[from] zkgov_circuits::CircuitError),
    /// Key loading failed.
    #[error(transparent)]
    Params(#[from] zkgov_params::ParamsError),
    /// A verifier check failed.
    #[error(transparent)]
    Verify(#[from] zkgov_verifier::VerifyError),
    /// A secret file (holder secret, issuer key) could not be read.
    #[error(transparent)]
    SecretFile(#[from] zkgov_params::private_file::SecretFileError),
    /// A ledger operation failed.
    #[cfg(feature = "cli")]
    #[error(transparent)]
    Ledger(#[from] zkgov_ledger::LedgerError),
    /// A snarkjs key or circom witness is malformed, or the witness does
    /// not satisfy the circuit.
    #[error(transparent)]
    Groth16(#[from] zkgov_groth16::Groth16Error),
    /// The Groth16 prover failed.
    #[error("proving failed: {0}")]
    Proving(String),
}

impl ProverError {
    pub(crate) fn malformed(what: impl Into<String>, reason: impl Into<String>) -> Self {
        ProverError::Malformed {
            what: what.into(),
            reason: reason.into(),
        }
    }

    /// Maps an I/O error on `path`.
    pub fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| ProverError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
