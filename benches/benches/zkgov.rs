//! zkgov benchmarks (criterion). Run: `cargo bench -p zkgov-benches`.
//!
//! Each zkgov operation is measured next to the plain arkworks call on the
//! same circuit, so the note can report ratios from one run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use ark_bn254::{Bn254, Fr};
use ark_groth16::Groth16;
use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use ark_snark::SNARK;
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkgov_benches::{identity_fixture, record_fixture, IDENTITY_POLICY};
use zkgov_circuits::{
    merkle::MerkleTree,
    poseidon::{poseidon, poseidon_var},
    record::RecordMembershipCircuit,
};
use zkgov_prover::{prove_record, PreparedProver};
use zkgov_verifier::{
    snarkjs, verify_record, Context, MerkleRoot, Proof, RecordRequest, RecordVerifier, Scope,
};

fn bench_poseidon(c: &mut Criterion) {
    let mut g = c.benchmark_group("poseidon");
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for n in [1usize, 2, 9, 16] {
        let xs: Vec<Fr> = (0..n).map(|_| Fr::from(rng.gen::<u128>())).collect();
        g.bench_function(format!("native/{n}"), |b| {
            b.iter(|| poseidon(black_box(&xs)).unwrap())
        });
        let mut lp = light_poseidon::Poseidon::<Fr>::new_circom(n.min(12)).unwrap();
        if n <= 12 {
            use light_poseidon::PoseidonHasher;
            g.bench_function(format!("light-poseidon/{n}"), |b| {
                b.iter(|| lp.hash(black_box(&xs)).unwrap())
            });
        }
        g.bench_function(format!("in-circuit-synthesis/{n}"), |b| {
            b.iter(|| {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let vars: Vec<FpVar<Fr>> = xs
                    .iter()
                    .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
                    .collect();
                let _ = poseidon_var(&vars).unwrap();
                cs.num_constraints()
            })
        });
    }
    g.finish();
}

fn bench_merkle(c: &mut Criterion) {
    let mut g = c.benchmark_group("merkle");
    g.sample_size(10);
    let leaves: Vec<Fr> = (1..=(1u64 << 20)).map(Fr::from).collect();
    g.bench_function("bulk-build/2^20-leaves/depth-20", |b| {
        b.iter(|| {
            MerkleTree::from_leaves(20, black_box(&leaves))
                .unwrap()
                .root()
        })
    });
    // Depth 21 holding 2^20 leaves: appends go on into the same tree, so the
    // cost includes the amortised growth of its vectors, as in real use.
    let mut tree = MerkleTree::from_leaves(21, &leaves).unwrap();
    g.bench_function("append-one/depth-21-at-2^20-leaves", |b| {
        b.iter_custom(|iters| {
            let start = std::time::Instant::now();
            for i in 0..iters {
                tree.push(Fr::from(i + 7)).unwrap();
            }
            start.elapsed()
        })
    });
    g.bench_function("path/depth-20", |b| {
        b.iter(|| tree.path(black_box(123_456)).unwrap())
    });
    g.finish();
}

fn bench_record(c: &mut Criterion) {
    let f = record_fixture(20, 4096);
    let mut g = c.benchmark_group("record-membership-depth-20");
    g.sample_size(10);
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    g.bench_function("plain-ark-groth16-prove", |b| {
        b.iter(|| {
            let circuit = RecordMembershipCircuit::new(f.depth, f.witness.clone()).unwrap();
            Groth16::<Bn254>::prove(&f.pk, circuit, &mut rng).unwrap()
        })
    });
    let prepared = PreparedProver::new(
        f.pk.clone(),
        zkgov_verifier::StatementId::RecordMembershipV2,
        f.depth,
    )
    .unwrap();
    g.bench_function("zkgov-prove-record", |b| {
        b.iter(|| prove_record(&prepared, &f.vk, f.depth, f.witness.clone(), &mut rng).unwrap())
    });
    let bundle = prove_record(&prepared, &f.vk, f.depth, f.witness.clone(), &mut rng).unwrap();
    let ark_vk = ark_groth16::prepare_verifying_key(&f.pk.vk);
    let ark_proof = ark_groth16::Proof::<Bn254> {
        a: bundle.proof.a,
        b: bundle.proof.b,
        c: bundle.proof.c,
    };
    g.bench_function("plain-ark-groth16-verify", |b| {
        b.iter(|| {
            Groth16::<Bn254>::verify_with_processed_vk(&ark_vk, &bundle.public_inputs, &ark_proof)
                .unwrap()
        })
    });
    let request = RecordRequest {
        accepted_roots: vec![MerkleRoot(f.tree.root())],
        policy: f.witness.policy.clone(),
        scope: Scope(f.witness.scope),
        context: Context(f.witness.context),
    };
    g.bench_function("zkgov-verify-record", |b| {
        b.iter(|| verify_record(&bundle, &f.vk, &request).unwrap())
    });
    let prepared = RecordVerifier::new(
        &f.vk,
        request.policy.clone(),
        request.accepted_roots.clone(),
        request.scope,
    );
    g.bench_function("zkgov-record-verifier-prepared", |b| {
        b.iter(|| prepared.verify(&bundle, &request.context).unwrap())
    });
    let json = bundle.to_json();
    g.bench_function("zkgov-parse-and-verify-bundle-json", |b| {
        b.iter(|| {
            let parsed = zkgov_verifier::Bundle::from_json(&json).unwrap();
            prepared.verify(&parsed, &request.context).unwrap()
        })
    });
    g.bench_function("synthesis-only", |b| {
        b.iter(|| {
            let cs = ConstraintSystem::<Fr>::new_ref();
            RecordMembershipCircuit::new(f.depth, f.witness.clone())
                .unwrap()
                .generate_constraints(cs.clone())
                .unwrap();
            cs.num_constraints()
        })
    });
    g.finish();
}

fn bench_identity(c: &mut Criterion) {
    use zkgov_circuits::identity::IdentityCircuit;
    use zkgov_prover::{prove_identity, IdentityProofRequest};
    use zkgov_verifier::{identity::IdentityPolicy, identity::IdentityVerifier};
    let f = identity_fixture();
    let policy = IdentityPolicy::from_json(IDENTITY_POLICY).unwrap();
    let compiled = policy.compile(&f.schema, f.today).unwrap();
    let (scope, context) = (Scope(Fr::from(77u64)), Context(Fr::from(99u64)));
    let mut g = c.benchmark_group("identity");
    g.sample_size(10);
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let request = || IdentityProofRequest {
        issuers: &f.issuers,
        policy: compiled.clone(),
        scope,
        context,
    };
    let prepared =
        PreparedProver::new(f.pk.clone(), zkgov_verifier::StatementId::IdentityV2, 20).unwrap();
    let (bundle, root) = prove_identity(
        &prepared,
        &f.vk,
        &f.holder,
        &f.credential,
        request(),
        &mut rng,
    )
    .unwrap();
    g.bench_function("zkgov-prove-identity", |b| {
        b.iter(|| {
            prove_identity(
                &prepared,
                &f.vk,
                &f.holder,
                &f.credential,
                request(),
                &mut rng,
            )
            .unwrap()
        })
    });
    // The same circuit handed straight to ark-groth16 (witness from the
    // bundle's proving run, rebuilt without the native checks).
    let public = zkgov_verifier::IdentityPublicInputs::from_slice(&bundle.public_inputs).unwrap();
    let witness = zkgov_benches::identity_witness(&f, compiled.clone(), scope, context);
    g.bench_function("plain-ark-groth16-prove", |b| {
        b.iter(|| {
            let circuit = IdentityCircuit::with_claimed_instance(witness.clone(), public.clone());
            Groth16::<Bn254>::prove(&f.pk, circuit, &mut rng).unwrap()
        })
    });
    g.bench_function("synthesis-only", |b| {
        b.iter(|| {
            let cs = ConstraintSystem::<Fr>::new_ref();
            IdentityCircuit::with_claimed_instance(witness.clone(), public.clone())
                .generate_constraints(cs.clone())
                .unwrap();
            cs.num_constraints()
        })
    });
    let ark_vk = ark_groth16::prepare_verifying_key(&f.pk.vk);
    let ark_proof = ark_groth16::Proof::<Bn254> {
        a: bundle.proof.a,
        b: bundle.proof.b,
        c: bundle.proof.c,
    };
    g.bench_function("plain-ark-groth16-verify", |b| {
        b.iter(|| {
            Groth16::<Bn254>::verify_with_processed_vk(&ark_vk, &bundle.public_inputs, &ark_proof)
                .unwrap()
        })
    });
    let verifier = IdentityVerifier::new(
        &f.vk,
        f.schema.clone(),
        &[("p".to_string(), policy)],
        vec![root],
        scope,
    )
    .unwrap();
    g.bench_function("zkgov-identity-verifier-prepared", |b| {
        b.iter(|| verifier.verify(&bundle, &context, f.today).unwrap())
    });
    g.finish();
}

fn bench_snarkjs(c: &mut Criterion) {
    let vk_json = include_str!("../../verifier/tests/fixtures/snarkjs/verification_key.json");
    let proof_json = include_str!("../../verifier/tests/fixtures/snarkjs/proof.json");
    let public_json = include_str!("../../verifier/tests/fixtures/snarkjs/public.json");
    let vk = snarkjs::read_verifying_key(vk_json).unwrap();
    let proof: Proof = snarkjs::read_proof(proof_json).unwrap();
    let public = snarkjs::read_public(public_json).unwrap();
    let mut g = c.benchmark_group("snarkjs-proof");
    g.bench_function("verify", |b| b.iter(|| vk.verify(&proof, &public).unwrap()));
    g.bench_function("parse-json-and-verify", |b| {
        b.iter(|| {
            let vk = snarkjs::read_verifying_key(vk_json).unwrap();
            vk.verify(
                &snarkjs::read_proof(proof_json).unwrap(),
                &snarkjs::read_public(public_json).unwrap(),
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_poseidon,
    bench_merkle,
    bench_record,
    bench_identity,
    bench_snarkjs
);
criterion_main!(benches);
