//! A C2SP tlog-witness (<https://c2sp.org/tlog-witness>) that another agency
//! runs: for each log it follows it keeps the latest checkpoint it
//! cosigned, and cosigns (`cosignature/v1`, <https://c2sp.org/tlog-cosignature>)
//! a new one only when a consistency proof shows it extends that one.
//!
//! ```text
//! DIR/witness-key.json   the witness's Ed25519 key, mode 0600 (made on first run)
//! DIR/witness.db         SQLite: per origin, the latest cosigned size, root and note
//! DIR/lock               held by the one process serving the witness
//! ```
//!
//! | method and path | answer |
//! |---|---|
//! | `POST /add-checkpoint` | 200: the cosignature line(s); 400, 403, 404, 409 (body `<size>\n`, `text/x.tlog.size`), 422 as the specification says |
//! | `GET /<sha256(origin), hex>/checkpoint` | the latest cosigned checkpoint with the log's signature and the witness's cosignature; 404 if none |
//!
//! The check against the stored state, the write of the new state and the
//! cosignature happen under one lock, and the state is durable (a SQLite
//! transaction with `synchronous = FULL`) before the answer is sent: two
//! requests can never both be checked against one state, and a witness
//! that crashes never cosigns a checkpoint it has not recorded.
//!
//! What it cosigns says: at that time, this is the largest checkpoint of
//! the log consistent with every one the witness cosigned before. A log
//! operator who forks the log, or rolls a whole data directory back and
//! signs again, gets a 409 or 422 from the witness and no cosignature.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    extract::{Path as UrlPath, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use ed25519_dalek::SigningKey;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use zkgov_tlog::{
    cosign,
    witness::{check_add_checkpoint, AddCheckpointRequest, LogState, WitnessRefusal},
    witness::{MAX_REQUEST_BYTES, TLOG_SIZE_CONTENT_TYPE},
    CosignatureVerifier, NoteVerifier,
};

use crate::{
    dir::{key_in, system_clock},
    LedgerError,
};

/// The witness's key file in its data directory.
pub const KEY_FILE: &str = "witness-key.json";

/// The cosignature verifier key of the witness named `name` whose data
/// directory is `dir` (its key made if missing): what logs and agencies
/// configure.
pub fn witness_key(dir: &Path, name: &str) -> Result<CosignatureVerifier, LedgerError> {
    CosignatureVerifier::new(name, key_in(dir, KEY_FILE)?.verifying_key())
        .map_err(|e| LedgerError::Config(format!("witness name {name:?}: {e}")))
}

/// A witness: its name and key, the logs it follows and its state.
pub struct Witness {
    name: String,
    key: SigningKey,
    verifier: CosignatureVerifier,
    /// Trusted keys by log origin.
    logs: HashMap<String, Vec<NoteVerifier>>,
    /// The state, one connection: the lock that makes check and persist
    /// one step.
    db: Mutex<Connection>,
    clock: Arc<dyn Fn() -> u64 + Send + Sync>,
    _lock: Option<std::fs::File>,
}

/// Why an add-checkpoint was not cosigned.
#[derive(Debug)]
pub enum WitnessError {
    /// Refused as the specification says.
    Refused(WitnessRefusal),
    /// The witness's own storage failed (500): nothing was cosigned.
    Internal(LedgerError),
}

impl From<WitnessRefusal> for WitnessError {
    fn from(r: WitnessRefusal) -> Self {
        WitnessError::Refused(r)
    }
}

impl From<rusqlite::Error> for WitnessError {
    fn from(e: rusqlite::Error) -> Self {
        WitnessError::Internal(LedgerError::from(e))
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_owned(),
        source,
    }
}

impl Witness {
    /// Opens (creating if needed) the witness in `dir`, named `name` (a
    /// schema-less URL, e.g. `witness.agency.example/w1`), following the
    /// logs whose keys are `logs` (each key's name is its log's origin).
    pub fn open(dir: &Path, name: &str, logs: Vec<NoteVerifier>) -> Result<Self, LedgerError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let lock_path = dir.join("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        if lock.try_lock().is_err() {
            return Err(LedgerError::Config(format!(
                "{} is in use by another process",
                dir.display()
            )));
        }
        let key = key_in(dir, KEY_FILE)?;
        let db = Connection::open(dir.join("witness.db"))?;
        Self::new(name, key, logs, db, Some(lock))
    }

    /// A witness with its state in memory (tests).
    pub fn in_memory(
        name: &str,
        key: SigningKey,
        logs: Vec<NoteVerifier>,
    ) -> Result<Self, LedgerError> {
        Self::new(name, key, logs, Connection::open_in_memory()?, None)
    }

    fn new(
        name: &str,
        key: SigningKey,
        logs: Vec<NoteVerifier>,
        db: Connection,
        lock: Option<std::fs::File>,
    ) -> Result<Self, LedgerError> {
        // The name must be a valid key name.
        let verifier = CosignatureVerifier::new(name, key.verifying_key())
            .map_err(|e| LedgerError::Config(format!("witness name {name:?}: {e}")))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS logs (
                 origin TEXT PRIMARY KEY,
                 size INTEGER NOT NULL CHECK (size >= 0),
                 root BLOB NOT NULL CHECK (length(root) = 32),
                 note TEXT NOT NULL)",
        )?;
        let mut by_origin: HashMap<String, Vec<NoteVerifier>> = HashMap::new();
        for k in logs {
            by_origin.entry(k.name().to_owned()).or_default().push(k);
        }
        Ok(Witness {
            name: name.to_owned(),
            key,
            verifier,
            logs: by_origin,
            db: Mutex::new(db),
            clock: system_clock(),
            _lock: lock,
        })
    }

    /// The key clients check this witness's cosignatures with.
    pub fn verifier(&self) -> &CosignatureVerifier {
        &self.verifier
    }

    /// Handles one `add-checkpoint` body: checks it against the stored
    /// state, stores the new state, and returns the cosignature line.
    pub fn add_checkpoint(&self, body: &[u8]) -> Result<String, WitnessError> {
        let req = AddCheckpointRequest::parse(body)?;
        let keys = self
            .logs
            .get(req.origin())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let db = self
            .db
            .lock()
            .map_err(|_| WitnessError::Internal(LedgerError::internal("witness lock poisoned")))?;
        let latest = db
            .query_row(
                "SELECT size, root FROM logs WHERE origin = ?1",
                [req.origin()],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?
            .map(|(size, root)| -> Result<LogState, WitnessError> {
                let corrupt = |m: &str| WitnessError::Internal(LedgerError::Corrupt(m.into()));
                Ok(LogState {
                    size: u64::try_from(size).map_err(|_| corrupt("negative size"))?,
                    root: root.try_into().map_err(|_| corrupt("root not 32 bytes"))?,
                })
            })
            .transpose()?;
        let cp = check_add_checkpoint(&req, keys, latest.as_ref())?;
        let body = cp.to_body();
        let line = cosign(&self.name, &self.key, &body, (self.clock)().max(1))
            .map_err(|e| WitnessError::Internal(LedgerError::internal(e.to_string())))?;
        // The note as monitors read it: the log's signatures and ours.
        let mut note = String::from_utf8_lossy(req.note()).into_owned();
        note.push_str(&line);
        let size = i64::try_from(cp.size)
            .map_err(|_| WitnessRefusal::BadRequest("size beyond 2^63".into()))?;
        // Durable before the answer (synchronous = FULL).
        db.execute(
            "INSERT INTO logs (origin, size, root, note) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (origin) DO UPDATE SET size = ?2, root = ?3, note = ?4",
            rusqlite::params![cp.origin, size, &cp.root[..], note],
        )?;
        Ok(line)
    }

    /// The latest cosigned checkpoint of the log whose origin hashes
    /// (SHA-256, lowercase hex) to `origin_hash`.
    pub fn latest(&self, origin_hash: &str) -> Result<Option<String>, LedgerError> {
        let origin = self
            .logs
            .keys()
            .find(|o| hex::encode(Sha256::digest(o.as_bytes())) == origin_hash);
        let Some(origin) = origin else {
            return Ok(None);
        };
        let db = self
            .db
            .lock()
            .map_err(|_| LedgerError::internal("witness lock poisoned"))?;
        Ok(db
            .query_row("SELECT note FROM logs WHERE origin = ?1", [origin], |r| {
                r.get(0)
            })
            .optional()?)
    }
}

fn text(status: StatusCode, body: String, content_type: &'static str) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

async fn add_checkpoint(State(w): State<Arc<Witness>>, body: Bytes) -> Response {
    let answer = tokio::task::spawn_blocking(move || w.add_checkpoint(&body)).await;
    match answer {
        Ok(Ok(line)) => text(StatusCode::OK, line, "text/plain; charset=utf-8"),
        Ok(Err(WitnessError::Refused(r))) => {
            let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST);
            match r.conflict_body() {
                Some(size) => text(status, size, TLOG_SIZE_CONTENT_TYPE),
                None => text(status, format!("{r}\n"), "text/plain; charset=utf-8"),
            }
        }
        Ok(Err(WitnessError::Internal(_))) | Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error\n".into(),
            "text/plain; charset=utf-8",
        ),
    }
}

async fn latest(State(w): State<Arc<Witness>>, UrlPath(hash): UrlPath<String>) -> Response {
    match tokio::task::spawn_blocking(move || w.latest(&hash)).await {
        Ok(Ok(Some(note))) => text(StatusCode::OK, note, "text/plain; charset=utf-8"),
        Ok(Ok(None)) => text(
            StatusCode::NOT_FOUND,
            "no checkpoint cosigned for this log\n".into(),
            "text/plain; charset=utf-8",
        ),
        _ => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error\n".into(),
            "text/plain; charset=utf-8",
        ),
    }
}

/// The witness's HTTP API (see the module docs).
pub fn router(w: Arc<Witness>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/{origin_hash}/checkpoint", get(latest))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(w)
}
