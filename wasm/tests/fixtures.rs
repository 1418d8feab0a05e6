//! Writes the fixtures the node tests read, with the native verdicts: a
//! valid record-membership bundle (depth 4, development keys), several
//! tampered ones, and what this crate's checks say of each when built
//! natively. `wasm/tests/node/verify.mjs` runs the same cases through the
//! wasm build and asserts the same verdicts (the differential test).
//!
//! Output: `$ZKGOV_WASM_FIXTURES`, else `<target dir>/wasm-fixtures/`:
//! `cases.json` and `timing-native.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Instant;

use ark_bn254::Fr;
use ark_snark::SNARK;
use common::{edit_json, fixtures_dir, native_verdict};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use zkgov_circuits::{
    merkle::MerkleTree,
    record::{owner_commitment, Record, RecordMembershipCircuit, RecordWitness},
};
use zkgov_params::dev_setup;
use zkgov_verifier::{
    to_decimal, Bundle, DisclosureOpening, Policy, Proof, StatementId, ValidatedVerifyingKey,
    RECORD_FIELDS,
};
use zkgov_wasm::{verify_groth16, verify_record_bundle};

const DEPTH: usize = 4;
const ST: StatementId = StatementId::RecordMembershipV2;
const POLICY: &str =
    r#"{"version":1,"clauses":[{"field":1,"op":">=","value":300},{"field":0,"op":"disclose"}]}"#;

struct Setup {
    pk: ark_groth16::ProvingKey<ark_bn254::Bn254>,
    vk: ValidatedVerifyingKey,
}

fn setup(seed: u64) -> Setup {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (pk, vk) = dev_setup(ST, DEPTH, &mut rng, false).unwrap();
    Setup { pk, vk }
}

/// A bundle for challenge `context`, and the tree's root.
fn prove(s: &Setup, context: u64, seed: u64) -> (Bundle, Fr) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
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
    let policy = Policy::from_json(POLICY)
        .unwrap()
        .compile(RECORD_FIELDS, &[])
        .unwrap();
    let witness = RecordWitness {
        owner_secret: secret + Fr::from(3u64),
        fields: records[3].fields,
        path: tree.path(3).unwrap(),
        policy,
        scope: Fr::from(5u64),
        context: Fr::from(context),
        salt: Fr::from(7u64),
    };
    let opening = DisclosureOpening::new(witness.salt, witness.disclosed());
    let circuit = RecordMembershipCircuit::new(DEPTH, witness).unwrap();
    let public = circuit.public_inputs().to_vec();
    let p = ark_groth16::Groth16::<ark_bn254::Bn254>::prove(&s.pk, circuit, &mut rng).unwrap();
    let bundle = Bundle {
        statement: ST,
        vk_digest: s.vk.digest(),
        public_inputs: public,
        proof: Proof {
            a: p.a,
            b: p.b,
            c: p.c,
        },
        disclosure: Some(opening),
    };
    (bundle, tree.root())
}

fn request(root: &str, context: &str) -> String {
    json!({
        "roots": [root],
        "policy": serde_json::from_str::<Value>(POLICY).unwrap(),
        "schema": [],
        "scope": "5",
        "context": context,
    })
    .to_string()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Milliseconds of `f` over `n` runs after one warm-up: (mean, median,
/// min). On a shared machine the minimum is the least disturbed.
fn time_ms(n: u32, mut f: impl FnMut()) -> (f64, f64, f64) {
    f();
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    (mean, v[v.len() / 2], v[0])
}

/// (name, key bytes, bundle JSON, request JSON, the code required natively).
type Case<'a> = (&'a str, &'a [u8], String, String, Option<&'a str>);

#[test]
fn write_fixtures_with_native_verdicts() {
    let s = setup(11);
    let other = setup(12);
    let vk = s.vk.key().to_bytes();
    let other_vk = other.vk.key().to_bytes();
    let (bundle, root) = prove(&s, 6, 1);
    let (bundle2, _) = prove(&s, 9, 2);
    let (bundle_other_key, _) = prove(&other, 6, 3);
    let root = to_decimal(&root);
    let good = bundle.to_json();
    let req = request(&root, "6");

    // (name, vk, bundle, request, the verdict this test requires natively)
    let mut cases: Vec<Case> = vec![
        ("valid", &vk, good.clone(), req.clone(), None),
        (
            "other bundle's proof",
            &vk,
            {
                let mut b = bundle.clone();
                b.proof = bundle2.proof.clone();
                b.to_json()
            },
            req.clone(),
            Some("invalid-proof"),
        ),
        (
            "nullifier edited",
            &vk,
            {
                let mut b = bundle.clone();
                b.public_inputs[4] += Fr::from(1u64);
                b.to_json()
            },
            req.clone(),
            Some("invalid-proof"),
        ),
        (
            "scope and context edited, asked for",
            &vk,
            {
                let mut b = bundle.clone();
                b.public_inputs[3] = Fr::from(55u64);
                b.public_inputs[5] = Fr::from(66u64);
                b.to_json()
            },
            json!({
                "roots": [root], "policy": serde_json::from_str::<Value>(POLICY).unwrap(),
                "scope": "55", "context": "66",
            })
            .to_string(),
            Some("invalid-proof"),
        ),
        (
            "another challenge asked",
            &vk,
            good.clone(),
            request(&root, "7"),
            Some("mismatch"),
        ),
        (
            "another root asked",
            &vk,
            good.clone(),
            request("12345", "6"),
            Some("mismatch"),
        ),
        (
            "another session's bundle",
            &vk,
            bundle2.to_json(),
            req.clone(),
            Some("mismatch"),
        ),
        (
            "a bundle for another key",
            &vk,
            bundle_other_key.to_json(),
            req.clone(),
            Some("mismatch"),
        ),
        (
            "another key given",
            &other_vk,
            good.clone(),
            req.clone(),
            Some("mismatch"),
        ),
        (
            "key digest edited",
            &vk,
            edit_json(&good, |v| {
                let d = v["vk_digest"].as_str().unwrap();
                let flipped = if d.starts_with('0') { "1" } else { "0" };
                v["vk_digest"] = Value::from(format!("{flipped}{}", &d[1..]));
            }),
            req.clone(),
            Some("mismatch"),
        ),
        (
            "disclosed value edited",
            &vk,
            edit_json(&good, |v| {
                v["disclosure"]["values"][0] = Value::from("4");
            }),
            req.clone(),
            None,
        ),
        (
            "version 1",
            &vk,
            edit_json(&good, |v| v["version"] = Value::from(1)),
            req.clone(),
            Some("malformed"),
        ),
        (
            "non-canonical input",
            &vk,
            edit_json(&good, |v| {
                let x = v["public_inputs"][5].as_str().unwrap().to_owned();
                v["public_inputs"][5] = Value::from(format!("0{x}"));
            }),
            req.clone(),
            Some("malformed"),
        ),
        (
            "proof byte flipped",
            &vk,
            edit_json(&good, |v| {
                let p = v["proof"].as_str().unwrap();
                let c = if p.starts_with('A') { "B" } else { "A" };
                v["proof"] = Value::from(format!("{c}{}", &p[1..]));
            }),
            req.clone(),
            None,
        ),
        (
            "truncated bundle",
            &vk,
            good[..good.len() / 2].to_owned(),
            req.clone(),
            Some("malformed"),
        ),
        (
            "truncated key",
            &vk[..vk.len() - 1],
            good.clone(),
            req.clone(),
            Some("malformed"),
        ),
        (
            "unknown request field",
            &vk,
            good.clone(),
            edit_json(&req, |v| {
                v["extra"] = Value::from(1);
            }),
            Some("malformed"),
        ),
    ];
    // The disclosed-value edit must be refused, whatever its kind.
    let mut out = Vec::new();
    for (name, key, b, r, want) in cases.drain(..) {
        let verdict = native_verdict(name, &verify_record_bundle(key, &b, &r), want);
        out.push(json!({
            "name": name, "vk": hex(key), "bundle": b, "request": r, "native": verdict,
        }));
    }
    let dir = fixtures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("cases.json"),
        serde_json::to_string_pretty(&out).unwrap(),
    )
    .unwrap();

    let n = 30;
    let groth16 = time_ms(n, || {
        verify_groth16(&vk, &good).unwrap();
    });
    let record = time_ms(n, || {
        verify_record_bundle(&vk, &good, &req).unwrap();
    });
    std::fs::write(
        dir.join("timing-native.json"),
        json!({
            "runs": n,
            "groth16_ms": groth16.0,
            "groth16_median_ms": groth16.1,
            "groth16_min_ms": groth16.2,
            "record_bundle_ms": record.0,
            "record_bundle_median_ms": record.1,
            "record_bundle_min_ms": record.2,
            "rayon_threads": std::env::var("RAYON_NUM_THREADS").ok(),
        })
        .to_string(),
    )
    .unwrap();
    println!(
        "wrote {} cases to {}; native (mean, median, min): groth16 {groth16:.2?} ms, record bundle {record:.2?} ms",
        out.len(),
        dir.display()
    );
}
