//! Hardening found in review: each test fails without its fix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    sync::{atomic::AtomicU64, Arc},
    time::{Duration, Instant},
};

use common::*;
use zkgov_ledger::{
    authority::{AuthoritySigner, RootPublication},
    dir::open_dir,
    store::{SqliteStorage, Storage, StoredCheckpoint, StoredEntry},
    ErrorCode, Ledger, LedgerError, Refusal, Submission,
};
use zkgov_verifier::{Fr, MerkleRoot, PublicInputs, Role};

const AT: u64 = 1_800_000_000;

fn clock() -> Arc<AtomicU64> {
    Arc::new(AtomicU64::new(AT))
}

/// SQLite storage whose commits take `delay` (a slow disk).
struct SlowStorage {
    inner: SqliteStorage,
    delay: Duration,
}

impl Storage for SlowStorage {
    fn scan(
        &self,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        self.inner.scan(f)
    }
    fn entry(&self, index: u64) -> Result<Option<StoredEntry>, LedgerError> {
        self.inner.entry(index)
    }
    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError> {
        self.inner.latest_checkpoint()
    }
    fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>, LedgerError> {
        self.inner.checkpoint(size)
    }
    fn append(
        &mut self,
        entries: &[StoredEntry],
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), LedgerError> {
        std::thread::sleep(self.delay);
        self.inner.append(entries, checkpoint)
    }
    fn nullifier(&self, scope: &str, nullifier: &str) -> Result<Option<u64>, LedgerError> {
        self.inner.nullifier(scope, nullifier)
    }
    fn integrity_check(&self) -> Result<(), LedgerError> {
        self.inner.integrity_check()
    }
    fn reader(&self) -> Result<Option<Box<dyn Storage>>, LedgerError> {
        self.inner.reader()
    }
}

fn slow_ledger(dir: &std::path::Path, delay: Duration, max_in_flight: usize) -> (Ledger, Keys) {
    let k = keys();
    let storage = SlowStorage {
        inner: SqliteStorage::open(&dir.join("ledger.db")).unwrap(),
        delay,
    };
    let mut cfg = config(&k, None, &clock());
    cfg.max_in_flight = max_in_flight;
    (Ledger::open(Box::new(storage), cfg).unwrap(), k)
}

#[test]
fn a_failed_signed_size_write_halts_signing_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys();
    let state = dir.path().join("signed.json");
    let open = || {
        Ledger::open(
            Box::new(SqliteStorage::open(&dir.path().join("ledger.db")).unwrap()),
            config(&k, Some(state.clone()), &clock()),
        )
        .unwrap()
    };
    let ledger = open();
    ledger
        .submit(root_submission(&k.land, 1, Fr::from(11u64), 10, AT))
        .unwrap();
    // The signed-size file's temporary file cannot be created: the next
    // commit reaches storage but not the signed-size file.
    let blocker = dir
        .path()
        .join(format!(".signed.json.tmp.{}", std::process::id()));
    std::fs::create_dir(&blocker).unwrap();
    let r = ledger
        .submit(root_submission(&k.land, 2, Fr::from(12u64), 10, AT))
        .expect("a durable batch is acknowledged");
    assert_eq!(r.index, 2);
    r.verify(&ledger.note_verifier()).unwrap();
    // Memory kept up with storage: the entry is served and under the checkpoint.
    assert_eq!(ledger.size(), 3);
    assert_eq!(ledger.checkpoint().unwrap().size, 3);
    assert!(ledger.entry(2).unwrap().is_some());
    // ... and the ledger no longer signs.
    let e = ledger
        .submit(root_submission(&k.land, 3, Fr::from(13u64), 10, AT))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Halted, "{e}");
    assert_eq!(ledger.size(), 3);
    ledger.close();
    // Reopened, it has everything and signs again; the honest batch's
    // retry is refused as a duplicate, not lost.
    std::fs::remove_dir(&blocker).unwrap();
    let ledger = open();
    assert_eq!(ledger.size(), 3);
    assert_eq!(
        ledger
            .submit(root_submission(&k.land, 2, Fr::from(12u64), 10, AT))
            .unwrap_err()
            .code(),
        ErrorCode::Duplicate
    );
    ledger
        .submit(root_submission(&k.land, 3, Fr::from(13u64), 10, AT))
        .unwrap();
}

#[test]
fn cheap_checks_run_before_the_pairing() {
    let (ledger, k) = memory_ledger();
    let p = proofs();
    let b = p.bundle(3, 7, 1, 1);
    let other = p.bundle(4, 7, 1, 2);
    // A bundle whose proof bytes are another statement's: the pairing
    // check would call it invalid. Each cheaper refusal comes first.
    let mut garbage = b.clone();
    garbage.proof = other.proof.clone();
    let submit = |bundle: &zkgov_verifier::Bundle| {
        ledger.submit(Submission::Proof {
            bundle: Box::new(bundle.clone()),
        })
    };
    assert!(matches!(
        submit(&garbage),
        Err(LedgerError::Refused(Refusal::UnregisteredKey(_)))
    ));
    ledger.submit(vk_submission(&k.admin, &p.vk)).unwrap();
    assert!(matches!(
        submit(&garbage),
        Err(LedgerError::Refused(Refusal::RootNotPublished { .. }))
    ));
    ledger
        .submit(root_submission(&k.land, 1, p.tree.root(), 6, AT))
        .unwrap();
    assert_eq!(
        submit(&garbage).unwrap_err().code(),
        ErrorCode::InvalidProof
    );
    let first = submit(&b).unwrap();
    // A replay with garbage proof bytes is refused by the nullifier lookup.
    assert!(matches!(
        submit(&garbage),
        Err(LedgerError::NullifierUsed { index }) if index == first.index
    ));
}

#[test]
fn reads_do_not_wait_for_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let (ledger, k) = slow_ledger(dir.path(), Duration::from_millis(1500), 16);
    let writer = {
        let (ledger, key) = (ledger.clone(), k.land.clone());
        std::thread::spawn(move || {
            ledger
                .submit(root_submission(&key, 1, Fr::from(21u64), 10, AT))
                .unwrap()
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    assert_eq!(
        ledger.size(),
        1,
        "the batch being written is not visible yet"
    );
    assert_eq!(ledger.checkpoint().unwrap().size, 1);
    assert!(ledger.entry(0).unwrap().is_some());
    assert!(ledger.entry(1).unwrap().is_none());
    ledger.receipt(0).unwrap();
    ledger.inclusion_proof(0, 1).unwrap();
    assert!(ledger.roots("parcels").unwrap().is_empty());
    let waited = t.elapsed();
    assert!(
        waited < Duration::from_millis(700),
        "reads waited {waited:?} for the commit"
    );
    assert_eq!(writer.join().unwrap().index, 1);
    assert_eq!(ledger.size(), 2);
}

#[test]
fn submissions_beyond_the_bound_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (ledger, k) = slow_ledger(dir.path(), Duration::from_millis(1000), 2);
    let writers: Vec<_> = (1..=2u64)
        .map(|i| {
            let (ledger, key) = (ledger.clone(), k.land.clone());
            let w = std::thread::spawn(move || {
                ledger.submit(root_submission(&key, i, Fr::from(30 + i), 10, AT))
            });
            std::thread::sleep(Duration::from_millis(150));
            w
        })
        .collect();
    let t = Instant::now();
    let e = ledger
        .submit(root_submission(&k.land, 9, Fr::from(39u64), 10, AT))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Busy, "{e}");
    assert!(t.elapsed() < Duration::from_millis(500));
    let done: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    assert!(done.iter().all(|r| r.is_ok()), "{done:?}");
}

#[test]
fn signed_entries_do_not_cross_logs() {
    let (ledger, k) = memory_ledger();
    let land = AuthoritySigner::from_key(
        "land-registry",
        Role::RegistryAuthority,
        vec!["parcels".into()],
        k.land.clone(),
    );
    let publication = RootPublication {
        registry_id: "parcels",
        epoch: 1,
        root: MerkleRoot(Fr::from(5u64)),
        leaf_count: 10,
        published_at: AT,
    };
    // Signed by the right key, for another log.
    let elsewhere = land.publish_root("zkgov.test/another-ledger", publication);
    assert_eq!(
        ledger.submit(elsewhere).unwrap_err().code(),
        ErrorCode::InvalidSignature
    );
    ledger
        .submit(land.publish_root(ORIGIN, publication))
        .unwrap();
}

#[test]
fn a_data_directory_is_locked_and_opens_only_as_its_genesis_says() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("ledger");
    let k = keys();
    let ledger = open_dir(&d, Some("zkgov.test/one"), authorities(&k)).unwrap();
    let config_error = |r: Result<Ledger, LedgerError>| match r {
        Err(LedgerError::Config(m)) => m,
        Err(e) => panic!("expected a configuration error, got {e}"),
        Ok(_) => panic!("opened"),
    };
    // A second process (or handle) on the same directory is refused.
    let m = config_error(open_dir(&d, None, vec![]));
    assert!(m.contains("in use"), "{m}");
    ledger.close();
    // The genesis decides: no origin given means the genesis's, another
    // origin or another genesis is refused.
    let again = open_dir(&d, None, vec![]).unwrap();
    assert_eq!(again.origin(), "zkgov.test/one");
    again.close();
    let m = config_error(open_dir(&d, Some("zkgov.test/two"), vec![]));
    assert!(m.contains("zkgov.test/one"), "{m}");
    let mut other = authorities(&k);
    other.pop();
    config_error(open_dir(&d, None, other));
    open_dir(&d, None, authorities(&k)).unwrap().close();
    // Without its log key the log is not signed under a fresh one.
    let key = d.join("log-key.json");
    let saved = std::fs::read(&key).unwrap();
    std::fs::remove_file(&key).unwrap();
    let m = config_error(open_dir(&d, None, vec![]));
    assert!(m.contains("log key"), "{m}");
    assert!(!key.exists(), "a new key was written");
    // Another log's key is refused too.
    zkgov_ledger::dir::create_log_key(&key).unwrap();
    config_error(open_dir(&d, None, vec![]));
    std::fs::remove_file(&key).unwrap();
    std::fs::write(&key, saved).unwrap();
    let l = open_dir(&d, None, vec![]).unwrap();
    assert_eq!(l.size(), 1);
}

#[test]
fn anchored_proof_public_inputs_are_typed_end_to_end() {
    let (ledger, k) = memory_ledger();
    let p = proofs();
    ledger.submit(vk_submission(&k.admin, &p.vk)).unwrap();
    ledger
        .submit(root_submission(&k.land, 1, p.tree.root(), 6, AT))
        .unwrap();
    let b = p.bundle(0, 9, 3, 1);
    let r = ledger
        .submit(Submission::Proof {
            bundle: Box::new(b.clone()),
        })
        .unwrap();
    let PublicInputs::Record(pi) = b.public().unwrap() else {
        panic!()
    };
    let v = r.verify(&ledger.note_verifier()).unwrap();
    let zkgov_verifier::EntryBody::ProofAnchor(a) = v.entry.body else {
        panic!()
    };
    assert_eq!(
        (a.root, a.scope, a.nullifier),
        (pi.root, pi.scope, pi.nullifier)
    );
    assert_eq!(a.public_inputs, b.public_inputs);
    assert_eq!(
        ledger.nullifier(&pi.scope, &pi.nullifier).unwrap(),
        Some(r.index)
    );
}

#[test]
fn who_may_not_register_learns_nothing_about_what_is_registered() {
    let (ledger, k) = memory_ledger();
    let p = proofs();
    ledger.submit(vk_submission(&k.admin, &p.vk)).unwrap();
    // The land registry re-submitting a registered key is told it may not
    // register, not that the key is there.
    let land = AuthoritySigner::from_key(
        "land-registry",
        Role::RegistryAuthority,
        vec!["parcels".into()],
        k.land.clone(),
    );
    let sub = land.register_vk(
        ORIGIN,
        zkgov_verifier::StatementId::RecordMembershipV2,
        DEPTH as u64,
        &p.vk,
    );
    assert_eq!(
        ledger.submit(sub).unwrap_err().code(),
        ErrorCode::Unauthorised
    );
    assert_eq!(
        ledger
            .submit(vk_submission(&k.admin, &p.vk))
            .unwrap_err()
            .code(),
        ErrorCode::Duplicate
    );
}
