//! # zkgov-prover
//!
//! Proving for zkgov statements and the `zkgov` command line.
//!
//! * [`registry`] — registries of records and their trees;
//! * [`holder`] — the citizen's secret file;
//! * [`prove`] — record-membership proving into bundles;
//! * [`identity`] — issuer keys and registers, issuing, revoking, accreditation, identity proving;
//! * [`demo`] — the end-to-end demonstration run by `zkgov demo`.

pub mod demo;
pub mod demo_identity;
mod error;
pub mod holder;
pub mod identity;
pub mod prove;
pub mod registry;

pub use error::ProverError;
