//! `zkgov hash poseidon`: circomlib Poseidon of canonical decimals.

use zkgov_verifier::{parse_decimal, poseidon::poseidon, to_decimal, Fr};

use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// circomlib Poseidon of 1 to 16 canonical decimal inputs.
    Poseidon {
        /// Inputs.
        #[arg(required = true)]
        inputs: Vec<String>,
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let Cmd::Poseidon { inputs } = c;
    let xs = inputs
        .iter()
        .enumerate()
        .map(|(i, s)| parse_decimal::<Fr>(s, &format!("input {i}")))
        .collect::<Result<Vec<_>, _>>()?;
    println!("{}", to_decimal(&poseidon(&xs)?));
    Ok(())
}
