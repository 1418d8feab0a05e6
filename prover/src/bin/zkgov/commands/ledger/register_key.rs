//! `zkgov ledger register-key`: the admin registers another authority.

use std::path::PathBuf;

use zkgov_verifier::Authority;

use super::{super::shared::read_json, Signed};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    admin: Signed,
    /// The new authority's public description (from `zkgov authority keygen --public-out`).
    #[arg(long)]
    authority: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let (session, admin) = a.admin.open()?;
    let authority: Authority = read_json(&a.authority)?;
    let name = authority.name.clone();
    let r = session
        .client
        .submit(&admin.register_key(&session.origin, authority))?;
    r.verify(&session.log)?;
    println!("{}", r.index);
    eprintln!(
        "{name} registered by {}: ledger entry {}",
        admin.name(),
        r.index
    );
    Ok(())
}
