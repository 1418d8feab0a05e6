//! Equality and product checks that also hold for constant operands.
//!
//! In ark-r1cs-std 0.6, `FpVar::enforce_equal`, `enforce_not_equal` (and
//! their `conditional_` forms) and `mul_equals` return `Ok(())` without
//! checking anything when every operand is a constant: no constraint is
//! made, and nothing is compared. A gadget fed constants would then "prove"
//! anything. These wrappers compare constant operands natively and return
//! [`SynthesisError::Unsatisfiable`] when the check fails; with at least one
//! variable operand they call arkworks' method unchanged, so the constraint
//! system is exactly the one the plain call makes.

use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::SynthesisError;
use zkgov_verifier::Fr;

fn constant(x: &FpVar<Fr>) -> Option<Fr> {
    match x {
        FpVar::Constant(c) => Some(*c),
        FpVar::Var(_) => None,
    }
}

fn holds(ok: bool) -> Result<(), SynthesisError> {
    if ok {
        Ok(())
    } else {
        Err(SynthesisError::Unsatisfiable)
    }
}

/// Enforces `a = b`.
pub(crate) fn enforce_equal(a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<(), SynthesisError> {
    match (constant(a), constant(b)) {
        (Some(a), Some(b)) => holds(a == b),
        _ => a.enforce_equal(b),
    }
}

/// Enforces `a != b`.
pub(crate) fn enforce_not_equal(a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<(), SynthesisError> {
    match (constant(a), constant(b)) {
        (Some(a), Some(b)) => holds(a != b),
        _ => a.enforce_not_equal(b),
    }
}

/// Enforces `a · b = c`.
pub(crate) fn mul_equals(
    a: &FpVar<Fr>,
    b: &FpVar<Fr>,
    c: &FpVar<Fr>,
) -> Result<(), SynthesisError> {
    match (constant(a), constant(b), constant(c)) {
        (Some(a), Some(b), Some(c)) => holds(a * b == c),
        _ => a.mul_equals(b, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arkworks_skips_constant_checks_and_these_do_not() {
        let (two, three) = (
            FpVar::constant(Fr::from(2u64)),
            FpVar::constant(Fr::from(3u64)),
        );
        // The trap itself: false statements about constants "pass".
        assert!(two.enforce_equal(&three).is_ok());
        assert!(two.enforce_not_equal(&two).is_ok());
        assert!(two.mul_equals(&two, &three).is_ok());
        // Checked natively here.
        assert_eq!(
            enforce_equal(&two, &three),
            Err(SynthesisError::Unsatisfiable)
        );
        assert_eq!(
            enforce_not_equal(&two, &two),
            Err(SynthesisError::Unsatisfiable)
        );
        assert_eq!(
            mul_equals(&two, &two, &three),
            Err(SynthesisError::Unsatisfiable)
        );
        assert!(enforce_equal(&two, &two).is_ok());
        assert!(enforce_not_equal(&two, &three).is_ok());
        assert!(mul_equals(&two, &three, &FpVar::constant(Fr::from(6u64))).is_ok());
    }

    #[test]
    fn variable_operands_make_the_plain_constraints() {
        let t = crate::harness::trace_constraints(crate::harness::FnCircuit(
            |cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>| {
                let x = FpVar::new_witness(cs, || Ok(Fr::from(2u64)))?;
                let three = FpVar::constant(Fr::from(3u64));
                enforce_equal(&x, &three)?;
                enforce_not_equal(&x, &three)?;
                mul_equals(&x, &x, &three)
            },
        ))
        .unwrap();
        // One constraint each; 2 = 3 and 2 · 2 = 3 fail, 2 != 3 holds.
        assert_eq!(t.paths.len(), 3);
        assert_eq!(t.unsatisfied, [0, 2]);
    }
}
