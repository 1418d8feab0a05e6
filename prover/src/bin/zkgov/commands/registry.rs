//! `zkgov registry`: build a registry file from records; print its root.

use std::path::PathBuf;

use zkgov_prover::Registry;

use super::shared::{write, DEFAULT_DEPTH};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Records (`.json` or `.csv`).
    #[arg(long)]
    records: PathBuf,
    /// Tree depth.
    #[arg(long, default_value_t = DEFAULT_DEPTH)]
    depth: usize,
    /// Registry file to write.
    #[arg(long)]
    out: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let reg = Registry::from_records_file(a.depth, &a.records)?;
    write(&a.out, &reg.to_json())?;
    println!("{}", reg.root());
    eprintln!(
        "{} records, depth {}, written to {}",
        reg.records().len(),
        a.depth,
        a.out.display()
    );
    Ok(())
}
