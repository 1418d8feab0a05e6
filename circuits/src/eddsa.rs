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
//! 5. `hm = Poseidon(R8.x, R8.y, A.x, A.y, m)`, decomposed canonically;
//! 6. `S·Base8 == R8 + hm·(8·A)`: fixed-base multiplication with 2-bit lookup
//!    tables for the left side, double-and-add for the right.

use ark_ec::AffineRepr;
use ark_ed_on_bn254::{constraints::EdwardsVar, EdwardsProjective};
use ark_ff::{BigInteger, Field, PrimeField};
use ark_r1cs_std::{fields::fp::FpVar, groups::CurveVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use blake_hash::{Blake512, Digest};
use rand::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop};
use zkgov_verifier::{
    babyjub::{
        challenge, sqrt_a, to_subgroup_scalar, Point, PublicKey, Signature, SubgroupScalar, BASE8,
        COEFF_A, COEFF_D,
    },
    Fr,
};

use crate::{cmp, poseidon::poseidon_var};

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
        (x2 * Fr::from(COEFF_D)).mul_equals(&y2, &lhs)
    }

    /// The point in ark's `a = 1` coordinates (a linear map: free).
    pub fn to_ark(&self) -> EdwardsVar {
        EdwardsVar::new(&self.x * sqrt_a(), self.y.clone())
    }

    /// Enforces that the point is in the order-`l` subgroup: witnesses
    /// `Q = 8⁻¹·P` (mod `l`), checks `Q` is on the curve and `8·Q = P`.
    pub fn enforce_in_subgroup(&self) -> Result<(), SynthesisError> {
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
        eight_q.enforce_equal(&self.to_ark())
    }
}

/// `2^i·Base8` for `i < n`, in ark coordinates.
fn base8_multiples(n: usize) -> Vec<EdwardsProjective> {
    let mut out = Vec::with_capacity(n);
    let mut p = BASE8.to_ark_unchecked().into_group();
    for _ in 0..n {
        out.push(p);
        p = p + p;
    }
    out
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
    // 1-3. Points.
    a.enforce_on_curve()?;
    r8.enforce_on_curve()?;
    a.x.enforce_not_equal(&FpVar::zero())?;
    a.enforce_in_subgroup()?;
    r8.enforce_in_subgroup()?;

    // 4. S < l.
    let s_bits = cmp::range_check(s, S_BITS)?;
    let l_minus_1 =
        FpVar::constant(Fr::from_bigint(l_minus_one()).ok_or(SynthesisError::Unsatisfiable)?);
    cmp::enforce_le(s, &l_minus_1, S_BITS)?;

    // 5. hm.
    let hm = poseidon_var(&[
        r8.x.clone(),
        r8.y.clone(),
        a.x.clone(),
        a.y.clone(),
        msg.clone(),
    ])?;
    let hm_bits = hm.to_bits_le()?;

    // 6. S·Base8 == R8 + hm·(8·A).
    let mut left = EdwardsVar::zero();
    let multiples = base8_multiples(S_BITS);
    left.precomputed_base_scalar_mul_le(s_bits.iter().zip(multiples.iter()))?;
    let mut a8 = a.to_ark();
    for _ in 0..3 {
        a8.double_in_place()?;
    }
    let right = r8.to_ark() + a8.scalar_mul_le(hm_bits.iter())?;
    left.enforce_equal(&right)
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
