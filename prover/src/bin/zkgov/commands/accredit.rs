//! `zkgov accredit`: the accreditation authority lists an issuer (or
//! refreshes its revocations), prints the root and anchors it.

use std::path::PathBuf;

use zkgov_prover::{accredit_in_file, demo::ACCREDITATION_AUTHORITY};

use super::shared::{anchor, AnchorArgs};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The accredited-issuer list (created if missing, else updated).
    #[arg(long)]
    list: PathBuf,
    /// The issuer's register.
    #[arg(long)]
    register: PathBuf,
    /// The issuer's name in the list.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    anchor: AnchorArgs,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let opened = a.anchor.open(Some(ACCREDITATION_AUTHORITY))?;
    let change = accredit_in_file(&a.list, &a.register, &a.name, anchor(&opened))?;
    if let Some(r) = &change.receipt {
        eprintln!(
            "accredited-issuer root anchored as ledger entry {}",
            r.index
        );
    }
    println!("{}", change.root);
    eprintln!(
        "{} accredited issuers in {}",
        change.count,
        a.list.display()
    );
    Ok(())
}
