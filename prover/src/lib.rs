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

mod anchoring;
mod audit;
pub mod clock;
pub mod demo;
pub mod election;
mod error;
mod export;
mod holder;
mod identity;
mod presentation;
mod prove;
mod registry;
pub mod service;

pub use anchoring::{revocation_registry, LedgerSession, ACCREDITED_REGISTRY};
pub use audit::{audit, audit_ledger, AuditReport};
pub use error::ProverError;
pub use export::{LogExport, EXPORT_FORMAT};
pub use holder::HolderSecret;
pub use identity::{
    accredit_in_file, issue_to_files, prove_identity, read_text, revoke_in_file, write_public,
    AccreditedIssuers, Anchor, IdentityProofRequest, IssueRequest, IssuerKey, IssuerRegister,
    ListedIssuer, Revocation, RootChange,
};
pub use presentation::{DisclosedValue, Presentation, PresentationLog};
pub use prove::{
    fresh_salt, presentation_salt, prove_circuit, prove_from_registry, prove_record,
    PreparedProver, RecordProofRequest,
};
pub use registry::Registry;
