//! A ledger kept in a data directory:
//!
//! ```text
//! DIR/ledger.db      SQLite database (WAL: also ledger.db-wal, ledger.db-shm)
//! DIR/signed.json    last size and root the log signed (rollback detection)
//! DIR/log-key.json   the log's Ed25519 signing key, mode 0600, made with a new log
//! DIR/lock           held (advisory lock) by the one process that has the ledger open
//! ```
//!
//! With [`open_postgres`] the entries, nullifiers and checkpoints live in a
//! PostgreSQL database instead of `ledger.db`; the log key, the signed-size
//! file and the lock stay in the data directory.
//!
//! The log's genesis is the source of truth: an existing log opens with
//! the origin and log key its genesis names, or not at all. A missing log
//! key file next to an existing database is an error, never a new key.

use std::{
    path::Path,
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};
use zkgov_params::private_file::{read_secret_json, write_secret_json};
use zkgov_verifier::{encoding::b64_array, encoding::b64_encode, Authority, Entry, EntryBody};

use crate::{
    ledger::ClusterConfig,
    store::{PostgresStorage, SqliteStorage, Storage},
    Ledger, LedgerConfig, LedgerError,
};

/// The origin of a new log when none is given.
pub const DEFAULT_ORIGIN: &str = "zkgov.local/ledger";

#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    format: String,
    version: u64,
    seed: String,
}

const KEY_FORMAT: &str = "zkgov-log-key";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads the log key at `path`.
pub fn read_log_key(path: &Path) -> Result<SigningKey, LedgerError> {
    let f: KeyFile = read_secret_json(path, KEY_FORMAT)?;
    let seed =
        Zeroizing::new(b64_array::<32>(&f.seed, "log key seed").map_err(LedgerError::Corrupt)?);
    Ok(SigningKey::from_bytes(&seed))
}

/// Creates a new log key (from the OS RNG) at `path`, mode 0600.
pub fn create_log_key(path: &Path) -> Result<SigningKey, LedgerError> {
    let key = SigningKey::generate(&mut OsRng);
    write_secret_json(
        path,
        &KeyFile {
            format: KEY_FORMAT.into(),
            version: 1,
            seed: b64_encode(&key.to_bytes()),
        },
    )
    .map_err(io(path))?;
    Ok(key)
}

/// The Ed25519 key in `dir/file` (the log-key file format), made (from the
/// OS RNG, mode 0600) with the directory if missing: a log's key before its
/// first node starts (`zkgov ledger key`), a witness's key.
pub fn key_in(dir: &Path, file: &str) -> Result<SigningKey, LedgerError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join(file);
    match path.exists() {
        true => read_log_key(&path),
        false => create_log_key(&path),
    }
}

/// The system clock in Unix seconds.
pub fn system_clock() -> Arc<dyn Fn() -> u64 + Send + Sync> {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    })
}

/// Takes the data directory's lock, or says who cannot.
fn lock(dir: &Path) -> Result<std::fs::File, LedgerError> {
    let path = dir.join("lock");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(LedgerError::Config(format!(
            "{} is in use by another process",
            dir.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path)(e)),
    }
}

/// Opens (creating if needed) the ledger in `dir`.
///
/// `origin` and `authorities` make the genesis of a new log. For an
/// existing log, `origin` (if given) and `authorities` (if not empty) must
/// be what its genesis says.
pub fn open_dir(
    dir: &Path,
    origin: Option<&str>,
    authorities: Vec<Authority>,
) -> Result<Ledger, LedgerError> {
    open_dir_with(
        dir,
        origin,
        authorities,
        crate::ledger::default_root_grace(),
    )
}

/// [`open_dir`] with the grace windows of superseded roots for the genesis
/// of a new log (an existing log keeps its genesis's).
pub fn open_dir_with(
    dir: &Path,
    origin: Option<&str>,
    authorities: Vec<Authority>,
    root_grace_secs: std::collections::BTreeMap<zkgov_verifier::Role, u64>,
) -> Result<Ledger, LedgerError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let lock = lock(dir)?;
    let storage = SqliteStorage::open(&dir.join("ledger.db"))?;
    let held_in = dir.display().to_string();
    open_on(
        dir,
        &held_in,
        lock,
        Box::new(storage),
        origin,
        authorities,
        root_grace_secs,
    )
}

/// Opens (creating if needed) a ledger whose storage is the PostgreSQL
/// database at `database_url` (migrated to this build's schema), with its
/// log key, signed-size file and lock in `dir`, as [`open_dir`] does.
pub fn open_postgres(
    dir: &Path,
    database_url: &str,
    origin: Option<&str>,
    authorities: Vec<Authority>,
) -> Result<Ledger, LedgerError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let lock = lock(dir)?;
    let storage = PostgresStorage::open(database_url)?;
    open_on(
        dir,
        "the PostgreSQL database",
        lock,
        Box::new(storage),
        origin,
        authorities,
        crate::ledger::default_root_grace(),
    )
}

/// Opens a ledger as one node of a cluster on the PostgreSQL database at
/// `database_url` ([`Ledger::open_cluster`]), with this node's log key,
/// signed-size file and lock in `dir`. Every node of a cluster signs with
/// the same log key: a node joining an existing log needs a copy of its
/// `log-key.json` in `dir`.
pub fn open_postgres_cluster(
    dir: &Path,
    database_url: &str,
    origin: Option<&str>,
    authorities: Vec<Authority>,
    cluster: ClusterConfig,
) -> Result<Ledger, LedgerError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let lock = lock(dir)?;
    let storage = PostgresStorage::open(database_url)?;
    let (origin, signer) = log_identity(dir, "the PostgreSQL database", &storage, origin)?;
    Ledger::open_cluster(
        storage,
        config(
            dir,
            lock,
            origin,
            signer,
            authorities,
            crate::ledger::default_root_grace(),
        ),
        cluster,
    )
}

fn config(
    dir: &Path,
    lock: std::fs::File,
    origin: String,
    signer: SigningKey,
    authorities: Vec<Authority>,
    root_grace_secs: std::collections::BTreeMap<zkgov_verifier::Role, u64>,
) -> LedgerConfig {
    LedgerConfig {
        origin,
        signer,
        authorities,
        state_file: Some(dir.join("signed.json")),
        clock: system_clock(),
        lock: Some(lock),
        max_in_flight: crate::ledger::MAX_IN_FLIGHT,
        root_grace_secs,
    }
}

/// The part of opening shared by every storage: the log key (read, or made
/// for a new log), the genesis checks and the signed-size file.
fn open_on(
    dir: &Path,
    held_in: &str,
    lock: std::fs::File,
    storage: Box<dyn Storage>,
    origin: Option<&str>,
    authorities: Vec<Authority>,
    root_grace_secs: std::collections::BTreeMap<zkgov_verifier::Role, u64>,
) -> Result<Ledger, LedgerError> {
    let (origin, signer) = log_identity(dir, held_in, storage.as_ref(), origin)?;
    Ledger::open(
        storage,
        config(dir, lock, origin, signer, authorities, root_grace_secs),
    )
}

/// The origin and log key to open with: an existing log's (its key file
/// must be there), or a new log's (the key made if missing).
fn log_identity(
    dir: &Path,
    held_in: &str,
    storage: &dyn Storage,
    origin: Option<&str>,
) -> Result<(String, SigningKey), LedgerError> {
    let key_path = dir.join("log-key.json");
    Ok(match storage.entry(0)? {
        Some(first) => {
            let genesis = match Entry::from_bytes(&first.data) {
                Ok(Entry {
                    body: EntryBody::Genesis(g),
                    ..
                }) => g,
                _ => return Err(LedgerError::Corrupt("entry 0 is not a genesis".into())),
            };
            if !key_path.exists() {
                return Err(LedgerError::Config(format!(
                    "{held_in} holds a log but its log key {} is missing: refusing to sign it under a new key",
                    key_path.display()
                )));
            }
            (
                origin.unwrap_or(&genesis.origin).to_owned(),
                read_log_key(&key_path)?,
            )
        }
        None => {
            let key = match key_path.exists() {
                true => read_log_key(&key_path)?,
                false => create_log_key(&key_path)?,
            };
            (origin.unwrap_or(DEFAULT_ORIGIN).to_owned(), key)
        }
    })
}
