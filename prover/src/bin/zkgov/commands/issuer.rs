//! `zkgov issuer keygen`: an issuer's key and empty register.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_prover::{IssuerKey, IssuerRegister};
use zkgov_verifier::to_decimal;

use super::shared::write;
use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Create an issuer key (mode 0600) and an empty register; print the issuer id.
    Keygen {
        /// Key file to create (secret).
        #[arg(long)]
        key_out: PathBuf,
        /// Register file to create (public).
        #[arg(long)]
        register_out: PathBuf,
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let Cmd::Keygen {
        key_out,
        register_out,
    } = c;
    let key = IssuerKey::generate(&mut OsRng);
    key.write(&key_out)?;
    write(
        &register_out,
        &IssuerRegister::new(key.public_key()).to_json(),
    )?;
    println!("{}", to_decimal(&key.public_key().id()));
    eprintln!(
        "issuer key written to {} (secret), register to {}; the line above is the issuer id",
        key_out.display(),
        register_out.display()
    );
    Ok(())
}
