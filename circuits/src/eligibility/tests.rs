use super::*;
use crate::merkle::MerkleTree;
use ark_relations::gr1cs::ConstraintSystem;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// A roll of `n` voters with secrets 500 + i; a witness for voter `idx`.
fn fixture(depth: usize, n: u64, idx: u64) -> (MerkleTree, EligibilityWitness) {
    let leaves: Vec<Fr> = (0..n)
        .map(|i| voter_commitment(&Fr::from(500 + i)))
        .collect();
    let tree = MerkleTree::from_leaves(depth, &leaves).unwrap();
    let w = EligibilityWitness {
        secret: Fr::from(500 + idx),
        path: tree.path(idx).unwrap(),
        election: Fr::from(4242u64),
        ballot_hash: Fr::from(999u64),
    };
    (tree, w)
}

fn failing_steps(c: EligibilityCircuit) -> Vec<&'static str> {
    crate::harness::trace_constraints(c)
        .unwrap()
        .unsatisfied_steps()
}

#[test]
fn an_honest_voter_satisfies_every_step() {
    let (tree, w) = fixture(DEFAULT_DEPTH, 12, 7);
    let p = w.public_inputs(Some(&MerkleRoot(tree.root()))).unwrap();
    assert_eq!(p.roll_root.0, tree.root());
    let t = crate::harness::trace_constraints(EligibilityCircuit::new(DEFAULT_DEPTH, w).unwrap())
        .unwrap();
    assert!(t.unsatisfied.is_empty());
    let per_step: Vec<usize> = STEPS
        .iter()
        .map(|s| t.paths.iter().filter(|p| p.first() == Some(s)).count())
        .collect();
    println!("ballot eligibility at depth 20, constraints per step: {per_step:?}");
    assert_eq!(per_step.iter().sum::<usize>(), t.paths.len());
}

/// A cheating prover: the honest witness with the claimed instance changed.
fn cheat(tamper: impl FnOnce(&mut EligibilityPublicInputs)) -> Vec<&'static str> {
    let (_, w) = fixture(6, 9, 3);
    let mut public = w.public_inputs(None).unwrap();
    tamper(&mut public);
    failing_steps(EligibilityCircuit::with_claimed_instance(6, w, public))
}

#[test]
fn another_root_election_or_nullifier_is_refused_at_its_step() {
    assert_eq!(
        cheat(|p| p.roll_root.0 += Fr::from(1u64)),
        ["2 roll membership"]
    );
    // The nullifier of another election, or another nullifier.
    assert_eq!(cheat(|p| p.election += Fr::from(1u64)), ["3 nullifier"]);
    assert_eq!(cheat(|p| p.nullifier.0 += Fr::from(1u64)), ["3 nullifier"]);
}

#[test]
fn a_voter_off_the_roll_is_refused_natively_and_in_the_circuit() {
    let (tree, mut w) = fixture(6, 9, 3);
    w.secret = Fr::from(12345u64);
    assert!(w.public_inputs(Some(&MerkleRoot(tree.root()))).is_err());
    let mut public = w.public_inputs(None).unwrap();
    public.roll_root = MerkleRoot(tree.root());
    assert!(
        failing_steps(EligibilityCircuit::with_claimed_instance(6, w, public))
            .contains(&"2 roll membership")
    );
}

#[test]
fn no_single_witness_mutation_survives() {
    let mut rng = ChaCha20Rng::seed_from_u64(42); // ok: test
    let (_, w) = fixture(8, 20, 3);
    let report =
        crate::harness::mutation_survivors(EligibilityCircuit::new(8, w).unwrap(), &mut rng)
            .unwrap();
    assert!(report.witnesses > 1000, "{report:?}");
    assert!(
        report.survivors.is_empty(),
        "under-constrained witnesses: {:?}",
        report.survivors
    );
}

#[test]
fn pinned_shape_at_depth_20() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    EligibilityCircuit::blank(DEFAULT_DEPTH)
        .generate_constraints(cs.clone())
        .unwrap();
    cs.finalize();
    // A change here means new keys: make it deliberately.
    assert_eq!(cs.num_constraints(), PINNED_CONSTRAINTS_DEPTH_20);
    assert_eq!(cs.num_instance_variables() - 1, 4);
    let digest =
        crate::harness::constraint_digest(EligibilityCircuit::blank(DEFAULT_DEPTH)).unwrap();
    assert_eq!(hex::encode(digest), PINNED_DIGEST_DEPTH_20);
}

/// Pinned constraint count of ballot eligibility at depth 20.
const PINNED_CONSTRAINTS_DEPTH_20: usize = 5_315;

/// Pinned SHA-256 of the eligibility R1CS matrices at depth 20.
const PINNED_DIGEST_DEPTH_20: &str =
    "6c19d1f2dc45d24b9ebe18ece241267ca46715de6d45e0769c900940f34e3219";
