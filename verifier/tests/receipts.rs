//! Receipts are tied to their log: a key that signs for two logs does not
//! let a receipt of one pass for the other, and a registry root signed for
//! one log does not verify for another.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ed25519_dalek::{Signer, SigningKey};
use zkgov_tlog::TlogError;
use zkgov_tlog::{key_id, note_text, signature_line};
use zkgov_verifier::{
    log::leaf_hash, log::Checkpoint, log::NoteVerifier, signing_message, AuthorityKey, Entry,
    EntryBody, EntrySignature, Fr, MerkleRoot, Receipt, RegistryRoot, RootPolicy, VerifyError,
};

const NOW: u64 = 1_800_000_000;

/// A one-entry log with origin `origin`, whose checkpoint is signed by
/// `log` under the key name `key_name`; the entry is a root publication
/// signed by `authority` for the log `signed_for`.
fn receipt(origin: &str, key_name: &str, signed_for: &str) -> (Receipt, SigningKey) {
    let log = SigningKey::from_bytes(&[1; 32]);
    let authority = SigningKey::from_bytes(&[2; 32]);
    let mut r = RegistryRoot {
        authority: "land-registry".into(),
        registry_id: "parcels".into(),
        epoch: 1,
        root: MerkleRoot(Fr::from(5u64)),
        leaf_count: 100,
        published_at: NOW,
        signature: EntrySignature::default(),
    };
    let sig = authority
        .sign(&signing_message(
            signed_for,
            &EntryBody::RegistryRoot(r.clone()),
        ))
        .to_bytes();
    r.signature = EntrySignature(Some(sig));
    let entry = Entry::new(EntryBody::RegistryRoot(r)).to_bytes();
    let body = Checkpoint {
        origin: origin.into(),
        size: 1,
        root: leaf_hash(&entry),
        extensions: vec![],
    }
    .to_body();
    let line = signature_line(
        key_name,
        key_id(key_name, &log.verifying_key()),
        &log.sign(body.as_bytes()).to_bytes(),
    );
    (
        Receipt {
            entry,
            index: 0,
            inclusion_proof: vec![],
            checkpoint: note_text(&body, &[line]),
        },
        authority,
    )
}

fn policy(authority: &SigningKey) -> RootPolicy {
    RootPolicy {
        authority: "land-registry".into(),
        authority_key: AuthorityKey(authority.verifying_key()),
        registry_id: "parcels".into(),
        max_age_secs: 3600,
        min_leaves: 10,
        witnesses: Default::default(),
    }
}

#[test]
fn a_receipt_verifies_only_for_the_log_its_key_names() {
    let log = NoteVerifier::new(
        "zkgov.test/a",
        SigningKey::from_bytes(&[1; 32]).verifying_key(),
    )
    .unwrap();
    let (honest, authority) = receipt("zkgov.test/a", "zkgov.test/a", "zkgov.test/a");
    honest.verify(&log).unwrap();
    assert_eq!(
        policy(&authority).check(&honest, &log, NOW).unwrap(),
        MerkleRoot(Fr::from(5u64))
    );
    // The same key, under the same name, signing a checkpoint of log b.
    let (crossed, authority) = receipt("zkgov.test/b", "zkgov.test/a", "zkgov.test/b");
    assert!(matches!(
        crossed.verify(&log),
        Err(VerifyError::Log(TlogError::CheckpointOriginMismatch { .. }))
    ));
    assert!(matches!(
        policy(&authority).check(&crossed, &log, NOW),
        Err(VerifyError::Log(TlogError::CheckpointOriginMismatch { .. }))
    ));
}

#[test]
fn a_root_signed_for_another_log_is_refused_by_the_root_policy() {
    let log = NoteVerifier::new(
        "zkgov.test/a",
        SigningKey::from_bytes(&[1; 32]).verifying_key(),
    )
    .unwrap();
    let (replayed, authority) = receipt("zkgov.test/a", "zkgov.test/a", "zkgov.test/b");
    replayed.verify(&log).unwrap();
    assert!(matches!(
        policy(&authority).check(&replayed, &log, NOW),
        Err(VerifyError::BadSignature(_))
    ));
}
