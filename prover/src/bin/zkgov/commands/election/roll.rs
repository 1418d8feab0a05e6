//! `zkgov election roll`: the electoral commission builds the roll from
//! the voters' owner commitments (`zkgov holder new` prints one each) and
//! publishes its root as a registry root. The roll file holds
//! commitments only; voters need it to find their Merkle path.

use std::path::PathBuf;

use zkgov_prover::{clock, demo::ELECTORAL_COMMISSION, election::ElectoralRoll};
use zkgov_verifier::parse_decimal;

use super::super::shared::{anchor, read, write, AnchorArgs, DEFAULT_DEPTH};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The voters' commitments: one canonical decimal per line (blank lines and `#` comments ignored).
    #[arg(long)]
    commitments: PathBuf,
    /// Roll tree depth (must be the eligibility key's depth).
    #[arg(long, default_value_t = DEFAULT_DEPTH)]
    depth: usize,
    /// The roll file to write (public).
    #[arg(long)]
    out: PathBuf,
    /// The roll's registry id on the ledger.
    #[arg(long, default_value = zkgov_prover::demo::ELECTORAL_ROLL)]
    registry_id: String,
    #[command(flatten)]
    anchor: AnchorArgs,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let text = read(&a.commitments)?;
    let commitments = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| parse_decimal(l, &format!("commitment on line {}", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let roll = ElectoralRoll::new(a.depth, commitments)?;
    write(&a.out, &roll.to_json())?;
    println!("{}", roll.root());
    eprintln!(
        "roll of {} voters (depth {}) written to {}",
        roll.len(),
        roll.depth(),
        a.out.display()
    );
    let opened = a.anchor.open(Some(ELECTORAL_COMMISSION))?;
    if let Some(anchor) = anchor(&opened) {
        let r = anchor.session.publish_root(
            anchor.signer,
            &a.registry_id,
            roll.root(),
            roll.len(),
            None,
            clock::now(),
        )?;
        eprintln!(
            "roll published as {} by {}: ledger entry {}",
            a.registry_id,
            anchor.signer.name(),
            r.index
        );
    }
    Ok(())
}
