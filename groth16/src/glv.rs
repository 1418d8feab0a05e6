//! GLV: each scalar as two halves of at most 128 bits, by an endomorphism.
//!
//! BN254's curves `y^2 = x^3 + b` (G1 over Fq, G2 over Fq2) have the map
//! `phi(x, y) = (omega x, y)` with `omega` a cube root of unity in Fq; on
//! the prime-order group it is multiplication by a cube root of unity
//! `lambda` mod `r` (`lambda_1` on G1, `lambda_2 = -1 - lambda_1` on G2, as
//! `ark-bn254`'s `GLVConfig` gives them). So
//!
//! ```text
//! k P = k1 P + k2 phi(P)     whenever   k = k1 + lambda k2 (mod r)
//! ```
//!
//! and a multi-scalar multiplication of `n` 254-bit scalars becomes one of
//! `2n` scalars of 128 bits: the same number of bucket additions, but half
//! the windows, so half the per-window bucket sums (and half the doublings).
//!
//! ## The split
//!
//! The lattice `{(a, b) : a + lambda b = 0 mod r}` has the short basis
//! `(-A, B), (-B, -C)` for `lambda_1` and `(-C, -B), (B, -A)` for
//! `lambda_2`, with `A C + B^2 = r`, `A, C < 2^127`, `B < 2^64` (the
//! constants of `ark-bn254`'s `SCALAR_DECOMP_COEFFS`). Babai rounding of
//! `(k, 0)` in that basis gives, with `(P, Q) = (A, C)` on G1 and `(C, A)`
//! on G2,
//!
//! ```text
//! u = round(k Q / r),  v = round(k B / r)
//! k1 = k - u P - v B,  k2 = +-(u B - v Q)        (+ on G1, - on G2)
//! ```
//!
//! so that `k1 + lambda k2 = k` exactly. `round(k X / r)` is computed as
//! `(k g_X + 2^383) >> 384` with `g_X = floor(X 2^384 / r)`: the error is
//! below `2^-130` before rounding, so `u` and `v` are exact or off by one,
//! and then `|k1|, |k2| < 2^127` (measured: below `2^126` on every scalar
//! tried, including `0`, `1`, `-1`, `lambda` and `r X / 2000` for every
//! `X < 2000`). The arithmetic is on 64-bit limbs, modulo `2^256` where
//! the true value is small: exact.

use ark_bn254::{g1, g2};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::PrimeField;

/// The scalar field's integers.
type BigInt = <ark_bn254::Fr as PrimeField>::BigInt;

const A: u128 = 0x6f4d_8248_eeb8_59fc_8211_bbeb_7d4f_1128;
const B: u128 = 0x89d3_2568_94d2_13e3;
const C: u128 = 0x6f4d_8248_eeb8_59fd_0be4_e154_1221_250b;
/// `floor(X 2^384 / r)`, little-endian limbs.
const G_A: [u64; 5] = [
    0x8693_7516_9b9b_dffa,
    0xa5e3_8cfb_5eaa_26d9,
    0x7a7b_d9d4_391e_b18d,
    0x4cce_f014_a773_d2cf,
    0x2,
];
const G_B: [u64; 5] = [
    0x8fa7_d32d_2faf_ba64,
    0x6eb9_c714_773a_6ef2,
    0xd91d_232e_c7e0_b3d7,
    0x2,
    0x0,
];
const G_C: [u64; 5] = [
    0x163b_4843_cb4b_9a5e,
    0x149d_540f_d5e4_95cc,
    0x5398_fd03_00ff_6565,
    0x4cce_f014_a773_d2d2,
    0x2,
];

/// A curve whose scalars split by an endomorphism (BN254's G1 and G2).
pub trait Endomorphism: SWCurveConfig<ScalarField = ark_bn254::Fr> {
    /// `phi(p) = lambda p`.
    fn endo(p: &Affine<Self>) -> Affine<Self>;
    /// `(negative, |k1|), (negative, |k2|)` with `k = k1 + lambda k2 (mod r)`.
    fn split(k: &BigInt) -> [(bool, u128); 2];
}

impl Endomorphism for g1::Config {
    #[inline]
    fn endo(p: &Affine<Self>) -> Affine<Self> {
        <Self as GLVConfig>::endomorphism_affine(p)
    }

    fn split(k: &BigInt) -> [(bool, u128); 2] {
        split(k, A, (C, &G_C), false)
    }
}

impl Endomorphism for g2::Config {
    #[inline]
    fn endo(p: &Affine<Self>) -> Affine<Self> {
        <Self as GLVConfig>::endomorphism_affine(p)
    }

    fn split(k: &BigInt) -> [(bool, u128); 2] {
        split(k, C, (A, &G_A), true)
    }
}

/// See the module note: `(p, q) = (A, C)` on G1, `(C, A)` on G2, with
/// `g_q = floor(q 2^384 / r)`.
fn split(k: &BigInt, p: u128, (q, g_q): (u128, &[u64; 5]), negate_k2: bool) -> [(bool, u128); 2] {
    let k = k.0;
    let u = round_div_r(&k, g_q);
    let v = round_div_r(&k, &G_B);
    let k1 = sub(&sub(&k, &mul(u, p)), &mul(v, B));
    let k2 = sub(&mul(u, B), &mul(v, q));
    let (n1, m1) = signed(&k1);
    let (n2, m2) = signed(&k2);
    [(n1, m1), (n2 != negate_k2 && m2 != 0, m2)]
}

/// `round(k X / r)` as `(k g_X + 2^383) >> 384`; below `2^128`.
fn round_div_r(k: &[u64; 4], g: &[u64; 5]) -> u128 {
    let mut t = [0u64; 9];
    for (i, &ki) in k.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &gj) in g.iter().enumerate() {
            let cur = u128::from(t[i + j]) + u128::from(ki) * u128::from(gj) + carry;
            t[i + j] = cur as u64; // the low limb; the rest carries
            carry = cur >> 64;
        }
        t[i + g.len()] = carry as u64; // t[i + 5] is still zero here
    }
    // + 2^383 (bit 63 of limb 5), carried up.
    let mut carry = 1u128 << 63;
    for limb in &mut t[5..] {
        let cur = u128::from(*limb) + carry;
        *limb = cur as u64; // the low limb; the rest carries
        carry = cur >> 64;
    }
    u128::from(t[6]) | (u128::from(t[7]) << 64)
}

/// `a b` as a 256-bit integer.
fn mul(a: u128, b: u128) -> [u64; 4] {
    let (a0, a1) = (a as u64 as u128, a >> 64); // low and high halves
    let (b0, b1) = (b as u64 as u128, b >> 64);
    let mut t = [0u64; 4];
    for (i, ai) in [a0, a1].into_iter().enumerate() {
        let mut carry = 0u128;
        for (j, bj) in [b0, b1].into_iter().enumerate() {
            let cur = u128::from(t[i + j]) + ai * bj + carry;
            t[i + j] = cur as u64; // the low limb; the rest carries
            carry = cur >> 64;
        }
        t[i + 2] = carry as u64; // t[i + 2] is still zero here
    }
    t
}

/// `a - b` modulo `2^256`.
fn sub(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        out[i] = d;
        borrow = b1 || b2;
    }
    out
}

/// A small two's-complement 256-bit integer as sign and magnitude.
fn signed(x: &[u64; 4]) -> (bool, u128) {
    let negative = x[3] >> 63 == 1;
    let m = if negative { sub(&[0; 4], x) } else { *x };
    debug_assert!(m[2] == 0 && m[3] == 0, "a GLV half above 2^128");
    (negative, u128::from(m[0]) | (u128::from(m[1]) << 64))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use ark_bn254::{Fr, G1Projective, G2Projective};
    use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
    use ark_ff::{BigInteger, Field, UniformRand};
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn from_half((negative, m): (bool, u128)) -> Fr {
        let v = Fr::from(m);
        if negative {
            -v
        } else {
            v
        }
    }

    fn check<E: Endomorphism + GLVConfig>(k: Fr) {
        let [h1, h2] = E::split(&k.into_bigint());
        assert!(h1.1 < 1 << 127 && h2.1 < 1 << 127, "{k}: {h1:?} {h2:?}");
        assert_eq!(from_half(h1) + <E as GLVConfig>::LAMBDA * from_half(h2), k);
    }

    fn edge_scalars() -> Vec<Fr> {
        let r = Fr::MODULUS;
        let mut v = vec![
            Fr::from(0u64),
            Fr::from(1u64),
            Fr::from(2u64),
            -Fr::from(1u64),
            -Fr::from(2u64),
            Fr::from(2u64).pow([253]),
            Fr::from(2u64).pow([128]),
            <g1::Config as GLVConfig>::LAMBDA,
            <g2::Config as GLVConfig>::LAMBDA,
            Fr::from(A),
            Fr::from(B),
            Fr::from(C),
            -Fr::from(A),
        ];
        // r X / 2000 for X < 2000: the rounding boundaries spread out.
        let mut step = r;
        for _ in 0..11 {
            step.div2();
        }
        let step = Fr::from_bigint(step).unwrap();
        for x in 1..2000u64 {
            v.push(step * Fr::from(x));
        }
        v
    }

    #[test]
    fn the_endomorphisms_multiply_by_lambda() {
        let mut rng = ChaCha20Rng::seed_from_u64(5); // ok: test inputs
        for p in [G1Projective::generator(), G1Projective::rand(&mut rng)] {
            let p = p.into_affine();
            let want = p * <g1::Config as GLVConfig>::LAMBDA;
            assert_eq!(g1::Config::endo(&p), want.into_affine());
        }
        for p in [G2Projective::generator(), G2Projective::rand(&mut rng)] {
            let p = p.into_affine();
            let want = p * <g2::Config as GLVConfig>::LAMBDA;
            assert_eq!(g2::Config::endo(&p), want.into_affine());
        }
        assert!(g1::Config::endo(&ark_bn254::G1Affine::zero()).is_zero());
    }

    #[test]
    fn edge_scalars_split_into_short_halves() {
        for k in edge_scalars() {
            check::<g1::Config>(k);
            check::<g2::Config>(k);
        }
        assert_eq!(
            g1::Config::split(&Fr::from(0u64).into_bigint()),
            [(false, 0); 2]
        );
        assert_eq!(
            g1::Config::split(&(-Fr::from(1u64)).into_bigint()),
            [(true, 1), (false, 0)]
        );
        assert_eq!(
            g2::Config::split(&Fr::from(7u64).into_bigint()),
            [(false, 7), (false, 0)]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_scalars_split_into_short_halves(seed in any::<u64>()) {
            let mut rng = ChaCha20Rng::seed_from_u64(seed); // ok: test inputs
            let k = Fr::rand(&mut rng);
            check::<g1::Config>(k);
            check::<g2::Config>(k);
        }
    }
}
