//! Exit statuses, derived from the error kind in one place (uv's
//! `ExitStatus`).

use std::process::ExitCode;

use zkgov_ledger::ErrorCode;
use zkgov_prover::ProverError;
use zkgov_verifier::{ErrorKind, VerifyError};

/// What a command failing tells its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// 1: the input was read and is invalid, false, or refused.
    Invalid = 1,
    /// 2: the input is malformed or the command was misused.
    Malformed = 2,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A library error, classified by its kind.
    #[error(transparent)]
    Lib(#[from] ProverError),
    /// The command's arguments do not fit together.
    #[error("{0}")]
    Usage(String),
    /// The command ran and its outcome is not what it should be.
    #[error("{0}")]
    Failed(String),
}

macro_rules! lib_error {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Lib(e.into())
            }
        }
    )*};
}

lib_error!(
    VerifyError,
    zkgov_ledger::LedgerError,
    zkgov_params::ParamsError,
    zkgov_params::private_file::SecretFileError
);

fn of_verify(v: &VerifyError) -> ExitStatus {
    match v.kind() {
        ErrorKind::Malformed => ExitStatus::Malformed,
        _ => ExitStatus::Invalid,
    }
}

impl ExitStatus {
    /// The status for `e`.
    pub(crate) fn of(e: &CliError) -> Self {
        match e {
            CliError::Usage(_) => ExitStatus::Malformed,
            CliError::Failed(_) => ExitStatus::Invalid,
            CliError::Lib(p) => match p {
                ProverError::Verify(v) => of_verify(v),
                ProverError::Ledger(l) => match l {
                    zkgov_ledger::LedgerError::Verify(v) => of_verify(v),
                    l if l.code() == ErrorCode::Malformed => ExitStatus::Malformed,
                    _ => ExitStatus::Invalid,
                },
                ProverError::Groth16(g) => match g.kind() {
                    zkgov_groth16::ErrorKind::Invalid => ExitStatus::Invalid,
                    _ => ExitStatus::Malformed,
                },
                ProverError::NotInRegistry
                | ProverError::NotOnRoll
                | ProverError::Circuit(_)
                | ProverError::Proving(_) => ExitStatus::Invalid,
                _ => ExitStatus::Malformed,
            },
        }
    }

    /// The ledger's stable error code, when the ledger refused or could not
    /// be reached (printed beside the label, for scripts).
    pub(crate) fn ledger_code(e: &CliError) -> Option<ErrorCode> {
        match e {
            CliError::Lib(ProverError::Ledger(l)) => Some(l.code()),
            _ => None,
        }
    }

    /// The word printed before the error.
    pub(crate) fn label(self) -> &'static str {
        match self {
            ExitStatus::Invalid => "INVALID",
            ExitStatus::Malformed => "ERROR",
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(s as u8)
    }
}
