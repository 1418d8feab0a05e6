//! `zkgov holder new`: the citizen's secret file.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_prover::HolderSecret;
use zkgov_verifier::to_decimal;

use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Create a holder secret file (mode 0600) and print its owner commitment.
    New {
        /// File to create.
        #[arg(long)]
        out: PathBuf,
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let Cmd::New { out } = c;
    let h = HolderSecret::generate(&mut OsRng);
    h.write(&out)?;
    println!("{}", to_decimal(&h.commitment()));
    eprintln!(
        "owner secret written to {} (keep it private); the line above is your owner commitment",
        out.display()
    );
    Ok(())
}
