//! `zkgov witness key`: the witness's public key, for logs and agencies.

use std::path::PathBuf;

use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The witness's data directory (its key made if missing, mode 0600).
    #[arg(long, default_value = "zkgov-data/witness")]
    data_dir: PathBuf,
    /// The witness's name, as given to `zkgov witness serve`.
    #[arg(long)]
    name: String,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let v = zkgov_ledger::witness::witness_key(&a.data_dir, &a.name)?;
    println!("{}", v.to_vkey());
    Ok(())
}
