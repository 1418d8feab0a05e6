//! Range checks and comparisons on values range-checked below `2^k`.
//!
//! A value `x` is range-checked by allocating bits `b_0..b_{k-1}` and
//! enforcing `sum b_i 2^i = x` (`k` booleanity constraints plus one). With
//! `k <= 252` (so `2^k < r / 2`), for `a, b < 2^k`:
//!
//! * `a <= b` iff `b - a` (in the field) is below `2^k`: if `a > b` the field
//!   difference is `r - (a - b) > r - 2^k > 2^k`, so no `k`-bit decomposition
//!   exists. [`enforce_le`] costs one range check, `k + 1` constraints.
//! * `a < b` as a boolean: bit `k` of `2^k + b - a - 1` (which lies in
//!   `[0, 2^{k+1})`), from a `k + 1`-bit decomposition ([`is_lt`]).
//!
//! Nothing can alias through the field: `x + r` has no `k`-bit decomposition
//! because `r > 2^253 > 2^k`.
//!
//! Constant operands are checked natively: [`range_check`] of a constant
//! that is not below `2^k` (so also [`enforce_le`] of constants `a > b`, and
//! [`is_lt`] of constants outside the range) returns
//! `SynthesisError::Unsatisfiable` and makes no constraint. (The packing
//! equality alone would not refuse it: ark-r1cs-std checks nothing between
//! two constants.)

use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::SynthesisError;
use zkgov_verifier::Fr;

/// Largest supported bit width.
pub const MAX_BITS: usize = 252;

/// Enforces `x < 2^k` and returns the little-endian bits of `x`. A constant
/// `x` is checked natively (`Unsatisfiable` if `x >= 2^k`) and gives
/// constant bits.
pub fn range_check(x: &FpVar<Fr>, k: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    if k == 0 || k > MAX_BITS {
        return Err(SynthesisError::Unsatisfiable);
    }
    if let FpVar::Constant(c) = x {
        let bits = c.into_bigint().to_bits_le();
        if bits[k..].iter().any(|b| *b) {
            return Err(SynthesisError::Unsatisfiable);
        }
        return Ok(bits[..k].iter().map(|b| Boolean::Constant(*b)).collect());
    }
    let cs = x.cs();
    let value = x.value().ok().map(|v| v.into_bigint().to_bits_le());
    let bits = (0..k)
        .map(|i| {
            let bit = value.as_ref().map(|b| b[i]);
            Boolean::new_witness(cs.clone(), || bit.ok_or(SynthesisError::AssignmentMissing))
        })
        .collect::<Result<Vec<_>, _>>()?;
    crate::checked::enforce_equal(&Boolean::le_bits_to_fp(&bits)?, x)?;
    Ok(bits)
}

/// Enforces `a <= b` for `a, b` already range-checked below `2^k`.
pub fn enforce_le(a: &FpVar<Fr>, b: &FpVar<Fr>, k: usize) -> Result<(), SynthesisError> {
    range_check(&(b - a), k).map(|_| ())
}

/// `a < b` as a boolean, for `a, b` already range-checked below `2^k`.
pub fn is_lt(a: &FpVar<Fr>, b: &FpVar<Fr>, k: usize) -> Result<Boolean<Fr>, SynthesisError> {
    if k >= MAX_BITS {
        return Err(SynthesisError::Unsatisfiable);
    }
    let two_k = ark_ff::Field::pow(&Fr::from(2u64), [k as u64]);
    let t = b - a + (two_k - Fr::from(1u64));
    let bits = range_check(&t, k + 1)?;
    Ok(bits[k].clone())
}

/// Native twin of [`is_lt`].
pub fn lt(a: u128, b: u128) -> bool {
    a < b
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_relations::gr1cs::ConstraintSystem;
    use proptest::prelude::*;

    fn le_holds(a: Fr, b: Fr, k: usize) -> bool {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let av = FpVar::new_witness(cs.clone(), || Ok(a)).unwrap();
        let bv = FpVar::new_witness(cs.clone(), || Ok(b)).unwrap();
        range_check(&av, k).unwrap();
        range_check(&bv, k).unwrap();
        enforce_le(&av, &bv, k).unwrap();
        cs.is_satisfied().unwrap()
    }

    /// [`le_holds`]' checks, each in a namespace: which of them fail.
    fn le_fails_in(a: Fr, b: Fr, k: usize) -> Vec<&'static str> {
        crate::harness::trace_constraints(crate::harness::FnCircuit(
            |cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>| {
                let av = FpVar::new_witness(cs.clone(), || Ok(a))?;
                let bv = FpVar::new_witness(cs, || Ok(b))?;
                {
                    let _a = namespace!("a < 2^k");
                    range_check(&av, k)?;
                }
                {
                    let _b = namespace!("b < 2^k");
                    range_check(&bv, k)?;
                }
                let _le = namespace!("a <= b");
                enforce_le(&av, &bv, k)
            },
        ))
        .unwrap()
        .unsatisfied_steps()
    }

    #[test]
    fn le_at_the_boundaries() {
        assert!(le_holds(Fr::from(5u64), Fr::from(5u64), 64));
        assert!(le_holds(Fr::from(4u64), Fr::from(5u64), 64));
        assert!(!le_holds(Fr::from(6u64), Fr::from(5u64), 64));
        assert!(le_holds(Fr::from(0u64), Fr::from(u64::MAX), 64));
        assert!(!le_holds(Fr::from(u64::MAX), Fr::from(0u64), 64));
        // In range but in the wrong order: only the comparison fails.
        assert!(le_fails_in(Fr::from(5u64), Fr::from(5u64), 64).is_empty());
        assert_eq!(le_fails_in(Fr::from(6u64), Fr::from(5u64), 64), ["a <= b"]);
        assert_eq!(
            le_fails_in(Fr::from(u64::MAX), Fr::from(0u64), 64),
            ["a <= b"]
        );
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        // 2^64 does not fit 64 bits; -1 (= r - 1) does not either, whatever
        // it is compared with.
        assert!(!le_holds(Fr::from(1u128 << 64), Fr::from(1u128 << 64), 64));
        assert!(!le_holds(-Fr::from(1u64), Fr::from(5u64), 64));
        assert!(!le_holds(Fr::from(5u64), -Fr::from(1u64), 64));
        // Each is refused by the range check of the out-of-range operand
        // (b - a = 0 for 2^64 <= 2^64 passes; -1 - 5 does not).
        let two_64 = Fr::from(1u128 << 64);
        assert_eq!(le_fails_in(two_64, two_64, 64), ["a < 2^k", "b < 2^k"]);
        assert_eq!(
            le_fails_in(-Fr::from(1u64), Fr::from(5u64), 64),
            ["a < 2^k"]
        );
        assert_eq!(
            le_fails_in(Fr::from(5u64), -Fr::from(1u64), 64),
            ["b < 2^k", "a <= b"]
        );
    }

    #[test]
    fn value_plus_r_does_not_alias() {
        // The danger: with a 254-bit decomposition, the bits of x + r (an
        // integer below 2^254) pack to the field element x, so "x" could be
        // shown as a huge number (or a huge number as small). Demonstrate it
        // on a hand-built packing constraint ...
        let five = Fr::from(5u64);
        let alias = Fr::MODULUS.to_bits_le(); // r
        let mut carry = false;
        let bits_of_five_plus_r: Vec<bool> = (0..254)
            .map(|i| {
                let a = alias.get(i).copied().unwrap_or(false);
                let b = i < 3 && (5u64 >> i) & 1 == 1;
                let sum = a ^ b ^ carry;
                carry = (a && b) || (carry && (a ^ b));
                sum
            })
            .collect();
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = FpVar::new_witness(cs.clone(), || Ok(five)).unwrap();
        let bits: Vec<Boolean<Fr>> = bits_of_five_plus_r
            .iter()
            .map(|b| Boolean::new_witness(cs.clone(), || Ok(*b)).unwrap())
            .collect();
        // A plain packing sum (arkworks' own `le_bits_to_fp` adds a
        // canonicity check at 254 bits; a hand-rolled gadget would not).
        let mut power = Fr::from(1u64);
        let mut packed = FpVar::zero();
        for b in &bits {
            packed += FpVar::from(b.clone()) * power;
            power += power;
        }
        packed.enforce_equal(&x).unwrap();
        assert!(cs.is_satisfied().unwrap(), "x + r aliases x in 254 bits");
        assert!(bits_of_five_plus_r[253], "the alias is a 254-bit number");
        // ... which is why the gadget refuses widths above 252 bits, where
        // x + r > 2^253 cannot be written.
        for k in [253, 254] {
            assert!(range_check(&x, k).is_err(), "k = {k} must be refused");
        }
        let big = ark_ff::Field::pow(&Fr::from(2u64), [252u64]);
        assert!(le_holds(big - Fr::from(1u64), big - Fr::from(1u64), 252));
        assert!(!le_holds(big, big, 252));
        assert!(!le_holds(-Fr::from(1u64), Fr::from(7u64), 252));
    }

    #[test]
    fn constant_operands_are_checked_natively() {
        // ark-r1cs-std checks nothing between two constants, so before the
        // native check the packing equality "passed" for 2^70 in 64 bits.
        let c = |v: u128| FpVar::<Fr>::constant(Fr::from(v));
        let unsat = Err(SynthesisError::Unsatisfiable);
        assert_eq!(range_check(&c(1 << 70), 64).map(|_| ()), unsat);
        assert_eq!(range_check(&c(1 << 64), 64).map(|_| ()), unsat);
        assert_eq!(
            range_check(&FpVar::constant(-Fr::from(1u64)), 64).map(|_| ()),
            unsat
        );
        let bits = range_check(&c(u128::from(u64::MAX) - 1), 64).unwrap();
        assert!(bits.iter().all(|b| b.is_constant()));
        assert_eq!(
            Boolean::le_bits_to_fp(&bits).unwrap().value().unwrap(),
            Fr::from(u64::MAX - 1)
        );
        // A comparison between constants that does not hold is refused; one
        // that holds passes, with no constraint.
        assert_eq!(enforce_le(&c(6), &c(5), 64), unsat);
        assert!(enforce_le(&c(5), &c(5), 64).is_ok());
        assert_eq!(enforce_le(&c(0), &c(1 << 64), 64), unsat);
        assert!(is_lt(&c(5), &c(6), 64).unwrap().value().unwrap());
        assert!(!is_lt(&c(6), &c(6), 64).unwrap().value().unwrap());
        // Outside the operands' range is refused, not answered.
        assert_eq!(is_lt(&c(1 << 70), &c(0), 64).map(|_| ()), unsat);
        // A constant against a variable is constrained as before.
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = FpVar::new_witness(cs.clone(), || Ok(Fr::from(7u64))).unwrap();
        enforce_le(&x, &c(6), 64).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }

    proptest! {
        #[test]
        fn is_lt_matches_native_twin(a in any::<u64>(), b in any::<u64>()) {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let av = FpVar::new_witness(cs.clone(), || Ok(Fr::from(a))).unwrap();
            let bv = FpVar::new_witness(cs.clone(), || Ok(Fr::from(b))).unwrap();
            let r = is_lt(&av, &bv, 64).unwrap();
            prop_assert_eq!(r.value().unwrap(), lt(a.into(), b.into()));
            prop_assert!(cs.is_satisfied().unwrap());
            prop_assert_eq!(le_holds(Fr::from(a), Fr::from(b), 64), a <= b);
        }
    }
}
