//! `zkgov ledger audit`: replay a served ledger from its entries alone and
//! re-verify every anchored proof. Exit 0 when every entry checks, 1 when
//! any fails (each is named).

use zkgov_prover::{audit_ledger, LedgerSession};

use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The ledger's URL (`http://HOST:PORT`).
    #[arg(long)]
    ledger: String,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let session = LedgerSession::http(&a.ledger)?;
    let report = audit_ledger(&session.client)?;
    for (index, why) in &report.failures {
        match index {
            Some(i) => println!("FAIL entry {i}: {why}"),
            None => println!("FAIL log: {why}"),
        }
    }
    println!(
        "audited {} entries of {}: {} anchored proofs re-verified, {} failures",
        report.entries,
        session.origin,
        report.proofs_verified,
        report.failures.len()
    );
    if report.ok() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} entries fail the audit",
            report.failures.len()
        )))
    }
}
