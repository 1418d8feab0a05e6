//! PostgreSQL storage: the [`Storage`] trait on a PostgreSQL database, for a
//! ledger whose data must outlive one machine's disk.
//!
//! # Schema
//!
//! The same three tables as the SQLite backend (see
//! `ledger/migrations/0001_init.sql`):
//!
//! ```text
//! entries        (idx BIGINT PRIMARY KEY, leaf_hash BYTEA(32), data BYTEA)
//! nullifiers     (scope TEXT, nullifier TEXT, idx BIGINT REFERENCES entries,
//!                 PRIMARY KEY (scope, nullifier))
//! checkpoints    (size BIGINT PRIMARY KEY, root BYTEA(32), note TEXT)
//! schema_version (version INTEGER PRIMARY KEY, name TEXT, applied_at TIMESTAMPTZ)
//! ```
//!
//! # Migrations
//!
//! The versioned migrations are SQL files in `ledger/migrations/`, compiled
//! into the binary. Opening a database applies the ones it lacks, in order,
//! inside one transaction that first takes a transaction-scoped advisory
//! lock (so two processes opening one database at once do not race), and
//! records each in `schema_version`. A database whose schema is newer than
//! this binary knows, or whose recorded migrations have other names, is
//! refused ([`LedgerError::Config`]).
//!
//! # Guarantees (the same as SQLite's)
//!
//! * An append of a batch is one transaction, committed with
//!   `synchronous_commit = on` (set for the transaction): it is durable when
//!   `append` returns, or nothing of it was written. The transaction takes
//!   `LOCK TABLE entries IN EXCLUSIVE MODE` (readers are not blocked), so two
//!   appenders on one database are serialised and indices cannot interleave.
//!   It takes four round trips whatever the batch size: `BEGIN`; the lock
//!   and the next index; one statement writing the entries, their
//!   nullifiers and the checkpoint; `COMMIT`.
//! * The primary key `(scope, nullifier)` is the final guard for nullifiers:
//!   they are inserted with `ON CONFLICT DO NOTHING`, and a row the
//!   constraint turned away fails the whole batch with
//!   [`LedgerError::NullifierUsed`], naming the entry that holds it.
//! * The primary key `size` of `checkpoints` makes a second, different
//!   checkpoint of one size impossible ([`LedgerError::Corrupt`]); the same
//!   one again is accepted.
//! * Errors map as in the SQLite backend: driver and pool failures are
//!   [`LedgerError::Storage`], a row of the wrong shape is
//!   [`LedgerError::Corrupt`], an index out of order is an internal storage
//!   error.
//!
//! Connections are plain TCP (`NoTls`): meant for a database on loopback or
//! a private network. They are pooled ([`r2d2`]); [`Storage::reader`] hands
//! out a second handle on the same pool.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use postgres::{types::Type, Client, Config, IsolationLevel, NoTls, SimpleQueryMessage};
use r2d2_postgres::{r2d2, PostgresConnectionManager};

use super::{hash_from, index_from, sql_index, Storage, StoredCheckpoint, StoredEntry};
use crate::LedgerError;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// One versioned migration: a SQL file in `ledger/migrations/`.
struct Migration {
    version: i32,
    name: &'static str,
    sql: &'static str,
}

/// Every migration, in order. A new one is a new file and a new line here;
/// an applied one is never edited.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_cluster.sql",
        sql: include_str!("../../migrations/0002_cluster.sql"),
    },
];

/// The advisory lock key taken while migrating ("zkgovmig" in ASCII).
const MIGRATION_LOCK: i64 = 0x7a6b_676f_766d_6967;

/// Rows fetched per round trip by [`Storage::scan`].
const SCAN_BATCH: i32 = 1024;

/// How to open a [`PostgresStorage`].
#[derive(Clone, Debug)]
pub struct PostgresOptions {
    /// Schema to keep the tables in, created if missing (default: the
    /// connection's `search_path`, normally `public`). A lowercase SQL
    /// identifier: letters, digits and `_`, not starting with a digit.
    pub schema: Option<String>,
    /// Most connections the pool opens.
    pub pool_size: u32,
    /// How long to wait for a connection (also when opening).
    pub connect_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            schema: None,
            pool_size: 4,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// PostgreSQL storage (see the module documentation).
pub struct PostgresStorage {
    pool: Pool,
    /// The lease this node's appends must hold, once it sequences in a
    /// cluster ([`SequencerLease`]); `None` appends unfenced.
    fence: Arc<Mutex<Option<Fence>>>,
}

/// The lease an append must still hold: the node's name and its epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fence {
    node: String,
    epoch: i64,
}

/// Who holds the sequencer lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseHolder {
    /// The node's name.
    pub node: String,
    /// The address it takes submissions on.
    pub url: String,
    /// Its epoch (one more for every new holder).
    pub epoch: i64,
    /// Whether the lease is still unexpired, by the database's clock.
    pub live: bool,
}

/// The sequencer lease of a cluster of ledger nodes on one PostgreSQL
/// database (`sequencer` table, migration 2): at most one node holds an
/// unexpired lease at a time, by the database server's clock. Taking it
/// over bumps its epoch, and [`Storage::append`] on the storage this lease
/// came from checks, inside the append's transaction, that its node and
/// epoch still hold it: a node that lost the lease (paused, partitioned)
/// cannot append after its successor took over.
///
/// The lease is for liveness, not safety: the append's table lock and
/// index check already make two writers' batches impossible to interleave
/// or fork.
pub struct SequencerLease {
    pool: Pool,
    fence: Arc<Mutex<Option<Fence>>>,
}

fn storage(e: impl std::error::Error + Send + Sync + 'static) -> LedgerError {
    LedgerError::storage(e)
}

/// A value of the wrong type in a row is corruption, not a passing fault.
fn corrupt(what: &'static str) -> impl Fn(postgres::Error) -> LedgerError {
    move |e| LedgerError::Corrupt(format!("{what} row: {e}"))
}

fn valid_schema(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.len() <= 63
}

impl PostgresStorage {
    /// Opens the database at `url` (`postgres://user@host:port/db`, or
    /// the `key=value` form), applying any migrations it lacks.
    pub fn open(url: &str) -> Result<Self, LedgerError> {
        Self::open_with(url, &PostgresOptions::default())
    }

    /// [`PostgresStorage::open`] with options.
    pub fn open_with(url: &str, opts: &PostgresOptions) -> Result<Self, LedgerError> {
        // The parse error does not repeat the URL (which may hold a password).
        let mut config: Config = url
            .parse()
            .map_err(|e| LedgerError::Config(format!("invalid PostgreSQL URL: {e}")))?;
        if let Some(schema) = &opts.schema {
            if !valid_schema(schema) {
                return Err(LedgerError::Config(format!(
                    "invalid PostgreSQL schema name {schema:?}: use lowercase letters, digits and _"
                )));
            }
            let options = match config.get_options() {
                Some(o) if !o.is_empty() => format!("{o} -c search_path={schema}"),
                _ => format!("-c search_path={schema}"),
            };
            config.options(&options);
        }
        if opts.pool_size == 0 {
            return Err(LedgerError::Config("the pool needs one connection".into()));
        }
        config.connect_timeout(opts.connect_timeout);
        config.application_name("zkgov-ledger");
        let pool = r2d2::Pool::builder()
            .max_size(opts.pool_size)
            .min_idle(Some(1))
            // No test query on each checkout (a round trip per call): a
            // connection the server dropped fails one call, is then seen
            // closed and replaced.
            .test_on_check_out(false)
            .connection_timeout(opts.connect_timeout)
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(storage)?;
        let s = PostgresStorage {
            pool,
            fence: Arc::new(Mutex::new(None)),
        };
        s.migrate(opts.schema.as_deref())?;
        Ok(s)
    }

    /// The sequencer lease of this database, fencing this storage's appends
    /// once taken.
    pub fn lease(&self) -> SequencerLease {
        SequencerLease {
            pool: self.pool.clone(),
            fence: self.fence.clone(),
        }
    }

    fn conn(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, LedgerError> {
        self.pool.get().map_err(storage)
    }

    /// The schema version the database is at (the last migration applied).
    pub fn schema_version(&self) -> Result<i32, LedgerError> {
        let mut c = self.conn()?;
        let row = c
            .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
            .map_err(storage)?;
        row.try_get(0).map_err(corrupt("schema_version"))
    }

    fn migrate(&self, schema: Option<&str>) -> Result<(), LedgerError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(storage)?;
        tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .map_err(storage)?;
        if let Some(schema) = schema {
            // Checked by valid_schema: a plain lowercase identifier.
            tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .map_err(storage)?;
        }
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 version INTEGER PRIMARY KEY,
                 name TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .map_err(storage)?;
        let applied = tx
            .query(
                "SELECT version, name FROM schema_version ORDER BY version",
                &[],
            )
            .map_err(storage)?;
        let mut done = 0;
        for row in applied {
            let version: i32 = row.try_get(0).map_err(corrupt("schema_version"))?;
            let name: String = row.try_get(1).map_err(corrupt("schema_version"))?;
            match MIGRATIONS.iter().find(|m| m.version == version) {
                Some(m) if m.name == name => done = done.max(version),
                Some(m) => {
                    return Err(LedgerError::Config(format!(
                        "the database's migration {version} is {name:?}, this build's is {:?}",
                        m.name
                    )))
                }
                None => {
                    return Err(LedgerError::Config(format!(
                        "the database has schema migration {version} ({name:?}), which this build does not know: it is newer"
                    )))
                }
            }
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > done) {
            tx.batch_execute(m.sql).map_err(storage)?;
            tx.execute(
                "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                &[&m.version, &m.name],
            )
            .map_err(storage)?;
        }
        tx.commit().map_err(storage)
    }

    fn row_entry(r: &postgres::Row) -> Result<StoredEntry, LedgerError> {
        let c = corrupt("entry");
        let scope: Option<String> = r.try_get(3).map_err(&c)?;
        let nullifier: Option<String> = r.try_get(4).map_err(&c)?;
        Ok(StoredEntry {
            index: index_from(r.try_get(0).map_err(&c)?)?,
            leaf_hash: hash_from(r.try_get(1).map_err(&c)?)?,
            data: r.try_get(2).map_err(&c)?,
            nullifier: scope.zip(nullifier),
        })
    }

    fn row_checkpoint(r: &postgres::Row) -> Result<StoredCheckpoint, LedgerError> {
        let c = corrupt("checkpoint");
        Ok(StoredCheckpoint {
            size: index_from(r.try_get(0).map_err(&c)?)?,
            root: hash_from(r.try_get(1).map_err(&c)?)?,
            note: r.try_get(2).map_err(&c)?,
        })
    }

    fn one_checkpoint(
        c: &mut Client,
        sql: &str,
        params: &[(&(dyn postgres::types::ToSql + Sync), Type)],
    ) -> Result<Option<StoredCheckpoint>, LedgerError> {
        c.query_typed_opt(sql, params)
            .map_err(storage)?
            .as_ref()
            .map(Self::row_checkpoint)
            .transpose()
    }
}

const ENTRY_SELECT: &str = "SELECT e.idx, e.leaf_hash, e.data, n.scope, n.nullifier
     FROM entries e LEFT JOIN nullifiers n ON n.idx = e.idx";

impl Storage for PostgresStorage {
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
        let mut c = self.conn()?;
        let mut tx = c
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(storage)?;
        let portal = tx
            .bind(
                &format!("{ENTRY_SELECT} WHERE e.idx >= $1 AND e.idx < $2 ORDER BY e.idx"),
                &[&from, &to],
            )
            .map_err(storage)?;
        loop {
            let rows = tx.query_portal(&portal, SCAN_BATCH).map_err(storage)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                f(Self::row_entry(r)?)?;
            }
        }
        tx.commit().map_err(storage)
    }

    fn entry(&self, index: u64) -> Result<Option<StoredEntry>, LedgerError> {
        let mut c = self.conn()?;
        c.query_typed_opt(
            &format!("{ENTRY_SELECT} WHERE e.idx = $1"),
            &[(&sql_index(index)?, Type::INT8)],
        )
        .map_err(storage)?
        .as_ref()
        .map(Self::row_entry)
        .transpose()
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError> {
        Self::one_checkpoint(
            &mut *self.conn()?,
            "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1",
            &[],
        )
    }

    fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>, LedgerError> {
        Self::one_checkpoint(
            &mut *self.conn()?,
            "SELECT size, root, note FROM checkpoints WHERE size = $1",
            &[(&sql_index(size)?, Type::INT8)],
        )
    }

    fn append(
        &mut self,
        entries: &[StoredEntry],
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), LedgerError> {
        let mut c = self.conn()?;
        // Dropped without commit, the transaction rolls back: nothing written.
        let mut tx = c.transaction().map_err(storage)?;
        // One round trip: durability, the appenders' lock, the next index.
        let next = tx
            .simple_query(
                "SET LOCAL synchronous_commit = on;
                 LOCK TABLE entries IN EXCLUSIVE MODE;
                 SELECT COALESCE(MAX(idx) + 1, 0) FROM entries",
            )
            .map_err(storage)?
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.get(0).and_then(|v| v.parse::<i64>().ok()),
                _ => None,
            })
            .ok_or_else(|| LedgerError::Corrupt("entries: no next index".into()))?;
        let fence = self
            .fence
            .lock()
            .map_err(|_| LedgerError::internal("the fence lock is poisoned"))?
            .clone();
        if let Some(f) = fence {
            // Under the entries lock: no append of a successor can be
            // between this check and the commit.
            let held = tx
                .query_typed_opt(
                    "SELECT 1 FROM sequencer WHERE id = 1 AND node = $1 AND epoch = $2
                     AND expires_at > clock_timestamp()",
                    &[(&f.node, Type::TEXT), (&f.epoch, Type::INT8)],
                )
                .map_err(storage)?
                .is_some();
            if !held {
                return Err(LedgerError::LeaseLost { epoch: f.epoch });
            }
        }
        let mut expect = index_from(next)?;
        let (mut idx, mut leaf, mut data) = (Vec::new(), Vec::new(), Vec::new());
        let (mut n_scope, mut n_value, mut n_idx) = (Vec::new(), Vec::new(), Vec::new());
        for e in entries {
            if e.index != expect {
                return Err(LedgerError::internal(format!(
                    "append at {} but the log has {expect} entries",
                    e.index
                )));
            }
            let i = sql_index(e.index)?;
            idx.push(i);
            leaf.push(&e.leaf_hash[..]);
            data.push(e.data.as_slice());
            if let Some((scope, n)) = &e.nullifier {
                n_scope.push(scope.as_str());
                n_value.push(n.as_str());
                n_idx.push(i);
            }
            expect += 1;
        }
        let size = sql_index(checkpoint.size)?;
        let root = &checkpoint.root[..];
        // One statement (one round trip) writes the entries, their
        // nullifiers and the checkpoint; its SELECT sees the database as it
        // was before the statement, so `existing` is a checkpoint of this
        // size written earlier, if any.
        let row = tx
            .query_typed_one(
                "WITH e AS (
                     INSERT INTO entries (idx, leaf_hash, data)
                     SELECT * FROM UNNEST($1::BIGINT[], $2::BYTEA[], $3::BYTEA[])
                     RETURNING 1),
                 n AS (
                     INSERT INTO nullifiers (scope, nullifier, idx)
                     SELECT * FROM UNNEST($4::TEXT[], $5::TEXT[], $6::BIGINT[])
                     ON CONFLICT (scope, nullifier) DO NOTHING
                     RETURNING 1),
                 c AS (
                     INSERT INTO checkpoints (size, root, note) VALUES ($7, $8, $9)
                     ON CONFLICT (size) DO NOTHING
                     RETURNING 1)
                 SELECT (SELECT COUNT(*) FROM n), (SELECT COUNT(*) FROM c),
                        (SELECT root FROM checkpoints WHERE size = $7)",
                &[
                    (&idx, Type::INT8_ARRAY),
                    (&leaf, Type::BYTEA_ARRAY),
                    (&data, Type::BYTEA_ARRAY),
                    (&n_scope, Type::TEXT_ARRAY),
                    (&n_value, Type::TEXT_ARRAY),
                    (&n_idx, Type::INT8_ARRAY),
                    (&size, Type::INT8),
                    (&root, Type::BYTEA),
                    (&checkpoint.note, Type::TEXT),
                ],
            )
            .map_err(storage)?;
        let cr = corrupt("append");
        let nullifiers: i64 = row.try_get(0).map_err(&cr)?;
        let added: i64 = row.try_get(1).map_err(&cr)?;
        let existing: Option<Vec<u8>> = row.try_get(2).map_err(&cr)?;
        if nullifiers != n_idx.len() as i64 {
            // The constraint turned a row away: name the entry holding the
            // first nullifier (in index order) that did not go in.
            let holder = tx
                .query_typed_opt(
                    "SELECT n.idx FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BIGINT[]) AS u(s, v, i)
                     JOIN nullifiers n ON n.scope = u.s AND n.nullifier = u.v
                     WHERE n.idx <> u.i ORDER BY u.i LIMIT 1",
                    &[
                        (&n_scope, Type::TEXT_ARRAY),
                        (&n_value, Type::TEXT_ARRAY),
                        (&n_idx, Type::INT8_ARRAY),
                    ],
                )
                .map_err(storage)?
                .ok_or_else(|| {
                    LedgerError::internal("a nullifier was refused but no entry holds it")
                })?;
            let index: i64 = holder.try_get(0).map_err(corrupt("nullifier"))?;
            return Err(LedgerError::NullifierUsed {
                index: index_from(index)?,
            });
        }
        if checkpoint.size != expect {
            return Err(LedgerError::internal(format!(
                "checkpoint of size {} for a log of {expect}",
                checkpoint.size
            )));
        }
        if added == 0 {
            let stored = match existing {
                Some(r) => r,
                // Written after this statement's snapshot (by a writer not
                // taking the lock): read it now.
                None => tx
                    .query_typed_one(
                        "SELECT root FROM checkpoints WHERE size = $1",
                        &[(&size, Type::INT8)],
                    )
                    .map_err(storage)?
                    .try_get(0)
                    .map_err(corrupt("checkpoint"))?,
            };
            if stored.as_slice() != checkpoint.root {
                return Err(LedgerError::Corrupt(format!(
                    "a different checkpoint of size {} exists",
                    checkpoint.size
                )));
            }
        }
        tx.commit().map_err(storage)
    }

    fn nullifier(&self, scope: &str, nullifier: &str) -> Result<Option<u64>, LedgerError> {
        let mut c = self.conn()?;
        c.query_typed_opt(
            "SELECT idx FROM nullifiers WHERE scope = $1 AND nullifier = $2",
            &[(&scope, Type::TEXT), (&nullifier, Type::TEXT)],
        )
        .map_err(storage)?
        .map(|r| r.try_get::<_, i64>(0).map_err(corrupt("nullifier")))
        .transpose()?
        .map(index_from)
        .transpose()
    }

    fn integrity_check(&self) -> Result<(), LedgerError> {
        let latest = MIGRATIONS.last().map_or(0, |m| m.version);
        let version = self.schema_version()?;
        if version != latest {
            return Err(LedgerError::Corrupt(format!(
                "schema version {version}, expected {latest}"
            )));
        }
        let mut c = self.conn()?;
        // The constraints guard types, lengths and references; what they
        // cannot say is that the indices run 0, 1, 2, ... with no gap.
        let row = c
            .query_one(
                "SELECT COUNT(*), COALESCE(MIN(idx), 0), COALESCE(MAX(idx) + 1, 0) FROM entries",
                &[],
            )
            .map_err(storage)?;
        let cr = corrupt("entries");
        let (count, min, end): (i64, i64, i64) = (
            row.try_get(0).map_err(&cr)?,
            row.try_get(1).map_err(&cr)?,
            row.try_get(2).map_err(&cr)?,
        );
        if min != 0 || count != end {
            return Err(LedgerError::Corrupt(format!(
                "the entries' indices are not 0..{count} without gaps"
            )));
        }
        Ok(())
    }

    fn add_cosignature(&mut self, size: u64, witness: &str, line: &str) -> Result<(), LedgerError> {
        let mut c = self.conn()?;
        c.execute_typed(
            "INSERT INTO cosignatures (size, witness, line) VALUES ($1, $2, $3)
             ON CONFLICT (size, witness) DO UPDATE SET line = EXCLUDED.line",
            &[
                (&sql_index(size)?, Type::INT8),
                (&witness, Type::TEXT),
                (&line, Type::TEXT),
            ],
        )
        .map_err(storage)?;
        Ok(())
    }

    fn latest_cosigned(&self) -> Result<Option<(u64, Vec<String>)>, LedgerError> {
        let mut c = self.conn()?;
        let rows = c
            .query_typed(
                "SELECT size, line FROM cosignatures
                 WHERE size = (SELECT MAX(size) FROM cosignatures) ORDER BY witness",
                &[],
            )
            .map_err(storage)?;
        let cr = corrupt("cosignatures");
        let mut out: Option<(u64, Vec<String>)> = None;
        for r in rows {
            let size = index_from(r.try_get(0).map_err(&cr)?)?;
            out.get_or_insert_with(|| (size, Vec::new()))
                .1
                .push(r.try_get(1).map_err(&cr)?);
        }
        Ok(out)
    }

    fn reader(&self) -> Result<Option<Box<dyn Storage>>, LedgerError> {
        Ok(Some(Box::new(PostgresStorage {
            pool: self.pool.clone(),
            fence: self.fence.clone(),
        })))
    }
}

fn lease_millis(ttl: Duration) -> f64 {
    ttl.as_secs_f64() * 1000.0
}

impl SequencerLease {
    fn conn(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, LedgerError> {
        self.pool.get().map_err(storage)
    }

    fn set_fence(&self, fence: Fence) -> Result<(), LedgerError> {
        *self
            .fence
            .lock()
            .map_err(|_| LedgerError::internal("the fence lock is poisoned"))? = Some(fence);
        Ok(())
    }

    /// Takes the lease for `node` (reachable at `url`) for `ttl`, if no
    /// other node holds an unexpired one; returns the new epoch (one more
    /// than the last, also when `node` held it before). From then on this
    /// storage's appends are fenced by it.
    pub fn try_acquire(
        &self,
        node: &str,
        url: &str,
        ttl: Duration,
    ) -> Result<Option<i64>, LedgerError> {
        let mut c = self.conn()?;
        let row = c
            .query_typed_opt(
                "INSERT INTO sequencer (id, node, url, epoch, expires_at)
                 VALUES (1, $1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
                 ON CONFLICT (id) DO UPDATE
                     SET node = EXCLUDED.node, url = EXCLUDED.url,
                         epoch = sequencer.epoch + 1, expires_at = EXCLUDED.expires_at
                     WHERE sequencer.expires_at < clock_timestamp()
                        OR sequencer.node = EXCLUDED.node
                 RETURNING epoch",
                &[
                    (&node, Type::TEXT),
                    (&url, Type::TEXT),
                    (&lease_millis(ttl), Type::FLOAT8),
                ],
            )
            .map_err(storage)?;
        let epoch = row
            .map(|r| r.try_get::<_, i64>(0).map_err(corrupt("sequencer")))
            .transpose()?;
        if let Some(epoch) = epoch {
            self.set_fence(Fence {
                node: node.to_owned(),
                epoch,
            })?;
        }
        Ok(epoch)
    }

    /// Extends the lease `node` holds at `epoch` by `ttl` from now; `false`
    /// if it expired or another node took it. The fence stays on the old
    /// epoch: appends are refused until the lease is taken again.
    pub fn renew(&self, node: &str, epoch: i64, ttl: Duration) -> Result<bool, LedgerError> {
        let mut c = self.conn()?;
        let renewed = c
            .query_typed_opt(
                "UPDATE sequencer
                 SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
                 WHERE id = 1 AND node = $1 AND epoch = $2 AND expires_at > clock_timestamp()
                 RETURNING 1",
                &[
                    (&node, Type::TEXT),
                    (&epoch, Type::INT8),
                    (&lease_millis(ttl), Type::FLOAT8),
                ],
            )
            .map_err(storage)?
            .is_some();
        Ok(renewed)
    }

    /// Gives the lease up at once (on shutdown), so another node need not
    /// wait for it to expire.
    pub fn release(&self, node: &str, epoch: i64) -> Result<(), LedgerError> {
        let mut c = self.conn()?;
        c.execute_typed(
            "UPDATE sequencer SET expires_at = clock_timestamp() - interval '1 millisecond'
             WHERE id = 1 AND node = $1 AND epoch = $2",
            &[(&node, Type::TEXT), (&epoch, Type::INT8)],
        )
        .map_err(storage)?;
        Ok(())
    }

    /// Who holds the lease, if anyone ever did.
    pub fn holder(&self) -> Result<Option<LeaseHolder>, LedgerError> {
        let mut c = self.conn()?;
        let row = c
            .query_typed_opt(
                "SELECT node, url, epoch, expires_at > clock_timestamp() FROM sequencer WHERE id = 1",
                &[],
            )
            .map_err(storage)?;
        let cr = corrupt("sequencer");
        row.map(|r| {
            Ok(LeaseHolder {
                node: r.try_get(0).map_err(&cr)?,
                url: r.try_get(1).map_err(&cr)?,
                epoch: r.try_get(2).map_err(&cr)?,
                live: r.try_get(3).map_err(&cr)?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::valid_schema;

    #[test]
    fn schema_names() {
        for ok in ["a", "_x", "t_1_abc", "public"] {
            assert!(valid_schema(ok), "{ok}");
        }
        for bad in [
            "",
            "1a",
            "A",
            "a-b",
            "a;drop",
            "a b",
            "\"x\"",
            &"a".repeat(64),
        ] {
            assert!(!valid_schema(bad), "{bad}");
        }
    }
}
