//! `zkgov ledger serve`: the ledger's HTTP API on a data directory.

use std::path::PathBuf;

use zkgov_ledger::authority::GenesisFile;
use zkgov_prover::ProverError;

use super::super::shared::read;
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8464")]
    addr: String,
    /// Data directory (database, log key, signed-size file, lock).
    #[arg(long, default_value = "zkgov-data/ledger")]
    data_dir: PathBuf,
    /// Keep the log in this PostgreSQL database
    /// (`postgres://user@host:port/db`, plain TCP: loopback or a private
    /// network) instead of SQLite in the data directory; the log key,
    /// signed-size file and lock stay in the data directory.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Checkpoint origin of a new log (default zkgov.local/ledger); an
    /// existing log keeps the origin of its genesis and refuses another.
    #[arg(long)]
    origin: Option<String>,
    /// Genesis file (from `zkgov ledger genesis`) for a new log; an
    /// existing log accepts only its own.
    #[arg(long)]
    genesis: Option<PathBuf>,
    /// Run as the node NAME of a cluster on the --database: the node that
    /// holds the database's sequencer lease appends, the others serve reads
    /// and forward appends to it, and one takes over within seconds if the
    /// sequencer is lost. Every node needs a copy of the log's
    /// log-key.json in its own data directory.
    #[arg(long, value_name = "NAME", requires = "database")]
    node: Option<String>,
    /// This node's address as the other nodes reach it (e.g.
    /// http://10.0.0.2:8464), where they forward appends while it
    /// sequences; default http:// and the address it listens on (give it
    /// when listening on 0.0.0.0).
    #[arg(long, value_name = "URL", requires = "node")]
    advertise: Option<String>,
    /// A witness to send each new checkpoint to, as URL,VKEY (its address
    /// and the witness key `zkgov witness serve` prints); its cosignatures
    /// are served with the checkpoints and in receipts. Repeat for several.
    #[arg(long = "witness", value_name = "URL,VKEY")]
    witnesses: Vec<String>,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let witnesses = a
        .witnesses
        .iter()
        .map(|w| zkgov_ledger::ledger::WitnessEndpoint::parse(w))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let authorities = match &a.genesis {
        Some(path) => GenesisFile::from_json(&read(path)?)?.authorities,
        None => Vec::new(),
    };
    let io = |e| CliError::Lib(ProverError::io(std::path::Path::new(&a.addr))(e));
    let rt = tokio::runtime::Runtime::new().map_err(io)?;
    // Bound first: a cluster node advertises the address it listens on.
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(&a.addr))
        .map_err(io)?;
    let local = listener.local_addr().map_err(io)?;
    let ledger = match &a.database {
        None => zkgov_ledger::dir::open_dir(&a.data_dir, a.origin.as_deref(), authorities)?,
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            match &a.node {
                Some(node) => zkgov_ledger::dir::open_postgres_cluster(
                    &a.data_dir,
                    url,
                    a.origin.as_deref(),
                    authorities,
                    zkgov_ledger::ledger::ClusterConfig::new(
                        node,
                        &a.advertise
                            .clone()
                            .unwrap_or_else(|| format!("http://{local}")),
                    ),
                )?,
                None => zkgov_ledger::dir::open_postgres(
                    &a.data_dir,
                    url,
                    a.origin.as_deref(),
                    authorities,
                )?,
            }
        }
        Some(_) => {
            return Err(CliError::Usage(
                "--database takes a postgres:// or postgresql:// URL (SQLite in the data directory is the default)".into(),
            ))
        }
    };
    if !witnesses.is_empty() {
        ledger.start_witnessing(witnesses, std::time::Duration::from_millis(100))?;
    }
    eprintln!(
        "zkgov ledger serving http://{local} ({} entries on {}, origin {}{}); log key {}",
        ledger.size(),
        if a.database.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        ledger.origin(),
        match &a.node {
            Some(n) if ledger.is_sequencer() => format!(", node {n}, sequencing"),
            Some(n) => format!(", node {n}, following"),
            None => String::new(),
        },
        ledger.note_verifier().to_vkey(),
    );
    rt.block_on(zkgov_ledger::http::serve(ledger.clone(), listener, async {
        let _ = tokio::signal::ctrl_c().await;
    }))
    .map_err(io)?;
    ledger.close();
    Ok(())
}
