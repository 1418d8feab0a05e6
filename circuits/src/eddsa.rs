//! EdDSA-Poseidon on Baby Jubjub, circomlib-compatible: issuer secret keys
//! and signing (native), and the in-circuit verifier.
//!
//! # Keys and signing (circomlibjs `prv2pub`, `signPoseidon`)
//!
//! ```text
//! h  = BLAKE-512(prv)                      (the SHA-3 finalist, not BLAKE2)
//! s  = prune(h[0..32]) as a little-endian integer
//!      (clear bits 0..2, clear bit 255, set bit 254)
//! A  = (s >> 3)·Base8
//! r  = BLAKE-512(h[32..64] || m as 32 bytes LE) mod l
//! R8 = r·Base8,  hm = Poseidon(R8.x, R8.y, A.x, A.y, m),  S = r + hm·s mod l
//! ```
//!
//! # The gadget ([`verify_var`])
//!
//! Points are witnessed in circomlib coordinates (what Poseidon hashes) and
//! mapped to ark's `a = 1` coordinates by `x' = √168700·x`, a linear map that
//! costs no constraint. For `A`, `R8`, `m`, `S`:
//!
//! 1. `A` and `R8` are on the curve (3 constraints each);
//! 2. `A.x != 0`, so `A` is not the identity (or the order-2 point `(0, -1)`);
//! 3. `A` and `R8` are in the order-`l` subgroup: a witness `Q` on the curve
//!    with `8·Q = P` (three doublings). `8·E` is exactly the order-`l`
//!    subgroup, so this is sound, and it costs ~20 constraints instead of a
//!    full multiplication by `l`. For `R8` it is implied by the final
//!    equation (both sides of `R8 = S·Base8 - 8·hm·A` would otherwise lie in
//!    different cosets) but costs little, and states the rule;
//! 4. `S < l`: a 251-bit decomposition and `S <= l - 1` (a non-canonical
//!    `S + l` would otherwise verify: malleability);
//! 5. `hm = Poseidon(R8.x, R8.y, A.x, A.y, m)`, decomposed into 254 bits
//!    *without* the canonical check: the bits spell `hm` or, when
//!    `hm < 2^254 - r`, possibly `hm + r`. As `8·A` has order `l`, only the
//!    challenge `c = bits mod l` matters, so a prover gets at most two
//!    challenges per `(R8, A, m)`. A forger of Schnorr-type signatures with
//!    two challenges per hash query wins at most twice as often (a one-bit
//!    loss, in the random-oracle model); a holder with a real signature
//!    gains nothing, since a second valid `S` for the other challenge needs
//!    the issuer's secret. circomlib's `Num2Bits_strict` would cost 382
//!    more constraints here, the margin that keeps the identity circuit
//!    under 2^14 constraints (see `crate::identity`);
//! 6. `S·Base8 == R8 + hm·(8·A)`: fixed-base multiplication with 3-bit
//!    windows of constant points for the left side ([`fixed_base_mul`]),
//!    2-bit windows over `[0, P, 2P, 3P]` for the right ([`var_base_mul`]).
//!    Twisted Edwards addition on Baby Jubjub is complete (`a` square, `d`
//!    not), so the identity and equal points need no special case.
//!
//! Constant operands (a key known when the circuit is written, say) are
//! checked natively, so a false statement about constants is refused with
//! `SynthesisError::Unsatisfiable` instead of passing unchecked.
//!
//! The checks are namespaced `"points on curve"`, `"key not identity"`,
//! `"points in subgroup"`, `"S < 2^251"`, `"S <= l - 1"`,
//! `"challenge bits"` and `"signature equation"`.

use ark_ec::{AffineRepr, CurveGroup};
use ark_ed_on_bn254::{constraints::EdwardsVar, EdwardsProjective};
use ark_ff::{BigInteger, Field, PrimeField};
use ark_r1cs_std::{fields::fp::FpVar, groups::CurveVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use blake_hash::{Blake512, Digest};
use rand::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop};
use zkgov_verifier::{
    babyjub::challenge, babyjub::sqrt_a, babyjub::to_subgroup_scalar, babyjub::Point,
    babyjub::PublicKey, babyjub::Signature, babyjub::SubgroupScalar, babyjub::BASE8,
    babyjub::COEFF_A, babyjub::COEFF_D, Fr,
};

use crate::{checked, cmp, poseidon::poseidon_var};

/// Bits of a canonical `S` (`l < 2^251`).
pub const S_BITS: usize = 251;

/// An issuer's 32-byte EdDSA private key (circomlibjs format). Zeroized on
/// drop; `Debug` prints nothing.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

fn blake512(parts: &[&[u8]]) -> [u8; 64] {
    let mut h = Blake512::new();
    for p in parts {
        h.update(p);
    }
    let mut out = [0u8; 64];
    out.copy_from_slice(&h.finalize());
    out
}

impl SecretKey {
    /// From the 32 private-key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        SecretKey(bytes)
    }

    /// A fresh key from `rng` (the OS RNG outside tests).
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut b = [0u8; 32];
        rng.fill_bytes(&mut b);
        SecretKey(b)
    }

    /// The private-key bytes (for the holder's own key file).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// `BLAKE-512(prv)` with the first half pruned.
    fn expand(&self) -> [u8; 64] {
        let mut h = blake512(&[&self.0]);
        h[0] &= 0xF8;
        h[31] &= 0x7F;
        h[31] |= 0x40;
        h
    }

    /// `A = (s >> 3)·Base8`.
    pub fn public_key(&self) -> PublicKey {
        let mut h = self.expand();
        let key = public_from_expanded(&h);
        h.zeroize();
        key
    }

    /// Signs a field element (circomlibjs `signPoseidon`).
    pub fn sign(&self, msg: &Fr) -> Signature {
        let mut h = self.expand();
        let a = public_from_expanded(&h);
        let mut r_bytes = blake512(&[&h[32..], &msg.into_bigint().to_bytes_le()]);
        let mut r = SubgroupScalar::from_le_bytes_mod_order(&r_bytes); // ok: circomlibjs reduces mod l
        let mut s = SubgroupScalar::from_le_bytes_mod_order(&h[..32]); // ok: only s mod l matters for S
        let r8 = BASE8.mul(&r);
        let hm = challenge(&r8, &a.0, msg);
        let sig = Signature {
            r8,
            s: r + to_subgroup_scalar(&hm) * s,
        };
        h.zeroize();
        r_bytes.zeroize();
        r.zeroize();
        s.zeroize();
        sig
    }
}

fn public_from_expanded(h: &[u8; 64]) -> PublicKey {
    let bits: Vec<bool> = (3..256).map(|i| (h[i / 8] >> (i % 8)) & 1 == 1).collect();
    PublicKey(BASE8.mul_bits_le(&bits))
}

/// A Baby Jubjub point in circomlib coordinates inside the circuit.
#[derive(Clone, Debug)]
pub struct PointVar {
    /// `x` (circomlib).
    pub x: FpVar<Fr>,
    /// `y`.
    pub y: FpVar<Fr>,
}

impl PointVar {
    /// Witnesses a point (no checks: see [`PointVar::enforce_on_curve`]).
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        p: impl FnOnce() -> Result<Point, SynthesisError>,
    ) -> Result<Self, SynthesisError> {
        let p = p();
        let x = FpVar::new_witness(cs.clone(), || p.map(|p| p.x))?;
        let y = FpVar::new_witness(cs, || p.map(|p| p.y))?;
        Ok(PointVar { x, y })
    }

    /// The native value, if assigned.
    pub fn value(&self) -> Result<Point, SynthesisError> {
        Ok(Point {
            x: self.x.value()?,
            y: self.y.value()?,
        })
    }

    /// `168700·x² + y² = 1 + 168696·x²·y²` (3 constraints).
    pub fn enforce_on_curve(&self) -> Result<(), SynthesisError> {
        let x2 = self.x.square()?;
        let y2 = self.y.square()?;
        let lhs = &x2 * Fr::from(COEFF_A) + &y2 - Fr::from(1u64);
        checked::mul_equals(&(x2 * Fr::from(COEFF_D)), &y2, &lhs)
    }

    /// The point in ark's `a = 1` coordinates (a linear map: free).
    pub fn to_ark(&self) -> EdwardsVar {
        EdwardsVar::new(&self.x * sqrt_a(), self.y.clone())
    }

    /// Enforces that the point is in the order-`l` subgroup: witnesses
    /// `Q = 8⁻¹·P` (mod `l`), checks `Q` is on the curve and `8·Q = P`. A
    /// constant point is checked natively (`Unsatisfiable` outside the
    /// subgroup).
    pub fn enforce_in_subgroup(&self) -> Result<(), SynthesisError> {
        if let (FpVar::Constant(x), FpVar::Constant(y)) = (&self.x, &self.y) {
            return if (Point { x: *x, y: *y }).is_in_subgroup() {
                Ok(())
            } else {
                Err(SynthesisError::Unsatisfiable)
            };
        }
        let cs = self.x.cs().or(self.y.cs());
        let inv8 = SubgroupScalar::from(8u64)
            .inverse()
            .ok_or(SynthesisError::Unsatisfiable)?;
        let q = PointVar::new_witness(cs, || Ok(self.value()?.mul(&inv8)))?;
        q.enforce_on_curve()?;
        let mut eight_q = q.to_ark();
        for _ in 0..3 {
            eight_q.double_in_place()?;
        }
        enforce_points_equal(&eight_q, &self.to_ark())
    }
}

/// Enforces `p = q` coordinate by coordinate: the constraints of
/// `p.enforce_equal(q)`, but constant coordinates are compared natively.
fn enforce_points_equal(p: &EdwardsVar, q: &EdwardsVar) -> Result<(), SynthesisError> {
    checked::enforce_equal(&p.x, &q.x)?;
    checked::enforce_equal(&p.y, &q.y)
}

/// `k · 2^(3w) · Base8` for `k < 8`, per 3-bit window `w`, in ark
/// coordinates (as `(x, y)` tables).
fn base8_window_tables(windows: usize) -> Vec<([Fr; 8], [Fr; 8])> {
    let mut out = Vec::with_capacity(windows);
    let mut base = BASE8.to_ark_trusted().into_group(); // ok: constant generator, on-curve per babyjub tests
    for _ in 0..windows {
        let mut xs = [Fr::from(0u64); 8];
        let mut ys = [Fr::from(1u64); 8];
        let mut acc = EdwardsProjective::default();
        for k in 1..8 {
            acc += base;
            let a = acc.into_affine();
            xs[k] = a.x;
            ys[k] = a.y;
        }
        out.push((xs, ys));
        for _ in 0..3 {
            base = base + base;
        }
    }
    out
}

/// `c[b0 + 2 b1 + 4 b2]` for constants `c`, given `b0 b1`: one constraint.
fn lookup3(
    b: &[Boolean<Fr>; 3],
    b0b1: &FpVar<Fr>,
    c: &[Fr; 8],
) -> Result<FpVar<Fr>, SynthesisError> {
    let (b0, b1): (FpVar<Fr>, FpVar<Fr>) = (b[0].clone().into(), b[1].clone().into());
    // Multilinear in (b0, b1) for each half of the table.
    let half = |c: &[Fr]| -> FpVar<Fr> {
        FpVar::constant(c[0])
            + &b0 * (c[1] - c[0])
            + &b1 * (c[2] - c[0])
            + b0b1 * (c[3] - c[2] - c[1] + c[0])
    };
    let (f, g) = (half(&c[..4]), half(&c[4..]));
    let b2: FpVar<Fr> = b[2].clone().into();
    Ok(&f + b2 * (g - &f))
}

/// `k·Base8` for the little-endian bits of `k`: 3-bit windows of constant
/// points, 3 constraints per lookup plus one complete addition (6).
pub fn fixed_base_mul(bits: &[Boolean<Fr>]) -> Result<EdwardsVar, SynthesisError> {
    let windows = bits.len().div_ceil(3);
    let tables = base8_window_tables(windows);
    let mut acc: Option<EdwardsVar> = None;
    for (w, (xs, ys)) in bits.chunks(3).zip(&tables) {
        let get = |i: usize| w.get(i).cloned().unwrap_or(Boolean::FALSE);
        let b = [get(0), get(1), get(2)];
        let b0b1: FpVar<Fr> = (&b[0] & &b[1]).into();
        let p = EdwardsVar::new(lookup3(&b, &b0b1, xs)?, lookup3(&b, &b0b1, ys)?);
        acc = Some(match acc {
            None => p,
            Some(a) => a + p,
        });
    }
    acc.ok_or(SynthesisError::Unsatisfiable)
}

/// `k·P` for a variable point and the little-endian bits of `k`: 2-bit
/// windows, most significant first (`acc = 4·acc + T[w]`, `T = [0, P, 2P,
/// 3P]`), 22 constraints per window.
pub fn var_base_mul(p: &EdwardsVar, bits: &[Boolean<Fr>]) -> Result<EdwardsVar, SynthesisError> {
    let p2 = p.double()?;
    let p3 = &p2 + p;
    let table = [EdwardsVar::zero(), p.clone(), p2, p3];
    let select = |b0: &Boolean<Fr>, b1: &Boolean<Fr>| -> Result<EdwardsVar, SynthesisError> {
        let lo = b0.select(&table[1], &table[0])?;
        let hi = b0.select(&table[3], &table[2])?;
        b1.select(&hi, &lo)
    };
    let mut acc: Option<EdwardsVar> = None;
    for w in bits.chunks(2).rev() {
        let b1 = w.get(1).cloned().unwrap_or(Boolean::FALSE);
        let t = select(&w[0], &b1)?;
        acc = Some(match acc {
            None => t,
            Some(mut a) => {
                a.double_in_place()?;
                a.double_in_place()?;
                a + t
            }
        });
    }
    acc.ok_or(SynthesisError::Unsatisfiable)
}

/// Enforces that `(r8, s)` is a valid EdDSA-Poseidon signature by key `a` on
/// `msg` (see the module notes for the checks). `s` is a base-field witness
/// so that a non-canonical `S + l` can be presented and refused.
pub fn verify_var(
    a: &PointVar,
    msg: &FpVar<Fr>,
    r8: &PointVar,
    s: &FpVar<Fr>,
) -> Result<(), SynthesisError> {
    // Each check in its own namespace (module notes: the numbered list).
    // 1-3. Points.
    {
        let _check = namespace!("points on curve");
        a.enforce_on_curve()?;
        r8.enforce_on_curve()?;
    }
    {
        let _check = namespace!("key not identity");
        checked::enforce_not_equal(&a.x, &FpVar::zero())?;
    }
    {
        let _check = namespace!("points in subgroup");
        a.enforce_in_subgroup()?;
        r8.enforce_in_subgroup()?;
    }

    // 4. S < l.
    let s_bits = {
        let _check = namespace!("S < 2^251");
        cmp::range_check(s, S_BITS)?
    };
    {
        let _check = namespace!("S <= l - 1");
        let l_minus_1 =
            FpVar::constant(Fr::from_bigint(l_minus_one()).ok_or(SynthesisError::Unsatisfiable)?);
        cmp::enforce_le(s, &l_minus_1, S_BITS)?;
    }

    // 5. hm.
    let hm_bits = {
        let _check = namespace!("challenge bits");
        let hm = poseidon_var(&[
            r8.x.clone(),
            r8.y.clone(),
            a.x.clone(),
            a.y.clone(),
            msg.clone(),
        ])?;
        hm.to_non_unique_bits_le()?
    };

    // 6. S·Base8 == R8 + hm·(8·A).
    let _check = namespace!("signature equation");
    let left = fixed_base_mul(&s_bits)?;
    let mut a8 = a.to_ark();
    for _ in 0..3 {
        a8.double_in_place()?;
    }
    let right = r8.to_ark() + var_base_mul(&a8, &hm_bits)?;
    enforce_points_equal(&left, &right)
}

/// `l - 1` as a base-field integer.
fn l_minus_one() -> <Fr as PrimeField>::BigInt {
    let mut l = SubgroupScalar::MODULUS;
    l.sub_with_borrow(&1u64.into());
    let mut out = <Fr as PrimeField>::BigInt::default();
    out.0.copy_from_slice(&l.0);
    out
}

#[cfg(test)]
mod tests;
