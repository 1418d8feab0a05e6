//! One conformance suite, run against every storage backend (PostgreSQL's
//! tests need `ZKGOV_TEST_POSTGRES`: see `pg/mod.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pg;

use zkgov_ledger::{
    store::{
        MemoryStorage, PostgresOptions, PostgresStorage, SqliteStorage, Storage, StoredCheckpoint,
        StoredEntry,
    },
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
    // A range, as a follower reads what others appended.
    for (from, to, want) in [
        (1, 3, vec![1, 2]),
        (2, 99, vec![2]),
        (3, 9, vec![]),
        (2, 1, vec![]),
    ] {
        let mut got = Vec::new();
        s.scan_range(from, to, &mut |e| {
            got.push(e.index);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, want, "scan_range({from}, {to})");
    }
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

#[test]
fn postgres_storage_conforms() {
    let Some(db) = pg::test_db("postgres_storage_conforms") else {
        return;
    };
    suite(Box::new(db.open()));
}

#[test]
fn postgres_reader_conforms() {
    // The second handle (same pool) sees what the first wrote.
    let Some(db) = pg::test_db("postgres_reader_conforms") else {
        return;
    };
    let mut s = db.open();
    let r = s.reader().unwrap().unwrap();
    s.append(&[entry(0, Some(("s", "n")))], &cp(1, 9)).unwrap();
    assert_eq!(all(r.as_ref()), vec![entry(0, Some(("s", "n")))]);
    assert_eq!(r.nullifier("s", "n").unwrap(), Some(0));
}

#[test]
fn postgres_storage_persists_across_reopen() {
    let Some(db) = pg::test_db("postgres_persists") else {
        return;
    };
    {
        let mut s = db.open();
        s.append(&[entry(0, Some(("s", "n")))], &cp(1, 9)).unwrap();
    }
    // Reopened through the URL form a user passes to --database.
    let s = PostgresStorage::open(&db.url_with_schema()).unwrap();
    s.integrity_check().unwrap();
    assert_eq!(all(&s), vec![entry(0, Some(("s", "n")))]);
    assert_eq!(s.latest_checkpoint().unwrap(), Some(cp(1, 9)));
}

#[test]
fn postgres_migrations_are_versioned() {
    let Some(db) = pg::test_db("postgres_migrations") else {
        return;
    };
    let s = db.open();
    assert_eq!(s.schema_version().unwrap(), 2);
    drop(s);
    // Opening again applies nothing twice.
    db.open();
    let mut c = db.client();
    let rows: Vec<(i32, String)> = c
        .query(
            "SELECT version, name FROM schema_version ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        rows,
        vec![
            (1, "0001_init.sql".to_string()),
            (2, "0002_cluster.sql".to_string())
        ]
    );
    // A schema from a newer build is refused, not used.
    c.batch_execute("INSERT INTO schema_version (version, name) VALUES (3, '0003_future.sql')")
        .unwrap();
    let e = PostgresStorage::open_with(&db.url, &db.options())
        .err()
        .unwrap();
    assert!(
        matches!(e, LedgerError::Config(ref m) if m.contains("newer")),
        "{e}"
    );
    // So is one whose migration 1 is not this build's.
    c.batch_execute(
        "DELETE FROM schema_version WHERE version = 3; \
         UPDATE schema_version SET name = 'other.sql' WHERE version = 1",
    )
    .unwrap();
    let e = PostgresStorage::open_with(&db.url, &db.options())
        .err()
        .unwrap();
    assert!(matches!(e, LedgerError::Config(_)), "{e}");
}

#[test]
fn postgres_opening_errors_are_typed() {
    let Some(db) = pg::test_db("postgres_open_errors") else {
        return;
    };
    let bad_url = PostgresStorage::open("postgres://[::1").err().unwrap();
    assert!(matches!(bad_url, LedgerError::Config(_)), "{bad_url}");
    let bad_schema = PostgresStorage::open_with(
        &db.url,
        &PostgresOptions {
            schema: Some("x; DROP TABLE entries".into()),
            ..PostgresOptions::default()
        },
    )
    .err()
    .unwrap();
    assert!(matches!(bad_schema, LedgerError::Config(_)), "{bad_schema}");
    // Nothing listens on port 1: a storage failure, after the timeout.
    let down = PostgresStorage::open_with(
        "postgres://postgres@127.0.0.1:1/none",
        &PostgresOptions {
            connect_timeout: std::time::Duration::from_millis(500),
            ..PostgresOptions::default()
        },
    )
    .err()
    .unwrap();
    assert!(matches!(down, LedgerError::Storage(_)), "{down}");
}

#[test]
fn postgres_detects_corruption() {
    let Some(db) = pg::test_db("postgres_corruption") else {
        return;
    };
    let mut s = db.open();
    s.append(&[entry(0, None), entry(1, None), entry(2, None)], &cp(3, 1))
        .unwrap();
    let mut c = db.client();
    // A hash of the wrong length (past a dropped CHECK) is corruption.
    c.batch_execute(
        "ALTER TABLE entries DROP CONSTRAINT entries_leaf_hash_check;
         UPDATE entries SET leaf_hash = '\\x0102' WHERE idx = 2",
    )
    .unwrap();
    assert!(matches!(s.entry(2), Err(LedgerError::Corrupt(_))));
    // A gap in the indices is caught by the integrity check.
    c.batch_execute("DELETE FROM entries WHERE idx = 1")
        .unwrap();
    assert!(matches!(s.integrity_check(), Err(LedgerError::Corrupt(_))));
}

#[test]
fn postgres_nullifier_is_unique_across_handles() {
    // Eight handles, each with its own pool (as eight processes would
    // have), race to append an entry claiming one nullifier: exactly one
    // wins and every other is told which entry holds it.
    let Some(db) = pg::test_db("postgres_nullifier_race") else {
        return;
    };
    let mut first = db.open();
    first.append(&[entry(0, None)], &cp(1, 0)).unwrap();
    let handles: Vec<_> = (0..8u8)
        .map(|t| {
            let mut s = db.open();
            std::thread::spawn(move || loop {
                let size = s.latest_checkpoint().unwrap().unwrap().size;
                let mut e = entry(size, Some(("scope", "shared")));
                e.data.push(t);
                e.leaf_hash = leaf_hash(&e.data);
                match s.append(&[e], &cp(size + 1, t)) {
                    Ok(()) => return Ok(size),
                    Err(LedgerError::NullifierUsed { index }) => return Err(index),
                    // Another handle appended first: retry at the new size.
                    Err(LedgerError::Storage(_)) => continue,
                    Err(other) => panic!("{other}"),
                }
            })
        })
        .collect();
    let results: Vec<Result<u64, u64>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let won: Vec<u64> = results.iter().filter_map(|r| r.ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    for r in &results {
        if let Err(index) = r {
            assert_eq!(*index, won[0]);
        }
    }
    assert_eq!(first.nullifier("scope", "shared").unwrap(), Some(won[0]));
    // The constraint itself refuses a second row, whoever writes it.
    let mut c = db.client();
    let e = c
        .execute(
            "INSERT INTO nullifiers (scope, nullifier, idx) VALUES ('scope', 'shared', 0)",
            &[],
        )
        .err()
        .unwrap();
    assert_eq!(e.code(), Some(&postgres::error::SqlState::UNIQUE_VIOLATION));
    first.integrity_check().unwrap();
}

#[test]
fn postgres_ledger_with_a_data_directory() {
    // dir::open_postgres: the log in PostgreSQL, its key, signed size and
    // lock in the data directory, with open_dir's checks.
    let Some(db) = pg::test_db("postgres_ledger_dir") else {
        return;
    };
    // A schema named in the URL must exist (open_with's `schema` creates it).
    db.client()
        .batch_execute(&format!("CREATE SCHEMA {}", db.schema))
        .unwrap();
    let url = db.url_with_schema();
    let dir = tempfile::tempdir().unwrap();
    let open = |d: &std::path::Path, origin: Option<&str>| {
        zkgov_ledger::dir::open_postgres(d, &url, origin, vec![])
    };
    let ledger = open(dir.path(), Some("zkgov.test/pg")).unwrap();
    assert_eq!(ledger.size(), 1, "the genesis entry");
    // One process per data directory.
    assert!(matches!(
        open(dir.path(), None),
        Err(LedgerError::Config(_))
    ));
    ledger.close();
    let again = open(dir.path(), None).unwrap();
    assert_eq!((again.size(), again.origin()), (1, "zkgov.test/pg"));
    again.close();
    assert!(matches!(
        open(dir.path(), Some("zkgov.test/other")),
        Err(LedgerError::Config(_))
    ));
    // Another data directory has no log key for this log: refused, never
    // signed under a new key.
    let other = tempfile::tempdir().unwrap();
    let e = open(other.path(), None).err().unwrap();
    assert!(
        matches!(e, LedgerError::Config(ref m) if m.contains("log key")),
        "{e}"
    );
    assert!(!other.path().join("log-key.json").exists());
    // The data directory pointed at an empty database: the signed-size file
    // catches the rollback.
    let empty = pg::test_db("postgres_ledger_dir_empty").unwrap();
    empty
        .client()
        .batch_execute(&format!("CREATE SCHEMA {}", empty.schema))
        .unwrap();
    let e = zkgov_ledger::dir::open_postgres(dir.path(), &empty.url_with_schema(), None, vec![])
        .err()
        .unwrap();
    assert!(
        matches!(e, LedgerError::RolledBack { signed: 1, .. }),
        "{e}"
    );
}

/// Durable appends per second at a batch size (one transaction per batch).
fn throughput(s: &mut dyn Storage, batch: u64, batches: u64) -> f64 {
    let start = std::time::Instant::now();
    let mut next = 0;
    for _ in 0..batches {
        let es: Vec<StoredEntry> = (next..next + batch)
            .map(|i| {
                let mut e = entry(i, Some(("bench", &format!("n{i}"))));
                e.data.resize(300, b'x');
                e.leaf_hash = leaf_hash(&e.data);
                e
            })
            .collect();
        next += batch;
        s.append(&es, &cp(next, (next % 251) as u8)).unwrap();
    }
    (batch * batches) as f64 / start.elapsed().as_secs_f64()
}

#[test]
#[ignore = "a measurement: cargo test --release --test storage_conformance -- --ignored --nocapture"]
fn append_throughput() {
    for (batch, batches) in [(1, 500), (16, 200), (64, 100), (256, 40)] {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStorage::open(&dir.path().join("ledger.db")).unwrap();
        let sqlite = throughput(&mut s, batch, batches);
        let pg = pg::test_db("append_throughput").map(|db| {
            let mut s = db.open();
            throughput(&mut s, batch, batches)
        });
        eprintln!(
            "batch {batch:>3}: SQLite {sqlite:>8.0} entries/s, PostgreSQL {} entries/s",
            pg.map_or("-".into(), |p| format!("{p:.0}"))
        );
    }
}
