//! The holder's side of an agency's presentation request, and the holder's
//! own log of every presentation made.
//!
//! Before anything is proven, [`LedgerSession::check_request`] reads the
//! agency's registration from the ledger (a receipt, checked against the
//! log's key), checks the request against it
//! ([`PresentationRequest::check`]: signed by that agency, a label it is
//! registered for, not expired) and derives the scope itself. A request
//! that fails is refused before any witness is touched.
//!
//! The presentation log is a file beside the holder's secret
//! (`<holder file>.presentations.jsonl`, mode 0600, one JSON object per
//! line): agency, policy, time, scope and what was disclosed. It is the
//! citizen's record of who verified what; nothing else reads it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zkgov_verifier::{
    Agency, CheckedRequest, EntryBody, Nullifier, PresentationRequest, Scope, StatementId,
};

use crate::{LedgerSession, ProverError};

impl LedgerSession {
    /// The registration of the agency `name`, from its receipt checked
    /// against the log's key.
    pub fn agency(&self, name: &str) -> Result<Agency, ProverError> {
        let receipt = self.client.agency(name)?;
        let v = receipt.verify(&self.log)?;
        match v.entry.body {
            EntryBody::AgencyRegistration(r) if r.agency.name == name => Ok(r.agency),
            _ => Err(ProverError::malformed(
                "agency receipt",
                format!("entry {} is not the registration of {name:?}", v.index),
            )),
        }
    }

    /// The holder's checks of `request` at time `now` (see the module
    /// docs); returns the scope derived from it and the challenge.
    pub fn check_request(
        &self,
        request: &PresentationRequest,
        now: u64,
    ) -> Result<CheckedRequest, ProverError> {
        let agency = self.agency(&request.agency)?;
        Ok(request.check(&self.origin, &agency, now)?)
    }
}

/// One disclosed value, as people read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosedValue {
    /// Attribute or field name.
    pub name: String,
    /// Its value.
    pub value: serde_json::Value,
}

/// One presentation the holder made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Presentation {
    /// When (Unix seconds).
    pub time: u64,
    /// The agency that asked.
    pub agency: String,
    /// The ledger the agency is registered on.
    pub ledger: String,
    /// The agency's policy name.
    pub policy: String,
    /// What was proven.
    pub statement: StatementId,
    /// The agency's scope label, and the scope derived from it.
    pub scope_label: String,
    /// The scope.
    pub scope: Scope,
    /// The nullifier the agency learned.
    pub nullifier: Nullifier,
    /// Every value disclosed to the agency.
    pub disclosed: Vec<DisclosedValue>,
    /// The ledger entry anchoring the proof, if it was anchored.
    pub anchored_at: Option<u64>,
}

/// The holder's presentation log (see the module docs).
#[derive(Clone, Debug)]
pub struct PresentationLog {
    path: PathBuf,
}

impl PresentationLog {
    /// The log kept beside the holder secret file `holder`.
    pub fn for_holder(holder: &Path) -> Self {
        let mut name = holder.file_name().unwrap_or_default().to_os_string();
        name.push(".presentations.jsonl");
        PresentationLog {
            path: holder.with_file_name(name),
        }
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a presentation (synced before returning).
    pub fn append(&self, p: &Presentation) -> Result<(), ProverError> {
        let line = serde_json::to_string(p).unwrap_or_default();
        zkgov_params::private_file::append_private_line(&self.path, &line)
            .map_err(ProverError::io(&self.path))
    }

    /// Every presentation, oldest first (an absent log is empty). A line
    /// that does not parse is an error naming its line number.
    pub fn read(&self) -> Result<Vec<Presentation>, ProverError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(ProverError::io(&self.path)(e)),
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| {
                    ProverError::malformed(
                        "presentation log",
                        format!("{} line {}: {e}", self.path.display(), i + 1),
                    )
                })
            })
            .collect()
    }
}
