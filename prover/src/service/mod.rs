//! The prover service (`zkgov serve`): proves every statement for a
//! citizen's wallet, kiosk or portal, anchors the proof and returns the
//! bundle with its ledger receipt.
//!
//! It runs where the citizen's data already is (their device, or the
//! wallet provider they chose), never at the verifying agency: a request
//! carries the holder's secret and credential. What it does with them:
//!
//! - the body is read into one zeroizing buffer, bounded in size, time,
//!   nesting and member counts before anything is parsed ([`body`]);
//! - the agency's signed request is checked against the agency's
//!   registration on the ledger before any witness is touched;
//! - proving runs on a fixed pool of dedicated threads behind a bounded
//!   queue; beyond it a request is refused at once with 429 and
//!   `Retry-After` ([`pool`]);
//! - the ledger gets the bundle without its disclosure opening; logs,
//!   metrics and error bodies name only public data ([`error`]).
//!
//! Several instances can share one ledger (`--ledger URL`): an instance
//! holds no state but its keys, loaded and checked against their manifest
//! at start, so a restart loses nothing and a load balancer may send any
//! request to any instance. With the embedded ledger (the default) the
//! ledger's own API is served under `/ledger`.

pub mod api;
mod body;
mod cache;
mod error;
mod metrics;
mod pool;

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use zkgov_ledger::{
    http::{LedgerClient, ServeConfig},
    ErrorCode,
};
use zkgov_params::KeyDir;
use zkgov_verifier::{StatementId, ValidatedVerifyingKey, VerifyingKeyDigest};

pub use api::openapi_json;
pub use body::Limits;
pub use error::{ServiceError, RETRY_AFTER_SECS};

use crate::{LedgerSession, PreparedProver, ProverError};

/// How the service runs.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// The key directory (its manifest pins every key).
    pub keys: PathBuf,
    /// Proving threads (default: the number of cores).
    pub workers: usize,
    /// Threads each proof may use (0: cores ÷ `workers`, at least 1).
    pub threads_per_proof: usize,
    /// Admitted requests that may wait for a thread.
    pub queue: usize,
    /// Bytes of precomputed window tables per key (0: none; see
    /// `zkgov_groth16::MatrixProver::with_tables`).
    pub table_budget: usize,
    /// Longest wait in the queue; a request that waited longer is refused
    /// without being started.
    pub max_wait: Duration,
    /// Body, nesting and member limits.
    pub limits: Limits,
    /// Header and body timeouts, and the drain time on shutdown.
    pub serve: ServeConfig,
}

/// One statement's keys, loaded and checked.
pub(crate) struct LoadedKey {
    pub(crate) statement: StatementId,
    pub(crate) depth: usize,
    pub(crate) prover: PreparedProver,
    pub(crate) vk: ValidatedVerifyingKey,
}

/// The running service's shared state.
pub(crate) struct Inner {
    pub(crate) config: ServiceConfig,
    pub(crate) ledger: LedgerClient,
    session: Mutex<Option<Arc<LedgerSession>>>,
    pub(crate) keys: Vec<LoadedKey>,
    pub(crate) pool: pool::Pool,
    pub(crate) metrics: metrics::Metrics,
    pub(crate) registries: cache::Parsed<crate::Registry>,
    pub(crate) rolls: cache::Parsed<crate::election::ElectoralRoll>,
    pub(crate) draining: AtomicBool,
}

/// The prover service.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

/// Loads every key the manifest of `dir` lists, each checked against the
/// manifest (sizes, digests, the verifying key a proving key embeds), and
/// prepares its constraint matrices.
fn load_keys(dir: &Path, table_budget: usize) -> Result<Vec<LoadedKey>, ProverError> {
    let kd = KeyDir::new(dir);
    let manifest = kd.manifest()?;
    if manifest.keys.is_empty() {
        return Err(ProverError::malformed(
            dir.display().to_string(),
            "the key directory's manifest lists no keys (run zkgov setup)",
        ));
    }
    let mut keys = Vec::with_capacity(manifest.keys.len());
    for entry in &manifest.keys {
        let statement = StatementId::parse(&entry.statement)?;
        let prover = PreparedProver::new(
            kd.proving_key(statement, entry.depth)?,
            statement,
            entry.depth,
        )?;
        let prover = if table_budget > 0 {
            prover.with_tables(table_budget)
        } else {
            prover
        };
        keys.push(LoadedKey {
            statement,
            depth: entry.depth,
            prover,
            vk: kd.verifying_key(statement, entry.depth)?,
        });
    }
    Ok(keys)
}

impl Service {
    /// Loads and checks the keys (slow: seconds per statement at depth
    /// 20), starts the proving threads, and reaches the ledger lazily: an
    /// unreachable ledger makes the service not ready, not dead.
    pub fn start(config: ServiceConfig, ledger: LedgerClient) -> Result<Self, ProverError> {
        let keys = load_keys(&config.keys, config.table_budget)?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let width = match config.threads_per_proof {
            0 => (cores / config.workers.max(1)).max(1),
            n => n,
        };
        let pool = pool::Pool::new(config.workers, width, config.queue, config.max_wait)
            .map_err(ProverError::io(Path::new("proving threads")))?;
        let metrics = metrics::Metrics::new(Arc::clone(&pool.load));
        Ok(Service {
            inner: Arc::new(Inner {
                config,
                ledger,
                session: Mutex::new(None),
                keys,
                pool,
                metrics,
                registries: cache::Parsed::default(),
                rolls: cache::Parsed::default(),
                draining: AtomicBool::new(false),
            }),
        })
    }

    /// Bytes the loaded keys' window tables take (`--table-mib`; 0 without).
    pub fn table_bytes(&self) -> usize {
        self.inner.keys.iter().map(|k| k.prover.table_bytes()).sum()
    }

    /// The statements and depths of the loaded keys.
    pub fn keys(&self) -> Vec<(StatementId, usize)> {
        self.inner
            .keys
            .iter()
            .map(|k| (k.statement, k.depth))
            .collect()
    }

    /// Most requests admitted at once (proving threads + queue).
    pub fn capacity(&self) -> usize {
        self.inner.pool.capacity()
    }

    /// The router: the API, and the embedded ledger's under `/ledger`.
    pub fn router(&self) -> axum::Router {
        api::router(Arc::clone(&self.inner))
    }

    /// Serves on `listener` until `shutdown` completes; then refuses new
    /// proofs (`closed`), lets open requests finish within the drain time,
    /// and lets every admitted job finish before returning, so an anchor
    /// is never cut off halfway.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let inner = Arc::clone(&self.inner);
        let draining = async move {
            shutdown.await;
            inner.draining.store(true, Ordering::SeqCst);
            tracing::info!("shutting down: refusing new proofs, finishing open requests");
        };
        zkgov_ledger::http::serve_router(
            self.router(),
            listener,
            draining,
            self.inner.config.serve,
        )
        .await?;
        let inner = Arc::clone(&self.inner);
        let _ = tokio::task::spawn_blocking(move || inner.pool.shutdown()).await;
        Ok(())
    }
}

impl Inner {
    /// The ledger session, connecting on first use (blocking).
    pub(crate) fn session(&self) -> Result<Arc<LedgerSession>, ServiceError> {
        let mut s = self.session.lock().map_err(|_| ServiceError::internal())?;
        if let Some(s) = &*s {
            return Ok(Arc::clone(s));
        }
        let session = Arc::new(LedgerSession::connect(self.ledger.clone()).map_err(|e| {
            tracing::warn!(error = %e, "the ledger is not reachable");
            ServiceError::new(
                ErrorCode::NotReady,
                "the service cannot reach its ledger; retry later",
            )
        })?);
        *s = Some(Arc::clone(&session));
        Ok(session)
    }

    /// The loaded key for `statement` at `depth`.
    pub(crate) fn key(
        &self,
        statement: StatementId,
        depth: usize,
    ) -> Result<&LoadedKey, ServiceError> {
        self.keys
            .iter()
            .find(|k| k.statement == statement && k.depth == depth)
            .ok_or_else(|| {
                ServiceError::new(
                    ErrorCode::Refused,
                    format!("this service holds no key for {statement} at depth {depth}"),
                )
            })
    }

    /// The loaded key whose verifying key has `digest`.
    pub(crate) fn key_by_digest(
        &self,
        digest: &VerifyingKeyDigest,
    ) -> Result<&LoadedKey, ServiceError> {
        self.keys
            .iter()
            .find(|k| &k.vk.digest() == digest)
            .ok_or_else(|| {
                ServiceError::new(
                    ErrorCode::Refused,
                    format!("this service holds no verifying key {}", digest.to_hex()),
                )
            })
    }
}
