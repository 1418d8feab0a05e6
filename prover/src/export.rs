//! A log export: every entry under a signed checkpoint, in one file, so
//! that an auditor can replay a ledger without reaching it
//! (`zkgov ledger export`, `zkgov election audit --export`).
//!
//! Format `zkgov-log-export` version 1 (JSON): `checkpoint` (the signed
//! note, text) and `entries` (standard base64 of each entry's exact bytes,
//! from index 0). The file vouches for nothing by itself: the audit checks
//! the checkpoint's signature against the genesis's log key and the
//! entries' Merkle root against the checkpoint.

use serde::{Deserialize, Serialize};
use zkgov_ledger::http::LedgerClient;
use zkgov_verifier::encoding::{b64_decode, b64_encode};

use crate::{audit, AuditReport, ProverError};

/// The export's format name.
pub const EXPORT_FORMAT: &str = "zkgov-log-export";

/// A log, exported.
#[derive(Clone, Debug)]
pub struct LogExport {
    /// The signed checkpoint note covering exactly the entries.
    pub checkpoint: String,
    /// The entries' bytes, from index 0.
    pub entries: Vec<Vec<u8>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportJson {
    format: String,
    version: u64,
    checkpoint: String,
    entries: Vec<String>,
}

impl LogExport {
    /// Every entry under the ledger's latest checkpoint.
    pub fn fetch(client: &LedgerClient) -> Result<Self, ProverError> {
        let checkpoint = client.checkpoint()?;
        let size = checkpoint
            .lines()
            .nth(1)
            .and_then(|l| l.parse::<u64>().ok())
            .ok_or_else(|| ProverError::malformed("checkpoint", "no size line"))?;
        let entries = (0..size)
            .map(|i| client.entry(i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LogExport {
            checkpoint,
            entries,
        })
    }

    /// Replays it ([`crate::audit`]).
    pub fn audit(&self) -> AuditReport {
        audit(&self.entries, &self.checkpoint)
    }

    /// The export file.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&ExportJson {
            format: EXPORT_FORMAT.into(),
            version: 1,
            checkpoint: self.checkpoint.clone(),
            entries: self.entries.iter().map(|e| b64_encode(e)).collect(),
        })
        .unwrap_or_default()
    }

    /// Reads an export file.
    pub fn from_json(text: &str) -> Result<Self, ProverError> {
        let j: ExportJson = serde_json::from_str(text)
            .map_err(|e| ProverError::malformed("log export", e.to_string()))?;
        if j.format != EXPORT_FORMAT || j.version != 1 {
            return Err(ProverError::malformed(
                "log export",
                format!("expected {EXPORT_FORMAT} version 1"),
            ));
        }
        let entries = j
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                b64_decode(e, &format!("entry {i}"))
                    .map_err(|why| ProverError::malformed("log export", why))
            })
            .collect::<Result<_, _>>()?;
        Ok(LogExport {
            checkpoint: j.checkpoint,
            entries,
        })
    }
}
