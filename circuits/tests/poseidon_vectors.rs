//! circomlibjs known-answer vectors for Poseidon with 1 to 16 inputs, native
//! and in-circuit. The vectors are made by `interop/gen-poseidon-vectors.js`
//! (CI regenerates them with npm and compares).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar, GR1CSVar};
use ark_relations::gr1cs::ConstraintSystem;
use serde::Deserialize;
use zkgov_circuits::poseidon::{poseidon, poseidon_var};
use zkgov_verifier::{parse_decimal, Fr};

#[derive(Deserialize)]
struct Case {
    inputs: Vec<String>,
    output: String,
}

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

fn vectors() -> Vec<(Vec<Fr>, Fr)> {
    let v: Vectors = serde_json::from_str(include_str!("vectors/circomlib_poseidon.json")).unwrap();
    v.cases
        .iter()
        .map(|c| {
            let inputs = c
                .inputs
                .iter()
                .map(|s| parse_decimal(s, "input").unwrap())
                .collect();
            (inputs, parse_decimal(&c.output, "output").unwrap())
        })
        .collect()
}

#[test]
fn native_matches_circomlibjs_for_1_to_16_inputs() {
    let vs = vectors();
    for n in 1..=16 {
        assert!(
            vs.iter().filter(|(i, _)| i.len() == n).count() >= 4,
            "too few vectors for n = {n}"
        );
    }
    for (inputs, output) in &vs {
        assert_eq!(poseidon(inputs).unwrap(), *output, "n = {}", inputs.len());
    }
}

#[test]
fn gadget_matches_circomlibjs_for_1_to_16_inputs() {
    for (inputs, output) in vectors().iter().step_by(3) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let vars: Vec<FpVar<Fr>> = inputs
            .iter()
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
            .collect();
        assert_eq!(poseidon_var(&vars).unwrap().value().unwrap(), *output);
        assert!(cs.is_satisfied().unwrap());
    }
}
