//! `zkgov ledger register-agency`: the admin registers an agency (relying
//! party) with the scope labels it may use.

use std::path::PathBuf;

use super::{super::shared::read_json, Signed};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    admin: Signed,
    /// The agency's public description (from `zkgov agency keygen --public-out`).
    #[arg(long)]
    agency: PathBuf,
    /// A scope label the agency may use (repeat for several).
    #[arg(long = "scope", required = true)]
    scopes: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyPublic {
    name: String,
    public_key: zkgov_verifier::AuthorityKey,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let (session, admin) = a.admin.open()?;
    let public: AgencyPublic = read_json(&a.agency)?;
    let agency = zkgov_verifier::Agency {
        name: public.name,
        public_key: public.public_key,
        scopes: a.scopes,
    };
    let name = agency.name.clone();
    let r = session
        .client
        .submit(&admin.register_agency(&session.origin, agency))?;
    r.verify(&session.log)?;
    println!("{}", r.index);
    eprintln!(
        "agency {name} registered by {}: ledger entry {}",
        admin.name(),
        r.index
    );
    Ok(())
}
