//! # zkgov-verifier
//!
//! What a verifying agency adds to its service: the vocabulary of zkgov
//! (statements, public inputs, policies, bundles) and every check, with no
//! prover, R1CS, threads, filesystem or network in its dependency tree.
//!
//! * [`field`] — canonical parsing of field elements from outside input;
//! * [`poseidon`] — circomlib-compatible Poseidon (1..16 inputs);
//! * [`babyjub`] — Baby Jubjub points (circomlib coordinates), issuer keys, EdDSA-Poseidon;
//! * [`identity`] — credential schemas, dates, credentials, identity policies and the agency-side identity check;
//! * [`statement`] — statement identifiers and their public inputs;
//! * [`policy`] — the predicate language and policy hash;
//! * [`groth16`] — validated verifying keys, proofs, verification;
//! * [`bundle`] — proof bundle format v1 and the agency-side record check;
//! * [`snarkjs`] — reading and writing snarkjs JSON;
//! * [`log`] — transparency-log proofs, checkpoints and signed notes;
//! * [`entry`] — typed, versioned ledger entries;
//! * [`receipt`] — ledger receipts checked offline, and the registry-root policy;
//! * [`domain`] — every domain-separation label.
//!
//! ```no_run
//! use zkgov_verifier::{bundle::{verify_record, Bundle, RecordRequest}, groth16::ValidatedVerifyingKey,
//!     policy::Policy, statement::{StatementId, MerkleRoot, Scope, Context, RECORD_FIELDS}};
//! # fn run(vk_bytes: &[u8], bundle_json: &str, root: MerkleRoot, scope: Scope, challenge: Context) -> Result<(), zkgov_verifier::VerifyError> {
//! let vk = ValidatedVerifyingKey::from_bytes(vk_bytes, StatementId::RecordMembershipV1.num_public_inputs())?;
//! let policy = Policy::from_json(r#"{"version":1,"clauses":[{"field":1,"op":">=","value":500}]}"#)?
//!     .compile(RECORD_FIELDS, &[])?;
//! let request = RecordRequest { accepted_roots: vec![root], policy, scope, context: challenge };
//! let outcome = verify_record(&Bundle::from_json(bundle_json)?, &vk, &request)?;
//! println!("nullifier {}", outcome.nullifier);
//! # Ok(()) }
//! ```

pub mod babyjub;
pub mod bundle;
pub mod domain;
pub mod encoding;
pub mod entry;
mod error;
pub mod field;
pub mod groth16;
pub mod identity;
pub mod log;
pub mod policy;
pub mod poseidon;
pub mod receipt;
pub mod snarkjs;
pub mod statement;

pub use error::{ErrorKind, VerifyError};
pub use field::Fr;
