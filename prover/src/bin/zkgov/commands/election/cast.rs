//! `zkgov election cast`: the voter encrypts a ballot under the election's
//! joint key, proves it well formed (Bulletproofs and Σ-proofs) and
//! themself eligible (Groth16: on the roll, with this election's
//! nullifier, bound to this ballot), checks both proofs, casts it, and
//! checks the receipt. The secret and the vote stay in this process.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_params::KeyDir;
use zkgov_prover::{
    election::{cast_ballot, ElectoralRoll},
    HolderSecret, LedgerSession, PreparedProver,
};
use zkgov_verifier::StatementId;

use super::super::shared::{read, write, KeysArg};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The ledger's URL (`http://HOST:PORT`).
    #[arg(long)]
    ledger: String,
    /// The election id.
    #[arg(long)]
    election: String,
    /// The voter's holder secret file.
    #[arg(long)]
    holder: PathBuf,
    /// The electoral roll file (from `election roll`).
    #[arg(long)]
    roll: PathBuf,
    /// The value given to each option, in order, comma-separated (single choice among 3: `0,1,0`).
    #[arg(long, value_delimiter = ',', required = true)]
    votes: Vec<u64>,
    #[command(flatten)]
    keys: KeysArg,
    /// Write the ballot's receipt (inclusion proof and checkpoint) here.
    #[arg(long)]
    receipt_out: Option<PathBuf>,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let session = LedgerSession::http(&a.ledger)?;
    let election = session.election(&a.election)?;
    let roll = ElectoralRoll::from_json(&read(&a.roll)?)?;
    let voter = HolderSecret::read(&a.holder)?;
    let st = StatementId::BallotEligibilityV1;
    let dir = KeyDir::new(&a.keys.keys);
    let pk = PreparedProver::new(dir.proving_key(st, roll.depth())?, st, roll.depth())?;
    let vk = dir.verifying_key(st, roll.depth())?;
    if vk.digest() != election.definition().eligibility_vk {
        return Err(CliError::Usage(format!(
            "the key in {} is not the election's eligibility key",
            a.keys.keys.display()
        )));
    }
    let cast = cast_ballot(&pk, &vk, &election, &roll, &voter, &a.votes, &mut OsRng)?;
    let receipt = session.cast(&cast)?;
    if let Some(path) = &a.receipt_out {
        write(path, &receipt.to_json())?;
    }
    println!("{}", receipt.index);
    eprintln!(
        "ballot cast in {}: ledger entry {}, nullifier {}; the receipt is checked against the log key",
        a.election, receipt.index, cast.nullifier
    );
    Ok(())
}
