//! What authorities and holders do on a ledger, reached in process or over
//! HTTP ([`LedgerClient`]): register a verifying key, publish a root,
//! anchor a proof. Used by the commands and by the demo alike.

use zkgov_ledger::{
    authority::{AuthoritySigner, RootPublication},
    http::LedgerClient,
    ErrorCode, LedgerError, Receipt, Submission,
};
use zkgov_verifier::{log::NoteVerifier, Bundle, MerkleRoot, StatementId, ValidatedVerifyingKey};

use crate::ProverError;

/// A ledger and what the client knows of it: its origin and log key (from
/// its genesis: trust on first use, unless the caller pins the key).
pub struct LedgerSession {
    /// How the ledger is reached.
    pub client: LedgerClient,
    /// The log's checkpoint origin (what signed entries commit to).
    pub origin: String,
    /// The log's key.
    pub log: NoteVerifier,
}

impl LedgerSession {
    /// Connects: reads the genesis for the origin and log key.
    pub fn connect(client: LedgerClient) -> Result<Self, ProverError> {
        let g = client.genesis()?;
        Ok(LedgerSession {
            client,
            origin: g.origin,
            log: g.log_key,
        })
    }

    /// A ledger served at `url`.
    pub fn http(url: &str) -> Result<Self, ProverError> {
        Self::connect(LedgerClient::Http(url.trim_end_matches('/').to_owned()))
    }

    /// Submits and checks the receipt against the log key before handing
    /// it out.
    pub(crate) fn submit(&self, sub: &Submission) -> Result<Receipt, ProverError> {
        let r = self.client.submit(sub)?;
        r.verify(&self.log)?;
        Ok(r)
    }

    /// Registers `vk` for `statement` at `depth`, signed by `admin`.
    /// `Ok(None)` when the key is already registered.
    pub fn register_vk(
        &self,
        admin: &AuthoritySigner,
        statement: StatementId,
        depth: usize,
        vk: &ValidatedVerifyingKey,
    ) -> Result<Option<Receipt>, ProverError> {
        let sub = admin.register_vk(&self.origin, statement, depth as u64, vk);
        match self.submit(&sub) {
            Ok(r) => Ok(Some(r)),
            Err(ProverError::Ledger(e)) if e.code() == ErrorCode::Duplicate => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The epoch after the last one published for `registry_id` (1 for a
    /// registry never published).
    pub fn next_epoch(&self, registry_id: &str) -> Result<u64, ProverError> {
        let last = self
            .client
            .roots(registry_id)?
            .iter()
            .map(|r| r.entry.epoch)
            .max()
            .unwrap_or(0);
        last.checked_add(1).ok_or_else(|| {
            ProverError::Ledger(LedgerError::Malformed(format!(
                "{registry_id} has used every epoch"
            )))
        })
    }

    /// Publishes `root` of `registry_id` with `leaf_count` leaves, signed
    /// by `signer`, at `epoch` (default: the next one) and time `now`.
    pub fn publish_root(
        &self,
        signer: &AuthoritySigner,
        registry_id: &str,
        root: MerkleRoot,
        leaf_count: u64,
        epoch: Option<u64>,
        now: u64,
    ) -> Result<Receipt, ProverError> {
        let epoch = match epoch {
            Some(e) => e,
            None => self.next_epoch(registry_id)?,
        };
        self.submit(&signer.publish_root(
            &self.origin,
            RootPublication {
                registry_id,
                epoch,
                root,
                leaf_count,
                published_at: now,
            },
        ))
    }

    /// Anchors a proof: the ledger verifies it and records its nullifier.
    /// The disclosure opening stays here: the ledger gets the bundle
    /// without it.
    pub fn anchor(&self, bundle: &Bundle) -> Result<Receipt, ProverError> {
        self.submit(&Submission::Proof {
            bundle: Box::new(bundle.without_opening()),
        })
    }
}

/// Registry id of an issuer's revocation tree.
pub fn revocation_registry(issuer: &str) -> String {
    format!("revocation/{issuer}")
}

/// Registry id of the accredited-issuer tree.
pub const ACCREDITED_REGISTRY: &str = "accredited-issuers";
