//! The citizen's side: read an agency's signed request and say in words
//! what it asks, then prove it on the citizen's own device.
//!
//! Nothing here reads the network or the disk: the page fetches the
//! agency's registration receipt, the accredited-issuer list and the keys,
//! and hands their bytes in; the citizen's credential and holder file come
//! from the file picker and never leave this module except as the proof's
//! public inputs and the disclosure opening the request asks for.
//!
//! The checks are those of `zkgov prove identity --request`:
//! the receipt of the agency's registration is verified against the log
//! key the site pins, the request against that registration
//! ([`PresentationRequest::check`]: signed by the agency, a label it is
//! registered for, current), and the scope is derived by the holder, never
//! taken from the agency. A request that fails is refused before any
//! witness is read.

use std::path::Path;

use serde_json::{json, Value};
use zkgov_params::{KeyEntry, Manifest, ParamsError, PointChecks};
use zkgov_prover::{
    prove_identity, AccreditedIssuers, HolderSecret, IdentityProofRequest, PreparedProver,
    ProverError,
};
use zkgov_verifier::{
    fr_to_u64,
    identity::{Credential, Date, IdentityClause, IdentityPolicy, REVOCATION_DEPTH},
    log::NoteVerifier,
    CheckedRequest, EntryBody, PresentationRequest, Receipt, StatementId, ValidatedVerifyingKey,
    VerifyError,
};

use crate::Failure;

/// The statement the citizen's page proves.
const STATEMENT: StatementId = StatementId::IdentityV2;

impl From<ParamsError> for Failure {
    fn from(e: ParamsError) -> Self {
        let error = match &e {
            ParamsError::SizeMismatch { .. } => "SizeMismatch",
            ParamsError::DigestMismatch { .. } => "DigestMismatch",
            ParamsError::BadKey { .. } => "BadKey",
            ParamsError::Manifest { .. } => "Manifest",
            ParamsError::NoKey { .. } => "NoKey",
            _ => "Params",
        };
        Failure::new("bad-key", error, e.to_string())
    }
}

impl From<ProverError> for Failure {
    fn from(e: ProverError) -> Self {
        match e {
            ProverError::Verify(v) => v.into(),
            ProverError::Params(p) => p.into(),
            ProverError::Circuit(c) => Failure::new("unsatisfied", "Circuit", c.to_string()),
            ProverError::Malformed { .. } | ProverError::SecretFile(_) => {
                Failure::new("malformed", "Malformed", e.to_string())
            }
            other => Failure::new("failed", "Proving", other.to_string()),
        }
    }
}

/// An agency's request, checked: who asks and what, in words.
pub struct Asked {
    request: PresentationRequest,
    checked: CheckedRequest,
    policy: IdentityPolicy,
}

/// Checks `request_json` (the agency's signed request) against
/// `agency_receipt_json` (the ledger's receipt of the agency's
/// registration, as `GET /v1/agencies/{name}` answers it), verified with
/// the log key `log_key` (`<name>+<key id>+<base64 key>`), at `now` (Unix
/// seconds).
pub fn check(
    request_json: &str,
    agency_receipt_json: &str,
    log_key: &str,
    now: u64,
) -> Result<Asked, Failure> {
    let request = PresentationRequest::from_json(request_json)?;
    let log = NoteVerifier::from_vkey(log_key).map_err(VerifyError::from)?;
    let v = Receipt::from_json(agency_receipt_json)?.verify(&log)?;
    let agency = match v.entry.body {
        EntryBody::AgencyRegistration(r) if r.agency.name == request.agency => r.agency,
        _ => {
            return Err(Failure::new(
                "mismatch",
                "AgencyReceipt",
                format!(
                    "ledger entry {} is not the registration of the agency {:?}",
                    v.index, request.agency
                ),
            ))
        }
    };
    let checked = request.check(&v.checkpoint.origin, &agency, now)?;
    if request.statement != STATEMENT {
        return Err(Failure::new(
            "mismatch",
            "Statement",
            format!(
                "the request asks for {}; this page proves {STATEMENT}",
                request.statement
            ),
        ));
    }
    let policy = IdentityPolicy::from_json(&request.policy.to_string())?;
    Ok(Asked {
        request,
        checked,
        policy,
    })
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One clause of an identity policy in words, as the citizen reads it.
pub fn describe_clause(c: &IdentityClause) -> String {
    let f = c.field.replace('_', " ");
    let v = c.value.as_ref().map(value_text).unwrap_or_default();
    let set = || {
        c.values
            .iter()
            .flatten()
            .map(value_text)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match c.op.as_str() {
        "age>=" => format!("you are at least {} years old", c.years.unwrap_or(0)),
        "age<" => format!("you are younger than {} years", c.years.unwrap_or(0)),
        "=" => format!("your {f} is {v}"),
        "!=" => format!("your {f} is not {v}"),
        "<" => format!("your {f} is below {v}"),
        "<=" => format!("your {f} is at most {v}"),
        ">" => format!("your {f} is above {v}"),
        ">=" => format!("your {f} is at least {v}"),
        "between" => format!(
            "your {f} is between {} and {}",
            c.min.as_ref().map(value_text).unwrap_or_default(),
            c.max.as_ref().map(value_text).unwrap_or_default()
        ),
        "in" => format!("your {f} is one of: {}", set()),
        "not-in" => format!("your {f} is none of: {}", set()),
        "disclose" => format!("your {f} (its value is shown to the agency)"),
        op => format!("{f} {op}"),
    }
}

impl Asked {
    /// The request in words, as JSON: `{"agency", "ledger", "statement",
    /// "policy_name", "proves": [..], "discloses": [..], "issuer",
    /// "scope_label", "scope", "issued_at", "expires_at"}`. `proves` are
    /// the facts proven without revealing the values, `discloses` the
    /// attributes whose values the agency sees; the scope is derived here
    /// (the same citizen gets the same nullifier for it, and an unrelated
    /// one for every other agency or label).
    pub fn describe(&self) -> String {
        let (shown, proven): (Vec<_>, Vec<_>) =
            self.policy.clauses.iter().partition(|c| c.op == "disclose");
        json!({
            "agency": self.request.agency,
            "ledger": self.request.ledger,
            "statement": self.request.statement.to_string(),
            "policy_name": self.request.policy_name,
            "proves": proven.iter().map(|c| describe_clause(c)).collect::<Vec<_>>(),
            "discloses": shown.iter().map(|c| c.field.clone()).collect::<Vec<_>>(),
            "issuer": self.policy.issuer.clone().unwrap_or_else(|| "any accredited issuer".into()),
            "scope_label": self.request.scope_label,
            "scope": self.checked.scope.to_string(),
            "issued_at": self.request.issued_at,
            "expires_at": self.request.expires_at,
        })
        .to_string()
    }
}

/// The identity proving key, checked against the site's manifest, with the
/// constraint matrices of its circuit: built once per page, used for every
/// proof.
pub struct CitizenProver {
    prover: PreparedProver,
    vk: ValidatedVerifyingKey,
}

/// The manifest's entry for the identity statement.
pub fn identity_entry(manifest_json: &str) -> Result<KeyEntry, Failure> {
    let m = Manifest::from_json(manifest_json, Path::new("manifest.json"))?;
    m.find(STATEMENT, REVOCATION_DEPTH).cloned().ok_or_else(|| {
        Failure::new(
            "bad-key",
            "NoKey",
            format!("the key manifest lists no key for {STATEMENT} at depth {REVOCATION_DEPTH}"),
        )
    })
}

/// `{"proving_key": {"file", "bytes", "sha256"}, "verifying_key": {..},
/// "vk_digest"}`: what the page fetches, and what it must hash to.
pub fn key_files(manifest_json: &str) -> Result<String, Failure> {
    let e = identity_entry(manifest_json)?;
    Ok(json!({
        "proving_key": e.proving_key,
        "verifying_key": e.verifying_key,
        "vk_digest": e.vk_digest,
    })
    .to_string())
}

impl CitizenProver {
    /// Checks the key files' bytes against `manifest_json` (size and
    /// SHA-256 of each, every point of the proving key, the verifying key
    /// it embeds) and prepares the prover.
    pub fn new(manifest_json: &str, pk_bytes: &[u8], vk_bytes: &[u8]) -> Result<Self, Failure> {
        Self::with_points(manifest_json, pk_bytes, vk_bytes, PointChecks::Every)
    }

    /// [`Self::new`], skipping the proving key's subgroup checks when
    /// `points` says these exact bytes (the SHA-256 is checked in any
    /// case) were validated before: the page validates a key fully on its
    /// first use in a browser and remembers its digest, which takes the
    /// second preparation from about 10 s to about 4 s in Chromium.
    pub fn with_points(
        manifest_json: &str,
        pk_bytes: &[u8],
        vk_bytes: &[u8],
        points: PointChecks,
    ) -> Result<Self, Failure> {
        let e = identity_entry(manifest_json)?;
        let vk = e.verifying_key_from_bytes(Path::new(&e.verifying_key.file), vk_bytes)?;
        let pk = e.proving_key_from_bytes_with(Path::new(&e.proving_key.file), pk_bytes, points)?;
        let prover = PreparedProver::new(pk, STATEMENT, REVOCATION_DEPTH)?;
        Ok(CitizenProver { prover, vk })
    }

    /// Proves `asked` with the citizen's `credential_json` and
    /// `holder_json` and the public `issuers_json`, for the agency's date
    /// `today` (the UTC day of the request's check). Returns `{"bundle":
    /// <bundle JSON text>, "disclosed": [{"name", "value"}], "nullifier",
    /// "issuers_root"}`. The proof is verified before it is returned.
    pub fn prove(
        &self,
        asked: &Asked,
        credential_json: &str,
        holder_json: &str,
        issuers_json: &str,
        today: Date,
        rng: &mut (impl rand_core::RngCore + rand_core::CryptoRng),
    ) -> Result<String, Failure> {
        // The parser's own message may quote a value of the credential;
        // the error names the file and the check only.
        let credential = Credential::from_json(credential_json).map_err(|e| {
            let variant = Failure::from(e);
            Failure::new(
                "malformed",
                &variant.error,
                "the credential file is not a valid zkgov-credential (wrong file, or altered)",
            )
        })?;
        let holder = HolderSecret::from_json(holder_json)?;
        let issuers = AccreditedIssuers::from_json(issuers_json)?;
        let policy = asked.policy.compile(&credential.schema, today)?;
        let req = IdentityProofRequest {
            issuers: &issuers,
            policy: policy.clone(),
            scope: asked.checked.scope,
            context: asked.checked.context,
        };
        let (bundle, root) =
            prove_identity(&self.prover, &self.vk, &holder, &credential, req, rng)?;
        let mut disclosed = Vec::new();
        if let Some(opening) = &bundle.disclosure {
            for (i, (slot, v)) in policy
                .policy
                .slots
                .iter()
                .zip(opening.values()?)
                .enumerate()
            {
                if let (true, Some(v)) = (slot.disclose, fr_to_u64(&v)) {
                    let name = credential
                        .schema
                        .attributes
                        .get(i)
                        .map_or_else(|| format!("attribute {i}"), |a| a.name.clone());
                    disclosed.push(json!({"name": name, "value": credential.schema.decode(i, v)}));
                }
            }
        }
        let nullifier = match bundle.public()? {
            zkgov_verifier::PublicInputs::Identity(p) => p.nullifier.to_string(),
            _ => String::new(),
        };
        Ok(json!({
            "bundle": bundle.to_json(),
            "disclosed": disclosed,
            "nullifier": nullifier,
            "issuers_root": root.to_string(),
        })
        .to_string())
    }
}
