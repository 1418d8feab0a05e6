//! # zkgov-ledger
//!
//! An append-only transparency log that anchors registry roots, verifying
//! keys, authority keys and accepted proofs with their nullifiers.
//!
//! * [`tree`] — the RFC 9162 Merkle tree in memory (roots and proofs at any size);
//! * [`store`] — storage behind one trait: SQLite (default) and in-memory;
//! * [`ledger`] — validation, group commit, signed checkpoints, receipts;
//! * [`http`] — the HTTP API (axum) and the client the proving side uses;
//! * [`dir`] — a ledger in a data directory: database, log key, signed-size file.

pub mod dir;
mod error;
pub mod http;
pub mod ledger;
pub mod store;
pub mod tree;

pub use error::LedgerError;
pub use ledger::{Ledger, LedgerConfig, Submission};
pub use zkgov_verifier::receipt::Receipt;
