//! Ledger nodes on one PostgreSQL database (`ledger::cluster`): the lease
//! fences a node that lost it, followers serve what the sequencer appended
//! and refuse appends naming it, and a follower takes over when the
//! sequencer leaves. The failover test with three processes and SIGKILL is
//! `prover/tests/ledger_cluster.rs`. Needs `ZKGOV_TEST_POSTGRES` (see
//! `pg/mod.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod pg;

use std::{
    sync::{atomic::AtomicU64, Arc},
    time::{Duration, Instant},
};

use common::{config, keys, root_submission};
use zkgov_ledger::{
    ledger::ClusterConfig,
    store::{Storage, StoredCheckpoint, StoredEntry},
    Ledger, LedgerError,
};
use zkgov_verifier::{log::leaf_hash, Fr};

fn entry(index: u64) -> StoredEntry {
    let data = format!("entry {index}").into_bytes();
    StoredEntry {
        index,
        leaf_hash: leaf_hash(&data),
        data,
        nullifier: None,
    }
}

fn cp(size: u64) -> StoredCheckpoint {
    StoredCheckpoint {
        size,
        root: [size as u8; 32],
        note: format!("note {size}"),
    }
}

#[test]
fn a_node_that_lost_the_lease_cannot_append() {
    let Some(db) = pg::test_db("cluster_fence") else {
        return;
    };
    // Leases long enough that a stalled CI machine does not lose them;
    // "a" lets its own lapse by renewing it briefly.
    let (ttl, short) = (Duration::from_secs(10), Duration::from_millis(200));
    let (mut a, mut b) = (db.open(), db.open());
    let (la, lb) = (a.lease(), b.lease());
    assert_eq!(la.try_acquire("a", "http://a", ttl).unwrap(), Some(1));
    // Held: no one else takes it, and its holder renews it.
    assert_eq!(lb.try_acquire("b", "http://b", ttl).unwrap(), None);
    assert!(la.renew("a", 1, ttl).unwrap());
    assert!(
        !lb.renew("b", 1, ttl).unwrap(),
        "renewed a lease it does not hold"
    );
    let h = lb.holder().unwrap().unwrap();
    assert_eq!(
        (h.node.as_str(), h.url.as_str(), h.epoch, h.live),
        ("a", "http://a", 1, true)
    );
    a.append(&[entry(0)], &cp(1)).unwrap();
    // "a" pauses past its lease; "b" takes over with the next epoch.
    assert!(la.renew("a", 1, short).unwrap());
    std::thread::sleep(short + Duration::from_millis(200));
    assert!(!lb.holder().unwrap().unwrap().live);
    assert_eq!(lb.try_acquire("b", "http://b", ttl).unwrap(), Some(2));
    // "a" wakes up: its append is refused, and nothing of it written.
    let e = a.append(&[entry(1)], &cp(2)).unwrap_err();
    assert!(matches!(e, LedgerError::LeaseLost { epoch: 1 }), "{e}");
    assert!(!la.renew("a", 1, ttl).unwrap());
    assert_eq!(b.latest_checkpoint().unwrap(), Some(cp(1)));
    b.append(&[entry(1)], &cp(2)).unwrap();
    // Released, the lease is free at once.
    lb.release("b", 2).unwrap();
    assert_eq!(la.try_acquire("a", "http://a", ttl).unwrap(), Some(3));
    a.append(&[entry(2)], &cp(3)).unwrap();
}

fn node(db: &pg::TestDb, name: &str, clock: &Arc<AtomicU64>) -> Ledger {
    let mut c = ClusterConfig::new(name, &format!("http://{name}.test"));
    // Long enough for a stalled CI machine; takeovers here follow a
    // release, which frees the lease at once.
    c.lease_ttl = Duration::from_secs(5);
    c.poll = Duration::from_millis(20);
    Ledger::open_cluster(db.open(), config(&keys(), None, clock), c).unwrap()
}

fn until(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn followers_serve_the_sequencers_log_and_one_takes_over_when_it_leaves() {
    let Some(db) = pg::test_db("cluster_follow") else {
        return;
    };
    let clock = Arc::new(AtomicU64::new(1_800_000_000));
    let k = keys();
    let a = node(&db, "a", &clock);
    assert!(
        a.is_sequencer(),
        "the first node writes the genesis and sequences"
    );
    let b = node(&db, "b", &clock);
    assert!(!b.is_sequencer());
    let at = 1_800_000_000;
    let r = a
        .submit(root_submission(&k.land, 1, Fr::from(7u64), 3, at))
        .unwrap();
    until("b follows", || b.size() == a.size());
    assert_eq!(b.checkpoint().unwrap(), a.checkpoint().unwrap());
    assert_eq!(b.entry(r.index).unwrap().unwrap(), r.entry);
    assert_eq!(b.receipt(r.index).unwrap(), a.receipt(r.index).unwrap());
    assert_eq!(b.roots("parcels").unwrap().len(), 1, "b replayed the root");
    // A follower refuses appends, naming the sequencer (the HTTP API
    // forwards them there).
    let e = b
        .submit(root_submission(&k.land, 2, Fr::from(8u64), 3, at))
        .unwrap_err();
    assert!(
        matches!(&e, LedgerError::NotSequencer { sequencer: Some(u) } if u == "http://a.test"),
        "{e}"
    );
    // The sequencer leaves (releasing its lease): b takes over, caught up.
    let size = a.size();
    a.close();
    until("b takes over", || b.is_sequencer());
    assert_eq!(b.size(), size);
    let r2 = b
        .submit(root_submission(&k.land, 2, Fr::from(8u64), 3, at))
        .unwrap();
    assert_eq!(r2.index, size);
    // The replayed state is b's own: the same epoch again is stale.
    let e = b
        .submit(root_submission(&k.land, 2, Fr::from(9u64), 3, at))
        .unwrap_err();
    assert!(matches!(e, LedgerError::StaleEpoch { .. }), "{e}");
    // A node rejoining follows the new sequencer.
    let a = node(&db, "a", &clock);
    until("a follows", || a.size() == b.size());
    assert!(!a.is_sequencer());
}
