//! C2SP `signed-note` with Ed25519 signatures, and checkpoint verification.
//!
//! ```text
//! <text: one or more lines, each ending in \n>
//! \n
//! — <key name> <base64(key id (4 bytes, big-endian) || signature)>\n
//! ...
//! ```
//!
//! The dash is U+2014 followed by a space. The text is separated from the
//! signatures by the *last* blank line; the signed message is the text
//! including its final newline. For Ed25519 (signature type `0x01`):
//!
//! ```text
//! key id        = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[0..4]
//! verifier key  = <key name>+<key id, 8 lowercase hex digits>+<base64(0x01 || public key)>
//! ```
//!
//! [`verify_note`] refuses, as [`TlogError::MalformedNote`]: notes over
//! [`MAX_NOTE_BYTES`] or with more than [`MAX_SIGNATURES`] signature lines,
//! invalid UTF-8, ASCII control characters other than newline, no blank line
//! before the signatures, an unterminated last line, a signature line not of
//! the form above (bad name, non-canonical base64, fewer than 5 bytes), two
//! signature lines with the same key name and id, and a signature of a
//! known key that is not 64 bytes. Signatures whose (name, id) is not among
//! the given verifiers are ignored, as the specification requires; a
//! signature of a known key must verify ([`TlogError::NoteSignatureInvalid`]
//! otherwise, checked with `verify_strict`), and at least one known key must
//! have signed ([`TlogError::NoteUnverified`] otherwise).
//!
//! Stricter than Go's `golang.org/x/mod/sumdb/note`: repeated signature lines
//! are refused instead of skipped, the key id in a verifier key must be
//! lowercase hex, and verifier keys must be canonically encoded points of
//! large order.

use base64::{engine::general_purpose::STANDARD, Engine};
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

use super::checkpoint::Checkpoint;
use crate::TlogError;

/// Largest note (text and signatures) accepted, in bytes: room for the 16
/// post-quantum-sized signatures the specification asks verifiers to accept.
pub const MAX_NOTE_BYTES: usize = 128 * 1024;
/// Largest number of signature lines accepted (the specification asks for at
/// least 16; Go's note package allows 100).
pub const MAX_SIGNATURES: usize = 100;

/// Signature type identifier of Ed25519 in `signed-note`.
const ALG_ED25519: u8 = 0x01;
/// Em dash (U+2014) and space: the start of every signature line.
const SIG_PREFIX: &str = "\u{2014} ";

/// An Ed25519 key the caller trusts to sign notes, with its name and key id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

/// A note whose signatures have been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedNote {
    /// The note text (everything before the separating blank line, with its
    /// final newline): what was signed.
    pub body: String,
    /// Indices into the `verifiers` given to [`verify_note`] of the keys whose
    /// signatures verified, in signature-line order; never empty.
    pub signers: Vec<usize>,
}

/// A checkpoint whose note signatures have been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    /// The parsed checkpoint.
    pub checkpoint: Checkpoint,
    /// Indices into the `verifiers` given to [`verify_checkpoint`] of the
    /// keys whose signatures verified; never empty.
    pub signers: Vec<usize>,
}

/// Key id of an Ed25519 key under `name`:
/// `SHA-256(name || "\n" || 0x01 || public key)[0..4]`, big-endian.
pub fn key_id(name: &str, key: &VerifyingKey) -> u32 {
    typed_key_id(name, ALG_ED25519, key)
}

/// The typed encoding of an Ed25519 key: the signature type byte, then the
/// 32-byte key.
fn typed_key(alg: u8, key: &VerifyingKey) -> [u8; 33] {
    let mut encoded = [0u8; 33];
    encoded[0] = alg;
    encoded[1..].copy_from_slice(key.as_bytes());
    encoded
}

/// Key id of an Ed25519 key under `name` for the signature type `alg`
/// (`0x01` for notes, `0x04` for cosignatures).
pub(crate) fn typed_key_id(name: &str, alg: u8, key: &VerifyingKey) -> u32 {
    raw_key_id(name, &typed_key(alg, key))
}

/// Key id over `name` and the typed key encoding (type byte, then key).
fn raw_key_id(name: &str, typed_key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(typed_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// One signature line, `— <name> <base64(key id || signature)>\n`.
///
/// Pure formatting for the signer (the ledger, which holds the secret key):
/// `name` must be a valid key name (as checked by [`NoteVerifier::new`]) and
/// `signature` the Ed25519 signature of the note text.
pub fn signature_line(name: &str, key_id: u32, signature: &[u8; 64]) -> String {
    raw_signature_line(name, key_id, signature)
}

/// `— <name> <base64(key id || payload)>\n`, whatever the payload (a
/// 64-byte note signature, or a cosignature's timestamp and signature).
pub(crate) fn raw_signature_line(name: &str, key_id: u32, payload: &[u8]) -> String {
    let mut raw = Vec::with_capacity(4 + payload.len());
    raw.extend_from_slice(&key_id.to_be_bytes());
    raw.extend_from_slice(payload);
    format!("{SIG_PREFIX}{name} {}\n", STANDARD.encode(raw))
}

/// A signed note: `body`, the blank line, then the signature lines
/// (each as made by [`signature_line`], ending in a newline).
pub fn note_text<S: AsRef<str>>(body: &str, signature_lines: &[S]) -> String {
    let mut text = String::with_capacity(body.len() + 1 + 100 * signature_lines.len());
    text.push_str(body);
    text.push('\n');
    for line in signature_lines {
        text.push_str(line.as_ref());
    }
    text
}

/// Why `name` cannot be a key name, if it cannot.
fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("is empty")
    } else if name.contains('+') {
        Some("contains '+'")
    } else if name.chars().any(char::is_whitespace) {
        Some("contains a space")
    } else if name.chars().any(|c| c < ' ') {
        Some("contains a control character")
    } else {
        None
    }
}

/// Refuses ASCII control characters other than newline (`signed-note`).
pub(super) fn check_characters(text: &str) -> Result<(), String> {
    match text.char_indices().find(|&(_, c)| c < ' ' && c != '\n') {
        Some((at, c)) => Err(format!(
            "control character U+{:04X} at byte {at} (only newline is allowed)",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

pub(crate) fn bad_key(msg: String) -> TlogError {
    TlogError::MalformedNoteKey(msg)
}

/// Refuses a key name or an Ed25519 key that cannot identify a signer (an
/// invalid name; a key of small order or not canonically encoded). Shared by
/// note verifiers and cosignature verifiers.
pub(crate) fn check_ed25519_identity(name: &str, key: &VerifyingKey) -> Result<(), TlogError> {
    if let Some(problem) = name_problem(name) {
        return Err(bad_key(format!("key name {name:?} {problem}")));
    }
    if key.is_weak() {
        return Err(bad_key(format!(
            "the Ed25519 key of {name:?} is a point of small order"
        )));
    }
    if key.to_edwards().compress().to_bytes() != key.to_bytes() {
        return Err(bad_key(format!(
            "the Ed25519 key of {name:?} is not canonically encoded"
        )));
    }
    Ok(())
}

/// Parses a verifier key `<name>+<8 hex key id>+<base64(alg || key)>` of an
/// Ed25519 key with signature type `alg` (`what` names it in errors),
/// refusing a key id that does not match the name and key. The name and key
/// are not yet checked by [`check_ed25519_identity`].
pub(crate) fn parse_ed25519_vkey<'a>(
    vkey: &'a str,
    alg: u8,
    what: &str,
) -> Result<(&'a str, VerifyingKey), TlogError> {
    let (name, rest) = vkey
        .split_once('+')
        .ok_or_else(|| bad_key("expected <name>+<key id>+<key>, found no '+'".into()))?;
    let (id_hex, key_b64) = rest
        .split_once('+')
        .ok_or_else(|| bad_key("expected <name>+<key id>+<key>, found one '+'".into()))?;
    if let Some(problem) = name_problem(name) {
        return Err(bad_key(format!("key name {name:?} {problem}")));
    }
    if id_hex.len() != 8
        || !id_hex
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(bad_key(format!(
            "key id {id_hex:?} is not 8 lowercase hex digits"
        )));
    }
    let id = u32::from_str_radix(id_hex, 16)
        .map_err(|_| bad_key(format!("key id {id_hex:?} is not hex")))?;
    let typed = STANDARD
        .decode(key_b64)
        .map_err(|e| bad_key(format!("key is not canonical base64: {e}")))?;
    let Some((&got, raw)) = typed.split_first() else {
        return Err(bad_key("key is empty".into()));
    };
    let computed = raw_key_id(name, &typed);
    if computed != id {
        return Err(bad_key(format!(
            "key id {id:08x} does not match the name and key (they give {computed:08x})"
        )));
    }
    if got != alg {
        return Err(bad_key(format!(
            "signature type 0x{got:02x} is not supported (only 0x{alg:02x}, {what})"
        )));
    }
    let bytes: [u8; 32] = raw
        .try_into()
        .map_err(|_| bad_key(format!("Ed25519 key is {} bytes, expected 32", raw.len())))?;
    let key = VerifyingKey::from_bytes(&bytes)
        .map_err(|_| bad_key("Ed25519 key is not a point on the curve".into()))?;
    Ok((name, key))
}

/// The verifier key text `<name>+<key id>+<base64(alg || key)>`.
pub(crate) fn format_ed25519_vkey(name: &str, key_id: u32, alg: u8, key: &VerifyingKey) -> String {
    format!(
        "{name}+{key_id:08x}+{}",
        STANDARD.encode(typed_key(alg, key))
    )
}

impl NoteVerifier {
    /// A verifier for `key` under `name`; refuses an invalid name and keys
    /// that cannot identify a signer (small order, non-canonical encoding).
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, TlogError> {
        check_ed25519_identity(name, &key)?;
        Ok(NoteVerifier {
            key_id: key_id(name, &key),
            name: name.to_owned(),
            key,
        })
    }

    /// Parses a verifier key `<name>+<8 hex key id>+<base64(0x01 || key)>`,
    /// refusing a key id that does not match the name and key.
    pub fn from_vkey(vkey: &str) -> Result<Self, TlogError> {
        let (name, key) = parse_ed25519_vkey(vkey, ALG_ED25519, "Ed25519")?;
        NoteVerifier::new(name, key)
    }

    /// The verifier key text, `<name>+<key id>+<base64(0x01 || key)>`.
    pub fn to_vkey(&self) -> String {
        format_ed25519_vkey(&self.name, self.key_id, ALG_ED25519, &self.key)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id (see [`key_id`]).
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

fn bad_note(msg: String) -> TlogError {
    TlogError::MalformedNote(msg)
}

/// One signature line of a note, read but not verified.
pub(crate) struct SignatureLine<'a> {
    /// 1-based line number among the signature lines, for messages.
    pub(crate) line: usize,
    /// The key name.
    pub(crate) name: &'a str,
    /// The key id (the first 4 bytes, big-endian).
    pub(crate) key_id: u32,
    /// What follows the key id (for Ed25519 note signatures, the signature).
    pub(crate) payload: Vec<u8>,
}

/// A note split into its text and signature lines, every line well formed,
/// no signature checked.
pub(crate) struct ParsedNote<'a> {
    /// The note text with its final newline: what was signed.
    pub(crate) body: &'a str,
    /// The signature lines in order; never empty, no (name, key id) twice.
    pub(crate) lines: Vec<SignatureLine<'a>>,
}

/// Refuses two trusted keys with the same key name and id: a signature line
/// could not tell which one it is by.
pub(crate) fn check_unique_keys<'a>(
    keys: impl Iterator<Item = (&'a str, u32)>,
) -> Result<(), TlogError> {
    let keys: Vec<(&str, u32)> = keys.collect();
    for (i, (name, id)) in keys.iter().enumerate() {
        if keys[..i].contains(&(name, *id)) {
            return Err(bad_key(format!(
                "two verifiers share the key name and id {name}+{id:08x}"
            )));
        }
    }
    Ok(())
}

/// Reads a signed note without checking any signature: every refusal of the
/// module docs that does not depend on which keys are trusted.
pub(crate) fn parse_note(note: &[u8]) -> Result<ParsedNote<'_>, TlogError> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(bad_note(format!(
            "note is {} bytes, more than the {MAX_NOTE_BYTES}-byte limit",
            note.len()
        )));
    }
    let text = std::str::from_utf8(note)
        .map_err(|e| bad_note(format!("not valid UTF-8 (from byte {})", e.valid_up_to())))?;
    check_characters(text).map_err(bad_note)?;
    let split = text.rfind("\n\n").ok_or_else(|| {
        bad_note("no blank line separates the text from the signature lines".into())
    })?;
    let (body, sigs) = (&text[..=split], &text[split + 2..]);
    let Some(sigs) = sigs.strip_suffix('\n') else {
        return Err(bad_note(if sigs.is_empty() {
            "no signature lines after the blank line".into()
        } else {
            "the last signature line is not terminated by a newline".into()
        }));
    };
    let mut lines: Vec<SignatureLine<'_>> = Vec::new();
    for (n, line) in sigs.split('\n').enumerate() {
        let n = n + 1;
        if n > MAX_SIGNATURES {
            return Err(bad_note(format!(
                "more than {MAX_SIGNATURES} signature lines"
            )));
        }
        let rest = line.strip_prefix(SIG_PREFIX).ok_or_else(|| {
            bad_note(format!(
                "signature line {n} does not start with an em dash (U+2014) and a space"
            ))
        })?;
        let (name, b64) = rest.split_once(' ').ok_or_else(|| {
            bad_note(format!(
                "signature line {n} is not \"— <name> <signature>\""
            ))
        })?;
        if let Some(problem) = name_problem(name) {
            return Err(bad_note(format!(
                "signature line {n}: key name {name:?} {problem}"
            )));
        }
        let raw = STANDARD.decode(b64).map_err(|e| {
            bad_note(format!(
                "signature line {n} ({name}): signature is not canonical base64: {e}"
            ))
        })?;
        let Some((id, payload)) = raw.split_first_chunk::<4>().filter(|(_, s)| !s.is_empty())
        else {
            return Err(bad_note(format!(
                "signature line {n} ({name}): {} bytes is too short for a key id and a signature",
                raw.len()
            )));
        };
        let id = u32::from_be_bytes(*id);
        if lines.iter().any(|l| l.name == name && l.key_id == id) {
            return Err(bad_note(format!(
                "signature line {n}: a second signature by {name}+{id:08x}"
            )));
        }
        lines.push(SignatureLine {
            line: n,
            name,
            key_id: id,
            payload: payload.to_vec(),
        });
    }
    Ok(ParsedNote { body, lines })
}

/// Checks the signatures of a parsed note by the keys in `verifiers` (which
/// must be unique, see [`check_unique_keys`]) and returns the indices of the
/// keys that signed; lines by other keys are ignored.
pub(crate) fn verify_parsed(
    note: &ParsedNote<'_>,
    verifiers: &[NoteVerifier],
) -> Result<Vec<usize>, TlogError> {
    let mut signers = Vec::new();
    for line in &note.lines {
        let (n, name, id) = (line.line, line.name, line.key_id);
        let Some(index) = verifiers
            .iter()
            .position(|v| v.name == name && v.key_id == id)
        else {
            continue; // Unknown key: ignored, as the specification requires.
        };
        let sig: &[u8; 64] = line.payload.as_slice().try_into().map_err(|_| {
            bad_note(format!(
                "signature line {n}: the signature by {name}+{id:08x} is {} bytes, Ed25519 \
                 signatures are 64",
                line.payload.len()
            ))
        })?;
        verifiers[index]
            .key
            .verify_strict(note.body.as_bytes(), &Signature::from_bytes(sig))
            .map_err(|_| TlogError::NoteSignatureInvalid {
                key: format!("{name}+{id:08x}"),
            })?;
        signers.push(index);
    }
    if signers.is_empty() {
        let list = |keys: &mut dyn Iterator<Item = String>| {
            let v: Vec<String> = keys.collect();
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.join(", ")
            }
        };
        return Err(TlogError::NoteUnverified {
            signed_by: list(
                &mut note
                    .lines
                    .iter()
                    .map(|l| format!("{}+{:08x}", l.name, l.key_id)),
            ),
            known: list(
                &mut verifiers
                    .iter()
                    .map(|v| format!("{}+{:08x}", v.name, v.key_id)),
            ),
        });
    }
    Ok(signers)
}

/// Verifies a signed note against the keys the caller trusts and returns its
/// text and which of them signed (see the module docs for every refusal).
///
/// The text is returned only when at least one signature by a key in
/// `verifiers` verifies and no signature by such a key fails. Signature
/// lines of other types (such as `0x04` cosignatures, whose payload is 72
/// bytes) are ignored like any unknown key, as long as they are well formed.
pub fn verify_note(note: &[u8], verifiers: &[NoteVerifier]) -> Result<VerifiedNote, TlogError> {
    check_unique_keys(verifiers.iter().map(|v| (v.name.as_str(), v.key_id)))?;
    let parsed = parse_note(note)?;
    let signers = verify_parsed(&parsed, verifiers)?;
    Ok(VerifiedNote {
        body: parsed.body.to_owned(),
        signers,
    })
}

/// Verifies a signed checkpoint: the note as in [`verify_note`], then its
/// text as a [`Checkpoint`].
///
/// A key may sign for several logs: check that the checkpoint is for the log
/// you asked, with [`VerifiedCheckpoint::require_origin`] or by comparing
/// `checkpoint.origin` yourself.
pub fn verify_checkpoint(
    note: &[u8],
    verifiers: &[NoteVerifier],
) -> Result<VerifiedCheckpoint, TlogError> {
    let VerifiedNote { body, signers } = verify_note(note, verifiers)?;
    let checkpoint = Checkpoint::parse_body(&body)?;
    Ok(VerifiedCheckpoint {
        checkpoint,
        signers,
    })
}

impl VerifiedCheckpoint {
    /// Passes the checkpoint through if it is for the log `origin`
    /// ([`TlogError::CheckpointOriginMismatch`] otherwise).
    pub fn require_origin(self, origin: &str) -> Result<Self, TlogError> {
        if self.checkpoint.origin != origin {
            return Err(TlogError::CheckpointOriginMismatch {
                expected: origin.to_owned(),
                got: self.checkpoint.origin,
            });
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    #[test]
    fn vkey_round_trips_and_key_id_matches() {
        let v = NoteVerifier::from_vkey(PETER_VKEY).unwrap();
        assert_eq!(v.name(), "PeterNeumann");
        assert_eq!(v.key_id(), 0xc74f20a3);
        assert_eq!(key_id("PeterNeumann", v.verifying_key()), 0xc74f20a3);
        assert_eq!(v.to_vkey(), PETER_VKEY);
    }

    #[test]
    fn degenerate_keys_are_refused() {
        // The identity point (y = 1): small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let key = VerifyingKey::from_bytes(&identity).unwrap();
        let e = NoteVerifier::new("x", key).unwrap_err();
        assert!(e.to_string().contains("small order"), "{e}");
        // Non-canonical encodings y + p of points with small y, and x = 0 with
        // the sign bit set: whichever decode, none is accepted.
        let mut non_canonical_large = 0;
        for small in 0u8..19 {
            // p = 2^255 - 19, little-endian: ed ff .. ff 7f; this is y + p.
            let mut b = [0xffu8; 32];
            b[0] = 0xed + small;
            b[31] = 0x7f;
            for sign in [0u8, 0x80] {
                let mut b = b;
                b[31] |= sign;
                if let Ok(key) = VerifyingKey::from_bytes(&b) {
                    assert!(NoteVerifier::new("x", key).is_err(), "{b:?}");
                    if !key.is_weak() {
                        non_canonical_large += 1;
                        let e = NoteVerifier::new("x", key).unwrap_err();
                        assert!(e.to_string().contains("canonical"), "{e}");
                    }
                }
            }
        }
        assert!(
            non_canonical_large > 0,
            "the test should reach the canonical check"
        );
    }
}
