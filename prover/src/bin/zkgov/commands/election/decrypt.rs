//! `zkgov election decrypt`: after the close, a trustee replays the log
//! itself (it decrypts the sum of the ballots it verified, never an
//! aggregate someone hands it), computes its partial decryption with a
//! Chaum-Pedersen proof per option, and publishes it.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_params::private_file::read_secret_json;
use zkgov_prover::{
    election::{audit::Step, KeyFile, TrusteeKit, KEY_FORMAT},
    LedgerSession,
};

use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The ledger's URL (`http://HOST:PORT`).
    #[arg(long)]
    ledger: String,
    /// The election id.
    #[arg(long)]
    election: String,
    /// This trustee's key-share file (from `election combine`).
    #[arg(long)]
    key: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let key: KeyFile = read_secret_json(&a.key, KEY_FORMAT)?;
    if key.election != a.election {
        return Err(CliError::Usage(format!(
            "{} is a key share for election {:?}",
            a.key.display(),
            key.election
        )));
    }
    let session = LedgerSession::http(&a.ledger)?;
    let report = session.audit_election(&a.election)?;
    let blocking: Vec<String> = report
        .failures
        .iter()
        .filter(|f| f.step <= Step::Ballots)
        .map(ToString::to_string)
        .collect();
    if !blocking.is_empty() || report.election.is_none() {
        for f in &blocking {
            println!("FAIL {f}");
        }
        return Err(CliError::Failed(format!(
            "election {} does not pass the audit's first two steps: not decrypting",
            a.election
        )));
    }
    let kit = TrusteeKit {
        name: key.name.clone(),
        key_share: key.key_share.clone(),
    };
    let partial = kit.decrypt(&a.election, &report.aggregate, &mut OsRng);
    let r = session.publish_decryption(&a.election, partial)?;
    println!("{}", r.index);
    eprintln!(
        "{} (trustee {}) verified {} ballots and published its partial decryption of their sum: ledger entry {}",
        kit.name, kit.key_share.index, report.valid_ballots, r.index
    );
    Ok(())
}
