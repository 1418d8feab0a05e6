//! The identity-credential statement.
//!
//! The citizen proves, for public
//! `(R_I, issuer, schema, H_P, today, D, scope, N, ctx)`:
//!
//! 1. `C = Poseidon(secret)` — I know the secret behind the holder
//!    commitment;
//! 2. `cred = Poseidon("zkgov.credential.v1", schema, C, issued, expires,
//!    nonce, a_0..a_7)` — the credential is of this schema and bound to `C`;
//! 3. `(R8, S)` is an EdDSA-Poseidon signature on `cred` by key `A`
//!    ([`crate::eddsa::verify_var`]: `S < l`, `A` and `R8` in the prime-order
//!    subgroup, `A` not the identity);
//! 4. `issuer · (issuer - A.x) = 0` — when the policy names an issuer (by
//!    its id `A.x`, which fixes a prime-order point), it is this one;
//!    `issuer = 0` lets any accredited issuer sign and keeps it hidden;
//! 5. `Poseidon(A.x, A.y, rev_root)` (non-zero) is a leaf of the
//!    accredited-issuer tree with root `R_I` ([`ISSUER_TREE_DEPTH`] index
//!    bits, quaternary, boolean bits);
//! 6. the issuer's revocation tree with root `rev_root` holds the empty leaf
//!    0 at index `nonce`: the path of the empty leaf hashes to `rev_root`
//!    and its bits spell `nonce` ([`REVOCATION_DEPTH`] bits, so also
//!    `nonce < 2^20`);
//! 7. `today, issued, expires < 2^32` (every compared value is range-checked)
//!    and `issued <= today <= expires`;
//! 8. the policy whose hash is `H_P` holds for `a` ([`crate::policy`];
//!    every `a_i` lands in `[lo_i, hi_i] ⊂ [0, 2^64)`) and
//!    `D = Poseidon("zkgov.disclosure.v1", salt, s_0 a_0, ..., s_7 a_7)`
//!    with `s_i` the policy's disclose bits (the disclosure commitment:
//!    [`zkgov_verifier::DisclosureOpening`]);
//! 9. `N = Poseidon(scope, secret)`;
//! 10. `ctx²` is computed, so the challenge enters a constraint.
//!
//! Private: the secret, the salt, the credential's integers, `A`, `R8`, `S`,
//! `rev_root`, both paths and the policy's slots. Public inputs are allocated
//! in the order of [`IdentityPublicInputs`].
//!
//! Each step is synthesised in its own namespace, named in [`STEPS`]
//! (`"1 holder commitment"` .. `"10 context"`), so a failing constraint
//! names its step.
//!
//! # Shape
//!
//! 16,799 constraints (`tests::pinned_shape`). With the 10 instance
//! variables the Groth16 evaluation domain is 2^15: the disclosure
//! commitment (a 10-input Poseidon, 449 constraints more than the eight
//! public equalities it replaced) took the statement past 2^14, which
//! doubles the prover's FFTs and its H-query multi-exponentiation. Per step
//! (`tests::every_constraint_lies_in_a_numbered_step`): holder commitment
//! 213, credential hash 534, EdDSA 4,687, issuer 1, accreditation 1,487
//! (leaf 261, issuer path 1,224, checks 2), revocation 3,062 (path 3,060,
//! checks 2), dates 165, policy 6,408 (8 slots, their hash and the
//! disclosure commitment), nullifier 241, context 1.

use std::fmt;

use ark_ff::{BigInteger, PrimeField};

use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zeroize::Zeroize;
use zkgov_verifier::{
    babyjub, babyjub::Point, babyjub::PublicKey, babyjub::Signature, babyjub::SubgroupScalar,
    disclosure_commitment, fr_to_u64, identity::credential_hash, identity::issuer_leaf,
    identity::CompiledIdentityPolicy, identity::CredentialBody, identity::Date,
    identity::ATTRIBUTE_SLOTS, identity::ISSUER_TREE_DEPTH, identity::REVOCATION_DEPTH,
    CompiledPolicy, Context, DisclosureCommitment, Fr, IdentityPublicInputs, Label, MerkleRoot,
    Nullifier, PolicyHash, Scope, SlotConstraint,
};

use crate::{
    cmp,
    eddsa::{verify_var, PointVar},
    poseidon::poseidon_var,
    record::{nullifier, owner_commitment},
    smt::{QuadPath, QuadPathVar, SparseMerkleTree},
    CircuitError,
};

/// The namespace of each numbered step above, in order: a constraint the
/// witness leaves unsatisfied is reported under one of them (with the
/// check's or gadget's own namespace below it, e.g.
/// `["7 dates", "today <= expires"]`).
pub const STEPS: [&str; 10] = [
    "1 holder commitment",
    "2 credential",
    "3 signature",
    "4 issuer",
    "5 accreditation",
    "6 not revoked",
    "7 dates",
    "8 policy",
    "9 nullifier",
    "10 context",
];

/// Bits of an encoded date.
pub const DATE_BITS: usize = 32;

/// Leaf value of a revoked credential in a revocation tree.
pub fn revoked_leaf() -> Fr {
    Fr::from(1u64)
}

/// An issuer's revocation tree.
#[derive(Clone, Debug)]
pub struct RevocationTree(SparseMerkleTree);

impl RevocationTree {
    /// An empty tree.
    pub fn new() -> Self {
        // REVOCATION_DEPTH is a valid depth.
        RevocationTree(SparseMerkleTree::new(REVOCATION_LEVELS).unwrap_or_else(|_| unreachable!()))
    }

    /// A tree with `nonces` revoked.
    pub fn from_revoked(nonces: &[u64]) -> Result<Self, CircuitError> {
        let leaves: Vec<(u64, Fr)> = nonces.iter().map(|n| (*n, revoked_leaf())).collect();
        Ok(RevocationTree(SparseMerkleTree::from_leaves(
            REVOCATION_LEVELS,
            &leaves,
        )?))
    }

    /// Revokes `nonce` (idempotent).
    pub fn revoke(&mut self, nonce: u64) -> Result<(), CircuitError> {
        self.0.set(nonce, revoked_leaf())
    }

    /// Whether `nonce` is revoked.
    pub fn is_revoked(&self, nonce: u64) -> Result<bool, CircuitError> {
        Ok(self.0.get(nonce)? != Fr::from(0u64))
    }

    /// The root.
    pub fn root(&self) -> Fr {
        self.0.root()
    }

    /// Number of revoked credentials.
    pub fn len(&self) -> u64 {
        self.0.len()
    }

    /// Whether nothing is revoked.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The path proving `nonce` is not revoked.
    pub fn non_revocation_path(&self, nonce: u64) -> Result<QuadPath, CircuitError> {
        if self.is_revoked(nonce)? {
            return Err(CircuitError::Unsatisfied(
                "the credential is revoked".into(),
            ));
        }
        self.0.path(nonce)
    }
}

impl Default for RevocationTree {
    fn default() -> Self {
        Self::new()
    }
}

/// An accredited issuer: key and current revocation root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccreditedIssuer {
    /// The issuer's key.
    pub key: PublicKey,
    /// Root of its revocation tree.
    pub revocation_root: Fr,
}

impl AccreditedIssuer {
    /// Its leaf in the accredited-issuer tree.
    pub fn leaf(&self) -> Fr {
        issuer_leaf(&self.key, &self.revocation_root)
    }
}

/// Quaternary levels of a revocation tree.
pub const REVOCATION_LEVELS: usize = REVOCATION_DEPTH / 2;
/// Quaternary levels of the accredited-issuer tree.
pub const ISSUER_LEVELS: usize = ISSUER_TREE_DEPTH / 2;

/// The accredited-issuer tree, issuer `i` at leaf `i`.
pub fn issuer_tree(issuers: &[AccreditedIssuer]) -> Result<SparseMerkleTree, CircuitError> {
    let leaves: Vec<(u64, Fr)> = issuers
        .iter()
        .enumerate()
        .map(|(i, a)| (i as u64, a.leaf()))
        .collect();
    SparseMerkleTree::from_leaves(ISSUER_LEVELS, &leaves)
}

/// Everything the citizen uses. Zeroized on drop; `Debug` prints nothing.
#[derive(Clone)]
pub struct IdentityWitness {
    /// The holder secret.
    pub holder_secret: Fr,
    /// The credential's signed integers, except the attributes.
    pub body: CredentialBody,
    /// The attributes as signed: `body.attributes` as field elements for a
    /// real credential ([`IdentityWitness::attributes_of`]); tests of the
    /// range checks put other field elements here.
    pub attributes: [Fr; ATTRIBUTE_SLOTS],
    /// The issuer key.
    pub issuer: Point,
    /// Signature point `R8`.
    pub r8: Point,
    /// Signature scalar `S` as a base-field element (so that tests can
    /// present a non-canonical `S + l`).
    pub s: Fr,
    /// The issuer's revocation root.
    pub revocation_root: Fr,
    /// Path of the empty leaf at `body.revocation_nonce`.
    pub revocation_path: QuadPath,
    /// Path of the issuer's leaf in the accredited-issuer tree.
    pub issuer_path: QuadPath,
    /// The policy asked for (with schema, issuer and date).
    pub policy: CompiledIdentityPolicy,
    /// Nullifier scope.
    pub scope: Fr,
    /// Salt of the disclosure commitment (fresh and random for each proof).
    pub salt: Fr,
    /// Verifier challenge.
    pub context: Fr,
}

impl Drop for IdentityWitness {
    fn drop(&mut self) {
        self.holder_secret.zeroize();
        self.salt.zeroize();
        self.body.attributes.zeroize();
        self.attributes.iter_mut().for_each(Zeroize::zeroize);
        self.body.revocation_nonce.zeroize();
        self.body.holder_commitment.zeroize();
        self.s.zeroize();
        self.revocation_path.index.zeroize();
        self.issuer_path.index.zeroize();
    }
}

impl fmt::Debug for IdentityWitness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdentityWitness { .. }")
    }
}

/// `S` as a base-field element.
pub fn s_to_field(s: &SubgroupScalar) -> Fr {
    Fr::from_le_bytes_mod_order(&s.into_bigint().to_bytes_le()) // ok: l < r, no reduction
}

fn unsat(msg: &str) -> CircuitError {
    CircuitError::Unsatisfied(msg.into())
}

impl IdentityWitness {
    /// `d[0..8]`: the attributes the policy discloses, 0 elsewhere (an
    /// attribute that is not a 64-bit integer counts as 0 here; the native
    /// check refuses it).
    pub fn disclosed(&self) -> [Fr; ATTRIBUTE_SLOTS] {
        let mut d = [Fr::from(0u64); ATTRIBUTE_SLOTS];
        for (i, (slot, a)) in self
            .policy
            .policy
            .slots
            .iter()
            .zip(&self.attributes)
            .enumerate()
        {
            if slot.disclose {
                d[i] = *a;
            }
        }
        d
    }

    /// The attribute field elements of a credential body.
    pub fn attributes_of(body: &CredentialBody) -> [Fr; ATTRIBUTE_SLOTS] {
        body.attributes.map(Fr::from)
    }

    fn credential_hash(&self) -> Fr {
        let b = &self.body;
        credential_hash(
            &b.schema_hash,
            &b.holder_commitment,
            &Fr::from(b.issued.encode()),
            &Fr::from(b.expires.encode()),
            &Fr::from(b.revocation_nonce),
            &self.attributes,
        )
    }

    /// The public inputs this witness proves, after checking natively that it
    /// satisfies every part of the statement (a bad witness fails here with
    /// the failing check named, never a value).
    pub fn public_inputs(
        &self,
        expected_root: Option<&MerkleRoot>,
    ) -> Result<IdentityPublicInputs, CircuitError> {
        let b = &self.body;
        let p = &self.policy;
        if p.policy.slots.len() != ATTRIBUTE_SLOTS {
            return Err(unsat("the policy does not have one slot per attribute"));
        }
        if b.holder_commitment != owner_commitment(&self.holder_secret) {
            return Err(unsat("the credential is bound to another holder secret"));
        }
        if b.schema_hash != p.schema_hash {
            return Err(unsat(
                "the credential is of another schema than the policy's",
            ));
        }
        // Signature (canonical S; points validated by verify).
        let s = SubgroupScalar::from_bigint(self.s.into_bigint())
            .ok_or_else(|| unsat("the signature scalar is not below the subgroup order"))?;
        let key = PublicKey(self.issuer);
        babyjub::verify(&key, &self.credential_hash(), &Signature { r8: self.r8, s })
            .map_err(|_| unsat("the issuer's signature does not verify"))?;
        if p.issuer != Fr::from(0u64) && p.issuer != key.id() {
            return Err(unsat("the policy requires another issuer"));
        }
        // Revocation and accreditation.
        if self.revocation_path.index != b.revocation_nonce
            || self.revocation_path.siblings.len() != REVOCATION_LEVELS
            || self.revocation_path.root(Fr::from(0u64)) != self.revocation_root
        {
            return Err(unsat(
                "the credential is revoked, or the revocation path is not its",
            ));
        }
        if self.issuer_path.siblings.len() != ISSUER_LEVELS {
            return Err(CircuitError::InvalidDepth(self.issuer_path.siblings.len()));
        }
        let root = self
            .issuer_path
            .root(issuer_leaf(&key, &self.revocation_root));
        if let Some(r) = expected_root {
            if r.0 != root {
                return Err(unsat(
                    "the issuer (with this revocation root) is not accredited under this root",
                ));
            }
        }
        // Dates.
        if !(b.issued <= p.today && p.today <= b.expires) {
            return Err(unsat(
                "the credential is expired or not yet valid on the verifier's date",
            ));
        }
        for (i, (slot, a)) in p.policy.slots.iter().zip(&self.attributes).enumerate() {
            fr_to_u64(a).filter(|v| slot.holds(*v)).ok_or_else(|| {
                CircuitError::Unsatisfied(format!("attribute {i} does not satisfy the policy"))
            })?;
        }
        let disclosed = self.disclosed();
        Ok(IdentityPublicInputs {
            issuers_root: MerkleRoot(root),
            issuer: p.issuer,
            schema: p.schema_hash,
            policy_hash: PolicyHash(p.policy.hash()),
            today: Fr::from(p.today.encode()),
            disclosure: disclosure_commitment(&self.salt, &disclosed),
            scope: Scope(self.scope),
            nullifier: Nullifier(nullifier(&self.scope, &self.holder_secret)),
            context: Context(self.context),
        })
    }
}

/// The identity circuit.
pub struct IdentityCircuit {
    witness: IdentityWitness,
    public: IdentityPublicInputs,
}

impl IdentityCircuit {
    /// A circuit proving `witness` (checked natively first).
    pub fn new(witness: IdentityWitness) -> Result<Self, CircuitError> {
        let public = witness.public_inputs(None)?;
        Ok(IdentityCircuit { witness, public })
    }

    /// A circuit with an arbitrary claimed instance and no native check:
    /// for setup and for tests that play a cheating prover.
    pub fn with_claimed_instance(witness: IdentityWitness, public: IdentityPublicInputs) -> Self {
        IdentityCircuit { witness, public }
    }

    /// A circuit of the right shape with placeholder values (for setup).
    pub fn blank() -> Self {
        let zero = Fr::from(0u64);
        let witness = IdentityWitness {
            holder_secret: Fr::from(1u64),
            body: CredentialBody {
                schema_hash: zero,
                holder_commitment: zero,
                issued: Date(0),
                expires: Date(0),
                revocation_nonce: 0,
                attributes: [0; ATTRIBUTE_SLOTS],
            },
            attributes: [zero; ATTRIBUTE_SLOTS],
            issuer: babyjub::BASE8,
            r8: babyjub::BASE8,
            s: zero,
            revocation_root: zero,
            revocation_path: QuadPath {
                index: 0,
                siblings: vec![[zero; 3]; REVOCATION_LEVELS],
            },
            issuer_path: QuadPath {
                index: 0,
                siblings: vec![[zero; 3]; ISSUER_LEVELS],
            },
            policy: CompiledIdentityPolicy {
                schema_hash: zero,
                issuer: zero,
                today: Date(0),
                policy: CompiledPolicy {
                    slots: vec![SlotConstraint::any(); ATTRIBUTE_SLOTS],
                },
            },
            scope: zero,
            salt: zero,
            context: zero,
        };
        let public = IdentityPublicInputs {
            issuers_root: MerkleRoot(zero),
            issuer: zero,
            schema: zero,
            policy_hash: PolicyHash(zero),
            today: zero,
            disclosure: DisclosureCommitment(zero),
            scope: Scope(zero),
            nullifier: Nullifier(zero),
            context: Context(zero),
        };
        Self::with_claimed_instance(witness, public)
    }

    /// The public inputs this circuit claims.
    pub fn public_inputs(&self) -> &IdentityPublicInputs {
        &self.public
    }
}

impl ConstraintSynthesizer<Fr> for IdentityCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = &self.witness;
        let b = &w.body;
        // Public inputs: the statement's one layout allocates them in order
        // and hands them back by name.
        let inputs = self
            .public
            .allocate(|x| FpVar::new_input(cs.clone(), || Ok(x)))?;
        let (issuers_root, issuer, schema, policy_hash, today) = (
            &inputs.issuers_root,
            &inputs.issuer,
            &inputs.schema,
            &inputs.policy_hash,
            &inputs.today,
        );
        let disclosure = &inputs.disclosure;
        let (scope, nullifier_in, context) = (&inputs.scope, &inputs.nullifier, &inputs.context);

        let wit = |x: Fr| FpVar::new_witness(cs.clone(), || Ok(x));
        let secret = wit(w.holder_secret)?;
        let salt = wit(w.salt)?;
        let issued = wit(Fr::from(b.issued.encode()))?;
        let expires = wit(Fr::from(b.expires.encode()))?;
        let nonce = wit(Fr::from(b.revocation_nonce))?;
        let attrs = w
            .attributes
            .iter()
            .map(|a| wit(*a))
            .collect::<Result<Vec<_>, _>>()?;
        let a = PointVar::new_witness(cs.clone(), || Ok(w.issuer))?;
        let r8 = PointVar::new_witness(cs.clone(), || Ok(w.r8))?;
        let s = wit(w.s)?;
        let rev_root = wit(w.revocation_root)?;
        let rev_path = QuadPathVar::new_witness(cs.clone(), &w.revocation_path, REVOCATION_LEVELS)?;
        let issuer_path = QuadPathVar::new_witness(cs.clone(), &w.issuer_path, ISSUER_LEVELS)?;
        let policy = crate::policy::PolicyVar::new_witness(cs.clone(), &w.policy.policy)?;
        if policy.slots.len() != ATTRIBUTE_SLOTS {
            return Err(SynthesisError::Unsatisfiable);
        }

        // Each numbered step of the module docs is synthesised in its own
        // namespace (see `STEPS`); namespaces only name constraints, the
        // system is the same (its digest is pinned).
        // 1. Holder.
        let commitment = {
            let _step = namespace!("1 holder commitment");
            poseidon_var(std::slice::from_ref(&secret))?
        };

        // 2. Credential.
        let cred = {
            let _step = namespace!("2 credential");
            let mut cred_inputs = vec![
                FpVar::constant(Label::CredentialV1.to_field()),
                schema.clone(),
                commitment,
                issued.clone(),
                expires.clone(),
                nonce.clone(),
            ];
            cred_inputs.extend(attrs.iter().cloned());
            poseidon_var(&cred_inputs)?
        };

        // 3. Signature.
        {
            let _step = namespace!("3 signature");
            verify_var(&a, &cred, &r8, &s)?;
        }

        // 4. Issuer named by the policy.
        {
            let _step = namespace!("4 issuer");
            issuer.mul_equals(&(issuer - &a.x), &FpVar::zero())?;
        }

        // 5. Accreditation.
        {
            let _step = namespace!("5 accreditation");
            let leaf = poseidon_var(&[a.x.clone(), a.y.clone(), rev_root.clone()])?;
            {
                let _check = namespace!("leaf != 0");
                leaf.enforce_not_equal(&FpVar::zero())?;
            }
            let computed = issuer_path.root_var(&leaf)?;
            let _check = namespace!("root = R_I");
            computed.enforce_equal(issuers_root)?;
        }

        // 6. Not revoked.
        {
            let _step = namespace!("6 not revoked");
            let computed = rev_path.root_var(&FpVar::zero())?;
            {
                let _check = namespace!("root = rev_root");
                computed.enforce_equal(&rev_root)?;
            }
            let _check = namespace!("index = nonce");
            rev_path.index_var().enforce_equal(&nonce)?;
        }

        // 7. Dates.
        {
            let _step = namespace!("7 dates");
            {
                let _check = namespace!("dates < 2^32");
                cmp::range_check(today, DATE_BITS)?;
                cmp::range_check(&issued, DATE_BITS)?;
                cmp::range_check(&expires, DATE_BITS)?;
            }
            {
                let _check = namespace!("issued <= today");
                cmp::enforce_le(&issued, today, DATE_BITS)?;
            }
            let _check = namespace!("today <= expires");
            cmp::enforce_le(today, &expires, DATE_BITS)?;
        }

        // 8. Policy and disclosure.
        {
            let _step = namespace!("8 policy");
            let hash = policy.hash()?;
            {
                let _check = namespace!("hash = H_P");
                hash.enforce_equal(policy_hash)?;
            }
            let shown = policy.enforce(&attrs)?;
            let _check = namespace!("disclosure = D");
            crate::policy::disclosure_var(salt, shown)?.enforce_equal(disclosure)?;
        }

        // 9. Nullifier.
        {
            let _step = namespace!("9 nullifier");
            poseidon_var(&[scope.clone(), secret])?.enforce_equal(nullifier_in)?;
        }

        // 10. Context binding.
        let _step = namespace!("10 context");
        let _ctx_sq = context.square()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
