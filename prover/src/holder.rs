//! The holder's secret file: only the citizen keeps it.
//!
//! ```json
//! {"format": "zkgov-holder-secret", "version": 1, "owner_secret": "<decimal>"}
//! ```
//!
//! Written with mode 0600 on Unix; the secret is zeroized on drop and never
//! printed (`Debug` shows nothing).

use std::{fmt, path::Path};

use ark_ff::UniformRand;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};
use zkgov_circuits::record::owner_commitment;
use zkgov_params::private_file::{read_secret_json, write_secret_json};
use zkgov_verifier::{parse_decimal, to_decimal, Fr};

use crate::ProverError;

const FORMAT: &str = "zkgov-holder-secret";

/// A holder's owner secret.
pub struct HolderSecret(Fr);

impl Drop for HolderSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for HolderSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HolderSecret(..)")
    }
}

#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
struct HolderJson {
    format: String,
    version: u64,
    owner_secret: String,
}

impl HolderSecret {
    /// A fresh secret from `rng` (the OS RNG outside tests).
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        HolderSecret(Fr::rand(rng))
    }

    /// Wraps a known secret.
    pub fn from_fr(secret: Fr) -> Self {
        HolderSecret(secret)
    }

    /// The secret (keep it out of logs).
    pub fn expose(&self) -> &Fr {
        &self.0
    }

    /// `Poseidon(owner_secret)`, what the registry records.
    pub fn commitment(&self) -> Fr {
        owner_commitment(&self.0)
    }

    /// Reads a holder file.
    pub fn read(path: &Path) -> Result<Self, ProverError> {
        let j: HolderJson = read_secret_json(path, FORMAT)?;
        // The error names no value.
        let s = parse_decimal(&j.owner_secret, "owner_secret").map_err(|_| {
            ProverError::malformed(
                "holder file",
                "owner_secret is not a canonical field element",
            )
        })?;
        Ok(HolderSecret(s))
    }

    /// Reads a holder file's text (as a request to the prover service
    /// carries it). The error names neither a value nor the parser's
    /// message, which could quote one.
    pub fn from_json(text: &str) -> Result<Self, ProverError> {
        let bad =
            || ProverError::malformed("holder", "not a zkgov-holder-secret version 1 document");
        let j: HolderJson = serde_json::from_str(text).map_err(|_| bad())?;
        if j.format != FORMAT || j.version != 1 {
            return Err(bad());
        }
        let s = parse_decimal(&j.owner_secret, "owner_secret").map_err(|_| {
            ProverError::malformed("holder", "owner_secret is not a canonical field element")
        })?;
        Ok(HolderSecret(s))
    }

    /// Writes a holder file (mode 0600 on Unix); refuses to overwrite.
    pub fn write(&self, path: &Path) -> Result<(), ProverError> {
        write_secret_json(
            path,
            &HolderJson {
                format: FORMAT.into(),
                version: 1,
                owner_secret: to_decimal(&self.0),
            },
        )
        .map_err(ProverError::io(path))
    }
}
