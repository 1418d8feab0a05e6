//! The record-membership statement.
//!
//! A registry is a Poseidon Merkle tree of records. A record has
//! [`RECORD_FIELDS`] integer fields below `2^64` and an owner commitment
//! `C = Poseidon(owner_secret)`; its leaf is `Poseidon(C, f_0, ..., f_7)`.
//!
//! The citizen proves, for public `(R, H_P, D, scope, N, ctx)`:
//!
//! 1. `C = Poseidon(owner_secret)` — I know the owner secret;
//! 2. `leaf = Poseidon(C, f_0..f_7) != 0` lies at some index of the tree
//!    with root `R` (fixed depth, boolean path bits);
//! 3. the policy whose hash is `H_P` holds for `f` (see
//!    [`crate::policy`]), and `D = Poseidon("zkgov.disclosure.v1", salt,
//!    s_0 f_0, ..., s_7 f_7)` with `s_i` the policy's disclose bits (the
//!    disclosure commitment: [`zkgov_verifier::DisclosureOpening`]);
//! 4. `N = Poseidon(scope, owner_secret)`;
//! 5. `ctx^2` is computed, so the verifier's challenge enters a constraint.
//!
//! Private: `owner_secret`, `f`, the salt, the path, the policy's slots (only its hash
//! is public; the verifier recomputes it from the policy it asked for).
//! Public inputs are allocated in the order fixed by
//! [`zkgov_verifier::RecordPublicInputs`].
//!
//! Each step is synthesised in its own namespace, named in [`STEPS`]
//! (`"1 owner commitment"` .. `"5 context"`), so a failing constraint names
//! its step.
//!
//! Shape at depth 20: see `tests::pinned_shape_at_depth_20` (constraint
//! count and a digest of the matrices); per step
//! (`tests::every_constraint_lies_in_a_numbered_step`): 213, 5,259 (leaf
//! hash 417, 20 levels of 242, checks 2), 6,408 (8 slots, their hash and
//! the disclosure commitment), 241 and 1.

use std::fmt;

use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zeroize::Zeroize;
use zkgov_verifier::{
    disclosure_commitment, CompiledPolicy, Context, DisclosureCommitment, Fr, MerkleRoot,
    Nullifier, PolicyHash, RecordPublicInputs, Scope, SlotConstraint, RECORD_FIELDS,
};

use crate::{
    merkle::{MerklePath, MerklePathVar},
    policy::{disclosure_var, PolicyVar},
    poseidon::{hash, poseidon_var},
    CircuitError,
};

/// The namespace of each numbered step above, in order: a constraint the
/// witness leaves unsatisfied is reported under one of them (with the
/// gadget's own namespace below it, e.g. `["3 policy", "lo <= x"]`).
pub const STEPS: [&str; 5] = [
    "1 owner commitment",
    "2 membership",
    "3 policy",
    "4 nullifier",
    "5 context",
];

/// Default registry depth (about a million records).
pub const DEFAULT_DEPTH: usize = 20;

/// `Poseidon(owner_secret)`.
pub fn owner_commitment(owner_secret: &Fr) -> Fr {
    hash(&[*owner_secret])
}

/// `Poseidon(scope, owner_secret)`.
pub fn nullifier(scope: &Fr, owner_secret: &Fr) -> Fr {
    hash(&[*scope, *owner_secret])
}

/// A registry record as the registry authority holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// `Poseidon(owner_secret)`.
    pub owner_commitment: Fr,
    /// Field values.
    pub fields: [u64; RECORD_FIELDS],
}

impl Record {
    /// The leaf: `Poseidon(C, f_0, ..., f_7)`.
    pub fn leaf(&self) -> Fr {
        let mut inputs = [Fr::from(0u64); RECORD_FIELDS + 1];
        inputs[0] = self.owner_commitment;
        for (i, f) in inputs[1..].iter_mut().zip(self.fields) {
            *i = Fr::from(f);
        }
        hash(&inputs)
    }
}

/// Everything the citizen knows. Zeroized on drop; `Debug` prints nothing
/// secret.
#[derive(Clone)]
pub struct RecordWitness {
    /// The owner secret.
    pub owner_secret: Fr,
    /// The record's fields.
    pub fields: [u64; RECORD_FIELDS],
    /// Path of the record's leaf.
    pub path: MerklePath,
    /// The policy asked for.
    pub policy: CompiledPolicy,
    /// Nullifier scope.
    pub scope: Fr,
    /// Verifier challenge.
    pub context: Fr,
    /// Salt of the disclosure commitment (fresh and random for each proof).
    pub salt: Fr,
}

impl Drop for RecordWitness {
    fn drop(&mut self) {
        self.owner_secret.zeroize();
        self.salt.zeroize();
        self.fields.zeroize();
        self.path.index.zeroize();
        self.path.siblings.iter_mut().for_each(Zeroize::zeroize);
    }
}

impl fmt::Debug for RecordWitness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordWitness { .. }")
    }
}

impl RecordWitness {
    /// `d[0..8]`: the fields the policy discloses, 0 elsewhere.
    pub fn disclosed(&self) -> [Fr; RECORD_FIELDS] {
        let mut d = [Fr::from(0u64); RECORD_FIELDS];
        for (i, x) in self
            .policy
            .disclosed(&self.fields)
            .into_iter()
            .enumerate()
            .take(RECORD_FIELDS)
        {
            d[i] = x;
        }
        d
    }

    /// The public inputs this witness proves, after checking natively that it
    /// satisfies the statement (so a bad witness fails here, with the failing
    /// check named, rather than as an unsatisfied constraint system).
    pub fn public_inputs(
        &self,
        expected_root: Option<&MerkleRoot>,
    ) -> Result<RecordPublicInputs, CircuitError> {
        if self.policy.slots.len() != RECORD_FIELDS {
            return Err(CircuitError::Unsatisfied(format!(
                "the policy has {} slots, records have {RECORD_FIELDS}",
                self.policy.slots.len()
            )));
        }
        let record = Record {
            owner_commitment: owner_commitment(&self.owner_secret),
            fields: self.fields,
        };
        let root = self.path.root(record.leaf());
        if let Some(r) = expected_root {
            if r.0 != root {
                return Err(CircuitError::Unsatisfied(
                    "the record is not in the registry with this root".into(),
                ));
            }
        }
        for (i, (slot, v)) in self.policy.slots.iter().zip(self.fields).enumerate() {
            if !slot.holds(v) {
                return Err(CircuitError::Unsatisfied(format!(
                    "field {i} does not satisfy the policy"
                )));
            }
        }
        Ok(RecordPublicInputs {
            root: MerkleRoot(root),
            policy_hash: PolicyHash(self.policy.hash()),
            disclosure: disclosure_commitment(&self.salt, &self.disclosed()),
            scope: Scope(self.scope),
            nullifier: Nullifier(nullifier(&self.scope, &self.owner_secret)),
            context: Context(self.context),
        })
    }
}

/// The record-membership circuit at a fixed depth.
pub struct RecordMembershipCircuit {
    depth: usize,
    witness: RecordWitness,
    public: RecordPublicInputs,
}

impl RecordMembershipCircuit {
    /// A circuit proving `witness` (checked natively first).
    pub fn new(depth: usize, witness: RecordWitness) -> Result<Self, CircuitError> {
        if witness.path.siblings.len() != depth {
            return Err(CircuitError::InvalidDepth(witness.path.siblings.len()));
        }
        let public = witness.public_inputs(None)?;
        Ok(RecordMembershipCircuit {
            depth,
            witness,
            public,
        })
    }

    /// A circuit with an arbitrary claimed instance and no native check:
    /// for setup and for tests that play a cheating prover.
    pub fn with_claimed_instance(
        depth: usize,
        witness: RecordWitness,
        public: RecordPublicInputs,
    ) -> Self {
        RecordMembershipCircuit {
            depth,
            witness,
            public,
        }
    }

    /// A circuit of the right shape with placeholder values (for setup).
    pub fn blank(depth: usize) -> Self {
        let witness = RecordWitness {
            owner_secret: Fr::from(1u64),
            fields: [0; RECORD_FIELDS],
            path: MerklePath {
                index: 0,
                siblings: vec![Fr::from(0u64); depth],
            },
            policy: CompiledPolicy {
                slots: vec![SlotConstraint::any(); RECORD_FIELDS],
            },
            scope: Fr::from(0u64),
            context: Fr::from(0u64),
            salt: Fr::from(0u64),
        };
        let zero = Fr::from(0u64);
        let public = RecordPublicInputs {
            root: MerkleRoot(zero),
            policy_hash: PolicyHash(zero),
            disclosure: DisclosureCommitment(zero),
            scope: Scope(zero),
            nullifier: Nullifier(zero),
            context: Context(zero),
        };
        Self::with_claimed_instance(depth, witness, public)
    }

    /// The public inputs this circuit claims.
    pub fn public_inputs(&self) -> &RecordPublicInputs {
        &self.public
    }
}

impl ConstraintSynthesizer<Fr> for RecordMembershipCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = &self.witness;
        // Public inputs: the statement's one layout allocates them in order
        // and hands them back by name.
        let inputs = self
            .public
            .allocate(|x| FpVar::new_input(cs.clone(), || Ok(x)))?;
        let (root, policy_hash) = (&inputs.root, &inputs.policy_hash);
        let disclosure = &inputs.disclosure;
        let (scope, nullifier, context) = (&inputs.scope, &inputs.nullifier, &inputs.context);

        // Private witnesses.
        let secret = FpVar::new_witness(cs.clone(), || Ok(w.owner_secret))?;
        let salt = FpVar::new_witness(cs.clone(), || Ok(w.salt))?;
        let fields = w
            .fields
            .iter()
            .map(|f| FpVar::new_witness(cs.clone(), || Ok(Fr::from(*f))))
            .collect::<Result<Vec<_>, _>>()?;
        let path = MerklePathVar::new_witness(cs.clone(), &w.path, self.depth)?;
        let policy = PolicyVar::new_witness(cs.clone(), &w.policy)?;
        if policy.slots.len() != RECORD_FIELDS {
            return Err(SynthesisError::Unsatisfiable);
        }

        // Each numbered step of the module docs is synthesised in its own
        // namespace (see `STEPS`); namespaces only name constraints, the
        // system is the same (its digest is pinned).
        // 1. Ownership.
        let commitment = {
            let _step = namespace!("1 owner commitment");
            poseidon_var(std::slice::from_ref(&secret))?
        };

        // 2. Membership.
        {
            let _step = namespace!("2 membership");
            let mut leaf_inputs = vec![commitment];
            leaf_inputs.extend(fields.iter().cloned());
            let leaf = poseidon_var(&leaf_inputs)?;
            let computed = path.root_var(&leaf)?;
            let _check = namespace!("root = R");
            computed.enforce_equal(root)?;
        }

        // 3. Policy and disclosure.
        {
            let _step = namespace!("3 policy");
            let hash = policy.hash()?;
            {
                let _check = namespace!("hash = H_P");
                hash.enforce_equal(policy_hash)?;
            }
            let shown = policy.enforce(&fields)?;
            let _check = namespace!("disclosure = D");
            disclosure_var(salt, shown)?.enforce_equal(disclosure)?;
        }

        // 4. Nullifier.
        {
            let _step = namespace!("4 nullifier");
            poseidon_var(&[scope.clone(), secret])?.enforce_equal(nullifier)?;
        }

        // 5. Context binding.
        let _step = namespace!("5 context");
        let _ctx_sq = context.square()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
