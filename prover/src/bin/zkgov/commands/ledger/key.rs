//! `zkgov ledger key`: a log's key before its first node starts.

use std::path::PathBuf;

use zkgov_verifier::log::NoteVerifier;

use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Data directory of the ledger (or of a cluster's first node): its
    /// log-key.json is made if missing (mode 0600). Copy that file to the
    /// other nodes' data directories.
    #[arg(long, default_value = "zkgov-data/ledger")]
    data_dir: PathBuf,
    /// The log's checkpoint origin (the key's name).
    #[arg(long, default_value = zkgov_ledger::dir::DEFAULT_ORIGIN)]
    origin: String,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let key = zkgov_ledger::dir::key_in(&a.data_dir, "log-key.json")?;
    let v = NoteVerifier::new(&a.origin, key.verifying_key())
        .map_err(zkgov_verifier::VerifyError::from)?;
    println!("{}", v.to_vkey());
    Ok(())
}
