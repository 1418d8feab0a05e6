//! `zkgov revoke`: revoke a credential in the issuer's register, print the
//! revocation root, and anchor it.

use std::path::PathBuf;

use zkgov_prover::{revoke_in_file, Revocation};
use zkgov_verifier::identity::Credential;

use super::shared::{anchor, read, AnchorArgs};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Issuer register (updated).
    #[arg(long)]
    register: PathBuf,
    /// Revocation nonce to revoke.
    #[arg(
        long,
        required_unless_present = "credential",
        conflicts_with = "credential"
    )]
    nonce: Option<u64>,
    /// Or the credential file whose nonce to revoke.
    #[arg(long)]
    credential: Option<PathBuf>,
    #[command(flatten)]
    anchor: AnchorArgs,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let cred = a
        .credential
        .as_ref()
        .map(|p| read(p).and_then(|t| Ok(Credential::from_json(&t)?)))
        .transpose()?;
    let which = match (&cred, a.nonce) {
        (Some(c), _) => Revocation::Credential(c),
        (None, Some(n)) => Revocation::Nonce(n),
        (None, None) => return Err(CliError::Usage("give --nonce or --credential".into())),
    };
    let opened = a.anchor.open(None)?;
    let (nonce, change) = revoke_in_file(&a.register, which, anchor(&opened))?;
    if let Some(r) = &change.receipt {
        eprintln!("revocation root anchored as ledger entry {}", r.index);
    }
    println!("{}", change.root);
    eprintln!("nonce {nonce} revoked; {} revoked in all", change.count);
    Ok(())
}
