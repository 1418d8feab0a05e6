//! Proving: a proving key prepared with its constraint matrices, and
//! record-membership proving.
//!
//! `ark-groth16`'s `prove` synthesises the circuit, then inlines every
//! symbolic linear combination to build the constraint matrices: about a
//! third of the proving time for the identity statement (the Poseidon
//! gadget's partial rounds leave long linear combinations). The matrices
//! depend only on the circuit's shape, so [`PreparedProver`] builds them
//! once, from the blank circuit the key was made from, and each proof only
//! synthesises the witness (no matrices); the QAP reduction and the
//! multi-exponentiations run on `zkgov_groth16::MatrixProver`, whose proofs
//! are those of `ark-groth16`'s `create_proof_with_reduction_and_matrices`
//! for the same `r`, `s` (tested there). Every
//! proof is still verified before it is handed out, so a key and matrices
//! that did not match would be caught.

use ark_bn254::Bn254;
use ark_ff::UniformRand;
use ark_groth16::ProvingKey;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisError, SynthesisMode,
    R1CS_PREDICATE_LABEL,
};
use rand::{CryptoRng, RngCore};
use zkgov_circuits::record::{RecordMembershipCircuit, RecordWitness};
use zkgov_groth16::MatrixProver;
use zkgov_verifier::{
    Bundle, CompiledPolicy, Context, DisclosureOpening, Fr, MerkleRoot, Proof, Scope, StatementId,
    ValidatedVerifyingKey,
};

use crate::{holder::HolderSecret, registry::Registry, ProverError};

/// A proving key with the constraint matrices of its circuit.
pub struct PreparedProver {
    core: MatrixProver,
    num_inputs: usize,
}

impl PreparedProver {
    /// Prepares `pk` for `statement` at `depth` (the circuit it was made
    /// from: see `zkgov_params::blank_circuit`).
    pub fn new(
        pk: ProvingKey<Bn254>,
        statement: StatementId,
        depth: usize,
    ) -> Result<Self, ProverError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        zkgov_params::blank_circuit(statement, depth)
            .generate_constraints(cs.clone())
            .map_err(|e| ProverError::Proving(e.to_string()))?;
        cs.finalize();
        let matrices = cs
            .to_matrices()
            .map_err(|e| ProverError::Proving(e.to_string()))?
            .remove(R1CS_PREDICATE_LABEL)
            .ok_or_else(|| ProverError::Proving("no R1CS matrices".into()))?;
        let num_inputs = cs.num_instance_variables();
        if pk.a_query.len() != num_inputs + cs.num_witness_variables() {
            return Err(ProverError::Proving(format!(
                "the proving key is for another circuit than {statement} at depth {depth}"
            )));
        }
        let core = MatrixProver::new(pk, &matrices, num_inputs, cs.num_constraints())?;
        Ok(PreparedProver { core, num_inputs })
    }

    /// Precomputes window tables for the key's bases within `budget`
    /// bytes (`zkgov_groth16::DEFAULT_TABLE_BUDGET` is a fair size), for a
    /// prover that makes many proofs: see `MatrixProver::with_tables`.
    #[must_use]
    pub fn with_tables(self, budget: usize) -> Self {
        PreparedProver {
            core: self.core.with_tables(budget),
            num_inputs: self.num_inputs,
        }
    }

    /// Bytes the window tables take (0 without tables).
    pub fn table_bytes(&self) -> usize {
        self.core.table_bytes()
    }

    /// The proving key.
    pub fn proving_key(&self) -> &ProvingKey<Bn254> {
        self.core.proving_key()
    }

    /// A zero-knowledge proof for `circuit` (fresh `r`, `s` from `rng`).
    pub fn prove<C: ConstraintSynthesizer<Fr>, R: RngCore + CryptoRng>(
        &self,
        circuit: C,
        rng: &mut R,
    ) -> Result<Proof, ProverError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove {
            construct_matrices: false,
            generate_lc_assignments: false,
        });
        let err = |e: SynthesisError| ProverError::Proving(e.to_string());
        circuit.generate_constraints(cs.clone()).map_err(err)?;
        let mut full = cs.instance_assignment().map_err(err)?;
        full.extend(cs.witness_assignment().map_err(err)?);
        if full.len() != self.proving_key().a_query.len()
            || cs.num_instance_variables() != self.num_inputs
        {
            return Err(ProverError::Proving(
                "the circuit's shape differs from the proving key's".into(),
            ));
        }
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        let proof = self.core.prove(&full, r, s);
        full.iter_mut().for_each(zeroize::Zeroize::zeroize);
        Ok(proof?)
    }
}

/// Proves `witness` at `depth` and returns a bundle, after checking it
/// natively first and verifying the proof before handing it out.
pub fn prove_record<R: RngCore + CryptoRng>(
    pk: &PreparedProver,
    vk: &ValidatedVerifyingKey,
    depth: usize,
    witness: RecordWitness,
    rng: &mut R,
) -> Result<Bundle, ProverError> {
    let opening = DisclosureOpening::new(witness.salt, witness.disclosed());
    let circuit = RecordMembershipCircuit::new(depth, witness)?;
    let public = circuit.public_inputs().to_vec();
    prove_circuit(
        pk,
        vk,
        StatementId::RecordMembershipV2,
        circuit,
        public,
        opening,
        rng,
    )
}

/// The salt of a presentation's disclosure commitment:
/// `Poseidon("zkgov.disclosure-salt.v1", owner_secret, scope, context)`.
///
/// A pseudorandom function of the holder's secret, so as hiding as a
/// random salt to anyone without the secret, and different for every
/// request (the context is the agency's fresh challenge). Derived rather
/// than drawn so that proving the same request twice gives the same public
/// inputs: a wallet whose answer was lost (a dropped connection, a killed
/// prover) retries, and the retry is answered with the anchor the first
/// attempt made, instead of a burnt nullifier and no bundle.
pub fn presentation_salt(owner_secret: &Fr, scope: &Scope, context: &Context) -> Fr {
    use zkgov_verifier::Label;
    // Four inputs, within Poseidon's 1..=16: this cannot fail.
    zkgov_verifier::poseidon::poseidon(&[
        Label::DisclosureSaltV1.to_field(),
        *owner_secret,
        scope.0,
        context.0,
    ])
    .unwrap_or_default() // ok: four inputs always hash
}

/// A fresh salt for a disclosure commitment.
pub fn fresh_salt<R: RngCore + CryptoRng>(rng: &mut R) -> Fr {
    use ark_ff::UniformRand;
    Fr::rand(rng)
}

/// Proves `circuit` (whose instance is `public`) and verifies the proof
/// with `vk` before returning the bundle, which carries `opening` for the
/// agency.
pub fn prove_circuit<C: ConstraintSynthesizer<Fr>, R: RngCore + CryptoRng>(
    pk: &PreparedProver,
    vk: &ValidatedVerifyingKey,
    statement: StatementId,
    circuit: C,
    public: Vec<Fr>,
    opening: DisclosureOpening,
    rng: &mut R,
) -> Result<Bundle, ProverError> {
    let proof = pk.prove(circuit, rng)?;
    vk.verify(&proof, &public)?;
    Ok(Bundle {
        statement,
        vk_digest: vk.digest(),
        public_inputs: public,
        proof,
        disclosure: Some(opening),
    })
}

/// What a citizen needs to answer an agency's record request.
pub struct RecordProofRequest<'a> {
    /// The registry (public data).
    pub registry: &'a Registry,
    /// The agency's policy.
    pub policy: CompiledPolicy,
    /// The agency's scope.
    pub scope: Scope,
    /// The agency's challenge.
    pub context: Context,
}

/// Finds the holder's record in the registry and proves the request.
pub fn prove_from_registry<R: RngCore + CryptoRng>(
    pk: &PreparedProver,
    vk: &ValidatedVerifyingKey,
    holder: &HolderSecret,
    req: RecordProofRequest<'_>,
    rng: &mut R,
) -> Result<(Bundle, MerkleRoot), ProverError> {
    let (record, path) = req.registry.find(holder.expose())?;
    let witness = RecordWitness {
        owner_secret: *holder.expose(),
        fields: record.fields,
        path,
        policy: req.policy,
        scope: req.scope.0,
        context: req.context.0,
        salt: presentation_salt(holder.expose(), &req.scope, &req.context),
    };
    let root = req.registry.root();
    witness.public_inputs(Some(&root))?;
    Ok((
        prove_record(pk, vk, req.registry.depth(), witness, rng)?,
        root,
    ))
}
