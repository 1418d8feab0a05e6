//! The demo's second part: a benefits office and identity credentials.
//!
//! A civil registry (an accredited issuer) issues resident credentials; the
//! accreditation authority lists it; a benefits office asks "are you at
//! least 18 today and resident in the north region?" in a request it signs
//! with its key registered on the ledger. The resident checks the request
//! against the ledger, derives the office's scope, proves it, and the
//! office learns only that (and the region it asked to see), plus a
//! nullifier for its scope. A request for a borrowed scope, a revoked
//! credential, an expired one and a replayed proof are refused; the proof
//! is anchored on the ledger, where an outsider reads no disclosed value,
//! an auditor re-verifies it, and the resident's own presentation log
//! records it.

use std::{collections::BTreeMap, io::Write, time::Instant};

use ark_ff::UniformRand;
use rand::{CryptoRng, RngCore};
use serde_json::{json, Value};
use zkgov_ledger::authority::AgencySigner;
use zkgov_params::KeyDir;
use zkgov_verifier::{
    identity::Date, identity::IdentityPolicy, identity::IdentityVerifier, identity::Schema,
    identity::REVOCATION_DEPTH, to_decimal, Bundle, Context, Entry, EntryBody, EntrySignature, Fr,
    MerkleRoot, PresentationRequest, StatementId, REQUEST_FORMAT, REQUEST_VERSION,
};

use crate::{
    anchoring::{revocation_registry, ACCREDITED_REGISTRY},
    clock,
    demo::{
        load_or_setup, register_vk, say, DemoConfig, DemoLedger, ACCREDITATION_AUTHORITY,
        CIVIL_REGISTRY,
    },
    holder::HolderSecret,
    identity::{
        prove_identity, AccreditedIssuers, IdentityProofRequest, IssuerKey, IssuerRegister,
    },
    presentation::{DisclosedValue, Presentation, PresentationLog},
    ProverError,
};

/// What the identity part showed, for tests.
#[derive(Clone, Debug, Default)]
pub struct IdentityOutcomeFlags {
    /// The resident's proof was accepted, disclosing nothing.
    pub accepted: bool,
    /// The revoked credential could not be proven (and its proof against the
    /// superseded issuer root was refused).
    pub revoked_refused: bool,
    /// The expired credential could not be proven.
    pub expired_refused: bool,
    /// The proof replayed under another challenge was refused.
    pub replay_refused: bool,
    /// The proof was anchored and its receipt checked offline.
    pub anchored: bool,
    /// A request signed by another agency for the office's label was
    /// refused before proving.
    pub borrowed_scope_refused: bool,
    /// The anchor an outsider reads holds no disclosed value and no salt.
    pub anchor_private: bool,
    /// The auditor's replay re-verified every anchored proof.
    pub audited: bool,
    /// The resident's presentation log holds the presentation.
    pub logged: bool,
}

/// The resident-credential schema.
pub(super) const SCHEMA: &str = r#"{"version": 1, "id": "gov.example/resident-id/v1", "attributes": [
  {"name": "birth_date", "type": "date"},
  {"name": "region", "type": "code", "codes": {"north": 1, "south": 2, "east": 3, "west": 4}},
  {"name": "nationality", "type": "code"},
  {"name": "family_name", "type": "string"}
]}"#;

/// The benefits office's policy.
pub(super) const POLICY: &str = r#"{"version": 1, "schema": "gov.example/resident-id/v1", "clauses": [
  {"field": "birth_date", "op": "age>=", "years": 18},
  {"field": "region", "op": "=", "value": "north"},
  {"field": "region", "op": "disclose"}
]}"#;

fn person(birth: &str, region: &str, name: &str) -> BTreeMap<String, Value> {
    [
        ("birth_date", json!(birth)),
        ("region", json!(region)),
        ("nationality", json!(276)),
        ("family_name", json!(name)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Runs the benefits-office scenario on the demo's ledger.
pub(super) fn run<R: RngCore + CryptoRng>(
    cfg: &DemoConfig,
    ledger: &DemoLedger,
    rng: &mut R,
    out: &mut dyn Write,
) -> Result<IdentityOutcomeFlags, ProverError> {
    let mut flags = IdentityOutcomeFlags::default();
    say(
        out,
        "zkgov demo, part 2: identity credentials (civil registry -> benefits office)",
    )?;
    say(out, "")?;
    say(out, "8. Keys for the identity statement")?;
    let keys = KeyDir::new(cfg.data_dir.join("keys"));
    let st = StatementId::IdentityV2;
    let (pk, vk) = load_or_setup(&keys, st, REVOCATION_DEPTH, rng, out)?;
    register_vk(ledger, st, REVOCATION_DEPTH, &vk, out)?;

    say(out, "")?;
    say(
        out,
        "9. The civil registry issues credentials; the accreditation authority lists it",
    )?;
    let schema = Schema::from_json(SCHEMA)?;
    let today = clock::today();
    let civil = IssuerKey::generate(rng);
    let mut register = IssuerRegister::new(civil.public_key());
    let tax_office = IssuerKey::generate(rng);
    let tax_register = IssuerRegister::new(tax_office.public_key());
    say(
        out,
        format!(
            "  civil registry issuer id {}",
            zkgov_verifier::to_decimal(&civil.public_key().id())
        ),
    )?;
    let since = Date(today.0 - 30);
    let until = Date(today.0 + 5 * 365);
    let resident = HolderSecret::generate(rng);
    let bob = HolderSecret::generate(rng);
    let carol = HolderSecret::generate(rng);
    let cred = civil.issue(
        &mut register,
        &schema,
        person("1990-05-17", "north", "Doe"),
        resident.commitment(),
        since,
        until,
    )?;
    let bob_cred = civil.issue(
        &mut register,
        &schema,
        person("1985-02-03", "north", "Roe"),
        bob.commitment(),
        since,
        until,
    )?;
    let carol_cred = civil.issue(
        &mut register,
        &schema,
        person("1970-09-09", "north", "Poe"),
        carol.commitment(),
        Date(today.0 - 400),
        Date(today.0 - 1),
    )?;
    say(
        out,
        format!(
            "  3 credentials signed (EdDSA-Poseidon, circomlib-compatible); Carol's expired {}",
            carol_cred.body.expires
        ),
    )?;
    // The files the citizens keep parse back and re-check their signature.
    let cred = zkgov_verifier::identity::Credential::from_json(&cred.to_json())?;
    let mut accredited = AccreditedIssuers::new();
    accredited.upsert("civil-registry", &register);
    accredited.upsert("tax-office", &tax_register);
    let before_revocation = accredited.clone();
    let old_root = accredited.root()?;

    register.revoke(bob_cred.body.revocation_nonce)?;
    let rev_root = register.revocation_tree()?.root();
    let r = ledger.session.publish_root(
        &ledger.keys.civil,
        &revocation_registry(CIVIL_REGISTRY),
        MerkleRoot(rev_root),
        register.revoked.len() as u64,
        None,
        clock::now(),
    )?;
    say(
        out,
        format!(
            "  Bob's credential is reported stolen and revoked; revocation root anchored: entry {}",
            r.index
        ),
    )?;
    accredited.upsert("civil-registry", &register);
    let issuers_root = accredited.root()?;
    let r = ledger.session.publish_root(
        &ledger.keys.accreditation,
        ACCREDITED_REGISTRY,
        issuers_root,
        accredited.issuers.len() as u64,
        None,
        clock::now(),
    )?;
    say(
        out,
        format!(
            "  accredited-issuer root {issuers_root} anchored: entry {}",
            r.index
        ),
    )?;
    // The office takes the issuer root from the ledger, not from the
    // authority's file: signed by the accreditation authority, at most a day old.
    let root_policy = zkgov_verifier::RootPolicy {
        authority: ACCREDITATION_AUTHORITY.into(),
        authority_key: ledger.keys.accreditation.authority().public_key,
        registry_id: ACCREDITED_REGISTRY.into(),
        max_age_secs: 24 * 3600,
        min_leaves: 1,
        witnesses: Default::default(),
    };
    let accepted_root = root_policy.check(&r, &ledger.session.log, clock::now())?;
    if accepted_root != issuers_root {
        return Err(ProverError::malformed(
            "demo",
            "the anchored issuer root differs from the list's",
        ));
    }
    say(
        out,
        "  the office's root policy (accreditation authority's signature, at most a day old) accepts it from the ledger",
    )?;

    say(out, "")?;
    say(
        out,
        "10. The benefits office states its policy for today and issues a challenge",
    )?;
    let policy = IdentityPolicy::from_json(POLICY)?;
    // The office's key and its scope label, registered by the ledger's
    // admin (a fresh name per run: a long-lived ledger keeps old ones).
    let office = AgencySigner::generate(&format!("benefits-{:04x}", rng.next_u32() & 0xffff), rng);
    let snooper = AgencySigner::generate(&format!("snooper-{:04x}", rng.next_u32() & 0xffff), rng);
    let origin = ledger.session.origin.clone();
    for (a, label) in [(&office, "benefits-2026"), (&snooper, "snoop-2026")] {
        let r = ledger.session.client.submit(
            &ledger
                .keys
                .admin
                .register_agency(&origin, a.agency(vec![label.into()])),
        )?;
        r.verify(&ledger.session.log)?;
        say(
            out,
            format!(
                "  agency {} registered for scope label {label:?}: entry {}",
                a.name(),
                r.index
            ),
        )?;
    }
    let now = clock::now();
    let request_for = |signer: &AgencySigner, rng: &mut R| {
        let mut r = PresentationRequest {
            format: REQUEST_FORMAT.into(),
            version: REQUEST_VERSION,
            ledger: origin.clone(),
            agency: signer.name().into(),
            statement: st,
            policy_name: "adult-resident-north".into(),
            policy: serde_json::from_str(POLICY).unwrap_or_default(),
            scope_label: "benefits-2026".into(),
            challenge: Fr::rand(rng),
            issued_at: now,
            expires_at: now + 600,
            signature: EntrySignature::default(),
        };
        signer.sign(&mut r);
        r
    };
    let office_request = request_for(&office, rng);
    say(
        out,
        format!(
            "  signed request: agency {}, policy {:?}, scope label {:?}, challenge {}, expires at {} (signature {}...)",
            office_request.agency,
            office_request.policy_name,
            office_request.scope_label,
            to_decimal(&office_request.challenge),
            office_request.expires_at,
            &office_request.to_json().split("\"signature\": \"").nth(1).unwrap_or("").chars().take(16).collect::<String>()
        ),
    )?;
    // The resident's side: the request is checked against the ledger and
    // the scope derived from it, never taken from the office.
    let checked = ledger
        .session
        .check_request(&office_request, clock::now())?;
    say(
        out,
        format!(
            "  the resident checks it against the office's registration on the ledger and derives the scope Poseidon(\"zkgov.scope.v1\", {}, \"benefits-2026\") = {}",
            office_request.agency, checked.scope
        ),
    )?;
    let borrowed = request_for(&snooper, rng);
    match ledger.session.check_request(&borrowed, clock::now()) {
        Err(e) => {
            flags.borrowed_scope_refused = true;
            say(
                out,
                format!(
                    "  {} asking for the office's label: refused before proving ({e})",
                    snooper.name()
                ),
            )?;
        }
        Ok(_) => say(out, "  !! a borrowed scope was accepted (this is a bug)")?,
    }
    let (scope, context) = (checked.scope, checked.context);
    let verifier = IdentityVerifier::new(
        &vk,
        schema.clone(),
        &[("adult-resident-north".to_string(), policy.clone())],
        vec![accepted_root],
        scope,
    )?;
    let compiled = policy.compile(&schema, today)?;
    say(out, format!("  today {today}: age >= 18 means born on or before {}; region = north, and the region disclosed", today.years_before(18)?))?;

    say(out, "")?;
    say(out, "11. The resident proves, on their own machine")?;
    let t = Instant::now();
    let request = |issuers, context| IdentityProofRequest {
        issuers,
        policy: compiled.clone(),
        scope,
        context,
    };
    let (bundle, _) = prove_identity(
        &pk,
        &vk,
        &resident,
        &cred,
        request(&accredited, context),
        rng,
    )?;
    let json = bundle.to_json();
    say(
        out,
        format!(
            "  proved in {:.2}s; bundle {} bytes",
            t.elapsed().as_secs_f64(),
            json.len()
        ),
    )?;

    say(out, "")?;
    say(
        out,
        "12. The benefits office verifies (zkgov-verifier only)",
    )?;
    let t = Instant::now();
    let learned = verifier.verify(&Bundle::from_json(&json)?, &context, today)?;
    flags.accepted =
        learned.disclosed == [("region".to_string(), json!("north"))] && learned.issuer.is_none();
    say(
        out,
        format!(
            "  VALID ({:.1} ms): policy {:?} holds. The office learned:",
            t.elapsed().as_secs_f64() * 1e3,
            learned.policy
        ),
    )?;
    say(out, "    - a credential of this schema, signed by an accredited issuer (which one is not said), not revoked, valid today")?;
    say(
        out,
        "    - its holder is at least 18 today and resident in the north region",
    )?;
    for (name, value) in &learned.disclosed {
        say(
            out,
            format!("    - disclosed {name} = {value} (from the bundle's opening of its disclosure commitment)"),
        )?;
    }
    say(
        out,
        format!("    - nullifier for this scope: {}", learned.nullifier),
    )?;

    say(out, "")?;
    say(out, "13. What is refused")?;
    match prove_identity(
        &pk,
        &vk,
        &bob,
        &bob_cred,
        request(&accredited, context),
        rng,
    ) {
        Err(e) => {
            say(
                out,
                format!("  Bob (revoked) cannot prove against the current issuer root: {e}"),
            )?;
            // Against the issuer root from before the revocation he can prove,
            // but the office accepts only the current root.
            let (stale, _) = prove_identity(
                &pk,
                &vk,
                &bob,
                &bob_cred,
                request(&before_revocation, context),
                rng,
            )?;
            match verifier.verify(&stale, &context, today) {
                Err(e) => {
                    flags.revoked_refused = true;
                    say(
                        out,
                        format!(
                            "  Bob's proof against the superseded root {old_root}: refused ({e})"
                        ),
                    )?;
                }
                Ok(_) => say(
                    out,
                    "  !! a proof against a superseded root was accepted (this is a bug)",
                )?,
            }
        }
        Ok(_) => say(out, "  !! a revoked credential was proven (this is a bug)")?,
    }
    match prove_identity(
        &pk,
        &vk,
        &carol,
        &carol_cred,
        request(&accredited, context),
        rng,
    ) {
        Err(e) => {
            flags.expired_refused = true;
            say(
                out,
                format!(
                    "  Carol (expired {}) cannot prove: {e}",
                    carol_cred.body.expires
                ),
            )?;
        }
        Ok(_) => say(out, "  !! an expired credential was proven (this is a bug)")?,
    }
    let next = Context(Fr::rand(rng));
    match verifier.verify(&bundle, &next, today) {
        Err(e) => {
            flags.replay_refused = true;
            say(
                out,
                format!("  the resident's proof replayed in another session: refused ({e})"),
            )?;
        }
        Ok(_) => say(out, "  !! a replayed proof was accepted (this is a bug)")?,
    }

    say(out, "")?;
    say(
        out,
        "14. The ledger anchors the proof against the anchored issuer root",
    )?;
    let received = Bundle::from_json(&json)?;
    let receipt = ledger.session.anchor(&received)?;
    let checked = receipt.verify(&ledger.session.log)?;
    flags.anchored = checked.entry.kind() == "proof-anchor"
        && zkgov_verifier::check_anchor(&receipt, &ledger.session.log, &received)? == checked.index;
    say(
        out,
        format!(
            "  anchored: entry {}; receipt checked offline against checkpoint of size {}",
            checked.index, checked.checkpoint.size
        ),
    )?;

    say(out, "")?;
    say(out, "15. The log entry, as an outsider reads it")?;
    let bytes = ledger.session.client.entry(checked.index)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if let EntryBody::ProofAnchor(a) = Entry::from_bytes(&bytes)?.body {
        for (name, x) in st.public_input_names().iter().zip(&a.public_inputs) {
            let d = to_decimal(x);
            let short = if d.len() > 24 {
                format!("{}...", &d[..24])
            } else {
                d
            };
            say(out, format!("  {name:<13} {short}"))?;
        }
        say(
            out,
            format!(
                "  proof         {} bytes, so anyone can re-verify it",
                a.proof.to_bytes().len()
            ),
        )?;
        let opening = received.disclosure.as_ref();
        let hidden = opening.is_some_and(|o| {
            !text.contains(&to_decimal(&o.salt)) && !a.public_inputs.contains(&o.values[1])
        }) && !text.contains("north");
        flags.anchor_private = hidden;
        say(
            out,
            format!(
                "  not in it: the region, the birth date, the salt ({}); the office alone holds the opening",
                if hidden { "checked" } else { "!! FOUND: this is a bug" }
            ),
        )?;
    }
    let report = crate::audit::audit_ledger(&ledger.session.client)?;
    flags.audited = report.ok() && report.proofs_verified >= 1;
    say(
        out,
        format!(
            "  an auditor replays all {} entries and re-verifies {} anchored proofs: {} failures",
            report.entries,
            report.proofs_verified,
            report.failures.len()
        ),
    )?;

    say(out, "")?;
    say(
        out,
        "16. The resident's own presentation log (in their files only)",
    )?;
    let log = PresentationLog::for_holder(&cfg.data_dir.join("resident.json"));
    log.append(&Presentation {
        time: clock::now(),
        agency: office_request.agency.clone(),
        ledger: origin.clone(),
        policy: office_request.policy_name.clone(),
        statement: st,
        scope_label: office_request.scope_label.clone(),
        scope,
        nullifier: learned.nullifier,
        disclosed: learned
            .disclosed
            .iter()
            .map(|(name, value)| DisclosedValue {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        anchored_at: Some(checked.index),
    })?;
    let all = log.read()?;
    flags.logged = all
        .last()
        .is_some_and(|p| p.agency == office_request.agency);
    for p in all.iter().rev().take(3).rev() {
        let shown = p
            .disclosed
            .iter()
            .map(|d| format!("{} = {}", d.name, d.value))
            .collect::<Vec<_>>()
            .join(", ");
        say(
            out,
            format!(
                "  {} {} asked {}: disclosed {shown}; anchored as entry {:?}",
                p.time, p.agency, p.policy, p.anchored_at
            ),
        )?;
    }
    say(
        out,
        format!(
            "  ({} presentations in {})",
            all.len(),
            log.path().display()
        ),
    )?;
    say(out, "")?;
    say(
        out,
        "Done. The office never saw the resident's name, birth date, issuer or credential; the ledger never saw the region.",
    )?;
    Ok(flags)
}
