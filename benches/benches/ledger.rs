//! Ledger benchmarks: durable batched append throughput and latency on
//! SQLite, and proof generation and verification at 2^20 entries.
//! Run: `cargo bench -p zkgov-benches --bench ledger`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{
    hint::black_box,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::SigningKey;
use zkgov_ledger::{
    authority::{AuthoritySigner, RootPublication},
    tree::LogTree,
    Ledger, Submission,
};
use zkgov_verifier::{
    log::leaf_hash, log::verify_consistency, log::verify_inclusion, Fr, MerkleRoot, Role,
    StatementId,
};

const THREADS: u64 = 16;
const ORIGIN: &str = "zkgov.bench/ledger";

fn signer(key: &SigningKey) -> AuthoritySigner {
    AuthoritySigner::from_key(
        "bench",
        Role::RegistryAuthority,
        (0..THREADS).map(|t| format!("r{t}")).collect(),
        key.clone(),
    )
}

fn open(dir: &std::path::Path, key: &SigningKey) -> Ledger {
    zkgov_ledger::dir::open_dir(dir, Some(ORIGIN), vec![signer(key).authority().clone()]).unwrap()
}

fn root(key: &SigningKey, t: u64, epoch: u64) -> Submission {
    signer(key).publish_root(
        ORIGIN,
        RootPublication {
            registry_id: &format!("r{t}"),
            epoch,
            root: MerkleRoot(Fr::from(epoch * THREADS + t + 1)),
            leaf_count: 1,
            published_at: 0,
        },
    )
}

fn bench_append(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let key = Arc::new(SigningKey::from_bytes(&[7; 32]));
    let ledger = open(dir.path(), &key);
    let epoch = Arc::new(AtomicU64::new(1));
    let mut g = c.benchmark_group("ledger-append-sqlite-durable");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("one-submitter-latency", |b| {
        b.iter(|| {
            ledger
                .submit(root(&key, 0, epoch.fetch_add(1, Ordering::SeqCst)))
                .unwrap()
        })
    });
    g.bench_function(format!("{THREADS}-submitters-x-64-appends"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let hs: Vec<_> = (1..THREADS)
                    .map(|t| {
                        let (l, k, e) = (ledger.clone(), key.clone(), epoch.clone());
                        std::thread::spawn(move || {
                            for _ in 0..64 {
                                l.submit(root(&k, t, e.fetch_add(1, Ordering::SeqCst)))
                                    .unwrap();
                            }
                        })
                    })
                    .collect();
                for h in hs {
                    h.join().unwrap();
                }
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
}

fn bench_proofs(c: &mut Criterion) {
    let n: u64 = 1 << 20;
    let mut tree = LogTree::new();
    for i in 0..n {
        tree.push(leaf_hash(&i.to_be_bytes()));
    }
    let size = n - 12_345;
    let root = tree.root_at(size).unwrap();
    let old = 777_777;
    let old_root = tree.root_at(old).unwrap();
    let incl = tree.inclusion_proof(424_242, size).unwrap();
    let cons = tree.consistency_proof(old, size).unwrap();
    let leaf = tree.leaf(424_242).unwrap();
    let mut g = c.benchmark_group("log-proofs-2^20-entries");
    g.bench_function("root-at-size", |b| b.iter(|| tree.root_at(black_box(size))));
    g.bench_function("inclusion-generate", |b| {
        b.iter(|| tree.inclusion_proof(black_box(424_242), size))
    });
    g.bench_function("inclusion-verify", |b| {
        b.iter(|| verify_inclusion(424_242, size, &leaf, &incl, &root).unwrap())
    });
    g.bench_function("consistency-generate", |b| {
        b.iter(|| tree.consistency_proof(black_box(old), size))
    });
    g.bench_function("consistency-verify", |b| {
        b.iter(|| verify_consistency(old, size, &old_root, &root, &cons).unwrap())
    });
    g.finish();
}

/// What a replayed proof submission costs (refused by the nullifier lookup
/// before any pairing) next to the pairing check alone, on an in-memory
/// ledger, in one run.
fn bench_proof_submissions(c: &mut Criterion) {
    use rand::SeedableRng;
    use zkgov_ledger::{store::MemoryStorage, LedgerConfig};
    let depth = 4;
    let f = zkgov_benches::record_fixture(depth, 8);
    let prover =
        zkgov_prover::PreparedProver::new(f.pk.clone(), StatementId::RecordMembershipV2, depth)
            .unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
    let admin = AuthoritySigner::from_key(
        "admin",
        Role::Admin,
        vec![],
        SigningKey::from_bytes(&[3; 32]),
    );
    let land = AuthoritySigner::from_key(
        "land",
        Role::RegistryAuthority,
        vec!["parcels".into()],
        SigningKey::from_bytes(&[4; 32]),
    );
    let ledger = Ledger::open(
        Box::new(MemoryStorage::default()),
        LedgerConfig {
            origin: ORIGIN.into(),
            signer: SigningKey::from_bytes(&[5; 32]),
            authorities: vec![admin.authority().clone(), land.authority().clone()],
            state_file: None,
            clock: Arc::new(|| 1_800_000_000),
            lock: None,
            max_in_flight: zkgov_ledger::ledger::MAX_IN_FLIGHT,
            root_grace_secs: zkgov_ledger::ledger::default_root_grace(),
        },
    )
    .unwrap();
    ledger
        .submit(admin.register_vk(ORIGIN, StatementId::RecordMembershipV2, depth as u64, &f.vk))
        .unwrap();
    ledger
        .submit(land.publish_root(
            ORIGIN,
            RootPublication {
                registry_id: "parcels",
                epoch: 1,
                root: MerkleRoot(f.tree.root()),
                leaf_count: 8,
                published_at: 1_800_000_000,
            },
        ))
        .unwrap();
    let bundle =
        zkgov_prover::prove_record(&prover, &f.vk, depth, f.witness.clone(), &mut rng).unwrap();
    let sub = || Submission::Proof {
        bundle: Box::new(bundle.clone()),
    };
    ledger.submit(sub()).unwrap();
    let mut g = c.benchmark_group("ledger-proof-submission-memory");
    g.sample_size(30);
    g.bench_function("replay-refused", |b| {
        b.iter(|| {
            let e = ledger.submit(sub()).unwrap_err();
            assert!(matches!(e, zkgov_ledger::LedgerError::NullifierUsed { .. }));
        })
    });
    g.bench_function("pairing-check-alone", |b| {
        b.iter(|| f.vk.verify(&bundle.proof, &bundle.public_inputs).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_proofs, bench_append, bench_proof_submissions);
criterion_main!(benches);
