//! Witness-mutation harness.
//!
//! Synthesises a circuit with an honest witness, checks the system is
//! satisfied, then changes one witness variable at a time to each of
//! `0, 1, v - 1, v + 1, p - 1` and a random value (skipping the value it
//! already has) and re-checks every constraint that mentions it. A mutation
//! that leaves all of them satisfied leaves the whole system satisfied with
//! the same public inputs: either a witness variable is under-constrained
//! (a soundness bug) or the statement has a free choice it should not have.
//! [`mutation_survivors`] returns such mutations; tests assert there are none.
//!
//! [`trace_constraints`] synthesises a circuit with ark-relations'
//! constraint tracing on and reports, per constraint, the path of
//! namespaces it was made in, and which constraints are unsatisfied: a
//! negative test asserts *which step* refuses its witness.
//!
//! [`constraint_digest`] hashes a statement's R1CS matrices, so that a test
//! can pin the exact constraint system beside its constraint count.

use std::sync::OnceLock;

use ark_ff::{BigInteger, Field, PrimeField, UniformRand};
use ark_relations::gr1cs::{
    ConstraintLayer, ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, Matrix,
    OptimizationGoal, SynthesisError, SynthesisMode, TracingMode, Variable, R1CS_PREDICATE_LABEL,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zkgov_verifier::Fr;

use crate::CircuitError;

/// Outcome of a mutation run.
#[derive(Debug)]
pub struct MutationReport {
    /// Number of witness variables tried.
    pub witnesses: usize,
    /// Number of mutations tried.
    pub mutations: usize,
    /// Mutations that kept every constraint satisfied: `(witness index, value)`.
    pub survivors: Vec<(usize, Fr)>,
}

/// Runs the harness on `circuit` (which must be satisfied as given).
pub fn mutation_survivors<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
    rng: &mut impl RngCore,
) -> Result<MutationReport, CircuitError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    if !cs.is_satisfied()? {
        return Err(CircuitError::Unsatisfied(format!(
            "honest witness fails at {:?}",
            cs.which_is_unsatisfied()?
        )));
    }
    let R1cs { abc, mut z, n_inst } = r1cs(&cs)?;
    let (a, b, c) = (&abc[0], &abc[1], &abc[2]);
    // Rows mentioning each variable.
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); z.len()];
    for m in [a, b, c] {
        for (r, row) in m.iter().enumerate() {
            for (_, v) in row {
                if rows_of[*v].last() != Some(&r) {
                    rows_of[*v].push(r);
                }
            }
        }
    }
    for rows in rows_of.iter_mut() {
        rows.sort_unstable();
        rows.dedup();
    }
    let eval =
        |row: &Vec<(Fr, usize)>, z: &[Fr]| -> Fr { row.iter().map(|(k, v)| *k * z[*v]).sum() };
    let holds = |r: usize, z: &[Fr]| eval(&a[r], z) * eval(&b[r], z) == eval(&c[r], z);
    let mut report = MutationReport {
        witnesses: z.len() - n_inst,
        mutations: 0,
        survivors: Vec::new(),
    };
    for w in n_inst..z.len() {
        let v = z[w];
        let candidates = [
            Fr::from(0u64),
            Fr::from(1u64),
            v - Fr::ONE,
            v + Fr::ONE,
            -Fr::ONE,
            Fr::rand(&mut RngAdapter(rng)),
        ];
        for m in candidates {
            if m == v {
                continue;
            }
            report.mutations += 1;
            z[w] = m;
            if rows_of[w].iter().all(|&r| holds(r, &z)) {
                report.survivors.push((w - n_inst, m));
            }
        }
        z[w] = v;
    }
    Ok(report)
}

/// A finalized system's R1CS matrices `[A, B, C]`, its full assignment
/// `z = (instance, witness)` and the number of instance entries in `z`.
struct R1cs {
    abc: Vec<Matrix<Fr>>,
    z: Vec<Fr>,
    n_inst: usize,
}

/// The R1CS matrices `[A, B, C]` of the finalized `cs` (the one extraction
/// the mutation run, [`unsatisfied_rows_with`] and [`constraint_digest`]
/// share). Row `r` of each is constraint `r`; an entry `(k, j)` is the
/// coefficient `k` of column `j` of `z = (1, instance, witness)`.
fn matrices(cs: &ConstraintSystemRef<Fr>) -> Result<Vec<Matrix<Fr>>, CircuitError> {
    cs.to_matrices()?
        .remove(R1CS_PREDICATE_LABEL)
        .ok_or_else(|| CircuitError::Synthesis("no R1CS matrices".into()))
}

fn r1cs(cs: &ConstraintSystemRef<Fr>) -> Result<R1cs, CircuitError> {
    let abc = matrices(cs)?;
    let mut z = cs.instance_assignment()?;
    let n_inst = z.len();
    z.extend(cs.witness_assignment()?);
    Ok(R1cs { abc, z, n_inst })
}

/// The R1CS rows of the finalized `cs` that fail when the witness variables
/// in `overrides` (`(witness index, value)`) take other values than the
/// gadgets computed: lets a test play a cheating prover whose witness no
/// gadget would produce, and show which constraint alone stops it.
pub fn unsatisfied_rows_with(
    cs: &ConstraintSystemRef<Fr>,
    overrides: &[(usize, Fr)],
) -> Result<Vec<usize>, CircuitError> {
    let R1cs { abc, mut z, n_inst } = r1cs(cs)?;
    for (w, v) in overrides {
        *z.get_mut(n_inst + w)
            .ok_or_else(|| CircuitError::Synthesis(format!("no witness variable {w}")))? = *v;
    }
    let eval = |row: &Vec<(Fr, usize)>| -> Fr { row.iter().map(|(k, v)| *k * z[*v]).sum() };
    Ok((0..abc[0].len())
        .filter(|&r| eval(&abc[0][r]) * eval(&abc[1][r]) != eval(&abc[2][r]))
        .collect())
}

/// Where each constraint of a synthesised circuit was made, and which ones
/// its witness leaves unsatisfied.
#[derive(Debug)]
pub struct ConstraintTraces {
    /// Per constraint (row order), the names of the enclosing namespaces,
    /// outermost first. Spans that arkworks' own gadget functions open (every
    /// `ark_*` crate instruments its operations) are left out, so a path
    /// holds the statement's step and the zkgov gadgets' namespaces only.
    pub paths: Vec<Vec<&'static str>>,
    /// Indices of the unsatisfied constraints, ascending.
    pub unsatisfied: Vec<usize>,
}

impl ConstraintTraces {
    /// The path of the first unsatisfied constraint (what
    /// `ConstraintSystem::which_is_unsatisfied` names), if any.
    pub fn first_unsatisfied(&self) -> Option<&[&'static str]> {
        self.unsatisfied.first().map(|&r| self.paths[r].as_slice())
    }

    /// The distinct paths of all unsatisfied constraints, in order of first
    /// appearance.
    pub fn unsatisfied_paths(&self) -> Vec<&[&'static str]> {
        let mut out: Vec<&[&'static str]> = Vec::new();
        for &r in &self.unsatisfied {
            let p = self.paths[r].as_slice();
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// The distinct outermost namespaces (a statement's steps) of the
    /// unsatisfied constraints, in order of first appearance; `""` for a
    /// constraint made outside any namespace.
    pub fn unsatisfied_steps(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for &r in &self.unsatisfied {
            let step = self.paths[r].first().copied().unwrap_or("");
            if !out.contains(&step) {
                out.push(step);
            }
        }
        out
    }
}

/// A circuit from a closure, for gadget tests: `FnCircuit(|cs| { ... })`.
pub struct FnCircuit<F>(pub F);

impl<F> ConstraintSynthesizer<Fr> for FnCircuit<F>
where
    F: FnOnce(ConstraintSystemRef<Fr>) -> Result<(), SynthesisError>,
{
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        (self.0)(cs)
    }
}

/// Synthesises `circuit` with its witness (prove mode) while a `tracing`
/// subscriber with ark-relations' `ConstraintLayer` is the thread's default,
/// so that the constraint system records a trace for every constraint
/// (without such a subscriber ark-relations records none, and
/// `which_is_unsatisfied` only gives `"R1CS - <index>"`); returns each
/// constraint's namespace path and the unsatisfied constraints.
pub fn trace_constraints<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
) -> Result<ConstraintTraces, CircuitError> {
    use tracing_subscriber::layer::SubscriberExt;
    keep_callsite_interest_shared();
    let subscriber = tracing_subscriber::Registry::default()
        .with(ConstraintLayer::new(TracingMode::OnlyConstraints));
    tracing::subscriber::with_default(subscriber, || {
        let cs = ConstraintSystem::<Fr>::new_ref();
        circuit.generate_constraints(cs.clone())?;
        // Not finalized (finalizing costs several times the synthesis):
        // each constraint is evaluated from the assignments of its linear
        // combinations (tests check the verdict against `is_satisfied`).
        let guard = cs
            .borrow()
            .ok_or_else(|| CircuitError::Synthesis("no constraint system".into()))?;
        let abc = guard
            .predicate_constraint_systems
            .get(R1CS_PREDICATE_LABEL)
            .ok_or_else(|| CircuitError::Synthesis("no R1CS constraints".into()))?
            .get_constraints();
        let value = |v: Variable| {
            guard
                .assigned_value(v)
                .ok_or(CircuitError::Synthesis(format!("{v:?} has no value")))
        };
        let [a, b, c] = abc.as_slice() else {
            return Err(CircuitError::Synthesis(
                "R1CS constraints of arity 3".into(),
            ));
        };
        let mut unsatisfied = Vec::new();
        for (r, ((a, b), c)) in a.iter().zip(b).zip(c).enumerate() {
            if value(*a)? * value(*b)? != value(*c)? {
                unsatisfied.push(r);
            }
        }
        let traces = guard
            .predicate_traces
            .get(R1CS_PREDICATE_LABEL)
            .ok_or_else(|| CircuitError::Synthesis("no R1CS constraint traces".into()))?;
        if traces.len() != guard.num_constraints() {
            return Err(CircuitError::Synthesis(format!(
                "{} traces for {} constraints",
                traces.len(),
                guard.num_constraints()
            )));
        }
        let paths = traces
            .iter()
            .map(|t| {
                t.as_ref().map_or_else(Vec::new, |t| {
                    t.path()
                        .iter()
                        .filter(|s| !s.module_path.starts_with("ark_"))
                        .map(|s| s.name)
                        .collect()
                })
            })
            .collect();
        Ok(ConstraintTraces { paths, unsatisfied })
    })
}

/// While at most one `tracing` dispatcher is registered, tracing-core
/// computes a callsite's interest, when the callsite is first reached, from
/// the reaching thread's default dispatcher alone. A namespace first reached
/// by a concurrent test thread that has no subscriber would then stay
/// disabled for [`trace_constraints`]' subscriber, and its constraints would
/// silently lose their names (seen: steps 2-5 of a statement unnamed while
/// other tests ran). Two no-op dispatchers kept registered for the life of
/// the process keep tracing-core on the path that asks every live
/// dispatcher, under its dispatcher lock.
fn keep_callsite_interest_shared() {
    static KEEP: OnceLock<[tracing::Dispatch; 2]> = OnceLock::new();
    KEEP.get_or_init(|| {
        [(), ()].map(|_| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()))
    });
}

/// Domain label of [`constraint_digest`] (version 1 of the encoding below).
pub const CONSTRAINT_DIGEST_LABEL: &[u8] = b"zkgov.r1cs-matrices.v1";

/// SHA-256 of `circuit`'s R1CS matrices, synthesised as the prover and the
/// Groth16 setup synthesise it: setup mode (no witness values are computed,
/// so the digest cannot depend on them), `OptimizationGoal::Constraints`,
/// finalized.
///
/// The hashed bytes, all integers as `u64` little-endian:
///
/// ```text
/// CONSTRAINT_DIGEST_LABEL
/// num_instance_variables (including the constant 1), num_witness_variables,
/// num_constraints
/// for M in A, B, C: for each row r in 0..num_constraints:
///     len(M[r]), then for each entry (k, j) in stored order:
///         k as 32 canonical little-endian bytes (k < r_BN254), j
/// ```
///
/// Column `j` indexes `z = (1, instance, witness)`. The row lengths make the
/// encoding prefix-free; entries are hashed in the order arkworks stores
/// them, so the digest also pins that order.
pub fn constraint_digest<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
) -> Result<[u8; 32], CircuitError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    matrix_digest(&cs)
}

/// [`constraint_digest`] of an already synthesised and finalized `cs`, in
/// any mode (a test compares the honest prover's system with the setup one).
pub fn matrix_digest(cs: &ConstraintSystemRef<Fr>) -> Result<[u8; 32], CircuitError> {
    let abc = matrices(cs)?;
    let mut h = Sha256::new();
    let u64_le = |n: usize| (n as u64).to_le_bytes();
    h.update(CONSTRAINT_DIGEST_LABEL);
    h.update(u64_le(cs.num_instance_variables()));
    h.update(u64_le(cs.num_witness_variables()));
    h.update(u64_le(cs.num_constraints()));
    for m in &abc {
        if m.len() != cs.num_constraints() {
            return Err(CircuitError::Synthesis(format!(
                "a matrix has {} rows for {} constraints",
                m.len(),
                cs.num_constraints()
            )));
        }
        for row in m {
            h.update(u64_le(row.len()));
            for (k, j) in row {
                h.update(k.into_bigint().to_bytes_le());
                h.update(u64_le(*j));
            }
        }
    }
    Ok(h.finalize().into())
}

struct RngAdapter<'a, R: RngCore>(&'a mut R);

impl<R: RngCore> RngCore for RngAdapter<'_, R> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.0.try_fill_bytes(dest)
    }
}
