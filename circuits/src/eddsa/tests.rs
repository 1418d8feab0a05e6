use ark_ec::CurveGroup;
use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::Deserialize;
use zkgov_verifier::{
    babyjub, babyjub::to_subgroup_scalar, babyjub::Point, babyjub::PublicKey, babyjub::Signature,
    babyjub::SubgroupScalar, babyjub::BASE8, parse_decimal, Fr,
};

use super::*;

#[derive(Deserialize)]
struct Vectors {
    base8: [String; 2],
    sub_order: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    private_key: String,
    public_key: [String; 2],
    message: String,
    r8: [String; 2],
    s: String,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!(
        "../../tests/vectors/circomlib_eddsa_poseidon.json"
    ))
    .unwrap()
}

fn key(case: &Case) -> SecretKey {
    let mut b = [0u8; 32];
    b.copy_from_slice(&hex::decode(&case.private_key).unwrap());
    SecretKey::from_bytes(b)
}

#[test]
fn keys_and_signatures_equal_circomlibjs() {
    let v = vectors();
    assert_eq!(Point::from_decimal(&v.base8, "base8").unwrap(), BASE8);
    assert_eq!(
        parse_decimal::<Fr>(&v.sub_order, "l")
            .unwrap()
            .into_bigint()
            .to_bytes_le()[..32],
        SubgroupScalar::MODULUS.to_bytes_le()[..32]
    );
    assert_eq!(v.cases.len(), 16);
    for c in &v.cases {
        let sk = key(c);
        let pk = sk.public_key();
        assert_eq!(
            pk,
            PublicKey::from_decimal(&c.public_key[0], &c.public_key[1]).unwrap()
        );
        let msg: Fr = parse_decimal(&c.message, "m").unwrap();
        let sig = sk.sign(&msg);
        assert_eq!(sig, Signature::from_decimal(&c.r8, &c.s).unwrap());
        babyjub::verify(&pk, &msg, &sig).unwrap();
        // Another message, another key, another S: refused.
        assert!(babyjub::verify(&pk, &(msg + Fr::from(1u64)), &sig).is_err());
        let other = SecretKey::from_bytes([7u8; 32]).public_key();
        assert!(babyjub::verify(&other, &msg, &sig).is_err());
        let mut bad = sig;
        bad.s += SubgroupScalar::from(1u64);
        assert!(babyjub::verify(&pk, &msg, &bad).is_err());
    }
}

/// Allocates the inputs and runs the gadget; returns the constraint system.
fn run(a: Point, msg: Fr, r8: Point, s: Fr) -> ConstraintSystemRef<Fr> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let av = PointVar::new_witness(cs.clone(), || Ok(a)).unwrap();
    let rv = PointVar::new_witness(cs.clone(), || Ok(r8)).unwrap();
    let mv = FpVar::new_witness(cs.clone(), || Ok(msg)).unwrap();
    let sv = FpVar::new_witness(cs.clone(), || Ok(s)).unwrap();
    verify_var(&av, &mv, &rv, &sv).unwrap();
    cs
}

/// [`run`] under constraint tracing: the distinct namespace paths of the
/// unsatisfied constraints (the gadget's checks: see the module notes).
fn fails_in(a: Point, msg: Fr, r8: Point, s: Fr) -> Vec<Vec<&'static str>> {
    crate::harness::trace_constraints(crate::harness::FnCircuit(|cs: ConstraintSystemRef<Fr>| {
        let av = PointVar::new_witness(cs.clone(), || Ok(a))?;
        let rv = PointVar::new_witness(cs.clone(), || Ok(r8))?;
        let mv = FpVar::new_witness(cs.clone(), || Ok(msg))?;
        let sv = FpVar::new_witness(cs.clone(), || Ok(s))?;
        verify_var(&av, &mv, &rv, &sv)
    }))
    .unwrap()
    .unsatisfied_paths()
    .into_iter()
    .map(<[_]>::to_vec)
    .collect()
}

fn s_field(s: &SubgroupScalar) -> Fr {
    Fr::from_le_bytes_mod_order(&s.into_bigint().to_bytes_le()) // ok: s < l < r, no reduction
}

fn l_field() -> Fr {
    Fr::from_le_bytes_mod_order(&SubgroupScalar::MODULUS.to_bytes_le()) // ok: l < r, no reduction
}

#[test]
fn gadget_accepts_circomlibjs_signatures_and_refuses_tampering() {
    let v = vectors();
    for c in v.cases.iter().step_by(5) {
        let pk = PublicKey::from_decimal(&c.public_key[0], &c.public_key[1]).unwrap();
        let sig = Signature::from_decimal(&c.r8, &c.s).unwrap();
        let msg: Fr = parse_decimal(&c.message, "m").unwrap();
        let cs = run(pk.0, msg, sig.r8, s_field(&sig.s));
        assert!(cs.is_satisfied().unwrap());
        println!("eddsa gadget: {} constraints", cs.num_constraints());
        assert!(!run(pk.0, msg + Fr::from(1u64), sig.r8, s_field(&sig.s))
            .is_satisfied()
            .unwrap());
        assert!(!run(pk.0, msg, sig.r8, s_field(&sig.s) + Fr::from(1u64))
            .is_satisfied()
            .unwrap());
        let other = SecretKey::from_bytes([7u8; 32]).public_key();
        assert!(!run(other.0, msg, sig.r8, s_field(&sig.s))
            .is_satisfied()
            .unwrap());
        // Each tampering is refused by the verification equation alone.
        assert!(fails_in(pk.0, msg, sig.r8, s_field(&sig.s)).is_empty());
        for (key, m, s) in [
            (pk.0, msg + Fr::from(1u64), s_field(&sig.s)),
            (pk.0, msg, s_field(&sig.s) + Fr::from(1u64)),
            (other.0, msg, s_field(&sig.s)),
        ] {
            assert_eq!(fails_in(key, m, sig.r8, s), [["signature equation"]]);
        }
    }
}

#[test]
fn non_canonical_s_is_refused() {
    // S + l verifies the curve equation ((S + l)·Base8 = S·Base8); only the
    // S <= l - 1 check refuses it. Pick a signature with S + l < 2^251 so the
    // 251-bit decomposition alone does not.
    let two_251 = Fr::from(2u64).pow([S_BITS as u64]);
    let v = vectors();
    let c = v
        .cases
        .iter()
        .find(|c| {
            let s: Fr = parse_decimal(&c.s, "s").unwrap();
            (s + l_field()).into_bigint() < two_251.into_bigint()
        })
        .unwrap();
    let pk = PublicKey::from_decimal(&c.public_key[0], &c.public_key[1]).unwrap();
    let sig = Signature::from_decimal(&c.r8, &c.s).unwrap();
    let msg: Fr = parse_decimal(&c.message, "m").unwrap();
    assert!(run(pk.0, msg, sig.r8, s_field(&sig.s))
        .is_satisfied()
        .unwrap());
    let cs = run(pk.0, msg, sig.r8, s_field(&sig.s) + l_field());
    assert!(!cs.is_satisfied().unwrap());
    assert_eq!(
        fails_in(pk.0, msg, sig.r8, s_field(&sig.s) + l_field()),
        [["S <= l - 1"]]
    );
}

/// The order-2 point.
fn t2() -> Point {
    Point {
        x: Fr::from(0u64),
        y: -Fr::from(1u64),
    }
}

#[test]
fn key_outside_the_subgroup_is_refused() {
    // A' = A + T verifies under circomlib's equation for whoever knows A's
    // secret (8·T = 0), with hm computed over A'. Only the subgroup check
    // refuses it.
    let sk = SecretKey::from_bytes([3u8; 32]);
    let a = sk.public_key().0;
    let a_bad = a.add(&t2());
    assert!(a_bad.is_on_curve() && !a_bad.is_in_subgroup());
    let msg = Fr::from(42u64);
    let h = sk.expand();
    let s = SubgroupScalar::from_le_bytes_mod_order(&h[..32]); // ok: test, any secret scalar will do
    let r = SubgroupScalar::from(123456789u64);
    let r8 = BASE8.mul(&r);
    let hm = babyjub::challenge(&r8, &a_bad, &msg);
    let sig_s = r + to_subgroup_scalar(&hm) * s;
    // The curve equation holds natively for A'.
    let left = BASE8.mul(&sig_s);
    let eight_a_bad = a_bad.mul_bits_le(&[false, false, false, true]);
    let right = r8.add(&eight_a_bad.mul(&to_subgroup_scalar(&hm)));
    assert_eq!(left, right);
    let cs = run(a_bad, msg, r8, s_field(&sig_s));
    assert!(!cs.is_satisfied().unwrap());
    assert_eq!(
        fails_in(a_bad, msg, r8, s_field(&sig_s)),
        [["points in subgroup"]]
    );
    // The honest key signs the same way and passes.
    let hm = babyjub::challenge(&r8, &a, &msg);
    let sig_s = r + to_subgroup_scalar(&hm) * s;
    assert!(run(a, msg, r8, s_field(&sig_s)).is_satisfied().unwrap());
}

#[test]
fn off_curve_eighth_cannot_pass_an_order_four_key_as_in_the_subgroup() {
    // The subgroup check witnesses Q with 8·Q = A. Arkworks' doubling leaves
    // y3 free when x² = y² = 1 (ark coordinates, 0/0), so the off-curve
    // Q = (1, 1) "doubles" to (1, 1), (1, 1), then (1, 0): the point A4 of
    // order 4. As a key A4 would pass the curve, x != 0 and subgroup checks,
    // and since 8·A4 = 0, S·Base8 = R8 would verify for any S: anyone could
    // sign for it. Only the curve check on Q refuses the cheat.
    let inv_sqrt_a = sqrt_a().inverse().unwrap();
    let (zero, one) = (Fr::from(0u64), Fr::from(1u64));
    let a4 = Point {
        x: inv_sqrt_a,
        y: zero,
    };
    assert!(a4.is_on_curve() && !a4.is_in_subgroup());
    assert_eq!(
        a4.mul_bits_le(&[false, false, false, true]),
        Point::IDENTITY
    );
    let cs = ConstraintSystem::<Fr>::new_ref();
    let av = PointVar::new_witness(cs.clone(), || Ok(a4)).unwrap();
    let start = cs.num_witness_variables();
    av.enforce_in_subgroup().unwrap();
    let n = cs.num_witness_variables() - start;
    cs.finalize();
    assert!(!cs.is_satisfied().unwrap());
    // Witness layout: Q (x, y), Q's curve check (x², y²), then per doubling
    // xy, x², y², x3, y3.
    let curve_check = n - 2 - 3 * 5;
    let mut cheat = vec![(start, inv_sqrt_a), (start + 1, one)];
    if curve_check == 2 {
        cheat.extend([(start + 2, inv_sqrt_a.square()), (start + 3, one)]);
    }
    let doublings = start + 2 + curve_check;
    for (k, y3) in [one, one, zero].into_iter().enumerate() {
        for (j, v) in [one, one, one, one, y3].into_iter().enumerate() {
            cheat.push((doublings + 5 * k + j, v));
        }
    }
    // Every row holds but one: 168696·x²·y² = 168700·x² + y² - 1 for Q.
    let failing = crate::harness::unsatisfied_rows_with(&cs, &cheat).unwrap();
    assert_eq!(failing.len(), 1, "{failing:?}");
}

/// The gadget on constant operands: `S` and the message always, the key
/// and `R8` as constants too when `constant_points`.
fn run_constant(
    a: Point,
    msg: Fr,
    r8: Point,
    s: Fr,
    constant_points: bool,
) -> Result<bool, SynthesisError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let point = |p: Point| {
        if constant_points {
            Ok(PointVar {
                x: FpVar::constant(p.x),
                y: FpVar::constant(p.y),
            })
        } else {
            PointVar::new_witness(cs.clone(), || Ok(p))
        }
    };
    verify_var(
        &point(a)?,
        &FpVar::constant(msg),
        &point(r8)?,
        &FpVar::constant(s),
    )?;
    cs.is_satisfied()
}

#[test]
fn constant_operands_are_checked_natively() {
    // ark-r1cs-std checks nothing between two constants: with every operand
    // constant the gadget's equalities made no constraint and checked
    // nothing, and a constant key failed to synthesise (the subgroup witness
    // had no system). Now a valid signature passes and a false one is refused.
    let v = vectors();
    let c = &v.cases[0];
    let pk = PublicKey::from_decimal(&c.public_key[0], &c.public_key[1]).unwrap();
    let sig = Signature::from_decimal(&c.r8, &c.s).unwrap();
    let msg: Fr = parse_decimal(&c.message, "m").unwrap();
    let s = s_field(&sig.s);
    let unsat = Err(SynthesisError::Unsatisfiable);
    for constant_points in [true, false] {
        assert_eq!(
            run_constant(pk.0, msg, sig.r8, s, constant_points),
            Ok(true)
        );
        let tampered = [
            run_constant(pk.0, msg + Fr::from(1u64), sig.r8, s, constant_points),
            run_constant(pk.0, msg, sig.r8, s + Fr::from(1u64), constant_points),
            run_constant(pk.0, msg, sig.r8, s + l_field(), constant_points),
        ];
        // All constant: every tampering is refused natively. Points
        // witnessed: a wrong message or S makes an unsatisfied system; the
        // constant S + l is refused natively by S <= l - 1 (or 2^251).
        let expected = if constant_points {
            [unsat, unsat, unsat]
        } else {
            [Ok(false), Ok(false), unsat]
        };
        assert_eq!(tampered, expected, "constant points: {constant_points}");
    }
    // Constant points off the curve, outside the subgroup, or the identity.
    let off_curve = Point {
        x: pk.0.x,
        y: pk.0.y + Fr::from(1u64),
    };
    let s_any = s_field(&SubgroupScalar::from(99u64));
    let r8 = BASE8.mul(&SubgroupScalar::from(99u64));
    assert_eq!(run_constant(off_curve, msg, sig.r8, s, true), unsat);
    assert_eq!(run_constant(pk.0.add(&t2()), msg, sig.r8, s, true), unsat);
    assert_eq!(run_constant(Point::IDENTITY, msg, r8, s_any, true), unsat);
    let a = PointVar {
        x: FpVar::constant(pk.0.add(&t2()).x),
        y: FpVar::constant(pk.0.add(&t2()).y),
    };
    assert_eq!(a.enforce_in_subgroup(), Err(SynthesisError::Unsatisfiable));
    let a = PointVar {
        x: FpVar::constant(off_curve.x),
        y: FpVar::constant(off_curve.y),
    };
    assert_eq!(a.enforce_on_curve(), Err(SynthesisError::Unsatisfiable));
}

#[test]
fn identity_key_is_refused() {
    // With A = (0, 1), S·Base8 = R8 holds for any S: a universal forgery.
    let s = SubgroupScalar::from(99u64);
    let r8 = BASE8.mul(&s);
    let cs = run(Point::IDENTITY, Fr::from(5u64), r8, s_field(&s));
    assert!(!cs.is_satisfied().unwrap());
    assert_eq!(
        fails_in(Point::IDENTITY, Fr::from(5u64), r8, s_field(&s)),
        [["key not identity"]]
    );
}

#[test]
fn r8_outside_the_subgroup_is_refused() {
    let sk = SecretKey::from_bytes([4u8; 32]);
    let msg = Fr::from(9u64);
    let sig = sk.sign(&msg);
    let cs = run(sk.public_key().0, msg, sig.r8.add(&t2()), s_field(&sig.s));
    assert!(!cs.is_satisfied().unwrap());
    // The subgroup check refuses it (and the challenge over R8 + T no
    // longer matches S, so the equation fails too).
    assert_eq!(
        fails_in(sk.public_key().0, msg, sig.r8.add(&t2()), s_field(&sig.s)),
        [["points in subgroup"], ["signature equation"]]
    );
}

#[test]
fn scalar_multiplications_agree_with_native() {
    use ark_ed_on_bn254::constraints::EdwardsVar;
    use ark_r1cs_std::{alloc::AllocVar, boolean::Boolean, GR1CSVar};
    let mut rng = ChaCha20Rng::seed_from_u64(7); // ok: test
    for bits_len in [1usize, 2, 3, 4, 250, 251, 254] {
        let k: Vec<bool> = (0..bits_len).map(|_| rng.gen()).collect();
        let cs = ConstraintSystem::<Fr>::new_ref();
        let bits: Vec<Boolean<Fr>> = k
            .iter()
            .map(|b| Boolean::new_witness(cs.clone(), || Ok(*b)).unwrap())
            .collect();
        let fixed = fixed_base_mul(&bits).unwrap();
        assert_eq!(
            fixed.value().unwrap().into_affine(),
            BASE8.mul_bits_le(&k).to_ark_trusted() // ok: a multiple of Base8, on the curve
        );
        let p = BASE8.mul(&SubgroupScalar::from(12345u64));
        let pv = EdwardsVar::new_witness(cs.clone(), || Ok(p.to_ark_trusted())).unwrap(); // ok: p is a multiple of Base8
        let var = var_base_mul(&pv, &bits).unwrap();
        assert_eq!(
            var.value().unwrap().into_affine(),
            p.mul_bits_le(&k).to_ark_trusted() // ok: a multiple of an on-curve point
        );
        assert!(cs.is_satisfied().unwrap());
    }
    // All-zero and all-one scalars hit the identity and repeated points.
    for k in [vec![false; 254], vec![true; 254]] {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let bits: Vec<Boolean<Fr>> = k
            .iter()
            .map(|b| Boolean::new_witness(cs.clone(), || Ok(*b)).unwrap())
            .collect();
        let fixed = fixed_base_mul(&bits).unwrap();
        assert_eq!(
            fixed.value().unwrap().into_affine(),
            BASE8.mul_bits_le(&k).to_ark_trusted() // ok: a multiple of Base8, on the curve
        );
        assert!(cs.is_satisfied().unwrap());
    }
}
