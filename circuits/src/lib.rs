//! # zkgov-circuits
//!
//! R1CS gadgets and statements over BN254, each gadget with a native twin of
//! the same name.
//!
//! * [`poseidon`] — circomlib Poseidon gadget (native twin in `zkgov-verifier`);
//! * [`merkle`] — fixed-depth Poseidon Merkle tree and path gadget;
//! * [`cmp`] — range checks and comparisons below `2^k`;
//! * [`eddsa`] — EdDSA-Poseidon on Baby Jubjub: issuer keys, signing, the verifier gadget;
//! * [`policy`] — the policy (predicate) gadget and policy hash;
//! * [`smt`] — sparse Merkle tree (revocation, non-membership);
//! * [`identity`] — the identity-credential statement;
//! * [`record`] — the record-membership statement;
//! * `harness` (feature `test-harness`) — the witness-mutation harness.

/// Opens a named constraint namespace, closed when the returned guard drops:
/// constraints made meanwhile are traced under `$name` (inside any enclosing
/// namespace) when a `tracing` subscriber with ark-relations'
/// `ConstraintLayer` is installed, as the test harness does; otherwise the
/// span is disabled and costs nothing. Like ark-relations' `ns!` (the same
/// `gr1cs` target), except that `ns!` forgets its span, leaking it whenever
/// a subscriber is installed. Namespaces never change the constraint system.
macro_rules! namespace {
    ($name:literal) => {
        ark_relations::gr1cs::info_span!(target: "gr1cs", $name).entered()
    };
}

mod checked;
pub mod cmp;
pub mod eddsa;
pub mod eligibility;
mod error;
#[cfg(any(test, feature = "test-harness"))]
pub mod harness;
pub mod identity;
pub mod merkle;
pub mod policy;
pub mod poseidon;
pub mod record;
pub mod smt;

pub use error::CircuitError;
