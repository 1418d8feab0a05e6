//! The demo's second part: a benefits office and identity credentials.
//!
//! A civil registry (an accredited issuer) issues resident credentials; the
//! accreditation authority lists it; a benefits office asks "are you at
//! least 18 today and resident in the north region?". A resident proves it
//! and the office learns only that, plus a nullifier for its scope. A
//! revoked credential, an expired one and a replayed proof are refused, and
//! the proof is anchored on the ledger against the anchored issuer root.

use std::{collections::BTreeMap, io::Write, time::Instant};

use ark_ff::UniformRand;
use rand::{CryptoRng, RngCore};
use serde_json::{json, Value};
use zkgov_params::KeyDir;
use zkgov_verifier::{
    identity::Date, identity::IdentityPolicy, identity::IdentityVerifier, identity::Schema,
    identity::REVOCATION_DEPTH, label_to_field, Bundle, Context, Fr, MerkleRoot, Scope,
    StatementId,
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
  {"field": "region", "op": "=", "value": "north"}
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
    let st = StatementId::IdentityV1;
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
    let scope = Scope(label_to_field("benefits-2026")?);
    let context = Context(Fr::rand(rng));
    let verifier = IdentityVerifier::new(
        &vk,
        schema.clone(),
        &[("adult-resident-north".to_string(), policy.clone())],
        vec![accepted_root],
        scope,
    )?;
    let compiled = policy.compile(&schema, today)?;
    say(out, format!("  today {today}: age >= 18 means born on or before {}; region = north; nothing disclosed", today.years_before(18)?))?;
    say(
        out,
        format!("  scope \"benefits-2026\", challenge {context}"),
    )?;

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
    flags.accepted = learned.disclosed.is_empty() && learned.issuer.is_none();
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
    say(
        out,
        "Done. The office never saw the resident's name, birth date, issuer or credential.",
    )?;
    Ok(flags)
}
