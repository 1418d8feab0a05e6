//! Setup, key files and manifest: round trip, and refusal of tampered files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;

use ark_serialize::CanonicalSerialize;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_params::{dev_setup, shape, KeyDir, ParamsError, INSECURE_LABEL};
use zkgov_verifier::StatementId;

const ST: StatementId = StatementId::RecordMembershipV2;

fn setup_dir(depth: usize) -> (tempfile::TempDir, KeyDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = KeyDir::new(tmp.path().join("keys"));
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let (pk, vk) = dev_setup(ST, depth, &mut rng, false).unwrap();
    // Our verifying-key type has ark-groth16's exact byte layout.
    let mut ark_bytes = Vec::new();
    pk.vk.serialize_compressed(&mut ark_bytes).unwrap();
    assert_eq!(ark_bytes, vk.key().to_bytes());
    dir.write(ST, depth, shape(ST, depth).unwrap(), &pk, &vk)
        .unwrap();
    (tmp, dir)
}

#[test]
fn keys_round_trip_through_files_and_manifest() {
    let (_tmp, dir) = setup_dir(3);
    let m = dir.manifest().unwrap();
    assert_eq!(m.security, INSECURE_LABEL);
    let e = dir.entry(ST, 3).unwrap();
    assert_eq!(e.public_inputs, 6);
    assert_eq!(e.constraints, shape(ST, 3).unwrap().constraints);
    let vk = dir.verifying_key(ST, 3).unwrap();
    assert_eq!(vk.digest().to_hex(), e.vk_digest);
    let pk = dir.proving_key(ST, 3).unwrap();
    assert_eq!(zkgov_params::convert_vk(&pk.vk), vk.key().clone());
    assert!(dir.path().join("INSECURE-DEVELOPMENT-KEYS.txt").exists());
    assert!(matches!(dir.entry(ST, 4), Err(ParamsError::NoKey { .. })));
}

#[test]
fn tampered_truncated_or_mispinned_key_files_are_refused() {
    let (_tmp, dir) = setup_dir(2);
    let e = dir.entry(ST, 2).unwrap();
    let vk_path = dir.path().join(&e.verifying_key.file);
    let pk_path = dir.path().join(&e.proving_key.file);
    let vk_orig = fs::read(&vk_path).unwrap();
    let pk_orig = fs::read(&pk_path).unwrap();

    let mut flipped = vk_orig.clone();
    flipped[40] ^= 1;
    fs::write(&vk_path, &flipped).unwrap();
    assert!(matches!(
        dir.verifying_key(ST, 2),
        Err(ParamsError::DigestMismatch { .. })
    ));
    fs::write(&vk_path, &vk_orig[..vk_orig.len() - 1]).unwrap();
    assert!(matches!(
        dir.verifying_key(ST, 2),
        Err(ParamsError::SizeMismatch { .. })
    ));
    fs::write(&vk_path, &vk_orig).unwrap();
    dir.verifying_key(ST, 2).unwrap();

    let mut flipped = pk_orig.clone();
    let n = flipped.len();
    flipped[n / 2] ^= 0x10;
    fs::write(&pk_path, &flipped).unwrap();
    assert!(matches!(
        dir.proving_key(ST, 2),
        Err(ParamsError::DigestMismatch { .. })
    ));
    fs::write(&pk_path, &pk_orig).unwrap();
    dir.proving_key(ST, 2).unwrap();

    let manifest = dir.path().join("manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace(&e.verifying_key.file, "../escape.vk"),
    )
    .unwrap();
    assert!(matches!(
        dir.verifying_key(ST, 2),
        Err(ParamsError::Manifest { .. })
    ));
    // The files are intact but the manifest pins another key digest.
    fs::write(&manifest, text.replace(&e.vk_digest, &"0".repeat(64))).unwrap();
    assert!(matches!(
        dir.verifying_key(ST, 2),
        Err(ParamsError::DigestMismatch { .. })
    ));
    assert!(matches!(
        dir.proving_key(ST, 2),
        Err(ParamsError::BadKey { .. })
    ));
    fs::write(&manifest, "{not json").unwrap();
    assert!(matches!(
        dir.verifying_key(ST, 2),
        Err(ParamsError::Manifest { .. })
    ));
    fs::write(&manifest, text.replace("\"version\": 1", "\"version\": 2")).unwrap();
    assert!(matches!(
        dir.verifying_key(ST, 2),
        Err(ParamsError::Manifest { .. })
    ));
}
