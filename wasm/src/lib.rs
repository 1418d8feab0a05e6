//! # zkgov-wasm
//!
//! zkgov for JavaScript: the agency's checks (record bundles, identity
//! bundles, ledger receipts, a bare Groth16 check) from `zkgov-verifier`,
//! and the citizen's side ([`citizen`]: read an agency's signed request,
//! prove an identity credential on the citizen's device) from
//! `zkgov-prover` without its `cli` feature, taking and returning JSON
//! strings.
//!
//! The checks themselves ([`verify_record_bundle`], ...) are plain Rust and
//! build on every target, so the native differential test calls exactly the
//! functions the wasm build exports. On `wasm32` they are exported through
//! wasm-bindgen as `verifyRecordBundle`, `verifyIdentityBundle`,
//! `verifyReceipt` and `verifyGroth16`: each returns the outcome as a JSON
//! string or throws a `VerifyFailure` with `code` (`malformed`, `mismatch`
//! or `invalid-proof`, from [`zkgov_verifier::ErrorKind`]), `error` (the
//! [`zkgov_verifier::VerifyError`] variant) and `message`.
//!
//! Nothing here panics on bad input: every input is parsed by the
//! verifier's strict readers and every failure is a value.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};
use zkgov_verifier::{
    identity::{Date, IdentityPolicy, IdentityVerifier, Schema},
    log::NoteVerifier,
    to_decimal, verify_record, Bundle, Context, ErrorKind, MerkleRoot, Policy, Receipt,
    RecordRequest, Scope, StatementId, ValidatedVerifyingKey, VerifyError, RECORD_FIELDS,
};

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(feature = "prover")]
pub mod citizen;

/// A refused input: what JavaScript receives as a `VerifyFailure`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// `malformed`, `mismatch` or `invalid-proof` (the verifier's
    /// [`ErrorKind`], spelt as in the ledger's error contract).
    pub code: &'static str,
    /// The [`VerifyError`] variant, e.g. `PublicInputMismatch`, or
    /// `BadArgument` for a request JSON this crate could not read.
    pub error: String,
    /// The error's message (names only public data).
    pub message: String,
}

impl Failure {
    /// The failure as JSON: `{"code", "error", "message"}`.
    pub fn to_json(&self) -> String {
        json!({"code": self.code, "error": self.error, "message": self.message}).to_string()
    }

    pub(crate) fn new(code: &'static str, error: &str, message: impl Into<String>) -> Self {
        Failure {
            code,
            error: error.into(),
            message: message.into(),
        }
    }

    fn argument(message: impl Into<String>) -> Self {
        Failure::new("malformed", "BadArgument", message)
    }
}

/// The stable code of an [`ErrorKind`].
pub fn kind_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Malformed => "malformed",
        ErrorKind::Mismatch => "mismatch",
        ErrorKind::InvalidProof => "invalid-proof",
    }
}

impl From<VerifyError> for Failure {
    fn from(e: VerifyError) -> Self {
        let debug = format!("{e:?}");
        let error = debug
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_owned();
        Failure {
            code: kind_code(e.kind()),
            error,
            message: e.to_string(),
        }
    }
}

/// What the agency requires of a record bundle (`request_json` of
/// [`verify_record_bundle`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordAsk {
    /// Accepted registry roots (canonical decimals).
    roots: Vec<String>,
    /// The policy, as in `policy.json`.
    policy: Value,
    /// Field names, for a policy that names fields.
    #[serde(default)]
    schema: Vec<String>,
    /// The scope: a canonical decimal or `label:<text>`.
    scope: String,
    /// The challenge (canonical decimal).
    context: String,
}

/// What the agency requires of an identity bundle (`request_json` of
/// [`verify_identity_bundle`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityAsk {
    /// Accepted accredited-issuer tree roots.
    roots: Vec<String>,
    /// The credential schema, as in `schema.json`.
    schema: Value,
    /// The accepted policies, by name.
    policies: BTreeMap<String, Value>,
    /// The scope: a canonical decimal or `label:<text>`.
    scope: String,
    /// The challenge.
    context: String,
    /// The agency's date, `YYYY-MM-DD`.
    today: String,
}

fn read_ask<T: for<'de> Deserialize<'de>>(request_json: &str) -> Result<T, Failure> {
    serde_json::from_str(request_json).map_err(|e| Failure::argument(format!("request JSON: {e}")))
}

fn roots(r: &[String]) -> Result<Vec<MerkleRoot>, VerifyError> {
    r.iter().map(|s| MerkleRoot::from_decimal(s)).collect()
}

fn key(vk_bytes: &[u8], statement: StatementId) -> Result<ValidatedVerifyingKey, VerifyError> {
    ValidatedVerifyingKey::from_bytes(vk_bytes, statement.num_public_inputs())
}

/// Checks a record-membership bundle against the agency's key and request
/// `{"roots": [..], "policy": {..}, "schema": [..], "scope": "..",
/// "context": ".."}`. Returns `{"statement", "root", "disclosed": [{"slot",
/// "name", "value"}], "nullifier"}` (values as decimal strings).
pub fn verify_record_bundle(
    vk_bytes: &[u8],
    bundle_json: &str,
    request_json: &str,
) -> Result<String, Failure> {
    let ask: RecordAsk = read_ask(request_json)?;
    let vk = key(vk_bytes, StatementId::RecordMembershipV2)?;
    let request = RecordRequest {
        accepted_roots: roots(&ask.roots)?,
        policy: Policy::from_json(&ask.policy.to_string())?.compile(RECORD_FIELDS, &ask.schema)?,
        scope: Scope::parse(&ask.scope)?,
        context: Context::from_decimal(&ask.context)?,
    };
    let outcome = verify_record(&Bundle::from_json(bundle_json)?, &vk, &request)?;
    let disclosed: Vec<Value> = outcome
        .disclosed
        .iter()
        .map(|(slot, value)| {
            json!({
                "slot": slot,
                "name": ask.schema.get(*slot),
                "value": value.to_string(),
            })
        })
        .collect();
    Ok(json!({
        "statement": StatementId::RecordMembershipV2.to_string(),
        "root": outcome.root.to_string(),
        "disclosed": disclosed,
        "nullifier": outcome.nullifier.to_string(),
    })
    .to_string())
}

/// Checks an identity bundle against the agency's key and request
/// `{"roots": [..], "schema": {..}, "policies": {"name": {..}}, "scope":
/// "..", "context": "..", "today": "YYYY-MM-DD"}`. Returns `{"statement",
/// "policy", "issuers_root", "issuer", "disclosed": {name: value},
/// "nullifier"}`.
pub fn verify_identity_bundle(
    vk_bytes: &[u8],
    bundle_json: &str,
    request_json: &str,
) -> Result<String, Failure> {
    let ask: IdentityAsk = read_ask(request_json)?;
    let vk = key(vk_bytes, StatementId::IdentityV2)?;
    let schema = Schema::from_json(&ask.schema.to_string())?;
    let policies = ask
        .policies
        .iter()
        .map(|(name, p)| Ok((name.clone(), IdentityPolicy::from_json(&p.to_string())?)))
        .collect::<Result<Vec<_>, VerifyError>>()?;
    let verifier = IdentityVerifier::new(
        &vk,
        schema,
        &policies,
        roots(&ask.roots)?,
        Scope::parse(&ask.scope)?,
    )?;
    let outcome = verifier.verify(
        &Bundle::from_json(bundle_json)?,
        &Context::from_decimal(&ask.context)?,
        Date::parse(&ask.today)?,
    )?;
    let disclosed: serde_json::Map<String, Value> = outcome.disclosed.into_iter().collect();
    Ok(json!({
        "statement": StatementId::IdentityV2.to_string(),
        "policy": outcome.policy,
        "issuers_root": outcome.issuers_root.to_string(),
        "issuer": outcome.issuer,
        "disclosed": disclosed,
        "nullifier": outcome.nullifier.to_string(),
    })
    .to_string())
}

/// Checks a ledger receipt offline against the log's verifier key
/// (`<name>+<key id>+<base64 key>`). Returns `{"index", "kind",
/// "checkpoint": {"origin", "size", "root"}, "body"}`.
pub fn verify_receipt(receipt_json: &str, log_key: &str) -> Result<String, Failure> {
    let log = NoteVerifier::from_vkey(log_key).map_err(VerifyError::from)?;
    let v = Receipt::from_json(receipt_json)?.verify(&log)?;
    Ok(json!({
        "index": v.index,
        "kind": v.entry.kind().to_string(),
        "checkpoint": checkpoint_json(&v.checkpoint),
        "body": serde_json::to_value(&v.entry.body).unwrap_or(Value::Null),
    })
    .to_string())
}

/// `{"origin", "size", "root"}` (the root in hex).
fn checkpoint_json(c: &zkgov_verifier::log::Checkpoint) -> Value {
    let root: String = c.root.iter().map(|b| format!("{b:02x}")).collect();
    json!({"origin": c.origin, "size": c.size, "root": root})
}

/// Checks that `receipt_json` (the ledger's receipt of an anchored proof)
/// anchors `bundle_json`'s statement on the log whose verifier key is
/// `log_key`: the receipt verifies (inclusion in a signed checkpoint), its
/// entry is a proof anchor, and its statement, key digest and public
/// inputs are the bundle's ([`zkgov_verifier::verify_anchor`]). Returns
/// `{"index", "checkpoint": {"origin", "size", "root"}, "anchored_at"}`.
pub fn verify_anchor_receipt(
    bundle_json: &str,
    receipt_json: &str,
    log_key: &str,
) -> Result<String, Failure> {
    let log = NoteVerifier::from_vkey(log_key).map_err(VerifyError::from)?;
    let bundle = Bundle::from_json(bundle_json)?;
    let v = zkgov_verifier::verify_anchor(&Receipt::from_json(receipt_json)?, &log, &bundle)?;
    let anchored_at = match &v.entry.body {
        zkgov_verifier::EntryBody::ProofAnchor(a) => Some(a.anchored_at),
        _ => None,
    };
    Ok(json!({
        "index": v.index,
        "checkpoint": checkpoint_json(&v.checkpoint),
        "anchored_at": anchored_at,
    })
    .to_string())
}

/// The bare Groth16 check of a bundle for its own statement (key digest,
/// input count, pairing), with no policy, root, scope or challenge: what
/// the benchmarks time. Returns `{"statement", "vk_digest",
/// "public_inputs": [..]}`. An agency uses the checks above.
pub fn verify_groth16(vk_bytes: &[u8], bundle_json: &str) -> Result<String, Failure> {
    let bundle = Bundle::from_json(bundle_json)?;
    let vk = key(vk_bytes, bundle.statement)?;
    let verified = bundle.verify(bundle.statement, &vk)?;
    Ok(json!({
        "statement": verified.statement.to_string(),
        "vk_digest": verified.vk_digest.to_hex(),
        "public_inputs": bundle.public_inputs.iter().map(to_decimal).collect::<Vec<_>>(),
    })
    .to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn garbage_is_a_failure_not_a_panic() {
        for (vk, bundle, request) in [
            (&b""[..], "", ""),
            (&b"\x00\x01"[..], "{}", "{}"),
            (&[0xffu8; 600][..], "null", "[]"),
        ] {
            let e = verify_record_bundle(vk, bundle, request).unwrap_err();
            assert_eq!(e.code, "malformed", "{e:?}");
            let e = verify_identity_bundle(vk, bundle, request).unwrap_err();
            assert_eq!(e.code, "malformed", "{e:?}");
            let e = verify_groth16(vk, bundle).unwrap_err();
            assert_eq!(e.code, "malformed", "{e:?}");
            let e = verify_receipt(bundle, request).unwrap_err();
            assert_eq!(e.code, "malformed", "{e:?}");
            let e = verify_anchor_receipt(bundle, request, request).unwrap_err();
            assert_eq!(e.code, "malformed", "{e:?}");
        }
    }

    #[test]
    fn failure_names_the_variant() {
        let f = Failure::from(VerifyError::InvalidProof);
        assert_eq!(f.code, "invalid-proof");
        assert_eq!(f.error, "InvalidProof");
        let v: Value = serde_json::from_str(&f.to_json()).unwrap();
        assert_eq!(v["code"], "invalid-proof");
    }
}
