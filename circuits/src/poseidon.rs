//! Poseidon gadget: circomlib's `Poseidon(n)` in R1CS, reading `state[0]`.
//!
//! Same parameters and round structure as the native twin
//! [`zkgov_verifier::poseidon::poseidon`]: add-round-constants and the MDS mix
//! are linear (no constraints); each S-box `x^5` costs three constraints
//! (`x2 = x*x`, `x4 = x2*x2`, `x5 = x4*x`). A hash of `n` inputs costs
//! `3 * (R_F * (n + 1) + R_P) - 3` constraints (the first S-box of the
//! constant capacity cell is free): 240 for two inputs. The gadget only
//! computes (the caller enforces its output), so constant inputs need no
//! special care: they give the native hash as a constant.

use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::SynthesisError;

use zkgov_verifier::Fr;
pub use zkgov_verifier::{poseidon::hash, poseidon::poseidon, poseidon::MAX_INPUTS};

fn sbox(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

/// In-circuit circomlib `Poseidon(n)` of `inputs` (`1 <= n <= 16`).
pub fn poseidon_var(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let params = zkgov_verifier::poseidon::params(inputs.len())
        .map_err(|_| SynthesisError::Unsatisfiable)?;
    let t = params.width;
    let mut state: Vec<FpVar<Fr>> = Vec::with_capacity(t);
    state.push(FpVar::zero());
    state.extend(inputs.iter().cloned());
    let half = params.full_rounds / 2;
    let total = params.full_rounds + params.partial_rounds;
    for round in 0..total {
        for (s, c) in state
            .iter_mut()
            .zip(&params.ark[round * t..(round + 1) * t])
        {
            *s = &*s + *c;
        }
        if round < half || round >= half + params.partial_rounds {
            for s in state.iter_mut() {
                *s = sbox(s)?;
            }
        } else {
            state[0] = sbox(&state[0])?;
        }
        state = params
            .mds
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&state)
                    .map(|(m, s)| s * *m)
                    .fold(FpVar::zero(), |acc, x| acc + x)
            })
            .collect();
    }
    Ok(state.swap_remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::{Rng, SeedableRng};

    #[test]
    fn gadget_matches_native_twin_for_every_arity() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1); // ok: test
        for n in 1..=MAX_INPUTS {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let xs: Vec<Fr> = (0..n).map(|_| Fr::from(rng.gen::<u128>())).collect();
            let vars: Vec<FpVar<Fr>> = xs
                .iter()
                .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
                .collect();
            let out = poseidon_var(&vars).unwrap();
            assert_eq!(out.value().unwrap(), poseidon(&xs).unwrap(), "n = {n}");
            assert!(cs.is_satisfied().unwrap());
            let p = zkgov_verifier::poseidon::params(n).unwrap();
            // state[0] starts as the constant 0, so its first S-box is free.
            assert_eq!(
                cs.num_constraints(),
                3 * (p.full_rounds * (n + 1) + p.partial_rounds) - 3
            );
        }
    }

    #[test]
    fn constant_inputs_hash_natively() {
        // Poseidon computes and checks nothing, so constant inputs cannot slip
        // a check: they give the native hash as a constant, no constraint.
        let xs = [Fr::from(1u64), Fr::from(2u64)];
        let out = poseidon_var(&xs.map(FpVar::constant)).unwrap();
        assert!(out.is_constant());
        assert_eq!(out.value().unwrap(), hash(&xs));
    }

    #[test]
    fn wrong_output_is_rejected() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let a = FpVar::new_witness(cs.clone(), || Ok(Fr::from(1u64))).unwrap();
        let b = FpVar::new_witness(cs.clone(), || Ok(Fr::from(2u64))).unwrap();
        let claimed =
            FpVar::new_input(cs.clone(), || Ok(hash(&[Fr::from(1u64), Fr::from(3u64)]))).unwrap();
        poseidon_var(&[a, b])
            .unwrap()
            .enforce_equal(&claimed)
            .unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
}
