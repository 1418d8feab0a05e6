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
//! Both trees are quaternary Poseidon Merkle trees (node
//! `Poseidon(c0, c1, c2, c3)`, empty leaf 0; see `zkgov_circuits::smt`).
//! The accreditation authority keeps the **accredited-issuer tree**, of
//! [`ISSUER_TREE_DEPTH`] index bits, whose leaf `i` is
//! [`issuer_leaf`]`(A_i, revocation_root_i)`, and anchors its root on the
//! ledger. Each issuer keeps a **revocation tree** of [`REVOCATION_DEPTH`]
//! index bits whose leaf at index `nonce` is 1 when the credential with that
//! revocation nonce is revoked and 0 otherwise; it anchors its root too. Putting the revocation root in the issuer's leaf
//! lets a proof show "not revoked" without naming the issuer; the price is
//! that a revocation takes effect once the authority publishes the new
//! issuer-tree root.

mod credential;
mod date;
mod policy;
mod schema;
mod verify;

pub use credential::{
    credential_hash, Credential, CredentialBody, CREDENTIAL_FORMAT, CREDENTIAL_VERSION,
};
pub use date::{Date, DATE_BIAS};
pub use policy::{CompiledIdentityPolicy, IdentityClause, IdentityPolicy};
pub use schema::{string_digest, AttrType, Attribute, Schema, ATTRIBUTE_SLOTS};
pub use verify::{IdentityOutcome, IdentityVerifier};

use crate::{babyjub::PublicKey, poseidon, Fr};

/// Index bits of the accredited-issuer tree (256 issuer keys, 4 levels).
pub const ISSUER_TREE_DEPTH: usize = 8;
/// Index bits of each issuer's revocation tree (2^20 credentials per issuer
/// key, 10 levels).
pub const REVOCATION_DEPTH: usize = 20;

/// Leaf of the accredited-issuer tree: `Poseidon(A.x, A.y, revocation_root)`.
pub fn issuer_leaf(key: &PublicKey, revocation_root: &Fr) -> Fr {
    poseidon::hash::<3>(&[key.0.x, key.0.y, *revocation_root])
}
