//! Presentation requests: what an agency asks a citizen to prove, signed by
//! the agency, and the holder's checks before any proof is made.
//!
//! ```json
//! {
//!   "format": "zkgov-presentation-request",
//!   "version": 1,
//!   "ledger": "<origin of the ledger the agency is registered on>",
//!   "agency": "benefits-office",
//!   "statement": "zkgov/identity/v2",
//!   "policy_name": "adult-resident",
//!   "policy": { ...the policy document the agency verifies against... },
//!   "scope_label": "benefits-2026",
//!   "challenge": "<canonical decimal>",
//!   "issued_at": 1795000000,
//!   "expires_at": 1795000600,
//!   "signature": "<base64 Ed25519 signature>"
//! }
//! ```
//!
//! The signature is over `"zkgov.presentation-request.v1\n" || ledger ||
//! "\n" || canonical JSON of the request with signature ""`, with the
//! agency's key as registered on that ledger ([`crate::AgencyRegistration`]).
//!
//! The holder never takes a scope from the agency. It derives it,
//! `scope = Poseidon("zkgov.scope.v1", agency, scope_label)`
//! ([`crate::Scope::for_agency`]), after checking
//! ([`PresentationRequest::check`]) that the request is signed by the agency
//! it names, that this agency is registered for the label, and that the
//! request has not expired. Agency B cannot ask for agency A's scope: the
//! scope of a label depends on who asks, and B is not registered for A's
//! labels anyway.

use serde::{Deserialize, Serialize};

use crate::{
    encoding::decimal,
    entry::{Agency, AuthorityKey, EntrySignature},
    field::Fr,
    statement::{Context, Scope, StatementId},
    VerifyError,
};

/// The `format` value of a request.
pub const REQUEST_FORMAT: &str = "zkgov-presentation-request";
/// The request version this build reads and writes.
pub const REQUEST_VERSION: u64 = 1;
/// Prefix of the message an agency signs.
const REQUEST_LABEL: &str = "zkgov.presentation-request.v1\n";
/// Longest a request may be valid for (seconds): a request is for one
/// session, not a standing permission.
pub const MAX_REQUEST_LIFETIME: u64 = 24 * 3600;
/// How far in the future a request's `issued_at` may be (clock skew).
pub const MAX_REQUEST_SKEW: u64 = 300;

/// A signed presentation request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentationRequest {
    /// [`REQUEST_FORMAT`].
    pub format: String,
    /// [`REQUEST_VERSION`].
    pub version: u64,
    /// Origin of the ledger the agency is registered on.
    pub ledger: String,
    /// The agency's registered name.
    pub agency: String,
    /// What is to be proven.
    pub statement: StatementId,
    /// The agency's name for its policy (shown to the citizen and logged).
    pub policy_name: String,
    /// The policy document (record or identity policy JSON).
    pub policy: serde_json::Value,
    /// One of the agency's registered scope labels.
    pub scope_label: String,
    /// The session's challenge.
    #[serde(with = "decimal")]
    pub challenge: Fr,
    /// When the agency issued the request (Unix seconds).
    pub issued_at: u64,
    /// After this (Unix seconds) the holder refuses it.
    pub expires_at: u64,
    /// The agency's signature (`""` while unsigned).
    pub signature: EntrySignature,
}

/// What a checked request lets the holder prove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRequest {
    /// The scope, derived by the holder.
    pub scope: Scope,
    /// The challenge to bind the proof to.
    pub context: Context,
}

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedRequest(msg.into())
}

fn refuse(msg: impl Into<String>) -> VerifyError {
    VerifyError::RequestRefused(msg.into())
}

impl PresentationRequest {
    /// Reads a request (strict: unknown keys, another format or version
    /// are refused).
    pub fn from_json(s: &str) -> Result<Self, VerifyError> {
        let r: PresentationRequest = serde_json::from_str(s).map_err(|e| bad(e.to_string()))?;
        if r.format != REQUEST_FORMAT {
            return Err(bad(format!(
                "format is {:?}, expected {REQUEST_FORMAT:?}",
                r.format
            )));
        }
        if r.version != REQUEST_VERSION {
            return Err(VerifyError::UnsupportedVersion {
                what: "presentation request",
                got: r.version,
                supported: REQUEST_VERSION,
            });
        }
        Ok(r)
    }

    /// Writes the request as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The message the agency signs (see the module docs).
    pub fn signing_message(&self) -> Vec<u8> {
        let unsigned = PresentationRequest {
            signature: EntrySignature(None),
            ..self.clone()
        };
        let mut msg = REQUEST_LABEL.as_bytes().to_vec();
        msg.extend_from_slice(self.ledger.as_bytes());
        msg.push(b'\n');
        msg.extend(serde_json::to_vec(&unsigned).unwrap_or_default());
        msg
    }

    /// The holder's checks, against the agency's registration read from
    /// the ledger whose origin is `ledger` (the caller verified its
    /// receipt), at time `now` (Unix seconds): the request is for that
    /// ledger and that agency, signed by the agency's registered key, for a
    /// label the agency is registered for, and current. Returns the scope
    /// derived from the agency and the label, and the challenge.
    pub fn check(
        &self,
        ledger: &str,
        agency: &Agency,
        now: u64,
    ) -> Result<CheckedRequest, VerifyError> {
        if self.ledger != ledger {
            return Err(refuse(format!(
                "the request is for the ledger {:?}, not {ledger:?}",
                self.ledger
            )));
        }
        if self.agency != agency.name {
            return Err(refuse(format!(
                "the request names the agency {:?}, but the registration given is {:?}'s",
                self.agency, agency.name
            )));
        }
        self.verify_signature(&agency.public_key)?;
        if !agency.scopes.contains(&self.scope_label) {
            return Err(refuse(format!(
                "the agency {:?} is not registered for the scope label {:?} (its labels: {})",
                agency.name,
                self.scope_label,
                agency.scopes.join(", ")
            )));
        }
        if now > self.expires_at {
            return Err(refuse(format!(
                "the request expired at {} (now {now})",
                self.expires_at
            )));
        }
        if self.issued_at > now.saturating_add(MAX_REQUEST_SKEW) {
            return Err(refuse(format!(
                "the request is issued in the future ({} > {now})",
                self.issued_at
            )));
        }
        if self.expires_at.saturating_sub(self.issued_at) > MAX_REQUEST_LIFETIME {
            return Err(refuse(format!(
                "the request is valid for more than {MAX_REQUEST_LIFETIME} s"
            )));
        }
        Ok(CheckedRequest {
            scope: Scope::for_agency(&agency.name, &self.scope_label)?,
            context: Context(self.challenge),
        })
    }

    /// Checks the signature alone (strict Ed25519).
    pub fn verify_signature(&self, key: &AuthorityKey) -> Result<(), VerifyError> {
        let sig = self
            .signature
            .0
            .ok_or_else(|| refuse("the request is not signed"))?;
        key.0
            .verify_strict(
                &self.signing_message(),
                &ed25519_dalek::Signature::from_bytes(&sig),
            )
            .map_err(|_| {
                VerifyError::BadSignature(format!(
                    "presentation request: not signed by the registered key of {:?}",
                    self.agency
                ))
            })
    }
}
