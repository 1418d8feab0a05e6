//! The electoral roll as the electoral commission keeps it: the voters'
//! commitments `Poseidon(secret)` (a holder file's commitment), in order.
//! Only its root and size go on the ledger; the commission hands the list
//! to voters so that each can find their own path.

use serde::{Deserialize, Serialize};
use zkgov_circuits::merkle::{MerklePath, MerkleTree};
use zkgov_verifier::{Fr, MerkleRoot};

use crate::{holder::HolderSecret, ProverError};

/// Most voters a roll file may list (a depth-20 tree holds 2^20).
pub const MAX_ROLL: usize = 1 << 20;

/// The roll and its tree.
pub struct ElectoralRoll {
    tree: MerkleTree,
    commitments: Vec<Fr>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RollFile {
    format: String,
    version: u64,
    depth: usize,
    #[serde(with = "zkgov_verifier::encoding::decimals")]
    commitments: Vec<Fr>,
}

const FORMAT: &str = "zkgov-electoral-roll";

impl ElectoralRoll {
    /// A roll of `commitments` (distinct, non-zero) at `depth`.
    pub fn new(depth: usize, commitments: Vec<Fr>) -> Result<Self, ProverError> {
        if commitments.len() > MAX_ROLL {
            return Err(ProverError::malformed("roll", "more than 2^20 voters"));
        }
        let zero = Fr::from(0u64);
        let mut sorted = commitments.clone();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) || sorted.first() == Some(&zero) {
            return Err(ProverError::malformed(
                "roll",
                "commitments must be distinct and non-zero",
            ));
        }
        let tree = MerkleTree::from_leaves(depth, &commitments)?;
        Ok(ElectoralRoll { tree, commitments })
    }

    /// The root published on the ledger.
    pub fn root(&self) -> MerkleRoot {
        MerkleRoot(self.tree.root())
    }

    /// Number of voters.
    pub fn len(&self) -> u64 {
        self.commitments.len() as u64
    }

    /// Whether the roll is empty.
    pub fn is_empty(&self) -> bool {
        self.commitments.is_empty()
    }

    /// The depth.
    pub fn depth(&self) -> usize {
        self.tree.depth()
    }

    /// The path of `voter`'s commitment.
    pub fn path_of(&self, voter: &HolderSecret) -> Result<MerklePath, ProverError> {
        let c = voter.commitment();
        let i = self
            .commitments
            .iter()
            .position(|x| *x == c)
            .ok_or(ProverError::NotOnRoll)?;
        Ok(self.tree.path(i as u64)?)
    }

    /// The roll file (`zkgov-electoral-roll` v1).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&RollFile {
            format: FORMAT.into(),
            version: 1,
            depth: self.depth(),
            commitments: self.commitments.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads a roll file.
    pub fn from_json(text: &str) -> Result<Self, ProverError> {
        let f: RollFile = serde_json::from_str(text)
            .map_err(|e| ProverError::malformed("roll", e.to_string()))?;
        if f.format != FORMAT || f.version != 1 {
            return Err(ProverError::malformed(
                "roll",
                format!("expected {FORMAT} version 1"),
            ));
        }
        Self::new(f.depth, f.commitments)
    }
}
