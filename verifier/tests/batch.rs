//! Batch verification: a random linear combination of proofs for one key
//! holds exactly when every proof does, and bisection names the bad ones.
//!
//! The proofs are re-randomisations of the snarkjs fixture's proof
//! (`A' = A / t`, `B' = t B + t u delta`, `C' = C + u A`: valid, and distinct
//! for each `(t, u)`), so no prover is needed here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_bn254::{Bn254, G1Projective};
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{Field, UniformRand};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_verifier::{
    snarkjs::read_proof, snarkjs::read_public, snarkjs::read_verifying_key, ErrorKind, Fr, Proof,
    ValidatedVerifyingKey, VerifyError,
};

const VK: &str = include_str!("fixtures/snarkjs/verification_key.json");
const PROOF: &str = include_str!("fixtures/snarkjs/proof.json");
const PUBLIC: &str = include_str!("fixtures/snarkjs/public.json");

fn rerandomise(vk: &ValidatedVerifyingKey, p: &Proof, rng: &mut ChaCha20Rng) -> Proof {
    let (t, u) = (Fr::rand(rng), Fr::rand(rng));
    let delta = vk.key().delta_g2;
    Proof {
        a: (p.a * t.inverse().unwrap()).into_affine(),
        b: (p.b * t + delta * (t * u)).into_affine(),
        c: (p.c + p.a * u).into_affine(),
    }
}

struct Fixture {
    vk: ValidatedVerifyingKey,
    proofs: Vec<Proof>,
    inputs: Vec<Vec<Fr>>,
}

fn fixture(n: usize, seed: u64) -> Fixture {
    let vk = read_verifying_key(VK).unwrap();
    let proof = read_proof(PROOF).unwrap();
    let public = read_public(PUBLIC).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let proofs: Vec<Proof> = (0..n).map(|_| rerandomise(&vk, &proof, &mut rng)).collect();
    for p in &proofs {
        vk.verify(p, &public).unwrap();
    }
    Fixture {
        vk,
        proofs,
        inputs: vec![public; n],
    }
}

impl Fixture {
    fn batch(&self) -> Vec<(&Proof, &[Fr])> {
        self.proofs
            .iter()
            .zip(&self.inputs)
            .map(|(p, x)| (p, x.as_slice()))
            .collect()
    }

    fn check(&self, seed: u64) -> Result<(), VerifyError> {
        self.vk
            .verify_batch(&self.batch(), &mut ChaCha20Rng::seed_from_u64(seed))
    }
}

#[test]
fn valid_proofs_verify_together() {
    let f = fixture(9, 1);
    f.check(2).unwrap();
    // Any size, including one and none.
    for n in [0, 1, 2] {
        let g = fixture(n, 3);
        g.check(4).unwrap();
    }
}

#[test]
fn one_tampered_input_is_found() {
    let mut f = fixture(8, 5);
    f.inputs[5][2] += Fr::from(1u64);
    let e = f.check(6).unwrap_err();
    assert_eq!(e, VerifyError::InvalidBatch { invalid: vec![5] });
    assert_eq!(e.kind(), ErrorKind::InvalidProof);
}

#[test]
fn a_proof_of_another_statement_is_found() {
    // A valid-looking proof with one point moved: C + G.
    let mut f = fixture(5, 7);
    f.proofs[0].c = (f.proofs[0].c + G1Projective::generator()).into_affine();
    assert_eq!(
        f.check(8),
        Err(VerifyError::InvalidBatch { invalid: vec![0] })
    );
}

#[test]
fn proofs_whose_errors_cancel_are_refused() {
    // C_1 + D and C_2 - D: each proof is invalid, yet the unweighted sum of
    // the two equations holds. Only the random scalars catch this.
    let mut f = fixture(4, 9);
    let d = G1Projective::generator() * Fr::from(1234u64);
    f.proofs[1].c = (f.proofs[1].c + d).into_affine();
    f.proofs[2].c = (f.proofs[2].c - d).into_affine();
    for i in [1, 2] {
        assert_eq!(
            f.vk.verify(&f.proofs[i], &f.inputs[i]),
            Err(VerifyError::InvalidProof)
        );
    }
    // The attack is real: with every scalar equal to 1 the batch equation holds.
    let key = f.vk.key();
    let n = f.proofs.len();
    let ic = &key.gamma_abc_g1;
    let mut vk_x = ic[0] * Fr::from(n as u64);
    for x in &f.inputs {
        for (j, xj) in x.iter().enumerate() {
            vk_x += ic[j + 1] * xj;
        }
    }
    let c_sum: G1Projective = f.proofs.iter().map(|p| p.c.into_group()).sum();
    let g1: Vec<_> = f
        .proofs
        .iter()
        .map(|p| p.a)
        .chain([vk_x.into_affine(), c_sum.into_affine()])
        .collect();
    let g2: Vec<_> = f
        .proofs
        .iter()
        .map(|p| p.b)
        .chain([
            (-key.gamma_g2.into_group()).into_affine(),
            (-key.delta_g2.into_group()).into_affine(),
        ])
        .collect();
    let unweighted = Bn254::multi_pairing(g1, g2);
    assert_eq!(
        unweighted,
        Bn254::pairing(key.alpha_g1, key.beta_g2) * Fr::from(n as u64)
    );
    assert_eq!(
        f.check(10),
        Err(VerifyError::InvalidBatch {
            invalid: vec![1, 2]
        })
    );
}

#[test]
fn a_wrong_input_count_is_malformed_before_any_pairing() {
    let mut f = fixture(3, 11);
    f.inputs[2].pop();
    let e = f.check(12).unwrap_err();
    assert_eq!(
        e,
        VerifyError::WrongInputCount {
            expected: 3,
            got: 2
        }
    );
    assert_eq!(e.kind(), ErrorKind::Malformed);
    f.inputs[2] = vec![Fr::from(0u64); 4];
    assert!(matches!(
        f.check(12),
        Err(VerifyError::WrongInputCount { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Bisection names exactly the invalid proofs, wherever they are.
    #[test]
    fn bisection_finds_exactly_the_bad_proofs(
        n in 1usize..12,
        bad in proptest::collection::vec(any::<bool>(), 12),
        seed in any::<u64>(),
    ) {
        let mut f = fixture(n, seed);
        let mut expected = Vec::new();
        for (i, &is_bad) in bad.iter().enumerate().take(n) {
            if is_bad {
                f.inputs[i][i % 3] += Fr::from(i as u64 + 1);
                expected.push(i);
            }
        }
        let got = f.check(seed ^ 1);
        if expected.is_empty() {
            prop_assert_eq!(got, Ok(()));
        } else {
            prop_assert_eq!(got, Err(VerifyError::InvalidBatch { invalid: expected }));
        }
    }
}
