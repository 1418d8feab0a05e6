//! An election's entries, submitted and read through a [`LedgerSession`];
//! every receipt is checked against the log key before it is handed out.

use zkgov_ledger::{authority::AuthoritySigner, Submission};
use zkgov_verifier::{
    election::{
        decryption::PartialDecryption, CastBallot, DecryptionShare, Election, ElectionDefinition,
        ElectionResult,
    },
    Entry, EntryBody, EntrySignature, Receipt,
};

use super::audit::ElectionReport;
use crate::{audit_ledger, LedgerSession, ProverError};

impl LedgerSession {
    /// The election `id` as defined on the log: its definition entry,
    /// read by index and checked again here ([`Election::new`]).
    pub fn election(&self, id: &str) -> Result<Election, ProverError> {
        let status = self.client.election(id)?;
        match Entry::from_bytes(&self.client.entry(status.definition)?)?.body {
            EntryBody::ElectionDefinition(d) if d.election_id == id => Ok(Election::new(*d)?),
            _ => Err(ProverError::malformed(
                "election",
                format!(
                    "entry {} is not the definition of {id:?}",
                    status.definition
                ),
            )),
        }
    }

    /// Signs `def` as `authority` (an election authority) and submits it.
    pub fn define_election(
        &self,
        authority: &AuthoritySigner,
        mut def: ElectionDefinition,
    ) -> Result<Receipt, ProverError> {
        def.authority = authority.name().to_owned();
        def.signature = EntrySignature::default();
        let mut body = EntryBody::ElectionDefinition(Box::new(def));
        authority.sign(&self.origin, &mut body);
        let EntryBody::ElectionDefinition(def) = body else {
            return Err(ProverError::malformed(
                "election",
                "definition changed type",
            ));
        };
        self.submit(&Submission::ElectionDefinition(def))
    }

    /// Casts a ballot; the receipt shows it is on the log.
    pub fn cast(&self, cast: &CastBallot) -> Result<Receipt, ProverError> {
        self.submit(&Submission::Ballot(Box::new(cast.clone())))
    }

    /// Publishes a trustee's partial decryption.
    pub fn publish_decryption(
        &self,
        election: &str,
        partial: PartialDecryption,
    ) -> Result<Receipt, ProverError> {
        self.submit(&Submission::DecryptionShare(Box::new(DecryptionShare {
            election_id: election.to_owned(),
            partial,
            decrypted_at: 0,
        })))
    }

    /// Publishes a result.
    pub fn publish_result(&self, result: ElectionResult) -> Result<Receipt, ProverError> {
        self.submit(&Submission::ElectionResult(Box::new(result)))
    }

    /// Audits the whole log and returns the election's report: what a
    /// trustee decrypts (the aggregate of the ballots it verified itself,
    /// never one the ledger hands it) and what a tallier combines.
    pub fn audit_election(&self, election: &str) -> Result<ElectionReport, ProverError> {
        let report = audit_ledger(&self.client)?;
        report
            .elections
            .into_iter()
            .find(|e| e.election_id == election)
            .ok_or_else(|| {
                ProverError::malformed("election", format!("no election {election:?} on the log"))
            })
    }
}
