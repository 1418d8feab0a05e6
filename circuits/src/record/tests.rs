use super::*;
use crate::merkle::MerkleTree;
use ark_relations::gr1cs::ConstraintSystem;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkgov_verifier::{Policy, StatementId};

/// A registry of `n` records with owner secrets 1000 + i and field j of
/// record i equal to 10 * i + j; returns the tree and a witness for record
/// `idx` under `policy_json`.
pub(crate) fn fixture(
    depth: usize,
    n: u64,
    idx: u64,
    policy_json: &str,
) -> (MerkleTree, RecordWitness) {
    let records: Vec<Record> = (0..n)
        .map(|i| Record {
            owner_commitment: owner_commitment(&Fr::from(1000 + i)),
            fields: core::array::from_fn(|j| 10 * i + j as u64),
        })
        .collect();
    let leaves: Vec<Fr> = records.iter().map(Record::leaf).collect();
    let tree = MerkleTree::from_leaves(depth, &leaves).unwrap();
    let policy = Policy::from_json(policy_json)
        .unwrap()
        .compile(RECORD_FIELDS, &[])
        .unwrap();
    let witness = RecordWitness {
        owner_secret: Fr::from(1000 + idx),
        fields: records[idx as usize].fields,
        path: tree.path(idx).unwrap(),
        policy,
        scope: Fr::from(77u64),
        context: Fr::from(123456789u64),
        salt: Fr::from(555u64),
    };
    (tree, witness)
}

/// Record 3 has fields [30, 31, ..., 37].
const POLICY: &str = r#"{"version":1,"clauses":[
    {"field":0,"op":">=","value":30},
    {"field":1,"op":"in","values":[31, 99]},
    {"field":2,"op":"!=","value":5},
    {"field":3,"op":"between","min":0,"max":33},
    {"field":4,"op":"disclose"}]}"#;

fn satisfied(c: RecordMembershipCircuit) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    cs.is_satisfied().unwrap()
}

/// Where `c` fails: the distinct namespace paths (step first, then the
/// check inside it) of its unsatisfied constraints, in row order; empty when
/// satisfied.
fn failing(c: RecordMembershipCircuit) -> Vec<Vec<&'static str>> {
    let t = crate::harness::trace_constraints(c).unwrap();
    if let Some(first) = t.first_unsatisfied() {
        assert!(STEPS.contains(&first[0]), "{first:?}");
    }
    t.unsatisfied_paths()
        .into_iter()
        .map(<[_]>::to_vec)
        .collect()
}

#[test]
fn every_constraint_lies_in_a_numbered_step() {
    let (_, w) = fixture(DEFAULT_DEPTH, 9, 3, POLICY);
    let t =
        crate::harness::trace_constraints(RecordMembershipCircuit::new(DEFAULT_DEPTH, w).unwrap())
            .unwrap();
    assert!(t.unsatisfied.is_empty());
    let per_step: Vec<usize> = STEPS
        .iter()
        .map(|s| t.paths.iter().filter(|p| p.first() == Some(s)).count())
        .collect();
    println!("record membership at depth 20, constraints per step: {per_step:?}");
    assert_eq!(t.paths.len(), PINNED_CONSTRAINTS_DEPTH_20);
    assert_eq!(per_step.iter().sum::<usize>(), PINNED_CONSTRAINTS_DEPTH_20);
    // Where the constraints go (module docs, "Shape at depth 20").
    assert_eq!(per_step, [213, 5_259, 6_408, 241, 1]);
}

#[test]
fn honest_witness_satisfies_and_instance_is_assigned_by_name() {
    let (tree, w) = fixture(6, 9, 3, POLICY);
    let public = w.public_inputs(Some(&MerkleRoot(tree.root()))).unwrap();
    let d = w.disclosed();
    assert_eq!(d[4], Fr::from(34u64));
    assert!(d
        .iter()
        .enumerate()
        .all(|(i, x)| i == 4 || *x == Fr::from(0u64)));
    assert_eq!(public.disclosure, disclosure_commitment(&w.salt, &d));
    let cs = ConstraintSystem::<Fr>::new_ref();
    RecordMembershipCircuit::new(6, w)
        .unwrap()
        .generate_constraints(cs.clone())
        .unwrap();
    assert!(cs.is_satisfied().unwrap());
    let instance = cs.instance_assignment().unwrap();
    let names = StatementId::RecordMembershipV2.public_input_names();
    assert_eq!(instance.len(), 1 + names.len());
    let at = |n: &str| instance[1 + names.iter().position(|x| *x == n).unwrap()];
    assert_eq!(at("root"), tree.root());
    assert_eq!(at("policy_hash"), public.policy_hash.0);
    assert_eq!(at("disclosure"), public.disclosure.0);
    assert_eq!(at("scope"), Fr::from(77u64));
    assert_eq!(
        at("nullifier"),
        nullifier(&Fr::from(77u64), &Fr::from(1003u64))
    );
    assert_eq!(at("context"), Fr::from(123456789u64));
}

#[test]
fn pinned_shape_at_depth_20() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    RecordMembershipCircuit::blank(DEFAULT_DEPTH)
        .generate_constraints(cs.clone())
        .unwrap();
    cs.finalize();
    // A change here means new keys: make it deliberately.
    assert_eq!(cs.num_constraints(), PINNED_CONSTRAINTS_DEPTH_20);
    assert_eq!(cs.num_instance_variables() - 1, 6);
    // The matrices themselves, not just their size (encoding:
    // `harness::constraint_digest`).
    let digest =
        crate::harness::constraint_digest(RecordMembershipCircuit::blank(DEFAULT_DEPTH)).unwrap();
    assert_eq!(hex::encode(digest), PINNED_DIGEST_DEPTH_20);
    // An honest witness (prove mode) gives the same matrices as setup.
    let (_, w) = fixture(DEFAULT_DEPTH, 9, 3, POLICY);
    let honest = ConstraintSystem::<Fr>::new_ref();
    honest.set_optimization_goal(ark_relations::gr1cs::OptimizationGoal::Constraints);
    RecordMembershipCircuit::new(DEFAULT_DEPTH, w)
        .unwrap()
        .generate_constraints(honest.clone())
        .unwrap();
    honest.finalize();
    assert!(honest.is_satisfied().unwrap());
    assert_eq!(crate::harness::matrix_digest(&honest).unwrap(), digest);
}

/// Pinned constraint count of record membership at depth 20.
const PINNED_CONSTRAINTS_DEPTH_20: usize = 12_122;

/// Pinned SHA-256 of the record-membership R1CS matrices at depth 20
/// (`harness::constraint_digest`).
const PINNED_DIGEST_DEPTH_20: &str =
    "7275377ddf77bdb35d9e1f0bc87f5272f3cdd9013c59e39709920bf6804f9c4c";

#[test]
fn no_single_witness_mutation_survives() {
    let mut rng = ChaCha20Rng::seed_from_u64(42); // ok: test
    let (_, w) = fixture(8, 20, 3, POLICY);
    let report =
        crate::harness::mutation_survivors(RecordMembershipCircuit::new(8, w).unwrap(), &mut rng)
            .unwrap();
    assert!(report.witnesses > 5000, "{report:?}");
    assert!(
        report.survivors.is_empty(),
        "under-constrained witnesses: {:?}",
        report.survivors
    );
}

#[test]
fn harness_catches_an_unconstrained_witness() {
    // Control: a circuit with a free witness must be reported.
    struct Loose;
    impl ConstraintSynthesizer<Fr> for Loose {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let x = FpVar::new_input(cs.clone(), || Ok(Fr::from(4u64)))?;
            let y = FpVar::new_witness(cs.clone(), || Ok(Fr::from(2u64)))?;
            let _free = FpVar::new_witness(cs.clone(), || Ok(Fr::from(9u64)))?;
            y.square()?.enforce_equal(&x)?; // y = 2 or y = -2: a free choice
                                            // z sits in a constraint but is free while w = 0.
            let w = FpVar::new_witness(cs.clone(), || Ok(Fr::from(0u64)))?;
            let z = FpVar::new_witness(cs.clone(), || Ok(Fr::from(5u64)))?;
            w.mul_equals(&z, &FpVar::zero())?;
            Ok(())
        }
    }
    let mut rng = ChaCha20Rng::seed_from_u64(1); // ok: test
    let report = crate::harness::mutation_survivors(Loose, &mut rng).unwrap();
    assert!(report.survivors.iter().any(|(w, _)| *w == 1), "{report:?}");
    // z (witness 4) is in a constraint row: caught only if rows are re-checked.
    assert!(report.survivors.iter().any(|(w, _)| *w == 4), "{report:?}");
}

/// A cheating prover: the honest witness, with the claimed instance changed
/// by `tamper`; the circuit must not be satisfied.
fn cheat(tamper: impl FnOnce(&mut RecordPublicInputs)) -> bool {
    let (_, w) = fixture(6, 9, 3, POLICY);
    let mut public = w.public_inputs(None).unwrap();
    tamper(&mut public);
    satisfied(RecordMembershipCircuit::with_claimed_instance(6, w, public))
}

/// [`cheat`], returning where the circuit fails ([`failing`]).
fn cheat_fails_in(tamper: impl FnOnce(&mut RecordPublicInputs)) -> Vec<Vec<&'static str>> {
    let (_, w) = fixture(6, 9, 3, POLICY);
    let mut public = w.public_inputs(None).unwrap();
    tamper(&mut public);
    failing(RecordMembershipCircuit::with_claimed_instance(6, w, public))
}

#[test]
fn honest_instance_is_satisfied_control() {
    assert!(cheat(|_| {}));
    assert!(cheat_fails_in(|_| {}).is_empty());
}

#[test]
fn wrong_nullifier_is_rejected() {
    assert!(!cheat(|p| p.nullifier.0 += Fr::from(1u64)));
    // The nullifier of another scope does not pass either.
    assert!(!cheat(
        |p| p.nullifier.0 = nullifier(&Fr::from(78u64), &Fr::from(1003u64))
    ));
    // Both fail in the nullifier step, and nowhere else.
    assert_eq!(
        cheat_fails_in(|p| p.nullifier.0 += Fr::from(1u64)),
        [["4 nullifier"]]
    );
    assert_eq!(
        cheat_fails_in(|p| p.nullifier.0 = nullifier(&Fr::from(78u64), &Fr::from(1003u64))),
        [["4 nullifier"]]
    );
}

#[test]
fn wrong_root_and_wrong_policy_hash_are_rejected() {
    assert!(!cheat(|p| p.root.0 += Fr::from(1u64)));
    assert!(!cheat(|p| p.policy_hash.0 += Fr::from(1u64)));
    assert_eq!(
        cheat_fails_in(|p| p.root.0 += Fr::from(1u64)),
        [["2 membership", "root = R"]]
    );
    assert_eq!(
        cheat_fails_in(|p| p.policy_hash.0 += Fr::from(1u64)),
        [["3 policy", "hash = H_P"]]
    );
}

#[test]
fn disclosed_value_changed_or_undisclosed_value_revealed_is_rejected() {
    // A commitment, under the witness's own salt, to other values: field 4
    // changed, or field 0 (not disclosed by the policy) revealed.
    let commit = |i: usize, v: u64| {
        let mut d = [Fr::from(0u64); RECORD_FIELDS];
        d[4] = Fr::from(34u64);
        d[i] = Fr::from(v);
        disclosure_commitment(&Fr::from(555u64), &d)
    };
    let (c35, c30) = (commit(4, 35), commit(0, 30));
    assert!(!cheat(|p| p.disclosure = c35));
    assert!(!cheat(|p| p.disclosure = c30));
    // The honest values under another salt: the salt is bound too.
    let other_salt = {
        let mut d = [Fr::from(0u64); RECORD_FIELDS];
        d[4] = Fr::from(34u64);
        disclosure_commitment(&Fr::from(556u64), &d)
    };
    for c in [c35, c30, other_salt] {
        assert_eq!(
            cheat_fails_in(|p| p.disclosure = c),
            [["3 policy", "disclosure = D"]]
        );
    }
}

#[test]
fn record_that_fails_the_policy_is_rejected() {
    // Record 3 has field 0 = 30. The strict policy asks field 0 >= 31 (one
    // above); the cheating prover keeps the strict policy in its witness and
    // its hash in the instance, everything else honest.
    let (_, honest) = fixture(6, 9, 3, POLICY);
    let mut public = honest.public_inputs(None).unwrap();
    for (lo, holds) in [(30, true), (31, false)] {
        let mut w = honest.clone();
        w.policy.slots[0].lo = lo;
        public.policy_hash = PolicyHash(w.policy.hash());
        assert_eq!(w.public_inputs(None).is_ok(), holds);
        assert_eq!(
            satisfied(RecordMembershipCircuit::with_claimed_instance(
                6,
                w.clone(),
                public.clone()
            )),
            holds,
            "lo = {lo}"
        );
        let expected: &[&[&str]] = if holds {
            &[]
        } else {
            &[&["3 policy", "lo <= x"]]
        };
        assert_eq!(
            failing(RecordMembershipCircuit::with_claimed_instance(
                6,
                w,
                public.clone()
            )),
            expected,
            "lo = {lo}"
        );
    }
    // Upper bound one below the value, and a set that excludes it.
    let mut w = honest.clone();
    w.policy.slots[3].hi = 32;
    public.policy_hash = PolicyHash(w.policy.hash());
    assert!(!satisfied(RecordMembershipCircuit::with_claimed_instance(
        6,
        w.clone(),
        public.clone()
    )));
    assert_eq!(
        failing(RecordMembershipCircuit::with_claimed_instance(
            6,
            w,
            public.clone()
        )),
        [["3 policy", "x <= hi"]]
    );
    let mut w = honest.clone();
    w.policy.slots[1].set = [99; 8];
    public.policy_hash = PolicyHash(w.policy.hash());
    assert!(!satisfied(RecordMembershipCircuit::with_claimed_instance(
        6,
        w.clone(),
        public.clone()
    )));
    assert_eq!(
        failing(RecordMembershipCircuit::with_claimed_instance(
            6,
            w,
            public.clone()
        )),
        [["3 policy", "in set"]]
    );
    let mut w = honest;
    w.policy.slots[2].set = [32; 8];
    public.policy_hash = PolicyHash(w.policy.hash());
    assert!(!satisfied(RecordMembershipCircuit::with_claimed_instance(
        6,
        w.clone(),
        public.clone()
    )));
    assert_eq!(
        failing(RecordMembershipCircuit::with_claimed_instance(6, w, public)),
        [["3 policy", "not in set"]]
    );
}

#[test]
fn wrong_owner_secret_is_rejected() {
    let (tree, mut w) = fixture(6, 9, 3, POLICY);
    w.owner_secret = Fr::from(1004u64);
    let mut public = w.public_inputs(None).unwrap();
    assert!(w.public_inputs(Some(&MerkleRoot(tree.root()))).is_err());
    public.root = MerkleRoot(tree.root());
    assert!(!satisfied(RecordMembershipCircuit::with_claimed_instance(
        6,
        w.clone(),
        public.clone()
    )));
    // Step 1 only computes C; the wrong secret's leaf is refused by the
    // membership step's root check. The claimed nullifier is the wrong
    // secret's own, so step 4 holds.
    assert_eq!(
        failing(RecordMembershipCircuit::with_claimed_instance(6, w, public)),
        [["2 membership", "root = R"]]
    );
}

#[test]
fn random_records_agree_with_native_twin() {
    let mut rng = ChaCha20Rng::seed_from_u64(9); // ok: test
    for _ in 0..4 {
        let idx = rng.gen_range(0..9);
        let (tree, w) = fixture(
            5,
            9,
            idx,
            r#"{"version":1,"clauses":[{"field":7,"op":"disclose"}]}"#,
        );
        let public = w.public_inputs(Some(&MerkleRoot(tree.root()))).unwrap();
        assert_eq!(w.disclosed()[7], Fr::from(10 * idx + 7));
        assert_eq!(
            public.disclosure,
            disclosure_commitment(&w.salt, &w.disclosed())
        );
        assert!(satisfied(RecordMembershipCircuit::new(5, w).unwrap()));
    }
}
