//! Development setup and circuit shapes.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal};
use ark_snark::SNARK;
use indicatif::{ProgressBar, ProgressStyle};
use rand::{CryptoRng, RngCore};
use zkgov_circuits::{identity::IdentityCircuit, record::RecordMembershipCircuit};
use zkgov_verifier::{
    identity::REVOCATION_DEPTH, StatementId, ValidatedVerifyingKey, VerifyingKey,
};

use crate::ParamsError;

/// A statement's circuit with placeholder values, for setup and shape.
pub enum BlankCircuit {
    /// Record membership at some depth.
    Record(Box<RecordMembershipCircuit>),
    /// Identity (fixed depths).
    Identity(Box<IdentityCircuit>),
    /// Ballot eligibility at some roll depth.
    Eligibility(Box<zkgov_circuits::eligibility::EligibilityCircuit>),
}

impl ConstraintSynthesizer<Fr> for BlankCircuit {
    fn generate_constraints(
        self,
        cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>,
    ) -> Result<(), ark_relations::gr1cs::SynthesisError> {
        match self {
            BlankCircuit::Record(c) => c.generate_constraints(cs),
            BlankCircuit::Identity(c) => c.generate_constraints(cs),
            BlankCircuit::Eligibility(c) => c.generate_constraints(cs),
        }
    }
}

/// The depth a statement's keys are made for: record membership takes the
/// registry depth asked for; the identity statement's trees have fixed
/// depths, and its keys are filed under [`REVOCATION_DEPTH`].
pub fn key_depth(statement: StatementId, requested: usize) -> usize {
    match statement {
        StatementId::RecordMembershipV2 | StatementId::BallotEligibilityV1 => requested,
        StatementId::IdentityV2 => REVOCATION_DEPTH,
    }
}

/// A statement's circuit with placeholder values, for setup and shape.
pub fn blank_circuit(statement: StatementId, depth: usize) -> BlankCircuit {
    match statement {
        StatementId::RecordMembershipV2 => {
            BlankCircuit::Record(Box::new(RecordMembershipCircuit::blank(depth)))
        }
        StatementId::IdentityV2 => BlankCircuit::Identity(Box::new(IdentityCircuit::blank())),
        StatementId::BallotEligibilityV1 => BlankCircuit::Eligibility(Box::new(
            zkgov_circuits::eligibility::EligibilityCircuit::blank(depth),
        )),
    }
}

/// Size of a statement's constraint system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Number of constraints.
    pub constraints: usize,
    /// Number of public inputs (without the constant 1).
    pub public_inputs: usize,
    /// Number of private witness variables.
    pub witnesses: usize,
}

/// The shape of `statement` at `depth`.
pub fn shape(statement: StatementId, depth: usize) -> Result<Shape, ParamsError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    blank_circuit(statement, depth)
        .generate_constraints(cs.clone())
        .map_err(|e| ParamsError::Setup(e.to_string()))?;
    cs.finalize();
    Ok(Shape {
        constraints: cs.num_constraints(),
        public_inputs: cs.num_instance_variables() - 1,
        witnesses: cs.num_witness_variables(),
    })
}

/// Converts an `ark-groth16` key to the verifier's type (same fields).
pub fn convert_vk(vk: &ark_groth16::VerifyingKey<Bn254>) -> VerifyingKey {
    VerifyingKey {
        alpha_g1: vk.alpha_g1,
        beta_g2: vk.beta_g2,
        gamma_g2: vk.gamma_g2,
        delta_g2: vk.delta_g2,
        gamma_abc_g1: vk.gamma_abc_g1.clone(),
    }
}

/// **Insecure, single-party** Groth16 setup for `statement` at `depth`:
/// whoever knows `rng`'s output can forge proofs. Shows a progress bar on a
/// terminal when `progress` is set.
pub fn dev_setup<R: RngCore + CryptoRng>(
    statement: StatementId,
    depth: usize,
    rng: &mut R,
    progress: bool,
) -> Result<(ProvingKey<Bn254>, ValidatedVerifyingKey), ParamsError> {
    let bar = if progress {
        ProgressBar::new(3)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar.set_message(format!("{statement} depth {depth}: measuring the circuit"));
    let s = shape(statement, depth)?;
    bar.inc(1);
    bar.set_message(format!(
        "{} constraints: generating keys (insecure dev setup)",
        s.constraints
    ));
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(blank_circuit(statement, depth), rng)
        .map_err(|e| ParamsError::Setup(e.to_string()))?;
    bar.inc(1);
    bar.set_message("validating the verifying key");
    let vk = convert_vk(&vk).validate(statement.num_public_inputs())?;
    bar.inc(1);
    bar.finish_and_clear();
    Ok((pk, vk))
}
