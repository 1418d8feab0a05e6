//! The prepared prover ([`MatrixProver`]) agrees with `ark-groth16`: on
//! random circuits and witnesses, the same `r`, `s` give the same proof
//! bytes, and a fixed seed gives the same proof as `Groth16::prove`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_bn254::{Bn254, Fr};
use ark_ff::{One, UniformRand, Zero};
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::{
    gr1cs::{
        ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, Matrix, OptimizationGoal,
        SynthesisError, SynthesisMode, Variable, R1CS_PREDICATE_LABEL,
    },
    lc,
};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkgov_groth16::MatrixProver;
use zkgov_verifier::VerifyingKey;

/// A random circuit: `shape` fixes the constraints, `values` the witness.
/// Each step adds a witness `v = (c1 x_i + c2 x_j) * x_k`, or (with chance
/// `bits` in 4) a boolean `b (1 - b) = 0`, so the assignment mixes 0, 1,
/// small and large values; `bits = 4` gives a circuit of bits only (the
/// prover then sums the B query in G1 apart from C's other sums).
#[derive(Clone)]
struct RandomCircuit {
    shape: u64,
    values: u64,
    inputs: usize,
    steps: usize,
    bits: u32,
}

impl ConstraintSynthesizer<Fr> for RandomCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let mut shape = ChaCha20Rng::seed_from_u64(self.shape);
        let mut values = ChaCha20Rng::seed_from_u64(self.values);
        let value = |rng: &mut ChaCha20Rng| match rng.gen_range(0..4) {
            0 => Fr::zero(),
            1 => Fr::one(),
            2 => Fr::from(rng.gen::<u16>()),
            _ => Fr::rand(rng),
        };
        let mut vars = vec![(Variable::One, Fr::one())];
        for _ in 0..self.inputs {
            let x = value(&mut values);
            vars.push((cs.new_input_variable(|| Ok(x))?, x));
        }
        for _ in 0..self.steps {
            if shape.gen_range(0..4) < self.bits {
                let b = Fr::from(values.gen::<bool>());
                let v = cs.new_witness_variable(|| Ok(b))?;
                cs.enforce_r1cs_constraint(|| lc!() + v, || lc!() + Variable::One - v, || lc!())?;
                vars.push((v, b));
                continue;
            }
            let n = vars.len();
            let (i, j, k) = (
                shape.gen_range(0..n),
                shape.gen_range(0..n),
                shape.gen_range(0..n),
            );
            let (c1, c2) = (Fr::from(shape.gen::<u8>()), Fr::rand(&mut shape));
            let (xi, xj, xk) = (vars[i], vars[j], vars[k]);
            let val = (c1 * xi.1 + c2 * xj.1) * xk.1;
            let v = cs.new_witness_variable(|| Ok(val))?;
            cs.enforce_r1cs_constraint(
                || lc!() + (c1, xi.0) + (c2, xj.0),
                || lc!() + xk.0,
                || lc!() + v,
            )?;
            vars.push((v, val));
        }
        Ok(())
    }
}

struct Prepared {
    pk: ProvingKey<Bn254>,
    matrices: Vec<Matrix<Fr>>,
    num_inputs: usize,
    num_constraints: usize,
}

fn prepare(c: &RandomCircuit, seed: u64) -> Prepared {
    let pk = Groth16::<Bn254>::generate_random_parameters_with_reduction(
        c.clone(),
        &mut ChaCha20Rng::seed_from_u64(seed),
    )
    .unwrap();
    // As `zkgov_prover::PreparedProver::new` builds them.
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    c.clone().generate_constraints(cs.clone()).unwrap();
    cs.finalize();
    let matrices = cs
        .to_matrices()
        .unwrap()
        .remove(R1CS_PREDICATE_LABEL)
        .unwrap();
    Prepared {
        pk,
        matrices,
        num_inputs: cs.num_instance_variables(),
        num_constraints: cs.num_constraints(),
    }
}

fn assignment(c: &RandomCircuit) -> Vec<Fr> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove {
        construct_matrices: false,
        generate_lc_assignments: false,
    });
    c.clone().generate_constraints(cs.clone()).unwrap();
    let mut full = cs.instance_assignment().unwrap();
    full.extend(cs.witness_assignment().unwrap());
    full
}

fn zkgov_vk(pk: &ProvingKey<Bn254>) -> VerifyingKey {
    VerifyingKey {
        alpha_g1: pk.vk.alpha_g1,
        beta_g2: pk.vk.beta_g2,
        gamma_g2: pk.vk.gamma_g2,
        delta_g2: pk.vk.delta_g2,
        gamma_abc_g1: pk.vk.gamma_abc_g1.clone(),
    }
}

fn agree(c: &RandomCircuit, seed: u64) {
    let p = prepare(c, seed);
    let full = assignment(c);
    let ours =
        MatrixProver::new(p.pk.clone(), &p.matrices, p.num_inputs, p.num_constraints).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0x5eed);
    let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let theirs = Groth16::<Bn254>::create_proof_with_reduction_and_matrices(
        &p.pk,
        r,
        s,
        &p.matrices,
        p.num_inputs,
        p.num_constraints,
        &full,
    )
    .unwrap();
    let proof = ours.prove(&full, r, s).unwrap();
    assert_eq!(
        (proof.a, proof.b, proof.c),
        (theirs.a, theirs.b, theirs.c),
        "shape {} values {}",
        c.shape,
        c.values
    );
    // With window tables, full or squeezed by a budget that leaves some
    // queries without, the proof is the same.
    for budget in [usize::MAX, 20_000] {
        let tabled = ours.clone().with_tables(budget);
        assert!(tabled.table_bytes() <= budget);
        assert_eq!(tabled.prove(&full, r, s).unwrap(), proof, "budget {budget}");
    }
    let vk = zkgov_vk(&p.pk).validate(p.num_inputs - 1).unwrap();
    vk.verify(&proof, &full[1..p.num_inputs]).unwrap();
}

#[test]
fn a_fixed_seed_gives_arkworks_proof() {
    let c = RandomCircuit {
        shape: 1,
        values: 2,
        inputs: 3,
        steps: 40,
        bits: 1,
    };
    let p = prepare(&c, 3);
    let ours =
        MatrixProver::new(p.pk.clone(), &p.matrices, p.num_inputs, p.num_constraints).unwrap();
    // `Groth16::prove` draws r, then s.
    let theirs = Groth16::<Bn254>::create_random_proof_with_reduction(
        c.clone(),
        &p.pk,
        &mut ChaCha20Rng::seed_from_u64(4),
    )
    .unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let proof = ours.prove(&assignment(&c), r, s).unwrap();
    assert_eq!((proof.a, proof.b, proof.c), (theirs.a, theirs.b, theirs.c));
}

#[test]
fn shapes_that_do_not_fit_are_refused() {
    let c = RandomCircuit {
        shape: 5,
        values: 6,
        inputs: 2,
        steps: 10,
        bits: 1,
    };
    let p = prepare(&c, 7);
    assert!(MatrixProver::new(
        p.pk.clone(),
        &p.matrices[..2],
        p.num_inputs,
        p.num_constraints
    )
    .is_err());
    assert!(MatrixProver::new(
        p.pk.clone(),
        &p.matrices,
        p.num_inputs + 1,
        p.num_constraints
    )
    .is_err());
    assert!(MatrixProver::new(
        p.pk.clone(),
        &p.matrices,
        p.num_inputs,
        p.num_constraints + 1
    )
    .is_err());
    let ours =
        MatrixProver::new(p.pk.clone(), &p.matrices, p.num_inputs, p.num_constraints).unwrap();
    let mut full = assignment(&c);
    full.pop();
    assert!(ours.prove(&full, Fr::one(), Fr::one()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    #[test]
    fn matrix_prover_agrees_with_arkworks(
        shape in any::<u64>(),
        values in any::<u64>(),
        inputs in 0usize..5,
        steps in 1usize..80,
        bits in 1u32..=4,
    ) {
        agree(&RandomCircuit { shape, values, inputs, steps, bits }, shape ^ values);
    }
}

/// A circuit of bits only: most wires are 0 or 1, so B's G1 sum runs apart
/// (with the scalars w_i, then times r); still the arkworks proof.
#[test]
fn a_circuit_of_bits_agrees_with_arkworks() {
    for seed in 0..4 {
        let c = RandomCircuit {
            shape: 100 + seed,
            values: 200 + seed,
            inputs: 2,
            steps: 60,
            bits: 4,
        };
        agree(&c, seed);
    }
}
