//! `zkgov prove zkey`: rapidsnark's `prover` command (same arguments, same
//! snarkjs `proof.json` / `public.json` outputs) on zkgov's proving core.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_groth16::{read_wtns, CircomProver, Zkey};
use zkgov_prover::ProverError;
use zkgov_verifier::snarkjs;

use super::shared::write;
use crate::exit::CliError;

/// `zkgov prove zkey CIRCUIT.zkey WITNESS.wtns PROOF.json PUBLIC.json`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// snarkjs Groth16 proving key (bn128).
    zkey: PathBuf,
    /// circom witness (`snarkjs wtns calculate` or the circuit's witness generator).
    wtns: PathBuf,
    /// Proof to write (snarkjs `proof.json`).
    proof: PathBuf,
    /// Public signals to write (snarkjs `public.json`).
    public: PathBuf,
}

fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| ProverError::io(path)(e).into())
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    // Read one section at a time: the file is never in memory whole.
    let file = std::fs::File::open(&a.zkey).map_err(ProverError::io(&a.zkey))?;
    let zkey = Zkey::from_reader(file).map_err(ProverError::from)?;
    let witness = read_wtns(&read_bytes(&a.wtns)?).map_err(ProverError::from)?;
    let prover = CircomProver::new(zkey).map_err(ProverError::from)?;
    let proof = prover
        .prove(&witness, &mut OsRng)
        .map_err(ProverError::from)?;
    let public = prover.public_signals(&witness).map_err(ProverError::from)?;
    write(&a.proof, &snarkjs::write_proof(&proof))?;
    write(&a.public, &snarkjs::write_public(public))?;
    Ok(())
}
