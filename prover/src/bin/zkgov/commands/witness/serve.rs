//! `zkgov witness serve`: cosign the checkpoints of the logs it follows,
//! each only if consistent with the last one it cosigned
//! (<https://c2sp.org/tlog-witness>, `zkgov_ledger::witness`).

use std::{path::PathBuf, sync::Arc};

use zkgov_ledger::witness::Witness;
use zkgov_prover::ProverError;
use zkgov_verifier::log::NoteVerifier;

use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8470")]
    addr: String,
    /// Data directory (witness key, state database, lock).
    #[arg(long, default_value = "zkgov-data/witness")]
    data_dir: PathBuf,
    /// The witness's name, a schema-less URL (e.g. witness.agency.example/w1).
    #[arg(long)]
    name: String,
    /// A log to follow: its note verifier key (`origin+keyid+base64`, as
    /// `zkgov ledger serve` prints it). Repeat for several logs.
    #[arg(long = "log", value_name = "VKEY", required = true)]
    logs: Vec<String>,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let logs = a
        .logs
        .iter()
        .map(|k| NoteVerifier::from_vkey(k).map_err(zkgov_verifier::VerifyError::from))
        .collect::<Result<Vec<_>, _>>()?;
    let witness = Arc::new(Witness::open(&a.data_dir, &a.name, logs)?);
    let io = |e| CliError::Lib(ProverError::io(std::path::Path::new(&a.addr))(e));
    let rt = tokio::runtime::Runtime::new().map_err(io)?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(&a.addr))
        .map_err(io)?;
    eprintln!(
        "zkgov witness serving http://{} for {} log(s); witness key {}",
        listener.local_addr().map_err(io)?,
        a.logs.len(),
        witness.verifier().to_vkey()
    );
    rt.block_on(zkgov_ledger::http::serve_router(
        zkgov_ledger::witness::router(witness),
        listener,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
        zkgov_ledger::http::ServeConfig::default(),
    ))
    .map_err(io)?;
    Ok(())
}
