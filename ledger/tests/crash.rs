//! Crash safety: a child appending under load is SIGKILLed at random
//! moments, many times. After each kill, reopening must succeed; every
//! acknowledged entry must be present; every checkpoint handed out before the
//! kill must be consistent with the log (consistency proof verified); no two
//! checkpoints of one size may differ.
//!
//! Rounds: `ZKGOV_CRASH_LOOPS` (default 6); for a long run, e.g.
//! `ZKGOV_CRASH_LOOPS=500 cargo test --release -p zkgov-ledger --test crash`.
//! Run on SQLite, and on PostgreSQL when `ZKGOV_TEST_POSTGRES` is set (see
//! `pg/mod.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pg;

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use rand::{Rng, SeedableRng};
use zkgov_verifier::log::verify_consistency;

#[test]
fn acknowledged_entries_survive_sigkill() {
    rounds(None);
}

#[test]
fn acknowledged_entries_survive_sigkill_on_postgres() {
    let Some(db) = pg::test_db("crash_on_postgres") else {
        return;
    };
    db.client()
        .batch_execute(&format!("CREATE SCHEMA {}", db.schema))
        .unwrap();
    rounds(Some(&db.url_with_schema()));
}

/// Kills a load generator on a data directory (and a PostgreSQL database,
/// if given) again and again, checking what survives each time.
fn rounds(database: Option<&str>) {
    let loops: usize = std::env::var("ZKGOV_CRASH_LOOPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2026);
    let mut max_ack = 0u64;
    let mut seen: HashMap<u64, [u8; 32]> = HashMap::new();
    for round in 0..loops {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zkgov-ledger-loadgen"))
            .arg(dir.path())
            .args(database)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Wait until it has opened the log and acknowledged an append (a
        // child killed while creating the log would leave no genesis, and
        // the reopen below would make one of its own), then let it append
        // for a random while and SIGKILL it.
        let mut early = Vec::new();
        let started = Instant::now();
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("round {round}: no acknowledgement in 120 s"));
            let ack = line.starts_with("ACK ");
            early.push(line);
            if ack {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(120));
        }
        let wait = Duration::from_millis(rng.gen_range(300..1500));
        let t = Instant::now();
        while t.elapsed() < wait {
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        let mut acks = 0;
        let mut checkpoints = Vec::new();
        for line in early.into_iter().chain(rx.try_iter()) {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["ACK", i] => {
                    max_ack = max_ack.max(i.parse().unwrap());
                    acks += 1;
                }
                ["CP", size, root] => {
                    let root: [u8; 32] =
                        zkgov_verifier::encoding::b64_array(root, "checkpoint root").unwrap();
                    let size: u64 = size.parse().unwrap();
                    if let Some(prev) = seen.insert(size, root) {
                        assert_eq!(prev, root, "two checkpoints of size {size} differ");
                    }
                    checkpoints.push((size, root));
                }
                _ => {}
            }
        }
        // Reopen in-process: must succeed and hold everything acknowledged.
        let ledger = match database {
            Some(url) => {
                zkgov_ledger::dir::open_postgres(dir.path(), url, Some("zkgov.test/crash"), vec![])
            }
            None => zkgov_ledger::dir::open_dir(dir.path(), Some("zkgov.test/crash"), vec![]),
        }
        .unwrap();
        let size = ledger.size();
        assert!(
            size > max_ack,
            "round {round}: acknowledged entry {max_ack} lost (size {size})"
        );
        for i in [0, max_ack / 2, max_ack] {
            assert!(ledger.entry(i).unwrap().is_some());
        }
        let now = ledger.checkpoint().unwrap();
        assert_eq!(now.size, size);
        for (s, root) in seen.iter() {
            let proof = ledger.consistency_proof(*s, size).unwrap();
            verify_consistency(*s, size, root, &now.root, &proof).unwrap_or_else(|e| {
                panic!("round {round}: checkpoint of size {s} not consistent: {e}")
            });
        }
        eprintln!(
            "round {round} ({}): {acks} acks in {} ms, {} checkpoints, log size {size}",
            if database.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            wait.as_millis(),
            checkpoints.len()
        );
        ledger.close();
    }
    assert!(max_ack > 0, "the child never acknowledged anything");
}
