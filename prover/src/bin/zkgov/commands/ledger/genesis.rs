//! `zkgov ledger genesis`: write or extend a genesis file.

use std::path::PathBuf;

use zkgov_ledger::authority::GenesisFile;
use zkgov_verifier::Authority;

use super::super::shared::{read, read_json, write};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The genesis file (created if missing, else extended).
    #[arg(long)]
    out: PathBuf,
    /// An authority's public description (from `zkgov authority keygen --public-out`); repeat for several.
    #[arg(long = "authority", required = true)]
    authorities: Vec<PathBuf>,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let mut g = match a.out.exists() {
        true => GenesisFile::from_json(&read(&a.out)?)?,
        false => GenesisFile::default(),
    };
    for path in &a.authorities {
        let authority: Authority = read_json(path)?;
        eprintln!("{} ({})", authority.name, authority.role);
        g.add(authority)?;
    }
    write(&a.out, &g.to_json())?;
    eprintln!("{} authorities in {}", g.authorities.len(), a.out.display());
    Ok(())
}
