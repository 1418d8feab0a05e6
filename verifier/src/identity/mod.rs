//! Identity credentials: what issuers sign, what agencies ask, and how an
//! agency checks an identity proof.
//!
//! * [`date`] — dates as day numbers, ages;
//! * [`schema`] — typed attribute slots and the schema hash;
//! * [`credential`] — the signed credential and its file;
//! * [`policy`] — identity policies (values as people write them, ages);
//! * [`IdentityVerifier`] — the agency's check of an identity bundle.
//!
//! # Trees
//!
//! The accreditation authority keeps the **accredited-issuer tree**, a
//! Poseidon Merkle tree of depth [`ISSUER_TREE_DEPTH`] whose leaves are
//! [`issuer_leaf`]`(issuer_id, revocation_root)`, and anchors its root on the
//! ledger. Each issuer keeps a **revocation tree**: a sparse Poseidon Merkle
//! tree of depth [`REVOCATION_DEPTH`] whose leaf at index `nonce` is 1 when
//! the credential with that revocation nonce is revoked and 0 otherwise; it
//! anchors its root too. Putting the revocation root in the issuer's leaf
//! lets a proof show "not revoked" without naming the issuer; the price is
//! that a revocation takes effect once the authority publishes the new
//! issuer-tree root.

pub mod credential;
pub mod date;
pub mod policy;
pub mod schema;
mod verify;

pub use verify::{IdentityOutcome, IdentityVerifier};

use crate::{poseidon, Fr};

/// Depth of the accredited-issuer tree (256 issuer keys).
pub const ISSUER_TREE_DEPTH: usize = 8;
/// Depth of each issuer's revocation tree (2^20 credentials per issuer key).
pub const REVOCATION_DEPTH: usize = 20;

/// Leaf of the accredited-issuer tree: `Poseidon(issuer_id, revocation_root)`.
pub fn issuer_leaf(issuer_id: &Fr, revocation_root: &Fr) -> Fr {
    poseidon::hash::<2>(&[*issuer_id, *revocation_root])
}
