//! Ledger behaviour: authority rules, anchoring, nullifier uniqueness under
//! concurrency, receipts and root policy, reopening, rollback and corruption.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod pg;

use std::sync::{atomic::AtomicU64, Arc};

use common::*;
use ed25519_dalek::SigningKey;
use zkgov_ledger::{
    store::{SqliteStorage, Storage},
    Ledger, LedgerError, Refusal, Submission,
};
use zkgov_verifier::{
    check_anchor, log::verify_checkpoint, log::verify_consistency, AuthorityKey, EntryBody, Fr,
    KeyRegistration, Role, RootPolicy,
};

fn proof_submission(b: &zkgov_verifier::Bundle) -> Submission {
    Submission::Proof {
        bundle: Box::new(b.clone()),
    }
}

#[test]
fn genesis_checkpoint_and_receipt_verify_offline() {
    let (ledger, _k) = memory_ledger();
    assert_eq!(ledger.size(), 1);
    let log = ledger.note_verifier();
    let cp = verify_checkpoint(
        ledger.checkpoint().unwrap().note.as_bytes(),
        std::slice::from_ref(&log),
    )
    .unwrap();
    assert_eq!(cp.checkpoint.size, 1);
    let r = ledger.receipt(0).unwrap().verify(&log).unwrap();
    assert_eq!(r.entry.kind(), "genesis");
    // A receipt checked with another log key fails.
    let other = zkgov_verifier::log::NoteVerifier::new(
        "zkgov.test/ledger",
        SigningKey::from_bytes(&[9; 32]).verifying_key(),
    )
    .unwrap();
    assert!(ledger.receipt(0).unwrap().verify(&other).is_err());
}

#[test]
fn registry_roots_follow_the_authority_rules_and_refusals_write_nothing() {
    let (ledger, k) = memory_ledger();
    let now = 1_800_000_000;
    let ok = ledger
        .submit(root_submission(&k.land, 1, Fr::from(11u64), 100, now))
        .unwrap();
    assert_eq!(ok.index, 1);
    let size = ledger.size();
    let wrong_key = SigningKey::from_bytes(&[42; 32]);
    let mut wrong_registry = root_submission(&k.land, 5, Fr::from(12u64), 100, now);
    if let Submission::RegistryRoot(r) = &mut wrong_registry {
        r.registry_id = "vehicles".into();
        let mut body = EntryBody::RegistryRoot(r.clone());
        sign(&mut body, &k.land);
        if let EntryBody::RegistryRoot(signed) = body {
            *r = signed;
        }
    }
    let mut unknown = root_submission(&k.land, 5, Fr::from(13u64), 100, now);
    if let Submission::RegistryRoot(r) = &mut unknown {
        r.authority = "nobody".into();
    }
    let cases: Vec<(&str, Submission)> = vec![
        (
            "signed by another key",
            root_submission(&wrong_key, 2, Fr::from(12u64), 100, now),
        ),
        (
            "signed by the admin",
            root_submission(&k.admin, 2, Fr::from(12u64), 100, now),
        ),
        ("registry it may not publish", wrong_registry),
        ("unknown authority", unknown),
        (
            "stale epoch",
            root_submission(&k.land, 1, Fr::from(12u64), 100, now),
        ),
        (
            "duplicate root",
            root_submission(&k.land, 2, Fr::from(11u64), 100, now),
        ),
        (
            "no records",
            root_submission(&k.land, 2, Fr::from(12u64), 0, now),
        ),
        (
            "from the future",
            root_submission(&k.land, 2, Fr::from(12u64), 100, now + 3600),
        ),
    ];
    for (what, sub) in cases {
        let e = ledger
            .submit(sub)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(
            !matches!(e, LedgerError::Storage(_) | LedgerError::Corrupt(_)),
            "{what}: {e}"
        );
        assert_eq!(ledger.size(), size, "{what}: something was written");
    }
    // Key registration needs an admin signature.
    let newcomer = SigningKey::from_bytes(&[5; 32]);
    let mut body = EntryBody::KeyRegistration(KeyRegistration {
        authority: zkgov_verifier::Authority {
            name: "tax-office".into(),
            role: Role::Issuer,
            public_key: AuthorityKey(newcomer.verifying_key()),
            registries: vec![],
        },
        registered_by: "land-registry".into(),
        signature: Default::default(),
    });
    sign(&mut body, &k.land);
    let EntryBody::KeyRegistration(by_land) = body.clone() else {
        unreachable!()
    };
    assert!(matches!(
        ledger.submit(Submission::KeyRegistration(by_land)),
        Err(LedgerError::Unauthorised(_))
    ));
    if let EntryBody::KeyRegistration(kr) = &mut body {
        kr.registered_by = "admin".into();
    }
    sign(&mut body, &k.admin);
    let EntryBody::KeyRegistration(by_admin) = body else {
        unreachable!()
    };
    ledger
        .submit(Submission::KeyRegistration(by_admin))
        .unwrap();
}

#[test]
fn only_roots_of_the_vouching_role_anchor_proofs() {
    let (ledger, k) = memory_ledger();
    let p = proofs();
    let b = p.bundle(1, 7, 1, 1);
    ledger.submit(vk_submission(&k.admin, &p.vk)).unwrap();
    let at = 1_800_000_000;
    // An issuer publishes revocation roots, an empty tree's (0 revoked) too.
    ledger
        .submit(root_submission_by(
            &k.issuer,
            "issuer-a",
            "revocation/issuer-a",
            1,
            Fr::from(5u64),
            0,
            at,
        ))
        .unwrap();
    // It may publish any value there, even the registry's root; that does not
    // make the value a registry root: the record proof is still refused.
    ledger
        .submit(root_submission_by(
            &k.issuer,
            "issuer-a",
            "revocation/issuer-a",
            2,
            p.tree.root(),
            1,
            at,
        ))
        .unwrap();
    assert!(matches!(
        ledger.submit(proof_submission(&b)),
        Err(LedgerError::Refused(Refusal::RootNotPublished { .. }))
    ));
    // Nor into registries it is not listed for, nor a 0-leaf issuer list.
    assert!(matches!(
        ledger.submit(root_submission_by(
            &k.issuer,
            "issuer-a",
            "parcels",
            3,
            Fr::from(6u64),
            1,
            at
        )),
        Err(LedgerError::Unauthorised(_))
    ));
    assert!(matches!(
        ledger.submit(root_submission_by(
            &k.accreditor,
            "accreditor",
            "accredited-issuers",
            1,
            Fr::from(7u64),
            0,
            at
        )),
        Err(LedgerError::Refused(Refusal::EmptyRegistry))
    ));
    // The admin publishes no roots.
    assert!(matches!(
        ledger.submit(root_submission_by(
            &k.admin,
            "admin",
            "parcels",
            4,
            Fr::from(8u64),
            1,
            at
        )),
        Err(LedgerError::Unauthorised(_))
    ));
    // The same value published by the land registry (an issuer published it
    // first: per-registry uniqueness lets it through) makes the proof anchorable.
    ledger
        .submit(root_submission(&k.land, 1, p.tree.root(), 6, at))
        .unwrap();
    ledger.submit(proof_submission(&b)).unwrap();
    // Roots survive a restart with their roles (replay).
    assert_eq!(ledger.roots("revocation/issuer-a").unwrap().len(), 2);
}

#[test]
fn proofs_are_verified_before_anchoring_and_nullifiers_are_used_once() {
    let (ledger, k) = memory_ledger();
    let p = proofs();
    let b = p.bundle(2, 7, 1, 1);
    // Unknown key, then unknown root.
    assert!(matches!(
        ledger.submit(proof_submission(&b)),
        Err(LedgerError::Refused(Refusal::UnregisteredKey(_)))
    ));
    ledger.submit(vk_submission(&k.admin, &p.vk)).unwrap();
    assert!(matches!(
        ledger.submit(proof_submission(&b)),
        Err(LedgerError::Refused(Refusal::RootNotPublished { .. }))
    ));
    ledger
        .submit(root_submission(&k.land, 1, p.tree.root(), 6, 1_800_000_000))
        .unwrap();
    // A tampered proof is refused.
    let mut tampered = b.clone();
    tampered.public_inputs[5] += Fr::from(1u64);
    assert!(matches!(
        ledger.submit(proof_submission(&tampered)),
        Err(LedgerError::Verify(_))
    ));
    let size = ledger.size();
    let receipt = ledger.submit(proof_submission(&b)).unwrap();
    assert_eq!(receipt.index, size);
    let v = receipt.verify(&ledger.note_verifier()).unwrap();
    let EntryBody::ProofAnchor(anchor) = v.entry.body else {
        panic!("not an anchor")
    };
    assert_eq!(anchor.nullifier.0, b.public_inputs[4]);
    // Same nullifier, re-randomised proof bytes: refused (uniqueness is on
    // the nullifier, not on the proof).
    let again = p.rerandomise(&b, 9);
    assert_ne!(again.proof.digest(), b.proof.digest());
    assert!(
        matches!(ledger.submit(proof_submission(&again)), Err(LedgerError::NullifierUsed { index }) if index == size)
    );
    // Another challenge, same scope: same nullifier, refused too.
    assert!(matches!(
        ledger.submit(proof_submission(&p.bundle(2, 7, 2, 3))),
        Err(LedgerError::NullifierUsed { .. })
    ));
    // An agency given the bundle and its receipt checks the anchor offline;
    // the receipt of another proof does not pass for this bundle.
    let log = ledger.note_verifier();
    assert_eq!(check_anchor(&receipt, &log, &b).unwrap(), size);
    assert_eq!(check_anchor(&receipt, &log, &again).unwrap(), size);
    // Another scope: a different nullifier, accepted.
    let other = p.bundle(2, 8, 1, 4);
    let other_receipt = ledger.submit(proof_submission(&other)).unwrap();
    assert!(check_anchor(&other_receipt, &log, &b).is_err());
    assert!(check_anchor(&ledger.receipt(0).unwrap(), &log, &b).is_err());
    assert_eq!(
        ledger.nullifier(&anchor.scope, &anchor.nullifier).unwrap(),
        Some(size)
    );
}

#[test]
fn sixty_four_concurrent_submitters_of_one_nullifier_one_wins() {
    let (ledger, k) = memory_ledger();
    sixty_four_submitters(&ledger, &k, &proofs());
}

/// 64 threads submit re-randomised proofs of one nullifier at once: one is
/// accepted and 63 are told why not.
fn sixty_four_submitters(ledger: &Ledger, k: &Keys, p: &Proofs) {
    ledger.submit(vk_submission(&k.admin, &p.vk)).unwrap();
    ledger
        .submit(root_submission(&k.land, 1, p.tree.root(), 6, 1_800_000_000))
        .unwrap();
    let b = p.bundle(1, 7, 1, 1);
    let bundles: Vec<_> = (0..64).map(|i| p.rerandomise(&b, 100 + i)).collect();
    let barrier = Arc::new(std::sync::Barrier::new(64));
    let handles: Vec<_> = bundles
        .into_iter()
        .map(|bundle| {
            let (l, bar) = (ledger.clone(), barrier.clone());
            std::thread::spawn(move || {
                bar.wait();
                l.submit(proof_submission(&bundle))
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    let told_why = results
        .iter()
        .filter(|r| matches!(r, Err(LedgerError::NullifierUsed { .. })))
        .count();
    assert_eq!((accepted, told_why), (1, 63), "{results:?}");
}

#[test]
fn a_ledger_on_postgres_anchors_each_nullifier_once_and_reopens() {
    let Some(db) = pg::test_db("ledger_on_postgres") else {
        return;
    };
    let k = keys();
    let p = proofs();
    let clock = Arc::new(AtomicU64::new(1_800_000_000));
    let dir = tempfile::tempdir().unwrap();
    let state = Some(dir.path().join("signed.json"));
    let ledger = Ledger::open(Box::new(db.open()), config(&k, state.clone(), &clock)).unwrap();
    sixty_four_submitters(&ledger, &k, &p);
    let (size, cp) = (ledger.size(), ledger.checkpoint().unwrap());
    let anchored = ledger.receipt(size - 1).unwrap();
    ledger.close();
    // Reopened: everything replays, the nullifier is still taken.
    let ledger = Ledger::open(Box::new(db.open()), config(&k, state, &clock)).unwrap();
    assert_eq!(ledger.size(), size);
    assert_eq!(ledger.checkpoint().unwrap(), cp);
    assert_eq!(ledger.receipt(size - 1).unwrap(), anchored);
    assert!(matches!(
        ledger.submit(proof_submission(&p.rerandomise(&p.bundle(1, 7, 1, 1), 7))),
        Err(LedgerError::NullifierUsed { index }) if index == size - 1
    ));
    ledger.close();
}

#[test]
fn root_policy_checks_authority_age_and_size() {
    let (ledger, k) = memory_ledger();
    let now = 1_800_000_000;
    let receipt = ledger
        .submit(root_submission(&k.land, 1, Fr::from(99u64), 500, now - 100))
        .unwrap();
    let log = ledger.note_verifier();
    let policy = RootPolicy {
        authority: "land-registry".into(),
        authority_key: AuthorityKey(k.land.verifying_key()),
        registry_id: "parcels".into(),
        max_age_secs: 3600,
        min_leaves: 100,
        witnesses: Default::default(),
    };
    assert_eq!(
        policy.check(&receipt, &log, now).unwrap().0,
        Fr::from(99u64)
    );
    let refused = |p: RootPolicy, now: u64| p.check(&receipt, &log, now).is_err();
    assert!(
        refused(
            RootPolicy {
                min_leaves: 501,
                ..policy.clone()
            },
            now
        ),
        "too small"
    );
    assert!(refused(policy.clone(), now + 3600), "too old");
    assert!(
        refused(
            RootPolicy {
                registry_id: "vehicles".into(),
                ..policy.clone()
            },
            now
        ),
        "other registry"
    );
    assert!(
        refused(
            RootPolicy {
                authority_key: AuthorityKey(k.admin.verifying_key()),
                ..policy.clone()
            },
            now
        ),
        "other key"
    );
    // A receipt for a non-root entry is refused.
    assert!(policy
        .check(&ledger.receipt(0).unwrap(), &log, now)
        .is_err());
}

fn sqlite(dir: &std::path::Path) -> Box<dyn Storage> {
    Box::new(SqliteStorage::open(&dir.join("ledger.db")).unwrap())
}

/// A SQLite ledger in a temp dir holding three root publications.
fn sqlite_with_three_roots() -> (tempfile::TempDir, Keys, Arc<AtomicU64>, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let k = keys();
    let clock = Arc::new(AtomicU64::new(1_800_000_000));
    let ledger = Ledger::open(sqlite(dir.path()), config(&k, None, &clock)).unwrap();
    for e in 1..=3 {
        ledger
            .submit(root_submission(&k.land, e, Fr::from(e), 10, 1_800_000_000))
            .unwrap();
    }
    (dir, k, clock, ledger)
}

#[test]
fn reopening_keeps_everything_and_the_log_only_grows() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys();
    let clock = Arc::new(AtomicU64::new(1_800_000_000));
    let state = Some(dir.path().join("signed.json"));
    let ledger = Ledger::open(sqlite(dir.path()), config(&k, state.clone(), &clock)).unwrap();
    for e in 1..=5 {
        ledger
            .submit(root_submission(&k.land, e, Fr::from(e), 10, 1_800_000_000))
            .unwrap();
    }
    let old = ledger.checkpoint().unwrap();
    ledger.close();
    let ledger = Ledger::open(sqlite(dir.path()), config(&k, state, &clock)).unwrap();
    assert_eq!(ledger.size(), 6);
    assert_eq!(ledger.roots("parcels").unwrap().len(), 5);
    ledger
        .submit(root_submission(
            &k.land,
            6,
            Fr::from(6u64),
            10,
            1_800_000_000,
        ))
        .unwrap();
    let new = ledger.checkpoint().unwrap();
    let proof = ledger.consistency_proof(old.size, new.size).unwrap();
    verify_consistency(old.size, new.size, &old.root, &new.root, &proof).unwrap();
    // Stale epochs stay stale after a restart.
    assert!(ledger
        .submit(root_submission(
            &k.land,
            3,
            Fr::from(77u64),
            10,
            1_800_000_000
        ))
        .is_err());
}

#[test]
fn a_rolled_back_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys();
    let clock = Arc::new(AtomicU64::new(1_800_000_000));
    let state = Some(dir.path().join("signed.json"));
    let ledger = Ledger::open(sqlite(dir.path()), config(&k, state.clone(), &clock)).unwrap();
    ledger
        .submit(root_submission(
            &k.land,
            1,
            Fr::from(1u64),
            10,
            1_800_000_000,
        ))
        .unwrap();
    ledger.close();
    let backup = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let f = f.unwrap().path();
        if f.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("ledger.db")
        {
            std::fs::copy(&f, backup.path().join(f.file_name().unwrap())).unwrap();
        }
    }
    let ledger = Ledger::open(sqlite(dir.path()), config(&k, state.clone(), &clock)).unwrap();
    ledger
        .submit(root_submission(
            &k.land,
            2,
            Fr::from(2u64),
            10,
            1_800_000_000,
        ))
        .unwrap();
    ledger.close();
    // Put the old database back: the log signed size 3, storage holds 2.
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let f = f.unwrap().path();
        if f.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("ledger.db")
        {
            std::fs::remove_file(&f).unwrap();
        }
    }
    for f in std::fs::read_dir(backup.path()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    let e = Ledger::open(sqlite(dir.path()), config(&k, state, &clock))
        .err()
        .unwrap();
    assert!(
        matches!(
            e,
            LedgerError::RolledBack {
                signed: 3,
                stored: 2
            }
        ),
        "{e}"
    );
}

#[test]
fn corrupted_entries_and_torn_files_are_refused() {
    let (dir, k, clock, ledger) = sqlite_with_three_roots();
    ledger.close();
    // Rewrite one entry's bytes behind the ledger's back.
    {
        let conn = rusqlite::Connection::open(dir.path().join("ledger.db")).unwrap();
        conn.execute("UPDATE entries SET data = CAST(replace(data, '\"epoch\":2', '\"epoch\":9') AS BLOB) WHERE idx = 2", []).unwrap();
    }
    let e = Ledger::open(sqlite(dir.path()), config(&k, None, &clock))
        .err()
        .unwrap();
    assert!(matches!(e, LedgerError::Corrupt(_)), "{e}");
    // A value of the wrong type is corruption too.
    {
        let conn = rusqlite::Connection::open(dir.path().join("ledger.db")).unwrap();
        conn.execute("UPDATE entries SET data = 'text' WHERE idx = 2", [])
            .unwrap();
    }
    let e = Ledger::open(sqlite(dir.path()), config(&k, None, &clock))
        .err()
        .unwrap();
    assert!(matches!(e, LedgerError::Corrupt(_)), "{e}");
    // Tear the file: overwrite a page in the middle.
    let path = dir.path().join("ledger.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 512].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();
    let refused = SqliteStorage::open(&path)
        .map(|s| Box::new(s) as Box<dyn Storage>)
        .and_then(|s| Ledger::open(s, config(&k, None, &clock)));
    assert!(refused.is_err(), "a torn database was served");
}

#[test]
fn agencies_are_registered_once_by_an_admin_with_usable_names_and_labels() {
    use zkgov_ledger::{authority::AgencySigner, ErrorCode};
    let (ledger, k) = memory_ledger();
    let admin = signer(&k.admin, "admin", Role::Admin, &[]);
    let office = AgencySigner::from_key("housing-office", SigningKey::from_bytes(&[21; 32]));
    let code = |sub: Submission| ledger.submit(sub).map(|r| r.index).map_err(|e| e.code());
    let register = |name: &str, labels: &[&str]| {
        let mut a = office.agency(labels.iter().map(|l| l.to_string()).collect());
        a.name = name.into();
        admin.register_agency(ORIGIN, a)
    };
    // Not an admin: unauthorised, before anything is looked at.
    let land = signer(
        &k.land,
        "land-registry",
        Role::RegistryAuthority,
        &["parcels"],
    );
    assert_eq!(
        code(land.register_agency(ORIGIN, office.agency(vec!["housing-2027".into()]))),
        Err(ErrorCode::Unauthorised)
    );
    // A signature over other content does not verify.
    let Submission::AgencyRegistration(mut forged) = register("housing-office", &["housing-2027"])
    else {
        unreachable!()
    };
    forged.agency.scopes.push("benefits-2027".into());
    assert_eq!(
        code(Submission::AgencyRegistration(forged)),
        Err(ErrorCode::InvalidSignature)
    );
    // Unusable names and labels are malformed.
    assert_eq!(
        code(register(&"x".repeat(32), &["housing-2027"])),
        Err(ErrorCode::Malformed)
    );
    assert_eq!(
        code(register("housing office", &["a"])),
        Err(ErrorCode::Malformed)
    );
    assert_eq!(
        code(register("housing-office", &[])),
        Err(ErrorCode::Malformed)
    );
    assert_eq!(
        code(register("housing-office", &["a b"])),
        Err(ErrorCode::Malformed)
    );
    assert_eq!(
        code(register("housing-office", &["a", "a"])),
        Err(ErrorCode::Malformed)
    );
    // Registered once; its receipt is served by name; a second time is a duplicate.
    let index = code(register("housing-office", &["housing-2027"])).unwrap();
    assert_eq!(ledger.agency("housing-office").unwrap(), Some(index));
    assert_eq!(ledger.agency("other-office").unwrap(), None);
    assert_eq!(
        code(register("housing-office", &["other-2027"])),
        Err(ErrorCode::Duplicate)
    );
}

#[test]
fn back_dated_root_publications_are_refused() {
    let (ledger, k) = memory_ledger();
    let now = 1_800_000_000; // the memory ledger's clock
    let refused = |sub: Submission| match ledger.submit(sub) {
        Err(LedgerError::Refused(Refusal::BackDated(at))) => at,
        other => panic!("expected a back-dated refusal, got {other:?}"),
    };
    // More than the clock skew before the ledger's clock.
    let at = now - zkgov_ledger::ledger::MAX_CLOCK_SKEW - 1;
    assert_eq!(
        refused(root_submission(&k.land, 1, Fr::from(5u64), 3, at)),
        at
    );
    // Within the skew: accepted; then a later epoch dated before it is refused.
    ledger
        .submit(root_submission(&k.land, 1, Fr::from(5u64), 3, now))
        .unwrap();
    assert_eq!(
        refused(root_submission(&k.land, 2, Fr::from(6u64), 3, now - 1)),
        now - 1
    );
    ledger
        .submit(root_submission(&k.land, 2, Fr::from(6u64), 3, now))
        .unwrap();
}

/// A storage whose first `stale_scans` scans see the log as it was before
/// its last batch was committed (a snapshot taken just before a writer's
/// COMMIT landed), while its latest checkpoint is read afterwards and sees
/// the batch: the race `Ledger::open` must tolerate on a shared database.
struct CommitLandsDuringOpen {
    inner: Box<dyn Storage>,
    /// Entries visible to a stale scan.
    before: u64,
    stale_scans: std::sync::atomic::AtomicU32,
}

impl Storage for CommitLandsDuringOpen {
    fn scan(
        &self,
        f: &mut dyn FnMut(zkgov_ledger::store::StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        use std::sync::atomic::Ordering;
        let stale = self
            .stale_scans
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let before = self.before;
        self.inner.scan(&mut |e| {
            if stale && e.index >= before {
                return Ok(());
            }
            f(e)
        })
    }
    fn entry(&self, index: u64) -> Result<Option<zkgov_ledger::store::StoredEntry>, LedgerError> {
        self.inner.entry(index)
    }
    fn latest_checkpoint(
        &self,
    ) -> Result<Option<zkgov_ledger::store::StoredCheckpoint>, LedgerError> {
        self.inner.latest_checkpoint()
    }
    fn checkpoint(
        &self,
        size: u64,
    ) -> Result<Option<zkgov_ledger::store::StoredCheckpoint>, LedgerError> {
        self.inner.checkpoint(size)
    }
    fn append(
        &mut self,
        entries: &[zkgov_ledger::store::StoredEntry],
        checkpoint: &zkgov_ledger::store::StoredCheckpoint,
    ) -> Result<(), LedgerError> {
        self.inner.append(entries, checkpoint)
    }
    fn nullifier(&self, scope: &str, nullifier: &str) -> Result<Option<u64>, LedgerError> {
        self.inner.nullifier(scope, nullifier)
    }
    fn integrity_check(&self) -> Result<(), LedgerError> {
        self.inner.integrity_check()
    }
}

#[test]
fn a_commit_landing_while_the_ledger_opens_is_read_again_and_a_missing_batch_is_corruption() {
    let (dir, k, clock, ledger) = sqlite_with_three_roots();
    let size = ledger.size();
    ledger.close();
    let racing = |stale_scans| -> Box<dyn Storage> {
        Box::new(CommitLandsDuringOpen {
            inner: sqlite(dir.path()),
            before: size - 1,
            stale_scans: std::sync::atomic::AtomicU32::new(stale_scans),
        })
    };
    // The first read misses the last batch; the second sees it.
    let reopened = Ledger::open(racing(1), config(&k, None, &clock)).unwrap();
    assert_eq!(reopened.size(), size);
    reopened.close();
    // A batch that never shows up under its checkpoint is corruption.
    let e = Ledger::open(racing(u32::MAX), config(&k, None, &clock))
        .err()
        .unwrap();
    assert!(matches!(e, LedgerError::Corrupt(_)), "{e}");
}
