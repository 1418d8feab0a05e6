//! `zkgov ledger demo-authorities`: the demo's four authorities, for a
//! served ledger.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_prover::demo::DemoAuthorities;

use super::super::shared::write;
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Directory to create for the secret key files (mode 0600 each).
    #[arg(long)]
    keys_out: PathBuf,
    /// Genesis file to write.
    #[arg(long)]
    genesis_out: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let keys = DemoAuthorities::generate(&mut OsRng);
    keys.write(&a.keys_out)?;
    write(&a.genesis_out, &keys.genesis().to_json())?;
    eprintln!(
        "wrote {} (secret keys) and {}",
        a.keys_out.display(),
        a.genesis_out.display()
    );
    Ok(())
}
