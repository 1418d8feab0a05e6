//! Poseidon with circomlib's parameters, for 1 to 16 inputs.
//!
//! `poseidon([x_1, ..., x_n])` is circomlib's `Poseidon(n)`: the state of
//! width `t = n + 1` starts as `[0, x_1, ..., x_n]`, goes through
//! `R_F / 2` full rounds, `R_P` partial rounds and `R_F / 2` full rounds
//! (`R_F = 8`, `R_P` per width as circomlib), each round being
//! add-round-constants, S-box `x^5` (on every cell in a full round, on
//! `state[0]` in a partial one) and the MDS mix
//! `state'[i] = sum_j M[i][j] * state[j]`; the hash is `state[0]`.
//!
//! Constants: widths 2..=13 come from light-poseidon 0.5 (generated with the
//! Poseidon paper's Grain script, as circomlib's were); widths 14..=17 are
//! generated here by the same Grain procedure (module `grain`). Both are pinned by
//! circomlibjs vectors in `circuits/tests/vectors/`.

mod grain;

use std::sync::OnceLock;

use ark_ff::Field;

use crate::{field::Fr, VerifyError};

/// Largest number of inputs supported (state width 17, as circomlib).
pub const MAX_INPUTS: usize = 16;

/// Poseidon parameters for one state width.
#[derive(Clone, Debug)]
pub struct PoseidonParams {
    /// State width `t` (inputs + 1).
    pub width: usize,
    /// Number of full rounds `R_F`.
    pub full_rounds: usize,
    /// Number of partial rounds `R_P`.
    pub partial_rounds: usize,
    /// Round constants, `(R_F + R_P) * t` of them, round-major.
    pub ark: Vec<Fr>,
    /// MDS matrix, `M[i][j]`.
    pub mds: Vec<Vec<Fr>>,
}

fn load(width: usize) -> Option<PoseidonParams> {
    let p = if width <= light_poseidon::MAX_X5_LEN {
        light_poseidon::parameters::bn254_x5::get_poseidon_parameters::<Fr>(
            u8::try_from(width).ok()?,
        )
        .ok()?
    } else {
        grain::circom_parameters(width)?
    };
    Some(PoseidonParams {
        width: p.width,
        full_rounds: p.full_rounds,
        partial_rounds: p.partial_rounds,
        ark: p.ark,
        mds: p.mds,
    })
}

/// The parameters for `n_inputs` inputs, generated once per process.
pub fn params(n_inputs: usize) -> Result<&'static PoseidonParams, VerifyError> {
    static TABLE: [OnceLock<Option<PoseidonParams>>; MAX_INPUTS] =
        [const { OnceLock::new() }; MAX_INPUTS];
    if n_inputs == 0 || n_inputs > MAX_INPUTS {
        return Err(VerifyError::PoseidonArity(n_inputs));
    }
    TABLE[n_inputs - 1]
        .get_or_init(|| load(n_inputs + 1))
        .as_ref()
        .ok_or(VerifyError::PoseidonArity(n_inputs))
}

#[inline(always)]
fn sbox(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// The Poseidon permutation on `state` (length `params.width`).
pub fn permute(params: &PoseidonParams, state: &mut [Fr]) {
    let t = params.width;
    debug_assert_eq!(state.len(), t);
    let half = params.full_rounds / 2;
    let total = params.full_rounds + params.partial_rounds;
    let mut next = [Fr::from(0u64); MAX_INPUTS + 1];
    for round in 0..total {
        for (s, c) in state
            .iter_mut()
            .zip(&params.ark[round * t..(round + 1) * t])
        {
            *s += c;
        }
        if round < half || round >= half + params.partial_rounds {
            state.iter_mut().for_each(|s| *s = sbox(*s));
        } else {
            state[0] = sbox(state[0]);
        }
        for (n, row) in next.iter_mut().zip(&params.mds) {
            *n = row.iter().zip(state.iter()).map(|(m, s)| *m * s).sum();
        }
        state.copy_from_slice(&next[..t]);
    }
}

/// circomlib `Poseidon(n)` of `inputs`, `1 <= n <= 16`.
pub fn poseidon(inputs: &[Fr]) -> Result<Fr, VerifyError> {
    let params = params(inputs.len())?;
    let mut state = [Fr::from(0u64); MAX_INPUTS + 1];
    state[1..=inputs.len()].copy_from_slice(inputs);
    let state = &mut state[..params.width];
    permute(params, state);
    Ok(state[0])
}

/// circomlib `Poseidon(N)` for a fixed arity checked at compile time.
pub fn hash<const N: usize>(inputs: &[Fr; N]) -> Fr {
    const { assert!(N >= 1 && N <= MAX_INPUTS) };
    match poseidon(inputs) {
        Ok(h) => h,
        // Unreachable: N is in range (checked above at compile time) and every
        // width's parameters load (tested for all 16 arities).
        Err(_) => unreachable!("poseidon parameters for a supported arity"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use light_poseidon::{Poseidon, PoseidonHasher};
    use rand::{Rng, SeedableRng};

    #[test]
    fn every_arity_loads_and_rejects_out_of_range() {
        for n in 1..=MAX_INPUTS {
            let p = params(n).unwrap();
            assert_eq!(p.width, n + 1);
            assert_eq!(p.ark.len(), (p.full_rounds + p.partial_rounds) * p.width);
            assert_eq!(p.mds.len(), p.width);
        }
        assert_eq!(poseidon(&[]), Err(VerifyError::PoseidonArity(0)));
        assert_eq!(
            poseidon(&[Fr::from(1u64); 17]),
            Err(VerifyError::PoseidonArity(17))
        );
    }

    #[test]
    fn agrees_with_light_poseidon_up_to_12_inputs() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7); // ok: test
        for n in 1..=12 {
            let inputs: Vec<Fr> = (0..n).map(|_| Fr::from(rng.gen::<u128>())).collect();
            let mut lp = Poseidon::<Fr>::new_circom(n).unwrap();
            assert_eq!(
                poseidon(&inputs).unwrap(),
                lp.hash(&inputs).unwrap(),
                "n = {n}"
            );
        }
    }

    #[test]
    fn circomlib_known_answer() {
        // circomlibjs poseidon([1, 2]) (also Semaphore's and iden3's test value).
        let expected = crate::field::parse_decimal::<Fr>(
            "7853200120776062878684798364095072458815029376092732009249414926327459813530",
            "kat",
        )
        .unwrap();
        assert_eq!(hash(&[Fr::from(1u64), Fr::from(2u64)]), expected);
    }
}
