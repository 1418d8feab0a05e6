//! BN254 base-field arithmetic eight lanes at a time with AVX-512 IFMA, for
//! the batch-affine bucket additions of G1 multi-scalar multiplication
//! (see [`crate::msm`]), chosen at run time where the CPU has it.
//!
//! ## Representation
//!
//! A lane holds an integer below `p` in five 52-bit limbs (260 bits).
//! `vpmadd52luq` / `vpmadd52huq` add the low / high 52 bits of a 52 x 52
//! bit product to a 64-bit lane, so a schoolbook product is 25 of each
//! into ten column accumulators, and Montgomery reduction with `R' = 2^260`
//! is five rounds of `m = t_i (-p^-1) mod 2^52`, `t += m p 2^(52 i)`:
//! `mont(a, b) = a b 2^-260 mod p`, below `2p` before one conditional
//! subtraction. A column holds at most 21 terms below `2^52`: no overflow.
//!
//! arkworks keeps `x` as the integer `x 2^256 mod p` (`D256`). Loading
//! that integer as it is, `mont` maps `D_i x D_j` to `D_(i+j-260)`: one
//! factor in `D260` keeps the other's `D256`. So no coordinate is
//! converted: the chord's denominators are lifted to `D260` once
//! (`mont(d, 2^264)`), their prefix products and inverses stay in `D260`,
//! `l = mont(dy, 1/d)` comes out in `D256`, and `l' = mont(l, 2^264)` in
//! `D260` gives `l^2 = mont(l, l')` and `l (x1 - x3) = mont(l', ...)` in
//! `D256`: eight multiplications per addition, eight additions at a time.
//!
//! The eight lanes run eight independent prefix-product chains (addition
//! `i` in lane `i mod 8`); their eight products are inverted together by
//! arkworks (one inversion per batch, as before).
//!
//! This is the only module with `unsafe`: calling the `target_feature`
//! functions after the features were detected, and moving lanes between
//! `__m512i` and `[u64; 8]` (same size, every bit pattern valid).
#![allow(unsafe_code)]
// Limb loops index several arrays by one limb.
#![allow(clippy::needless_range_loop)]

use ark_bn254::{g1, g2, Fq, Fq2};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::{BigInt, Field, One, PrimeField, Zero};
use core::arch::x86_64::{
    __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_madd52hi_epu64, _mm512_madd52lo_epu64,
    _mm512_mask_blend_epi64, _mm512_movepi64_mask, _mm512_or_si512, _mm512_set1_epi64,
    _mm512_setzero_si512, _mm512_slli_epi64, _mm512_srai_epi64, _mm512_srli_epi64,
    _mm512_sub_epi64,
};
use std::any::Any;
use std::sync::OnceLock;

type V = __m512i;

const MASK: u64 = (1 << 52) - 1;

/// `x` (four 64-bit limbs) as five 52-bit limbs.
const fn to52(x: [u64; 4]) -> [u64; 5] {
    [
        x[0] & MASK,
        ((x[0] >> 52) | (x[1] << 12)) & MASK,
        ((x[1] >> 40) | (x[2] << 24)) & MASK,
        ((x[2] >> 28) | (x[3] << 36)) & MASK,
        x[3] >> 16,
    ]
}

/// `p` in 52-bit limbs.
const P: [u64; 5] = to52(<Fq as PrimeField>::MODULUS.0);

/// `-p^-1 mod 2^52`.
const PINV: u64 = {
    // Newton's iteration doubles the correct bits of an inverse mod 2^64.
    let p0 = <Fq as PrimeField>::MODULUS.0[0];
    let mut inv = 1u64;
    let mut i = 0;
    while i < 7 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
        i += 1;
    }
    inv.wrapping_neg() & MASK
};

/// The integers `2^264 mod p` (lifts `D256` to `D260`) and `2^260 mod p`
/// (one in `D260`), in 52-bit limbs.
fn constants() -> &'static ([u64; 5], [u64; 5]) {
    static C: OnceLock<([u64; 5], [u64; 5])> = OnceLock::new();
    C.get_or_init(|| {
        let two = Fq::from(2u64);
        (
            to52(two.pow([264]).into_bigint().0),
            to52(two.pow([260]).into_bigint().0),
        )
    })
}

/// Whether this CPU runs the eight-lane path, unless `ZKGOV_SCALAR_MSM`
/// is set (to compare or test the scalar path on such a CPU). Read once.
pub(crate) fn available() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var_os("ZKGOV_SCALAR_MSM").is_none()
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512ifma")
            && std::arch::is_x86_feature_detected!("avx512dq")
    })
}

/// Eight field integers, limb-major.
#[derive(Clone, Copy)]
struct F8([V; 5]);

fn lanes(v: V) -> [u64; 8] {
    // SAFETY: __m512i and [u64; 8] have the same size and every bit
    // pattern is valid for both.
    unsafe { core::mem::transmute::<V, [u64; 8]>(v) }
}

fn vector(a: [u64; 8]) -> V {
    // SAFETY: as in `lanes`.
    unsafe { core::mem::transmute::<[u64; 8], V>(a) }
}

#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn splat(c: [u64; 5]) -> F8 {
    F8(c.map(|l| _mm512_set1_epi64(l as i64)))
}

/// Eight arkworks integers (below `p`) as lanes.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn load(x: &[[u64; 4]; 8]) -> F8 {
    let limb = |j: usize| vector(std::array::from_fn(|l| x[l][j]));
    let (a0, a1, a2, a3) = (limb(0), limb(1), limb(2), limb(3));
    let m = _mm512_set1_epi64(MASK as i64);
    F8([
        _mm512_and_si512(a0, m),
        _mm512_and_si512(
            _mm512_or_si512(_mm512_srli_epi64::<52>(a0), _mm512_slli_epi64::<12>(a1)),
            m,
        ),
        _mm512_and_si512(
            _mm512_or_si512(_mm512_srli_epi64::<40>(a1), _mm512_slli_epi64::<24>(a2)),
            m,
        ),
        _mm512_and_si512(
            _mm512_or_si512(_mm512_srli_epi64::<28>(a2), _mm512_slli_epi64::<36>(a3)),
            m,
        ),
        _mm512_srli_epi64::<16>(a3),
    ])
}

/// Lanes (normalised limbs) as eight arkworks integers.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn store(a: F8) -> [[u64; 4]; 8] {
    let [l0, l1, l2, l3, l4] = a.0;
    let w = [
        lanes(_mm512_or_si512(l0, _mm512_slli_epi64::<52>(l1))),
        lanes(_mm512_or_si512(
            _mm512_srli_epi64::<12>(l1),
            _mm512_slli_epi64::<40>(l2),
        )),
        lanes(_mm512_or_si512(
            _mm512_srli_epi64::<24>(l2),
            _mm512_slli_epi64::<28>(l3),
        )),
        lanes(_mm512_or_si512(
            _mm512_srli_epi64::<36>(l3),
            _mm512_slli_epi64::<16>(l4),
        )),
    ];
    std::array::from_fn(|l| [w[0][l], w[1][l], w[2][l], w[3][l]])
}

/// `r - p` if that is not negative, else `r`, for `r < 2p` in normalised
/// limbs.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn reduce_once(r: [V; 5]) -> F8 {
    let m = _mm512_set1_epi64(MASK as i64);
    let mut s = [_mm512_setzero_si512(); 5];
    let mut borrow = _mm512_setzero_si512();
    for j in 0..5 {
        // borrow is 0 or -1 (an arithmetic shift of the previous limb).
        let d = _mm512_add_epi64(
            _mm512_sub_epi64(r[j], _mm512_set1_epi64(P[j] as i64)),
            borrow,
        );
        borrow = _mm512_srai_epi64::<52>(d);
        s[j] = _mm512_and_si512(d, m);
    }
    // Lanes where r - p went negative keep r.
    let negative = _mm512_movepi64_mask(borrow);
    F8(std::array::from_fn(|j| {
        _mm512_mask_blend_epi64(negative, s[j], r[j])
    }))
}

/// `a b 2^-260 mod p`.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn mul(a: F8, b: F8) -> F8 {
    let z = _mm512_setzero_si512();
    let mut t = [z; 10];
    for i in 0..5 {
        for j in 0..5 {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], a.0[i], b.0[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a.0[i], b.0[j]);
        }
    }
    let pinv = _mm512_set1_epi64(PINV as i64);
    let p = P.map(|l| _mm512_set1_epi64(l as i64));
    for i in 0..5 {
        let m = _mm512_madd52lo_epu64(z, t[i], pinv);
        for j in 0..5 {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], m, p[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], m, p[j]);
        }
        // t_i is now 0 mod 2^52: its upper bits move up a limb.
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64::<52>(t[i]));
    }
    let mask = _mm512_set1_epi64(MASK as i64);
    let mut r = [t[5], t[6], t[7], t[8], t[9]];
    for j in 0..4 {
        r[j + 1] = _mm512_add_epi64(r[j + 1], _mm512_srli_epi64::<52>(r[j]));
        r[j] = _mm512_and_si512(r[j], mask);
    }
    reduce_once(r)
}

/// `a - b mod p` for `a, b < p`.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn sub(a: F8, b: F8) -> F8 {
    let m = _mm512_set1_epi64(MASK as i64);
    let mut d = [_mm512_setzero_si512(); 5];
    let mut borrow = _mm512_setzero_si512();
    for j in 0..5 {
        let x = _mm512_add_epi64(_mm512_sub_epi64(a.0[j], b.0[j]), borrow);
        borrow = _mm512_srai_epi64::<52>(x);
        d[j] = _mm512_and_si512(x, m);
    }
    // Negative lanes get p added: d + p < p.
    let negative = _mm512_movepi64_mask(borrow);
    let mut carry = _mm512_setzero_si512();
    let mut e = [_mm512_setzero_si512(); 5];
    for j in 0..5 {
        let x = _mm512_add_epi64(
            _mm512_add_epi64(d[j], _mm512_set1_epi64(P[j] as i64)),
            carry,
        );
        carry = _mm512_srli_epi64::<52>(x);
        e[j] = _mm512_and_si512(x, m);
    }
    F8(std::array::from_fn(|j| {
        _mm512_mask_blend_epi64(negative, d[j], e[j])
    }))
}

/// Eight elements of a base field (`Fq` for G1, `Fq2` for G2) in lanes.
///
/// # Safety
/// Every method needs the CPU features of [`available`].
trait Lanes: Copy {
    type Base: Field;
    /// Eight arkworks elements (their integers, as they are: `D256`).
    unsafe fn load(x: &[Self::Base; 8]) -> Self;
    /// Back to arkworks elements (the lanes' integers, as they are).
    unsafe fn store(self) -> [Self::Base; 8];
    unsafe fn mul(self, b: Self) -> Self;
    unsafe fn sub(self, b: Self) -> Self;
    /// `D256` to `D260`: times the integer `2^264 mod p`.
    unsafe fn lift(self) -> Self;
    /// One, in `D260`.
    unsafe fn one() -> Self;
}

impl Lanes for F8 {
    type Base = Fq;
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn load(x: &[Fq; 8]) -> Self {
        load(&x.map(|e| e.0 .0))
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn store(self) -> [Fq; 8] {
        store(self).map(|x| Fq::new_unchecked(BigInt(x))) // ok: reduced lanes are below p
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn mul(self, b: Self) -> Self {
        mul(self, b)
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn sub(self, b: Self) -> Self {
        sub(self, b)
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn lift(self) -> Self {
        mul(self, splat(constants().0))
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn one() -> Self {
        splat(constants().1)
    }
}

/// `a + b mod p` for `a, b < p`.
#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
fn add(a: F8, b: F8) -> F8 {
    let m = _mm512_set1_epi64(MASK as i64);
    let mut r = [_mm512_setzero_si512(); 5];
    let mut carry = _mm512_setzero_si512();
    for j in 0..5 {
        let x = _mm512_add_epi64(_mm512_add_epi64(a.0[j], b.0[j]), carry);
        carry = _mm512_srli_epi64::<52>(x);
        r[j] = _mm512_and_si512(x, m);
    }
    // The sum is below 2p < 2^255: limb 4 took no carry out.
    r[4] = _mm512_add_epi64(r[4], _mm512_slli_epi64::<52>(carry));
    reduce_once(r)
}

/// `Fq2 = Fq[u] / (u^2 + 1)` in lanes: real and imaginary parts.
#[derive(Clone, Copy)]
struct F8x2(F8, F8);

impl Lanes for F8x2 {
    type Base = Fq2;
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn load(x: &[Fq2; 8]) -> Self {
        F8x2(load(&x.map(|e| e.c0.0 .0)), load(&x.map(|e| e.c1.0 .0)))
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn store(self) -> [Fq2; 8] {
        let (c0, c1) = (store(self.0), store(self.1));
        std::array::from_fn(|l| {
            Fq2::new(
                Fq::new_unchecked(BigInt(c0[l])), // ok: reduced lanes are below p
                Fq::new_unchecked(BigInt(c1[l])), // ok: reduced lanes are below p
            )
        })
    }
    /// Karatsuba: `(a0 b0 - a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u`.
    /// `mont` is bilinear, so each part keeps the domains' rule.
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn mul(self, b: Self) -> Self {
        let v0 = mul(self.0, b.0);
        let v1 = mul(self.1, b.1);
        let s = mul(add(self.0, self.1), add(b.0, b.1));
        F8x2(sub(v0, v1), sub(sub(s, v0), v1))
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn sub(self, b: Self) -> Self {
        F8x2(sub(self.0, b.0), sub(self.1, b.1))
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn lift(self) -> Self {
        let c = splat(constants().0);
        F8x2(mul(self.0, c), mul(self.1, c))
    }
    #[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
    unsafe fn one() -> Self {
        F8x2(splat(constants().1), splat([0; 5]))
    }
}

/// Completes the batch-affine additions `aff[k] += q` for every `(k, q)`
/// in `pending` (distinct buckets, non-zero points with `q.x != aff[k].x`)
/// as `crate::msm`'s scalar code does, for BN254's G1 and G2. `false`
/// (nothing written) for another curve, on a CPU without the features, or
/// when a denominator is zero: the caller then runs its scalar path.
// Vecs, not slices: only a sized type downcasts.
#[allow(clippy::ptr_arg)]
pub(crate) fn complete<P: SWCurveConfig>(
    aff: &mut Vec<Affine<P>>,
    pending: &Vec<(u32, Affine<P>)>,
) -> bool {
    if pending.is_empty() || !available() {
        return false;
    }
    let (aff, pending): (&mut dyn Any, &dyn Any) = (aff, pending);
    if let (Some(aff), Some(pending)) = (
        aff.downcast_mut::<Vec<Affine<g1::Config>>>(),
        pending.downcast_ref::<Vec<(u32, Affine<g1::Config>)>>(),
    ) {
        // SAFETY: the features the function is compiled for were detected.
        return unsafe { complete_lanes::<g1::Config, F8>(aff, pending) };
    }
    if let (Some(aff), Some(pending)) = (
        aff.downcast_mut::<Vec<Affine<g2::Config>>>(),
        pending.downcast_ref::<Vec<(u32, Affine<g2::Config>)>>(),
    ) {
        // SAFETY: as above.
        return unsafe { complete_lanes::<g2::Config, F8x2>(aff, pending) };
    }
    false
}

#[target_feature(enable = "avx512f,avx512ifma,avx512dq")]
unsafe fn complete_lanes<P: SWCurveConfig, L: Lanes<Base = P::BaseField>>(
    aff: &mut [Affine<P>],
    pending: &[(u32, Affine<P>)],
) -> bool {
    let chunks = pending.chunks(8);
    let mut prefix = Vec::with_capacity(chunks.len());
    let mut dens = Vec::with_capacity(chunks.len());
    // One coordinate of the chunk's buckets (`from_q` false) or of their
    // addends; zero in the padding lanes.
    let gather = |c: &[(u32, Affine<P>)], from_q: bool, coord: fn(&Affine<P>) -> P::BaseField| {
        let mut out = [P::BaseField::zero(); 8];
        for (o, (k, q)) in out.iter_mut().zip(c) {
            *o = coord(if from_q { q } else { &aff[*k as usize] });
        }
        out
    };
    let x: fn(&Affine<P>) -> P::BaseField = |p| p.x;
    let y: fn(&Affine<P>) -> P::BaseField = |p| p.y;
    let mut acc = L::one();
    for c in chunks.clone() {
        // Padding lanes divide by one (the integer 1 in their x).
        let mut qx = gather(c, true, x);
        qx[c.len()..].fill(P::BaseField::one());
        let px = L::load(&gather(c, false, x));
        let d = L::load(&qx).sub(px).lift();
        prefix.push(acc);
        dens.push(d);
        acc = acc.mul(d);
    }
    // A lane's product X 2^260 read as an arkworks element is X 2^4; its
    // inverse X^-1 2^-4, times 2^8, is stored as X^-1 2^260.
    let mut inv = acc.store();
    if inv.iter().any(|x| x.is_zero()) {
        return false;
    }
    ark_ff::batch_inversion(&mut inv);
    let scale = P::BaseField::from(256u64);
    let mut inv = L::load(&inv.map(|x| x * scale));
    let mut out = Vec::with_capacity(pending.len().div_ceil(8));
    for (t, c) in chunks.enumerate().rev() {
        let inv_d = inv.mul(prefix[t]);
        inv = inv.mul(dens[t]);
        let px = L::load(&gather(c, false, x));
        let py = L::load(&gather(c, false, y));
        let qx = L::load(&gather(c, true, x));
        let qy = L::load(&gather(c, true, y));
        let l = qy.sub(py).mul(inv_d);
        let l260 = l.lift();
        let x3 = l.mul(l260).sub(px).sub(qx);
        let y3 = l260.mul(px.sub(x3)).sub(py);
        out.push((t, x3.store(), y3.store()));
    }
    for (t, x3, y3) in out {
        for (l, &(k, _)) in pending[t * 8..].iter().take(8).enumerate() {
            // The chord through two curve points meets the curve again.
            aff[k as usize] = Affine::new_unchecked(x3[l], y3[l]); // ok: on the curve by construction
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::UniformRand;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn lanes_multiply_and_subtract_as_arkworks_does() {
        if !available() {
            eprintln!("SKIP: no AVX-512 IFMA on this CPU, or ZKGOV_SCALAR_MSM is set");
            return;
        }
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let edge = [Fq::zero(), Fq::from(1u64), -Fq::from(1u64), -Fq::from(2u64)];
        for round in 0..200 {
            let a: [Fq; 8] = std::array::from_fn(|l| {
                if round == 0 && l < 4 {
                    edge[l]
                } else {
                    Fq::rand(&mut rng)
                }
            });
            let b: [Fq; 8] = std::array::from_fn(|l| {
                if round == 0 && l >= 4 {
                    edge[l - 4]
                } else {
                    Fq::rand(&mut rng)
                }
            });
            // SAFETY: the features were detected above.
            let (m, s, back) = unsafe {
                let (la, lb) = (load(&a.map(|x| x.0 .0)), load(&b.map(|x| x.0 .0)));
                (store(mul(la, lb)), store(sub(la, lb)), store(la))
            };
            let sixteenth = Fq::from(16u64).inverse().unwrap();
            for l in 0..8 {
                assert_eq!(back[l], a[l].0 .0);
                // Raw integers a R, b R give a b R 2^-4.
                assert_eq!(Fq::new_unchecked(BigInt(m[l])), a[l] * b[l] * sixteenth);
                assert_eq!(Fq::new_unchecked(BigInt(s[l])), a[l] - b[l]);
            }
        }
    }

    fn batches_add_as_the_affine_formula_does<P: SWCurveConfig>(seed: u64) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut point =
            || (Affine::<P>::generator() * P::ScalarField::rand(&mut rng)).into_affine();
        for n in [1usize, 7, 8, 9, 23, 64] {
            let mut aff: Vec<Affine<P>> = (0..2 * n).map(|_| point()).collect();
            let pending: Vec<(u32, Affine<P>)> =
                (0..n).map(|i| ((2 * i + 1) as u32, point())).collect();
            let want: Vec<Affine<P>> = aff
                .iter()
                .enumerate()
                .map(
                    |(k, p)| match pending.iter().find(|(j, _)| *j as usize == k) {
                        Some((_, q)) => (*p + q).into_affine(),
                        None => *p,
                    },
                )
                .collect();
            assert!(complete(&mut aff, &pending));
            assert_eq!(aff, want, "{n} additions");
            assert!(aff.iter().all(|p| p.is_on_curve()));
        }
    }

    #[test]
    fn lane_batches_add_as_the_affine_formula_does() {
        if !available() {
            eprintln!("SKIP: no AVX-512 IFMA on this CPU, or ZKGOV_SCALAR_MSM is set");
            return;
        }
        batches_add_as_the_affine_formula_does::<g1::Config>(8);
        batches_add_as_the_affine_formula_does::<g2::Config>(9);
    }

    #[test]
    fn fq2_lanes_multiply_as_arkworks_does() {
        if !available() {
            eprintln!("SKIP: no AVX-512 IFMA on this CPU, or ZKGOV_SCALAR_MSM is set");
            return;
        }
        let mut rng = ChaCha20Rng::seed_from_u64(10);
        let sixteenth = Fq2::from(16u64).inverse().unwrap();
        for _ in 0..100 {
            let a: [Fq2; 8] = std::array::from_fn(|_| Fq2::rand(&mut rng));
            let b: [Fq2; 8] = std::array::from_fn(|_| Fq2::rand(&mut rng));
            // SAFETY: the features were detected above.
            let (m, d) = unsafe {
                let (la, lb) = (F8x2::load(&a), F8x2::load(&b));
                (la.mul(lb).store(), la.sub(lb).store())
            };
            for l in 0..8 {
                assert_eq!(m[l], a[l] * b[l] * sixteenth);
                assert_eq!(d[l], a[l] - b[l]);
            }
        }
    }

    #[test]
    fn a_zero_denominator_is_left_to_the_scalar_path() {
        if !available() {
            eprintln!("SKIP: no AVX-512 IFMA on this CPU, or ZKGOV_SCALAR_MSM is set");
            return;
        }
        let p = ark_bn254::G1Affine::generator();
        let mut aff = vec![p, p];
        let before = aff.clone();
        // q.x == p.x: the chord formula does not apply.
        assert!(!complete(&mut aff, &vec![(0, p), (1, -p)]));
        assert_eq!(aff, before);
    }
}
