//! `zkgov demo`: the main job, end to end.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_prover::{demo, demo::DemoConfig};

use super::shared::DEFAULT_DEPTH;
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Where keys are kept between runs.
    #[arg(long, default_value = "zkgov-data")]
    data_dir: PathBuf,
    /// Number of parcels in the registry.
    #[arg(long, default_value_t = 4096)]
    records: usize,
    /// Tree depth.
    #[arg(long, default_value_t = DEFAULT_DEPTH)]
    depth: usize,
    /// Anchor on a served ledger instead of an in-process one.
    #[arg(long, requires = "authority_keys")]
    ledger: Option<String>,
    /// The demo authorities' key directory (from `zkgov ledger demo-authorities`).
    #[arg(long)]
    authority_keys: Option<PathBuf>,
    /// Number of voters in the election.
    #[arg(long, default_value_t = 300)]
    voters: usize,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let cfg = DemoConfig {
        ledger: a.ledger,
        authority_keys: a.authority_keys,
        data_dir: a.data_dir,
        records: a.records,
        depth: a.depth,
        voters: a.voters,
    };
    let outcome = demo::run(&cfg, &mut OsRng, &mut std::io::stdout())?;
    if !outcome.as_expected() {
        return Err(CliError::Failed(
            "the demo did not behave as expected".into(),
        ));
    }
    Ok(())
}
