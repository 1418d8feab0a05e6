use std::collections::BTreeMap;

use super::*;
use crate::eddsa::SecretKey;
use ark_relations::gr1cs::ConstraintSystem;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use zkgov_verifier::{
    identity::Credential, identity::IdentityPolicy, identity::Schema, StatementId,
};

pub(crate) const SCHEMA: &str = r#"{"version":1,"id":"gov.example/resident-id/v1","attributes":[
    {"name":"birth_date","type":"date"},
    {"name":"region","type":"code","codes":{"north":1,"south":2,"east":3,"west":4}},
    {"name":"nationality","type":"code"},
    {"name":"income_band","type":"integer"},
    {"name":"family_name","type":"string"}]}"#;

/// Three predicates and one disclosure.
pub(crate) const POLICY: &str = r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
    {"field":"birth_date","op":"age>=","years":18},
    {"field":"region","op":"in","values":["north","south"]},
    {"field":"income_band","op":"<","value":4},
    {"field":"region","op":"disclose"}]}"#;

pub(crate) const TODAY: &str = "2026-11-25";

/// Three accredited issuers; issuer 1 has revoked nonces 5 and 6.
pub(crate) struct World {
    pub schema: Schema,
    pub keys: Vec<SecretKey>,
    pub revocations: Vec<RevocationTree>,
    pub tree: SparseMerkleTree,
}

pub(crate) fn world() -> World {
    let schema = Schema::from_json(SCHEMA).unwrap();
    let keys: Vec<SecretKey> = (0..3u8)
        .map(|i| SecretKey::from_bytes([10 + i; 32]))
        .collect();
    let revocations = vec![
        RevocationTree::new(),
        RevocationTree::from_revoked(&[5, 6]).unwrap(),
        RevocationTree::from_revoked(&[1]).unwrap(),
    ];
    let issuers: Vec<AccreditedIssuer> = keys
        .iter()
        .zip(&revocations)
        .map(|(k, r)| AccreditedIssuer {
            key: k.public_key(),
            revocation_root: r.root(),
        })
        .collect();
    let tree = issuer_tree(&issuers).unwrap();
    World {
        schema,
        keys,
        revocations,
        tree,
    }
}

pub(crate) fn values(birth: &str, region: &str, income: u64) -> BTreeMap<String, Value> {
    [
        ("birth_date", json!(birth)),
        ("region", json!(region)),
        ("nationality", json!(276)),
        ("income_band", json!(income)),
        ("family_name", json!("Doe")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

pub(crate) const SECRET: u64 = 4242;

/// A credential from issuer `who` and the witness proving it under `policy`.
pub(crate) fn witness_for(
    w: &World,
    who: usize,
    vals: &BTreeMap<String, Value>,
    nonce: u64,
    expires: &str,
    policy: &str,
) -> IdentityWitness {
    let secret = Fr::from(SECRET);
    let body = Credential::body(
        &w.schema,
        vals,
        owner_commitment(&secret),
        Date::parse("2024-01-01").unwrap(),
        Date::parse(expires).unwrap(),
        nonce,
    )
    .unwrap();
    let sig = w.keys[who].sign(&body.hash());
    let policy = IdentityPolicy::from_json(policy)
        .unwrap()
        .compile(&w.schema, Date::parse(TODAY).unwrap())
        .unwrap();
    IdentityWitness {
        holder_secret: secret,
        attributes: IdentityWitness::attributes_of(&body),
        issuer: w.keys[who].public_key().0,
        r8: sig.r8,
        s: s_to_field(&sig.s),
        revocation_root: w.revocations[who].root(),
        revocation_path: w.revocations[who].0.path(nonce).unwrap(),
        issuer_path: w.tree.path(who as u64).unwrap(),
        body,
        policy,
        scope: Fr::from(77u64),
        context: Fr::from(123456789u64),
        salt: Fr::from(555u64),
    }
}

/// The disclosure commitment, under the test salt, of `d[slot] = value`
/// (all other slots 0).
fn commit_one(slot: usize, value: u64) -> DisclosureCommitment {
    let mut d = [Fr::from(0u64); ATTRIBUTE_SLOTS];
    d[slot] = Fr::from(value);
    disclosure_commitment(&Fr::from(555u64), &d)
}

pub(crate) fn honest() -> (World, IdentityWitness) {
    let w = world();
    let wit = witness_for(
        &w,
        1,
        &values("1990-05-17", "south", 3),
        7,
        "2030-12-31",
        POLICY,
    );
    (w, wit)
}

fn satisfied(c: IdentityCircuit) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    cs.is_satisfied().unwrap()
}

/// The honest instance of `honest()`.
fn honest_public() -> IdentityPublicInputs {
    let (w, wit) = honest();
    wit.public_inputs(Some(&MerkleRoot(w.tree.root()))).unwrap()
}

/// Does `wit` satisfy the circuit for `public`?
fn sat(wit: IdentityWitness, public: IdentityPublicInputs) -> bool {
    satisfied(IdentityCircuit::with_claimed_instance(wit, public))
}

/// Where `wit` fails for `public`: the distinct namespace paths (step
/// first, then the check inside it) of the unsatisfied constraints, in row
/// order; empty when satisfied.
fn fails_in(wit: IdentityWitness, public: IdentityPublicInputs) -> Vec<Vec<&'static str>> {
    let t = crate::harness::trace_constraints(IdentityCircuit::with_claimed_instance(wit, public))
        .unwrap();
    if let Some(first) = t.first_unsatisfied() {
        assert!(STEPS.contains(&first[0]), "{first:?}");
    }
    t.unsatisfied_paths()
        .into_iter()
        .map(<[_]>::to_vec)
        .collect()
}

/// Where the EdDSA gadget refuses a signature that the credential's own
/// issuer did not make for this credential: the final equation.
const SIGNATURE_EQUATION: [&str; 2] = ["3 signature", "signature equation"];

#[test]
fn every_constraint_lies_in_a_numbered_step() {
    let (_, wit) = honest();
    let t = crate::harness::trace_constraints(IdentityCircuit::new(wit).unwrap()).unwrap();
    assert!(t.unsatisfied.is_empty());
    let per_step: Vec<usize> = STEPS
        .iter()
        .map(|s| t.paths.iter().filter(|p| p.first() == Some(s)).count())
        .collect();
    println!("identity, constraints per step: {per_step:?}");
    assert_eq!(per_step.iter().sum::<usize>(), PINNED_CONSTRAINTS);
    assert_eq!(t.paths.len(), PINNED_CONSTRAINTS);
    // Where the constraints go (module docs, "Shape").
    assert_eq!(
        per_step,
        [213, 534, 4_687, 1, 1_487, 3_062, 165, 6_408, 241, 1]
    );
}

#[test]
fn honest_witness_satisfies_and_discloses_only_the_region() {
    let (w, wit) = honest();
    let public = wit.public_inputs(Some(&MerkleRoot(w.tree.root()))).unwrap();
    // Only the region (code 2, "south") is disclosed.
    assert_eq!(public.disclosure, commit_one(1, 2));
    assert_eq!(public.issuer, Fr::from(0u64));
    assert_eq!(public.today, Fr::from(Date::parse(TODAY).unwrap().encode()));
    let cs = ConstraintSystem::<Fr>::new_ref();
    IdentityCircuit::new(wit)
        .unwrap()
        .generate_constraints(cs.clone())
        .unwrap();
    assert!(cs.is_satisfied().unwrap());
    // The instance is assigned in statement order.
    let names = StatementId::IdentityV2.public_input_names();
    let inst = cs.instance_assignment().unwrap();
    assert_eq!(inst.len() - 1, names.len());
    assert_eq!(inst[1..].to_vec(), public.to_vec());
}

/// Pinned constraint count of the identity statement.
const PINNED_CONSTRAINTS: usize = 16_799;

#[test]
fn pinned_shape() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    IdentityCircuit::blank()
        .generate_constraints(cs.clone())
        .unwrap();
    cs.finalize();
    let (_, wit) = honest();
    let honest_cs = ConstraintSystem::<Fr>::new_ref();
    IdentityCircuit::new(wit)
        .unwrap()
        .generate_constraints(honest_cs.clone())
        .unwrap();
    honest_cs.finalize();
    println!("identity: {} constraints", cs.num_constraints());
    // Setup uses the blank circuit: its shape must be the honest one's.
    assert_eq!(cs.num_constraints(), honest_cs.num_constraints());
    assert_eq!(
        cs.num_witness_variables(),
        honest_cs.num_witness_variables()
    );
    // A change here means new keys: make it deliberately.
    assert_eq!(cs.num_constraints(), PINNED_CONSTRAINTS);
    assert_eq!(cs.num_instance_variables() - 1, 9);
    // The Groth16 domain (constraints + instance variables) is 2^15: the
    // disclosure commitment (a 10-input Poseidon, 449 constraints beyond
    // the 8 equalities it replaced) took the statement past 2^14.
    let size = cs.num_constraints() + cs.num_instance_variables();
    assert!(size > 1 << 14 && size <= 1 << 15);
    // The matrices themselves (encoding: `harness::constraint_digest`), and
    // the honest prover's are the setup ones.
    let digest = crate::harness::constraint_digest(IdentityCircuit::blank()).unwrap();
    assert_eq!(hex::encode(digest), PINNED_DIGEST);
    let (_, wit) = honest();
    let honest_cs = ConstraintSystem::<Fr>::new_ref();
    honest_cs.set_optimization_goal(ark_relations::gr1cs::OptimizationGoal::Constraints);
    IdentityCircuit::new(wit)
        .unwrap()
        .generate_constraints(honest_cs.clone())
        .unwrap();
    honest_cs.finalize();
    assert!(honest_cs.is_satisfied().unwrap());
    assert_eq!(crate::harness::matrix_digest(&honest_cs).unwrap(), digest);
}

/// Pinned SHA-256 of the identity statement's R1CS matrices
/// (`harness::constraint_digest`).
const PINNED_DIGEST: &str = "66ddaad83fd658b8192b1586a5c5ff480e4423f8a630c3862872ff68fcbcfa24";

#[test]
fn no_single_witness_mutation_survives() {
    let mut rng = ChaCha20Rng::seed_from_u64(43); // ok: test
    let (_, wit) = honest();
    let report =
        crate::harness::mutation_survivors(IdentityCircuit::new(wit).unwrap(), &mut rng).unwrap();
    assert!(report.witnesses > 10_000, "{report:?}");
    assert!(
        report.survivors.is_empty(),
        "under-constrained witnesses: {:?}",
        report.survivors
    );
}

#[test]
fn honest_instance_is_satisfied_control() {
    let (_, wit) = honest();
    assert!(sat(wit, honest_public()));
}

#[test]
fn forged_signature_is_rejected() {
    let (_, mut wit) = honest();
    wit.s += Fr::from(1u64);
    assert!(wit.public_inputs(None).is_err());
    assert!(!sat(wit.clone(), honest_public()));
    assert_eq!(fails_in(wit, honest_public()), [SIGNATURE_EQUATION]);
    // The holder edits an attribute without a new signature.
    let (_, mut wit) = honest();
    wit.attributes[3] = Fr::from(2u64);
    assert!(!sat(wit.clone(), honest_public()));
    assert_eq!(fails_in(wit, honest_public()), [SIGNATURE_EQUATION]);
}

#[test]
fn non_canonical_s_is_rejected() {
    let w = world();
    let l = Fr::from_le_bytes_mod_order(&SubgroupScalar::MODULUS.to_bytes_le()); // ok: l < r, no reduction
    let two_251 = ark_ff::Field::pow(&Fr::from(2u64), [251u64]);
    // Find a credential whose S + l still fits in 251 bits.
    let wit = (0..64)
        .map(|n| {
            witness_for(
                &w,
                1,
                &values("1990-05-17", "south", 3),
                100 + n,
                "2030-12-31",
                POLICY,
            )
        })
        .find(|wit| (wit.s + l).into_bigint() < two_251.into_bigint())
        .unwrap();
    let public = wit.public_inputs(None).unwrap();
    assert!(sat(wit.clone(), public.clone()));
    let mut cheat = wit;
    cheat.s += l;
    assert!(cheat.public_inputs(None).is_err());
    assert!(!sat(cheat.clone(), public.clone()));
    // S + l verifies the equation and fits 251 bits: only S <= l - 1 refuses.
    assert_eq!(fails_in(cheat, public), [["3 signature", "S <= l - 1"]]);
}

#[test]
fn wrong_issuer_is_rejected() {
    let (w, wit) = honest();
    let mut public = honest_public();
    let id = |i: usize| w.keys[i].public_key().id();
    // Any issuer (0) and the right one pass; another one does not.
    for (issuer, ok) in [
        (Fr::from(0u64), true),
        (id(1), true),
        (id(0), false),
        (id(2), false),
    ] {
        public.issuer = issuer;
        assert_eq!(sat(wit.clone(), public.clone()), ok);
        let expected: &[&[&str]] = if ok { &[] } else { &[&["4 issuer"]] };
        assert_eq!(fails_in(wit.clone(), public.clone()), expected);
    }
}

#[test]
fn issuer_not_accredited_is_rejected() {
    let (w, honest_wit) = honest();
    // A rogue key signs a credential and borrows an accredited issuer's path.
    let rogue = SecretKey::from_bytes([99; 32]);
    let mut wit = honest_wit.clone();
    let sig = rogue.sign(&wit.body.hash());
    wit.issuer = rogue.public_key().0;
    wit.r8 = sig.r8;
    wit.s = s_to_field(&sig.s);
    assert!(wit.public_inputs(Some(&MerkleRoot(w.tree.root()))).is_err());
    assert!(!sat(wit.clone(), honest_public()));
    // The signature is good; the rogue key's leaf is not under R_I.
    assert_eq!(
        fails_in(wit, honest_public()),
        [["5 accreditation", "root = R_I"]]
    );
}

#[test]
fn expiry_is_checked_at_the_boundaries() {
    let (_, wit) = honest();
    let public = honest_public();
    let day = |s: &str| Fr::from(Date::parse(s).unwrap().encode());
    // Valid from 2024-01-01 through 2030-12-31 inclusive.
    for (today, ok) in [
        ("2024-01-01", true),
        ("2030-12-31", true),
        ("2031-01-01", false),
        ("2023-12-31", false),
    ] {
        let mut p = public.clone();
        p.today = day(today);
        assert_eq!(sat(wit.clone(), p.clone()), ok, "{today}");
        let expected: &[&[&str]] = match (ok, today < "2024") {
            (true, _) => &[],
            (false, false) => &[&["7 dates", "today <= expires"]],
            (false, true) => &[&["7 dates", "issued <= today"]],
        };
        assert_eq!(fails_in(wit.clone(), p), expected, "{today}");
    }
    let w = world();
    let expired = witness_for(
        &w,
        1,
        &values("1990-05-17", "south", 3),
        7,
        "2026-11-24",
        POLICY,
    );
    assert!(expired.public_inputs(None).is_err());
    let mut p = public;
    p.nullifier = Nullifier(nullifier(&Fr::from(77u64), &Fr::from(SECRET)));
    assert!(!sat(expired.clone(), p.clone()));
    assert_eq!(fails_in(expired, p), [["7 dates", "today <= expires"]]);
}

#[test]
fn revoked_credential_is_rejected() {
    let w = world();
    // Nonce 5 is revoked at issuer 1: its leaf is 1, so the empty-leaf path fails.
    let revoked = witness_for(
        &w,
        1,
        &values("1990-05-17", "south", 3),
        5,
        "2030-12-31",
        POLICY,
    );
    assert!(revoked.public_inputs(None).is_err());
    assert!(!sat(revoked.clone(), honest_public()));
    // The instance is honest_public()'s (nonce 7's credential): its
    // nullifier and disclosures are the same for nonce 5, and the credential
    // is properly signed, so only the revocation step fails.
    assert_eq!(
        fails_in(revoked.clone(), honest_public()),
        [["6 not revoked", "root = rev_root"]]
    );
    // Presenting the path of a non-revoked slot (7) for nonce 5: only the tie
    // between path bits and the nonce refuses it.
    let mut cheat = revoked;
    cheat.revocation_path = w.revocations[1].0.path(7).unwrap();
    assert!(!sat(cheat.clone(), honest_public()));
    assert_eq!(
        fails_in(cheat, honest_public()),
        [["6 not revoked", "index = nonce"]]
    );
    assert!(w.revocations[1].non_revocation_path(5).is_err());
}

#[test]
fn predicates_are_checked_one_step_either_side_of_each_boundary() {
    let w = world();
    let public = honest_public();
    // Birthday today (eligible), tomorrow (not).
    for (birth, region, income, ok) in [
        ("2008-11-25", "south", 3, true),
        ("2008-11-26", "south", 3, false),
        ("1990-05-17", "north", 3, true),
        ("1990-05-17", "east", 3, false),
        ("1990-05-17", "south", 0, true),
        ("1990-05-17", "south", 4, false),
    ] {
        let wit = witness_for(
            &w,
            1,
            &values(birth, region, income),
            7,
            "2030-12-31",
            POLICY,
        );
        assert_eq!(
            wit.public_inputs(None).is_ok(),
            ok,
            "{birth} {region} {income}"
        );
        let mut p = public.clone();
        p.disclosure = commit_one(
            1,
            if region == "north" {
                1u64
            } else if region == "east" {
                3
            } else {
                2
            },
        );
        assert_eq!(sat(wit.clone(), p.clone()), ok, "{birth} {region} {income}");
        // Age is a birth-date upper bound, region a set, income `< 4` an
        // upper bound.
        let expected: &[&[&str]] = match (ok, region) {
            (true, _) => &[],
            (false, "east") => &[&["8 policy", "in set"]],
            (false, _) => &[&["8 policy", "x <= hi"]],
        };
        assert_eq!(fails_in(wit, p), expected, "{birth} {region} {income}");
    }
}

#[test]
fn out_of_range_attributes_do_not_alias() {
    // An issuer signs field elements that are not 64-bit integers: -1 (= r - 1,
    // "below 4" if read as signed) and 2^64 + 3 (low 64 bits 3). Neither may
    // pass `income_band < 4`.
    let w = world();
    let two_64 = ark_ff::Field::pow(&Fr::from(2u64), [64u64]);
    for bad in [
        -Fr::from(1u64),
        two_64 + Fr::from(3u64),
        Fr::from(3u64) - two_64,
    ] {
        let (_, mut wit) = honest();
        wit.attributes[3] = bad;
        let msg = wit.credential_hash();
        let sig = w.keys[1].sign(&msg);
        wit.r8 = sig.r8;
        wit.s = s_to_field(&sig.s);
        assert!(wit.public_inputs(None).is_err());
        assert!(!sat(wit.clone(), honest_public()));
        // Refused by the slot's bounds (x - lo or hi - x is not below 2^64),
        // nowhere else: the signature is good.
        let fails = fails_in(wit, honest_public());
        assert!(!fails.is_empty());
        for f in &fails {
            assert!(
                *f == ["8 policy", "lo <= x"] || *f == ["8 policy", "x <= hi"],
                "{fails:?}"
            );
        }
    }
}

#[test]
fn disclosed_value_changed_and_wrong_nullifier_are_rejected() {
    let (_, wit) = honest();
    let mut p = honest_public();
    p.disclosure = commit_one(1, 1);
    assert!(!sat(wit.clone(), p.clone()));
    assert_eq!(fails_in(wit.clone(), p), [["8 policy", "disclosure = D"]]);
    // The birth date revealed beside the region.
    let mut d = [Fr::from(0u64); ATTRIBUTE_SLOTS];
    d[0] = Fr::from(Date::parse("1990-05-17").unwrap().encode());
    d[1] = Fr::from(2u64);
    let mut p = honest_public();
    p.disclosure = disclosure_commitment(&Fr::from(555u64), &d);
    assert!(!sat(wit.clone(), p.clone()));
    assert_eq!(fails_in(wit.clone(), p), [["8 policy", "disclosure = D"]]);
    let mut p = honest_public();
    p.nullifier = Nullifier(p.nullifier.0 + Fr::from(1u64));
    assert!(!sat(wit.clone(), p.clone()));
    assert_eq!(fails_in(wit.clone(), p), [["9 nullifier"]]);
    let mut p = honest_public();
    p.schema += Fr::from(1u64);
    assert!(!sat(wit.clone(), p.clone()));
    // The schema enters only the signed credential hash (step 2), so another
    // schema is refused by the signature.
    assert_eq!(fails_in(wit, p), [SIGNATURE_EQUATION]);
}

#[test]
fn wrong_holder_secret_is_rejected() {
    let (_, mut wit) = honest();
    wit.holder_secret = Fr::from(SECRET + 1);
    assert!(wit.public_inputs(None).is_err());
    let mut p = honest_public();
    p.nullifier = Nullifier(nullifier(&Fr::from(77u64), &Fr::from(SECRET + 1)));
    assert!(!sat(wit.clone(), p.clone()));
    // Steps 1-2 only compute C and the credential hash; the credential
    // bound to another C is refused by the signature.
    assert_eq!(fails_in(wit, p), [SIGNATURE_EQUATION]);
}

#[test]
fn lenient_policy_with_the_honest_hash_is_rejected() {
    // The cheater's witness carries a lenient policy (no age bound) while the
    // instance keeps the office's policy hash: only the hash check stops it.
    let w = world();
    let minor = witness_for(
        &w,
        1,
        &values("2015-01-01", "south", 3),
        7,
        "2030-12-31",
        POLICY,
    );
    assert!(minor.public_inputs(None).is_err());
    let lenient = r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
        {"field":"region","op":"in","values":["north","south"]},
        {"field":"income_band","op":"<","value":4},
        {"field":"region","op":"disclose"}]}"#;
    let cheat = witness_for(
        &w,
        1,
        &values("2015-01-01", "south", 3),
        7,
        "2030-12-31",
        lenient,
    );
    let mut public = cheat.public_inputs(None).unwrap();
    assert!(sat(cheat.clone(), public.clone()));
    public.policy_hash = honest_public().policy_hash;
    assert!(!sat(cheat.clone(), public.clone()));
    assert_eq!(fails_in(cheat, public), [["8 policy", "hash = H_P"]]);
}

/// The instance a prover would claim for `wit`: everything honest, the
/// policy's hash and disclosures, whether or not the policy holds.
fn claimed(wit: &IdentityWitness) -> IdentityPublicInputs {
    let mut relaxed = wit.clone();
    for s in relaxed.policy.policy.slots.iter_mut() {
        let disclose = s.disclose;
        *s = zkgov_verifier::SlotConstraint::any();
        s.disclose = disclose;
    }
    let mut p = relaxed.public_inputs(None).unwrap();
    p.policy_hash = PolicyHash(wit.policy.policy.hash());
    p
}

#[test]
fn random_credentials_and_policies_agree_with_native_twin() {
    use rand::Rng;
    let mut rng = ChaCha20Rng::seed_from_u64(44); // ok: test
    let w = world();
    let cutoff = Date::parse(TODAY).unwrap().years_before(18).unwrap();
    let policies = [
        POLICY,
        r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
            {"field":"income_band","op":"between","min":2,"max":5},
            {"field":"region","op":"not-in","values":["east","west"]},
            {"field":"birth_date","op":"disclose"}]}"#,
        r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
            {"field":"birth_date","op":"age<","years":18},
            {"field":"income_band","op":"!=","value":3}]}"#,
    ];
    let regions = ["north", "south", "east", "west"];
    let (mut held, mut failed) = (0, 0);
    for i in 0..12 {
        let birth = Date(cutoff.0 + rng.gen_range(-2i64..=2)).to_string();
        let region = regions[rng.gen_range(0..4)];
        let income = rng.gen_range(0..7u64);
        let policy = policies[i % policies.len()];
        let wit = witness_for(
            &w,
            rng.gen_range(0..3),
            &values(&birth, region, income),
            20 + i as u64,
            "2030-12-31",
            policy,
        );
        let native = wit.public_inputs(Some(&MerkleRoot(w.tree.root())));
        let public = claimed(&wit);
        assert_eq!(
            sat(wit.clone(), public.clone()),
            native.is_ok(),
            "{birth} {region} {income} policy {i}"
        );
        // A failing credential fails in the policy step only.
        if native.is_err() {
            let fails = fails_in(wit, public.clone());
            assert!(
                !fails.is_empty() && fails.iter().all(|p| p[0] == "8 policy"),
                "{fails:?}"
            );
        }
        if let Ok(p) = native {
            assert_eq!(p, public);
            held += 1;
        } else {
            failed += 1;
        }
    }
    assert!(held > 0 && failed > 0, "{held} held, {failed} failed");
}
