//! Witness cosigning (C2SP tlog-witness, cosignature/v1) end to end on
//! loopback: the witness's answers to `POST /add-checkpoint` through a
//! plain HTTP client, its state across a restart, the ledger pushing
//! checkpoints to two witnesses and serving their cosignatures in
//! receipts, k-of-n checks of those receipts, and a rolled-back data
//! directory caught by the witnesses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    sync::{atomic::AtomicU64, Arc},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use common::*;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use zkgov_ledger::{
    ledger::WitnessEndpoint,
    store::{MemoryStorage, Storage},
    witness::Witness,
    Ledger,
};
use zkgov_tlog::{verify_cosignatures, witness::add_checkpoint_body, CosignatureVerifier};
use zkgov_verifier::{AuthorityKey, Fr, RootPolicy, VerifyError, WitnessPolicy};

/// A witness served on loopback; stopped with its runtime.
struct Served {
    url: String,
    verifier: CosignatureVerifier,
    _rt: tokio::runtime::Runtime,
}

fn serve(w: Witness) -> Served {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let verifier = w.verifier().clone();
    rt.spawn(zkgov_ledger::http::serve_router(
        zkgov_ledger::witness::router(Arc::new(w)),
        listener,
        std::future::pending(),
        zkgov_ledger::http::ServeConfig::default(),
    ));
    Served {
        url,
        verifier,
        _rt: rt,
    }
}

fn post(url: &str, body: &[u8]) -> (u16, String, String) {
    match ureq::post(&format!("{url}/add-checkpoint")).send_bytes(body) {
        Ok(r) => (
            r.status(),
            r.content_type().to_owned(),
            r.into_string().unwrap(),
        ),
        Err(ureq::Error::Status(s, r)) => {
            (s, r.content_type().to_owned(), r.into_string().unwrap())
        }
        Err(e) => panic!("{e}"),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A memory ledger on the system clock with `n` roots published.
fn ledger_with(n: u64, k: &Keys) -> Ledger {
    ledger_of(n, 0, k)
}

/// Same, the roots' values offset by `salt` (another log's history).
fn ledger_of(n: u64, salt: u64, k: &Keys) -> Ledger {
    let clock = Arc::new(AtomicU64::new(now()));
    let storage: Box<dyn Storage> = Box::new(MemoryStorage::default());
    let l = Ledger::open(storage, config(k, None, &clock)).unwrap();
    for e in 1..=n {
        l.submit(root_submission(&k.land, e, Fr::from(e + salt), 10, now()))
            .unwrap();
    }
    l
}

#[test]
fn the_witness_answers_add_checkpoint_as_the_specification_says() {
    let k = keys();
    let log = ledger_with(3, &k);
    let dir = tempfile::tempdir().unwrap();
    let name = "witness.test/w1";
    let w = serve(Witness::open(dir.path(), name, vec![log.note_verifier()]).unwrap());
    let cp = log.checkpoint().unwrap();

    // Unknown origin: 404.
    let other = Ledger::open(
        Box::new(MemoryStorage::default()),
        zkgov_ledger::LedgerConfig {
            origin: "zkgov.test/other".into(),
            ..config(&k, None, &Arc::new(AtomicU64::new(now())))
        },
    )
    .unwrap();
    let body = add_checkpoint_body(0, &[], other.checkpoint().unwrap().note.as_bytes());
    assert_eq!(post(&w.url, &body).0, 404);
    // Signed by another key under the log's name: 403.
    let forger = Ledger::open(
        Box::new(MemoryStorage::default()),
        zkgov_ledger::LedgerConfig {
            signer: SigningKey::from_bytes(&[42; 32]),
            ..config(&k, None, &Arc::new(AtomicU64::new(now())))
        },
    )
    .unwrap();
    let body = add_checkpoint_body(0, &[], forger.checkpoint().unwrap().note.as_bytes());
    assert_eq!(post(&w.url, &body).0, 403);
    // Old size above the checkpoint's: 400. Garbage: 400.
    let body = add_checkpoint_body(cp.size + 1, &[], cp.note.as_bytes());
    assert_eq!(post(&w.url, &body).0, 400);
    assert_eq!(post(&w.url, b"old 01\n\nx").0, 400);
    // Old size 0 with a proof: 422.
    let proof = log.consistency_proof(1, cp.size).unwrap();
    let body = add_checkpoint_body(0, &proof, cp.note.as_bytes());
    assert_eq!(post(&w.url, &body).0, 422);

    // The first checkpoint: cosigned, and the cosignature verifies.
    let (status, _, lines) = post(&w.url, &add_checkpoint_body(0, &[], cp.note.as_bytes()));
    assert_eq!(status, 200, "{lines}");
    let cosigned = format!("{}{lines}", cp.note);
    let v = verify_cosignatures(
        cosigned.as_bytes(),
        &log.note_verifier(),
        std::slice::from_ref(&w.verifier),
    )
    .unwrap();
    assert_eq!(v.cosigners(), vec![name]);
    assert_eq!(v.checkpoint.size, cp.size);

    // The log grows. Old size 0 again: 409 with the witness's size.
    log.submit(root_submission(&k.land, 4, Fr::from(4u64), 10, now()))
        .unwrap();
    let cp2 = log.checkpoint().unwrap();
    let (status, ctype, body) = post(&w.url, &add_checkpoint_body(0, &[], cp2.note.as_bytes()));
    assert_eq!((status, ctype.as_str()), (409, "text/x.tlog.size"));
    assert_eq!(body, format!("{}\n", cp.size));
    // A wrong proof: 422; the right one: 200.
    let bad = vec![[7u8; 32]];
    let (status, _, _) = post(
        &w.url,
        &add_checkpoint_body(cp.size, &bad, cp2.note.as_bytes()),
    );
    assert_eq!(status, 422);
    let proof = log.consistency_proof(cp.size, cp2.size).unwrap();
    let (status, _, _) = post(
        &w.url,
        &add_checkpoint_body(cp.size, &proof, cp2.note.as_bytes()),
    );
    assert_eq!(status, 200);

    // A fork: the same log key and origin, other entries, a larger tree.
    let fork = ledger_of(6, 1000, &k);
    let fcp = fork.checkpoint().unwrap();
    let proof = fork.consistency_proof(cp2.size, fcp.size).unwrap();
    let (status, _, _) = post(
        &w.url,
        &add_checkpoint_body(cp2.size, &proof, fcp.note.as_bytes()),
    );
    assert_eq!(status, 422, "a fork must not be cosigned");

    // Monitors read the latest cosigned checkpoint by origin hash.
    let hash = hex::encode(Sha256::digest(ORIGIN.as_bytes()));
    let note = ureq::get(&format!("{}/{hash}/checkpoint", w.url))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(note.starts_with(&cp2.note), "{note}");
    assert!(note.contains(&format!("\u{2014} {name} ")));
    let missing = ureq::get(&format!("{}/{}/checkpoint", w.url, "0".repeat(64))).call();
    assert!(matches!(missing, Err(ureq::Error::Status(404, _))));

    // Restarted, the witness remembers the size (persisted before it answered).
    drop(w);
    let w = serve(Witness::open(dir.path(), name, vec![log.note_verifier()]).unwrap());
    let (status, _, body) = post(&w.url, &add_checkpoint_body(0, &[], cp2.note.as_bytes()));
    assert_eq!((status, body), (409, format!("{}\n", cp2.size)));
}

fn until(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn endpoint(w: &Served) -> WitnessEndpoint {
    WitnessEndpoint::parse(&format!("{},{}", w.url, w.verifier.to_vkey())).unwrap()
}

fn witnesses(ws: &[&Served], quorum: usize) -> WitnessPolicy {
    WitnessPolicy {
        witnesses: ws.iter().map(|w| w.verifier.clone()).collect(),
        quorum,
    }
}

#[test]
fn the_ledger_gathers_cosignatures_and_receipts_carry_them() {
    let k = keys();
    let log = ledger_with(2, &k);
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let w1 = serve(Witness::open(d1.path(), "witness.test/a", vec![log.note_verifier()]).unwrap());
    let w2 = serve(Witness::open(d2.path(), "witness.test/b", vec![log.note_verifier()]).unwrap());
    let w3 = serve(
        Witness::in_memory("witness.test/c", SigningKey::from_bytes(&[33; 32]), vec![]).unwrap(),
    );
    log.start_witnessing(
        vec![endpoint(&w1), endpoint(&w2)],
        Duration::from_millis(20),
    )
    .unwrap();
    let r = log
        .submit(root_submission(&k.land, 3, Fr::from(3u64), 100, now()))
        .unwrap();
    let size = log.size();
    until("both witnesses cosign", || {
        log.cosigned_checkpoint()
            .unwrap()
            .is_some_and(|c| c.size == size && c.note.matches('\u{2014}').count() == 3)
    });
    let st = log.witness_status();
    assert!(
        st.iter().all(|s| s.cosigned == size && s.error.is_none()),
        "{st:?}"
    );
    // The served checkpoint and a receipt fetched now carry both.
    let receipt = log.receipt(r.index).unwrap();
    let logk = log.note_verifier();
    receipt
        .verify_witnessed(&logk, &witnesses(&[&w1, &w2], 2))
        .unwrap();
    assert_eq!(log.checkpoint().unwrap().note, receipt.checkpoint);
    // The receipt handed out at commit had none: a quorum refuses it.
    let e = r
        .verify_witnessed(&logk, &witnesses(&[&w1, &w2], 1))
        .unwrap_err();
    assert!(matches!(e, VerifyError::Log(_)), "{e}");
    // A witness that did not cosign does not count.
    let e = receipt
        .verify_witnessed(&logk, &witnesses(&[&w1, &w3], 2))
        .unwrap_err();
    assert!(e.to_string().contains("cosign"), "{e}");
    // A receipt whose cosignature was tampered with is refused.
    let mut tampered = receipt.clone();
    let at = tampered.checkpoint.rfind(' ').unwrap() + 2;
    let c = if &tampered.checkpoint[at..at + 1] == "A" {
        "B"
    } else {
        "A"
    };
    tampered.checkpoint.replace_range(at..at + 1, c);
    assert!(tampered
        .verify_witnessed(&logk, &witnesses(&[&w1, &w2], 2))
        .is_err());
    // RootPolicy asks for it too.
    let policy = |quorum| RootPolicy {
        authority: "land-registry".into(),
        authority_key: AuthorityKey(k.land.verifying_key()),
        registry_id: "parcels".into(),
        max_age_secs: 3600,
        min_leaves: 10,
        witnesses: witnesses(&[&w1, &w2, &w3], quorum),
    };
    assert_eq!(
        policy(2).check(&receipt, &logk, now()).unwrap().0,
        Fr::from(3u64)
    );
    assert!(policy(3).check(&receipt, &logk, now()).is_err());
    assert!(policy(1).check(&r, &logk, now()).is_err());
}

#[test]
fn a_rolled_back_data_directory_is_caught_by_the_witnesses() {
    let k = keys();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("ledger");
    let snapshot = tmp.path().join("snapshot");
    let open = || zkgov_ledger::dir::open_dir(&data, Some(ORIGIN), authorities(&k)).unwrap();
    let l = open();
    let logk = l.note_verifier();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let w1 = serve(Witness::open(d1.path(), "witness.test/a", vec![logk.clone()]).unwrap());
    let w2 = serve(Witness::open(d2.path(), "witness.test/b", vec![logk.clone()]).unwrap());
    let ends = || vec![endpoint(&w1), endpoint(&w2)];
    l.submit(root_submission(&k.land, 1, Fr::from(1u64), 10, now()))
        .unwrap();
    l.close();
    copy_dir(&data, &snapshot);

    let l = open();
    l.start_witnessing(ends(), Duration::from_millis(20))
        .unwrap();
    for e in 2..=4 {
        l.submit(root_submission(&k.land, e, Fr::from(e), 10, now()))
            .unwrap();
    }
    let size = l.size();
    until("cosigned", || {
        l.witness_status().iter().all(|s| s.cosigned == size)
    });
    l.close();

    // The operator restores the whole directory, rollback guard included,
    // and the log signs a different entry 2.
    std::fs::remove_dir_all(&data).unwrap();
    copy_dir(&snapshot, &data);
    let l = open();
    l.start_witnessing(ends(), Duration::from_millis(20))
        .unwrap();
    let r = l
        .submit(root_submission(&k.land, 2, Fr::from(99u64), 10, now()))
        .unwrap();
    until("both witnesses refuse", || {
        l.witness_status().iter().all(|s| s.error.is_some())
    });
    for s in l.witness_status() {
        assert!(
            s.error.as_ref().unwrap().contains("rolled back or forked"),
            "{s:?}"
        );
    }
    std::thread::sleep(Duration::from_millis(100));
    // No witness vouches for the new entry: an agency checking a receipt
    // with a quorum of 1 refuses it.
    let receipt = l.receipt(r.index).unwrap();
    assert!(receipt
        .verify_witnessed(&logk, &witnesses(&[&w1, &w2], 1))
        .is_err());
    // Without witnesses the log's own signature would have passed.
    receipt.verify(&logk).unwrap();
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        // SQLite's shared-memory index belongs to the open database, not
        // its contents: a backup leaves it out.
        if e.file_name().to_string_lossy().ends_with("-shm") {
            continue;
        }
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}
