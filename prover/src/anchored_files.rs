//! The issuer's register and the accreditation authority's list as files,
//! with each new root anchored on the ledger when asked: revoking and
//! accrediting.

use std::path::Path;

use zkgov_ledger::{authority::AuthoritySigner, Receipt};
use zkgov_verifier::{identity::Credential, MerkleRoot};

use crate::{
    anchoring::{revocation_registry, LedgerSession, ACCREDITED_REGISTRY},
    identity::{read_text, write_public, AccreditedIssuers, IssuerRegister},
    ProverError,
};

/// Which credential to revoke.
pub enum Revocation<'a> {
    /// By revocation nonce.
    Nonce(u64),
    /// By the credential itself (its issuer must be the register's key).
    Credential(&'a Credential),
}

/// Where to anchor a new root, and who signs it.
pub struct Anchor<'a> {
    /// The ledger.
    pub session: &'a LedgerSession,
    /// The publishing authority.
    pub signer: &'a AuthoritySigner,
    /// Publication time (Unix seconds).
    pub now: u64,
}

/// A root that changed, where it was anchored, and how many leaves it covers.
pub struct RootChange {
    /// The new root.
    pub root: MerkleRoot,
    /// Its ledger receipt, when anchored.
    pub receipt: Option<Receipt>,
    /// Revoked credentials, or accredited issuers.
    pub count: usize,
}

/// Revokes in the register file at `register`, anchors the new revocation
/// root when asked (the authority's revocation registry), then writes the
/// register: a refused anchor leaves the file as it was, so the revocation
/// can be retried.
pub fn revoke_in_file(
    register: &Path,
    which: Revocation<'_>,
    anchor: Option<Anchor<'_>>,
) -> Result<(u64, RootChange), ProverError> {
    let mut reg = IssuerRegister::from_json(&read_text(register)?)?;
    let nonce = match which {
        Revocation::Nonce(n) => n,
        Revocation::Credential(c) if c.issuer == reg.key => c.body.revocation_nonce,
        Revocation::Credential(_) => {
            return Err(ProverError::malformed(
                "credential",
                "it was issued by another key than the register's",
            ))
        }
    };
    reg.revoke(nonce)?;
    let root = MerkleRoot(reg.revocation_tree()?.root());
    let receipt = anchor
        .map(|a| {
            a.session.publish_root(
                a.signer,
                &revocation_registry(a.signer.name()),
                root,
                reg.revoked.len() as u64,
                None,
                a.now,
            )
        })
        .transpose()?;
    write_public(register, &reg.to_json())?;
    Ok((
        nonce,
        RootChange {
            root,
            receipt,
            count: reg.revoked.len(),
        },
    ))
}

/// Adds the issuer of `register` to the accredited list at `list` (created
/// if missing), or refreshes its revocations; anchors the new root when
/// asked, then writes the list.
pub fn accredit_in_file(
    list: &Path,
    register: &Path,
    name: &str,
    anchor: Option<Anchor<'_>>,
) -> Result<RootChange, ProverError> {
    let mut accredited = match std::fs::read_to_string(list) {
        Ok(text) => AccreditedIssuers::from_json(&text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => AccreditedIssuers::new(),
        Err(e) => return Err(ProverError::io(list)(e)),
    };
    let reg = IssuerRegister::from_json(&read_text(register)?)?;
    accredited.upsert(name, &reg);
    let root = accredited.root()?;
    let receipt = anchor
        .map(|a| {
            a.session.publish_root(
                a.signer,
                ACCREDITED_REGISTRY,
                root,
                accredited.issuers.len() as u64,
                None,
                a.now,
            )
        })
        .transpose()?;
    write_public(list, &accredited.to_json())?;
    Ok(RootChange {
        root,
        receipt,
        count: accredited.issuers.len(),
    })
}
