//! Storage behind one trait, with a SQLite backend (the default), a
//! PostgreSQL one ([`pg`]) and an in-memory one; `tests/storage_conformance.rs`
//! runs one suite against each.
//!
//! SQLite: one file, WAL journal, `synchronous = FULL` (a committed
//! transaction survives power loss), one transaction per batch of appends
//! (group commit). The nullifier table's primary key `(scope, nullifier)`
//! makes a second use of a nullifier fail inside the same transaction as the
//! entry that carries it; the checkpoint table's primary key `size` makes a
//! second, different checkpoint of one size impossible.

use std::{collections::BTreeMap, path::Path};

use rusqlite::{params, Connection, OptionalExtension};
use zkgov_verifier::log::Hash;

use crate::LedgerError;

pub mod pg;
pub use pg::{LeaseHolder, PostgresOptions, PostgresStorage, SequencerLease};

/// An entry as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    /// Index in the log.
    pub index: u64,
    /// Canonical entry bytes.
    pub data: Vec<u8>,
    /// RFC 9162 leaf hash of `data`.
    pub leaf_hash: Hash,
    /// `(scope, nullifier)` claimed by this entry, if any.
    pub nullifier: Option<(String, String)>,
}

/// A signed checkpoint as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The signed note.
    pub note: String,
}

/// What the ledger needs from storage.
pub trait Storage: Send {
    /// Calls `f` on every entry, in index order.
    fn scan(
        &self,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError>;
    /// Calls `f` on the entries with indices in `from..to`, in index order
    /// (a node following a log reads what others appended). The default
    /// filters [`Storage::scan`]; backends override it with a range query.
    fn scan_range(
        &self,
        from: u64,
        to: u64,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        self.scan(&mut |e: StoredEntry| {
            if (from..to).contains(&e.index) {
                f(e)
            } else {
                Ok(())
            }
        })
    }
    /// The entry at `index`.
    fn entry(&self, index: u64) -> Result<Option<StoredEntry>, LedgerError>;
    /// The latest checkpoint.
    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError>;
    /// The checkpoint of `size`, if one was signed.
    fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>, LedgerError>;
    /// Atomically appends `entries` (indices must continue the log) and
    /// records `checkpoint` for the new size. Fails as a whole, writing
    /// nothing, if an index is out of order, a nullifier was already used,
    /// or a different checkpoint of that size exists.
    fn append(
        &mut self,
        entries: &[StoredEntry],
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), LedgerError>;
    /// Index of the entry that used `(scope, nullifier)`.
    fn nullifier(&self, scope: &str, nullifier: &str) -> Result<Option<u64>, LedgerError>;
    /// A deep consistency check of the stored bytes (run when opening).
    fn integrity_check(&self) -> Result<(), LedgerError>;
    /// Records `witness`'s cosignature line (C2SP tlog-cosignature) on the
    /// stored checkpoint of `size`; the same witness again replaces its line.
    fn add_cosignature(&mut self, size: u64, witness: &str, line: &str) -> Result<(), LedgerError> {
        let _ = (size, witness, line);
        Err(LedgerError::internal("this storage keeps no cosignatures"))
    }
    /// The largest checkpoint size that has cosignatures, with their lines
    /// in witness-name order.
    fn latest_cosigned(&self) -> Result<Option<(u64, Vec<String>)>, LedgerError> {
        Ok(None)
    }
    /// A second handle for reads that need not wait on this one's writes
    /// (for SQLite, another connection to the same WAL database); `None`
    /// where the backend has none.
    fn reader(&self) -> Result<Option<Box<dyn Storage>>, LedgerError> {
        Ok(None)
    }
}

/// SQLite storage.
pub struct SqliteStorage {
    conn: Connection,
    path: std::path::PathBuf,
}

fn hash_from(v: Vec<u8>) -> Result<Hash, LedgerError> {
    v.as_slice()
        .try_into()
        .map_err(|_| LedgerError::Corrupt("a stored hash is not 32 bytes".into()))
}

fn index_from(i: i64) -> Result<u64, LedgerError> {
    u64::try_from(i).map_err(|_| LedgerError::Corrupt("negative index".into()))
}

fn sql_index(i: u64) -> Result<i64, LedgerError> {
    i64::try_from(i).map_err(|_| LedgerError::internal("index too large"))
}

impl SqliteStorage {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS entries (
                 idx INTEGER PRIMARY KEY,
                 leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
                 data BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS nullifiers (
                 scope TEXT NOT NULL,
                 nullifier TEXT NOT NULL,
                 idx INTEGER NOT NULL REFERENCES entries(idx),
                 PRIMARY KEY (scope, nullifier));
             CREATE TABLE IF NOT EXISTS checkpoints (
                 size INTEGER PRIMARY KEY,
                 root BLOB NOT NULL CHECK (length(root) = 32),
                 note TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS cosignatures (
                 size INTEGER NOT NULL REFERENCES checkpoints(size),
                 witness TEXT NOT NULL,
                 line TEXT NOT NULL,
                 PRIMARY KEY (size, witness));",
        )?;
        Ok(SqliteStorage {
            conn,
            path: path.to_owned(),
        })
    }

    fn row_entry(r: &rusqlite::Row<'_>) -> Result<StoredEntry, LedgerError> {
        // A value of the wrong type in a row is corruption, not a passing fault.
        let corrupt = |e: rusqlite::Error| LedgerError::Corrupt(format!("entry row: {e}"));
        let scope: Option<String> = r.get(3).map_err(corrupt)?;
        let nullifier: Option<String> = r.get(4).map_err(corrupt)?;
        Ok(StoredEntry {
            index: index_from(r.get(0).map_err(corrupt)?)?,
            leaf_hash: hash_from(r.get(1).map_err(corrupt)?)?,
            data: r.get(2).map_err(corrupt)?,
            nullifier: scope.zip(nullifier),
        })
    }

    fn row_checkpoint(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Vec<u8>, String)> {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    }

    fn to_checkpoint(r: (i64, Vec<u8>, String)) -> Result<StoredCheckpoint, LedgerError> {
        Ok(StoredCheckpoint {
            size: index_from(r.0)?,
            root: hash_from(r.1)?,
            note: r.2,
        })
    }
}

impl Storage for SqliteStorage {
    fn scan(
        &self,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        self.scan_range(0, u64::MAX, f)
    }

    fn scan_range(
        &self,
        from: u64,
        to: u64,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        let (from, to) = (sql_index(from)?, i64::try_from(to).unwrap_or(i64::MAX));
        let mut st = self.conn.prepare(
            "SELECT e.idx, e.leaf_hash, e.data, n.scope, n.nullifier
             FROM entries e LEFT JOIN nullifiers n ON n.idx = e.idx
             WHERE e.idx >= ?1 AND e.idx < ?2 ORDER BY e.idx",
        )?;
        let mut rows = st.query([from, to])?;
        while let Some(r) = rows.next()? {
            f(Self::row_entry(r)?)?;
        }
        Ok(())
    }

    fn entry(&self, index: u64) -> Result<Option<StoredEntry>, LedgerError> {
        let mut st = self.conn.prepare(
            "SELECT e.idx, e.leaf_hash, e.data, n.scope, n.nullifier
             FROM entries e LEFT JOIN nullifiers n ON n.idx = e.idx WHERE e.idx = ?1",
        )?;
        let mut rows = st.query([sql_index(index)?])?;
        rows.next()?.map(Self::row_entry).transpose()
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError> {
        self.conn
            .query_row(
                "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1",
                [],
                Self::row_checkpoint,
            )
            .optional()?
            .map(Self::to_checkpoint)
            .transpose()
    }

    fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>, LedgerError> {
        self.conn
            .query_row(
                "SELECT size, root, note FROM checkpoints WHERE size = ?1",
                [sql_index(size)?],
                Self::row_checkpoint,
            )
            .optional()?
            .map(Self::to_checkpoint)
            .transpose()
    }

    fn append(
        &mut self,
        entries: &[StoredEntry],
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        let next: i64 = tx.query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", [], |r| {
            r.get(0)
        })?;
        let mut expect = index_from(next)?;
        for e in entries {
            if e.index != expect {
                return Err(LedgerError::internal(format!(
                    "append at {} but the log has {expect} entries",
                    e.index
                )));
            }
            tx.execute(
                "INSERT INTO entries (idx, leaf_hash, data) VALUES (?1, ?2, ?3)",
                params![sql_index(e.index)?, &e.leaf_hash[..], &e.data],
            )?;
            if let Some((scope, n)) = &e.nullifier {
                let used: Option<i64> = tx
                    .query_row(
                        "SELECT idx FROM nullifiers WHERE scope = ?1 AND nullifier = ?2",
                        params![scope, n],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(i) = used {
                    return Err(LedgerError::NullifierUsed {
                        index: index_from(i)?,
                    });
                }
                tx.execute(
                    "INSERT INTO nullifiers (scope, nullifier, idx) VALUES (?1, ?2, ?3)",
                    params![scope, n, sql_index(e.index)?],
                )?;
            }
            expect += 1;
        }
        if checkpoint.size != expect {
            return Err(LedgerError::internal(format!(
                "checkpoint of size {} for a log of {expect}",
                checkpoint.size
            )));
        }
        let existing: Option<Vec<u8>> = tx
            .query_row(
                "SELECT root FROM checkpoints WHERE size = ?1",
                [sql_index(checkpoint.size)?],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(root) if root.as_slice() != checkpoint.root => {
                return Err(LedgerError::Corrupt(format!(
                    "a different checkpoint of size {} exists",
                    checkpoint.size
                )))
            }
            Some(_) => {}
            None => {
                tx.execute(
                    "INSERT INTO checkpoints (size, root, note) VALUES (?1, ?2, ?3)",
                    params![
                        sql_index(checkpoint.size)?,
                        &checkpoint.root[..],
                        &checkpoint.note
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn nullifier(&self, scope: &str, nullifier: &str) -> Result<Option<u64>, LedgerError> {
        self.conn
            .query_row(
                "SELECT idx FROM nullifiers WHERE scope = ?1 AND nullifier = ?2",
                params![scope, nullifier],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(index_from)
            .transpose()
    }

    fn integrity_check(&self) -> Result<(), LedgerError> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        if verdict != "ok" {
            return Err(LedgerError::Corrupt(format!(
                "SQLite integrity check: {verdict}"
            )));
        }
        Ok(())
    }

    fn add_cosignature(&mut self, size: u64, witness: &str, line: &str) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO cosignatures (size, witness, line) VALUES (?1, ?2, ?3)
             ON CONFLICT (size, witness) DO UPDATE SET line = ?3",
            rusqlite::params![sql_index(size)?, witness, line],
        )?;
        Ok(())
    }

    fn latest_cosigned(&self) -> Result<Option<(u64, Vec<String>)>, LedgerError> {
        let mut st = self.conn.prepare(
            "SELECT size, line FROM cosignatures
             WHERE size = (SELECT MAX(size) FROM cosignatures) ORDER BY witness",
        )?;
        let mut rows = st.query([])?;
        let mut out: Option<(u64, Vec<String>)> = None;
        while let Some(r) = rows.next()? {
            let size = index_from(r.get(0)?)?;
            out.get_or_insert_with(|| (size, Vec::new()))
                .1
                .push(r.get(1)?);
        }
        Ok(out)
    }

    fn reader(&self) -> Result<Option<Box<dyn Storage>>, LedgerError> {
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(Some(Box::new(SqliteStorage {
            conn,
            path: self.path.clone(),
        })))
    }
}

/// In-memory storage (tests, and the reference for the conformance suite).
#[derive(Default)]
pub struct MemoryStorage {
    entries: Vec<StoredEntry>,
    checkpoints: BTreeMap<u64, StoredCheckpoint>,
    nullifiers: BTreeMap<(String, String), u64>,
    cosignatures: BTreeMap<u64, BTreeMap<String, String>>,
}

impl Storage for MemoryStorage {
    fn scan(
        &self,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        self.entries.iter().cloned().try_for_each(f)
    }

    fn scan_range(
        &self,
        from: u64,
        to: u64,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        let n = self.entries.len();
        let clamp = |i: u64| usize::try_from(i).map_or(n, |i| i.min(n));
        let (from, to) = (clamp(from), clamp(to));
        self.entries[from..to.max(from)]
            .iter()
            .cloned()
            .try_for_each(f)
    }

    fn entry(&self, index: u64) -> Result<Option<StoredEntry>, LedgerError> {
        Ok(usize::try_from(index)
            .ok()
            .and_then(|i| self.entries.get(i))
            .cloned())
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError> {
        Ok(self.checkpoints.values().next_back().cloned())
    }

    fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>, LedgerError> {
        Ok(self.checkpoints.get(&size).cloned())
    }

    fn append(
        &mut self,
        entries: &[StoredEntry],
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), LedgerError> {
        let mut expect = self.entries.len() as u64;
        let mut new_nulls = BTreeMap::new();
        for e in entries {
            if e.index != expect {
                return Err(LedgerError::internal(format!(
                    "append at {} but the log has {expect} entries",
                    e.index
                )));
            }
            if let Some(key) = &e.nullifier {
                if let Some(i) = self.nullifiers.get(key).or_else(|| new_nulls.get(key)) {
                    return Err(LedgerError::NullifierUsed { index: *i });
                }
                new_nulls.insert(key.clone(), e.index);
            }
            expect += 1;
        }
        if checkpoint.size != expect {
            return Err(LedgerError::internal(format!(
                "checkpoint of size {} for a log of {expect}",
                checkpoint.size
            )));
        }
        if let Some(c) = self.checkpoints.get(&checkpoint.size) {
            if c.root != checkpoint.root {
                return Err(LedgerError::Corrupt(format!(
                    "a different checkpoint of size {} exists",
                    checkpoint.size
                )));
            }
        }
        self.entries.extend_from_slice(entries);
        self.nullifiers.extend(new_nulls);
        self.checkpoints
            .entry(checkpoint.size)
            .or_insert_with(|| checkpoint.clone());
        Ok(())
    }

    fn nullifier(&self, scope: &str, nullifier: &str) -> Result<Option<u64>, LedgerError> {
        Ok(self
            .nullifiers
            .get(&(scope.to_owned(), nullifier.to_owned()))
            .copied())
    }

    fn integrity_check(&self) -> Result<(), LedgerError> {
        Ok(())
    }

    fn add_cosignature(&mut self, size: u64, witness: &str, line: &str) -> Result<(), LedgerError> {
        if !self.checkpoints.contains_key(&size) {
            return Err(LedgerError::internal(format!(
                "no checkpoint of size {size}"
            )));
        }
        self.cosignatures
            .entry(size)
            .or_default()
            .insert(witness.to_owned(), line.to_owned());
        Ok(())
    }

    fn latest_cosigned(&self) -> Result<Option<(u64, Vec<String>)>, LedgerError> {
        Ok(self
            .cosignatures
            .iter()
            .next_back()
            .map(|(size, lines)| (*size, lines.values().cloned().collect())))
    }
}
