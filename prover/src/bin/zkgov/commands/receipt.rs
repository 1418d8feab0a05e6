//! `zkgov receipt verify`: a ledger receipt, offline.

use std::path::PathBuf;

use zkgov_verifier::{log::NoteVerifier, Receipt};

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
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let Cmd::Verify { receipt, log_key } = c;
    let log = NoteVerifier::from_vkey(&log_key).map_err(zkgov_verifier::VerifyError::from)?;
    let v = Receipt::from_json(&read(&receipt)?)?.verify(&log)?;
    println!(
        "VALID receipt: entry {} ({}) is in the log at checkpoint size {}",
        v.index,
        v.entry.kind(),
        v.checkpoint.size
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&v.entry.body).unwrap_or_default()
    );
    Ok(())
}
