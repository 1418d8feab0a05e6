//! Policy gadget: one slot constraint of [`zkgov_verifier::policy`] per
//! value, and the policy hash.
//!
//! For a slot `(lo, hi, mode, set, disclose)` and a value `x`:
//!
//! * `lo` and `hi` are range-checked below `2^64` (so the header packing
//!   `lo + 2^64 hi + 2^128 (m_in + 2 m_out) + 2^130 d` is injective);
//! * `lo <= x` and `x <= hi` by [`crate::cmp::enforce_le`]: `x - lo` and
//!   `hi - x` are below `2^64`. Together these also put `x` itself in
//!   `[lo, hi] ⊂ [0, 2^64)` as an integer (`x = lo + d1 = hi - d2` with
//!   `d1, d2 < 2^64` forces `lo + d1 + d2 = hi` without wrap-around), so
//!   no separate range check of `x` is needed;
//! * `m_in`, `m_out`, `d` are booleans, not both `m_in` and `m_out`;
//! * `P = prod_j (x - s_j)`; `in`: `m_in * P = 0`; `not-in`:
//!   `Q = 1 + m_out (P - 1)` and `Q * Q_inv = 1` (so `P != 0` when `m_out`;
//!   `Q_inv` is determined in every case, which keeps the witness rigid);
//! * `disclosed = d * x`.
//!
//! A slot is always witnessed ([`SlotVar::new_witness`]); the value `x` may
//! be a constant, and is then checked by the same constraints.
//!
//! The checks are namespaced `"lo, hi < 2^64"`, `"flags boolean"`,
//! `"modes exclusive"` (in [`SlotVar::hash`]) and `"lo <= x"`, `"x <= hi"`,
//! `"in set"`, `"not in set"` (in [`SlotVar::enforce`]).
//!
//! The slot hash is `Poseidon(header, s_0..s_7)` and the policy hash
//! `Poseidon(label, slot_0..slot_{n-1})`, as natively.

use ark_ff::Field;
use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkgov_verifier::{CompiledPolicy, Fr, Label, SetMode, SlotConstraint, SET_SIZE, VALUE_BITS};

use crate::{
    checked,
    cmp::{enforce_le, range_check},
    merkle::enforce_boolean,
    poseidon::poseidon_var,
};

/// An allocated slot constraint.
pub struct SlotVar {
    lo: FpVar<Fr>,
    hi: FpVar<Fr>,
    m_in: FpVar<Fr>,
    m_out: FpVar<Fr>,
    disclose: FpVar<Fr>,
    set: Vec<FpVar<Fr>>,
}

impl SlotVar {
    /// Allocates `slot` as private witnesses.
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        slot: &SlotConstraint,
    ) -> Result<Self, SynthesisError> {
        let w = |v: Fr| FpVar::new_witness(cs.clone(), || Ok(v));
        Ok(SlotVar {
            lo: w(Fr::from(slot.lo))?,
            hi: w(Fr::from(slot.hi))?,
            m_in: w(Fr::from(slot.mode == SetMode::In))?,
            m_out: w(Fr::from(slot.mode == SetMode::NotIn))?,
            disclose: w(Fr::from(slot.disclose))?,
            set: slot
                .set
                .iter()
                .map(|s| w(Fr::from(*s)))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Allocates raw values with no check (`hash` and `enforce` add every
    /// constraint): `[lo, hi, m_in, m_out, disclose, s_0..s_7]`. Used by
    /// tests that play a cheating prover.
    #[cfg(test)]
    pub(crate) fn new_witness_raw(
        cs: ConstraintSystemRef<Fr>,
        v: &[Fr; 5 + SET_SIZE],
    ) -> Result<Self, SynthesisError> {
        let w = |x: Fr| FpVar::new_witness(cs.clone(), || Ok(x));
        Ok(SlotVar {
            lo: w(v[0])?,
            hi: w(v[1])?,
            m_in: w(v[2])?,
            m_out: w(v[3])?,
            disclose: w(v[4])?,
            set: v[5..].iter().map(|x| w(*x)).collect::<Result<_, _>>()?,
        })
    }

    /// Enforces the slot's well-formedness and returns its hash.
    pub fn hash(&self) -> Result<FpVar<Fr>, SynthesisError> {
        {
            let _check = namespace!("lo, hi < 2^64");
            range_check(&self.lo, VALUE_BITS)?;
            range_check(&self.hi, VALUE_BITS)?;
        }
        {
            let _check = namespace!("flags boolean");
            enforce_boolean(&self.m_in)?;
            enforce_boolean(&self.m_out)?;
            enforce_boolean(&self.disclose)?;
        }
        {
            let _check = namespace!("modes exclusive");
            checked::mul_equals(&self.m_in, &self.m_out, &FpVar::zero())?;
        }
        let two64 = Fr::from(u128::from(u64::MAX) + 1);
        let two128 = two64.square();
        let header = &self.lo
            + &self.hi * two64
            + (&self.m_in + &self.m_out * Fr::from(2u64) + &self.disclose * Fr::from(4u64))
                * two128;
        let mut inputs = Vec::with_capacity(SET_SIZE + 1);
        inputs.push(header);
        inputs.extend(self.set.iter().cloned());
        poseidon_var(&inputs)
    }

    /// Enforces that `x` satisfies the slot; returns the disclosed value
    /// (`x` if disclosed, else 0).
    pub fn enforce(&self, x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
        {
            let _check = namespace!("lo <= x");
            enforce_le(&self.lo, x, VALUE_BITS)?;
        }
        {
            let _check = namespace!("x <= hi");
            enforce_le(x, &self.hi, VALUE_BITS)?;
        }
        let prod = {
            let _check = namespace!("in set");
            let mut prod = x - &self.set[0];
            for s in &self.set[1..] {
                prod *= x - s;
            }
            checked::mul_equals(&self.m_in, &prod, &FpVar::zero())?;
            prod
        };
        {
            let _check = namespace!("not in set");
            let q = &self.m_out * (&prod - Fr::from(1u64)) + Fr::from(1u64);
            // The slot's own variables carry the system when `x` is a
            // constant.
            let q_inv = FpVar::new_witness(x.cs().or(self.m_out.cs()), || {
                Ok(q.value()?.inverse().unwrap_or(Fr::from(0u64)))
            })?;
            checked::mul_equals(&q, &q_inv, &FpVar::one())?;
        }
        Ok(&self.disclose * x)
    }
}

/// An allocated compiled policy.
pub struct PolicyVar {
    /// One per slot.
    pub slots: Vec<SlotVar>,
}

impl PolicyVar {
    /// Allocates `policy` as private witnesses.
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        policy: &CompiledPolicy,
    ) -> Result<Self, SynthesisError> {
        Ok(PolicyVar {
            slots: policy
                .slots
                .iter()
                .map(|s| SlotVar::new_witness(cs.clone(), s))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The policy hash (enforcing every slot's well-formedness).
    pub fn hash(&self) -> Result<FpVar<Fr>, SynthesisError> {
        let mut inputs = Vec::with_capacity(self.slots.len() + 1);
        inputs.push(FpVar::constant(Label::PolicyV1.to_field()));
        for s in &self.slots {
            inputs.push(s.hash()?);
        }
        poseidon_var(&inputs)
    }

    /// Enforces every slot on `values`; returns the disclosed values.
    pub fn enforce(&self, values: &[FpVar<Fr>]) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
        if values.len() != self.slots.len() {
            return Err(SynthesisError::Unsatisfiable);
        }
        self.slots
            .iter()
            .zip(values)
            .map(|(s, x)| s.enforce(x))
            .collect()
    }
}

/// The disclosure commitment over the values [`PolicyVar::enforce`]
/// returned: `Poseidon("zkgov.disclosure.v1", salt, d_0..d_7)`, as
/// [`zkgov_verifier::disclosure_commitment`] computes it natively.
pub fn disclosure_var(
    salt: FpVar<Fr>,
    disclosed: Vec<FpVar<Fr>>,
) -> Result<FpVar<Fr>, SynthesisError> {
    let mut inputs = Vec::with_capacity(disclosed.len() + 2);
    inputs.push(FpVar::constant(Label::DisclosureV1.to_field()));
    inputs.push(salt);
    inputs.extend(disclosed);
    poseidon_var(&inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_relations::gr1cs::ConstraintSystem;
    use zkgov_verifier::Policy;

    /// Runs the gadget on `values` (as field elements); returns
    /// (satisfied, policy hash, disclosed).
    fn run(policy: &CompiledPolicy, values: &[Fr]) -> (bool, Fr, Vec<Fr>) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let pv = PolicyVar::new_witness(cs.clone(), policy).unwrap();
        let xs: Vec<FpVar<Fr>> = values
            .iter()
            .map(|v| FpVar::new_witness(cs.clone(), || Ok(*v)).unwrap())
            .collect();
        let h = pv.hash().unwrap().value().unwrap();
        let d = pv
            .enforce(&xs)
            .unwrap()
            .iter()
            .map(|v| v.value().unwrap())
            .collect();
        (cs.is_satisfied().unwrap(), h, d)
    }

    /// [`run`] under constraint tracing: the distinct namespace paths of
    /// the unsatisfied constraints (the slot checks of the module notes).
    fn fails_in(policy: &CompiledPolicy, values: &[Fr]) -> Vec<Vec<&'static str>> {
        crate::harness::trace_constraints(crate::harness::FnCircuit(
            |cs: ConstraintSystemRef<Fr>| {
                let pv = PolicyVar::new_witness(cs.clone(), policy)?;
                let xs = values
                    .iter()
                    .map(|v| FpVar::new_witness(cs.clone(), || Ok(*v)))
                    .collect::<Result<Vec<_>, _>>()?;
                let _hash = pv.hash()?;
                pv.enforce(&xs).map(|_| ())
            },
        ))
        .unwrap()
        .unsatisfied_paths()
        .into_iter()
        .map(<[_]>::to_vec)
        .collect()
    }

    fn compile(json: &str) -> CompiledPolicy {
        Policy::from_json(json).unwrap().compile(2, &[]).unwrap()
    }

    fn ok(p: &CompiledPolicy, a: u64) -> bool {
        let (sat, _, _) = run(p, &[Fr::from(a), Fr::from(0u64)]);
        assert_eq!(
            sat,
            p.holds(&[a, 0]),
            "gadget and native twin disagree at {a}"
        );
        sat
    }

    #[test]
    fn every_operator_one_below_at_and_one_above_its_boundary() {
        // Per operator, for x = 9, 10, 11: "" where x passes, else the one
        // check that refuses it.
        let (lo, hi, set, out) = ("lo <= x", "x <= hi", "in set", "not in set");
        let cases: [(&str, [&str; 3]); 8] = [
            (r#"{"op":"=","value":10}"#, [lo, "", hi]),
            (r#"{"op":"!=","value":10}"#, ["", out, ""]),
            (r#"{"op":"<","value":10}"#, ["", hi, hi]),
            (r#"{"op":"<=","value":10}"#, ["", "", hi]),
            (r#"{"op":">","value":10}"#, [lo, lo, ""]),
            (r#"{"op":">=","value":10}"#, [lo, "", ""]),
            (r#"{"op":"in","values":[10, 30]}"#, [set, "", set]),
            (r#"{"op":"not-in","values":[10, 30]}"#, ["", out, ""]),
        ];
        for (clause, expect) in cases {
            let json = format!(
                r#"{{"version":1,"clauses":[{{"field":0,{}}}]}}"#,
                &clause[1..clause.len() - 1]
            );
            let p = compile(&json);
            for (x, check) in [9, 10, 11].into_iter().zip(expect) {
                let want = check.is_empty();
                assert_eq!(ok(&p, x), want, "{clause} at {x}");
                if !want {
                    assert_eq!(
                        fails_in(&p, &[Fr::from(x), Fr::from(0u64)]),
                        [[check]],
                        "{clause} at {x}"
                    );
                }
            }
        }
        let between =
            compile(r#"{"version":1,"clauses":[{"field":0,"op":"between","min":5,"max":7}]}"#);
        for (x, want) in [(4, false), (5, true), (7, true), (8, false)] {
            assert_eq!(ok(&between, x), want);
        }
        let at = |x: u64| fails_in(&between, &[Fr::from(x), Fr::from(0u64)]);
        assert_eq!(at(4), [["lo <= x"]]);
        assert_eq!(at(8), [["x <= hi"]]);
        let extremes = compile(
            r#"{"version":1,"clauses":[{"field":0,"op":">=","value":18446744073709551615}]}"#,
        );
        assert!(ok(&extremes, u64::MAX));
        assert!(!ok(&extremes, u64::MAX - 1));
    }

    #[test]
    fn hash_and_disclosure_match_native() {
        let p = compile(
            r#"{"version":1,"clauses":[{"field":0,"op":"<","value":100},{"field":1,"op":"disclose"}]}"#,
        );
        let (sat, h, d) = run(&p, &[Fr::from(5u64), Fr::from(42u64)]);
        assert!(sat);
        assert_eq!(h, p.hash());
        assert_eq!(d, p.disclosed(&[5, 42]));
        assert_eq!(d, vec![Fr::from(0u64), Fr::from(42u64)]);
    }

    /// A cheating prover's slot: raw values, one value `x`. Returns (hash,
    /// disclosed, satisfied).
    fn forged(raw: [Fr; 5 + SET_SIZE], x: Fr) -> (Fr, Fr, bool) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let slot = SlotVar::new_witness_raw(cs.clone(), &raw).unwrap();
        let xv = FpVar::new_witness(cs.clone(), || Ok(x)).unwrap();
        let h = slot.hash().unwrap().value().unwrap();
        let d = slot.enforce(&xv).unwrap().value().unwrap();
        (h, d, cs.is_satisfied().unwrap())
    }

    /// [`forged`] under constraint tracing: the distinct namespace paths of
    /// the unsatisfied constraints.
    fn forged_fails_in(raw: [Fr; 5 + SET_SIZE], x: Fr) -> Vec<Vec<&'static str>> {
        crate::harness::trace_constraints(crate::harness::FnCircuit(
            |cs: ConstraintSystemRef<Fr>| {
                let slot = SlotVar::new_witness_raw(cs.clone(), &raw)?;
                let xv = FpVar::new_witness(cs, || Ok(x))?;
                let _hash = slot.hash()?;
                slot.enforce(&xv).map(|_| ())
            },
        ))
        .unwrap()
        .unsatisfied_paths()
        .into_iter()
        .map(<[_]>::to_vec)
        .collect()
    }

    fn raw(s: &SlotConstraint) -> [Fr; 5 + SET_SIZE] {
        let mut r = [Fr::from(0u64); 5 + SET_SIZE];
        r[0] = Fr::from(s.lo);
        r[1] = Fr::from(s.hi);
        r[2] = Fr::from(s.mode == SetMode::In);
        r[3] = Fr::from(s.mode == SetMode::NotIn);
        r[4] = Fr::from(s.disclose);
        for (o, v) in r[5..].iter_mut().zip(s.set) {
            *o = Fr::from(v);
        }
        r
    }

    fn slot(json_clauses: &str) -> SlotConstraint {
        compile(&format!(r#"{{"version":1,"clauses":[{json_clauses}]}}"#)).slots[0].clone()
    }

    #[test]
    fn forged_slots_with_the_honest_hash_are_rejected() {
        let two64 = Fr::from(u128::from(u64::MAX) + 1);
        // Each forgery keeps the packed header (so the policy hash) of the
        // honest slot, and would make a failing value pass or fake a
        // disclosure if its check were missing.
        // lo out of range: lo' = 31 - 2^64, hi' = 41 packs like (31, 40).
        let honest = slot(r#"{"field":0,"op":"between","min":31,"max":40}"#);
        let mut r = raw(&honest);
        r[0] = Fr::from(31u64) - two64;
        r[1] = Fr::from(41u64);
        let (h, _, ok) = forged(r, Fr::from(30u64));
        assert_eq!(h, honest.hash());
        assert!(!ok, "lo outside 2^64 accepted");
        assert_eq!(forged_fails_in(r, Fr::from(30u64)), [["lo, hi < 2^64"]]);
        // m_out = -1, d = 1 packs like (m_out = 1, d = 0): "!= 0" passes 0.
        let honest = slot(r#"{"field":0,"op":"!=","value":0}"#);
        let mut r = raw(&honest);
        r[3] = -Fr::from(1u64);
        r[4] = Fr::from(1u64);
        let (h, _, ok) = forged(r, Fr::from(0u64));
        assert_eq!(h, honest.hash());
        assert!(!ok, "non-boolean m_out accepted");
        assert_eq!(forged_fails_in(r, Fr::from(0u64)), [["flags boolean"]]);
        // m_out = 1, d = 1/2 packs like (d = 1): discloses a fake half value.
        let honest = slot(r#"{"field":0,"op":"disclose"}"#);
        let mut r = raw(&honest);
        r[3] = Fr::from(1u64);
        r[4] = Fr::from(2u64).inverse().unwrap();
        let (h, d, ok) = forged(r, Fr::from(640u64));
        assert_eq!(h, honest.hash());
        assert_eq!(d, Fr::from(320u64));
        assert!(!ok, "non-boolean disclose accepted");
        assert_eq!(forged_fails_in(r, Fr::from(640u64)), [["flags boolean"]]);
        // m_in = 6, d = 0 packs like (m_out = 1, d = 1): "!= 5" passes 5.
        let honest = slot(r#"{"field":0,"op":"!=","value":5},{"field":0,"op":"disclose"}"#);
        let mut r = raw(&honest);
        r[2] = Fr::from(6u64);
        r[3] = Fr::from(0u64);
        r[4] = Fr::from(0u64);
        let (h, _, ok) = forged(r, Fr::from(5u64));
        assert_eq!(h, honest.hash());
        assert!(!ok, "non-boolean m_in accepted");
        assert_eq!(forged_fails_in(r, Fr::from(5u64)), [["flags boolean"]]);
    }

    #[test]
    fn slot_contract_hi_in_range_and_modes_exclusive() {
        let any = SlotConstraint::any();
        let mut r = raw(&any);
        r[1] = Fr::from(u128::from(u64::MAX) + 1);
        assert!(!forged(r, Fr::from(5u64)).2, "hi = 2^64 accepted");
        assert_eq!(forged_fails_in(r, Fr::from(5u64)), [["lo, hi < 2^64"]]);
        // (m_in = m_out = 1 is unsatisfiable on its own: "in" needs P = 0,
        // "not-in" needs P != 0; the explicit m_in * m_out = 0 is belt and
        // braces, and no compiled policy has header code 3.)
        // Control: the honest raw slot is satisfied.
        assert!(
            forged(
                raw(&slot(r#"{"field":0,"op":"in","values":[5]}"#)),
                Fr::from(5u64)
            )
            .2
        );
    }

    #[test]
    fn constant_values_are_checked_by_the_slot() {
        // A value known when the circuit is written: the slot (always
        // witnessed) checks it with the same constraints. This used to fail
        // to synthesise at all (the not-in inverse had no system to live in).
        let p = compile(r#"{"version":1,"clauses":[{"field":0,"op":"not-in","values":[10, 30]}]}"#);
        for (x, holds) in [(9u64, true), (10, false), (30, false), (31, true)] {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let pv = PolicyVar::new_witness(cs.clone(), &p).unwrap();
            let _hash = pv.hash().unwrap();
            let xs = [
                FpVar::constant(Fr::from(x)),
                FpVar::constant(Fr::from(0u64)),
            ];
            pv.enforce(&xs).unwrap();
            assert_eq!(cs.is_satisfied().unwrap(), holds, "{x}");
            assert_eq!(p.holds(&[x, 0]), holds);
        }
    }

    #[test]
    fn out_of_range_values_never_satisfy_a_bound() {
        // -1 and 2^64 are not "below 100" nor ">= 0": the comparison gadget
        // refuses values that are not below 2^64.
        let p = compile(r#"{"version":1,"clauses":[{"field":0,"op":"<","value":100}]}"#);
        for bad in [
            -Fr::from(1u64),
            Fr::from(1u128 << 64),
            Fr::from(1u64) - Fr::from(1u128 << 64),
        ] {
            assert!(!run(&p, &[bad, Fr::from(0u64)]).0);
            // Refused by the bounds (lo = 0, hi = 99), nowhere else.
            let fails = fails_in(&p, &[bad, Fr::from(0u64)]);
            assert!(!fails.is_empty());
            assert!(
                fails.iter().all(|f| *f == ["lo <= x"] || *f == ["x <= hi"]),
                "{fails:?}"
            );
        }
        let any = compile(r#"{"version":1,"clauses":[]}"#);
        assert!(!run(&any, &[Fr::from(1u128 << 64), Fr::from(0u64)]).0);
        assert!(run(&any, &[Fr::from(u64::MAX), Fr::from(0u64)]).0);
    }
}
