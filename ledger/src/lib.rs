//! # zkgov-ledger
//!
//! An append-only transparency log that anchors registry roots, verifying
//! keys, authority keys and accepted proofs with their nullifiers.
//!
//! * [`tree`] — the RFC 9162 Merkle tree in memory (roots and proofs at any size);
//! * [`store`] — storage behind one trait: SQLite (default), PostgreSQL and in-memory;
//! * [`ledger`] — validation, group commit, signed checkpoints, receipts;
//! * [`authority`] — authority key files, genesis files and signed submissions;
//! * [`http`] — the HTTP API (axum) and the client the proving side uses;
//! * [`witness`] — a C2SP tlog-witness (`zkgov witness serve`) and, in [`ledger`], the log's side that gathers cosignatures;
//! * [`dir`] — a ledger in a data directory: database (or PostgreSQL), log key, signed-size file, lock;
//! * [`LedgerError`], [`ErrorCode`], [`ErrorBody`] — the error contract, in process and over HTTP.

pub mod authority;
pub mod dir;
mod error;
pub mod http;
pub mod ledger;
pub mod store;
pub mod tiles;
pub mod tree;
pub mod witness;

pub use error::{Duplicate, ErrorBody, ErrorCode, LedgerError, Refusal, Unauthorised};
pub use ledger::{ElectionStatus, Ledger, LedgerConfig, Submission};
pub use zkgov_verifier::Receipt;
