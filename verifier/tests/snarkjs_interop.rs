//! A proof made by snarkjs for a circom circuit (fixtures made by
//! `interop/make-snarkjs-fixture.sh`) verifies here; tampering is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use zkgov_verifier::{
    poseidon::hash, snarkjs::alphabeta_json, snarkjs::read_proof, snarkjs::read_public,
    snarkjs::read_verifying_key, snarkjs::write_proof, snarkjs::write_public,
    snarkjs::write_verifying_key, ErrorKind, Fr, VerifyError,
};

const VK: &str = include_str!("fixtures/snarkjs/verification_key.json");
const PROOF: &str = include_str!("fixtures/snarkjs/proof.json");
const PUBLIC: &str = include_str!("fixtures/snarkjs/public.json");
const TAMPERED: &str = include_str!("fixtures/snarkjs/tampered_public.json");

fn check(vk: &str, proof: &str, public: &str) -> Result<(), VerifyError> {
    let vk = read_verifying_key(vk)?;
    vk.verify(&read_proof(proof)?, &read_public(public)?)
}

#[test]
fn snarkjs_proof_of_a_circom_circuit_verifies() {
    check(VK, PROOF, PUBLIC).unwrap();
    // The circuit computes circomlib Poseidon: its outputs agree with ours.
    let public = read_public(PUBLIC).unwrap();
    let (secret, scope) = (Fr::from(123456789u64), Fr::from(42u64));
    assert_eq!(public, vec![hash(&[scope, secret]), hash(&[secret]), scope]);
}

#[test]
fn tampered_public_input_is_an_invalid_proof() {
    assert_eq!(check(VK, PROOF, TAMPERED), Err(VerifyError::InvalidProof));
    let mut public = read_public(PUBLIC).unwrap();
    public[2] += Fr::from(1u64);
    let vk = read_verifying_key(VK).unwrap();
    assert_eq!(
        vk.verify(&read_proof(PROOF).unwrap(), &public),
        Err(VerifyError::InvalidProof)
    );
}

#[test]
fn wrong_number_of_public_inputs_is_malformed_not_ignored() {
    let vk = read_verifying_key(VK).unwrap();
    let proof = read_proof(PROOF).unwrap();
    let mut public = read_public(PUBLIC).unwrap();
    public.push(Fr::from(0u64));
    let e = vk.verify(&proof, &public).unwrap_err();
    assert_eq!(
        e,
        VerifyError::WrongInputCount {
            expected: 3,
            got: 4
        }
    );
    assert_eq!(e.kind(), ErrorKind::Malformed);
    public.truncate(2);
    assert!(matches!(
        vk.verify(&proof, &public),
        Err(VerifyError::WrongInputCount { .. })
    ));
}

#[test]
fn our_alphabeta_matches_snarkjs() {
    let vk = read_verifying_key(VK).unwrap();
    let theirs: serde_json::Value = serde_json::from_str(VK).unwrap();
    assert_eq!(alphabeta_json(&vk), theirs["vk_alphabeta_12"]);
}

#[test]
fn json_round_trips() {
    let vk = read_verifying_key(VK).unwrap();
    let again = read_verifying_key(&write_verifying_key(&vk)).unwrap();
    assert_eq!(vk.digest(), again.digest());
    let proof = read_proof(PROOF).unwrap();
    assert_eq!(read_proof(&write_proof(&proof)).unwrap(), proof);
    let public = read_public(PUBLIC).unwrap();
    assert_eq!(read_public(&write_public(&public)).unwrap(), public);
}

fn edit(json: &str, f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    f(&mut v);
    v.to_string()
}

#[test]
fn malformed_keys_are_refused() {
    let p = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
    let cases: Vec<(&str, String)> = vec![
        (
            "projective z != 1",
            edit(VK, |v| v["vk_alpha_1"][2] = "2".into()),
        ),
        (
            "coordinate >= p",
            edit(VK, |v| v["vk_alpha_1"][0] = p.into()),
        ),
        (
            "leading zero",
            edit(VK, |v| {
                let x = v["vk_alpha_1"][0].as_str().unwrap().to_string();
                v["vk_alpha_1"][0] = format!("0{x}").into();
            }),
        ),
        ("off curve", edit(VK, |v| v["vk_alpha_1"][1] = "5".into())),
        (
            "identity IC",
            edit(VK, |v| v["IC"][1] = serde_json::json!(["0", "1", "0"])),
        ),
        (
            "identity alpha",
            edit(VK, |v| v["vk_alpha_1"] = serde_json::json!(["0", "1", "0"])),
        ),
        (
            "gamma == delta",
            edit(VK, |v| v["vk_delta_2"] = v["vk_gamma_2"].clone()),
        ),
        ("nPublic mismatch", edit(VK, |v| v["nPublic"] = 2.into())),
        (
            "nPublic 2^64-1",
            edit(VK, |v| v["nPublic"] = u64::MAX.into()),
        ),
        (
            "nPublic 2^64-1 with no IC points (wraps to a match)",
            edit(VK, |v| {
                v["nPublic"] = u64::MAX.into();
                v["IC"] = serde_json::json!([]);
            }),
        ),
        ("other curve", edit(VK, |v| v["curve"] = "bls12381".into())),
        (
            "other protocol",
            edit(VK, |v| v["protocol"] = "plonk".into()),
        ),
        (
            "G2 off curve",
            edit(VK, |v| v["vk_delta_2"][0][0] = "1".into()),
        ),
        ("not json", "{".into()),
    ];
    for (what, json) in cases {
        let e = read_verifying_key(&json)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(e.kind(), ErrorKind::Malformed, "{what}: {e}");
    }
}

/// rapidsnark's `prover` writes no `curve` member: such a proof is read as
/// bn128; any other curve is refused.
#[test]
fn a_proof_without_a_curve_is_bn128_as_rapidsnark_writes_it() {
    let rapidsnark = edit(PROOF, |v| {
        v.as_object_mut().unwrap().remove("curve");
    });
    check(VK, &rapidsnark, PUBLIC).unwrap();
    let other = edit(PROOF, |v| v["curve"] = "bls12381".into());
    assert_eq!(read_proof(&other).unwrap_err().kind(), ErrorKind::Malformed);
}

#[test]
fn malformed_proofs_and_public_inputs_are_refused() {
    for (what, json) in [
        ("A off curve", edit(PROOF, |v| v["pi_a"][1] = "7".into())),
        (
            "A identity",
            edit(PROOF, |v| v["pi_a"] = serde_json::json!(["0", "1", "0"])),
        ),
        (
            "B z",
            edit(PROOF, |v| v["pi_b"][2] = serde_json::json!(["1", "1"])),
        ),
        (
            "missing C",
            edit(PROOF, |v| {
                v.as_object_mut().unwrap().remove("pi_c");
            }),
        ),
    ] {
        let e = read_proof(&json)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(e.kind(), ErrorKind::Malformed, "{what}: {e}");
    }
    let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    for bad in [
        format!("[\"{r}\", \"1\", \"42\"]"),
        "[\"-1\", \"1\", \"42\"]".into(),
        "[1, 2, 3]".into(),
    ] {
        assert!(read_public(&bad).is_err(), "{bad}");
    }
}

#[test]
fn validate_does_not_wrap_the_input_count() {
    // The snarkjs reader's own nPublic check is bypassed: the key check
    // itself must refuse 2^64-1 inputs with no IC points.
    let mut key = read_verifying_key(VK).unwrap().key().clone();
    key.gamma_abc_g1.clear();
    let e = key
        .validate(usize::MAX)
        .expect_err("usize::MAX + 1 wrapped to 0");
    assert!(matches!(e, VerifyError::WrongInputCount { .. }), "{e}");
}
