//! `zkgov receipt verify`: a ledger receipt, offline.

use std::path::PathBuf;

use zkgov_verifier::{
    log::{CosignatureVerifier, NoteVerifier},
    Receipt, WitnessPolicy,
};

use super::shared::read;
use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Check a receipt offline against the log's key (exit 0 valid, 1 invalid, 2 malformed).
    Verify {
        /// Receipt JSON.
        #[arg(long)]
        receipt: PathBuf,
        /// The log's note verifier key (`name+keyid+base64`).
        #[arg(long)]
        log_key: String,
        /// A witness whose cosignature counts toward --quorum: its key as
        /// `zkgov witness serve` prints it. Repeat for several.
        #[arg(long = "witness", value_name = "VKEY")]
        witnesses: Vec<String>,
        /// How many distinct witnesses of --witness must have cosigned the
        /// receipt's checkpoint (default: all of them).
        #[arg(long)]
        quorum: Option<usize>,
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let Cmd::Verify {
        receipt,
        log_key,
        witnesses,
        quorum,
    } = c;
    let log = NoteVerifier::from_vkey(&log_key).map_err(zkgov_verifier::VerifyError::from)?;
    let policy = WitnessPolicy {
        quorum: quorum.unwrap_or(witnesses.len()),
        witnesses: witnesses
            .iter()
            .map(|w| CosignatureVerifier::from_vkey(w).map_err(zkgov_verifier::VerifyError::from))
            .collect::<Result<_, _>>()?,
    };
    let v = Receipt::from_json(&read(&receipt)?)?.verify_witnessed(&log, &policy)?;
    println!(
        "VALID receipt: entry {} ({}) is in the log at checkpoint size {}",
        v.index,
        v.entry.kind(),
        v.checkpoint.size
    );
    if policy.quorum > 0 {
        println!(
            "cosigned by at least {} of the {} witnesses given",
            policy.quorum,
            policy.witnesses.len()
        );
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&v.entry.body).unwrap_or_default()
    );
    Ok(())
}
