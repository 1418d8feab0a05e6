//! Shared fixtures for the criterion benchmarks: a registry with keys at a
//! given depth, built from a seeded RNG (benchmarks only).

// Benchmark fixtures: a failure aborts the benchmark, which is what we want.
#![allow(clippy::expect_used)]

use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkgov_circuits::{
    merkle::MerkleTree,
    record::{owner_commitment, Record, RecordWitness},
};
use zkgov_params::dev_setup;
use zkgov_verifier::{
    groth16::ValidatedVerifyingKey,
    policy::Policy,
    statement::{StatementId, RECORD_FIELDS},
    Fr,
};

/// A policy with 3 predicates and 1 disclosed field.
pub const POLICY: &str = r#"{"version":1,"clauses":[
  {"field":0,"op":"=","value":7},
  {"field":1,"op":">=","value":500},
  {"field":2,"op":"in","values":[1,2]},
  {"field":2,"op":"disclose"}]}"#;

/// Keys, a registry tree and a witness for one qualifying record.
pub struct RecordFixture {
    /// Depth.
    pub depth: usize,
    /// Proving key.
    pub pk: ProvingKey<Bn254>,
    /// Verifying key.
    pub vk: ValidatedVerifyingKey,
    /// The registry tree.
    pub tree: MerkleTree,
    /// A witness for record 0.
    pub witness: RecordWitness,
}

/// Builds the fixture with `n` records at `depth`.
pub fn record_fixture(depth: usize, n: usize) -> RecordFixture {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let (pk, vk) =
        dev_setup(StatementId::RecordMembershipV1, depth, &mut rng, false).expect("setup");
    let secret = Fr::from(rng.gen::<u128>());
    let mut records = vec![Record {
        owner_commitment: owner_commitment(&secret),
        fields: [7, 640, 2, 0, 0, 0, 0, 0],
    }];
    for i in 1..n {
        let mut fields = [0u64; RECORD_FIELDS];
        fields.iter_mut().for_each(|f| *f = rng.gen_range(0..1000));
        records.push(Record {
            owner_commitment: owner_commitment(&Fr::from(i as u64 + 1_000_000)),
            fields,
        });
    }
    let leaves: Vec<Fr> = records.iter().map(Record::leaf).collect();
    let tree = MerkleTree::from_leaves(depth, &leaves).expect("tree");
    let witness = RecordWitness {
        owner_secret: secret,
        fields: records[0].fields,
        path: tree.path(0).expect("path"),
        policy: Policy::from_json(POLICY)
            .expect("policy")
            .compile(RECORD_FIELDS, &[])
            .expect("compile"),
        scope: Fr::from(77u64),
        context: Fr::from(99u64),
    };
    RecordFixture {
        depth,
        pk,
        vk,
        tree,
        witness,
    }
}
