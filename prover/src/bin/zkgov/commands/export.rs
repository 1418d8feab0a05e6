//! `zkgov export snarkjs`: a bundle and its key as snarkjs JSON.

use std::path::PathBuf;

use zkgov_params::KeyDir;
use zkgov_prover::ProverError;
use zkgov_verifier::{snarkjs, Bundle};

use super::shared::{read, write, KeysArg};
use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Write verification_key.json, proof.json and public.json for snarkjs.
    Snarkjs {
        /// The bundle.
        #[arg(long)]
        bundle: PathBuf,
        #[command(flatten)]
        keys: KeysArg,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let Cmd::Snarkjs { bundle, keys, out } = c;
    let b = Bundle::from_json(&read(&bundle)?)?;
    let (vk, _) = KeyDir::new(&keys.keys).verifying_key_for(b.statement, &b.vk_digest)?;
    b.verify(b.statement, &vk)?;
    std::fs::create_dir_all(&out).map_err(ProverError::io(&out))?;
    write(
        &out.join("verification_key.json"),
        &snarkjs::write_verifying_key(&vk),
    )?;
    write(&out.join("proof.json"), &snarkjs::write_proof(&b.proof))?;
    write(
        &out.join("public.json"),
        &snarkjs::write_public(&b.public_inputs),
    )?;
    eprintln!(
        "wrote verification_key.json, proof.json, public.json to {}",
        out.display()
    );
    Ok(())
}
