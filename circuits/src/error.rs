//! The one error type of the circuits crate.

use thiserror::Error;

/// Errors of native trees, witnesses and constraint synthesis.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CircuitError {
    /// Tree depth outside `1..=32`.
    #[error("tree depth {0} is outside 1..=32")]
    InvalidDepth(usize),
    /// The tree has `2^depth` leaves already.
    #[error("the tree is full ({0} leaves)")]
    TreeFull(u64),
    /// The zero leaf marks an empty slot and is never a member.
    #[error("the zero leaf cannot be inserted or proven")]
    ZeroLeaf,
    /// No leaf at this index.
    #[error("leaf index {index} is outside the tree's {len} leaves")]
    IndexOutOfRange {
        /// Requested index.
        index: u64,
        /// Number of leaves.
        len: u64,
    },
    /// A witness does not satisfy the statement (the message names only
    /// which check failed, never a witness value).
    #[error("witness does not satisfy the statement: {0}")]
    Unsatisfied(String),
    /// A value that must be below `2^bits` is not.
    #[error("{what} is not below 2^{bits}")]
    OutOfRange {
        /// Which value.
        what: String,
        /// Bit width.
        bits: usize,
    },
    /// Constraint synthesis failed.
    #[error("constraint synthesis failed: {0}")]
    Synthesis(String),
    /// An error from the verifier vocabulary (policy, public inputs).
    #[error(transparent)]
    Verify(#[from] zkgov_verifier::VerifyError),
}

impl From<ark_relations::gr1cs::SynthesisError> for CircuitError {
    fn from(e: ark_relations::gr1cs::SynthesisError) -> Self {
        CircuitError::Synthesis(e.to_string())
    }
}
