//! `zkgov serve`: the prover service (see `zkgov_prover::service`).
//!
//! Configuration, highest precedence first: flags, environment variables
//! (`ZKGOV_SERVE_<FLAG>`, e.g. `ZKGOV_SERVE_ADDR`), the TOML file given by
//! `--config` (keys named as the flags, with `_`), then the defaults.

use std::{path::PathBuf, time::Duration};

use serde::Deserialize;
use zkgov_ledger::{
    authority::GenesisFile,
    http::{LedgerClient, ServeConfig},
};
use zkgov_prover::{
    service::{Limits, Service, ServiceConfig},
    ProverError,
};

use super::shared::{read, DEFAULT_KEYS};
use crate::exit::CliError;

/// Log line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

/// Every setting, as flags (and environment variables); the same names
/// make up the configuration file.
#[derive(clap::Args, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Args {
    /// Configuration file (TOML, keys named as these flags with `_`).
    #[arg(long, env = "ZKGOV_SERVE_CONFIG")]
    #[serde(skip)]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8465, loopback only].
    #[arg(long, env = "ZKGOV_SERVE_ADDR")]
    addr: Option<String>,
    /// Data directory: the embedded ledger lives in `<DIR>/ledger` [default: zkgov-data/serve].
    #[arg(long, env = "ZKGOV_SERVE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Key directory, with the manifest every key is checked against [default: zkgov-data/keys].
    #[arg(long, env = "ZKGOV_SERVE_KEYS")]
    keys: Option<PathBuf>,
    /// Use the ledger at this URL (shared by several instances) instead of the embedded one.
    #[arg(long, env = "ZKGOV_SERVE_LEDGER")]
    ledger: Option<String>,
    /// Genesis file for a new embedded ledger (from `zkgov ledger genesis`).
    #[arg(long, env = "ZKGOV_SERVE_GENESIS")]
    genesis: Option<PathBuf>,
    /// Checkpoint origin of a new embedded ledger.
    #[arg(long, env = "ZKGOV_SERVE_ORIGIN")]
    origin: Option<String>,
    /// Proving threads [default: the number of cores].
    #[arg(long, env = "ZKGOV_SERVE_WORKERS")]
    workers: Option<usize>,
    /// Threads each proof may use [default: cores ÷ proving threads].
    #[arg(long, env = "ZKGOV_SERVE_THREADS_PER_PROOF")]
    threads_per_proof: Option<usize>,
    /// Requests that may wait for a proving thread [default: as many as threads].
    #[arg(long, env = "ZKGOV_SERVE_QUEUE")]
    queue: Option<usize>,
    /// Longest wait for a thread, in ms; a request that waited longer is refused unstarted [default: 10000].
    #[arg(long, env = "ZKGOV_SERVE_MAX_WAIT_MS")]
    max_wait_ms: Option<u64>,
    /// Largest request body, in bytes [default: 4194304].
    #[arg(long, env = "ZKGOV_SERVE_MAX_BODY")]
    max_body: Option<usize>,
    /// Deepest JSON nesting [default: 16].
    #[arg(long, env = "ZKGOV_SERVE_MAX_DEPTH")]
    max_depth: Option<usize>,
    /// Most members of one JSON array or object [default: 100000].
    #[arg(long, env = "ZKGOV_SERVE_MAX_MEMBERS")]
    max_members: Option<usize>,
    /// Memory for precomputed window tables of each key's bases, in MiB: 128 holds
    /// a depth-20 key's and makes each proof about 1.3× faster; building them
    /// adds seconds per key at start [default: 0, no tables].
    #[arg(long, env = "ZKGOV_SERVE_TABLE_MIB")]
    table_mib: Option<usize>,
    /// Time to send the request headers, in ms [default: 10000].
    #[arg(long, env = "ZKGOV_SERVE_HEADER_TIMEOUT_MS")]
    header_timeout_ms: Option<u64>,
    /// Time to send the request body, in ms [default: 10000].
    #[arg(long, env = "ZKGOV_SERVE_BODY_TIMEOUT_MS")]
    body_timeout_ms: Option<u64>,
    /// On SIGTERM, time open requests have to finish, in ms [default: 30000].
    #[arg(long, env = "ZKGOV_SERVE_DRAIN_TIMEOUT_MS")]
    drain_timeout_ms: Option<u64>,
    /// Log format [default: text].
    #[arg(long, env = "ZKGOV_SERVE_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    #[serde(skip)]
    print_openapi: bool,
}

impl Args {
    /// Fills what flags and environment left unset from the file.
    fn merged(self) -> Result<Args, CliError> {
        let Some(path) = &self.config else {
            return Ok(self);
        };
        let file: Args = toml::from_str(&read(path)?).map_err(|e| {
            CliError::Lib(ProverError::Malformed {
                what: path.display().to_string(),
                reason: e.message().to_string(),
            })
        })?;
        macro_rules! pick {
            ($($f:ident),*) => { Args { $($f: self.$f.or(file.$f),)* config: self.config, print_openapi: self.print_openapi } };
        }
        Ok(pick!(
            addr,
            data_dir,
            keys,
            ledger,
            genesis,
            origin,
            workers,
            threads_per_proof,
            queue,
            max_wait_ms,
            max_body,
            max_depth,
            max_members,
            table_mib,
            header_timeout_ms,
            body_timeout_ms,
            drain_timeout_ms,
            log_format
        ))
    }
}

/// Logs from zkgov's own crates only, at info and above: other crates'
/// spans are never recorded (arkworks instruments constraint synthesis
/// with the constraint system, witness included, as a span field).
fn init_logs(format: LogFormat) {
    use tracing_subscriber::{
        filter::Targets, layer::SubscriberExt as _, util::SubscriberInitExt as _, Layer as _,
    };
    let only_ours = Targets::new()
        .with_target("zkgov", tracing::Level::INFO)
        .with_target("zkgov_prover", tracing::Level::INFO)
        .with_target("zkgov_ledger", tracing::Level::INFO);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let layer = match format {
        LogFormat::Json => layer.json().flatten_event(true).boxed(),
        LogFormat::Text => layer.boxed(),
    };
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(only_ours))
        .try_init();
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    if a.print_openapi {
        println!("{}", zkgov_prover::service::openapi_json());
        return Ok(());
    }
    let a = a.merged()?;
    init_logs(a.log_format.unwrap_or(LogFormat::Text));
    let ms = Duration::from_millis;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = a.workers.unwrap_or(cores).max(1);
    let data_dir = a
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("zkgov-data/serve"));
    let config = ServiceConfig {
        keys: a
            .keys
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_KEYS)),
        workers,
        threads_per_proof: a.threads_per_proof.unwrap_or(0),
        queue: a.queue.unwrap_or(workers),
        table_budget: a.table_mib.unwrap_or(0).saturating_mul(1 << 20),
        max_wait: ms(a.max_wait_ms.unwrap_or(10_000)),
        limits: Limits {
            max_body: a.max_body.unwrap_or(4 << 20),
            max_depth: a.max_depth.unwrap_or(16),
            max_members: a.max_members.unwrap_or(100_000),
            body_timeout: ms(a.body_timeout_ms.unwrap_or(10_000)),
        },
        serve: ServeConfig {
            header_timeout: ms(a.header_timeout_ms.unwrap_or(10_000)),
            body_timeout: ms(a.body_timeout_ms.unwrap_or(10_000)),
            drain_timeout: ms(a.drain_timeout_ms.unwrap_or(30_000)),
        },
    };
    let (client, embedded) = match &a.ledger {
        Some(url) => (
            LedgerClient::Http(url.trim_end_matches('/').to_owned()),
            None,
        ),
        None => {
            let authorities = match &a.genesis {
                Some(path) => GenesisFile::from_json(&read(path)?)?.authorities,
                None => Vec::new(),
            };
            let ledger = zkgov_ledger::dir::open_dir(
                &data_dir.join("ledger"),
                a.origin.as_deref(),
                authorities,
            )?;
            (LedgerClient::InProcess(ledger.clone()), Some(ledger))
        }
    };
    tracing::info!(keys = %config.keys.display(), "loading and checking keys");
    let service = Service::start(config, client)?;
    let addr = a.addr.clone().unwrap_or_else(|| "127.0.0.1:8465".into());
    let io = |e| CliError::Lib(ProverError::io(std::path::Path::new(&addr))(e));
    let rt = tokio::runtime::Runtime::new().map_err(io)?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(&addr))
        .map_err(io)?;
    let url = format!("http://{}", listener.local_addr().map_err(io)?);
    let keys: Vec<String> = service
        .keys()
        .iter()
        .map(|(s, d)| format!("{s}@{d}"))
        .collect();
    tracing::info!(
        url = %url,
        keys = %keys.join(","),
        ledger = %a.ledger.as_deref().unwrap_or("embedded (served under /ledger)"),
        capacity = service.capacity(),
        table_bytes = service.table_bytes(),
        "zkgov serve listening"
    );
    rt.block_on(service.serve(listener, terminated()))
        .map_err(io)?;
    if let Some(ledger) = embedded {
        ledger.close();
    }
    tracing::info!("stopped");
    Ok(())
}
