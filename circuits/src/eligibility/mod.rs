//! The ballot-eligibility statement (Groth16 part of a ballot).
//!
//! The electoral roll is a Poseidon Merkle tree whose leaves are voters'
//! commitments `C = Poseidon(secret)`. The voter proves, for public
//! `(R, E, N, h)`:
//!
//! 1. `C = Poseidon(secret)` — I know the secret behind a commitment;
//! 2. `C != 0` lies at some index of the roll with root `R` (fixed depth,
//!    boolean path bits);
//! 3. `N = Poseidon("zkgov.ballot-nullifier.v1", secret, E)` — my one
//!    nullifier for election `E`;
//! 4. `h^2` is computed, so the ballot hash `h` enters a constraint: the
//!    proof is valid only beside the ballot whose hash is `h`
//!    ([`zkgov_verifier::election::ballot::ballot_hash`]).
//!
//! Private: the secret and the path. Public inputs are allocated in the
//! order fixed by [`zkgov_verifier::EligibilityPublicInputs`]; each step
//! is synthesised in its own namespace, named in [`STEPS`].
//!
//! Shape at depth 20: see `tests::pinned_shape_at_depth_20`.

use std::fmt;

use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zeroize::Zeroize;
use zkgov_verifier::{EligibilityPublicInputs, Fr, Label, MerkleRoot, Nullifier};

use crate::{
    merkle::{MerklePath, MerklePathVar},
    poseidon::{hash, poseidon_var},
    CircuitError,
};

/// The namespace of each numbered step above, in order.
pub const STEPS: [&str; 4] = [
    "1 voter commitment",
    "2 roll membership",
    "3 nullifier",
    "4 ballot hash",
];

/// Default roll depth (about a million voters).
pub const DEFAULT_DEPTH: usize = 20;

/// A voter's roll leaf: `Poseidon(secret)`.
pub fn voter_commitment(secret: &Fr) -> Fr {
    hash(&[*secret])
}

/// `Poseidon("zkgov.ballot-nullifier.v1", secret, E)`.
pub fn ballot_nullifier(secret: &Fr, election: &Fr) -> Fr {
    hash(&[Label::BallotNullifierV1.to_field(), *secret, *election])
}

/// What the voter knows. Zeroized on drop; `Debug` prints nothing secret.
#[derive(Clone)]
pub struct EligibilityWitness {
    /// The voter's secret.
    pub secret: Fr,
    /// Path of the voter's commitment in the roll.
    pub path: MerklePath,
    /// The election id as a field element.
    pub election: Fr,
    /// The hash of the ballot this proof goes with.
    pub ballot_hash: Fr,
}

impl Drop for EligibilityWitness {
    fn drop(&mut self) {
        self.secret.zeroize();
        self.path.index.zeroize();
        self.path.siblings.iter_mut().for_each(Zeroize::zeroize);
    }
}

impl fmt::Debug for EligibilityWitness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EligibilityWitness { .. }")
    }
}

impl EligibilityWitness {
    /// The public inputs this witness proves, checked natively first.
    pub fn public_inputs(
        &self,
        expected_root: Option<&MerkleRoot>,
    ) -> Result<EligibilityPublicInputs, CircuitError> {
        let root = self.path.root(voter_commitment(&self.secret));
        if let Some(r) = expected_root {
            if r.0 != root {
                return Err(CircuitError::Unsatisfied(
                    "the voter is not on the roll with this root".into(),
                ));
            }
        }
        Ok(EligibilityPublicInputs {
            roll_root: MerkleRoot(root),
            election: self.election,
            nullifier: Nullifier(ballot_nullifier(&self.secret, &self.election)),
            ballot_hash: self.ballot_hash,
        })
    }
}

/// The eligibility circuit at a fixed depth.
pub struct EligibilityCircuit {
    depth: usize,
    witness: EligibilityWitness,
    public: EligibilityPublicInputs,
}

impl EligibilityCircuit {
    /// A circuit proving `witness` (checked natively first).
    pub fn new(depth: usize, witness: EligibilityWitness) -> Result<Self, CircuitError> {
        if witness.path.siblings.len() != depth {
            return Err(CircuitError::InvalidDepth(witness.path.siblings.len()));
        }
        let public = witness.public_inputs(None)?;
        Ok(EligibilityCircuit {
            depth,
            witness,
            public,
        })
    }

    /// A circuit with an arbitrary claimed instance and no native check:
    /// for setup and for tests that play a cheating prover.
    pub fn with_claimed_instance(
        depth: usize,
        witness: EligibilityWitness,
        public: EligibilityPublicInputs,
    ) -> Self {
        EligibilityCircuit {
            depth,
            witness,
            public,
        }
    }

    /// A circuit of the right shape with placeholder values (for setup).
    pub fn blank(depth: usize) -> Self {
        let zero = Fr::from(0u64);
        let witness = EligibilityWitness {
            secret: Fr::from(1u64),
            path: MerklePath {
                index: 0,
                siblings: vec![zero; depth],
            },
            election: zero,
            ballot_hash: zero,
        };
        let public = EligibilityPublicInputs {
            roll_root: MerkleRoot(zero),
            election: zero,
            nullifier: Nullifier(zero),
            ballot_hash: zero,
        };
        Self::with_claimed_instance(depth, witness, public)
    }

    /// The public inputs this circuit claims.
    pub fn public_inputs(&self) -> &EligibilityPublicInputs {
        &self.public
    }
}

impl ConstraintSynthesizer<Fr> for EligibilityCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = &self.witness;
        let inputs = self
            .public
            .allocate(|x| FpVar::new_input(cs.clone(), || Ok(x)))?;
        let secret = FpVar::new_witness(cs.clone(), || Ok(w.secret))?;
        let path = MerklePathVar::new_witness(cs.clone(), &w.path, self.depth)?;

        // 1. The voter's commitment.
        let commitment = {
            let _step = namespace!("1 voter commitment");
            poseidon_var(std::slice::from_ref(&secret))?
        };

        // 2. On the roll.
        {
            let _step = namespace!("2 roll membership");
            let computed = path.root_var(&commitment)?;
            let _check = namespace!("root = R");
            computed.enforce_equal(&inputs.roll_root)?;
        }

        // 3. The election's nullifier.
        {
            let _step = namespace!("3 nullifier");
            let tag = FpVar::constant(Label::BallotNullifierV1.to_field());
            poseidon_var(&[tag, secret, inputs.election.clone()])?
                .enforce_equal(&inputs.nullifier)?;
        }

        // 4. Bound to the ballot.
        let _step = namespace!("4 ballot hash");
        let _sq = inputs.ballot_hash.square()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
