//! A ledger kept in a data directory:
//!
//! ```text
//! DIR/ledger.db      SQLite database (WAL: also ledger.db-wal, ledger.db-shm)
//! DIR/signed.json    last size and root the log signed (rollback detection)
//! DIR/log-key.json   the log's Ed25519 signing key, mode 0600, made on first use
//! ```

use std::{
    path::Path,
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use base64::Engine;
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;
use zkgov_verifier::entry::Authority;

use crate::{store::SqliteStorage, Ledger, LedgerConfig, LedgerError};

#[derive(Serialize, Deserialize)]
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

/// Loads the log key from `path`, creating it (from the OS RNG) if missing.
pub fn log_key(path: &Path) -> Result<SigningKey, LedgerError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            let f: KeyFile = serde_json::from_str(&text).map_err(|_| {
                LedgerError::Corrupt(format!("{} is not a log key file", path.display()))
            })?;
            let seed = Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .decode(&f.seed)
                    .map_err(|_| LedgerError::Corrupt("log key seed is not base64".into()))?,
            );
            let arr: [u8; 32] = seed
                .as_slice()
                .try_into()
                .map_err(|_| LedgerError::Corrupt("log key seed is not 32 bytes".into()))?;
            if f.format != KEY_FORMAT || f.version != 1 {
                return Err(LedgerError::Corrupt("unsupported log key file".into()));
            }
            Ok(SigningKey::from_bytes(&arr))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SigningKey::generate(&mut OsRng);
            let text = Zeroizing::new(
                serde_json::to_string(&KeyFile {
                    format: KEY_FORMAT.into(),
                    version: 1,
                    seed: base64::engine::general_purpose::STANDARD.encode(key.to_bytes()),
                })
                .unwrap_or_default(),
            );
            zkgov_params::private_file::create_private(path, text.as_bytes()).map_err(io(path))?;
            Ok(key)
        }
        Err(e) => Err(io(path)(e)),
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

/// Opens (creating if needed) the ledger in `dir`. `authorities` are used
/// for the genesis entry of a new log and ignored afterwards.
pub fn open_dir(
    dir: &Path,
    origin: &str,
    authorities: Vec<Authority>,
) -> Result<Ledger, LedgerError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let signer = log_key(&dir.join("log-key.json"))?;
    let storage = SqliteStorage::open(&dir.join("ledger.db"))?;
    Ledger::open(
        Box::new(storage),
        LedgerConfig {
            origin: origin.into(),
            signer,
            authorities,
            state_file: Some(dir.join("signed.json")),
            clock: system_clock(),
        },
    )
}
