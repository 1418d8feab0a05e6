//! Baby Jubjub in circomlib's coordinates, and EdDSA-Poseidon verification.
//!
//! # The curve
//!
//! circomlib writes Baby Jubjub as the twisted Edwards curve
//! `168700·x² + y² = 1 + 168696·x²·y²` over the BN254 scalar field;
//! `ark-ed-on-bn254` writes the same curve with `a = 1`:
//! `x'² + y² = 1 + (168696/168700)·x'²·y²`. The map `x' = √168700 · x`,
//! `y' = y` is an isomorphism (substitute and divide by 168700), so zkgov
//! keeps points in circomlib's coordinates (they are what Poseidon hashes and
//! what circomlibjs prints) and does group arithmetic in ark's. The square
//! root is fixed once ([`sqrt_a`]); either root gives an isomorphism, and the
//! round trip is tested against circomlibjs's `Base8` and public keys.
//!
//! The group has order `8·l` with `l` prime ([`SubgroupScalar`]'s modulus,
//! circomlib's `subOrder`). Keys and signature points must lie in the
//! order-`l` subgroup and must not be the identity.
//!
//! # EdDSA-Poseidon (circomlib `verifyPoseidon`)
//!
//! Public key `A`, message `m` (a field element), signature `(R8, S)`:
//!
//! ```text
//! S < l,  hm = Poseidon(R8.x, R8.y, A.x, A.y, m),  S·Base8 == R8 + (8·hm)·A
//! ```
//!
//! [`verify`] also refuses `R8` or `A` outside the subgroup (circomlibjs
//! only checks they are on the curve).

use std::sync::OnceLock;

use ark_ec::{twisted_edwards::Affine, AffineRepr, CurveGroup};
use ark_ed_on_bn254::EdwardsAffine;
use ark_ff::{BigInteger, Field, MontFp, PrimeField, Zero};
use serde::{Deserialize, Serialize};

use crate::{field, poseidon, Fr, VerifyError};

/// Scalars of the prime-order subgroup (integers mod `l`).
pub use ark_ed_on_bn254::Fr as SubgroupScalar;

/// circomlib's `a`.
pub const COEFF_A: u64 = 168700;
/// circomlib's `d`.
pub const COEFF_D: u64 = 168696;

/// circomlib's `Base8`, the generator of the order-`l` subgroup.
pub const BASE8: Point = Point {
    x: MontFp!("5299619240641551281634865583518297030282874472190772894086521144482721001553"),
    y: MontFp!("16950150798460657717958625567821834550301663161624707787222815936182638968203"),
};

/// `√168700`, the root that maps circomlib's coordinates to ark's.
pub fn sqrt_a() -> Fr {
    static S: OnceLock<Fr> = OnceLock::new();
    *S.get_or_init(|| {
        let s = Fr::from(COEFF_A).sqrt().unwrap_or_default(); // ok: 168700 is a square mod r (tested)
                                                              // Of the two roots take the smaller integer, so the choice is written down.
        if (-s).into_bigint() < s.into_bigint() {
            -s
        } else {
            s
        }
    })
}

/// A Baby Jubjub point in circomlib's coordinates (`a = 168700`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Point {
    /// `x` as circomlib writes it.
    pub x: Fr,
    /// `y`.
    pub y: Fr,
}

impl Point {
    /// The identity `(0, 1)`.
    pub const IDENTITY: Point = Point {
        x: MontFp!("0"),
        y: MontFp!("1"),
    };

    /// Whether `168700·x² + y² = 1 + 168696·x²·y²`.
    pub fn is_on_curve(&self) -> bool {
        let (x2, y2) = (self.x.square(), self.y.square());
        Fr::from(COEFF_A) * x2 + y2 == Fr::from(1u64) + Fr::from(COEFF_D) * x2 * y2
    }

    /// The same point in ark's `a = 1` coordinates, without checks.
    pub fn to_ark_trusted(&self) -> EdwardsAffine {
        // A linear coordinate map; callers pass validated or computed points.
        Affine::new_unchecked(self.x * sqrt_a(), self.y) // ok: see above
    }

    /// The point in ark's coordinates, refusing points off the curve.
    pub fn to_ark(&self) -> Result<EdwardsAffine, VerifyError> {
        if !self.is_on_curve() {
            return Err(VerifyError::MalformedPoint("not on Baby Jubjub".into()));
        }
        Ok(self.to_ark_trusted()) // ok: on the curve, checked just above
    }

    /// From ark's coordinates.
    pub fn from_ark(p: &EdwardsAffine) -> Point {
        if p.is_zero() {
            return Point::IDENTITY;
        }
        let inv = sqrt_a().inverse().unwrap_or_default(); // ok: √168700 ≠ 0
        Point {
            x: p.x * inv,
            y: p.y,
        }
    }

    /// Whether the point lies in the order-`l` subgroup (`l·P = 0`).
    pub fn is_in_subgroup(&self) -> bool {
        self.is_on_curve()
            && self
                .to_ark_trusted() // ok: is_on_curve() is checked just before, in the same expression
                .is_in_correct_subgroup_assuming_on_curve()
    }

    /// Refuses points off the curve, outside the prime-order subgroup, or the
    /// identity: what a public key or signature point must satisfy.
    pub fn validate(&self, what: &str) -> Result<(), VerifyError> {
        if !self.is_on_curve() {
            return Err(VerifyError::MalformedPoint(format!(
                "{what}: not on Baby Jubjub"
            )));
        }
        if !self.is_in_subgroup() {
            return Err(VerifyError::MalformedPoint(format!(
                "{what}: not in the prime-order subgroup"
            )));
        }
        if *self == Point::IDENTITY {
            return Err(VerifyError::MalformedPoint(format!("{what}: the identity")));
        }
        Ok(())
    }

    /// `k·self` for a subgroup scalar.
    pub fn mul(&self, k: &SubgroupScalar) -> Point {
        Point::from_ark(&(self.to_ark_trusted() * k).into_affine()) // ok: group law on a Point built by a validating constructor or computed
    }

    /// `k·self` for any non-negative integer (little-endian bits).
    pub fn mul_bits_le(&self, bits: &[bool]) -> Point {
        let mut acc = ark_ed_on_bn254::EdwardsProjective::zero();
        let base = self.to_ark_trusted(); // ok: same: scalar multiplication of a validated or computed point
        for b in bits.iter().rev() {
            acc = acc + acc;
            if *b {
                acc += base;
            }
        }
        Point::from_ark(&acc.into_affine())
    }

    /// `self + other`.
    pub fn add(&self, other: &Point) -> Point {
        let (a, b) = (self.to_ark_trusted(), other.to_ark_trusted()); // ok: validated points
        Point::from_ark(&(a + b).into_affine())
    }

    /// Parses canonical decimal coordinates `[x, y]` and validates the point.
    pub fn from_decimal(xy: &[String; 2], what: &str) -> Result<Point, VerifyError> {
        let p = Point {
            x: field::parse_decimal(&xy[0], what)?,
            y: field::parse_decimal(&xy[1], what)?,
        };
        p.validate(what)?;
        Ok(p)
    }

    /// Canonical decimal coordinates.
    pub fn to_decimal(&self) -> [String; 2] {
        [field::to_decimal(&self.x), field::to_decimal(&self.y)]
    }
}

/// An issuer's public key, as JSON `{"x": "...", "y": "..."}` in decimal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey(pub Point);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PointJson {
    x: String,
    y: String,
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let [x, y] = self.0.to_decimal();
        PointJson { x, y }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = PointJson::deserialize(d)?;
        PublicKey::from_decimal(&j.x, &j.y).map_err(serde::de::Error::custom)
    }
}

impl PublicKey {
    /// Parses and validates (curve, subgroup, not the identity).
    pub fn from_decimal(x: &str, y: &str) -> Result<Self, VerifyError> {
        Point::from_decimal(&[x.to_string(), y.to_string()], "issuer key").map(PublicKey)
    }

    /// The issuer id: `A.x` (circomlib coordinates). Within the prime-order
    /// subgroup `x` determines the point: the other point with the same `x`,
    /// `(x, -y) = -(A + (0, -1))`, lies outside it. What policies name.
    pub fn id(&self) -> Fr {
        self.0.x
    }
}

/// An EdDSA-Poseidon signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `R8 = r·Base8`.
    pub r8: Point,
    /// `S = r + hm·s mod l`; canonical by type.
    pub s: SubgroupScalar,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureJson {
    r8: [String; 2],
    s: String,
}

impl Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SignatureJson {
            r8: self.r8.to_decimal(),
            s: field::to_decimal(&self.s),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = SignatureJson::deserialize(d)?;
        Signature::from_decimal(&j.r8, &j.s).map_err(serde::de::Error::custom)
    }
}

impl Signature {
    /// Parses `R8` (validated) and `S` (canonical: `S < l`).
    pub fn from_decimal(r8: &[String; 2], s: &str) -> Result<Self, VerifyError> {
        Ok(Signature {
            r8: Point::from_decimal(r8, "signature R8")?,
            s: field::parse_decimal(s, "signature S")?,
        })
    }
}

/// `hm = Poseidon(R8.x, R8.y, A.x, A.y, m)`.
pub fn challenge(r8: &Point, a: &Point, msg: &Fr) -> Fr {
    poseidon::hash::<5>(&[r8.x, r8.y, a.x, a.y, *msg])
}

/// A base-field element read as an integer and reduced mod `l`.
pub fn to_subgroup_scalar(x: &Fr) -> SubgroupScalar {
    SubgroupScalar::from_le_bytes_mod_order(&x.into_bigint().to_bytes_le()) // ok: reduction mod l is the intended map
}

/// Verifies an EdDSA-Poseidon signature on `msg` (circomlib's
/// `verifyPoseidon`, plus subgroup checks on `A` and `R8`).
pub fn verify(key: &PublicKey, msg: &Fr, sig: &Signature) -> Result<(), VerifyError> {
    key.0.validate("issuer key")?;
    sig.r8.validate("signature R8")?;
    let hm = challenge(&sig.r8, &key.0, msg);
    let left = BASE8.to_ark_trusted() * sig.s; // ok: BASE8 is a constant on the curve (tested)
                                               // (8·A)·hm, as circomlib computes it: 8·A is in the subgroup, so hm may
                                               // be reduced mod l.
    let eight_a = key.0.mul_bits_le(&[false, false, false, true]);
    let right = sig.r8.to_ark_trusted().into_group() // ok: R8 was validated above (`sig.r8.validate`)
        + eight_a.to_ark_trusted() * to_subgroup_scalar(&hm); // ok: 8·A computed from a checked key
    if left.into_affine() != right.into_affine() {
        return Err(VerifyError::BadSignature(
            "EdDSA-Poseidon signature does not verify".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base8_is_on_both_curves_and_generates_the_subgroup() {
        use ark_ec::twisted_edwards::TECurveConfig;
        use ark_ed_on_bn254::EdwardsConfig;
        assert_eq!(<EdwardsConfig as TECurveConfig>::COEFF_A, Fr::from(1u64));
        assert_eq!(sqrt_a().square(), Fr::from(COEFF_A));
        assert!(BASE8.is_on_curve());
        let ark = BASE8.to_ark().unwrap();
        assert!(ark.is_on_curve());
        assert!(BASE8.is_in_subgroup());
        assert_eq!(Point::from_ark(&ark), BASE8);
        BASE8.validate("base").unwrap();
    }

    #[test]
    fn small_order_and_off_curve_points_are_refused() {
        // (0, -1) has order 2: on the curve, outside the subgroup.
        let t = Point {
            x: Fr::from(0u64),
            y: -Fr::from(1u64),
        };
        assert!(t.is_on_curve());
        assert!(!t.is_in_subgroup());
        assert!(t.validate("t").is_err());
        // Base8 + T is on the curve but not in the subgroup.
        let bad = BASE8.add(&t);
        assert!(bad.is_on_curve() && !bad.is_in_subgroup());
        assert!(bad.validate("k").is_err());
        assert!(Point::IDENTITY.validate("id").is_err());
        let off = Point {
            x: BASE8.x + Fr::from(1u64),
            y: BASE8.y,
        };
        assert!(off.validate("off").is_err());
        assert!(off.to_ark().is_err());
    }
}
