//! Proving record membership.

use ark_bn254::Bn254;
use ark_groth16::{Groth16, ProvingKey};
use ark_snark::SNARK;
use rand::{CryptoRng, RngCore};
use zkgov_circuits::record::{RecordMembershipCircuit, RecordWitness};
use zkgov_verifier::{
    bundle::Bundle,
    groth16::{Proof, ValidatedVerifyingKey},
    policy::CompiledPolicy,
    statement::{Context, MerkleRoot, Scope, StatementId},
};

use crate::{holder::HolderSecret, registry::Registry, ProverError};

/// Proves `witness` at `depth` and returns a bundle, after checking it
/// natively first and verifying the proof before handing it out.
pub fn prove_record<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    vk: &ValidatedVerifyingKey,
    depth: usize,
    witness: RecordWitness,
    rng: &mut R,
) -> Result<Bundle, ProverError> {
    let circuit = RecordMembershipCircuit::new(depth, witness)?;
    let public = circuit.public_inputs().to_vec();
    let p = Groth16::<Bn254>::prove(pk, circuit, rng)
        .map_err(|e| ProverError::Proving(e.to_string()))?;
    let proof = Proof {
        a: p.a,
        b: p.b,
        c: p.c,
    };
    vk.verify(&proof, &public)?;
    Ok(Bundle {
        statement: StatementId::RecordMembershipV1,
        vk_digest: vk.digest(),
        public_inputs: public,
        proof,
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
    pk: &ProvingKey<Bn254>,
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
    };
    let root = req.registry.root();
    witness.public_inputs(Some(&root))?;
    Ok((
        prove_record(pk, vk, req.registry.depth(), witness, rng)?,
        root,
    ))
}
