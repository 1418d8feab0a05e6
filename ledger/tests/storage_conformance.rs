//! One conformance suite, run against every storage backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use zkgov_ledger::{
    store::{MemoryStorage, SqliteStorage, Storage, StoredCheckpoint, StoredEntry},
    LedgerError,
};
use zkgov_verifier::log::leaf_hash;

fn entry(index: u64, nullifier: Option<(&str, &str)>) -> StoredEntry {
    let data = format!("entry {index}").into_bytes();
    StoredEntry {
        index,
        leaf_hash: leaf_hash(&data),
        data,
        nullifier: nullifier.map(|(s, n)| (s.to_string(), n.to_string())),
    }
}

fn cp(size: u64, tag: u8) -> StoredCheckpoint {
    StoredCheckpoint {
        size,
        root: [tag; 32],
        note: format!("note {size} {tag}"),
    }
}

fn all(s: &dyn Storage) -> Vec<StoredEntry> {
    let mut v = Vec::new();
    s.scan(&mut |e| {
        v.push(e);
        Ok(())
    })
    .unwrap();
    v
}

fn suite(mut s: Box<dyn Storage>) {
    s.integrity_check().unwrap();
    assert!(all(s.as_ref()).is_empty());
    assert_eq!(s.latest_checkpoint().unwrap(), None);

    // Appends continue the log and record the checkpoint of the new size.
    s.append(&[entry(0, None), entry(1, Some(("s", "n1")))], &cp(2, 1))
        .unwrap();
    s.append(&[entry(2, Some(("s", "n2")))], &cp(3, 2)).unwrap();
    assert_eq!(
        all(s.as_ref()),
        vec![
            entry(0, None),
            entry(1, Some(("s", "n1"))),
            entry(2, Some(("s", "n2")))
        ]
    );
    assert_eq!(s.entry(1).unwrap(), Some(entry(1, Some(("s", "n1")))));
    assert_eq!(s.entry(3).unwrap(), None);
    assert_eq!(s.latest_checkpoint().unwrap(), Some(cp(3, 2)));
    assert_eq!(s.checkpoint(2).unwrap(), Some(cp(2, 1)));
    assert_eq!(s.nullifier("s", "n2").unwrap(), Some(2));
    assert_eq!(s.nullifier("other-scope", "n2").unwrap(), None);

    // Each failure below writes nothing at all.
    let before = all(s.as_ref());
    let refused: Vec<(&str, Vec<StoredEntry>, StoredCheckpoint)> = vec![
        ("gap in indices", vec![entry(4, None)], cp(5, 3)),
        ("rewriting an index", vec![entry(2, None)], cp(3, 3)),
        (
            "nullifier reused across batches",
            vec![entry(3, None), entry(4, Some(("s", "n1")))],
            cp(5, 3),
        ),
        (
            "nullifier reused in a batch",
            vec![entry(3, Some(("t", "x"))), entry(4, Some(("t", "x")))],
            cp(5, 3),
        ),
        ("checkpoint size mismatch", vec![entry(3, None)], cp(9, 3)),
    ];
    for (what, batch, c) in refused {
        let e = s
            .append(&batch, &c)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        if what.starts_with("nullifier") {
            assert!(
                matches!(e, LedgerError::NullifierUsed { .. }),
                "{what}: {e}"
            );
        }
        assert_eq!(all(s.as_ref()), before, "{what}: something was written");
        assert_eq!(s.latest_checkpoint().unwrap(), Some(cp(3, 2)), "{what}");
        assert_eq!(s.nullifier("t", "x").unwrap(), None, "{what}");
    }
    // The same nullifier in another scope is fine.
    s.append(&[entry(3, Some(("other", "n1")))], &cp(4, 4))
        .unwrap();
    // Never two different checkpoints of one size; the same one again is fine.
    assert!(s.append(&[], &cp(4, 99)).is_err());
    assert_eq!(s.checkpoint(4).unwrap(), Some(cp(4, 4)));
    s.append(&[], &cp(4, 4)).unwrap();
    s.integrity_check().unwrap();
}

#[test]
fn memory_storage_conforms() {
    suite(Box::new(MemoryStorage::default()));
}

#[test]
fn sqlite_storage_conforms() {
    let dir = tempfile::tempdir().unwrap();
    suite(Box::new(
        SqliteStorage::open(&dir.path().join("ledger.db")).unwrap(),
    ));
}

#[test]
fn sqlite_storage_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    {
        let mut s = SqliteStorage::open(&path).unwrap();
        s.append(&[entry(0, Some(("s", "n")))], &cp(1, 9)).unwrap();
    }
    let s = SqliteStorage::open(&path).unwrap();
    assert_eq!(all(&s), vec![entry(0, Some(("s", "n")))]);
    assert_eq!(s.latest_checkpoint().unwrap(), Some(cp(1, 9)));
}
