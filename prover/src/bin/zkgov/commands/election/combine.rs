//! `zkgov election combine`: a trustee checks every trustee's published
//! commitments and the shares it received (a share inconsistent with its
//! dealer's commitments names the dealer and exits 1), and writes its key
//! share. Nobody ever holds the election key.

use std::path::PathBuf;

use zkgov_params::private_file::{read_secret_json, write_secret_json};
use zkgov_prover::{
    election::{combine_shares, CommitmentsFile, ShareFile, SHARE_FORMAT},
    ProverError,
};

use super::super::shared::read;
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The election id.
    #[arg(long)]
    election: String,
    /// This trustee's index.
    #[arg(long)]
    index: u32,
    /// Every trustee's commitments file (`trustee-I.json`), in index order.
    #[arg(long = "trustee", required = true)]
    trustees: Vec<PathBuf>,
    /// The shares received (`share-I-for-INDEX.json`), one from each trustee.
    #[arg(long = "share", required = true)]
    shares: Vec<PathBuf>,
    /// The key-share file to create (secret, mode 0600).
    #[arg(long)]
    key_out: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let published = a
        .trustees
        .iter()
        .map(|p| Ok(CommitmentsFile::from_json(&read(p)?, &a.election)?))
        .collect::<Result<Vec<_>, CliError>>()?;
    let shares = a
        .shares
        .iter()
        .map(|p| read_secret_json::<ShareFile>(p, SHARE_FORMAT))
        .collect::<Result<Vec<_>, _>>()?;
    let key = combine_shares(&a.election, a.index, &published, &shares)?;
    write_secret_json(&a.key_out, &key).map_err(ProverError::io(&a.key_out))?;
    println!("{}", a.key_out.display());
    eprintln!(
        "{} (trustee {}): {} shares checked against their dealers' commitments; key share written to {}",
        key.name,
        a.index,
        shares.len(),
        a.key_out.display()
    );
    Ok(())
}
