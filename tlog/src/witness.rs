//! The pure part of a C2SP `tlog-witness` (<https://c2sp.org/tlog-witness>):
//! reading an `add-checkpoint` request body and deciding whether to cosign,
//! with the HTTP status of each refusal. No HTTP, storage or clock here.
//!
//! ```text
//! old <size of the previous checkpoint, canonical decimal>\n
//! <base64 of a 32-byte consistency proof hash>\n      0 to 63 lines
//! \n
//! <the new checkpoint, a signed note>
//! ```
//!
//! [`AddCheckpointRequest::parse`] refuses (400) bodies over
//! [`MAX_REQUEST_BYTES`], an old size that is not canonical decimal within
//! `u64`, more than [`MAX_PROOF_HASHES`] proof lines, a proof line that is
//! not canonical base64 of 32 bytes, a missing blank line, and a note or
//! checkpoint body that is not well formed (signatures are not checked yet).
//! [`check_add_checkpoint`] then runs the specification's checks in its
//! order:
//!
//! | check                                                         | refusal        | status |
//! |---------------------------------------------------------------|----------------|--------|
//! | the origin has trusted keys                                   | `UnknownLog`   | 404    |
//! | a trusted key signed, and no trusted key's signature fails    | `Forbidden`    | 403    |
//! | old size <= checkpoint size                                   | `BadRequest`   | 400    |
//! | old size = latest cosigned size (0 if none)                   | `Conflict`     | 409    |
//! | a size-0 checkpoint has the empty-tree root                   | `Unprocessable`| 422    |
//! | old size 0: the proof is empty                                | `Unprocessable`| 422    |
//! | old size > 0: the proof goes from the latest root to the new  | `Unprocessable`| 422    |
//!
//! The last row also covers old size = checkpoint size: the proof must then
//! be empty and the roots equal ([`verify_consistency`]). A checkpoint equal
//! to the latest one (same size and root, old size = that size, empty
//! proof) is accepted: cosigning it again only refreshes the timestamp, and
//! the state does not change.
//!
//! # Atomicity
//!
//! The caller must read the latest state, call [`check_add_checkpoint`],
//! persist the returned state and only then cosign and respond, all under
//! one lock per origin (or with a compare-and-swap on the stored size that
//! fails the request when the size moved). Otherwise two requests checked
//! against the same state can both pass, and the one with the smaller size,
//! persisted last, rolls the witness back (the race described in the
//! specification).
//!
//! ```no_run
//! use zkgov_tlog::witness::{check_add_checkpoint, AddCheckpointRequest, LogState};
//! use zkgov_tlog::{cosign, NoteVerifier};
//! # fn keys_for(origin: &str) -> Vec<NoteVerifier> { Vec::new() }
//! # fn load(origin: &str) -> Option<LogState> { None }
//! # fn store(origin: &str, state: &LogState) {}
//! # fn run(body: &[u8], key: &ed25519_dalek::SigningKey, now: u64)
//! #     -> Result<String, Box<dyn std::error::Error>> {
//! // A refusal is sent as refusal.status() (and, for 409, conflict_body()).
//! let req = AddCheckpointRequest::parse(body)?;
//! let keys = keys_for(req.origin());
//! // Lock req.origin() from here until the state is stored.
//! let latest = load(req.origin());
//! let checkpoint = check_add_checkpoint(&req, &keys, latest.as_ref())?;
//! store(req.origin(), &LogState::from(&checkpoint));
//! // Unlock; respond 200 with the cosignature line.
//! Ok(cosign("witness.example/w1", key, &checkpoint.to_body(), now)?)
//! # }
//! ```

use thiserror::Error;

use crate::checkpoint::{parse_decimal, parse_hash, Checkpoint};
use crate::merkle::{empty_root, verify_consistency, Hash};
use crate::note::{parse_note, verify_checkpoint, NoteVerifier, MAX_NOTE_BYTES};

/// Largest number of consistency proof lines a client may send.
pub const MAX_PROOF_HASHES: usize = 63;
/// Largest request body accepted: a note of [`MAX_NOTE_BYTES`] and 3,200
/// bytes for the old size and proof lines (which need at most 2,861).
pub const MAX_REQUEST_BYTES: usize = MAX_NOTE_BYTES + 64 * 50;
/// `Content-Type` of a 409 response, whose body is [`WitnessRefusal::conflict_body`].
pub const TLOG_SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// Why a witness does not cosign, with its HTTP status ([`status`](Self::status)).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum WitnessRefusal {
    /// 400: the body is not an `add-checkpoint` request, or the old size is
    /// above the checkpoint size.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 404: the witness trusts no key for the checkpoint's origin.
    #[error("unknown log: no key is trusted for the origin {origin:?}")]
    UnknownLog {
        /// The checkpoint's origin line.
        origin: String,
    },
    /// 403: no trusted key signed the checkpoint, or a trusted key's
    /// signature does not verify.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 409: the old size is not the size of the latest checkpoint cosigned.
    #[error("conflict: the latest cosigned checkpoint has size {latest}")]
    Conflict {
        /// Size of the latest checkpoint cosigned for the origin (0 if none).
        latest: u64,
    },
    /// 422: the checkpoint is not consistent with the latest one cosigned,
    /// or a size-0 checkpoint has another root than the empty tree's.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
}

impl WitnessRefusal {
    /// The HTTP status code to respond with.
    pub fn status(&self) -> u16 {
        match self {
            WitnessRefusal::BadRequest(_) => 400,
            WitnessRefusal::Forbidden(_) => 403,
            WitnessRefusal::UnknownLog { .. } => 404,
            WitnessRefusal::Conflict { .. } => 409,
            WitnessRefusal::Unprocessable(_) => 422,
        }
    }

    /// For a 409, the response body `<latest size>\n` (to send with
    /// `Content-Type:` [`TLOG_SIZE_CONTENT_TYPE`]); `None` for the others.
    pub fn conflict_body(&self) -> Option<String> {
        match self {
            WitnessRefusal::Conflict { latest } => Some(format!("{latest}\n")),
            _ => None,
        }
    }
}

/// What a witness keeps for each log: the latest checkpoint it cosigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogState {
    /// Its tree size.
    pub size: u64,
    /// Its root hash.
    pub root: Hash,
}

impl From<&Checkpoint> for LogState {
    fn from(checkpoint: &Checkpoint) -> Self {
        LogState {
            size: checkpoint.size,
            root: checkpoint.root,
        }
    }
}

/// A well-formed `add-checkpoint` request body; nothing in it is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    old_size: u64,
    proof: Vec<Hash>,
    note: Vec<u8>,
    origin: String,
}

fn bad_request(msg: String) -> WitnessRefusal {
    WitnessRefusal::BadRequest(msg)
}

/// Takes the next newline-terminated line of `rest` (without its newline).
fn take_line<'a>(rest: &mut &'a [u8], what: &str) -> Result<&'a str, WitnessRefusal> {
    let Some(end) = rest.iter().position(|&b| b == b'\n') else {
        return Err(bad_request(format!(
            "the {what} is missing or not terminated by a newline"
        )));
    };
    let line = std::str::from_utf8(&rest[..end])
        .map_err(|_| bad_request(format!("the {what} is not UTF-8")))?;
    *rest = &rest[end + 1..];
    Ok(line)
}

impl AddCheckpointRequest {
    /// Parses a request body (see the module docs for every refusal, all
    /// [`WitnessRefusal::BadRequest`]).
    pub fn parse(body: &[u8]) -> Result<Self, WitnessRefusal> {
        if body.len() > MAX_REQUEST_BYTES {
            return Err(bad_request(format!(
                "the body is {} bytes, more than the {MAX_REQUEST_BYTES}-byte limit",
                body.len()
            )));
        }
        let mut rest = body;
        let line = take_line(&mut rest, "old size line")?;
        let old = line.strip_prefix("old ").ok_or_else(|| {
            bad_request("the first line is not \"old <size>\"".into())
        })?;
        let old_size = parse_decimal("old size", old).map_err(bad_request)?;
        let mut proof = Vec::new();
        loop {
            let what = format!("consistency proof line {}", proof.len() + 1);
            let line = take_line(&mut rest, &format!("{what} or blank line"))?;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_HASHES {
                return Err(bad_request(format!(
                    "more than {MAX_PROOF_HASHES} consistency proof lines"
                )));
            }
            proof.push(parse_hash(&what, line).map_err(bad_request)?);
        }
        let parsed = parse_note(rest).map_err(|e| bad_request(e.to_string()))?;
        let checkpoint = Checkpoint::parse_body(parsed.body).map_err(|e| bad_request(e.to_string()))?;
        Ok(AddCheckpointRequest {
            old_size,
            proof,
            note: rest.to_vec(),
            origin: checkpoint.origin,
        })
    }

    /// The old size: the size of the checkpoint the proof starts from.
    pub fn old_size(&self) -> u64 {
        self.old_size
    }

    /// The consistency proof, from the old size to the checkpoint's.
    pub fn proof(&self) -> &[Hash] {
        &self.proof
    }

    /// The signed checkpoint note, as sent.
    pub fn note(&self) -> &[u8] {
        &self.note
    }

    /// The checkpoint's origin line, *not yet verified*: for looking up the
    /// log's keys and state.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// An `add-checkpoint` request body, as a log sends it: the old size line,
/// one line per proof hash, a blank line, then the note.
pub fn add_checkpoint_body(old_size: u64, proof: &[Hash], note: &[u8]) -> Vec<u8> {
    use base64::{engine::general_purpose::STANDARD, Engine};
    let mut body = format!("old {old_size}\n").into_bytes();
    for hash in proof {
        body.extend_from_slice(STANDARD.encode(hash).as_bytes());
        body.push(b'\n');
    }
    body.push(b'\n');
    body.extend_from_slice(note);
    body
}

/// Decides an `add-checkpoint` request for the log `req.origin()`, given the
/// keys the witness trusts for that origin (empty: unknown log) and the
/// latest state it persisted for it (`None`: never cosigned). Returns the
/// verified checkpoint to persist (as [`LogState::from`]) and cosign; see
/// the module docs for the order of the checks and for atomicity.
pub fn check_add_checkpoint(
    req: &AddCheckpointRequest,
    log_keys: &[NoteVerifier],
    latest: Option<&LogState>,
) -> Result<Checkpoint, WitnessRefusal> {
    if log_keys.is_empty() {
        return Err(WitnessRefusal::UnknownLog {
            origin: req.origin.clone(),
        });
    }
    let checkpoint = verify_checkpoint(&req.note, log_keys)
        .map_err(|e| WitnessRefusal::Forbidden(e.to_string()))?
        .checkpoint;
    let old = req.old_size;
    if old > checkpoint.size {
        return Err(bad_request(format!(
            "the old size {old} is above the checkpoint size {}",
            checkpoint.size
        )));
    }
    let latest_size = latest.map_or(0, |s| s.size);
    if old != latest_size {
        return Err(WitnessRefusal::Conflict {
            latest: latest_size,
        });
    }
    if checkpoint.size == 0 && checkpoint.root != empty_root() {
        return Err(WitnessRefusal::Unprocessable(
            "a checkpoint of size 0 must have the root of the empty tree".into(),
        ));
    }
    match latest {
        _ if old == 0 => {
            if !req.proof.is_empty() {
                return Err(WitnessRefusal::Unprocessable(format!(
                    "the old size is 0, so the consistency proof must be empty, got {} hashes",
                    req.proof.len()
                )));
            }
        }
        Some(latest) => verify_consistency(old, checkpoint.size, &latest.root, &checkpoint.root, &req.proof)
            .map_err(|e| WitnessRefusal::Unprocessable(e.to_string()))?,
        // old = latest_size > 0 means a latest state exists.
        None => return Err(WitnessRefusal::Conflict { latest: 0 }),
    }
    Ok(checkpoint)
}
