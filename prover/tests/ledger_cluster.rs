//! Three `zkgov ledger serve --node` processes on one PostgreSQL database,
//! under load from 16 submitters spread over all three, while the
//! sequencer is killed with SIGKILL at random moments and restarted.
//! Afterwards:
//!
//! * every acknowledged entry is in the log, byte for byte, read from every
//!   node;
//! * every checkpoint handed out (in a receipt) is consistent with the final
//!   one, by a consistency proof served by a node, and no two of one size
//!   differ;
//! * of two proofs with one nullifier, sent at once to two nodes, at most
//!   one is accepted, and the log holds no nullifier twice in a scope;
//! * after each kill the acknowledgements resume (takeover), within 10 s.
//!
//! Kills: `ZKGOV_FAILOVER_KILLS` (default 3). Needs PostgreSQL
//! (`ZKGOV_TEST_POSTGRES`, see `ledger/tests/pg/mod.rs`); never skipped in
//! CI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{ok_stdout, p, zkgov, BIN};

#[path = "../../ledger/tests/pg/mod.rs"]
mod pg;

#[path = "../../ledger/tests/common/mod.rs"]
mod fixtures;

use std::{
    collections::{BTreeMap, HashSet},
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use rand::{Rng, SeedableRng};
use zkgov_ledger::{
    authority::{AuthoritySigner, GenesisFile, RootPublication},
    http::LedgerClient,
    ErrorCode, LedgerError, Submission,
};
use zkgov_verifier::{
    log::{verify_checkpoint, verify_consistency},
    Entry, EntryBody, Fr, MerkleRoot, Role,
};

const SUBMITTERS: usize = 16;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A node process; killed when dropped.
struct Node {
    child: Option<Child>,
    name: String,
    port: u16,
    dir: PathBuf,
}

impl Node {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn start(&mut self, database: &str, genesis: &Path) {
        let extra = ["--origin", fixtures::ORIGIN, "--genesis", p(genesis)].map(String::from);
        self.start_with(database, &extra);
    }

    fn start_with(&mut self, database: &str, extra: &[String]) {
        let mut child = Command::new(BIN)
            .args(["ledger", "serve", "--addr"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["--data-dir", p(&self.dir), "--database", database])
            .args(["--node", &self.name])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        assert!(line.contains("serving http://"), "{}: {line}", self.name);
        // Keep draining, so the node never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill(); // SIGKILL
            let _ = c.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Acknowledged appends: entry index and bytes, and the checkpoint note of
/// the receipt; with the time each arrived.
#[derive(Default)]
struct Acks {
    entries: Vec<(u64, Vec<u8>, String)>,
    times: Vec<Instant>,
}

/// Submits until accepted or refused for good: a takeover (no sequencer,
/// a node down) is retried on the next node.
fn submit(
    urls: &[String],
    start: usize,
    sub: &Submission,
) -> Result<zkgov_ledger::Receipt, LedgerError> {
    let mut i = start;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match LedgerClient::Http(urls[i % urls.len()].clone()).submit(sub) {
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::NoSequencer | ErrorCode::Unreachable | ErrorCode::Busy
                ) && Instant::now() < deadline =>
            {
                i += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

#[test]
fn three_nodes_keep_every_acknowledged_entry_when_the_sequencer_is_killed() {
    let Some(db) = pg::test_db("cluster_failover") else {
        return;
    };
    db.client()
        .batch_execute(&format!("CREATE SCHEMA {}", db.schema))
        .unwrap();
    let database = db.url_with_schema();
    let kills: usize = std::env::var("ZKGOV_FAILOVER_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let tmp = tempfile::tempdir().unwrap();
    let keys = fixtures::keys();
    let load_key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let registries: Vec<String> = (0..SUBMITTERS).map(|t| format!("r{t}")).collect();
    let load = Arc::new(AuthoritySigner::from_key(
        "load",
        Role::RegistryAuthority,
        registries.clone(),
        load_key,
    ));
    let mut genesis = GenesisFile::default();
    for a in fixtures::authorities(&keys) {
        genesis.add(a).unwrap();
    }
    genesis.add(load.authority().clone()).unwrap();
    let genesis_path = tmp.path().join("genesis.json");
    std::fs::write(&genesis_path, genesis.to_json()).unwrap();

    let mut nodes: Vec<Node> = (1..=3)
        .map(|i| Node {
            child: None,
            name: format!("n{i}"),
            port: free_port(),
            dir: tmp.path().join(format!("n{i}")),
        })
        .collect();
    nodes[0].start(&database, &genesis_path);
    for n in &nodes[1..] {
        std::fs::create_dir_all(&n.dir).unwrap();
        std::fs::copy(
            nodes[0].dir.join("log-key.json"),
            n.dir.join("log-key.json"),
        )
        .unwrap();
    }
    for n in &mut nodes[1..] {
        n.start(&database, &genesis_path);
    }
    let urls: Vec<String> = nodes.iter().map(Node::url).collect();
    let verifier = LedgerClient::Http(urls[1].clone())
        .genesis()
        .unwrap()
        .log_key;

    // A registered key and a published root, for proofs with nullifiers.
    let proofs = fixtures::proofs();
    submit(&urls, 1, &fixtures::vk_submission(&keys.admin, &proofs.vk)).unwrap();
    submit(
        &urls,
        2,
        &fixtures::root_submission(&keys.land, 1, proofs.tree.root(), 6, now()),
    )
    .unwrap();
    let pairs: Vec<_> = (0..12u64)
        .map(|j| {
            let b = proofs.bundle((j % 6) as usize, 5000 + j, 1, 100 + j);
            let twin = proofs.rerandomise(&b, 200 + j);
            (b, twin)
        })
        .collect();

    let acks = Arc::new(Mutex::new(Acks::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let submitters: Vec<_> = (0..SUBMITTERS)
        .map(|t| {
            let (urls, acks, stop, load) = (urls.clone(), acks.clone(), stop.clone(), load.clone());
            let registry = registries[t].clone();
            std::thread::spawn(move || {
                let mut epoch = 1u64;
                while !stop.load(Ordering::Relaxed) {
                    let sub = load.publish_root(
                        fixtures::ORIGIN,
                        RootPublication {
                            registry_id: &registry,
                            epoch,
                            root: MerkleRoot(Fr::from(1_000_000 * t as u64 + epoch)),
                            leaf_count: 1,
                            published_at: now(),
                        },
                    );
                    match submit(&urls, t + epoch as usize, &sub) {
                        Ok(r) => {
                            let mut a = acks.lock().unwrap();
                            a.entries.push((r.index, r.entry, r.checkpoint));
                            a.times.push(Instant::now());
                            epoch += 1;
                        }
                        // An earlier try was written but its answer lost
                        // with a killed node: the next epoch.
                        Err(e)
                            if matches!(e.code(), ErrorCode::StaleEpoch | ErrorCode::Duplicate) =>
                        {
                            epoch += 1
                        }
                        Err(e) => panic!("submitter {t}: {e}"),
                    }
                }
            })
        })
        .collect();

    // The two proofs of each pair go to two nodes at once, during the kills.
    let nullifier_results = {
        let urls = urls.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut out = Vec::new();
            for (j, (b, twin)) in pairs.into_iter().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (u1, u2) = (urls.clone(), urls.clone());
                let one = std::thread::spawn(move || {
                    submit(
                        &u1,
                        j,
                        &Submission::Proof {
                            bundle: Box::new(b),
                        },
                    )
                });
                let two = std::thread::spawn(move || {
                    submit(
                        &u2,
                        j + 1,
                        &Submission::Proof {
                            bundle: Box::new(twin),
                        },
                    )
                });
                out.push((one.join().unwrap(), two.join().unwrap()));
                std::thread::sleep(Duration::from_millis(300));
            }
            out
        })
    };

    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(17);
    let mut sql = db.client();
    let mut takeovers = Vec::new();
    std::thread::sleep(Duration::from_millis(1500));
    let before = acks.lock().unwrap().times.len();
    for _ in 0..kills {
        std::thread::sleep(Duration::from_millis(rng.gen_range(300..1500)));
        let holder: String = sql
            .query_one("SELECT node FROM sequencer", &[])
            .unwrap()
            .get(0);
        let victim = nodes.iter_mut().find(|n| n.name == holder).unwrap();
        victim.kill();
        let killed = Instant::now();
        let acked_at_kill = acks.lock().unwrap().times.len();
        let resumed = loop {
            std::thread::sleep(Duration::from_millis(20));
            let a = acks.lock().unwrap();
            if let Some(t) = a.times[acked_at_kill..].iter().find(|t| **t > killed) {
                break *t;
            }
            drop(a);
            assert!(
                killed.elapsed() < Duration::from_secs(10),
                "no acknowledgement within 10 s of killing the sequencer {holder}"
            );
        };
        takeovers.push(resumed - killed);
        victim.start(&database, &genesis_path);
    }
    std::thread::sleep(Duration::from_millis(1000));
    let nullifier_results = nullifier_results.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    for s in submitters {
        s.join().unwrap();
    }
    let acks = acks.lock().unwrap();
    eprintln!(
        "{} acknowledged ({} before the first kill); takeovers after SIGKILL: {:?}",
        acks.entries.len(),
        before,
        takeovers
    );
    assert!(acks.entries.len() > before, "no appends after the kills");

    // Every node serves the same final log.
    let final_size = acks.entries.iter().map(|e| e.0 + 1).max().unwrap();
    let mut final_cp = None;
    for url in &urls {
        let c = LedgerClient::Http(url.clone());
        let deadline = Instant::now() + Duration::from_secs(5);
        let cp = loop {
            let note = c.checkpoint().unwrap();
            let cp = verify_checkpoint(note.as_bytes(), std::slice::from_ref(&verifier))
                .unwrap()
                .checkpoint;
            if cp.size >= final_size || Instant::now() > deadline {
                break cp;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(
            cp.size >= final_size,
            "{url} serves {} of {final_size}",
            cp.size
        );
        if let Some(f) = &final_cp {
            assert_eq!(f, &cp, "{url} serves another checkpoint");
        }
        final_cp = Some(cp);
    }
    let final_cp = final_cp.unwrap();

    // Every acknowledged entry survives, read from every node in turn.
    for (i, (index, entry, _)) in acks.entries.iter().enumerate() {
        let got = LedgerClient::Http(urls[i % 3].clone())
            .entry(*index)
            .unwrap();
        assert_eq!(&got, entry, "acknowledged entry {index} changed or is gone");
    }
    // Every checkpoint handed out is consistent with the final one.
    let mut handed_out: BTreeMap<u64, [u8; 32]> = BTreeMap::new();
    for (_, _, note) in acks.entries.iter() {
        let cp = verify_checkpoint(note.as_bytes(), std::slice::from_ref(&verifier))
            .unwrap()
            .checkpoint;
        if let Some(prev) = handed_out.insert(cp.size, cp.root) {
            assert_eq!(prev, cp.root, "two checkpoints of size {}", cp.size);
        }
    }
    for (i, (size, root)) in handed_out.iter().enumerate() {
        let url = &urls[i % 3];
        let proof: serde_json::Value = ureq::get(&format!(
            "{url}/v1/proofs/consistency?from={size}&to={}",
            final_cp.size
        ))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
        let proof: Vec<[u8; 32]> = proof["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                zkgov_verifier::encoding::b64_array::<32>(h.as_str().unwrap(), "hash").unwrap()
            })
            .collect();
        verify_consistency(*size, final_cp.size, root, &final_cp.root, &proof)
            .unwrap_or_else(|e| panic!("checkpoint {size} is not consistent with the final: {e}"));
    }

    // No nullifier twice: per pair at most one accepted, and in the log.
    let mut accepted = 0;
    for (one, two) in &nullifier_results {
        let ok = [one, two].iter().filter(|r| r.is_ok()).count();
        assert!(ok <= 1, "both proofs of one nullifier were accepted");
        for r in [one, two] {
            if let Err(e) = r {
                assert_eq!(e.code(), ErrorCode::NullifierUsed, "{e}");
            }
        }
        accepted += ok;
    }
    assert!(accepted > 0, "no proof was accepted");
    let mut seen = HashSet::new();
    let mut proofs_in_log = 0;
    let c = LedgerClient::Http(urls[2].clone());
    for index in 0..final_cp.size {
        let entry = Entry::from_bytes(&c.entry(index).unwrap()).unwrap();
        if let EntryBody::ProofAnchor(a) = entry.body {
            proofs_in_log += 1;
            assert!(
                seen.insert((a.scope, a.nullifier)),
                "nullifier twice in the log (entry {index})"
            );
        }
    }
    assert!(proofs_in_log >= accepted);
}

/// A witness process; killed when dropped.
struct WitnessProcess(Child, String);

impl Drop for WitnessProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn three_nodes_and_two_witnesses_as_the_readme_starts_them() {
    let Some(db) = pg::test_db("cluster_witnesses") else {
        return;
    };
    db.client()
        .batch_execute(&format!("CREATE SCHEMA {}", db.schema))
        .unwrap();
    let database = db.url_with_schema();
    let tmp = tempfile::tempdir().unwrap();
    let origin = "gov.test/ledger";
    let dir = |n: &str| tmp.path().join(n);
    // The log's key first, copied to every node.
    let log = ok_stdout(&[
        "ledger",
        "key",
        "--data-dir",
        p(&dir("n1")),
        "--origin",
        origin,
    ]);
    let log = log.trim().to_owned();
    assert!(log.starts_with("gov.test/ledger+"), "{log}");
    for n in ["n2", "n3"] {
        std::fs::create_dir_all(dir(n)).unwrap();
        std::fs::copy(dir("n1").join("log-key.json"), dir(n).join("log-key.json")).unwrap();
    }
    // Two witnesses, run by other agencies, following this log.
    let mut witnesses = Vec::new();
    let mut flags = Vec::new();
    for i in 1..=2 {
        let (d, name) = (dir(&format!("w{i}")), format!("witness.test/w{i}"));
        let key = ok_stdout(&["witness", "key", "--data-dir", p(&d), "--name", &name]);
        let key = key.trim().to_owned();
        let mut child = Command::new(BIN)
            .args([
                "witness",
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--data-dir",
                p(&d),
            ])
            .args(["--name", &name, "--log", &log])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("{line}"))
            .to_owned();
        assert!(line.trim_end().ends_with(&key), "{line}");
        flags.extend(["--witness".to_owned(), format!("{url},{key}")]);
        witnesses.push(WitnessProcess(child, key));
    }
    let mut extra = vec!["--origin".to_owned(), origin.to_owned()];
    extra.extend(flags);
    let mut nodes: Vec<Node> = (1..=3)
        .map(|i| Node {
            child: None,
            name: format!("n{i}"),
            port: free_port(),
            dir: dir(&format!("n{i}")),
        })
        .collect();
    for n in &mut nodes {
        n.start_with(&database, &extra);
    }
    // Every node soon serves the genesis checkpoint cosigned by both.
    let deadline = Instant::now() + Duration::from_secs(15);
    for n in &nodes {
        loop {
            let cosigned = LedgerClient::Http(n.url()).cosigned_checkpoint().unwrap();
            if cosigned
                .is_some_and(|c| c.contains("witness.test/w1") && c.contains("witness.test/w2"))
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{} serves no cosigned checkpoint",
                n.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let receipt = ureq::get(&format!("{}/v1/receipts/0", nodes[2].url()))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let path = tmp.path().join("receipt.json");
    std::fs::write(&path, receipt).unwrap();
    let (w1, w2) = (witnesses[0].1.clone(), witnesses[1].1.clone());
    let verify = |extra: &[&str]| {
        let mut a = vec![
            "receipt",
            "verify",
            "--receipt",
            p(&path),
            "--log-key",
            &log,
        ];
        a.extend_from_slice(extra);
        zkgov(&a).status.code()
    };
    assert_eq!(verify(&["--witness", &w1, "--witness", &w2]), Some(0));
    // A witness that never cosigned does not make up a quorum of two.
    let other = ok_stdout(&[
        "witness",
        "key",
        "--data-dir",
        p(&dir("w3")),
        "--name",
        "witness.test/w3",
    ]);
    assert_eq!(
        verify(&["--witness", &w1, "--witness", other.trim()]),
        Some(1)
    );
    assert_eq!(
        verify(&["--witness", &w1, "--witness", other.trim(), "--quorum", "1"]),
        Some(0)
    );
    assert_eq!(verify(&["--witness", "not-a-key"]), Some(2));
}
