//! The service's routes, request and answer types, the work each prove
//! request does on a proving thread, and the OpenAPI document generated
//! from them (served at `/v1/openapi.json`, committed as
//! `prover/openapi.json`; a test fails when the two differ).
//!
//! | method and path | answer |
//! |---|---|
//! | `POST /v1/prove/record` ([`RecordProveRequest`]) | [`ProveAnswer`] |
//! | `POST /v1/prove/identity` ([`IdentityProveRequest`]) | [`ProveAnswer`] |
//! | `POST /v1/prove/ballot` ([`BallotProveRequest`]) | [`BallotAnswer`] |
//! | `POST /v1/verify` ([`VerifyRequest`]) | [`VerifyAnswer`] |
//! | `GET /v1/receipts/{index}` | the ledger's receipt for an entry |
//! | `GET /v1/checkpoint` | the ledger's latest signed checkpoint |
//! | `GET /healthz` | 200 while the process serves |
//! | `GET /readyz` | 200 when the keys are loaded and the ledger answers, else 503 `not-ready` |
//! | `GET /metrics` | Prometheus text |
//! | `GET /v1/openapi.json` | this API's OpenAPI 3.1 document |
//! | `/ledger/...` | the embedded ledger's own API (embedded ledger only) |

use std::{sync::Arc, time::Instant};

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{header, HeaderMap},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{OpenApi, ToSchema};
use zkgov_ledger::{http::LedgerClient, ErrorCode, LedgerError};
use zkgov_verifier::{
    check_anchor,
    identity::{Credential, IdentityPolicy},
    Bundle, Policy, PresentationRequest, PublicInputs, Receipt, StatementId, RECORD_FIELDS,
};

use super::{
    body::read_json,
    error::ServiceError,
    metrics::{RefusalLabel, StatementLabel},
    Inner,
};
use crate::{
    clock,
    election::{cast_ballot, ElectoralRoll},
    prove_from_registry, prove_identity, AccreditedIssuers, HolderSecret, IdentityProofRequest,
    ProverError, RecordProofRequest, Registry,
};

/// `POST /v1/prove/record`: prove that the holder owns a record of a
/// registry that satisfies the agency's policy.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordProveRequest<'a> {
    /// The agency's signed presentation request (`zkgov agency request`),
    /// for statement `zkgov/record-membership/v2`.
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub request: &'a RawValue,
    /// The registry (public; as `zkgov registry` writes it).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub registry: &'a RawValue,
    /// The holder secret file (private).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub holder: &'a RawValue,
}

/// `POST /v1/prove/identity`: prove that the holder's credential satisfies
/// the agency's identity policy.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityProveRequest<'a> {
    /// The agency's signed presentation request, for `zkgov/identity/v2`.
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub request: &'a RawValue,
    /// The holder's credential (private).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub credential: &'a RawValue,
    /// The holder secret file (private).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub holder: &'a RawValue,
    /// The accreditation authority's list of issuers (public).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub issuers: &'a RawValue,
    /// The date the policy is evaluated on (`YYYY-MM-DD`; default: today,
    /// UTC). The ledger refuses a date more than a day from its own.
    #[serde(default)]
    pub today: Option<String>,
}

/// `POST /v1/prove/ballot`: encrypt and cast the voter's ballot with both
/// proofs.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotProveRequest<'a> {
    /// The election id, as defined on the ledger.
    pub election: String,
    /// The electoral roll (public; as `zkgov election roll` writes it).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub roll: &'a RawValue,
    /// The voter's holder secret file (private).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub holder: &'a RawValue,
    /// The value given to each option, in order (private).
    pub votes: Vec<u64>,
}

/// `POST /v1/verify`: check a bundle's proof against the service's keys,
/// and that a receipt anchors it on the service's ledger.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest<'a> {
    /// The bundle.
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub bundle: &'a RawValue,
    /// Its receipt, if it is to be checked too.
    #[serde(borrow, default)]
    #[schema(value_type = Option<Object>)]
    pub receipt: Option<&'a RawValue>,
}

/// A proof made and anchored.
#[derive(Serialize, ToSchema)]
pub struct ProveAnswer {
    /// The bundle for the agency (with the disclosure opening).
    #[schema(value_type = Object)]
    pub bundle: Box<RawValue>,
    /// The ledger's receipt for the anchored proof (checked against the
    /// log's key before it is returned).
    #[schema(value_type = Object)]
    pub receipt: Receipt,
    /// The ledger entry of the anchor.
    pub index: u64,
    /// The scope the proof is for (derived from the agency's request).
    pub scope: String,
    /// The holder's nullifier in that scope.
    pub nullifier: String,
}

/// A ballot cast.
#[derive(Serialize, ToSchema)]
pub struct BallotAnswer {
    /// The ledger's receipt for the ballot (checked against the log's key).
    #[schema(value_type = Object)]
    pub receipt: Receipt,
    /// The ledger entry of the ballot.
    pub index: u64,
    /// The voter's nullifier for this election.
    pub nullifier: String,
}

/// A bundle checked.
#[derive(Serialize, ToSchema)]
pub struct VerifyAnswer {
    /// The bundle's statement.
    pub statement: String,
    /// Its scope.
    pub scope: String,
    /// Its nullifier.
    pub nullifier: String,
    /// Whether it carried a disclosure opening (checked against its
    /// commitment; a wrong one is refused).
    pub opening_checked: bool,
    /// The ledger entry that anchors it, when a receipt was given.
    pub anchored_at: Option<u64>,
}

/// `GET /readyz` when ready.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// The loaded keys, as `statement@depth`.
    pub keys: Vec<String>,
    /// The ledger's checkpoint origin.
    pub ledger: String,
}

/// An error (the shape of every failure).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorAnswer {
    /// A stable code (see the README's error table).
    pub code: String,
    /// What went wrong, for people; public data only.
    pub message: String,
    /// For `nullifier-used`: the entry that used it.
    pub index: Option<u64>,
}

/// Parses the body's envelope. The fields holding files stay raw here and
/// are read by their own parsers.
fn envelope<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ServiceError> {
    serde_json::from_slice(body).map_err(|e| {
        // Positions and field names only: the envelope's own fields carry
        // no values worth quoting, and the raw files are not parsed here.
        let what = match e.classify() {
            serde_json::error::Category::Io | serde_json::error::Category::Eof => {
                "ends early".to_string()
            }
            serde_json::error::Category::Syntax => {
                format!("is not JSON (line {}, column {})", e.line(), e.column())
            }
            serde_json::error::Category::Data => format!("does not fit: {e}"),
        };
        ServiceError::new(ErrorCode::Malformed, format!("request body {what}"))
    })
}

/// Errors of checking the agency's request against the ledger.
fn request_check(e: ProverError) -> ServiceError {
    match e {
        ProverError::Verify(v) => ServiceError::request_refused(v),
        ProverError::Ledger(l) if l.code() == ErrorCode::NotFound => {
            ServiceError::request_refused(l)
        }
        other => other.into(),
    }
}

/// Reads and checks the agency's request for `statement`.
fn agency_request(
    s: &Inner,
    raw: &RawValue,
    statement: StatementId,
) -> Result<(PresentationRequest, zkgov_verifier::CheckedRequest), ServiceError> {
    let request = PresentationRequest::from_json(raw.get())?;
    if request.statement != statement {
        return Err(ServiceError::request_refused(format!(
            "it asks for {}, this endpoint proves {statement}",
            request.statement
        )));
    }
    let checked = s
        .session()?
        .check_request(&request, clock::now())
        .map_err(request_check)?;
    Ok((request, checked))
}

fn answer(
    s: &Inner,
    bundle: &Bundle,
    scope: zkgov_verifier::Scope,
) -> Result<ProveAnswer, ServiceError> {
    let nullifier = match bundle.public()? {
        PublicInputs::Record(p) => p.nullifier,
        PublicInputs::Identity(p) => p.nullifier,
        #[allow(unreachable_patterns)]
        _ => return Err(ServiceError::internal()),
    };
    let session = s.session()?;
    let receipt = match session.anchor(bundle) {
        Ok(r) => r,
        // A retry of a request whose answer was lost: the salt is derived
        // from the secret and the request, so the public inputs are the
        // first attempt's, and its anchor answers this one too.
        Err(ProverError::Ledger(LedgerError::NullifierUsed { index })) => {
            let earlier = session.client.receipt(index)?;
            match check_anchor(&earlier, &session.log, bundle) {
                Ok(_) => {
                    tracing::info!(index, "a retry answered with its earlier anchor");
                    earlier
                }
                Err(_) => return Err(LedgerError::NullifierUsed { index }.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    Ok(ProveAnswer {
        bundle: RawValue::from_string(bundle.to_json()).map_err(|_| ServiceError::internal())?,
        index: receipt.index,
        receipt,
        scope: scope.to_string(),
        nullifier: nullifier.to_string(),
    })
}

pub(crate) fn record_job(s: &Inner, body: &[u8]) -> Result<ProveAnswer, ServiceError> {
    let b: RecordProveRequest<'_> = envelope(body)?;
    let holder = HolderSecret::from_json(b.holder.get())?;
    let reg = s.registries.get(b.registry.get(), Registry::from_json)?;
    let st = StatementId::RecordMembershipV2;
    let (request, checked) = agency_request(s, b.request, st)?;
    let policy =
        Policy::from_json(&request.policy.to_string())?.compile(RECORD_FIELDS, reg.schema())?;
    let key = s.key(st, reg.depth())?;
    let req = RecordProofRequest {
        registry: &reg,
        policy,
        scope: checked.scope,
        context: checked.context,
    };
    let (bundle, _root) = prove_from_registry(&key.prover, &key.vk, &holder, req, &mut OsRng)?;
    answer(s, &bundle, checked.scope)
}

pub(crate) fn identity_job(s: &Inner, body: &[u8]) -> Result<ProveAnswer, ServiceError> {
    let b: IdentityProveRequest<'_> = envelope(body)?;
    let holder = HolderSecret::from_json(b.holder.get())?;
    let cred = Credential::from_json(b.credential.get())
        .map_err(|_| ServiceError::private_input("credential"))?;
    let issuers = AccreditedIssuers::from_json(b.issuers.get())?;
    let today = clock::date_or_today(b.today.as_deref())?;
    let st = StatementId::IdentityV2;
    let (request, checked) = agency_request(s, b.request, st)?;
    let policy =
        IdentityPolicy::from_json(&request.policy.to_string())?.compile(&cred.schema, today)?;
    let key = s.key(st, zkgov_params::key_depth(st, 0))?;
    let req = IdentityProofRequest {
        issuers: &issuers,
        policy,
        scope: checked.scope,
        context: checked.context,
    };
    let (bundle, _root) = prove_identity(&key.prover, &key.vk, &holder, &cred, req, &mut OsRng)?;
    answer(s, &bundle, checked.scope)
}

pub(crate) fn ballot_job(s: &Inner, body: &[u8]) -> Result<BallotAnswer, ServiceError> {
    let b: BallotProveRequest<'_> = envelope(body)?;
    let voter = HolderSecret::from_json(b.holder.get())?;
    let roll = s.rolls.get(b.roll.get(), ElectoralRoll::from_json)?;
    let session = s.session()?;
    let election = session.election(&b.election)?;
    let st = StatementId::BallotEligibilityV1;
    let key = s.key(st, roll.depth())?;
    if key.vk.digest() != election.definition().eligibility_vk {
        return Err(ServiceError::new(
            ErrorCode::Refused,
            "this service's eligibility key is not the election's",
        ));
    }
    if b.votes.len() != election.definition().options.len()
        || !election.definition().rules.allows(&b.votes)
    {
        return Err(ServiceError::new(
            ErrorCode::FalseStatement,
            "the votes break the election's rules (one value per option, within the per-option maximum and the total limits)",
        ));
    }
    let cast = cast_ballot(
        &key.prover,
        &key.vk,
        &election,
        &roll,
        &voter,
        &b.votes,
        &mut OsRng,
    )?;
    let receipt = session.cast(&cast)?;
    Ok(BallotAnswer {
        index: receipt.index,
        receipt,
        nullifier: cast.nullifier.to_string(),
    })
}

pub(crate) fn verify_job(s: &Inner, body: &[u8]) -> Result<VerifyAnswer, ServiceError> {
    let b: VerifyRequest<'_> = envelope(body)?;
    // A proof that does not verify is the client's: its codes come from
    // the verifier's error kinds as the ledger names them.
    let refused = |e: zkgov_verifier::VerifyError| ServiceError::from(LedgerError::Verify(e));
    let bundle = Bundle::from_json(b.bundle.get()).map_err(refused)?;
    let key = s.key_by_digest(&bundle.vk_digest)?;
    bundle.verify(key.statement, &key.vk).map_err(refused)?;
    let (scope, nullifier, commitment) = match bundle.public().map_err(refused)? {
        PublicInputs::Record(p) => (p.scope, p.nullifier, p.disclosure),
        PublicInputs::Identity(p) => (p.scope, p.nullifier, p.disclosure),
        #[allow(unreachable_patterns)]
        _ => return Err(ServiceError::internal()),
    };
    // The holder's opening, when the bundle carries one, must open the
    // commitment the proof is about.
    let opened = match &bundle.disclosure {
        Some(_) => {
            bundle.opened(&commitment).map_err(refused)?;
            true
        }
        None => false,
    };
    let anchored_at = match b.receipt {
        None => None,
        Some(r) => {
            let receipt = Receipt::from_json(r.get()).map_err(refused)?;
            Some(check_anchor(&receipt, &s.session()?.log, &bundle).map_err(refused)?)
        }
    };
    Ok(VerifyAnswer {
        statement: bundle.statement.to_string(),
        scope: scope.to_string(),
        nullifier: nullifier.to_string(),
        opening_checked: opened,
        anchored_at,
    })
}

/// Runs a job for `statement` on the proving pool: the body is read
/// within the limits first, then the job is admitted or refused at once.
async fn run<T: Serialize + Send + 'static>(
    s: Arc<Inner>,
    statement: &'static str,
    headers: HeaderMap,
    body: Body,
    job: fn(&Inner, &[u8]) -> Result<T, ServiceError>,
) -> Response {
    let started = Instant::now();
    let result = async {
        if s.draining.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(ServiceError::new(
                ErrorCode::Closed,
                "the service is shutting down",
            ));
        }
        let body = read_json(&s.config.limits, &headers, body).await?;
        let me = Arc::clone(&s);
        let rx = s.pool.submit(move || {
            let t = Instant::now();
            let out = job(&me, &body);
            drop(body);
            me.metrics
                .prove_seconds
                .get_or_create(&StatementLabel { statement })
                .observe(t.elapsed().as_secs_f64());
            out
        })?;
        rx.await.map_err(|_| ServiceError::internal())?
    }
    .await;
    match result {
        Ok(v) => {
            // A verification answered is not a proof made.
            if statement != "verify" {
                s.metrics
                    .proofs
                    .get_or_create(&StatementLabel { statement })
                    .inc();
            }
            s.metrics
                .request_seconds
                .get_or_create(&StatementLabel { statement })
                .observe(started.elapsed().as_secs_f64());
            Json(v).into_response()
        }
        Err(e) => {
            s.metrics
                .refused
                .get_or_create(&RefusalLabel {
                    statement,
                    code: e.code.as_str(),
                })
                .inc();
            e.into_response()
        }
    }
}

#[utoipa::path(post, path = "/v1/prove/record", request_body = RecordProveRequest,
    responses(
        (status = 200, description = "proven and anchored", body = ProveAnswer),
        (status = "4XX", description = "refused: malformed input, a false statement, the agency's request refused, overload", body = ErrorAnswer),
        (status = "5XX", description = "not ready, shutting down, or an internal failure", body = ErrorAnswer)))]
async fn prove_record(State(s): State<Arc<Inner>>, headers: HeaderMap, body: Body) -> Response {
    run(s, "record", headers, body, record_job).await
}

#[utoipa::path(post, path = "/v1/prove/identity", request_body = IdentityProveRequest,
    responses(
        (status = 200, description = "proven and anchored", body = ProveAnswer),
        (status = "4XX", description = "refused: malformed input, a false statement, the agency's request refused, overload", body = ErrorAnswer),
        (status = "5XX", description = "not ready, shutting down, or an internal failure", body = ErrorAnswer)))]
async fn prove_identity_route(
    State(s): State<Arc<Inner>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    run(s, "identity", headers, body, identity_job).await
}

#[utoipa::path(post, path = "/v1/prove/ballot", request_body = BallotProveRequest,
    responses(
        (status = 200, description = "cast and anchored", body = BallotAnswer),
        (status = "4XX", description = "refused: malformed input, votes outside the rules, a voter not on the roll, a second ballot, outside the election's window, overload", body = ErrorAnswer),
        (status = "5XX", description = "not ready, shutting down, or an internal failure", body = ErrorAnswer)))]
async fn prove_ballot(State(s): State<Arc<Inner>>, headers: HeaderMap, body: Body) -> Response {
    run(s, "ballot", headers, body, ballot_job).await
}

#[utoipa::path(post, path = "/v1/verify", request_body = VerifyRequest,
    responses(
        (status = 200, description = "the proof verifies (and the receipt anchors it)", body = VerifyAnswer),
        (status = "4XX", description = "malformed, invalid proof, mismatch, unknown key", body = ErrorAnswer)))]
async fn verify(State(s): State<Arc<Inner>>, headers: HeaderMap, body: Body) -> Response {
    run(s, "verify", headers, body, verify_job).await
}

/// Runs a blocking ledger read off the runtime.
async fn ledger_read<T: Send + 'static>(
    s: Arc<Inner>,
    f: impl FnOnce(&LedgerClient) -> Result<T, LedgerError> + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(move || f(&s.session()?.client).map_err(ServiceError::from))
        .await
        .map_err(|_| ServiceError::internal())?
}

#[utoipa::path(get, path = "/v1/receipts/{index}",
    params(("index" = u64, Path, description = "ledger entry")),
    responses((status = 200, description = "the receipt under the latest checkpoint", body = Object),
        (status = 404, description = "no such entry", body = ErrorAnswer)))]
async fn receipt(
    State(s): State<Arc<Inner>>,
    Path(index): Path<String>,
) -> Result<Json<Receipt>, ServiceError> {
    let index = zkgov_ledger::http::parse_index(&index, "index")?;
    Ok(Json(ledger_read(s, move |c| c.receipt(index)).await?))
}

#[utoipa::path(get, path = "/v1/checkpoint",
    responses((status = 200, description = "the ledger's latest signed checkpoint note", body = String)))]
async fn checkpoint(State(s): State<Arc<Inner>>) -> Result<String, ServiceError> {
    ledger_read(s, |c| c.checkpoint()).await
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "the process serves")))]
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/readyz",
    responses((status = 200, description = "keys loaded and checked, ledger reachable", body = Readiness),
        (status = 503, description = "not ready (with Retry-After)", body = ErrorAnswer)))]
async fn readyz(State(s): State<Arc<Inner>>) -> Result<Json<Readiness>, ServiceError> {
    if s.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(ServiceError::new(
            ErrorCode::NotReady,
            "the service is shutting down",
        ));
    }
    let keys = s
        .keys
        .iter()
        .map(|k| format!("{}@{}", k.statement, k.depth))
        .collect();
    let origin = tokio::task::spawn_blocking(move || {
        let session = s.session()?;
        session
            .client
            .checkpoint()
            .map_err(|_| ServiceError::new(ErrorCode::NotReady, "the ledger does not answer"))?;
        Ok::<_, ServiceError>(session.origin.clone())
    })
    .await
    .map_err(|_| ServiceError::internal())??;
    Ok(Json(Readiness {
        keys,
        ledger: origin,
    }))
}

#[utoipa::path(get, path = "/metrics",
    responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain")))]
async fn metrics(State(s): State<Arc<Inner>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.metrics.encode(),
    )
        .into_response()
}

#[utoipa::path(get, path = "/v1/openapi.json",
    responses((status = 200, description = "this document", body = Object)))]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

async fn unknown_statement(Path(name): Path<String>) -> ServiceError {
    ServiceError::new(
        ErrorCode::NotFound,
        format!(
            "no statement {:?}: this service proves record, identity and ballot",
            name.chars().take(64).collect::<String>()
        ),
    )
}

async fn not_found() -> ServiceError {
    ServiceError::new(ErrorCode::NotFound, "no such route")
}

async fn method_not_allowed() -> ServiceError {
    ServiceError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not take this method",
    )
}

/// One structured log line per request: method, route, status, error
/// code, time. Never a body, a query or a header value.
async fn log_request(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let t = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let code = resp.extensions().get::<ErrorCode>().map(|c| c.as_str());
    let path: String = path.chars().take(128).collect();
    if status >= 500 {
        tracing::warn!(%method, %path, status, code, ms = t.elapsed().as_millis() as u64, "request");
    } else {
        tracing::info!(%method, %path, status, code, ms = t.elapsed().as_millis() as u64, "request");
    }
    resp
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zkgov prover service",
        description = "Proves zkgov statements for a citizen's wallet, kiosk or portal, anchors them on the ledger and returns the bundle with its receipt. Runs where the citizen's data is, never at the verifying agency."
    ),
    paths(
        prove_record,
        prove_identity_route,
        prove_ballot,
        verify,
        receipt,
        checkpoint,
        healthz,
        readyz,
        metrics,
        openapi
    ),
    components(schemas(ErrorAnswer))
)]
struct ApiDoc;

/// The OpenAPI document, as served and committed.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// The router.
pub(crate) fn router(s: Arc<Inner>) -> Router {
    let mut r = Router::new()
        .route("/v1/prove/record", post(prove_record))
        .route("/v1/prove/identity", post(prove_identity_route))
        .route("/v1/prove/ballot", post(prove_ballot))
        .route("/v1/prove/{statement}", post(unknown_statement))
        .route("/v1/verify", post(verify))
        .route("/v1/receipts/{index}", get(receipt))
        .route("/v1/checkpoint", get(checkpoint))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/v1/openapi.json", get(openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(Arc::clone(&s));
    if let LedgerClient::InProcess(l) = &s.ledger {
        r = r.nest(
            "/ledger",
            zkgov_ledger::http::router_with(l.clone(), s.config.serve),
        );
    }
    r.layer(middleware::from_fn(log_request))
}
