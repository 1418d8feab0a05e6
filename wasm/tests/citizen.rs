//! The citizen's page, natively: the same functions the wasm build exports
//! ([`zkgov_wasm::citizen`]), on a real ledger, with the refusals the page
//! must show; then the site the browser tests serve.
//!
//! An in-process ledger (SQLite, in a temp dir) registers a benefits
//! office for the scope label `benefits-2026`; a civil registry issues a
//! resident credential; the accreditation authority lists the registry.
//! The office signs a request. Natively, the citizen's checks accept it,
//! refuse an expired one, one signed by another key, and one checked
//! against another log's key; the prover refuses key files that do not
//! match the manifest, a holder file given as the credential, and the
//! wrong holder; a proof verifies with the agency's check.
//!
//! Output, `<target>/wasm-fixtures/citizen/` (or `$ZKGOV_WASM_FIXTURES/citizen`):
//! - `site/`: what a site serves beside the pages: `site.json` (the
//!   log's key, where keys and the issuer list are), `keys/` (manifest and
//!   identity keys), `issuers.json`, and the ledger's answer to
//!   `GET /v1/agencies/{name}` at `ledger/v1/agencies/{name}`;
//! - the citizen's files (`credential.json`, `holder.json`) and the
//!   requests (`request.json`, `expired-request.json`,
//!   `borrowed-request.json`), which the page is given, never served;
//! - `agency-ask.json` and `identity.vk`, what the agency's page checks a
//!   bundle against; `identity-cases.json`, valid and tampered identity
//!   bundles with their native verdicts (the differential test in node);
//! - `canaries.json`: strings of the citizen's files that must never
//!   leave the page; `timing-native.json`: native prove and verify.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::{collections::BTreeMap, path::Path, time::Instant};

use common::{edit_json, fixtures_dir, native_verdict};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use zkgov_ledger::{authority::AgencySigner, http::LedgerClient};
use zkgov_params::{dev_setup, shape, KeyDir, PointChecks};
use zkgov_prover::{
    demo::DemoAuthorities, AccreditedIssuers, HolderSecret, IssuerKey, IssuerRegister,
    LedgerSession, ACCREDITED_REGISTRY,
};
use zkgov_verifier::{
    identity::{Date, Schema, REVOCATION_DEPTH},
    to_decimal, EntrySignature, Fr, PresentationRequest, Scope, StatementId, REQUEST_FORMAT,
    REQUEST_VERSION,
};
use zkgov_wasm::{
    citizen::{check, key_files, CitizenProver},
    verify_anchor_receipt, verify_identity_bundle,
};

const ST: StatementId = StatementId::IdentityV2;
const ORIGIN: &str = "zkgov.example/ledger";
const OFFICE: &str = "benefits-office";
const LABEL: &str = "benefits-2026";
const POLICY_NAME: &str = "adult-resident-north";
const SCHEMA: &str = r#"{"version": 1, "id": "gov.example/resident-id/v1", "attributes": [
  {"name": "birth_date", "type": "date"},
  {"name": "region", "type": "code", "codes": {"north": 1, "south": 2, "east": 3, "west": 4}},
  {"name": "nationality", "type": "code"},
  {"name": "family_name", "type": "string"}
]}"#;
const POLICY: &str = r#"{"version": 1, "schema": "gov.example/resident-id/v1", "clauses": [
  {"field": "birth_date", "op": "age>=", "years": 18},
  {"field": "region", "op": "=", "value": "north"},
  {"field": "region", "op": "disclose"}
]}"#;
/// The citizen's family name and birth date: in the credential only.
const FAMILY_NAME: &str = "Quillfeatherstonehaugh";
const BIRTH_DATE: &str = "1987-11-23";

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn request(signer: &AgencySigner, issued_at: u64, expires_at: u64, challenge: Fr) -> String {
    let mut r = PresentationRequest {
        format: REQUEST_FORMAT.into(),
        version: REQUEST_VERSION,
        ledger: ORIGIN.into(),
        agency: OFFICE.into(),
        statement: ST,
        policy_name: POLICY_NAME.into(),
        policy: serde_json::from_str(POLICY).unwrap(),
        scope_label: LABEL.into(),
        challenge,
        issued_at,
        expires_at,
        signature: EntrySignature::default(),
    };
    signer.sign(&mut r);
    // The office's name, whoever signed.
    r.agency = OFFICE.into();
    r.to_json()
}

#[test]
fn citizen_site_and_native_refusals() {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let dir = fixtures_dir().join("citizen");
    let _ = std::fs::remove_dir_all(&dir);
    let site = dir.join("site");

    // Keys (insecure development setup), as `zkgov setup` writes them.
    let keys = KeyDir::new(site.join("keys"));
    let (pk, vk) = dev_setup(ST, REVOCATION_DEPTH, &mut rng, false).unwrap();
    let entry = keys
        .write(
            ST,
            REVOCATION_DEPTH,
            shape(ST, REVOCATION_DEPTH).unwrap(),
            &pk,
            &vk,
        )
        .unwrap();
    let manifest = std::fs::read_to_string(site.join("keys/manifest.json")).unwrap();
    let pk_bytes = std::fs::read(site.join("keys").join(&entry.proving_key.file)).unwrap();
    let vk_bytes = std::fs::read(site.join("keys").join(&entry.verifying_key.file)).unwrap();
    write(&dir.join("identity.vk"), &vk_bytes);

    // The ledger, and the office registered on it.
    let authorities = DemoAuthorities::generate(&mut rng);
    let ledger_dir = tempfile::tempdir().unwrap();
    let ledger = zkgov_ledger::dir::open_dir(
        ledger_dir.path(),
        Some(ORIGIN),
        authorities.genesis().authorities,
    )
    .unwrap();
    let client = LedgerClient::InProcess(ledger.clone());
    let log_key = ledger.note_verifier().to_vkey();
    let office = AgencySigner::generate(OFFICE, &mut rng);
    let impostor = AgencySigner::generate(OFFICE, &mut rng);
    client
        .submit(
            &authorities
                .admin
                .register_agency(ORIGIN, office.agency(vec![LABEL.into()])),
        )
        .unwrap();
    let receipt = client.agency(OFFICE).unwrap().to_json();
    write(&site.join("ledger/v1/agencies").join(OFFICE), &receipt);

    // The credential, its holder, the accredited list.
    let holder = HolderSecret::generate(&mut rng);
    let holder_path = dir.join("holder.json");
    holder.write(&holder_path).unwrap();
    let holder_json = std::fs::read_to_string(&holder_path).unwrap();
    let schema = Schema::from_json(SCHEMA).unwrap();
    let issuer = IssuerKey::generate(&mut rng);
    let mut register = IssuerRegister::new(issuer.public_key());
    let today = Date::from_unix(now());
    let values: BTreeMap<String, Value> = [
        ("birth_date", json!(BIRTH_DATE)),
        ("region", json!("north")),
        ("nationality", json!(276)),
        ("family_name", json!(FAMILY_NAME)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let credential = issuer
        .issue(
            &mut register,
            &schema,
            values,
            holder.commitment(),
            Date::parse("2024-01-01").unwrap(),
            Date::parse("2099-12-31").unwrap(),
        )
        .unwrap();
    let credential_json = credential.to_json();
    write(&dir.join("credential.json"), &credential_json);
    let mut issuers = AccreditedIssuers::new();
    issuers.upsert("civil-registry", &register);
    let issuers_json = issuers.to_json();
    write(&site.join("issuers.json"), &issuers_json);
    let issuers_root = issuers.root().unwrap().to_string();

    // The office's requests: current, expired, and signed by another key.
    let t = now();
    let challenge = Fr::from(rand::RngCore::next_u64(&mut rng));
    let good = request(&office, t, t + 6 * 3600, challenge);
    let expired = request(&office, t - 7200, t - 3600, challenge);
    let borrowed = request(&impostor, t, t + 3600, challenge);
    write(&dir.join("request.json"), &good);
    write(&dir.join("expired-request.json"), &expired);
    write(&dir.join("borrowed-request.json"), &borrowed);

    // The citizen's checks.
    let asked = check(&good, &receipt, &log_key, t).unwrap();
    let words: Value = serde_json::from_str(&asked.describe()).unwrap();
    assert_eq!(words["agency"], OFFICE);
    assert_eq!(words["discloses"], json!(["region"]));
    assert_eq!(
        words["proves"],
        json!(["you are at least 18 years old", "your region is north"])
    );
    let scope = Scope::for_agency(OFFICE, LABEL).unwrap().to_string();
    assert_eq!(words["scope"], scope);
    let e = check(&expired, &receipt, &log_key, t).err().unwrap();
    assert_eq!((e.code, e.error.as_str()), ("mismatch", "RequestRefused"));
    assert!(e.message.contains("expired"), "{e:?}");
    let e = check(&borrowed, &receipt, &log_key, t).err().unwrap();
    assert_eq!(e.error, "BadSignature", "{e:?}");
    let other_log = zkgov_ledger::dir::open_dir(
        &ledger_dir.path().join("other"),
        Some(ORIGIN),
        authorities.genesis().authorities,
    )
    .unwrap()
    .note_verifier()
    .to_vkey();
    let e = check(&good, &receipt, &other_log, t).err().unwrap();
    assert_eq!(e.code, "mismatch", "{e:?}");
    let e = check(&credential_json, &receipt, &log_key, t)
        .err()
        .unwrap();
    assert_eq!(
        e.code, "malformed",
        "a credential given as the request: {e:?}"
    );

    // The keys: what the page fetches, and refusals of altered files.
    let files: Value = serde_json::from_str(&key_files(&manifest).unwrap()).unwrap();
    assert_eq!(
        files["proving_key"]["file"],
        entry.proving_key.file.as_str()
    );
    let mut flipped = pk_bytes.clone();
    flipped[1000] ^= 1;
    let e = CitizenProver::new(&manifest, &flipped, &vk_bytes)
        .err()
        .unwrap();
    assert_eq!((e.code, e.error.as_str()), ("bad-key", "DigestMismatch"));
    // Points validated before or not, the digest is checked.
    let e = CitizenProver::with_points(&manifest, &flipped, &vk_bytes, PointChecks::DoneBefore)
        .err()
        .unwrap();
    assert_eq!((e.code, e.error.as_str()), ("bad-key", "DigestMismatch"));
    let e = CitizenProver::new(&manifest, &pk_bytes[..pk_bytes.len() - 1], &vk_bytes)
        .err()
        .unwrap();
    assert_eq!((e.code, e.error.as_str()), ("bad-key", "SizeMismatch"));
    let e = CitizenProver::new(&manifest, &vk_bytes, &pk_bytes)
        .err()
        .unwrap();
    assert_eq!(e.code, "bad-key", "the two files swapped: {e:?}");

    // Proving: the prover refuses wrong files and a stranger's holder file.
    let prover =
        CitizenProver::with_points(&manifest, &pk_bytes, &vk_bytes, PointChecks::DoneBefore)
            .unwrap();
    // A holder file as the credential, a credential as the holder file.
    for (credential, holder_file) in [
        (&holder_json, &holder_json),
        (&credential_json, &credential_json),
    ] {
        let e = prover
            .prove(
                &asked,
                credential,
                holder_file,
                &issuers_json,
                today,
                &mut rng,
            )
            .err()
            .unwrap();
        assert_eq!(e.code, "malformed", "{e:?}");
        assert!(!e.message.contains(&to_decimal(holder.expose())));
    }
    let stranger = dir.join("stranger.json");
    HolderSecret::generate(&mut rng).write(&stranger).unwrap();
    let e = prover
        .prove(
            &asked,
            &credential_json,
            &std::fs::read_to_string(&stranger).unwrap(),
            &issuers_json,
            today,
            &mut rng,
        )
        .err()
        .unwrap();
    assert_eq!(e.code, "unsatisfied", "{e:?}");
    std::fs::remove_file(&stranger).unwrap();

    // Native timings on one thread (as the wasm build runs) and on every
    // core: preparing (key checks, matrices) once, then three proofs.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut timing = serde_json::Map::new();
    let mut out = None;
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (prepare_ms, prove_ms, last) = pool.install(|| {
            let started = Instant::now();
            let prepared = CitizenProver::new(&manifest, &pk_bytes, &vk_bytes).unwrap();
            let prepare_ms = started.elapsed().as_secs_f64() * 1000.0;
            let mut prove_ms = Vec::new();
            let mut last = None;
            for _ in 0..3 {
                let started = Instant::now();
                last = Some(
                    prepared
                        .prove(
                            &asked,
                            &credential_json,
                            &holder_json,
                            &issuers_json,
                            today,
                            &mut rng,
                        )
                        .unwrap(),
                );
                prove_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            prove_ms.sort_by(f64::total_cmp);
            (prepare_ms, prove_ms, last)
        });
        timing.insert(
            format!("threads_{threads}"),
            json!({"prepare_ms": prepare_ms, "prove_ms": prove_ms, "prove_min_ms": prove_ms[0]}),
        );
        out = last;
    }
    let out: Value = serde_json::from_str(&out.unwrap()).unwrap();
    assert_eq!(
        out["disclosed"],
        json!([{"name": "region", "value": "north"}])
    );
    assert_eq!(out["issuers_root"], issuers_root.as_str());
    let bundle = out["bundle"].as_str().unwrap().to_owned();
    for canary in [FAMILY_NAME, BIRTH_DATE] {
        assert!(!bundle.contains(canary), "the bundle holds {canary}");
    }

    // The agency's check of it, and of tampered copies.
    let ask = json!({
        "roots": [issuers_root],
        "schema": serde_json::from_str::<Value>(SCHEMA).unwrap(),
        "policies": {POLICY_NAME: serde_json::from_str::<Value>(POLICY).unwrap()},
        "scope": scope,
        "context": to_decimal(&challenge),
        "today": today.to_string(),
    })
    .to_string();
    write(&dir.join("agency-ask.json"), &ask);
    write(&dir.join("bundle.json"), &bundle);
    let verdict: Value =
        serde_json::from_str(&verify_identity_bundle(&vk_bytes, &bundle, &ask).unwrap()).unwrap();
    let started = Instant::now();
    for _ in 0..10 {
        verify_identity_bundle(&vk_bytes, &bundle, &ask).unwrap();
    }
    let verify_ms = started.elapsed().as_secs_f64() * 100.0;
    assert_eq!(verdict["disclosed"], json!({"region": "north"}));
    assert_eq!(verdict["nullifier"], out["nullifier"]);
    assert_eq!(verdict["policy"], POLICY_NAME);

    // The bundle anchored on the ledger (key registered, the accredited
    // issuers' root published): its receipt, for the agency's page.
    let session = LedgerSession::connect(client.clone()).unwrap();
    session
        .register_vk(&authorities.admin, ST, REVOCATION_DEPTH, &vk)
        .unwrap();
    session
        .publish_root(
            &authorities.accreditation,
            ACCREDITED_REGISTRY,
            issuers.root().unwrap(),
            1,
            None,
            now(),
        )
        .unwrap();
    let anchored = session
        .anchor(&zkgov_verifier::Bundle::from_json(&bundle).unwrap())
        .unwrap()
        .to_json();
    write(&dir.join("receipt.json"), &anchored);
    write(&dir.join("log-key.txt"), &log_key);
    let a: Value =
        serde_json::from_str(&verify_anchor_receipt(&bundle, &anchored, &log_key).unwrap())
            .unwrap();
    assert!(a["index"].as_u64().unwrap() > 0);
    // The agency's registration receipt anchors no bundle; the receipt
    // against another log's key verifies nothing.
    let e = verify_anchor_receipt(&bundle, &receipt, &log_key).unwrap_err();
    assert_eq!(e.code, "mismatch", "{e:?}");
    let e = verify_anchor_receipt(&bundle, &anchored, &other_log).unwrap_err();
    assert_ne!(e.code, "malformed", "{e:?}");

    let cases: Vec<(&str, String, Option<&str>)> = vec![
        ("valid", bundle.clone(), None),
        (
            "disclosed region edited",
            edit_json(&bundle, |v| v["disclosure"]["values"][1] = Value::from("2")),
            None,
        ),
        (
            "nullifier edited",
            edit_json(&bundle, |v| {
                let x = v["public_inputs"][4].as_str().unwrap();
                let y = if x.ends_with('1') { "2" } else { "1" };
                v["public_inputs"][4] = Value::from(format!("{}{y}", &x[..x.len() - 1]));
            }),
            None,
        ),
        (
            "proof byte flipped",
            edit_json(&bundle, |v| {
                let p = v["proof"].as_str().unwrap();
                let c = if p.starts_with('A') { "B" } else { "A" };
                v["proof"] = Value::from(format!("{c}{}", &p[1..]));
            }),
            None,
        ),
        (
            "truncated",
            bundle[..bundle.len() / 2].to_owned(),
            Some("malformed"),
        ),
    ];
    let mut written = Vec::new();
    for (name, b, want) in cases {
        let verdict = native_verdict(name, &verify_identity_bundle(&vk_bytes, &b, &ask), want);
        written.push(json!({"name": name, "bundle": b, "native": verdict}));
    }
    write(
        &dir.join("identity-cases.json"),
        serde_json::to_string_pretty(&written).unwrap(),
    );

    write(
        &site.join("site.json"),
        serde_json::to_string_pretty(&json!({
            "log_key": log_key,
            "ledger": "ledger",
            "keys": "keys",
            "issuers": "issuers.json",
            "submit": {OFFICE: format!("submit/{OFFICE}")},
        }))
        .unwrap(),
    );
    write(
        &dir.join("canaries.json"),
        json!([
            FAMILY_NAME,
            BIRTH_DATE,
            to_decimal(holder.expose()),
            to_decimal(&holder.commitment()),
        ])
        .to_string(),
    );
    timing.insert("verify_identity_ms".into(), json!(verify_ms));
    timing.insert("cores".into(), json!(cores));
    write(
        &dir.join("timing-native.json"),
        Value::Object(timing.clone()).to_string(),
    );
    println!(
        "citizen site in {}; native timings {}",
        dir.display(),
        Value::Object(timing)
    );
}
