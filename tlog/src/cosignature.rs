//! C2SP `tlog-cosignature` v1.0.1 with Ed25519 (`cosignature/v1`,
//! <https://c2sp.org/tlog-cosignature>): a witness's timestamped signature on
//! a checkpoint it has checked for consistency.
//!
//! ```text
//! key id         = SHA-256(name || 0x0A || 0x04 || 32-byte public key)[0..4]
//! verifier key   = <name>+<key id, 8 lowercase hex digits>+<base64(0x04 || public key)>
//! message        = "cosignature/v1" 0x0A "time " <decimal t> 0x0A <checkpoint body>
//! signature line = — <name> <base64(key id (4) || t, u64 big-endian (8) || Ed25519(message) (64))>\n
//! ```
//!
//! `t` is the time of cosigning in seconds since the Unix epoch, with
//! `0 < t <= 2^63 - 1` ([`cosign`] and [`verify_cosignatures`] refuse 0,
//! which <https://c2sp.org/tlog-witness> forbids, and anything above). The
//! checkpoint body is the whole note text, extension lines and final newline
//! included; a cosignature line is an ordinary `signed-note` line, so
//! [`verify_note`](crate::verify_note) with the log's keys ignores it.
//!
//! The message does not name the cosigner: one Ed25519 key must serve one
//! cosigner only ([`verify_cosignatures`] refuses witnesses with different
//! names and one key, which would let one signature count twice). A
//! cosignature says that at time `t` this was the largest
//! consistent tree the witness had seen for the origin; it says nothing about
//! extension lines, and nothing here compares `t` with a clock (a verifier
//! that wants to refuse future or stale timestamps checks
//! [`VerifiedCosignature::timestamp`] itself).
//!
//! [`verify_cosignatures`] checks the log's signature (as
//! [`verify_checkpoint`](crate::verify_checkpoint) does), then every line
//! whose (name, key id) is a trusted witness's: it must be 72 bytes with a
//! timestamp in range ([`TlogError::MalformedCosignature`] otherwise) and
//! verify with `verify_strict` ([`TlogError::CosignatureInvalid`]). Lines by
//! other keys are ignored. [`VerifiedCosigned::require_cosigners`] then asks
//! for `k` distinct witness *names* (two keys under one name, e.g. during a
//! key rotation, count once). Two lines with the same name and key id are
//! refused, as in [`note`](crate::note).

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::checkpoint::Checkpoint;
use crate::note::{
    bad_key, check_ed25519_identity, check_unique_keys, format_ed25519_vkey, parse_ed25519_vkey,
    parse_note, raw_signature_line, typed_key_id, verify_parsed, NoteVerifier,
};
use crate::TlogError;

/// Signature type identifier of `cosignature/v1` (Ed25519) in `signed-note`.
const ALG_COSIGNATURE_V1: u8 = 0x04;
/// Largest timestamp allowed: 2^63 - 1.
const MAX_TIMESTAMP: u64 = (1 << 63) - 1;
/// Timestamp (8 bytes) and Ed25519 signature (64 bytes).
const PAYLOAD_LEN: usize = 72;

/// An Ed25519 `cosignature/v1` key the caller trusts: a witness's name, key
/// id and public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    /// A verifier for the witness `name` with `key`; refuses what
    /// [`NoteVerifier::new`] refuses (an invalid name, a key of small order
    /// or not canonically encoded).
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, TlogError> {
        check_ed25519_identity(name, &key)?;
        Ok(CosignatureVerifier {
            key_id: typed_key_id(name, ALG_COSIGNATURE_V1, &key),
            name: name.to_owned(),
            key,
        })
    }

    /// Parses a verifier key `<name>+<8 hex key id>+<base64(0x04 || key)>`,
    /// refusing another signature type and a key id that does not match the
    /// name and key.
    pub fn from_vkey(vkey: &str) -> Result<Self, TlogError> {
        let (name, key) = parse_ed25519_vkey(vkey, ALG_COSIGNATURE_V1, "Ed25519 cosignature/v1")?;
        CosignatureVerifier::new(name, key)
    }

    /// The verifier key text, `<name>+<key id>+<base64(0x04 || key)>`.
    pub fn to_vkey(&self) -> String {
        format_ed25519_vkey(&self.name, self.key_id, ALG_COSIGNATURE_V1, &self.key)
    }

    /// The witness (key) name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id, `SHA-256(name || "\n" || 0x04 || key)[0..4]` big-endian.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// One cosignature that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCosignature {
    /// Index into the `witnesses` given to [`verify_cosignatures`].
    pub witness: usize,
    /// That witness's name.
    pub name: String,
    /// The cosignature's timestamp (seconds since the Unix epoch).
    pub timestamp: u64,
}

/// A checkpoint whose log signature and witness cosignatures were checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCosigned {
    /// The parsed checkpoint, signed by the log key.
    pub checkpoint: Checkpoint,
    /// The cosignatures by trusted witnesses that verified, in line order;
    /// possibly empty, possibly several under one witness name.
    pub cosignatures: Vec<VerifiedCosignature>,
}

impl VerifiedCosigned {
    /// The distinct names of the witnesses that cosigned, in line order.
    pub fn cosigners(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for c in &self.cosignatures {
            if !names.contains(&c.name.as_str()) {
                names.push(&c.name);
            }
        }
        names
    }

    /// Passes the checkpoint through if at least `k` distinct witness names
    /// cosigned it ([`TlogError::TooFewCosignatures`] otherwise).
    pub fn require_cosigners(self, k: usize) -> Result<Self, TlogError> {
        let names = self.cosigners();
        if names.len() < k {
            return Err(TlogError::TooFewCosignatures {
                needed: k,
                got: names.len(),
                who: if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                },
            });
        }
        Ok(self)
    }
}

/// The message an Ed25519 cosignature signs:
/// `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint body
/// (the note text with its final newline, without signature lines).
pub fn cosignature_message(checkpoint_body: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{checkpoint_body}")
}

fn check_timestamp(timestamp: u64) -> Result<(), String> {
    if timestamp == 0 {
        Err("the timestamp is 0 (a cosignature must carry the time of signing)".into())
    } else if timestamp > MAX_TIMESTAMP {
        Err(format!("the timestamp {timestamp} is above 2^63 - 1"))
    } else {
        Ok(())
    }
}

/// Cosigns a checkpoint as the witness `name`: the signature line
/// `— <name> <base64(key id || timestamp || signature)>\n`, to append to the
/// checkpoint note or return from `add-checkpoint`.
///
/// Refuses an invalid name or key (as [`CosignatureVerifier::new`]), a
/// `checkpoint_body` that [`Checkpoint::parse_body`] refuses, and a timestamp
/// of 0 or above 2^63 - 1 ([`TlogError::MalformedCosignature`]). It checks
/// nothing about consistency: that is the caller's job (see
/// [`witness`](crate::witness)).
pub fn cosign(
    name: &str,
    key: &SigningKey,
    checkpoint_body: &str,
    timestamp: u64,
) -> Result<String, TlogError> {
    let signer = CosignatureVerifier::new(name, key.verifying_key())?;
    check_timestamp(timestamp).map_err(TlogError::MalformedCosignature)?;
    Checkpoint::parse_body(checkpoint_body)?;
    let signature = key.sign(cosignature_message(checkpoint_body, timestamp).as_bytes());
    let mut payload = [0u8; PAYLOAD_LEN];
    payload[..8].copy_from_slice(&timestamp.to_be_bytes());
    payload[8..].copy_from_slice(&signature.to_bytes());
    Ok(raw_signature_line(name, signer.key_id, &payload))
}

/// Verifies a cosigned checkpoint: the note signature by `log` (every
/// refusal of [`verify_checkpoint`](crate::verify_checkpoint)), then each
/// cosignature line by a key in `witnesses` (see the module docs).
///
/// Keys in `witnesses` and `log` must not share a name and key id, and two
/// witnesses with different names must not share a public key
/// ([`TlogError::MalformedNoteKey`]). The result may hold no cosignature:
/// ask for a quorum with [`VerifiedCosigned::require_cosigners`], and
/// compare `checkpoint.origin` with the log you expect.
pub fn verify_cosignatures(
    note: &[u8],
    log: &NoteVerifier,
    witnesses: &[CosignatureVerifier],
) -> Result<VerifiedCosigned, TlogError> {
    check_unique_keys(
        std::iter::once((log.name(), log.key_id()))
            .chain(witnesses.iter().map(|w| (w.name.as_str(), w.key_id))),
    )?;
    // The message does not name the cosigner: one key under two names would
    // let one signature, relabelled, count as two witnesses.
    for (i, a) in witnesses.iter().enumerate() {
        if let Some(b) = witnesses[..i]
            .iter()
            .find(|b| b.key == a.key && b.name != a.name)
        {
            return Err(bad_key(format!(
                "the witnesses {:?} and {:?} share an Ed25519 key; cosignature/v1 does not \
                 commit to the name, so each witness needs its own key",
                b.name, a.name
            )));
        }
    }
    let parsed = parse_note(note)?;
    verify_parsed(&parsed, std::slice::from_ref(log))?;
    let checkpoint = Checkpoint::parse_body(parsed.body)?;
    let mut cosignatures = Vec::new();
    for line in &parsed.lines {
        let Some(index) = witnesses
            .iter()
            .position(|w| w.name == line.name && w.key_id == line.key_id)
        else {
            continue; // Not a trusted witness: ignored.
        };
        let key = format!("{}+{:08x}", line.name, line.key_id);
        let split = line
            .payload
            .split_first_chunk::<8>()
            .and_then(|(t, s)| Some((u64::from_be_bytes(*t), <&[u8; 64]>::try_from(s).ok()?)));
        let Some((timestamp, signature)) = split else {
            return Err(TlogError::MalformedCosignature(format!(
                "signature line {}: the cosignature by {key} is {} bytes after the key id, \
                 cosignature/v1 has {PAYLOAD_LEN} (timestamp and Ed25519 signature)",
                line.line,
                line.payload.len()
            )));
        };
        check_timestamp(timestamp).map_err(|e| {
            TlogError::MalformedCosignature(format!(
                "signature line {}: the cosignature by {key}: {e}",
                line.line
            ))
        })?;
        witnesses[index]
            .key
            .verify_strict(
                cosignature_message(parsed.body, timestamp).as_bytes(),
                &Signature::from_bytes(signature),
            )
            .map_err(|_| TlogError::CosignatureInvalid { key })?;
        cosignatures.push(VerifiedCosignature {
            witness: index,
            name: line.name.to_owned(),
            timestamp,
        });
    }
    Ok(VerifiedCosigned {
        checkpoint,
        cosignatures,
    })
}
