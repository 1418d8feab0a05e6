//! snarkjs interop: `verification_key.json`, `proof.json`, `public.json`
//! (Groth16, bn128).
//!
//! snarkjs writes points in projective coordinates with `z = 1` (G1:
//! `[x, y, "1"]`; G2: `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`) and the
//! identity as `z = 0`. Coordinates are canonical decimals below the base
//! field modulus; anything else is refused. Every point is checked to be on
//! the curve and in the prime-order subgroup; keys then go through the same
//! validation as native keys (identity points, gamma == delta, input count),
//! which refuses keys made without snarkjs' contribute steps.

use ark_bn254::{Fq, Fq12, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use serde::{Deserialize, Serialize};

use crate::{
    field::{parse_decimal, to_decimal, Fr},
    groth16::{Proof, ValidatedVerifyingKey, VerifyingKey},
    VerifyError,
};

type G1Json = [String; 3];
type G2Json = [[String; 2]; 3];

/// snarkjs `verification_key.json` (Groth16).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct VerificationKeyJson {
    /// `"groth16"`.
    pub protocol: String,
    /// `"bn128"`.
    pub curve: String,
    /// Number of public signals.
    #[serde(rename = "nPublic")]
    pub n_public: usize,
    /// alpha.
    pub vk_alpha_1: G1Json,
    /// beta.
    pub vk_beta_2: G2Json,
    /// gamma.
    pub vk_gamma_2: G2Json,
    /// delta.
    pub vk_delta_2: G2Json,
    /// e(alpha, beta), informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk_alphabeta_12: Option<serde_json::Value>,
    /// IC points.
    #[serde(rename = "IC")]
    pub ic: Vec<G1Json>,
}

/// snarkjs `proof.json` (Groth16).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ProofJson {
    /// A.
    pub pi_a: G1Json,
    /// B.
    pub pi_b: G2Json,
    /// C.
    pub pi_c: G1Json,
    /// `"groth16"`.
    pub protocol: String,
    /// `"bn128"`; rapidsnark's `prover` leaves it out (the key names the
    /// curve), so a missing one means bn128.
    #[serde(default = "bn128")]
    pub curve: String,
}

fn bn128() -> String {
    "bn128".into()
}

fn fq(s: &str, what: &str) -> Result<Fq, VerifyError> {
    parse_decimal::<Fq>(s, what)
}

fn g1(p: &G1Json, what: &str) -> Result<G1Affine, VerifyError> {
    match p[2].as_str() {
        "0" => Ok(G1Affine::identity()),
        "1" => {
            let pt = G1Affine::new_unchecked(fq(&p[0], what)?, fq(&p[1], what)?); // ok: checked below
            if !pt.is_on_curve() || !pt.is_in_correct_subgroup_assuming_on_curve() {
                return Err(VerifyError::MalformedKey(format!(
                    "{what} is not on the curve"
                )));
            }
            Ok(pt)
        }
        _ => Err(VerifyError::MalformedKey(format!(
            "{what}: z must be \"1\" (or \"0\")"
        ))),
    }
}

fn fq2(c: &[String; 2], what: &str) -> Result<Fq2, VerifyError> {
    Ok(Fq2::new(fq(&c[0], what)?, fq(&c[1], what)?))
}

fn g2(p: &G2Json, what: &str) -> Result<G2Affine, VerifyError> {
    match (p[2][0].as_str(), p[2][1].as_str()) {
        ("0", "0") => Ok(G2Affine::identity()),
        ("1", "0") => {
            let pt = G2Affine::new_unchecked(fq2(&p[0], what)?, fq2(&p[1], what)?); // ok: checked below
            if !pt.is_on_curve() || !pt.is_in_correct_subgroup_assuming_on_curve() {
                return Err(VerifyError::MalformedKey(format!(
                    "{what} is not in the prime-order subgroup of G2"
                )));
            }
            Ok(pt)
        }
        _ => Err(VerifyError::MalformedKey(format!(
            "{what}: z must be [\"1\", \"0\"]"
        ))),
    }
}

fn check_protocol(protocol: &str, curve: &str) -> Result<(), VerifyError> {
    if protocol != "groth16" || curve != "bn128" {
        return Err(VerifyError::MalformedBundle(format!(
            "only groth16 on bn128 is supported, got {protocol} on {curve}"
        )));
    }
    Ok(())
}

fn g1_json(p: &G1Affine) -> G1Json {
    match p.xy() {
        Some((x, y)) => [to_decimal(&x), to_decimal(&y), "1".into()],
        None => ["0".into(), "1".into(), "0".into()],
    }
}

fn g2_json(p: &G2Affine) -> G2Json {
    match p.xy() {
        Some((x, y)) => [
            [to_decimal(&x.c0), to_decimal(&x.c1)],
            [to_decimal(&y.c0), to_decimal(&y.c1)],
            ["1".into(), "0".into()],
        ],
        None => [
            ["0".into(), "0".into()],
            ["1".into(), "0".into()],
            ["0".into(), "0".into()],
        ],
    }
}

fn fq12_json(f: &Fq12) -> serde_json::Value {
    let fq6 = |c: &ark_bn254::Fq6| {
        serde_json::json!([
            [to_decimal(&c.c0.c0), to_decimal(&c.c0.c1)],
            [to_decimal(&c.c1.c0), to_decimal(&c.c1.c1)],
            [to_decimal(&c.c2.c0), to_decimal(&c.c2.c1)],
        ])
    };
    serde_json::json!([fq6(&f.c0), fq6(&f.c1)])
}

/// Reads and validates a snarkjs verification key.
pub fn read_verifying_key(json: &str) -> Result<ValidatedVerifyingKey, VerifyError> {
    let j: VerificationKeyJson = serde_json::from_str(json)
        .map_err(|e| VerifyError::MalformedKey(format!("verification_key.json: {e}")))?;
    check_protocol(&j.protocol, &j.curve)?;
    // nPublic comes from outside: 2^64 - 1 must not wrap to 0.
    if j.n_public.checked_add(1) != Some(j.ic.len()) {
        return Err(VerifyError::MalformedKey(format!(
            "nPublic is {} but there are {} IC points",
            j.n_public,
            j.ic.len()
        )));
    }
    let vk = VerifyingKey {
        alpha_g1: g1(&j.vk_alpha_1, "vk_alpha_1")?,
        beta_g2: g2(&j.vk_beta_2, "vk_beta_2")?,
        gamma_g2: g2(&j.vk_gamma_2, "vk_gamma_2")?,
        delta_g2: g2(&j.vk_delta_2, "vk_delta_2")?,
        gamma_abc_g1: j
            .ic
            .iter()
            .enumerate()
            .map(|(i, p)| g1(p, &format!("IC[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    vk.validate(j.n_public)
}

/// Writes a key as snarkjs `verification_key.json`.
pub fn write_verifying_key(vk: &ValidatedVerifyingKey) -> String {
    let k = vk.key();
    let j = VerificationKeyJson {
        protocol: "groth16".into(),
        curve: "bn128".into(),
        n_public: vk.num_inputs(),
        vk_alpha_1: g1_json(&k.alpha_g1),
        vk_beta_2: g2_json(&k.beta_g2),
        vk_gamma_2: g2_json(&k.gamma_g2),
        vk_delta_2: g2_json(&k.delta_g2),
        vk_alphabeta_12: Some(fq12_json(vk.alpha_beta())),
        ic: k.gamma_abc_g1.iter().map(g1_json).collect(),
    };
    serde_json::to_string_pretty(&j).unwrap_or_default()
}

/// Reads a snarkjs proof.
pub fn read_proof(json: &str) -> Result<Proof, VerifyError> {
    let j: ProofJson = serde_json::from_str(json)
        .map_err(|e| VerifyError::MalformedProof(format!("proof.json: {e}")))?;
    check_protocol(&j.protocol, &j.curve)?;
    let wrap = |e: VerifyError| match e {
        VerifyError::MalformedKey(m) => VerifyError::MalformedProof(m),
        other => other,
    };
    let proof = Proof {
        a: g1(&j.pi_a, "pi_a").map_err(wrap)?,
        b: g2(&j.pi_b, "pi_b").map_err(wrap)?,
        c: g1(&j.pi_c, "pi_c").map_err(wrap)?,
    };
    proof.check_points()?;
    Ok(proof)
}

/// Writes a proof as snarkjs `proof.json`.
pub fn write_proof(proof: &Proof) -> String {
    let j = ProofJson {
        pi_a: g1_json(&proof.a),
        pi_b: g2_json(&proof.b),
        pi_c: g1_json(&proof.c),
        protocol: "groth16".into(),
        curve: "bn128".into(),
    };
    serde_json::to_string_pretty(&j).unwrap_or_default()
}

/// Reads snarkjs `public.json` (an array of canonical decimal strings).
pub fn read_public(json: &str) -> Result<Vec<Fr>, VerifyError> {
    let v: Vec<String> = serde_json::from_str(json)
        .map_err(|e| VerifyError::MalformedBundle(format!("public.json: {e}")))?;
    v.iter()
        .enumerate()
        .map(|(i, s)| parse_decimal(s, &format!("public signal {i}")))
        .collect()
}

/// Writes public inputs as snarkjs `public.json`.
pub fn write_public(inputs: &[Fr]) -> String {
    let v: Vec<String> = inputs.iter().map(to_decimal).collect();
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// The snarkjs-compatible `vk_alphabeta_12` value of a key (for tests and
/// exporters).
pub fn alphabeta_json(vk: &ValidatedVerifyingKey) -> serde_json::Value {
    fq12_json(vk.alpha_beta())
}
