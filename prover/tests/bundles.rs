//! Proof-level soundness and strict parsing: bundles, keys, public inputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_bn254::{Bn254, Fr, G1Affine};
use ark_ec::AffineRepr;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_circuits::{
    merkle::MerkleTree,
    record::{owner_commitment, Record, RecordWitness},
};
use zkgov_params::dev_setup;
use zkgov_prover::{prove_record, PreparedProver};
use zkgov_verifier::{
    verify_record, Bundle, Context, ErrorKind, MerkleRoot, Policy, RecordRequest, Scope,
    StatementId, ValidatedVerifyingKey, VerifyError, VerifyingKey, RECORD_FIELDS,
};

const DEPTH: usize = 4;
const ST: StatementId = StatementId::RecordMembershipV2;

struct Fx {
    pk: ark_groth16::ProvingKey<Bn254>,
    vk: ValidatedVerifyingKey,
    bundle: Bundle,
    request: RecordRequest,
}

fn fixture() -> Fx {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let (pk, vk) = dev_setup(ST, DEPTH, &mut rng, false).unwrap();
    let secret = Fr::from(4242u64);
    let records: Vec<Record> = (0..5u64)
        .map(|i| Record {
            owner_commitment: owner_commitment(&(secret + Fr::from(i))),
            fields: [i, 100 * i, 0, 0, 0, 0, 0, 0],
        })
        .collect();
    let tree =
        MerkleTree::from_leaves(DEPTH, &records.iter().map(Record::leaf).collect::<Vec<_>>())
            .unwrap();
    let policy = Policy::from_json(r#"{"version":1,"clauses":[{"field":1,"op":">=","value":300},{"field":0,"op":"disclose"}]}"#)
        .unwrap()
        .compile(RECORD_FIELDS, &[])
        .unwrap();
    let witness = RecordWitness {
        owner_secret: secret + Fr::from(3u64),
        fields: records[3].fields,
        path: tree.path(3).unwrap(),
        policy: policy.clone(),
        scope: Fr::from(5u64),
        context: Fr::from(6u64),
        salt: Fr::from(7u64),
    };
    let prepared = PreparedProver::new(pk.clone(), ST, DEPTH).unwrap();
    let bundle = prove_record(&prepared, &vk, DEPTH, witness, &mut rng).unwrap();
    let request = RecordRequest {
        accepted_roots: vec![MerkleRoot(tree.root())],
        policy,
        scope: Scope(Fr::from(5u64)),
        context: Context(Fr::from(6u64)),
    };
    Fx {
        pk,
        vk,
        bundle,
        request,
    }
}

#[test]
fn honest_bundle_verifies_and_agrees_with_ark_groth16() {
    let f = fixture();
    let out = verify_record(
        &Bundle::from_json(&f.bundle.to_json()).unwrap(),
        &f.vk,
        &f.request,
    )
    .unwrap();
    assert_eq!(out.disclosed, vec![(0, 3)]);
    let ark_proof = ark_groth16::Proof::<Bn254> {
        a: f.bundle.proof.a,
        b: f.bundle.proof.b,
        c: f.bundle.proof.c,
    };
    let pvk = ark_groth16::prepare_verifying_key(&f.pk.vk);
    assert!(
        Groth16::<Bn254>::verify_with_processed_vk(&pvk, &f.bundle.public_inputs, &ark_proof)
            .unwrap()
    );
    for i in 0..f.bundle.public_inputs.len() {
        let mut x = f.bundle.public_inputs.clone();
        x[i] += Fr::from(1u64);
        assert!(!Groth16::<Bn254>::verify_with_processed_vk(&pvk, &x, &ark_proof).unwrap());
        assert_eq!(
            f.vk.verify(&f.bundle.proof, &x),
            Err(VerifyError::InvalidProof),
            "input {i}"
        );
    }
}

#[test]
fn changed_context_scope_or_nullifier_in_the_bundle_is_an_invalid_proof() {
    let f = fixture();
    for (i, name) in [(3, "scope"), (4, "nullifier"), (5, "context")] {
        let mut b = f.bundle.clone();
        b.public_inputs[i] += Fr::from(1u64);
        let mut req = f.request.clone();
        req.scope = Scope(b.public_inputs[3]);
        req.context = Context(b.public_inputs[5]);
        assert_eq!(
            verify_record(&b, &f.vk, &req).unwrap_err(),
            VerifyError::InvalidProof,
            "{name}"
        );
    }
}

#[test]
fn arkworks_would_drop_extra_inputs_we_refuse_them() {
    let f = fixture();
    let mut x = f.bundle.public_inputs.clone();
    x.push(Fr::from(9u64));
    // ark-groth16 0.6 zips inputs with key points and ignores the extra one.
    let ark_proof = ark_groth16::Proof::<Bn254> {
        a: f.bundle.proof.a,
        b: f.bundle.proof.b,
        c: f.bundle.proof.c,
    };
    let pvk = ark_groth16::prepare_verifying_key(&f.pk.vk);
    assert!(Groth16::<Bn254>::verify_with_processed_vk(&pvk, &x, &ark_proof).unwrap());
    assert_eq!(
        f.vk.verify(&f.bundle.proof, &x),
        Err(VerifyError::WrongInputCount {
            expected: 6,
            got: 7
        })
    );
    x.truncate(5);
    assert_eq!(
        f.vk.verify(&f.bundle.proof, &x),
        Err(VerifyError::WrongInputCount {
            expected: 6,
            got: 5
        })
    );
}

#[test]
fn rerandomised_proof_still_verifies_so_uniqueness_needs_the_nullifier() {
    let f = fixture();
    let ark_proof = ark_groth16::Proof::<Bn254> {
        a: f.bundle.proof.a,
        b: f.bundle.proof.b,
        c: f.bundle.proof.c,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let re = Groth16::<Bn254>::rerandomize_proof(&f.pk.vk, &ark_proof, &mut rng);
    let mut b = f.bundle.clone();
    b.proof = zkgov_verifier::Proof {
        a: re.a,
        b: re.b,
        c: re.c,
    };
    assert_ne!(b.proof.digest(), f.bundle.proof.digest());
    let out = verify_record(&b, &f.vk, &f.request).unwrap();
    assert_eq!(
        out.nullifier,
        verify_record(&f.bundle, &f.vk, &f.request)
            .unwrap()
            .nullifier
    );
}

fn edit(json: &str, f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    f(&mut v);
    v.to_string()
}

#[test]
fn malformed_bundles_are_refused_as_malformed() {
    let f = fixture();
    let json = f.bundle.to_json();
    let proof_b64 = serde_json::from_str::<serde_json::Value>(&json).unwrap()["proof"]
        .as_str()
        .unwrap()
        .to_string();
    let cases: Vec<(&str, String)> = vec![
        ("unknown key", edit(&json, |v| v["extra"] = 1.into())),
        ("version 3", edit(&json, |v| v["version"] = 3.into())),
        ("version 1", edit(&json, |v| v["version"] = 1.into())),
        ("other format", edit(&json, |v| v["format"] = "x".into())),
        (
            "unknown statement",
            edit(&json, |v| {
                v["statement"] = "zkgov/record-membership/v9".into()
            }),
        ),
        (
            "12 inputs",
            edit(&json, |v| {
                v["public_inputs"].as_array_mut().unwrap().pop();
            }),
        ),
        (
            "14 inputs",
            edit(&json, |v| {
                v["public_inputs"].as_array_mut().unwrap().push("1".into())
            }),
        ),
        (
            "leading zero",
            edit(&json, |v| {
                v["public_inputs"][0] =
                    format!("0{}", v["public_inputs"][0].as_str().unwrap()).into()
            }),
        ),
        (
            "input >= r",
            edit(&json, |v| {
                v["public_inputs"][3] =
                    "21888242871839275222246405745257275088548364400416034343698204186575808495617"
                        .into()
            }),
        ),
        (
            "number not string",
            edit(&json, |v| v["public_inputs"][3] = 3.into()),
        ),
        ("bad base64", edit(&json, |v| v["proof"] = "@@@".into())),
        (
            "short proof",
            edit(&json, |v| {
                v["proof"] = proof_b64[..proof_b64.len() - 4].to_string().into()
            }),
        ),
        (
            "uppercase digest",
            edit(&json, |v| {
                v["vk_digest"] = v["vk_digest"].as_str().unwrap().to_uppercase().into()
            }),
        ),
        (
            "short digest",
            edit(&json, |v| v["vk_digest"] = "abcd".into()),
        ),
        ("not json", "[".to_string()),
    ];
    for (what, text) in cases {
        let e = Bundle::from_json(&text)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(e.kind(), ErrorKind::Malformed, "{what}: {e}");
    }
}

#[test]
fn bundle_for_another_key_is_a_mismatch() {
    let f = fixture();
    let mut b = f.bundle.clone();
    b.vk_digest.0[0] ^= 1;
    let e = b.verify(ST, &f.vk).unwrap_err();
    assert!(matches!(e, VerifyError::KeyDigestMismatch { .. }));
    assert_eq!(e.kind(), ErrorKind::Mismatch);
}

#[test]
fn agency_requirements_are_enforced() {
    let f = fixture();
    let mut req = f.request.clone();
    req.accepted_roots = vec![MerkleRoot(Fr::from(1u64))];
    assert!(matches!(
        verify_record(&f.bundle, &f.vk, &req),
        Err(VerifyError::PublicInputMismatch { name: "root", .. })
    ));
    let mut req = f.request.clone();
    req.scope = Scope(Fr::from(1u64));
    assert!(matches!(
        verify_record(&f.bundle, &f.vk, &req),
        Err(VerifyError::PublicInputMismatch { name: "scope", .. })
    ));
    let mut req = f.request.clone();
    req.context = Context(Fr::from(1u64));
    assert!(matches!(
        verify_record(&f.bundle, &f.vk, &req),
        Err(VerifyError::PublicInputMismatch {
            name: "context",
            ..
        })
    ));
    let mut req = f.request.clone();
    req.policy.slots[1].lo = 301;
    assert!(matches!(
        verify_record(&f.bundle, &f.vk, &req),
        Err(VerifyError::PublicInputMismatch {
            name: "policy_hash",
            ..
        })
    ));
    // An agency whose policy does not disclose slot 0 refuses a bundle that
    // reveals it, even if everything else matched.
    let mut req = f.request.clone();
    req.policy.slots[0].disclose = false;
    let mut b = f.bundle.clone();
    b.public_inputs[1] = req.policy.hash();
    assert!(matches!(
        verify_record(&b, &f.vk, &req),
        Err(VerifyError::PublicInputMismatch { .. })
    ));
}

#[test]
fn malformed_verifying_keys_are_refused() {
    let f = fixture();
    let bytes = f.vk.key().to_bytes();
    ValidatedVerifyingKey::from_bytes(&bytes, 6).unwrap();
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(ValidatedVerifyingKey::from_bytes(&trailing, 6).is_err());
    assert!(ValidatedVerifyingKey::from_bytes(&bytes[..bytes.len() - 1], 6).is_err());
    assert!(matches!(
        ValidatedVerifyingKey::from_bytes(&bytes, 5),
        Err(VerifyError::WrongInputCount { .. })
    ));
    let mut flipped = bytes.clone();
    flipped[3] ^= 0x40;
    assert!(ValidatedVerifyingKey::from_bytes(&flipped, 6).is_err());

    let mutate = |g: &dyn Fn(&mut VerifyingKey)| {
        let mut k = f.vk.key().clone();
        g(&mut k);
        ValidatedVerifyingKey::from_bytes(&k.to_bytes(), 6).unwrap_err()
    };
    for e in [
        mutate(&|k| k.gamma_abc_g1[4] = G1Affine::zero()),
        mutate(&|k| k.alpha_g1 = G1Affine::zero()),
        mutate(&|k| k.delta_g2 = k.gamma_g2),
        mutate(&|k| k.beta_g2 = ark_bn254::G2Affine::zero()),
    ] {
        assert_eq!(e.kind(), ErrorKind::Malformed, "{e}");
    }
}
