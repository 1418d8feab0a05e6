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
        let old = line
            .strip_prefix("old ")
            .ok_or_else(|| bad_request("the first line is not \"old <size>\"".into()))?;
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
        let checkpoint =
            Checkpoint::parse_body(parsed.body).map_err(|e| bad_request(e.to_string()))?;
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
/// verified checkpoint to persist (as `LogState::from(&checkpoint)`) and cosign; see
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
        Some(latest) => verify_consistency(
            old,
            checkpoint.size,
            &latest.root,
            &checkpoint.root,
            &req.proof,
        )
        .map_err(|e| WitnessRefusal::Unprocessable(e.to_string()))?,
        // old = latest_size > 0 means a latest state exists.
        None => return Err(WitnessRefusal::Conflict { latest: 0 }),
    }
    Ok(checkpoint)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::merkle::{consistency_proof, leaf_hash, root_of};
    use crate::note::{key_id, note_text, signature_line};
    use crate::{cosign, verify_cosignatures, CosignatureVerifier};
    use ed25519_dalek::{Signer, SigningKey};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    const ORIGIN: &str = "zkgov.example/witnessed-log";

    fn seeded_key(seed: u64) -> SigningKey {
        SigningKey::generate(&mut ChaCha20Rng::seed_from_u64(seed)) // ok: test keys
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
            .collect()
    }

    fn checkpoint(size: u64) -> Checkpoint {
        Checkpoint {
            origin: ORIGIN.into(),
            size,
            root: root_of(&leaves(size)),
            extensions: vec![],
        }
    }

    fn state(size: u64) -> LogState {
        LogState::from(&checkpoint(size))
    }

    /// `cp` signed by the key of `seed` under the name `ORIGIN`.
    fn note_by(cp: &Checkpoint, seed: u64) -> Vec<u8> {
        let key = seeded_key(seed);
        let body = cp.to_body();
        let line = signature_line(
            ORIGIN,
            key_id(ORIGIN, &key.verifying_key()),
            &key.sign(body.as_bytes()).to_bytes(),
        );
        note_text(&body, &[line]).into_bytes()
    }

    fn log_keys() -> Vec<NoteVerifier> {
        vec![NoteVerifier::new(ORIGIN, seeded_key(1).verifying_key()).unwrap()]
    }

    fn request(old: u64, proof: &[Hash], cp: &Checkpoint) -> AddCheckpointRequest {
        AddCheckpointRequest::parse(&add_checkpoint_body(old, proof, &note_by(cp, 1))).unwrap()
    }

    /// The proof from `old` to `new` in the test tree (empty from 0).
    fn proof(old: u64, new: u64) -> Vec<Hash> {
        if old == 0 {
            vec![]
        } else {
            consistency_proof(&leaves(new), old).unwrap()
        }
    }

    fn check(
        old: u64,
        proof: &[Hash],
        cp: &Checkpoint,
        latest: Option<LogState>,
    ) -> Result<Checkpoint, WitnessRefusal> {
        check_add_checkpoint(&request(old, proof, cp), &log_keys(), latest.as_ref())
    }

    fn refused(status: u16, result: Result<Checkpoint, WitnessRefusal>, why: &str) {
        let e = result.unwrap_err();
        assert_eq!(e.status(), status, "{e}");
        assert!(e.to_string().contains(why), "{e} (expected {why:?})");
    }

    #[test]
    fn parse_round_trips() {
        let cp = checkpoint(10);
        let p = proof(4, 10);
        let note = note_by(&cp, 1);
        let body = add_checkpoint_body(4, &p, &note);
        let req = AddCheckpointRequest::parse(&body).unwrap();
        assert_eq!(req.old_size(), 4);
        assert_eq!(req.proof(), p.as_slice());
        assert_eq!(req.note(), note.as_slice());
        assert_eq!(req.origin(), ORIGIN);
        let req = AddCheckpointRequest::parse(&add_checkpoint_body(0, &[], &note)).unwrap();
        assert_eq!((req.old_size(), req.proof().len()), (0, 0));
        let full = vec![[7u8; 32]; MAX_PROOF_HASHES];
        let req = AddCheckpointRequest::parse(&add_checkpoint_body(1, &full, &note)).unwrap();
        assert_eq!(req.proof().len(), MAX_PROOF_HASHES);
        let max = format!("old {}\n\n", u64::MAX).into_bytes();
        let req = AddCheckpointRequest::parse(&[&max[..], &note].concat()).unwrap();
        assert_eq!(req.old_size(), u64::MAX);
    }

    #[test]
    fn parse_refuses_malformed_bodies_with_400() {
        let note = note_by(&checkpoint(3), 1);
        let note = String::from_utf8(note).unwrap();
        let h = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let too_many = format!("old 1\n{}\n{note}", format!("{h}\n").repeat(64));
        let cases: Vec<(String, &str)> = vec![
            (format!("old 01\n\n{note}"), "leading zero"),
            (format!("old 00\n\n{note}"), "leading zero"),
            (format!("old -1\n\n{note}"), "not a decimal"),
            (format!("old  1\n\n{note}"), "not a decimal"),
            (format!("old 1 \n\n{note}"), "not a decimal"),
            (format!("old \n\n{note}"), "not a decimal"),
            (format!("old 18446744073709551616\n\n{note}"), "64 bits"),
            (format!("Old 1\n\n{note}"), "\"old <size>\""),
            (format!("old\t1\n\n{note}"), "\"old <size>\""),
            (format!("\n{note}"), "\"old <size>\""),
            ("old 1".into(), "not terminated"),
            ("old 1\n".into(), "not terminated"),
            (format!("old 1\n{h}\n"), "not terminated"),
            (too_many, "more than 63"),
            (format!("old 1\n{}\n\n{note}", &h[..43]), "base64"),
            (format!("old 1\n{}B=\n\n{note}", &h[..42]), "base64"), // stray bits
            (
                format!("old 1\n{}\n\n{note}", h.replace('=', "B")),
                "33 bytes",
            ),
            (format!("old 1\nAAAA\n\n{note}"), "3 bytes, expected 32"),
            (format!("old 1\n{h}\r\n\n{note}"), "base64"),
            (format!("old 1\n{h}\n \n{note}"), "base64"),
            ("old 1\n\n".into(), "signed note"),
            (
                format!("old 1\n\n{}", note.replace("\n\n", "\n")),
                "blank line",
            ),
            (
                format!(
                    "old 1\n\nnot a checkpoint\n\n{}",
                    note.rsplit("\n\n").next().unwrap()
                ),
                "checkpoint",
            ),
        ];
        for (body, why) in cases {
            let e = AddCheckpointRequest::parse(body.as_bytes()).unwrap_err();
            assert_eq!(e.status(), 400, "{body:?}: {e}");
            assert!(matches!(e, WitnessRefusal::BadRequest(_)), "{body:?}: {e}");
            // The variant is matched above; the text only says which of
            // the malformations was found.
            let which = e.to_string().contains(why); // ok: a test of the message, after the variant
            assert!(which, "{body:?}: {e} (expected {why:?})");
        }
        let e = AddCheckpointRequest::parse(b"old \xff\n\n").unwrap_err();
        assert!(e.to_string().contains("UTF-8"), "{e}");
        // The size bound applies before anything is read.
        let big = vec![b'x'; MAX_REQUEST_BYTES + 1];
        let e = AddCheckpointRequest::parse(&big).unwrap_err();
        assert!(e.to_string().contains("byte limit"), "{e}");
    }

    #[test]
    fn accepts_a_first_checkpoint_an_extension_and_the_same_again() {
        // Never cosigned: old 0, no proof.
        assert_eq!(check(0, &[], &checkpoint(5), None).unwrap(), checkpoint(5));
        // The empty tree.
        assert_eq!(check(0, &[], &checkpoint(0), None).unwrap(), checkpoint(0));
        assert_eq!(
            check(0, &[], &checkpoint(4), Some(state(0))).unwrap(),
            checkpoint(4)
        );
        // 5 -> 13 with its proof.
        let cp = check(5, &proof(5, 13), &checkpoint(13), Some(state(5))).unwrap();
        assert_eq!(LogState::from(&cp), state(13));
        // The latest checkpoint again: accepted, the state does not move.
        let cp = check(13, &[], &checkpoint(13), Some(state(13))).unwrap();
        assert_eq!(LogState::from(&cp), state(13));
        // And the witness's cosignature of what it accepted verifies.
        let wkey = seeded_key(50);
        let w = CosignatureVerifier::new("witness.example/w", wkey.verifying_key()).unwrap();
        let line = cosign(w.name(), &wkey, &cp.to_body(), 1_700_000_000).unwrap();
        let note = [note_by(&cp, 1), line.into_bytes()].concat();
        let v = verify_cosignatures(&note, &log_keys()[0], &[w]).unwrap();
        assert_eq!(v.checkpoint, cp);
        v.require_cosigners(1).unwrap();
    }

    #[test]
    fn unknown_origin_is_404() {
        let req = request(0, &[], &checkpoint(5));
        let e = check_add_checkpoint(&req, &[], None).unwrap_err();
        assert_eq!(e.status(), 404);
        assert_eq!(
            e,
            WitnessRefusal::UnknownLog {
                origin: ORIGIN.into()
            }
        );
        assert_eq!(e.conflict_body(), None);
    }

    #[test]
    fn untrusted_or_bad_signatures_are_403() {
        // Signed only by another key (same name, so only the key id differs).
        let cp = checkpoint(5);
        let other =
            AddCheckpointRequest::parse(&add_checkpoint_body(0, &[], &note_by(&cp, 2))).unwrap();
        let e = check_add_checkpoint(&other, &log_keys(), None).unwrap_err();
        assert_eq!(e.status(), 403, "{e}");
        assert!(e.to_string().contains("not signed by a known key"), "{e}");
        // The trusted key's line over another checkpoint: the signature fails.
        let good = String::from_utf8(note_by(&cp, 1)).unwrap();
        let forged = good.replacen("\n5\n", "\n6\n", 1);
        let body = add_checkpoint_body(0, &[], forged.as_bytes());
        let req = AddCheckpointRequest::parse(&body).unwrap();
        let e = check_add_checkpoint(&req, &log_keys(), None).unwrap_err();
        assert_eq!(e.status(), 403, "{e}");
        assert!(e.to_string().contains("does not verify"), "{e}");
        // Not decided before the origin: an unknown origin stays 404.
        assert_eq!(
            check_add_checkpoint(&req, &[], None).unwrap_err().status(),
            404
        );
    }

    #[test]
    fn old_size_above_the_checkpoint_is_400() {
        // Everything else as a witness at size 8 expects.
        refused(
            400,
            check(8, &[], &checkpoint(5), Some(state(8))),
            "above the checkpoint size",
        );
    }

    #[test]
    fn old_size_not_the_latest_is_409() {
        let e = check(5, &proof(5, 13), &checkpoint(13), Some(state(8))).unwrap_err();
        assert_eq!(
            (e.status(), e.conflict_body().as_deref()),
            (409, Some("8\n"))
        );
        assert_eq!(e, WitnessRefusal::Conflict { latest: 8 });
        // A client that knows nothing asks with 0 and learns the size.
        let e = check(0, &[], &checkpoint(13), Some(state(8))).unwrap_err();
        assert_eq!(e.conflict_body().as_deref(), Some("8\n"));
        // Never cosigned: the latest size is 0.
        let e = check(5, &proof(5, 13), &checkpoint(13), None).unwrap_err();
        assert_eq!(
            (e.status(), e.conflict_body().as_deref()),
            (409, Some("0\n"))
        );
        assert_eq!(TLOG_SIZE_CONTENT_TYPE, "text/x.tlog.size");
    }

    #[test]
    fn empty_checkpoint_with_another_root_is_422() {
        let mut cp = checkpoint(0);
        cp.root = root_of(&leaves(1));
        refused(422, check(0, &[], &cp, None), "empty tree");
    }

    #[test]
    fn proof_from_zero_is_422() {
        refused(
            422,
            check(0, &proof(4, 13), &checkpoint(13), None),
            "must be empty, got",
        );
    }

    #[test]
    fn failing_consistency_proofs_are_422() {
        let good = proof(5, 13);
        let mut tampered = good.clone();
        tampered[1][0] ^= 1;
        refused(
            422,
            check(5, &tampered, &checkpoint(13), Some(state(5))),
            "does not verify",
        );
        // One hash short, and one too many.
        refused(
            422,
            check(5, &good[1..], &checkpoint(13), Some(state(5))),
            "malformed",
        );
        let longer = [&good[..], &[[0u8; 32]]].concat();
        refused(
            422,
            check(5, &longer, &checkpoint(13), Some(state(5))),
            "malformed",
        );
        // A proof for another old tree than the one the witness holds: the
        // log forked at size 5.
        let fork = LogState {
            size: 5,
            root: leaf_hash(b"another tree"),
        };
        refused(
            422,
            check(5, &good, &checkpoint(13), Some(fork)),
            "does not verify",
        );
    }

    #[test]
    fn same_size_with_another_root_is_422() {
        let mut cp = checkpoint(13);
        cp.root = root_of(&leaves(12));
        refused(422, check(13, &[], &cp, Some(state(13))), "same size 13");
        // Same size and root but a non-empty proof: not a proof between equal sizes.
        refused(
            422,
            check(13, &proof(5, 13), &checkpoint(13), Some(state(13))),
            "must be empty",
        );
    }

    /// Why the caller must check and persist atomically (the race in the
    /// specification): two requests checked against the same state both
    /// pass; persisting the smaller one last would roll the log back. Checked
    /// again against the state the first one left, the smaller one is a 409.
    #[test]
    fn check_and_persist_must_be_atomic() {
        let stored = state(5);
        let a = request(5, &proof(5, 8), &checkpoint(8));
        let b = request(5, &proof(5, 13), &checkpoint(13));
        let cp_a = check_add_checkpoint(&a, &log_keys(), Some(&stored)).unwrap();
        let cp_b = check_add_checkpoint(&b, &log_keys(), Some(&stored)).unwrap();
        assert_eq!((cp_a.size, cp_b.size), (8, 13));
        // Serialised: B persists 13, then A is checked against it and refused.
        let stored = LogState::from(&cp_b);
        let e = check_add_checkpoint(&a, &log_keys(), Some(&stored)).unwrap_err();
        assert_eq!(e, WitnessRefusal::Conflict { latest: 13 });
    }
}
