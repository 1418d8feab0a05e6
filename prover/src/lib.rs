//! # zkgov-prover
//!
//! Proving for zkgov statements and the `zkgov` command line.
//!
//! * [`registry`] — registries of records and their trees;
//! * [`holder`] — the citizen's secret file;
//! * [`prove`] — record-membership proving into bundles;
//! * [`demo`] — the end-to-end demonstration run by `zkgov demo`.

pub mod demo;
mod error;
pub mod holder;
pub mod prove;
pub mod registry;

pub use error::ProverError;
