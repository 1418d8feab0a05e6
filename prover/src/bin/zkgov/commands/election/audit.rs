//! `zkgov election audit`: replay the ledger alone (`--ledger`), or an
//! export of it (`--export`, from `zkgov ledger export`), and check each
//! election in ElectionGuard's order: 1 parameters and keys, 2 ballots,
//! 3 the aggregate, 4 partial decryptions, 5 the result. Every failure
//! names its step and entry. Exit 0 when all pass, 1 when any fails.

use std::{path::PathBuf, time::Instant};

use zkgov_prover::{
    election::audit::{ElectionReport, Step},
    LedgerSession, LogExport,
};

use super::super::shared::read;
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The ledger's URL (`http://HOST:PORT`).
    #[arg(long, required_unless_present = "export", conflicts_with = "export")]
    ledger: Option<String>,
    /// Or a log export file.
    #[arg(long)]
    export: Option<PathBuf>,
    /// Only this election (default: every election on the log).
    #[arg(long)]
    election: Option<String>,
}

const STEPS: [Step; 5] = [
    Step::Parameters,
    Step::Ballots,
    Step::Aggregate,
    Step::Decryptions,
    Step::Result,
];

fn print(e: &ElectionReport) {
    println!("election {}", e.election_id);
    for step in STEPS {
        let failed: Vec<_> = e.failures.iter().filter(|f| f.step == step).collect();
        let what = match step {
            Step::Ballots => format!("{} valid ballots", e.valid_ballots),
            Step::Decryptions => format!("{} valid partial decryptions", e.valid_partials),
            Step::Result => e.result.as_ref().map_or("no result".into(), |r| {
                let names = e.election.as_ref().map(|el| &el.definition().options);
                r.counts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let name = names.and_then(|n| n.get(i)).map_or("?", |s| s.as_str());
                        format!("{name} {c}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            _ => String::new(),
        };
        let verdict = if failed.is_empty() { "ok" } else { "FAIL" };
        println!(
            "  {step}: {verdict}{}",
            if what.is_empty() {
                what
            } else {
                format!(" ({what})")
            }
        );
        for f in failed {
            println!("    FAIL {f}");
        }
    }
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let t = Instant::now();
    let export = match (&a.ledger, &a.export) {
        (Some(url), _) => LogExport::fetch(&LedgerSession::http(url)?.client)?,
        (None, Some(path)) => LogExport::from_json(&read(path)?)?,
        (None, None) => return Err(CliError::Usage("give --ledger URL or --export FILE".into())),
    };
    let report = export.audit();
    let elections: Vec<&ElectionReport> = report
        .elections
        .iter()
        .filter(|e| a.election.as_ref().is_none_or(|id| &e.election_id == id))
        .collect();
    if let Some(id) = &a.election {
        if elections.is_empty() {
            return Err(CliError::Failed(format!("no election {id:?} on the log")));
        }
    }
    for e in &elections {
        print(e);
    }
    // Failures of the log itself (checkpoint, signatures, other entries)
    // come first in the report.
    let log_failures = report.failures.len().saturating_sub(
        report
            .elections
            .iter()
            .map(|e| e.failures.len())
            .sum::<usize>(),
    );
    for (i, why) in report.failures.iter().take(log_failures) {
        match i {
            Some(i) => println!("FAIL log entry {i}: {why}"),
            None => println!("FAIL log: {why}"),
        }
    }
    let failures: usize = elections.iter().map(|e| e.failures.len()).sum::<usize>() + log_failures;
    println!(
        "audited {} entries in {:.2} s: {} elections, {failures} failures",
        report.entries,
        t.elapsed().as_secs_f64(),
        elections.len()
    );
    if failures == 0 {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{failures} failures in the audit"
        )))
    }
}
