//! `zkgov ledger export`: every entry under the ledger's latest checkpoint,
//! in one file (`zkgov-log-export` v1), for an audit that does not reach
//! the ledger (`zkgov election audit --export`).

use std::path::PathBuf;

use zkgov_prover::{LedgerSession, LogExport};

use super::super::shared::write;
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The ledger's URL (`http://HOST:PORT`).
    #[arg(long)]
    ledger: String,
    /// The export file to write.
    #[arg(long)]
    out: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let export = LogExport::fetch(&LedgerSession::http(&a.ledger)?.client)?;
    write(&a.out, &export.to_json())?;
    println!("{}", export.entries.len());
    eprintln!(
        "{} entries and their checkpoint written to {}",
        export.entries.len(),
        a.out.display()
    );
    Ok(())
}
