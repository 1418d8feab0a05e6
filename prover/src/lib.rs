//! # zkgov-prover
//!
//! Proving for zkgov statements, what authorities and holders do on a
//! ledger, and the `zkgov` command line. The modules are private; this is
//! what the crate offers:
//!
//! | what | items |
//! |---|---|
//! | the citizen's secret | [`HolderSecret`] |
//! | registries of records | [`Registry`] |
//! | proving | [`PreparedProver`] (constraint matrices built once per key), [`prove_from_registry`], [`prove_record`], [`prove_identity`], [`prove_circuit`] |
//! | issuers and accreditation | [`IssuerKey`], [`IssuerRegister`], [`AccreditedIssuers`], and the file workflows [`issue_to_files`], [`revoke_in_file`], [`accredit_in_file`] |
//! | the ledger, as authorities and holders use it | [`LedgerSession`]: register a verifying key, publish a root, anchor a proof |
//! | answering an agency's signed request, and the holder's own log of presentations | [`LedgerSession::check_request`], [`PresentationLog`], [`Presentation`] |
//! | the auditor's replay of a whole log | [`audit`], [`audit_ledger`], [`AuditReport`] |
//! | errors | [`ProverError`] |
//! | the clock (read only by commands and the demo) | [`clock`] |
//! | the end-to-end demonstration, told with the items above | [`demo`] |
//! | the prover service (`zkgov serve`) | [`service`] |
//!
//! Everything that touches a ledger, a server or the command line is behind
//! the default feature `cli`; without it the crate is the holder's proving
//! path alone and builds for `wasm32-unknown-unknown` (zkgov-wasm).

#[cfg(feature = "cli")]
mod anchored_files;
#[cfg(feature = "cli")]
mod anchoring;
#[cfg(feature = "cli")]
mod audit;
#[cfg(feature = "cli")]
pub mod clock;
#[cfg(feature = "cli")]
pub mod demo;
#[cfg(feature = "cli")]
pub mod election;
mod error;
#[cfg(feature = "cli")]
mod export;
mod holder;
mod identity;
#[cfg(feature = "cli")]
mod presentation;
mod prove;
mod registry;
#[cfg(feature = "cli")]
pub mod service;

#[cfg(feature = "cli")]
pub use anchored_files::{accredit_in_file, revoke_in_file, Anchor, Revocation, RootChange};
#[cfg(feature = "cli")]
pub use anchoring::{revocation_registry, LedgerSession, ACCREDITED_REGISTRY};
#[cfg(feature = "cli")]
pub use audit::{audit, audit_ledger, AuditReport};
pub use error::ProverError;
#[cfg(feature = "cli")]
pub use export::{LogExport, EXPORT_FORMAT};
pub use holder::HolderSecret;
pub use identity::{
    issue_to_files, prove_identity, read_text, write_public, AccreditedIssuers,
    IdentityProofRequest, IssueRequest, IssuerKey, IssuerRegister, ListedIssuer,
};
#[cfg(feature = "cli")]
pub use presentation::{DisclosedValue, Presentation, PresentationLog};
pub use prove::{
    fresh_salt, presentation_salt, prove_circuit, prove_from_registry, prove_record,
    PreparedProver, RecordProofRequest,
};
pub use registry::Registry;
