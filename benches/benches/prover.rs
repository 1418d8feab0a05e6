//! The proving core and batch verification (criterion, one run, ratios):
//! `cargo bench -p zkgov-benches --bench prover`.
//!
//! - `prover-core-record-depth-20`: the same proving key, constraint
//!   matrices, assignment, `r` and `s` through `ark-groth16`'s
//!   `create_proof_with_reduction_and_matrices` and through
//!   `zkgov_groth16::MatrixProver` (identical proofs); witness synthesis is
//!   outside both.
//! - `prove-zkey-nullifier`: `zkgov prove zkey`'s core on the committed
//!   snarkjs fixture, step by step (reading the zkey and building the
//!   context, the witness map alone, the proof without and with the final
//!   verification, and with window tables). With
//!   `ZKGOV_BENCH_ZKEY=DIR/NAME` (a `NAME.zkey` and `NAME.wtns` made by
//!   `interop/make-zkey-fixture.sh`) the same on that key.
//! - `msm-record-depth-20`: one query of that key (the A query's 5,300
//!   bases in G1, the B query's in G2) with the same witness: `ark-ec`'s
//!   `VariableBaseMSM`, `zkgov_groth16::msm::msm` (GLV and batch-affine
//!   buckets) and `msm::FixedBases` (window tables); and building all five
//!   tables.
//! - `batch-verify-1000`: 1,000 proofs for one key checked one by one and as
//!   one batch.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{Field, PrimeField, UniformRand};
use ark_groth16::Groth16;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode, R1CS_PREDICATE_LABEL,
};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_benches::record_fixture;
use zkgov_circuits::record::RecordMembershipCircuit;
use zkgov_groth16::{msm, read_wtns, CircomProver, MatrixProver, Zkey, DEFAULT_TABLE_BUDGET};
use zkgov_verifier::Proof;

fn bench_core(c: &mut Criterion) {
    let f = record_fixture(20, 64);
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    // The matrices do not depend on the witness.
    RecordMembershipCircuit::new(f.depth, f.witness.clone())
        .unwrap()
        .generate_constraints(cs.clone())
        .unwrap();
    cs.finalize();
    let matrices = cs
        .to_matrices()
        .unwrap()
        .remove(R1CS_PREDICATE_LABEL)
        .unwrap();
    let (num_inputs, num_constraints) = (cs.num_instance_variables(), cs.num_constraints());

    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove {
        construct_matrices: false,
        generate_lc_assignments: false,
    });
    RecordMembershipCircuit::new(f.depth, f.witness.clone())
        .unwrap()
        .generate_constraints(cs.clone())
        .unwrap();
    let mut full = cs.instance_assignment().unwrap();
    full.extend(cs.witness_assignment().unwrap());

    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let ours = MatrixProver::new(f.pk.clone(), &matrices, num_inputs, num_constraints).unwrap();
    let mut g = c.benchmark_group("prover-core-record-depth-20");
    g.sample_size(10);
    g.bench_function("ark-groth16-from-matrices", |b| {
        b.iter(|| {
            Groth16::<Bn254>::create_proof_with_reduction_and_matrices(
                &f.pk,
                r,
                s,
                &matrices,
                num_inputs,
                num_constraints,
                black_box(&full),
            )
            .unwrap()
        })
    });
    g.bench_function("zkgov-matrix-prover", |b| {
        b.iter(|| ours.prove(black_box(&full), r, s).unwrap())
    });
    let tabled = ours.clone().with_tables(DEFAULT_TABLE_BUDGET);
    eprintln!("window tables: {} bytes", tabled.table_bytes());
    g.bench_function("zkgov-matrix-prover-tables", |b| {
        b.iter(|| tabled.prove(black_box(&full), r, s).unwrap())
    });
    g.finish();

    // One query alone: the A query's 5,300 bases and the witness.
    let bases = &f.pk.a_query;
    let scalars: Vec<_> = full.iter().map(|x| x.into_bigint()).collect();
    let b2 = &f.pk.b_g2_query;
    let mut g = c.benchmark_group("msm-record-depth-20");
    g.sample_size(10);
    g.bench_function("g1-ark-variable-base", |b| {
        b.iter(|| G1Projective::msm_bigint(bases, black_box(&scalars)))
    });
    g.bench_function("g1-zkgov-batch-affine", |b| {
        b.iter(|| msm::msm(bases, black_box(&scalars)))
    });
    let t1 = msm::FixedBases::new(bases, usize::MAX).unwrap();
    g.bench_function("g1-zkgov-fixed-base-tables", |b| {
        b.iter(|| t1.msm(black_box(&scalars)))
    });
    g.bench_function("g2-ark-variable-base", |b| {
        b.iter(|| G2Projective::msm_bigint(b2, black_box(&scalars)))
    });
    g.bench_function("g2-zkgov-batch-affine", |b| {
        b.iter(|| msm::msm(b2, black_box(&scalars)))
    });
    let t2 = msm::FixedBases::new(b2, usize::MAX).unwrap();
    g.bench_function("g2-zkgov-fixed-base-tables", |b| {
        b.iter(|| t2.msm(black_box(&scalars)))
    });
    g.bench_function("build-all-tables", |b| {
        b.iter(|| ours.clone().with_tables(DEFAULT_TABLE_BUDGET).table_bytes())
    });
    g.finish();
}

fn bench_zkey_at(c: &mut Criterion, name: &str, zkey: &[u8], wtns: &[u8]) {
    let mut g = c.benchmark_group(format!("prove-zkey-{name}"));
    g.sample_size(10);
    g.bench_function("read-zkey-and-build-context", |b| {
        b.iter(|| CircomProver::new(Zkey::from_bytes(black_box(zkey)).unwrap()).unwrap())
    });
    let p = CircomProver::new(Zkey::from_bytes(zkey).unwrap()).unwrap();
    let w = read_wtns(wtns).unwrap();
    let (r, s) = (Fr::from(3u64), Fr::from(5u64));
    // One step alone: in a proof it runs beside the A and B sums.
    g.bench_function("witness-map", |b| {
        b.iter(|| p.witness_map(black_box(&w)).unwrap())
    });
    g.bench_function("zkgov-prove-unchecked", |b| {
        b.iter(|| p.prove_without_self_check(black_box(&w), r, s).unwrap())
    });
    g.bench_function("zkgov-prove-and-verify", |b| {
        b.iter(|| p.prove_with(black_box(&w), r, s).unwrap())
    });
    let tabled = p.clone().with_tables(DEFAULT_TABLE_BUDGET);
    g.bench_function("zkgov-prove-unchecked-tables", |b| {
        b.iter(|| {
            tabled
                .prove_without_self_check(black_box(&w), r, s)
                .unwrap()
        })
    });
    g.finish();
}

fn bench_zkey(c: &mut Criterion) {
    bench_zkey_at(
        c,
        "nullifier",
        include_bytes!("../../groth16/tests/fixtures/nullifier/nullifier.zkey"),
        include_bytes!("../../groth16/tests/fixtures/nullifier/nullifier.wtns"),
    );
    if let Ok(base) = std::env::var("ZKGOV_BENCH_ZKEY") {
        let zkey = std::fs::read(format!("{base}.zkey")).unwrap();
        let wtns = std::fs::read(format!("{base}.wtns")).unwrap();
        let name = std::path::Path::new(&base)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        bench_zkey_at(c, &name, &zkey, &wtns);
    }
}

fn bench_batch(c: &mut Criterion) {
    let p = CircomProver::new(
        Zkey::from_bytes(include_bytes!(
            "../../groth16/tests/fixtures/nullifier/nullifier.zkey"
        ))
        .unwrap(),
    )
    .unwrap();
    let w = read_wtns(include_bytes!(
        "../../groth16/tests/fixtures/nullifier/nullifier.wtns"
    ))
    .unwrap();
    let vk = p.verifying_key().clone();
    let public = p.public_signals(&w).unwrap().to_vec();
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let base = p.prove(&w, &mut rng).unwrap();
    // Re-randomised proofs: A/t, t B + t u delta, C + u A.
    let delta = vk.key().delta_g2;
    let proofs: Vec<Proof> = (0..1000)
        .map(|_| {
            let (t, u) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
            Proof {
                a: (base.a * t.inverse().unwrap()).into_affine(),
                b: (base.b * t + delta * (t * u)).into_affine(),
                c: (base.c + base.a * u).into_affine(),
            }
        })
        .collect();
    let batch: Vec<(&Proof, &[Fr])> = proofs.iter().map(|p| (p, public.as_slice())).collect();
    let mut g = c.benchmark_group("batch-verify-1000");
    g.sample_size(10);
    g.bench_function("one-by-one", |b| {
        b.iter(|| {
            for (p, x) in &batch {
                vk.verify(p, x).unwrap();
            }
        })
    });
    g.bench_function("batch", |b| {
        b.iter(|| vk.verify_batch(black_box(&batch), &mut rng).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_core, bench_zkey, bench_batch);
criterion_main!(benches);
