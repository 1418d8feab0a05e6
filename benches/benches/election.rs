//! Election benchmarks, 3 options, roll depth 20: a ballot proven (both
//! parts) and verified, casting throughput into the ledger, the tally, and
//! the audit of a whole election log (ballots, partial decryptions,
//! result), per ballot.
//!
//! Run: `cargo bench -p zkgov-benches --bench election`. The audit's size
//! is `ZKGOV_BENCH_BALLOTS` (default 300); its log is proven once and kept
//! in `target/bench-election-N.json`. The audit of 10,000 ballots:
//! `ZKGOV_BENCH_BALLOTS=10000 cargo bench -p zkgov-benches --bench election -- audit`
//! (about 30 to 40 minutes to prove the ballots on 2 cores the first time).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{hint::black_box, time::Duration};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_benches::election::{cached_election_log, ElectionFixture, ELECTION};
use zkgov_prover::election::voter_nullifier;
use zkgov_verifier::election::ballot::encrypt_ballot;

/// Ballots cast per iteration of the throughput benchmark.
const CAST: usize = 64;

fn audit_size() -> usize {
    std::env::var("ZKGOV_BENCH_BALLOTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

fn bench_ballot(c: &mut Criterion) {
    let f = ElectionFixture::new(CAST);
    let mut rng = ChaCha20Rng::seed_from_u64(1); // ok: benchmark
    let mut g = c.benchmark_group("ballot");
    g.sample_size(20);
    g.bench_function(
        "prove (encrypt + range proof + eligibility, both checked)",
        |b| b.iter(|| black_box(f.ballot(3, &mut rng))),
    );
    let n = voter_nullifier(&f.election, &f.voters[3]);
    g.bench_function("encrypt + range proof only", |b| {
        b.iter(|| {
            black_box(encrypt_ballot(
                &f.election.statement(&n),
                &[0, 1, 0],
                &mut rng,
            ))
        })
    });
    let cast = f.ballot(3, &mut rng);
    g.bench_function("verify (both proofs)", |b| {
        b.iter(|| f.election.verify_cast(&f.vk, &cast, &mut rng).unwrap())
    });
    g.bench_function("verify ballot proof only", |b| {
        b.iter(|| f.election.verify_ballot(&cast, &mut rng).unwrap())
    });
    g.bench_function("verify eligibility (Groth16) only", |b| {
        let inputs = f.election.eligibility_inputs(&cast).to_vec();
        b.iter(|| f.vk.verify(&cast.eligibility, &inputs).unwrap())
    });
    g.finish();

    let ballots = f.ballots();
    let mut g = c.benchmark_group("cast");
    g.sample_size(10);
    g.throughput(Throughput::Elements(CAST as u64));
    g.bench_function(format!("{CAST} ballots into the ledger"), |b| {
        b.iter_batched(
            || f.ledger().0,
            |session| {
                for cast in &ballots {
                    session.cast(cast).unwrap();
                }
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn bench_audit(c: &mut Criterion) {
    let n = audit_size();
    let export = cached_election_log(n);
    let report = export.audit();
    assert!(report.ok(), "{:?}", report.failures);
    let e = report
        .elections
        .iter()
        .find(|e| e.election_id == ELECTION)
        .unwrap();
    assert_eq!(e.valid_ballots as usize, n.max(10));
    let election = e.election.clone().unwrap();
    let mut g = c.benchmark_group("audit");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(e.valid_ballots));
    g.bench_function(
        format!("whole log, {} ballots, 3 options", e.valid_ballots),
        |b| b.iter(|| assert!(export.audit().ok())),
    );
    let partials: Vec<_> = e.partials.iter().collect();
    g.bench_function(
        format!(
            "tally (combine + discrete logs), {} ballots",
            e.valid_ballots
        ),
        |b| {
            b.iter(|| {
                black_box(
                    election
                        .tally(&e.aggregate, e.valid_ballots, &partials)
                        .unwrap(),
                )
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench_ballot, bench_audit);
criterion_main!(benches);
