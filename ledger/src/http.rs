//! The ledger's HTTP API (axum) and a blocking client for it.
//!
//! | method and path | answer |
//! |---|---|
//! | `POST /v1/entries` (a [`Submission`]) | the entry's [`Receipt`] once durable |
//! | `GET /v1/entries/{index}` | `{"index", "entry"}` (base64 canonical bytes) |
//! | `GET /v1/receipts/{index}` | a [`Receipt`] under the latest checkpoint |
//! | `GET /v1/checkpoint` | the latest signed checkpoint note (text), with the witnesses' cosignatures once they cosigned it |
//! | `GET /v1/checkpoint/cosigned` | the largest checkpoint witnesses cosigned, with their cosignatures (404 before any did) |
//! | `GET /v1/witnesses` | where each configured witness stands: `[{"name", "cosigned", "error"}]` |
//! | `GET /v1/proofs/inclusion?index=I&size=N` | `{"proof": [base64]}` |
//! | `GET /v1/proofs/consistency?from=M&to=N` | `{"proof": [base64]}` |
//! | `GET /v1/nullifiers/{scope}/{nullifier}` | `{"used", "index"}` |
//! | `GET /v1/roots/{registry_id}` | published roots with their indices |
//! | `GET /v1/genesis` | the genesis entry (origin, log key, authorities) |
//! | `GET /v1/elections/{id}` | where an election stands: `{"definition", "ballots", "decryptions", "result"}` |
//! | `GET /checkpoint`, `GET /tile/<L>/<N>[.p/<W>]`, `GET /tile/entries/<N>[.p/<W>]` | C2SP tlog-tiles (<https://c2sp.org/tlog-tiles>): the checkpoint, hash tiles and entry bundles, immutable ones cacheable for a year |
//!
//! Every path and query parameter goes through the same canonical parsers
//! as bodies (an index is a decimal `u64` without leading zeros; scopes and
//! nullifiers are canonical field elements). Every error is an
//! [`ErrorBody`] with the status its [`crate::ErrorCode`] gives (see
//! [`crate::LedgerError`]'s module for the table), also for unknown routes,
//! oversized bodies (413) and slow clients: request headers must arrive
//! within [`HEADER_TIMEOUT`] and a request body within [`BODY_TIMEOUT`] (408).

use std::{collections::HashMap, pin::pin, time::Duration};

use axum::{
    body::Body,
    extract::{Path, RawQuery, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};
use zkgov_verifier::{encoding::b64_decode, encoding::b64_encode, Genesis, Nullifier, Scope};

use crate::{ledger::RootInfo, ErrorBody, ErrorCode, Ledger, LedgerError, Receipt, Submission};

/// Largest accepted request body.
pub const MAX_BODY: usize = 256 * 1024;
/// Time a client has to send its request headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a client has to send its request body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Time open requests have to finish after shutdown is asked for.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Seconds a client is told to wait when the ledger is busy.
pub const RETRY_AFTER_SECS: u64 = 1;

/// How long clients may take.
#[derive(Clone, Copy, Debug)]
pub struct ServeConfig {
    /// Time to send the request headers ([`HEADER_TIMEOUT`]).
    pub header_timeout: Duration,
    /// Time to send the request body ([`BODY_TIMEOUT`]).
    pub body_timeout: Duration,
    /// After shutdown is asked for, how long open requests may take to
    /// finish ([`DRAIN_TIMEOUT`]).
    pub drain_timeout: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            header_timeout: HEADER_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
            drain_timeout: DRAIN_TIMEOUT,
        }
    }
}

#[derive(Clone)]
struct App {
    ledger: Ledger,
    config: ServeConfig,
}

/// An error as the API answers it: status from the code, body an
/// [`ErrorBody`].
pub struct ApiError(pub LedgerError);

impl<E: Into<LedgerError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The status of an error code.
fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.0.to_body();
        let mut resp = (status_of(body.code), Json(&body)).into_response();
        if matches!(body.code, ErrorCode::Busy | ErrorCode::NoSequencer) {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        resp
    }
}

type ApiResult<T> = Result<T, ApiError>;

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LedgerError> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError(LedgerError::internal(e.to_string())))?
        .map_err(ApiError)
}

/// A canonical decimal `u64`: digits only, no sign, no leading zeros.
pub fn parse_index(s: &str, what: &str) -> Result<u64, LedgerError> {
    let canonical = !s.is_empty()
        && s.len() <= 20
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    canonical
        .then(|| s.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| {
            LedgerError::Malformed(format!(
                "{what} must be a decimal integer below 2^64 without leading zeros"
            ))
        })
}

/// The query parameters, each named exactly once and none unknown.
fn query(raw: Option<String>, names: &[&str]) -> Result<HashMap<String, u64>, LedgerError> {
    let mut out = HashMap::new();
    for pair in raw
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !names.contains(&k) {
            return Err(LedgerError::Malformed(format!(
                "unknown query parameter {k:?} (expected {})",
                names.join(", ")
            )));
        }
        if out.insert(k.to_owned(), parse_index(v, k)?).is_some() {
            return Err(LedgerError::Malformed(format!("{k} given twice")));
        }
    }
    for n in names {
        if !out.contains_key(*n) {
            return Err(LedgerError::Malformed(format!(
                "missing query parameter {n}"
            )));
        }
    }
    Ok(out)
}

/// Header a node sets on a submission it forwards to the sequencer, which
/// then never forwards it again.
pub const FORWARDED_HEADER: &str = "x-zkgov-forwarded";

async fn append(State(app): State<App>, req: Request) -> ApiResult<Response> {
    let forwarded = req.headers().contains_key(FORWARDED_HEADER);
    let read = axum::body::to_bytes(req.into_body(), MAX_BODY);
    let body = match tokio::time::timeout(app.config.body_timeout, read).await {
        Err(_) => return Err(ApiError(LedgerError::TimedOut)),
        Ok(Err(e)) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            return Err(ApiError(if too_large {
                LedgerError::TooLarge { limit: MAX_BODY }
            } else {
                LedgerError::Malformed(format!("request body: {e}"))
            }));
        }
        Ok(Ok(b)) => b,
    };
    let sub: Submission = serde_json::from_slice(&body)
        .map_err(|e| LedgerError::Malformed(format!("submission: {e}")))?;
    let l = app.ledger;
    match blocking(move || l.submit(sub)).await {
        Ok(receipt) => Ok(Json(receipt).into_response()),
        Err(ApiError(LedgerError::NotSequencer {
            sequencer: Some(url),
        })) if !forwarded => blocking(move || forward(&url, &body)).await,
        Err(e) => Err(e),
    }
}

/// A follower hands a submission to the sequencer and relays its answer
/// (status, body) as it came; a sequencer that cannot be reached is a
/// takeover under way (`no-sequencer`, retry).
fn forward(url: &str, body: &[u8]) -> Result<Response, LedgerError> {
    let answer = match agent()
        .post(&format!("{url}/v1/entries"))
        .set("content-type", "application/json")
        .set(FORWARDED_HEADER, "1")
        .send_bytes(body)
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(ureq::Error::Transport(_)) => {
            return Err(LedgerError::NotSequencer { sequencer: None })
        }
    };
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::BAD_GATEWAY);
    let retry = answer.header("retry-after").map(str::to_owned);
    let mut text = Vec::new();
    let reader = std::io::Read::take(answer.into_reader(), 4 * MAX_BODY as u64);
    std::io::Read::read_to_end(&mut { reader }, &mut text)
        .map_err(|_| LedgerError::NotSequencer { sequencer: None })?;
    let mut resp = (status, text).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(v) = retry.and_then(|v| HeaderValue::from_str(&v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(resp)
}

#[derive(Serialize, Deserialize)]
struct EntryJson {
    index: u64,
    entry: String,
}

async fn entry(
    State(App { ledger: l, .. }): State<App>,
    Path(index): Path<String>,
) -> ApiResult<Json<EntryJson>> {
    let index = parse_index(&index, "index")?;
    match blocking(move || l.entry(index)).await? {
        Some(d) => Ok(Json(EntryJson {
            index,
            entry: b64_encode(&d),
        })),
        None => Err(ApiError(LedgerError::NotFound(format!("no entry {index}")))),
    }
}

async fn receipt(
    State(App { ledger: l, .. }): State<App>,
    Path(index): Path<String>,
) -> ApiResult<Json<Receipt>> {
    let index = parse_index(&index, "index")?;
    Ok(Json(blocking(move || l.receipt(index)).await?))
}

async fn checkpoint(State(App { ledger: l, .. }): State<App>) -> ApiResult<String> {
    Ok(l.checkpoint()?.note)
}

async fn cosigned_checkpoint(State(App { ledger: l, .. }): State<App>) -> ApiResult<String> {
    l.cosigned_checkpoint()?.map(|c| c.note).ok_or_else(|| {
        ApiError(LedgerError::NotFound(
            "no witness has cosigned a checkpoint yet".into(),
        ))
    })
}

#[derive(Serialize, Deserialize)]
struct WitnessJson {
    name: String,
    cosigned: u64,
    error: Option<String>,
}

async fn witnesses(State(App { ledger: l, .. }): State<App>) -> Json<Vec<WitnessJson>> {
    Json(
        l.witness_status()
            .into_iter()
            .map(|w| WitnessJson {
                name: w.name,
                cosigned: w.cosigned,
                error: w.error,
            })
            .collect(),
    )
}

async fn genesis(State(App { ledger: l, .. }): State<App>) -> ApiResult<Json<Genesis>> {
    Ok(Json(l.genesis()?))
}

#[derive(Serialize, Deserialize)]
struct ProofJson {
    proof: Vec<String>,
}

fn proof_json(p: Vec<zkgov_verifier::log::Hash>) -> Json<ProofJson> {
    Json(ProofJson {
        proof: p.iter().map(|h| b64_encode(h)).collect(),
    })
}

async fn inclusion(
    State(App { ledger: l, .. }): State<App>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<ProofJson>> {
    let q = query(q, &["index", "size"])?;
    Ok(proof_json(l.inclusion_proof(q["index"], q["size"])?))
}

async fn consistency(
    State(App { ledger: l, .. }): State<App>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<ProofJson>> {
    let q = query(q, &["from", "to"])?;
    Ok(proof_json(l.consistency_proof(q["from"], q["to"])?))
}

#[derive(Serialize, Deserialize)]
struct NullifierJson {
    used: bool,
    index: Option<u64>,
}

async fn nullifier(
    State(App { ledger: l, .. }): State<App>,
    Path((scope, n)): Path<(String, String)>,
) -> ApiResult<Json<NullifierJson>> {
    let scope = Scope::from_decimal(&scope)?;
    let n = Nullifier::from_decimal(&n)?;
    let index = l.nullifier(&scope, &n)?;
    Ok(Json(NullifierJson {
        used: index.is_some(),
        index,
    }))
}

async fn roots(
    State(App { ledger: l, .. }): State<App>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<RootInfo>>> {
    Ok(Json(l.roots(&id)?))
}

/// The receipt of an agency's registration.
async fn agency(
    State(App { ledger: l, .. }): State<App>,
    Path(name): Path<String>,
) -> ApiResult<Json<Receipt>> {
    let index = l
        .agency(&name)?
        .ok_or_else(|| LedgerError::NotFound(format!("no agency {name:?} is registered")))?;
    Ok(Json(blocking(move || l.receipt(index)).await?))
}

/// Where an election stands.
async fn election(
    State(App { ledger: l, .. }): State<App>,
    Path(id): Path<String>,
) -> ApiResult<Json<crate::ElectionStatus>> {
    Ok(Json(l.election(&id)?.ok_or_else(|| {
        LedgerError::NotFound(format!("no election {id:?} is defined"))
    })?))
}

/// Immutable: a tile or bundle of a given width never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// tlog-tiles `GET /checkpoint`: the signed note, cacheable for seconds.
async fn tiles_checkpoint(State(App { ledger: l, .. }): State<App>) -> ApiResult<Response> {
    let note = l.checkpoint()?.note;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=2"),
        ],
        note,
    )
        .into_response())
}

/// tlog-tiles `GET /tile/<L>/<N>[.p/<W>]` and `/tile/entries/<N>[.p/<W>]`.
async fn tile(
    State(App { ledger: l, .. }): State<App>,
    Path(rest): Path<String>,
) -> ApiResult<Response> {
    let t = crate::tiles::parse(&rest)
        .ok_or_else(|| LedgerError::NotFound(format!("tile/{rest} is not a tlog-tiles path")))?;
    let body = match t.level {
        Some(level) => l.tile(level, t.index, t.width)?.concat(),
        None => blocking(move || l.entry_bundle(t.index, t.width)).await?,
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        body,
    )
        .into_response())
}

async fn not_found() -> ApiError {
    ApiError(LedgerError::NotFound("no such route".into()))
}

/// The API's router, with the default [`ServeConfig`].
pub fn router(ledger: Ledger) -> Router {
    router_with(ledger, ServeConfig::default())
}

/// The API's router.
pub fn router_with(ledger: Ledger, config: ServeConfig) -> Router {
    Router::new()
        .route("/v1/entries", post(append))
        .route("/v1/entries/{index}", get(entry))
        .route("/v1/receipts/{index}", get(receipt))
        .route("/v1/checkpoint", get(checkpoint))
        .route("/v1/checkpoint/cosigned", get(cosigned_checkpoint))
        .route("/v1/witnesses", get(witnesses))
        .route("/v1/genesis", get(genesis))
        .route("/v1/proofs/inclusion", get(inclusion))
        .route("/v1/proofs/consistency", get(consistency))
        .route("/v1/nullifiers/{scope}/{nullifier}", get(nullifier))
        .route("/v1/agencies/{name}", get(agency))
        .route("/v1/elections/{id}", get(election))
        // Registry ids may hold `/` (`revocation/<issuer>`).
        .route("/v1/roots/{*registry_id}", get(roots))
        // C2SP tlog-tiles, beside the JSON API.
        .route("/checkpoint", get(tiles_checkpoint))
        .route("/tile/{*rest}", get(tile))
        .fallback(not_found)
        .with_state(App { ledger, config })
}

/// Serves the API on `listener` until the future `shutdown` completes,
/// with the default [`ServeConfig`].
pub async fn serve(
    ledger: Ledger,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(ledger, listener, shutdown, ServeConfig::default()).await
}

/// Serves the API on `listener` until the future `shutdown` completes,
/// then lets open requests finish (for up to `config.drain_timeout`).
/// Connections that do not send their headers within
/// `config.header_timeout` are closed.
pub async fn serve_with(
    ledger: Ledger,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    config: ServeConfig,
) -> std::io::Result<()> {
    serve_router(router_with(ledger, config), listener, shutdown, config).await
}

/// Serves any `router` as the ledger is served: HTTP/1.1, a header-read
/// timeout of `config.header_timeout` on every connection, and on
/// `shutdown` no new connections, idle ones closed and open requests given
/// `config.drain_timeout` to finish. The prover service uses it too.
pub async fn serve_router(
    router: Router,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    config: ServeConfig,
) -> std::io::Result<()> {
    use tower::ServiceExt as _;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        tokio::select! {
            conn = listener.accept() => {
                let Ok((stream, _)) = conn else {
                    // Out of descriptors or a reset before accept: wait a little.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let svc = router.clone().map_request(|r: Request<hyper::body::Incoming>| r.map(Body::new));
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(config.header_timeout)
                    .serve_connection(
                        hyper_util::rt::TokioIo::new(stream),
                        hyper_util::service::TowerToHyperService::new(svc),
                    );
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(config.drain_timeout, graceful.shutdown()).await;
    Ok(())
}

/// A ledger reached in-process or over HTTP: what the proving side uses.
/// Both answer with the same [`LedgerError`] codes.
#[derive(Clone)]
pub enum LedgerClient {
    /// The ledger in this process.
    InProcess(Ledger),
    /// A ledger at this base URL (`http://127.0.0.1:PORT`).
    Http(String),
}

/// Time to connect to a ledger, and to get a whole answer from it: a
/// ledger that hangs must not hold a caller (a prover service's proving
/// thread) forever.
pub const CLIENT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// See [`CLIENT_CONNECT_TIMEOUT`]; appends wait for a durable commit.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::AgentBuilder::new()
            .timeout_connect(CLIENT_CONNECT_TIMEOUT)
            .timeout(CLIENT_TIMEOUT)
            .build()
    })
}

fn http_err(e: ureq::Error) -> LedgerError {
    match e {
        ureq::Error::Status(status, resp) => {
            let text = resp.into_string().unwrap_or_default();
            match serde_json::from_str::<ErrorBody>(&text) {
                Ok(body) => LedgerError::from_body(body),
                Err(_) => LedgerError::Remote(ErrorBody {
                    code: ErrorCode::Internal,
                    message: format!("HTTP {status} without an error body"),
                    index: None,
                }),
            }
        }
        other => LedgerError::Unreachable(other.to_string()),
    }
}

/// Percent-encodes a path segment (all but RFC 3986 unreserved bytes).
fn path_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn bad_answer(what: &str, e: impl std::fmt::Display) -> LedgerError {
    LedgerError::Unreachable(format!("the ledger's {what} does not parse: {e}"))
}

impl LedgerClient {
    fn get(&self, url: &str, path: &str) -> Result<ureq::Response, LedgerError> {
        agent()
            .get(&format!("{url}{path}"))
            .call()
            .map_err(http_err)
    }

    /// Submits and returns the receipt.
    pub fn submit(&self, sub: &Submission) -> Result<Receipt, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l.submit(sub.clone()),
            LedgerClient::Http(url) => agent()
                .post(&format!("{url}/v1/entries"))
                .send_json(sub)
                .map_err(http_err)?
                .into_json()
                .map_err(|e| bad_answer("receipt", e)),
        }
    }

    /// The latest signed checkpoint note.
    pub fn checkpoint(&self) -> Result<String, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => Ok(l.checkpoint()?.note),
            LedgerClient::Http(url) => self
                .get(url, "/v1/checkpoint")?
                .into_string()
                .map_err(|e| bad_answer("checkpoint", e)),
        }
    }

    /// The largest checkpoint witnesses cosigned, with their cosignatures
    /// (`None` before any did).
    pub fn cosigned_checkpoint(&self) -> Result<Option<String>, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => Ok(l.cosigned_checkpoint()?.map(|c| c.note)),
            LedgerClient::Http(url) => match self.get(url, "/v1/checkpoint/cosigned") {
                Ok(r) => r
                    .into_string()
                    .map(Some)
                    .map_err(|e| bad_answer("cosigned checkpoint", e)),
                Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
                Err(e) => Err(e),
            },
        }
    }

    /// The log's genesis (its origin, log key and first authorities).
    pub fn genesis(&self) -> Result<Genesis, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l.genesis(),
            LedgerClient::Http(url) => self
                .get(url, "/v1/genesis")?
                .into_json()
                .map_err(|e| bad_answer("genesis", e)),
        }
    }

    /// The canonical bytes of entry `index`.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l
                .entry(index)?
                .ok_or_else(|| LedgerError::NotFound(format!("no entry {index}"))),
            LedgerClient::Http(url) => {
                let e: EntryJson = self
                    .get(url, &format!("/v1/entries/{index}"))?
                    .into_json()
                    .map_err(|e| bad_answer("entry", e))?;
                b64_decode(&e.entry, "entry").map_err(|e| bad_answer("entry", e))
            }
        }
    }

    /// A receipt for `index` under the latest checkpoint.
    pub fn receipt(&self, index: u64) -> Result<Receipt, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l.receipt(index),
            LedgerClient::Http(url) => self
                .get(url, &format!("/v1/receipts/{index}"))?
                .into_json()
                .map_err(|e| bad_answer("receipt", e)),
        }
    }

    /// The entry that used `nullifier` in `scope`, if any.
    pub fn nullifier(
        &self,
        scope: &Scope,
        nullifier: &Nullifier,
    ) -> Result<Option<u64>, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l.nullifier(scope, nullifier),
            LedgerClient::Http(url) => {
                let n: NullifierJson = self
                    .get(url, &format!("/v1/nullifiers/{scope}/{nullifier}"))?
                    .into_json()
                    .map_err(|e| bad_answer("nullifier answer", e))?;
                Ok(n.index)
            }
        }
    }

    /// The receipt of the agency `name`'s registration (not yet checked:
    /// verify it against the log's key).
    pub fn agency(&self, name: &str) -> Result<Receipt, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => {
                let index = l.agency(name)?.ok_or_else(|| {
                    LedgerError::NotFound(format!("no agency {name:?} is registered"))
                })?;
                l.receipt(index)
            }
            LedgerClient::Http(url) => self
                .get(url, &format!("/v1/agencies/{}", path_segment(name)))?
                .into_json()
                .map_err(|e| bad_answer("agency receipt", e)),
        }
    }

    /// Where the election `id` stands.
    pub fn election(&self, id: &str) -> Result<crate::ElectionStatus, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l
                .election(id)?
                .ok_or_else(|| LedgerError::NotFound(format!("no election {id:?} is defined"))),
            LedgerClient::Http(url) => self
                .get(url, &format!("/v1/elections/{}", path_segment(id)))?
                .into_json()
                .map_err(|e| bad_answer("election status", e)),
        }
    }

    /// Published roots of `registry_id`, oldest first.
    pub fn roots(&self, registry_id: &str) -> Result<Vec<RootInfo>, LedgerError> {
        match self {
            LedgerClient::InProcess(l) => l.roots(registry_id),
            LedgerClient::Http(url) => self
                .get(url, &format!("/v1/roots/{}", path_segment(registry_id)))?
                .into_json()
                .map_err(|e| bad_answer("roots", e)),
        }
    }
}
