//! `zkgov election tally`: anyone, once a quorum of trustees has published
//! partial decryptions, combines them (Lagrange interpolation), recovers
//! the counts (baby-step giant-step), and publishes the result, which the
//! ledger checks before accepting it.

use zkgov_prover::LedgerSession;

use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The ledger's URL (`http://HOST:PORT`).
    #[arg(long)]
    ledger: String,
    /// The election id.
    #[arg(long)]
    election: String,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let session = LedgerSession::http(&a.ledger)?;
    let report = session.audit_election(&a.election)?;
    let Some(election) = &report.election else {
        return Err(CliError::Failed(format!(
            "election {} fails step 1 of the audit",
            a.election
        )));
    };
    let partials: Vec<_> = report.partials.iter().collect();
    let result = election.tally(&report.aggregate, report.valid_ballots, &partials)?;
    let r = session.publish_result(result.clone())?;
    for (name, count) in election.definition().options.iter().zip(&result.counts) {
        println!("{name}\t{count}");
    }
    eprintln!(
        "{} ballots, decrypted by trustees {:?}: result checked by the ledger and anchored as entry {}",
        report.valid_ballots, result.trustees, r.index
    );
    Ok(())
}
