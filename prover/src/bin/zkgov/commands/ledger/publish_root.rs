//! `zkgov ledger publish-root`: an authority publishes a registry's signed
//! root with its epoch and record count.

use std::path::PathBuf;

use zkgov_prover::{clock, Registry};
use zkgov_verifier::MerkleRoot;

use super::{
    super::shared::{read, write},
    Signed,
};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    authority: Signed,
    /// The registry file (from `zkgov registry`): its root and record count.
    #[arg(long, conflicts_with_all = ["root", "leaf_count"], required_unless_present = "root")]
    registry: Option<PathBuf>,
    /// Or the root itself (canonical decimal), with --leaf-count.
    #[arg(long, requires = "leaf_count")]
    root: Option<String>,
    /// Records under --root.
    #[arg(long)]
    leaf_count: Option<u64>,
    /// Registry id on the ledger (default: the authority's only registry).
    #[arg(long)]
    registry_id: Option<String>,
    /// Epoch (default: the one after the registry's last).
    #[arg(long)]
    epoch: Option<u64>,
    /// Write the publication's receipt here.
    #[arg(long)]
    receipt_out: Option<PathBuf>,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let (root, leaves) = match (&a.registry, &a.root, a.leaf_count) {
        (Some(path), _, _) => {
            let reg = Registry::from_json(&read(path)?)?;
            (reg.root(), reg.records().len() as u64)
        }
        (None, Some(root), Some(n)) => (MerkleRoot::from_decimal(root)?, n),
        _ => {
            return Err(CliError::Usage(
                "give --registry FILE, or --root and --leaf-count".into(),
            ))
        }
    };
    let (session, signer) = a.authority.open()?;
    let registry_id = match (&a.registry_id, signer.authority().registries.as_slice()) {
        (Some(id), _) => id.clone(),
        (None, [only]) => only.clone(),
        (None, _) => {
            return Err(CliError::Usage(format!(
                "{} publishes for several registries: give --registry-id",
                signer.name()
            )))
        }
    };
    let r = session.publish_root(&signer, &registry_id, root, leaves, a.epoch, clock::now())?;
    if let Some(path) = &a.receipt_out {
        write(path, &r.to_json())?;
    }
    println!("{}", r.index);
    eprintln!(
        "root {root} of {registry_id} ({leaves} records) published by {}: ledger entry {}",
        signer.name(),
        r.index
    );
    Ok(())
}
