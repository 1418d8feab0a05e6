//! `zkgov election deal`: one trustee's turn in the key ceremony (joint
//! Feldman). It writes its public commitments (with a proof of knowledge
//! of each coefficient, bound to the election) and one share per trustee,
//! each to be sent privately to its recipient. The polynomial is not kept.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_params::private_file::write_secret_json;
use zkgov_prover::{election::deal, ProverError};

use super::super::shared::write;
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The election id.
    #[arg(long)]
    election: String,
    /// This trustee's name.
    #[arg(long)]
    name: String,
    /// This trustee's index, 1..=n (the order of the election's trustees).
    #[arg(long)]
    index: u32,
    /// How many trustees (n).
    #[arg(long)]
    trustees: u32,
    /// How many must decrypt together (k).
    #[arg(long)]
    quorum: u32,
    /// Directory for `trustee-I.json` (public) and `share-I-for-L.json` (secret, mode 0600: send each to trustee L).
    #[arg(long)]
    out_dir: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let (published, shares) = deal(
        &a.election,
        &a.name,
        a.index,
        a.trustees,
        a.quorum,
        &mut OsRng,
    )?;
    std::fs::create_dir_all(&a.out_dir).map_err(ProverError::io(&a.out_dir))?;
    let public = a.out_dir.join(format!("trustee-{}.json", a.index));
    write(&public, &published.to_json())?;
    for s in &shares {
        let path = a
            .out_dir
            .join(format!("share-{}-for-{}.json", a.index, s.share.recipient));
        write_secret_json(&path, s).map_err(ProverError::io(&path))?;
    }
    println!("{}", public.display());
    eprintln!(
        "{} (trustee {} of {}, quorum {}): commitments in {}; {} shares in {} (send each privately to its trustee)",
        a.name,
        a.index,
        a.trustees,
        a.quorum,
        public.display(),
        shares.len(),
        a.out_dir.display()
    );
    Ok(())
}
