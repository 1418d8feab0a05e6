//! The ledger for many agencies: durable append throughput and latency on
//! SQLite and PostgreSQL, one node and a three-node cluster (appends sent
//! round robin, followers forwarding to the sequencer), all through the
//! HTTP API on loopback; and inclusion-proof reads from one node and from
//! three.
//!
//! Needs PostgreSQL: `ZKGOV_TEST_POSTGRES=postgres://...` (start one with
//! `eval "$(bash scripts/postgres-throwaway.sh start)"`); without it only the
//! SQLite figures run. Run: `cargo bench -p zkgov-benches --bench cluster`.
//! Takeover time after SIGKILL is measured by the failover test
//! (`prover/tests/ledger_cluster.rs`, which prints it), since it needs
//! processes to kill.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ed25519_dalek::SigningKey;
use zkgov_ledger::{
    authority::{AuthoritySigner, RootPublication},
    http::LedgerClient,
    ledger::ClusterConfig,
    store::{PostgresOptions, PostgresStorage},
    Ledger, LedgerConfig, Submission,
};
use zkgov_verifier::{Fr, MerkleRoot, Role};

const THREADS: u64 = 16;
const PER_THREAD: u64 = 64;
const ORIGIN: &str = "zkgov.bench/cluster";

fn signer(key: &SigningKey) -> AuthoritySigner {
    AuthoritySigner::from_key(
        "bench",
        Role::RegistryAuthority,
        (0..THREADS).map(|t| format!("r{t}")).collect(),
        key.clone(),
    )
}

fn root(key: &SigningKey, t: u64, epoch: u64) -> Submission {
    signer(key).publish_root(
        ORIGIN,
        RootPublication {
            registry_id: &format!("r{t}"),
            epoch,
            root: MerkleRoot(Fr::from(epoch * THREADS + t + 1)),
            leaf_count: 1,
            published_at: zkgov_ledger::dir::system_clock()(),
        },
    )
}

fn config(key: &SigningKey) -> LedgerConfig {
    LedgerConfig {
        origin: ORIGIN.into(),
        signer: SigningKey::from_bytes(&[1; 32]),
        authorities: vec![signer(key).authority().clone()],
        state_file: None,
        clock: zkgov_ledger::dir::system_clock(),
        lock: None,
        max_in_flight: zkgov_ledger::ledger::MAX_IN_FLIGHT,
        root_grace_secs: zkgov_ledger::ledger::default_root_grace(),
    }
}

/// Ledgers served on loopback, each on its own runtime.
struct Served {
    urls: Vec<String>,
    _rts: Vec<tokio::runtime::Runtime>,
}

fn listen() -> (tokio::runtime::Runtime, tokio::net::TcpListener, String) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let l = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    (rt, l, url)
}

fn serve(
    nodes: Vec<(
        tokio::runtime::Runtime,
        tokio::net::TcpListener,
        String,
        Ledger,
    )>,
) -> Served {
    let mut urls = Vec::new();
    let mut rts = Vec::new();
    for (rt, l, url, ledger) in nodes {
        rt.spawn(zkgov_ledger::http::serve(ledger, l, std::future::pending()));
        urls.push(url);
        rts.push(rt);
    }
    Served { urls, _rts: rts }
}

fn pg_schema() -> Option<(String, String)> {
    let url = std::env::var("ZKGOV_TEST_POSTGRES").ok()?;
    Some((url, format!("bench_{}", std::process::id())))
}

fn pg_storage(url: &str, schema: &str) -> PostgresStorage {
    PostgresStorage::open_with(
        url,
        &PostgresOptions {
            schema: Some(schema.into()),
            pool_size: 4,
            ..PostgresOptions::default()
        },
    )
    .unwrap()
}

/// 16 submitters x 64 appends through `urls`, round robin.
fn append_load(urls: &[String], key: &Arc<SigningKey>, epoch: &Arc<AtomicU64>) -> Duration {
    let start = Instant::now();
    let hs: Vec<_> = (0..THREADS)
        .map(|t| {
            let (urls, k, e) = (urls.to_vec(), key.clone(), epoch.clone());
            std::thread::spawn(move || {
                for i in 0..PER_THREAD {
                    let c = LedgerClient::Http(urls[((t + i) as usize) % urls.len()].clone());
                    c.submit(&root(&k, t, e.fetch_add(1, Ordering::SeqCst)))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    start.elapsed()
}

/// 16 readers x 64 inclusion proofs from `urls`, round robin.
fn read_load(urls: &[String], size: u64) -> Duration {
    let start = Instant::now();
    let hs: Vec<_> = (0..THREADS)
        .map(|t| {
            let urls = urls.to_vec();
            std::thread::spawn(move || {
                for i in 0..PER_THREAD {
                    let url = &urls[((t + i) as usize) % urls.len()];
                    let index = (t * 7919 + i * 104_729) % size;
                    ureq::get(&format!(
                        "{url}/v1/proofs/inclusion?index={index}&size={size}"
                    ))
                    .call()
                    .unwrap()
                    .into_string()
                    .unwrap();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    start.elapsed()
}

fn bench_cluster(c: &mut Criterion) {
    let key = Arc::new(SigningKey::from_bytes(&[7; 32]));
    let mut g = c.benchmark_group("ledger-durable-append-http");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(THREADS * PER_THREAD));

    let dir = tempfile::tempdir().unwrap();
    let (rt, l, url) = listen();
    let sqlite = zkgov_ledger::dir::open_dir(
        dir.path(),
        Some(ORIGIN),
        vec![signer(&key).authority().clone()],
    )
    .unwrap();
    let one_sqlite = serve(vec![(rt, l, url, sqlite)]);
    let epoch = Arc::new(AtomicU64::new(1));
    g.bench_function("sqlite-1-node", |b| {
        b.iter_custom(|n| {
            (0..n)
                .map(|_| append_load(&one_sqlite.urls, &key, &epoch))
                .sum()
        })
    });
    let one_latency = LedgerClient::Http(one_sqlite.urls[0].clone());
    g.throughput(Throughput::Elements(1));
    g.bench_function("sqlite-1-node-one-submitter-latency", |b| {
        b.iter(|| {
            one_latency
                .submit(&root(&key, 0, epoch.fetch_add(1, Ordering::SeqCst)))
                .unwrap()
        })
    });

    let Some((pg, schema)) = pg_schema() else {
        eprintln!("\n*** ZKGOV_TEST_POSTGRES is not set: PostgreSQL figures skipped ***\n");
        g.finish();
        return;
    };
    // One node.
    let schema1 = format!("{schema}_one");
    let (rt, l, url) = listen();
    let single = Ledger::open(Box::new(pg_storage(&pg, &schema1)), config(&key)).unwrap();
    let one_pg = serve(vec![(rt, l, url, single)]);
    let epoch = Arc::new(AtomicU64::new(1));
    g.bench_function("postgres-1-node-one-submitter-latency", |b| {
        let c = LedgerClient::Http(one_pg.urls[0].clone());
        b.iter(|| {
            c.submit(&root(&key, 0, epoch.fetch_add(1, Ordering::SeqCst)))
                .unwrap()
        })
    });
    g.throughput(Throughput::Elements(THREADS * PER_THREAD));
    g.bench_function("postgres-1-node", |b| {
        b.iter_custom(|n| {
            (0..n)
                .map(|_| append_load(&one_pg.urls, &key, &epoch))
                .sum()
        })
    });
    // Three nodes on one database.
    let schema3 = format!("{schema}_three");
    let nodes: Vec<_> = (0..3)
        .map(|i| {
            let (rt, l, url) = listen();
            let cc = ClusterConfig::new(&format!("n{i}"), &url);
            let ledger = Ledger::open_cluster(pg_storage(&pg, &schema3), config(&key), cc).unwrap();
            (rt, l, url, ledger)
        })
        .collect();
    let three = serve(nodes);
    let epoch3 = Arc::new(AtomicU64::new(1));
    g.bench_function("postgres-3-nodes", |b| {
        b.iter_custom(|n| {
            (0..n)
                .map(|_| append_load(&three.urls, &key, &epoch3))
                .sum()
        })
    });
    g.finish();

    // Inclusion proofs read from one node and from three.
    let size = {
        let c = LedgerClient::Http(three.urls[1].clone());
        let note = c.checkpoint().unwrap();
        note.lines().nth(1).unwrap().parse::<u64>().unwrap()
    };
    let mut r = c.benchmark_group("ledger-inclusion-proof-reads-http");
    r.sample_size(10);
    r.measurement_time(Duration::from_secs(5));
    r.throughput(Throughput::Elements(THREADS * PER_THREAD));
    r.bench_function("postgres-1-of-3-nodes", |b| {
        b.iter_custom(|n| (0..n).map(|_| read_load(&three.urls[..1], size)).sum())
    });
    r.bench_function("postgres-3-nodes", |b| {
        b.iter_custom(|n| (0..n).map(|_| read_load(&three.urls, size)).sum())
    });
    r.finish();
    if let Ok(mut c) = postgres::Client::connect(&pg, postgres::NoTls) {
        let _ = c.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema1} CASCADE; DROP SCHEMA IF EXISTS {schema3} CASCADE"
        ));
    }
}

criterion_group!(benches, bench_cluster);
criterion_main!(benches);
