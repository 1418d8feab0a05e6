//! The prover service under load: ballots (roll depth 20) proven and cast
//! through `POST /v1/prove/ballot` on a service with as many proving
//! threads as cores, in process, with an in-memory ledger.
//!
//! - `one at a time`: one client, one request after another: the time of
//!   one proof through the service (compare `ballot/prove` in the election
//!   benchmark, which proves without HTTP, parsing or the ledger).
//! - `1x capacity`: as many clients as proving threads, back to back; the
//!   time per proof is the iteration's time over its proofs.
//! - `2x capacity`: twice as many clients as the service admits (threads +
//!   queue), each with a request out until the iteration's proofs (one per
//!   client) are made; refused requests (429) come back after 100 ms.
//!
//! After the runs, the latency percentiles of every answered request, the
//! slowest refusal and the peak resident memory are printed.
//!
//! Run: `cargo bench -p zkgov-benches --bench service`. Voters on the
//! roll: `ZKGOV_BENCH_VOTERS` (default 1500; each ballot needs its own).
//! Other shapes of the pool: `ZKGOV_BENCH_WORKERS` (proving threads,
//! default the cores) and `ZKGOV_BENCH_THREADS_PER_PROOF` (default cores ÷
//! proving threads).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use criterion::{criterion_group, criterion_main, Criterion};
use zkgov_benches::election::{ElectionFixture, ELECTION};
use zkgov_ledger::http::ServeConfig;
use zkgov_prover::service::{Limits, Service, ServiceConfig};

struct Harness {
    fixture: ElectionFixture,
    url: String,
    bodies: Vec<String>,
    next: AtomicUsize,
    capacity: usize,
    workers: usize,
    /// (phase, status, latency)
    seen: Mutex<Vec<(&'static str, u16, Duration)>>,
}

impl Harness {
    fn new() -> Harness {
        let voters = std::env::var("ZKGOV_BENCH_VOTERS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1500);
        let f = ElectionFixture::new(voters);
        let dir = tempfile::tempdir().unwrap().keep();
        f.write_keys(&dir.join("keys"));
        let roll = f.roll.to_json();
        let bodies = f
            .voters
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let path = dir.join(format!("voter-{i}.json"));
                v.write(&path).unwrap();
                let holder = std::fs::read_to_string(&path).unwrap();
                let mut votes = [0u64; 3];
                votes[i % 3] = 1;
                format!(
                    r#"{{"election":"{ELECTION}","roll":{roll},"holder":{holder},"votes":{votes:?}}}"#
                )
            })
            .collect();
        let (session, _clock) = f.ledger();
        let workers = std::env::var("ZKGOV_BENCH_WORKERS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let service = Service::start(
            ServiceConfig {
                keys: dir.join("keys"),
                workers,
                threads_per_proof: std::env::var("ZKGOV_BENCH_THREADS_PER_PROOF")
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
                queue: workers,
                table_budget: 0,
                max_wait: Duration::from_secs(30),
                limits: Limits {
                    max_body: 4 << 20,
                    max_depth: 16,
                    max_members: 100_000,
                    body_timeout: Duration::from_secs(10),
                },
                serve: ServeConfig::default(),
            },
            session.client.clone(),
        )
        .unwrap();
        let capacity = service.capacity();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(l.local_addr().unwrap()).unwrap();
                service.serve(l, std::future::pending()).await.unwrap();
            });
        });
        let url = format!("http://{}", rx.recv().unwrap());
        Harness {
            fixture: f,
            url,
            bodies,
            next: AtomicUsize::new(0),
            capacity,
            workers,
            seen: Mutex::new(Vec::new()),
        }
    }

    /// Sends one ballot; its status.
    fn one(&self, phase: &'static str) -> u16 {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        let body = self
            .bodies
            .get(i)
            .expect("more voters: raise ZKGOV_BENCH_VOTERS");
        let t = Instant::now();
        let status = match ureq::post(&format!("{}/v1/prove/ballot", self.url))
            .set("content-type", "application/json")
            .send_string(body)
        {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(s, _)) => s,
            Err(e) => panic!("{e}"),
        };
        assert!(status == 200 || status == 429, "{status}");
        self.seen.lock().unwrap().push((phase, status, t.elapsed()));
        status
    }

    /// `clients` clients until `proofs` proofs are made; the elapsed time.
    /// A client takes a ticket before it sends and gives it back when
    /// refused, so no more than `proofs` proofs are made.
    fn load(self: &Arc<Self>, phase: &'static str, clients: usize, proofs: usize) -> Duration {
        let tickets = Arc::new(AtomicUsize::new(0));
        let t = Instant::now();
        let threads: Vec<_> = (0..clients)
            .map(|_| {
                let (h, tickets) = (Arc::clone(self), Arc::clone(&tickets));
                std::thread::spawn(move || {
                    while tickets.fetch_add(1, Ordering::SeqCst) < proofs {
                        if h.one(phase) != 200 {
                            tickets.fetch_sub(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    }
                })
            })
            .collect();
        for th in threads {
            th.join().unwrap();
        }
        t.elapsed()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn bench_service(c: &mut Criterion) {
    let h = Arc::new(Harness::new());
    let rss_loaded = peak_rss_mib();
    let mut g = c.benchmark_group("service");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(20));
    let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(1); // ok: benchmark
    g.bench_function("ballot proven in process, no service (reference)", |b| {
        b.iter(|| h.fixture.ballot(0, &mut rng))
    });
    // The same proofs without the service: one thread, then one per core,
    // each in a one-thread rayon pool as the service runs them.
    let one_thread = || {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(32 << 20)
            .build()
            .unwrap()
    };
    g.bench_function("ballot proven in process, one thread", |b| {
        let pool = one_thread();
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(2); // ok: benchmark
        b.iter(|| pool.install(|| h.fixture.ballot(1, &mut rng)))
    });
    g.bench_function(
        "ballots proven in process, one thread per core (time per proof)",
        |b| {
            let pools: Vec<_> = (0..h.workers).map(|_| one_thread()).collect();
            b.iter_custom(|iters| {
                let t = Instant::now();
                std::thread::scope(|s| {
                    for (k, pool) in pools.iter().enumerate() {
                        let f = &h.fixture;
                        s.spawn(move || {
                            let mut rng =
                                <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(
                                    k as u64,
                                ); // ok: benchmark
                            for _ in 0..iters {
                                pool.install(|| f.ballot(k, &mut rng));
                            }
                        });
                    }
                });
                t.elapsed() / h.workers as u32
            })
        },
    );
    let roll = h.fixture.roll.to_json();
    g.bench_function("the request's roll parsed and its tree rebuilt", |b| {
        b.iter(|| zkgov_prover::election::ElectoralRoll::from_json(&roll).unwrap())
    });
    g.bench_function("ballot, one at a time", |b| {
        b.iter(|| assert_eq!(h.one("sequential"), 200))
    });
    // `clients` at once, each sending one request per round: time per proof.
    let harness = &h;
    let under_load = |phase: &'static str, clients: usize| {
        move |b: &mut criterion::Bencher| {
            let h = harness;
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += h.load(phase, clients, clients) / clients as u32;
                }
                total
            })
        }
    };
    g.bench_function(
        "ballot, 1x capacity (time per proof)",
        under_load("1x", h.workers),
    );
    let rss_before_2x = peak_rss_mib();
    g.bench_function(
        "ballot, 2x capacity (time per proof)",
        under_load("2x", 2 * h.capacity),
    );
    g.finish();
    let seen = h.seen.lock().unwrap();
    for phase in ["sequential", "1x", "2x"] {
        let mut ok: Vec<Duration> = seen
            .iter()
            .filter(|(p, s, _)| *p == phase && *s == 200)
            .map(|(_, _, d)| *d)
            .collect();
        let mut refused: Vec<Duration> = seen
            .iter()
            .filter(|(p, s, _)| *p == phase && *s == 429)
            .map(|(_, _, d)| *d)
            .collect();
        ok.sort();
        refused.sort();
        eprintln!(
            "{phase}: {} proofs, latency p50 {:?} p95 {:?} p99 {:?}; {} refused, p99 {:?}, slowest {:?}",
            ok.len(),
            percentile(&ok, 0.50),
            percentile(&ok, 0.95),
            percentile(&ok, 0.99),
            refused.len(),
            percentile(&refused, 0.99),
            refused.last().copied().unwrap_or_default()
        );
    }
    eprintln!(
        "peak RSS: {rss_loaded:.0} MiB with keys loaded, {rss_before_2x:.0} MiB before 2x, {:.0} MiB after (workers {}, capacity {})",
        peak_rss_mib(),
        h.workers,
        h.capacity
    );
}

criterion_group!(benches, bench_service);
criterion_main!(benches);
