//! circomlib-compatible Poseidon parameters over BN254, generated at run time
//! with the Grain LFSR, for state widths `t = 2..=17` (1 to 16 inputs).
//!
//! `light-poseidon` ships constants only for `t = 2..=13`; circomlib (and
//! circomlibjs) go up to `t = 17`. Both take their constants from the Poseidon
//! authors' reference script `generate_parameters_grain.sage` (Grassi, Khovratovich,
//! Rechberger, Roy, Schofnegger, "Poseidon: A New Hash Function for
//! Zero-Knowledge Proof Systems", USENIX Security 2021, ePrint 2019/458,
//! Appendix F), run as
//!
//! ```text
//! sage generate_parameters_grain.sage 1 0 254 t 8 R_P 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
//! ```
//!
//! i.e. field = 1 (GF(p)), sbox = 0 (x^alpha, here alpha = 5), n = 254 bits,
//! `R_F = 8`, and `R_P` from [`PARTIAL_ROUNDS`] (index `t - 2`). This module
//! re-implements that script bit for bit; the unit tests pin the output to
//! light-poseidon's tables for `t = 2..=13` and to circomlibjs hashes for
//! 13..=16 inputs, and it was checked against circomlibjs 0.1.7 (all
//! constants, and hashes of two input sets) for every `t = 2..=17`.
//!
//! # The Grain LFSR
//!
//! An 80-bit register `b[0..80]` (`b[0]` the oldest bit) is loaded with,
//! most significant bit first, field (2 bits) ‖ sbox (4 bits) ‖ n (12 bits) ‖
//! t (12 bits) ‖ `R_F` (10 bits) ‖ `R_P` (10 bits) ‖ thirty 1-bits. One step
//! computes `new = b[62] ^ b[51] ^ b[38] ^ b[23] ^ b[13] ^ b[0]`, drops `b[0]`
//! and appends `new`. The first 160 steps are discarded. After that, output
//! bits are produced by self-shrinking: take two consecutive steps `(x, y)`;
//! if `x = 1` output `y`, otherwise discard both and repeat.
//!
//! # Sampling field elements
//!
//! A field element candidate is `n = 254` consecutive output bits read as an
//! integer, most significant bit first.
//!
//! * Round constants: `(R_F + R_P) * t` values, each sampled by rejection:
//!   a candidate `>= p` is discarded and a fresh 254 bits are drawn. They are
//!   stored in generation order, which is round-major: the constant for round
//!   `r` and state cell `i` is `ark[r * t + i]` — exactly light-poseidon's flat
//!   layout (and circomlib's `C[t - 2]`).
//! * MDS matrix (drawn from the same LFSR stream, right after the constants):
//!   `2t` candidates are reduced modulo `p` (no rejection here: the script
//!   writes `F(grain_random_bits(n))`), the first `t` are `x_0..x_{t-1}`, the
//!   rest `y_0..y_{t-1}`. If the `2t` values are not pairwise distinct, all
//!   `2t` are drawn again; if some `x_i + y_j = 0`, everything is drawn again.
//!   The matrix is the Cauchy matrix `M[i][j] = 1 / (x_i + y_j)`, applied as
//!   `state'[i] = Σ_j M[i][j] · state[j]` — row `i` is `mds[i]` in
//!   light-poseidon's orientation (and circomlibjs's `M[t - 2][i][j]`), so no
//!   transposition is involved.
//!
//! Later revisions of the script also run three invariant-subspace checks on
//! the matrix (its "algorithm 1/2/3") and draw a new one if any fails. They do
//! not change anything for these parameters: circomlib's matrices for every
//! `t = 2..=17` are the first Cauchy matrix drawn, which is what this module
//! returns, so the checks are not re-implemented here.
//!
//! Generating `t = 17` takes about 1.7 million LFSR steps (1292 constants
//! plus ~400 rejected candidates, ~4 steps per output bit) and 289 field
//! inversions: about 10 ms in an optimised build, about 35 ms with the crate
//! itself unoptimised. Callers should cache the result.

use ark_bn254::Fr;
use ark_ff::{BigInt, Field, PrimeField};
use light_poseidon::PoseidonParameters;

/// Number of full rounds (`R_F`) for every width.
pub(crate) const FULL_ROUNDS: usize = 8;

/// Number of partial rounds (`R_P`) for `t = 2..=17`, indexed by `t - 2`
/// (circomlib's `N_ROUNDS_P`).
pub(crate) const PARTIAL_ROUNDS: [usize; 16] = [
    56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68,
];

/// S-box exponent (x^5).
pub(crate) const ALPHA: u64 = 5;

/// Smallest supported state width (1 input).
pub(crate) const MIN_WIDTH: usize = 2;

/// Largest supported state width (16 inputs).
pub(crate) const MAX_WIDTH: usize = 17;

/// Bit size `n` of the BN254 scalar field, as passed to the script.
const FIELD_BITS: usize = 254;

/// Script parameter `field`: 1 = GF(p).
const FIELD_TYPE_PRIME: u64 = 1;

/// Script parameter `sbox`: 0 = x^alpha.
const SBOX_TYPE_POWER: u64 = 0;

/// Returns circomlib's Poseidon parameters (BN254, x^5, `R_F = 8`) for state
/// width `t`, i.e. for `t - 1` inputs, or `None` when `t` is outside `2..=17`.
///
/// The result hashes like circomlib's `Poseidon(t - 1)` when used with
/// `light_poseidon::Poseidon::new` (state `[0, inputs...]`, output
/// `state[0]`).
pub(crate) fn circom_parameters(t: usize) -> Option<PoseidonParameters<Fr>> {
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&t) {
        return None;
    }
    let partial_rounds = *PARTIAL_ROUNDS.get(t - MIN_WIDTH)?;
    let mut grain = Grain::new(
        FIELD_TYPE_PRIME,
        SBOX_TYPE_POWER,
        FIELD_BITS as u64,
        t as u64,
        FULL_ROUNDS as u64,
        partial_rounds as u64,
    );
    let ark: Vec<Fr> = (0..(FULL_ROUNDS + partial_rounds) * t)
        .map(|_| grain.field_element_rejecting())
        .collect();
    let mds = grain.cauchy_mds(t);
    Some(PoseidonParameters::new(
        ark,
        mds,
        FULL_ROUNDS,
        partial_rounds,
        t,
        ALPHA,
    ))
}

/// The 80-bit Grain LFSR of the reference script. Bit `k` of `state` is
/// `b[k]`, `b[0]` being the oldest bit.
struct Grain {
    state: u128,
}

impl Grain {
    /// Loads the register with the parameter encoding and runs the 160
    /// discarded warm-up steps.
    fn new(field: u64, sbox: u64, n: u64, t: u64, r_f: u64, r_p: u64) -> Self {
        let mut state = 0u128;
        let mut len = 0usize;
        let mut push = |value: u64, width: usize| {
            for i in (0..width).rev() {
                state |= u128::from((value >> i) & 1) << len;
                len += 1;
            }
        };
        push(field, 2);
        push(sbox, 4);
        push(n, 12);
        push(t, 12);
        push(r_f, 10);
        push(r_p, 10);
        push((1 << 30) - 1, 30);
        let mut grain = Self { state };
        for _ in 0..160 {
            grain.step();
        }
        grain
    }

    /// One LFSR step: returns the new bit, which is also appended.
    fn step(&mut self) -> bool {
        let s = self.state;
        let new = ((s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^ (s >> 13) ^ s) & 1;
        self.state = (s >> 1) | (new << 79);
        new == 1
    }

    /// One output bit of the self-shrinking generator.
    fn next_bit(&mut self) -> bool {
        loop {
            let keep = self.step();
            let bit = self.step();
            if keep {
                return bit;
            }
        }
    }

    /// `FIELD_BITS` output bits as an integer, most significant bit first.
    fn next_bigint(&mut self) -> BigInt<4> {
        let mut limbs = [0u64; 4];
        for pos in (0..FIELD_BITS).rev() {
            if self.next_bit() {
                limbs[pos / 64] |= 1u64 << (pos % 64);
            }
        }
        BigInt::new(limbs)
    }

    /// A round constant: candidates `>= p` are rejected and redrawn.
    fn field_element_rejecting(&mut self) -> Fr {
        loop {
            // `from_bigint` is `None` exactly when the integer is `>= p`,
            // which is the script's rejection rule.
            if let Some(x) = Fr::from_bigint(self.next_bigint()) {
                return x;
            }
        }
    }

    /// An MDS sample: the candidate reduced modulo `p` (254 bits < 2p).
    fn field_element_reduced(&mut self) -> Fr {
        let bytes = ark_ff::BigInteger::to_bytes_le(&self.next_bigint());
        // The Grain script reduces MDS samples mod p; circomlib's constants depend on it.
        Fr::from_le_bytes_mod_order(&bytes) // ok: deliberate, see above
    }

    /// The script's `create_mds_p`: `M[i][j] = 1 / (x_i + y_j)`.
    fn cauchy_mds(&mut self, t: usize) -> Vec<Vec<Fr>> {
        'draw: loop {
            let mut xy: Vec<Fr> = (0..2 * t).map(|_| self.field_element_reduced()).collect();
            while !pairwise_distinct(&xy) {
                xy = (0..2 * t).map(|_| self.field_element_reduced()).collect();
            }
            let (xs, ys) = xy.split_at(t);
            let mut mds = Vec::with_capacity(t);
            for x in xs {
                let mut row = Vec::with_capacity(t);
                for y in ys {
                    match (*x + y).inverse() {
                        Some(entry) => row.push(entry),
                        None => continue 'draw,
                    }
                }
                mds.push(row);
            }
            return mds;
        }
    }
}

/// Whether no two elements of `v` are equal.
fn pairwise_distinct(v: &[Fr]) -> bool {
    v.iter()
        .enumerate()
        .all(|(i, a)| v.iter().skip(i + 1).all(|b| a != b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use light_poseidon::parameters::bn254_x5::get_poseidon_parameters;
    use light_poseidon::{Poseidon, PoseidonHasher};
    use std::str::FromStr;

    #[test]
    fn grain_parameters_match_light_poseidon_tables_for_widths_2_to_13() {
        for t in 2..=13u8 {
            let width = usize::from(t);
            let Some(ours) = circom_parameters(width) else {
                panic!("no parameters generated for t = {t}");
            };
            let theirs = match get_poseidon_parameters::<Fr>(t) {
                Ok(p) => p,
                Err(e) => panic!("light-poseidon has no parameters for t = {t}: {e}"),
            };
            assert_eq!(ours.width, theirs.width, "width, t = {t}");
            assert_eq!(ours.full_rounds, theirs.full_rounds, "R_F, t = {t}");
            assert_eq!(ours.partial_rounds, theirs.partial_rounds, "R_P, t = {t}");
            assert_eq!(ours.alpha, theirs.alpha, "alpha, t = {t}");
            assert_eq!(ours.ark.len(), (FULL_ROUNDS + ours.partial_rounds) * width);
            assert_eq!(ours.ark, theirs.ark, "round constants, t = {t}");
            assert_eq!(ours.mds, theirs.mds, "MDS matrix, t = {t}");
        }
    }

    #[test]
    fn grain_parameters_exist_exactly_for_widths_2_to_17() {
        for t in [0usize, 1, 18, 19, usize::MAX] {
            assert!(circom_parameters(t).is_none(), "t = {t} accepted");
        }
        for t in MIN_WIDTH..=MAX_WIDTH {
            let Some(p) = circom_parameters(t) else {
                panic!("no parameters generated for t = {t}");
            };
            assert_eq!(p.ark.len(), (FULL_ROUNDS + PARTIAL_ROUNDS[t - 2]) * t);
            assert_eq!(p.mds.len(), t);
            assert!(p.mds.iter().all(|row| row.len() == t));
        }
    }

    /// circomlibjs 0.1.7 `poseidon([1, 2, ..., n])` for n = 13..=16, the widths
    /// light-poseidon has no tables for.
    #[test]
    fn grain_parameters_hash_like_circomlibjs_for_13_to_16_inputs() {
        let expected = [
            (
                13,
                "7041832639553862712666971417715061873827921493498355005117622707743491651590",
            ),
            (
                14,
                "8354478399926161176778659061636406690034081872658507739535256090879947077494",
            ),
            (
                15,
                "4203130618016961831408770638653325366880478848856764494148034853759773445968",
            ),
            (
                16,
                "9989051620750914585850546081941653841776809718687451684622678807385399211877",
            ),
        ];
        for (n, hash) in expected {
            let Some(params) = circom_parameters(n + 1) else {
                panic!("no parameters generated for {n} inputs");
            };
            let inputs: Vec<Fr> = (1..=n as u64).map(Fr::from).collect();
            let got = match Poseidon::<Fr>::new(params).hash(&inputs) {
                Ok(h) => h,
                Err(e) => panic!("hashing {n} inputs failed: {e}"),
            };
            let Ok(want) = Fr::from_str(hash) else {
                panic!("bad expected value for {n} inputs");
            };
            assert_eq!(got, want, "poseidon([1..={n}])");
        }
    }
}
