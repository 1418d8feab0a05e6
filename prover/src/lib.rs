//! # zkgov-prover
//!
//! Proving for zkgov statements, what authorities and holders do on a
//! ledger, and the `zkgov` command line.
//!
//! * [`registry`] — registries of records and their trees;
//! * [`holder`] — the citizen's secret file;
//! * [`prove`] — record-membership proving into bundles;
//! * [`identity`] — issuer keys and registers, issuing, revoking, accreditation, identity proving;
//! * [`anchoring`] — registering keys, publishing roots and anchoring proofs on a ledger;
//! * [`clock`] — the system clock, read only by commands and the demo;
//! * [`demo`] — the end-to-end demonstration run by `zkgov demo`, told with the modules above.

pub mod anchoring;
pub mod clock;
pub mod demo;
pub mod demo_identity;
mod error;
pub mod holder;
pub mod identity;
pub mod prove;
pub mod registry;

pub use error::ProverError;
