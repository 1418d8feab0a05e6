//! The ledger's HTTP API (axum) and a blocking client for it.
//!
//! | method and path | answer |
//! |---|---|
//! | `POST /v1/entries` (a [`Submission`]) | the entry's [`Receipt`] once durable |
//! | `GET /v1/entries/{index}` | `{"index", "entry"}` (base64 canonical bytes) |
//! | `GET /v1/receipts/{index}` | a [`Receipt`] under the latest checkpoint |
//! | `GET /v1/checkpoint` | the latest signed checkpoint note (text) |
//! | `GET /v1/proofs/inclusion?index=I&size=N` | `{"proof": [base64]}` |
//! | `GET /v1/proofs/consistency?from=M&to=N` | `{"proof": [base64]}` |
//! | `GET /v1/nullifiers/{scope}/{nullifier}` | `{"used", "index"}` |
//! | `GET /v1/roots/{registry_id}` | published roots with their indices |
//!
//! Errors are JSON `{"error": kind, "message": text}` with 400 (malformed or
//! invalid), 403 (not authorised), 404, 409 (nullifier already used), 413
//! (request body over [`MAX_BODY`]), 500 (storage), 503 (closed).

use axum::{
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::{Ledger, LedgerError, Receipt, Submission};

/// Largest accepted request body.
pub const MAX_BODY: usize = 256 * 1024;

struct ApiError(LedgerError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind) = match &self.0 {
            LedgerError::Rejected(_) | LedgerError::Verify(_) => {
                (StatusCode::BAD_REQUEST, "rejected")
            }
            LedgerError::Unauthorised(_) => (StatusCode::FORBIDDEN, "unauthorised"),
            LedgerError::NullifierUsed { .. } => (StatusCode::CONFLICT, "nullifier-used"),
            LedgerError::Closed => (StatusCode::SERVICE_UNAVAILABLE, "closed"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "storage"),
        };
        (
            status,
            Json(json!({"error": kind, "message": self.0.to_string()})),
        )
            .into_response()
    }
}

fn not_found(msg: String) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": "not-found", "message": msg})),
    )
        .into_response()
}

fn enc(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LedgerError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError(LedgerError::Storage(e.to_string())))?
        .map_err(ApiError)
}

async fn append(State(l): State<Ledger>, body: axum::body::Bytes) -> Response {
    let sub: Submission = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return ApiError(LedgerError::Rejected(format!("submission JSON: {e}"))).into_response()
        }
    };
    match blocking(move || l.submit(sub)).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn entry(State(l): State<Ledger>, Path(index): Path<u64>) -> Response {
    match blocking(move || l.entry(index)).await {
        Ok(Some(d)) => Json(json!({"index": index, "entry": enc(&d)})).into_response(),
        Ok(None) => not_found(format!("no entry {index}")),
        Err(e) => e.into_response(),
    }
}

async fn receipt(State(l): State<Ledger>, Path(index): Path<u64>) -> Response {
    if index >= l.size() {
        return not_found(format!("no entry {index}"));
    }
    match blocking(move || l.receipt(index)).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn checkpoint(State(l): State<Ledger>) -> Response {
    match l.checkpoint() {
        Ok(c) => c.note.into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

#[derive(Deserialize)]
struct InclusionQ {
    index: u64,
    size: u64,
}

async fn inclusion(State(l): State<Ledger>, Query(q): Query<InclusionQ>) -> Response {
    match l.inclusion_proof(q.index, q.size) {
        Ok(p) => {
            Json(json!({"proof": p.iter().map(|h| enc(h)).collect::<Vec<_>>()})).into_response()
        }
        Err(e) => ApiError(e).into_response(),
    }
}

#[derive(Deserialize)]
struct ConsistencyQ {
    from: u64,
    to: u64,
}

async fn consistency(State(l): State<Ledger>, Query(q): Query<ConsistencyQ>) -> Response {
    match l.consistency_proof(q.from, q.to) {
        Ok(p) => {
            Json(json!({"proof": p.iter().map(|h| enc(h)).collect::<Vec<_>>()})).into_response()
        }
        Err(e) => ApiError(e).into_response(),
    }
}

async fn nullifier(State(l): State<Ledger>, Path((scope, n)): Path<(String, String)>) -> Response {
    match blocking(move || l.nullifier(&scope, &n)).await {
        Ok(i) => Json(json!({"used": i.is_some(), "index": i})).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn roots(State(l): State<Ledger>, Path(id): Path<String>) -> Response {
    match l.roots(&id) {
        Ok(v) => Json(
            v.into_iter()
                .map(|r| json!({"index": r.index, "entry": r.entry}))
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

/// The API's router.
pub fn router(ledger: Ledger) -> Router {
    Router::new()
        .route("/v1/entries", post(append))
        .route("/v1/entries/{index}", get(entry))
        .route("/v1/receipts/{index}", get(receipt))
        .route("/v1/checkpoint", get(checkpoint))
        .route("/v1/proofs/inclusion", get(inclusion))
        .route("/v1/proofs/consistency", get(consistency))
        .route("/v1/nullifiers/{scope}/{nullifier}", get(nullifier))
        .route("/v1/roots/{registry_id}", get(roots))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(ledger)
}

/// Serves the API on `listener` until the future `shutdown` completes.
pub async fn serve(
    ledger: Ledger,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(ledger))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A ledger reached in-process or over HTTP: what the proving side uses.
#[derive(Clone)]
pub enum LedgerClient {
    /// The ledger in this process.
    InProcess(Ledger),
    /// A ledger at this base URL (`http://127.0.0.1:PORT`).
    Http(String),
}

fn http_err(e: ureq::Error) -> LedgerError {
    match e {
        ureq::Error::Status(code, resp) => {
            let body = resp.into_string().unwrap_or_default();
            let v = serde_json::from_str::<serde_json::Value>(&body).ok();
            let index = v.as_ref().and_then(|v| v["index"].as_u64());
            let msg = v
                .and_then(|v| v["message"].as_str().map(str::to_owned))
                .unwrap_or(body);
            match (code, index) {
                (409, Some(index)) => LedgerError::NullifierUsed { index },
                (code, _) => match code {
                    403 => LedgerError::Unauthorised(msg),
                    400 | 404 | 413 => LedgerError::Rejected(msg),
                    _ => LedgerError::Storage(format!("HTTP {code}: {msg}")),
                },
            }
        }
        other => LedgerError::Storage(format!("HTTP: {other}")),
    }
}

impl LedgerClient {
    /// Submits and returns the receipt.
    pub fn submit(&self, sub: &Submission) -> Result<Receipt, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l.submit(sub.clone()),
            LedgerClient::Http(url) => ureq::post(&format!("{url}/v1/entries"))
                .send_json(sub)
                .map_err(http_err)?
                .into_json()
                .map_err(|e| LedgerError::Storage(format!("receipt JSON: {e}"))),
        }
    }

    /// The latest signed checkpoint note.
    pub fn checkpoint(&self) -> Result<String, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => Ok(l.checkpoint()?.note),
            LedgerClient::Http(url) => ureq::get(&format!("{url}/v1/checkpoint"))
                .call()
                .map_err(http_err)?
                .into_string()
                .map_err(|e| LedgerError::Storage(e.to_string())),
        }
    }

    /// The canonical bytes of entry `index`.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l
                .entry(index)?
                .ok_or_else(|| LedgerError::Rejected(format!("no entry {index}"))),
            LedgerClient::Http(url) => {
                let v: serde_json::Value = ureq::get(&format!("{url}/v1/entries/{index}"))
                    .call()
                    .map_err(http_err)?
                    .into_json()
                    .map_err(|e| LedgerError::Storage(format!("entry JSON: {e}")))?;
                base64::engine::general_purpose::STANDARD
                    .decode(v["entry"].as_str().unwrap_or_default())
                    .map_err(|e| LedgerError::Rejected(format!("entry base64: {e}")))
            }
        }
    }

    /// A receipt for `index` under the latest checkpoint.
    pub fn receipt(&self, index: u64) -> Result<Receipt, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l.receipt(index),
            LedgerClient::Http(url) => ureq::get(&format!("{url}/v1/receipts/{index}"))
                .call()
                .map_err(http_err)?
                .into_json()
                .map_err(|e| LedgerError::Storage(format!("receipt JSON: {e}"))),
        }
    }
}
