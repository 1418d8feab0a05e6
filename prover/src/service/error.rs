//! Every failure of the service as a JSON [`ErrorBody`] with a stable code,
//! from the error contract of `zkgov_ledger` (codes and statuses in one
//! table there). Messages name only public data: a failure while reading a
//! private input (holder secret, credential) says which input and what is
//! wrong with it, never a value from it.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use zkgov_circuits::CircuitError;
use zkgov_ledger::{ErrorBody, ErrorCode, LedgerError};
use zkgov_verifier::{ErrorKind, VerifyError};

use crate::ProverError;

/// Seconds a client is told to wait before retrying an overloaded or
/// not-yet-ready service.
pub const RETRY_AFTER_SECS: u64 = 1;

/// A refused or failed request, as the service answers it.
#[derive(Debug)]
pub struct ServiceError {
    /// The stable code.
    pub code: ErrorCode,
    /// What went wrong, for people (public data only).
    pub message: String,
    /// For `nullifier-used`: the entry that used the nullifier.
    pub index: Option<u64>,
}

impl ServiceError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ServiceError {
            code,
            message: message.into(),
            index: None,
        }
    }

    /// An internal failure: named, not described (details are logged).
    pub(crate) fn internal() -> Self {
        Self::new(ErrorCode::Internal, "internal error")
    }

    /// A private input that does not parse: the parser's message could
    /// quote a value from it, so it is not passed on.
    pub(crate) fn private_input(what: &str) -> Self {
        Self::new(
            ErrorCode::Malformed,
            format!("{what} is not a valid {what} file (the parser's details are withheld: they could quote a private value)"),
        )
    }

    /// The agency's request does not authorise this proof.
    pub(crate) fn request_refused(why: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::RequestRefused,
            format!("the agency's request is refused: {why}"),
        )
    }

    /// The body as sent.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code,
            message: self.message.clone(),
            index: self.index,
        }
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

fn of_verify(v: &VerifyError) -> ErrorCode {
    match v.kind() {
        ErrorKind::Malformed => ErrorCode::Malformed,
        ErrorKind::Mismatch => ErrorCode::Mismatch,
        // A proof this service made that does not verify is its own fault.
        ErrorKind::InvalidProof => ErrorCode::Internal,
    }
}

impl From<LedgerError> for ServiceError {
    fn from(e: LedgerError) -> Self {
        let body = e.to_body();
        ServiceError {
            code: body.code,
            message: body.message,
            index: body.index,
        }
    }
}

impl From<ProverError> for ServiceError {
    fn from(e: ProverError) -> Self {
        let code = match &e {
            ProverError::Ledger(l) => return ServiceError::from(LedgerError::Remote(l.to_body())),
            ProverError::NotInRegistry | ProverError::NotOnRoll => ErrorCode::FalseStatement,
            ProverError::Circuit(c) => match c {
                CircuitError::Unsatisfied(_)
                | CircuitError::OutOfRange { .. }
                | CircuitError::ZeroLeaf => ErrorCode::FalseStatement,
                CircuitError::Verify(v) => of_verify(v),
                CircuitError::Synthesis(_) => ErrorCode::Internal,
                _ => ErrorCode::Malformed,
            },
            ProverError::Verify(v) => of_verify(v),
            ProverError::Malformed { .. } | ProverError::SecretFile(_) => ErrorCode::Malformed,
            ProverError::Groth16(g) => match g.kind() {
                zkgov_groth16::ErrorKind::Invalid => ErrorCode::FalseStatement,
                _ => ErrorCode::Malformed,
            },
            _ => ErrorCode::Internal,
        };
        if code == ErrorCode::Internal {
            tracing::error!(error = %e, "internal failure");
            return ServiceError::internal();
        }
        ServiceError::new(code, e.to_string())
    }
}

impl From<VerifyError> for ServiceError {
    fn from(e: VerifyError) -> Self {
        ServiceError::from(ProverError::Verify(e))
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, Json(self.body())).into_response();
        resp.extensions_mut().insert(self.code);
        if matches!(
            self.code,
            ErrorCode::Overloaded | ErrorCode::NotReady | ErrorCode::Busy
        ) {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        resp
    }
}
