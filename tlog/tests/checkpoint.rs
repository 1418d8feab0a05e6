//! C2SP signed notes and checkpoints: the Go `sumdb/note` vectors, round
//! trips with seeded keys, and every refusal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::{engine::general_purpose::STANDARD, Engine};
use ed25519_dalek::{Signer, SigningKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_tlog::{
    key_id, leaf_hash, note_text, root_of, signature_line, verify_checkpoint, verify_note,
    Checkpoint, ErrorKind, Hash, NoteVerifier, TlogError, MAX_NOTE_BYTES, MAX_SIGNATURES,
};

// From golang.org/x/mod/sumdb/note, note_test.go.
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn peter() -> NoteVerifier {
    NoteVerifier::from_vkey(PETER_VKEY).unwrap()
}

fn enoch() -> NoteVerifier {
    NoteVerifier::from_vkey(ENOCH_VKEY).unwrap()
}

fn peter_note() -> String {
    format!("{TEXT}\n{PETER_SIG}")
}

/// The PeterNeumann signing key: base64(0x01 || 32-byte seed) in Go's skey.
fn peter_signing_key() -> SigningKey {
    // Go's skey is PRIVATE+KEY+<name>+<id>+<base64>; the base64 itself contains a '+'.
    let b64 = PETER_SKEY.splitn(5, '+').nth(4).unwrap();
    let raw = STANDARD.decode(b64).unwrap();
    assert_eq!(raw[0], 0x01);
    SigningKey::from_bytes(&raw[1..].try_into().unwrap())
}

fn seeded_key(seed: u64) -> SigningKey {
    SigningKey::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

fn sign_line(name: &str, key: &SigningKey, body: &str) -> String {
    let sig = key.sign(body.as_bytes()).to_bytes();
    signature_line(name, key_id(name, &key.verifying_key()), &sig)
}

fn malformed_note(text: &str, verifiers: &[NoteVerifier], why: &str) {
    let e = verify_note(text.as_bytes(), verifiers).unwrap_err();
    assert!(
        matches!(e, TlogError::MalformedNote(_)),
        "{text:?}: expected a malformed note, got {e}"
    );
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(
        e.to_string().contains(why),
        "{text:?}: {e} (expected {why:?})"
    );
}

#[test]
fn go_vector_verifies() {
    let n = verify_note(peter_note().as_bytes(), &[peter()]).unwrap();
    assert_eq!(n.body, TEXT);
    assert_eq!(n.signers, [0]);
    // Our formatter reproduces Go's signature line and note byte for byte
    // (Ed25519 is deterministic).
    let key = peter_signing_key();
    assert_eq!(key_id("PeterNeumann", &key.verifying_key()), 0xc74f20a3);
    assert_eq!(key.verifying_key(), *peter().verifying_key());
    let line = sign_line("PeterNeumann", &key, TEXT);
    assert_eq!(line, PETER_SIG);
    assert_eq!(note_text(TEXT, &[line]), peter_note());
}

#[test]
fn go_two_signer_semantics() {
    let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    // One known, one unknown: the unknown one is ignored.
    let n = verify_note(both.as_bytes(), &[peter()]).unwrap();
    assert_eq!(n.signers, [0]);
    let n = verify_note(both.as_bytes(), &[enoch()]).unwrap();
    assert_eq!(n.signers, [0]);
    // Both known: both reported, in line order, as indices into the list.
    let n = verify_note(both.as_bytes(), &[enoch(), peter()]).unwrap();
    assert_eq!(n.signers, [1, 0]);
    // None known.
    let e = verify_note(both.as_bytes(), &[]).unwrap_err();
    assert!(matches!(e, TlogError::NoteUnverified { .. }), "{e}");
    assert_eq!(e.kind(), ErrorKind::Mismatch);
    assert!(
        e.to_string()
            .contains("signed by: PeterNeumann+c74f20a3, EnochRoot+af0cfe78; known keys: none"),
        "{e}"
    );
    // The same verifier twice is a configuration error.
    let e = verify_note(both.as_bytes(), &[peter(), enoch(), peter()]).unwrap_err();
    assert!(matches!(e, TlogError::MalformedNoteKey(_)), "{e}");
    // An unknown key's bad signature does not matter ...
    let bad_enoch = format!("{}ABCD{}", &ENOCH_SIG[..60], &ENOCH_SIG[60..]);
    let n = verify_note(
        format!("{TEXT}\n{PETER_SIG}{bad_enoch}").as_bytes(),
        &[peter()],
    )
    .unwrap();
    assert_eq!(n.signers, [0]);
    // ... a known key's does (Go's "invalid signature" case).
    let bad_peter = format!("{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    let e = verify_note(format!("{TEXT}\n{bad_peter}").as_bytes(), &[peter()]).unwrap_err();
    assert!(
        matches!(
            e,
            TlogError::MalformedNote(_) | TlogError::NoteSignatureInvalid { .. }
        ),
        "{e}"
    );
}

#[test]
fn known_key_with_a_bad_signature_is_an_error_even_beside_a_good_one() {
    let body = "a\n";
    let (k1, k2) = (seeded_key(1), seeded_key(2));
    let v1 = NoteVerifier::new("one.example/log", k1.verifying_key()).unwrap();
    let v2 = NoteVerifier::new("two.example/witness", k2.verifying_key()).unwrap();
    let good = sign_line("one.example/log", &k1, body);
    // k2's line, but signing another text.
    let wrong = sign_line("two.example/witness", &k2, "b\n");
    let text = note_text(body, &[good.clone(), wrong.clone()]);
    let e = verify_note(text.as_bytes(), &[v1.clone(), v2.clone()]).unwrap_err();
    assert_eq!(
        e,
        TlogError::NoteSignatureInvalid {
            key: format!("two.example/witness+{:08x}", v2.key_id())
        }
    );
    assert_eq!(e.kind(), ErrorKind::InvalidProof);
    // Without v2 the bad line belongs to an unknown key and is ignored.
    assert_eq!(verify_note(text.as_bytes(), &[v1]).unwrap().signers, [0]);
}

#[test]
fn vkey_parsing_refuses_every_mangling() {
    let v = peter();
    assert_eq!(v.to_vkey(), PETER_VKEY);
    // Every proper substring and every single-byte increment, as Go's tests do.
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if (i, j) != (0, b.len()) {
                if let Ok(s) = std::str::from_utf8(&b[i..j]) {
                    assert!(NoteVerifier::from_vkey(s).is_err(), "{s}");
                }
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] += 1;
        if let Ok(s) = std::str::from_utf8(&m) {
            let e = NoteVerifier::from_vkey(s).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Malformed, "{s}");
        }
    }
    // Key-id mismatch says so.
    let e = NoteVerifier::from_vkey(&PETER_VKEY.replace("c74f20a3", "c74f20a4")).unwrap_err();
    assert!(
        e.to_string().contains("key id c74f20a4 does not match"),
        "{e}"
    );
    assert!(e.to_string().contains("c74f20a3"), "{e}");
    // Uppercase hex is not canonical.
    let e = NoteVerifier::from_vkey(&PETER_VKEY.replace("c74f20a3", "C74F20A3")).unwrap_err();
    assert!(e.to_string().contains("lowercase"), "{e}");
    // Go's two extra cases: wrong-length key and unknown algorithm, both with
    // an adjusted (matching) key id.
    let e = NoteVerifier::from_vkey(
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed, "{e}");
    let e = NoteVerifier::from_vkey(
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    )
    .unwrap_err();
    assert!(e.to_string().contains("signature type 0x65"), "{e}");
    // Names: no '+', no spaces, not empty.
    for name in ["", "a b", "a\u{a0}b", "a\tb"] {
        assert!(
            NoteVerifier::new(name, seeded_key(3).verifying_key()).is_err(),
            "{name:?}"
        );
    }
}

#[test]
fn vkey_of_a_seeded_key_round_trips() {
    let key = seeded_key(7);
    let v = NoteVerifier::new("zkgov.example/ledger", key.verifying_key()).unwrap();
    let vkey = v.to_vkey();
    assert!(vkey.starts_with(&format!("zkgov.example/ledger+{:08x}+A", v.key_id())));
    assert_eq!(NoteVerifier::from_vkey(&vkey).unwrap(), v);
}

fn sample_checkpoint() -> Checkpoint {
    let leaves: Vec<Hash> = (0u8..7).map(|i| leaf_hash(&[i])).collect();
    Checkpoint {
        origin: "zkgov.example/ledger".into(),
        size: 7,
        root: root_of(&leaves),
        extensions: vec![],
    }
}

fn signed_checkpoint(cp: &Checkpoint, name: &str, key: &SigningKey) -> String {
    let body = cp.to_body();
    note_text(&body, &[sign_line(name, key, &body)])
}

#[test]
fn checkpoint_round_trip_with_a_seeded_key() {
    let key = seeded_key(42);
    let origin = "zkgov.example/ledger";
    let v = NoteVerifier::new(origin, key.verifying_key()).unwrap();
    let cp = sample_checkpoint();
    let text = signed_checkpoint(&cp, origin, &key);
    assert!(text.starts_with("zkgov.example/ledger\n7\n"));
    assert!(text.contains("\n\n\u{2014} zkgov.example/ledger "));
    let got = verify_checkpoint(text.as_bytes(), std::slice::from_ref(&v))
        .unwrap()
        .require_origin(origin)
        .unwrap();
    assert_eq!(got.checkpoint, cp);
    assert_eq!(got.signers, [0]);
    // With extension lines, and a witness cosignature from an unknown key.
    let mut cp2 = cp.clone();
    cp2.extensions = vec!["ext: 1".into()];
    let body = cp2.to_body();
    let witness = sign_line("witness.example", &seeded_key(43), &body);
    let text = note_text(&body, &[witness, sign_line(origin, &key, &body)]);
    let got = verify_checkpoint(text.as_bytes(), std::slice::from_ref(&v))
        .unwrap()
        .require_origin(origin)
        .unwrap();
    assert_eq!(got.checkpoint, cp2);
    assert_eq!(got.signers, [0]);
    // Another log's checkpoint signed with the same key is refused by origin.
    let mut other = cp.clone();
    other.origin = "other.example/log".into();
    let text = signed_checkpoint(&other, origin, &key);
    let got = verify_checkpoint(text.as_bytes(), &[v]).unwrap();
    assert_eq!(got.checkpoint.origin, "other.example/log");
    let e = got.require_origin(origin).unwrap_err();
    assert!(
        matches!(e, TlogError::CheckpointOriginMismatch { .. }),
        "{e}"
    );
    assert_eq!(e.kind(), ErrorKind::Mismatch);
}

#[test]
fn tampering_is_refused() {
    let key = seeded_key(42);
    let origin = "zkgov.example/ledger";
    let v = NoteVerifier::new(origin, key.verifying_key()).unwrap();
    let vs = std::slice::from_ref(&v);
    let cp = sample_checkpoint();
    let text = signed_checkpoint(&cp, origin, &key);
    let invalid = |t: &str| {
        let e = verify_checkpoint(t.as_bytes(), vs).unwrap_err();
        assert!(
            matches!(e, TlogError::NoteSignatureInvalid { .. }),
            "{t:?}: {e}"
        );
        assert_eq!(e.kind(), ErrorKind::InvalidProof);
    };
    // Tampered size, root, origin-free body edit, appended extension line.
    invalid(&text.replacen("\n7\n", "\n8\n", 1));
    let root = STANDARD.encode(cp.root);
    let mut other_root = cp.root;
    other_root[0] ^= 1;
    invalid(&text.replacen(&root, &STANDARD.encode(other_root), 1));
    invalid(&text.replacen(&format!("{root}\n"), &format!("{root}\nextra\n"), 1));
    // Tampered signature bytes (still canonical base64, same key id).
    let sig_b64 = text.rsplit(' ').next().unwrap().trim_end();
    let mut raw = STANDARD.decode(sig_b64).unwrap();
    raw[10] ^= 0x40;
    invalid(&text.replacen(sig_b64, &STANDARD.encode(&raw), 1));
    // Signed by another key under the same name: the key id differs, so the
    // line is from an unknown key and nothing verifies.
    let text2 = signed_checkpoint(&cp, origin, &seeded_key(9));
    let e = verify_checkpoint(text2.as_bytes(), vs).unwrap_err();
    assert!(matches!(e, TlogError::NoteUnverified { .. }), "{e}");
    // Another key's signature relabelled with our key id: verified, refused.
    let body = cp.to_body();
    let forged = signature_line(
        origin,
        v.key_id(),
        &seeded_key(9).sign(body.as_bytes()).to_bytes(),
    );
    invalid(&note_text(&body, &[forged]));
    // Wrong name with the right key id: unknown key.
    let renamed = signature_line(
        "zkgov.example/other",
        v.key_id(),
        &key.sign(body.as_bytes()).to_bytes(),
    );
    let e = verify_note(note_text(&body, &[renamed]).as_bytes(), vs).unwrap_err();
    assert!(matches!(e, TlogError::NoteUnverified { .. }), "{e}");
    // The body is a valid note but not a checkpoint.
    let body = "zkgov.example/ledger\n007\nAAAA\n";
    let text3 = note_text(body, &[sign_line(origin, &key, body)]);
    assert_eq!(verify_note(text3.as_bytes(), vs).unwrap().body, body);
    let e = verify_checkpoint(text3.as_bytes(), vs).unwrap_err();
    assert!(matches!(e, TlogError::MalformedCheckpoint(_)), "{e}");
}

#[test]
fn malformed_notes_are_refused() {
    let p = [peter()];
    let sig = PETER_SIG;
    let unterminated = &sig[..sig.len() - 1];
    // Go's bad-message table.
    malformed_note(TEXT, &p, "no blank line");
    malformed_note(&format!("{TEXT}\n"), &p, "no signature lines");
    malformed_note(&format!("{TEXT}\n{unterminated}"), &p, "not terminated");
    malformed_note(
        &format!("\x01{TEXT}\n{sig}"),
        &p,
        "control character U+0001",
    );
    let e = verify_note(&[b"\xff".as_slice(), peter_note().as_bytes()].concat(), &p).unwrap_err();
    assert!(e.to_string().contains("UTF-8"), "{e}");
    malformed_note(
        &format!("{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"),
        &p,
        "signature line 1",
    );
    malformed_note(
        &format!("{TEXT}\n{sig}Unexpected line.\n"),
        &p,
        "signature line 2 does not start",
    );
    // Missing blank line between body and signatures.
    malformed_note(&format!("{TEXT}{sig}"), &p, "no blank line");
    // Duplicate signature lines, garbage lines, an ASCII hyphen instead of the em dash.
    malformed_note(
        &format!("{TEXT}\n{sig}{sig}"),
        &p,
        "a second signature by PeterNeumann+c74f20a3",
    );
    // A trailing blank line: the last blank line has nothing after it.
    malformed_note(&format!("{TEXT}\n{sig}\n"), &p, "no signature lines");
    malformed_note(&format!("{TEXT}\n{sig}garbage\n"), &p, "signature line 2");
    malformed_note(
        &format!("{TEXT}\n{}", sig.replace('\u{2014}', "-")),
        &p,
        "em dash",
    );
    malformed_note(
        &format!("{TEXT}\n{}", sig.replacen(' ', "  ", 1)),
        &p,
        "key name \"\"",
    );
    malformed_note(
        &format!("{TEXT}\n{}", sig.replace(' ', "\u{a0}")),
        &p,
        "signature line 1",
    );
    malformed_note(
        &format!("{TEXT}\n{TEXT}\n{sig}\r\n"),
        &p,
        "control character U+000D",
    );
    // Non-canonical base64: missing padding, non-zero trailing bits, URL alphabet.
    malformed_note(
        &format!("{TEXT}\n{}", sig.replace("AM=\n", "AM\n")),
        &p,
        "base64",
    );
    malformed_note(
        &format!("{TEXT}\n{}", sig.replace("AM=\n", "AN=\n")),
        &p,
        "base64",
    );
    malformed_note(&format!("{TEXT}\n{}", sig.replace('/', "_")), &p, "base64");
    malformed_note(
        &format!("{TEXT}\n\u{2014} PeterNeumann \n"),
        &p,
        "too short",
    );
    malformed_note(
        &format!("{TEXT}\n\u{2014} PeterNeumann x08gAA==\n"),
        &p,
        "too short",
    );
    // A known key id with a signature that is not 64 bytes.
    let short = STANDARD.encode([0xc7, 0x4f, 0x20, 0xa3, 1, 2, 3]);
    malformed_note(
        &format!("{TEXT}\n\u{2014} PeterNeumann {short}\n"),
        &p,
        "Ed25519 signatures are 64",
    );
}

#[test]
fn limits_are_enforced() {
    let p = [peter()];
    // Go's 101 copies of one signature: refused (as duplicates here, before
    // the count limit).
    let many = format!("{TEXT}\n{}", PETER_SIG.repeat(MAX_SIGNATURES + 1));
    assert!(verify_note(many.as_bytes(), &p).is_err());
    // MAX_SIGNATURES distinct lines from unknown keys plus Peter's pass, one more does not.
    let lines: Vec<String> = (0..MAX_SIGNATURES)
        .map(|i| format!("\u{2014} witness{i} {}\n", STANDARD.encode([i as u8; 68])))
        .collect();
    let ok = format!("{TEXT}\n{}{PETER_SIG}", lines[1..].concat());
    assert_eq!(verify_note(ok.as_bytes(), &p).unwrap().signers, [0]);
    let too_many = format!("{TEXT}\n{}{PETER_SIG}", lines.concat());
    malformed_note(
        &too_many,
        &p,
        &format!("more than {MAX_SIGNATURES} signature lines"),
    );
    // Size limit.
    let big_body = "x".repeat(MAX_NOTE_BYTES) + "\n";
    let big = format!("{big_body}\n{PETER_SIG}");
    malformed_note(&big, &p, "byte limit");
}

#[test]
fn checkpoint_body_text_is_exact() {
    let cp = Checkpoint {
        origin: "example.com/behind-the-sofa".into(),
        size: 20852163,
        root: STANDARD
            .decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
            .unwrap()
            .try_into()
            .unwrap(),
        extensions: vec![],
    };
    assert_eq!(
        cp.to_body(),
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    );
    assert_eq!(Checkpoint::parse_body(&cp.to_body()).unwrap(), cp);
    let e =
        Checkpoint::parse_body("example.com/x\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
            .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(e.to_string().contains("leading zero"), "{e}");
}
