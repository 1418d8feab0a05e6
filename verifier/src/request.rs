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

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    const NOW: u64 = 1_800_000_000;

    fn agency(key: &SigningKey) -> Agency {
        Agency {
            name: "housing-office".into(),
            public_key: AuthorityKey(key.verifying_key()),
            scopes: vec!["housing-2027".into()],
        }
    }

    fn request(
        key: &SigningKey,
        edit: impl FnOnce(&mut PresentationRequest),
    ) -> PresentationRequest {
        let mut r = PresentationRequest {
            format: REQUEST_FORMAT.into(),
            version: REQUEST_VERSION,
            ledger: "zkgov.test/log".into(),
            agency: "housing-office".into(),
            statement: StatementId::RecordMembershipV2,
            policy_name: "housing-benefit".into(),
            policy: serde_json::json!({"version": 1, "clauses": []}),
            scope_label: "housing-2027".into(),
            challenge: Fr::from(42u64),
            issued_at: NOW,
            expires_at: NOW + 600,
            signature: EntrySignature::default(),
        };
        edit(&mut r);
        r.signature = EntrySignature(Some(key.sign(&r.signing_message()).to_bytes()));
        r
    }

    #[test]
    fn the_holder_derives_the_scope_and_refuses_every_bad_request() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let a = agency(&key);
        let ok = request(&key, |_| {});
        let checked = ok.check("zkgov.test/log", &a, NOW + 1).unwrap();
        assert_eq!(
            checked.scope,
            Scope::for_agency("housing-office", "housing-2027").unwrap()
        );
        assert_eq!(checked.context, Context(Fr::from(42u64)));
        // A round trip through JSON keeps the signature valid.
        let again = PresentationRequest::from_json(&ok.to_json()).unwrap();
        again.check("zkgov.test/log", &a, NOW).unwrap();

        let refused = |r: &PresentationRequest, ledger: &str, a: &Agency, now: u64| {
            r.check(ledger, a, now).unwrap_err()
        };
        let is_refusal = |e: VerifyError| matches!(e, VerifyError::RequestRefused(_));
        assert!(is_refusal(refused(&ok, "zkgov.test/other", &a, NOW)));
        let mut other_name = a.clone();
        other_name.name = "other-office".into();
        assert!(is_refusal(refused(&ok, "zkgov.test/log", &other_name, NOW)));
        let other_key = agency(&SigningKey::from_bytes(&[4; 32]));
        assert!(matches!(
            refused(&ok, "zkgov.test/log", &other_key, NOW),
            VerifyError::BadSignature(_)
        ));
        let mut edited = ok.clone();
        edited.scope_label = "other-2027".into();
        assert!(matches!(
            refused(&edited, "zkgov.test/log", &a, NOW),
            VerifyError::BadSignature(_)
        ));
        let unsigned = PresentationRequest {
            signature: EntrySignature(None),
            ..ok.clone()
        };
        assert!(is_refusal(refused(&unsigned, "zkgov.test/log", &a, NOW)));
        let borrowed = request(&key, |r| r.scope_label = "benefits-2027".into());
        assert!(is_refusal(refused(&borrowed, "zkgov.test/log", &a, NOW)));
        assert!(is_refusal(refused(&ok, "zkgov.test/log", &a, NOW + 601)));
        ok.check("zkgov.test/log", &a, NOW + 600).unwrap();
        let future = request(&key, |r| {
            r.issued_at = NOW + MAX_REQUEST_SKEW + 1;
            r.expires_at = r.issued_at + 10;
        });
        assert!(is_refusal(refused(&future, "zkgov.test/log", &a, NOW)));
        let long = request(&key, |r| r.expires_at = NOW + MAX_REQUEST_LIFETIME + 1);
        assert!(is_refusal(refused(&long, "zkgov.test/log", &a, NOW)));
        // Another version or format does not read.
        let v2 = ok.to_json().replace("\"version\": 1", "\"version\": 2");
        assert!(matches!(
            PresentationRequest::from_json(&v2),
            Err(VerifyError::UnsupportedVersion { .. })
        ));
        let fmt = ok.to_json().replace(REQUEST_FORMAT, "zkgov-bundle");
        assert!(matches!(
            PresentationRequest::from_json(&fmt),
            Err(VerifyError::MalformedRequest(_))
        ));
    }
}
