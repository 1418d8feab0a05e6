//! # zkgov-verifier
//!
//! What a verifying agency adds to its service: the vocabulary of zkgov
//! (statements, public inputs, policies, bundles, ledger entries) and every
//! check, with no prover, R1CS, threads, filesystem or network in its
//! dependency tree. Nothing here signs or proves.
//!
//! The crate reads as this table of contents; its modules are private
//! except for four namespaces ([`identity`], [`log`], [`snarkjs`],
//! [`babyjub`], plus the curve-level [`poseidon`] and the wire
//! [`encoding`]).
//!
//! | what | items |
//! |---|---|
//! | errors | [`VerifyError`], [`ErrorKind`] (malformed / mismatch / invalid proof) |
//! | field elements from outside | [`Fr`], [`parse_decimal`], [`to_decimal`], [`label_to_field`], [`from_bytes_le`], [`from_bytes_be`] |
//! | statements and their public inputs, defined once | [`StatementId`], [`RecordPublicInputs`], [`IdentityPublicInputs`], [`MerkleRoot`], [`Nullifier`], [`Scope`], [`Context`], [`PolicyHash`], [`DisclosureCommitment`], [`RECORD_FIELDS`] |
//! | the disclosure commitment and its opening | [`disclosure_commitment`], [`DisclosureOpening`] |
//! | the predicate language | [`Policy`], [`CompiledPolicy`], [`SlotConstraint`] |
//! | Groth16 (one proof, or a batch for one key: [`ValidatedVerifyingKey::verify_batch`]) | [`ValidatedVerifyingKey`], [`Proof`], [`VerifyingKeyDigest`] |
//! | bundles and the agency's record check | [`Bundle`], [`RecordRequest`], [`verify_record`], [`RecordVerifier`], [`RecordOutcome`] |
//! | identity credentials and the agency's identity check | [`identity`]: [`identity::IdentityVerifier`], [`identity::Schema`], [`identity::IdentityPolicy`], [`identity::Date`], [`identity::Credential`] |
//! | ledger entries (typed, versioned; canonical bytes are the log leaves) | [`Entry`], [`EntryBody`], [`Authority`], [`Role`], [`RegistryRoot`], [`ProofAnchor`], ... |
//! | agencies' signed presentation requests and the holder's checks | [`PresentationRequest`], [`CheckedRequest`], [`Agency`], [`Scope::for_agency`] |
//! | what an anchor is keyed by, and the ledger's freshness rules | [`AnchorFacts`], [`Staleness`] |
//! | receipts checked offline, the registry-root policy | [`Receipt`], [`RootPolicy`], [`check_anchor`], [`verify_anchor`] |
//! | transparency-log checks (from `zkgov-tlog`) | [`log`]: checkpoints, signed notes, inclusion and consistency proofs |
//! | snarkjs JSON both ways | [`snarkjs`] |
//! | domain-separation labels | [`Label`] |
//!
//! ```no_run
//! use zkgov_verifier::{verify_record, Bundle, Context, MerkleRoot, Policy, RecordRequest, Scope,
//!     StatementId, ValidatedVerifyingKey, VerifyError, RECORD_FIELDS};
//! # fn run(vk_bytes: &[u8], bundle_json: &str, root: MerkleRoot, scope: Scope, challenge: Context) -> Result<(), VerifyError> {
//! let vk = ValidatedVerifyingKey::from_bytes(vk_bytes, StatementId::RecordMembershipV2.num_public_inputs())?;
//! let policy = Policy::from_json(r#"{"version":1,"clauses":[{"field":1,"op":">=","value":500}]}"#)?
//!     .compile(RECORD_FIELDS, &[])?;
//! let request = RecordRequest { accepted_roots: vec![root], policy, scope, context: challenge };
//! let outcome = verify_record(&Bundle::from_json(bundle_json)?, &vk, &request)?;
//! println!("nullifier {}", outcome.nullifier);
//! # Ok(()) }
//! ```

pub mod babyjub;
mod bundle;
mod disclosure;
mod domain;
pub mod election;
pub mod encoding;
mod entry;
mod error;
mod field;
mod freshness;
mod groth16;
pub mod identity;
mod policy;
pub mod poseidon;
mod receipt;
mod request;
pub mod snarkjs;
mod statement;

/// Transparency-log checks: the verifying half of `zkgov-tlog` (which also
/// generates proofs and signs notes, for the ledger).
pub mod log {
    pub use zkgov_tlog::{
        leaf_hash, verify_checkpoint, verify_consistency, verify_cosignatures, verify_inclusion,
        verify_note, Checkpoint, CosignatureVerifier, Hash, NoteVerifier, TlogError,
        VerifiedCheckpoint, VerifiedCosigned, VerifiedNote, MAX_NOTE_BYTES, MAX_SIGNATURES,
    };
}

pub use bundle::{
    fr_to_u64, verify_record, Bundle, PublicInputs, RecordOutcome, RecordRequest, RecordVerifier,
    VerifiedStatement, BUNDLE_FORMAT, BUNDLE_VERSION,
};
pub use disclosure::{disclosure_commitment, DisclosureOpening};
pub use domain::Label;
pub use entry::{
    signing_message, Agency, AgencyRegistration, Authority, AuthorityKey, Entry, EntryBody,
    EntrySignature, Genesis, KeyRegistration, ProofAnchor, ProofDigest, RegistryRoot, Role,
    VkRegistration, ENTRY_VERSION,
};
pub use error::{ErrorKind, VerifyError};
pub use field::{
    from_bytes_be, from_bytes_le, label_to_field, parse_decimal, to_bytes_le, to_decimal, Fr,
};
pub use freshness::{AnchorFacts, Staleness, MAX_DATE_SKEW_DAYS};
pub use groth16::{Proof, ValidatedVerifyingKey, VerifyingKey, VerifyingKeyDigest, PROOF_SIZE};
pub use policy::{
    Clause, CompiledPolicy, FieldRef, Policy, Predicate, SetMode, SlotConstraint, SET_SIZE,
    VALUE_BITS,
};
pub use receipt::{
    check_anchor, verify_anchor, Receipt, RootPolicy, VerifiedReceipt, WitnessPolicy,
};
pub use request::{
    CheckedRequest, PresentationRequest, MAX_REQUEST_LIFETIME, MAX_REQUEST_SKEW, REQUEST_FORMAT,
    REQUEST_VERSION,
};
pub use statement::{
    Context, DisclosureCommitment, EligibilityInputVars, EligibilityPublicInputs,
    IdentityInputVars, IdentityPublicInputs, InputSlot, MerkleRoot, Nullifier, PolicyHash,
    RecordInputVars, RecordPublicInputs, Scope, StatementId, RECORD_FIELDS,
};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
