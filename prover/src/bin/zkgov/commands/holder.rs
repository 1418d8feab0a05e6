//! `zkgov holder new`: the citizen's secret file; `zkgov holder
//! presentations`: the citizen's own log of who verified what.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_prover::{HolderSecret, PresentationLog};
use zkgov_verifier::to_decimal;

use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Create a holder secret file (mode 0600) and print its owner commitment.
    New {
        /// File to create.
        #[arg(long)]
        out: PathBuf,
    },
    /// List every presentation made with this holder secret (agency, policy, time, what was disclosed).
    Presentations {
        /// The holder secret file (its log is kept beside it).
        #[arg(long)]
        holder: PathBuf,
        /// Print the log's JSON lines as they are.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let out = match c {
        Cmd::New { out } => out,
        Cmd::Presentations { holder, json } => return presentations(&holder, json),
    };
    let h = HolderSecret::generate(&mut OsRng);
    h.write(&out)?;
    println!("{}", to_decimal(&h.commitment()));
    eprintln!(
        "owner secret written to {} (keep it private); the line above is your owner commitment",
        out.display()
    );
    Ok(())
}

fn presentations(holder: &std::path::Path, json: bool) -> Result<(), CliError> {
    let log = PresentationLog::for_holder(holder);
    let all = log.read()?;
    if json {
        for p in &all {
            println!("{}", serde_json::to_string(p).unwrap_or_default());
        }
        return Ok(());
    }
    if all.is_empty() {
        println!("no presentations recorded in {}", log.path().display());
    }
    for p in &all {
        let shown = if p.disclosed.is_empty() {
            "nothing".to_owned()
        } else {
            p.disclosed
                .iter()
                .map(|d| format!("{} = {}", d.name, d.value))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let anchored = p
            .anchored_at
            .map_or_else(String::new, |i| format!(", anchored as ledger entry {i}"));
        println!(
            "{} {} asked {} ({}, scope label {}): disclosed {shown}{anchored}",
            p.time, p.agency, p.policy, p.statement, p.scope_label
        );
    }
    Ok(())
}
