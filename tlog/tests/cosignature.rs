//! C2SP `cosignature/v1` (https://c2sp.org/tlog-cosignature): round trips
//! with seeded keys, the format checked independently of the crate, every
//! refusal, and k-of-n counting of distinct witnesses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::{engine::general_purpose::STANDARD, Engine};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};
use zkgov_tlog::{
    cosign, cosignature_message, key_id, leaf_hash, note_text, root_of, signature_line,
    verify_cosignatures, verify_note, Checkpoint, CosignatureVerifier, ErrorKind, Hash,
    NoteVerifier, TlogError, VerifiedCosignature,
};

const LOG: &str = "zkgov.example/test-log";
const T1: u64 = 1_700_000_000;
const T2: u64 = 1_700_000_123;

fn seeded_key(seed: u64) -> SigningKey {
    SigningKey::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

fn log_key() -> SigningKey {
    seeded_key(100)
}

fn log_verifier() -> NoteVerifier {
    NoteVerifier::new(LOG, log_key().verifying_key()).unwrap()
}

fn witness(name: &str, seed: u64) -> (SigningKey, CosignatureVerifier) {
    let key = seeded_key(seed);
    let v = CosignatureVerifier::new(name, key.verifying_key()).unwrap();
    (key, v)
}

fn body(size: u64) -> String {
    let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    Checkpoint {
        origin: LOG.into(),
        size,
        root: root_of(&leaves),
        extensions: vec![],
    }
    .to_body()
}

fn log_line(body: &str) -> String {
    let key = log_key();
    signature_line(
        LOG,
        key_id(LOG, &key.verifying_key()),
        &key.sign(body.as_bytes()).to_bytes(),
    )
}

/// The note of `body` signed by the log, then the given cosignature lines.
fn cosigned(body: &str, cosignatures: &[String]) -> Vec<u8> {
    let mut lines = vec![log_line(body)];
    lines.extend_from_slice(cosignatures);
    note_text(body, &lines).into_bytes()
}

/// A signature line `— name base64(raw)`.
fn line(name: &str, raw: &[u8]) -> String {
    format!("\u{2014} {name} {}\n", STANDARD.encode(raw))
}

/// The name and decoded bytes (key id || payload) of a signature line.
fn decode(line: &str) -> (String, Vec<u8>) {
    let rest = line
        .strip_prefix("\u{2014} ")
        .unwrap()
        .strip_suffix('\n')
        .unwrap();
    let (name, b64) = rest.split_once(' ').unwrap();
    (name.to_owned(), STANDARD.decode(b64).unwrap())
}

/// A cosignature line made by hand (not with `cosign`), with any timestamp.
fn hand_cosignature(name: &str, key: &SigningKey, id: u32, body: &str, t: u64) -> String {
    let message = format!("cosignature/v1\ntime {t}\n{body}");
    let mut raw = id.to_be_bytes().to_vec();
    raw.extend_from_slice(&t.to_be_bytes());
    raw.extend_from_slice(&key.sign(message.as_bytes()).to_bytes());
    line(name, &raw)
}

/// SHA-256(name || "\n" || 0x04 || key)[0..4], computed here.
fn spec_key_id(name: &str, key: &VerifyingKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n\x04");
    h.update(key.as_bytes());
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

#[test]
fn round_trip_and_format() {
    let (k1, w1) = witness("witness.example/w1", 1);
    let (k2, w2) = witness("witness.example/w2", 2);
    let body = body(7);
    let c1 = cosign(w1.name(), &k1, &body, T1).unwrap();
    let c2 = cosign(w2.name(), &k2, &body, T2).unwrap();
    let note = cosigned(&body, &[c1.clone(), c2]);

    let v = verify_cosignatures(&note, &log_verifier(), &[w1.clone(), w2]).unwrap();
    assert_eq!(v.checkpoint, Checkpoint::parse_body(&body).unwrap());
    assert_eq!(
        v.cosignatures,
        [
            VerifiedCosignature {
                witness: 0,
                name: "witness.example/w1".into(),
                timestamp: T1
            },
            VerifiedCosignature {
                witness: 1,
                name: "witness.example/w2".into(),
                timestamp: T2
            },
        ]
    );
    assert_eq!(v.cosigners(), ["witness.example/w1", "witness.example/w2"]);

    // The line, taken apart without the crate: key id with type 0x04, the
    // timestamp big-endian, an Ed25519 signature over the v1 message.
    let (name, raw) = decode(&c1);
    assert_eq!(name, "witness.example/w1");
    assert_eq!(raw.len(), 4 + 8 + 64);
    let id = spec_key_id(&name, w1.verifying_key());
    assert_eq!(w1.key_id(), id);
    assert_ne!(
        id,
        key_id(&name, w1.verifying_key()),
        "0x04 and 0x01 ids differ"
    );
    assert_eq!(raw[..4], id.to_be_bytes());
    assert_eq!(raw[4..12], T1.to_be_bytes());
    let message = format!("cosignature/v1\ntime {T1}\n{body}");
    assert_eq!(cosignature_message(&body, T1), message);
    let sig = ed25519_dalek::Signature::from_slice(&raw[12..]).unwrap();
    w1.verifying_key()
        .verify_strict(message.as_bytes(), &sig)
        .unwrap();
    assert_eq!(c1, hand_cosignature(&name, &k1, id, &body, T1));

    // The log's own note verification ignores the 72-byte cosignature lines.
    let n = verify_note(&note, &[log_verifier()]).unwrap();
    assert_eq!(n.body, body);
    assert_eq!(n.signers, [0]);

    // No witnesses trusted: the checkpoint verifies, with no cosignatures.
    let v = verify_cosignatures(&note, &log_verifier(), &[]).unwrap();
    assert!(v.cosignatures.is_empty());
}

#[test]
fn extension_lines_are_signed() {
    let (k, w) = witness("w", 1);
    let plain = body(3);
    let extended = format!("{plain}some extension\n");
    let c = cosign(w.name(), &k, &extended, T1).unwrap();
    verify_cosignatures(
        &cosigned(&extended, std::slice::from_ref(&c)),
        &log_verifier(),
        std::slice::from_ref(&w),
    )
    .unwrap();
    // The log signs the body without the extension; the cosignature is not for it.
    let e = verify_cosignatures(&cosigned(&plain, &[c]), &log_verifier(), &[w]).unwrap_err();
    assert!(matches!(e, TlogError::CosignatureInvalid { .. }), "{e}");
}

#[test]
fn tampered_body_fails() {
    let (k, w) = witness("witness.example/w1", 1);
    let c = cosign(w.name(), &k, &body(5), T1).unwrap();
    // The log (honestly) signs another checkpoint; the cosignature was for size 5.
    let note = cosigned(&body(6), &[c]);
    let e = verify_cosignatures(&note, &log_verifier(), std::slice::from_ref(&w)).unwrap_err();
    assert_eq!(
        e,
        TlogError::CosignatureInvalid {
            key: format!("witness.example/w1+{:08x}", w.key_id())
        }
    );
    assert_eq!(e.kind(), ErrorKind::InvalidProof);
}

#[test]
fn wrong_timestamp_fails() {
    let (k, w) = witness("w", 1);
    let b = body(5);
    let (name, mut raw) = decode(&cosign("w", &k, &b, T1).unwrap());
    raw[4..12].copy_from_slice(&(T1 + 1).to_be_bytes());
    let note = cosigned(&b, &[line(&name, &raw)]);
    let e = verify_cosignatures(&note, &log_verifier(), &[w]).unwrap_err();
    assert!(matches!(e, TlogError::CosignatureInvalid { .. }), "{e}");
}

#[test]
fn timestamps_out_of_range_are_refused() {
    let (k, w) = witness("w", 1);
    let b = body(5);
    for t in [0, 1 << 63, u64::MAX] {
        let e = cosign("w", &k, &b, t).unwrap_err();
        assert!(matches!(e, TlogError::MalformedCosignature(_)), "{t}: {e}");
        // Validly signed by hand with that timestamp: still refused.
        let note = cosigned(&b, &[hand_cosignature("w", &k, w.key_id(), &b, t)]);
        let e = verify_cosignatures(&note, &log_verifier(), std::slice::from_ref(&w)).unwrap_err();
        assert!(matches!(e, TlogError::MalformedCosignature(_)), "{t}: {e}");
        assert_eq!(e.kind(), ErrorKind::Malformed);
    }
    // The largest allowed timestamp, and 1, are fine both ways.
    for t in [1, (1 << 63) - 1] {
        let c = cosign("w", &k, &b, t).unwrap();
        assert_eq!(c, hand_cosignature("w", &k, w.key_id(), &b, t));
        let v = verify_cosignatures(
            &cosigned(&b, &[c]),
            &log_verifier(),
            std::slice::from_ref(&w),
        )
        .unwrap();
        assert_eq!(v.cosignatures[0].timestamp, t);
    }
}

#[test]
fn wrong_key_id_is_not_this_witness() {
    let (k, w) = witness("w", 1);
    let b = body(5);
    // A valid signature under the note-style (0x01) key id, and under an id
    // off by one: neither line is the witness's, so both are ignored.
    let note_style = hand_cosignature("w", &k, key_id("w", &k.verifying_key()), &b, T1);
    let off_by_one = hand_cosignature("w", &k, w.key_id() ^ 1, &b, T1);
    for c in [note_style, off_by_one] {
        let note = cosigned(&b, &[c]);
        let v = verify_cosignatures(&note, &log_verifier(), std::slice::from_ref(&w)).unwrap();
        assert!(v.cosignatures.is_empty());
        let e = v.require_cosigners(1).unwrap_err();
        assert!(
            matches!(
                e,
                TlogError::TooFewCosignatures {
                    needed: 1,
                    got: 0,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(e.kind(), ErrorKind::Mismatch);
    }
    // With the right id the same hand-made line counts.
    let note = cosigned(&b, &[hand_cosignature("w", &k, w.key_id(), &b, T1)]);
    verify_cosignatures(&note, &log_verifier(), &[w])
        .unwrap()
        .require_cosigners(1)
        .unwrap();
}

#[test]
fn wrong_length_payloads_are_malformed() {
    let (k, w) = witness("w", 1);
    let b = body(5);
    let (name, raw) = decode(&cosign("w", &k, &b, T1).unwrap());
    let mut longer = raw.clone();
    longer.push(0);
    // Truncated by one byte, one extra byte, a note-signature-sized payload,
    // the timestamp alone.
    for bad in [
        raw[..raw.len() - 1].to_vec(),
        longer,
        raw[..4 + 64].to_vec(),
        raw[..12].to_vec(),
    ] {
        let note = cosigned(&b, &[line(&name, &bad)]);
        let e = verify_cosignatures(&note, &log_verifier(), std::slice::from_ref(&w)).unwrap_err();
        assert!(
            matches!(e, TlogError::MalformedCosignature(_)),
            "{} bytes: {e}",
            bad.len()
        );
        assert!(
            e.to_string().contains(&format!("{} bytes", bad.len() - 4)),
            "{e}"
        );
    }
}

#[test]
fn the_log_signature_is_required() {
    let (k, w) = witness("w", 1);
    let b = body(5);
    let c = cosign("w", &k, &b, T1).unwrap();
    // Cosigned, but not by the log.
    let e = verify_cosignatures(
        note_text(&b, std::slice::from_ref(&c)).as_bytes(),
        &log_verifier(),
        std::slice::from_ref(&w),
    )
    .unwrap_err();
    assert!(matches!(e, TlogError::NoteUnverified { .. }), "{e}");
    // The log's line over another body.
    let forged = note_text(&b, &[log_line(&body(6)), c]);
    let e = verify_cosignatures(forged.as_bytes(), &log_verifier(), &[w]).unwrap_err();
    assert!(matches!(e, TlogError::NoteSignatureInvalid { .. }), "{e}");
}

#[test]
fn k_of_n_counts_distinct_witness_names() {
    let (k1, w1) = witness("witness.example/w1", 1);
    let (k1b, w1b) = witness("witness.example/w1", 11); // w1's second key
    let (k2, w2) = witness("witness.example/w2", 2);
    let (_, w3) = witness("witness.example/w3", 3);
    let b = body(9);
    let lines = [
        cosign(w1.name(), &k1, &b, T1).unwrap(),
        cosign(w1b.name(), &k1b, &b, T2).unwrap(),
        cosign(w2.name(), &k2, &b, T1).unwrap(),
    ];
    let witnesses = [w1.clone(), w1b.clone(), w2.clone(), w3];
    let v = verify_cosignatures(&cosigned(&b, &lines), &log_verifier(), &witnesses).unwrap();
    assert_eq!(
        v.cosignatures.iter().map(|c| c.witness).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(v.cosigners(), ["witness.example/w1", "witness.example/w2"]);
    let v = v
        .require_cosigners(2)
        .unwrap()
        .require_cosigners(0)
        .unwrap();
    let e = v.require_cosigners(3).unwrap_err();
    assert_eq!(
        e,
        TlogError::TooFewCosignatures {
            needed: 3,
            got: 2,
            who: "witness.example/w1, witness.example/w2".into()
        }
    );

    // Only w1's two keys: three lines' worth of keys, one witness.
    let v = verify_cosignatures(&cosigned(&b, &lines[..2]), &log_verifier(), &witnesses).unwrap();
    assert_eq!(v.cosignatures.len(), 2);
    let e = v.require_cosigners(2).unwrap_err();
    assert!(
        matches!(
            e,
            TlogError::TooFewCosignatures {
                needed: 2,
                got: 1,
                ..
            }
        ),
        "{e}"
    );

    // The same line twice is refused outright, as signed-note repeats are.
    let twice = [lines[0].clone(), lines[0].clone()];
    let e = verify_cosignatures(&cosigned(&b, &twice), &log_verifier(), &witnesses).unwrap_err();
    assert!(matches!(e, TlogError::MalformedNote(_)), "{e}");
    // One key under two names would count one signature, relabelled (the
    // key id is public), as two witnesses: refused.
    let alias = CosignatureVerifier::new("witness.example/alias", *w1.verifying_key()).unwrap();
    let relabelled = cosign(alias.name(), &k1, &b, T1).unwrap();
    let e = verify_cosignatures(
        &cosigned(&b, &[lines[0].clone(), relabelled]),
        &log_verifier(),
        &[w1.clone(), alias],
    )
    .unwrap_err();
    assert!(matches!(e, TlogError::MalformedNoteKey(_)), "{e}");
    assert!(e.to_string().contains("share an Ed25519 key"), "{e}");
    // And the same witness key given twice is a configuration error.
    let e =
        verify_cosignatures(&cosigned(&b, &lines), &log_verifier(), &[w1.clone(), w1]).unwrap_err();
    assert!(matches!(e, TlogError::MalformedNoteKey(_)), "{e}");
}

#[test]
fn cosign_refuses_bad_names_and_bodies() {
    let k = seeded_key(1);
    let b = body(5);
    for name in ["", "a b", "a+b", "a\tb"] {
        let e = cosign(name, &k, &b, T1).unwrap_err();
        assert!(matches!(e, TlogError::MalformedNoteKey(_)), "{name:?}: {e}");
    }
    for bad in ["not a checkpoint\n", "o\n1\n", &b[..b.len() - 1]] {
        let e = cosign("w", &k, bad, T1).unwrap_err();
        assert!(
            matches!(e, TlogError::MalformedCheckpoint(_)),
            "{bad:?}: {e}"
        );
    }
}

#[test]
fn vkey_round_trip() {
    let (_, w) = witness("witness.example/w1", 1);
    let vkey = w.to_vkey();
    let (name, id, key) = {
        let mut p = vkey.splitn(3, '+');
        (p.next().unwrap(), p.next().unwrap(), p.next().unwrap())
    };
    assert_eq!(name, "witness.example/w1");
    assert_eq!(id, format!("{:08x}", spec_key_id(name, w.verifying_key())));
    let typed = STANDARD.decode(key).unwrap();
    assert_eq!(typed[0], 0x04);
    assert_eq!(typed[1..], w.verifying_key().to_bytes());
    let back = CosignatureVerifier::from_vkey(&vkey).unwrap();
    assert_eq!(back, w);
    assert_eq!(back.to_vkey(), vkey);
}

/// A vkey of `name` with the typed key bytes and a matching key id.
fn vkey_of(name: &str, typed: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(typed);
    format!(
        "{name}+{}+{}",
        hex::encode(&h.finalize()[..4]),
        STANDARD.encode(typed)
    )
}

#[test]
fn malformed_vkeys_are_refused() {
    let (_, w) = witness("w", 1);
    let pk = w.verifying_key().to_bytes();
    let good = w.to_vkey();
    assert_eq!(vkey_of("w", &[&[4u8][..], &pk].concat()), good);
    let note_vkey = NoteVerifier::new("w", *w.verifying_key())
        .unwrap()
        .to_vkey();
    let (id, key) = good.strip_prefix("w+").unwrap().split_once('+').unwrap();
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let cases = [
        (note_vkey.clone(), "signature type 0x01"),
        (
            vkey_of("w", &[&[5u8][..], &pk].concat()),
            "signature type 0x05",
        ),
        (vkey_of("w", &[&[4u8][..], &pk[..31]].concat()), "31 bytes"),
        (vkey_of("w", &[4u8]), "0 bytes"),
        (
            vkey_of("w", &[&[4u8][..], &identity].concat()),
            "small order",
        ),
        (format!("w+{}+{key}", id.to_uppercase()), "lowercase"),
        (
            format!("w+{:08x}+{key}", u32::from_str_radix(id, 16).unwrap() ^ 1),
            "does not match",
        ),
        (format!("x+{id}+{key}"), "does not match"),
        (format!("w+{id}+-{}", &key[1..]), "base64"),
        (format!("w+{id}"), "one '+'"),
        ("w".into(), "no '+'"),
        (format!("+{id}+{key}"), "empty"),
        (format!("a b+{id}+{key}"), "space"),
    ];
    for (vkey, why) in cases {
        let e = CosignatureVerifier::from_vkey(&vkey).unwrap_err();
        assert!(matches!(e, TlogError::MalformedNoteKey(_)), "{vkey}: {e}");
        assert!(
            e.to_string().contains(why),
            "{vkey}: {e} (expected {why:?})"
        );
    }
    // And the other way: a cosignature vkey is not a note vkey.
    let e = NoteVerifier::from_vkey(&good).unwrap_err();
    assert!(e.to_string().contains("signature type 0x04"), "{e}");
    assert!(CosignatureVerifier::new("w", VerifyingKey::from_bytes(&identity).unwrap()).is_err());
}
