//! `zkgov setup`: INSECURE single-party development keys.

use std::{path::PathBuf, time::Instant};

use rand::rngs::OsRng;
use zkgov_params::{dev_setup, key_depth, shape, KeyDir, INSECURE_LABEL};
use zkgov_verifier::StatementId;

use super::shared::{Statement, DEFAULT_DEPTH, DEFAULT_KEYS};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The statement.
    #[arg(long, value_enum, default_value_t = Statement::Record)]
    statement: Statement,
    /// Registry tree depth (record membership; identity trees have fixed depths).
    #[arg(long, default_value_t = DEFAULT_DEPTH)]
    depth: usize,
    /// Key directory.
    #[arg(long, default_value = DEFAULT_KEYS)]
    keys: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let st = StatementId::from(a.statement);
    let depth = key_depth(st, a.depth);
    let t = Instant::now();
    let (pk, vk) = dev_setup(st, depth, &mut OsRng, true)?;
    let entry = KeyDir::new(&a.keys).write(st, depth, shape(st, depth)?, &pk, &vk)?;
    println!(
        "{st} depth {depth}: {} constraints, {} public inputs",
        entry.constraints, entry.public_inputs
    );
    println!(
        "proving key   {} ({} bytes)",
        a.keys.join(&entry.proving_key.file).display(),
        entry.proving_key.bytes
    );
    println!(
        "verifying key {} ({} bytes), digest {}",
        a.keys.join(&entry.verifying_key.file).display(),
        entry.verifying_key.bytes,
        entry.vk_digest
    );
    println!("done in {:.1}s", t.elapsed().as_secs_f64());
    eprintln!("WARNING: {INSECURE_LABEL}");
    Ok(())
}
