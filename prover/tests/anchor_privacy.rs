//! What the ledger publishes about an anchored identity proof, and the
//! freshness rules it applies: no disclosed value or salt in any byte it
//! serves while the agency still reads the values; a root superseded beyond
//! its grace window and a back-dated `today` refused with typed codes; the
//! auditor re-verifying every anchor from the log alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use ark_ff::{BigInteger, PrimeField};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::json;
use zkgov_ledger::{
    authority::AuthoritySigner,
    http::{serve, LedgerClient},
    ledger::{default_root_grace, DEFAULT_ROOT_GRACE_SECS},
    store::MemoryStorage,
    ErrorCode, Ledger, LedgerConfig, LedgerError,
};
use zkgov_params::dev_setup;
use zkgov_prover::{
    audit_ledger, prove_identity, AccreditedIssuers, HolderSecret, IdentityProofRequest, IssuerKey,
    IssuerRegister, LedgerSession, PreparedProver, ProverError, ACCREDITED_REGISTRY,
};
use zkgov_verifier::{
    encoding::b64_encode, identity::Credential, identity::Date, identity::IdentityPolicy,
    identity::IdentityVerifier, identity::Schema, to_decimal, Bundle, Context, Entry, EntryBody,
    Fr, Role, Scope, StatementId, ValidatedVerifyingKey,
};

const ORIGIN: &str = "zkgov.test/privacy";
const T0: u64 = 1_800_000_000;
const SCHEMA: &str = r#"{"version":1,"id":"gov.example/resident-id/v1","attributes":[
    {"name":"birth_date","type":"date"},
    {"name":"region","type":"code","codes":{"north":1,"south":2}}]}"#;
const POLICY: &str = r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
    {"field":"birth_date","op":"age>=","years":18},
    {"field":"region","op":"disclose"}]}"#;

struct World {
    clock: Arc<AtomicU64>,
    session: LedgerSession,
    ledger: Ledger,
    accreditor: AuthoritySigner,
    prepared: PreparedProver,
    vk: ValidatedVerifyingKey,
    schema: Schema,
    holder: HolderSecret,
    cred: Credential,
    list: AccreditedIssuers,
    rng: ChaCha20Rng,
}

fn world() -> World {
    let mut rng = ChaCha20Rng::seed_from_u64(41); // ok: test
    let st = StatementId::IdentityV2;
    let (pk, vk) = dev_setup(st, 20, &mut rng, false).unwrap();
    let prepared = PreparedProver::new(pk, st, 20).unwrap();
    let admin = AuthoritySigner::generate("admin", Role::Admin, vec![], &mut rng);
    let accreditor = AuthoritySigner::generate(
        "accreditor",
        Role::AccreditationAuthority,
        vec![ACCREDITED_REGISTRY.into()],
        &mut rng,
    );
    let clock = Arc::new(AtomicU64::new(T0));
    let c = clock.clone();
    let ledger = Ledger::open(
        Box::new(MemoryStorage::default()),
        LedgerConfig {
            origin: ORIGIN.into(),
            signer: ed25519_dalek::SigningKey::from_bytes(&[9; 32]),
            authorities: vec![admin.authority().clone(), accreditor.authority().clone()],
            state_file: None,
            clock: Arc::new(move || c.load(Ordering::SeqCst)),
            lock: None,
            max_in_flight: zkgov_ledger::ledger::MAX_IN_FLIGHT,
            root_grace_secs: default_root_grace(),
        },
    )
    .unwrap();
    let session = LedgerSession::connect(LedgerClient::InProcess(ledger.clone())).unwrap();
    session.register_vk(&admin, st, 20, &vk).unwrap().unwrap();

    let schema = Schema::from_json(SCHEMA).unwrap();
    let issuer = IssuerKey::generate(&mut rng);
    let mut register = IssuerRegister::new(issuer.public_key());
    let holder = HolderSecret::generate(&mut rng);
    let values = [
        ("birth_date", json!("1990-01-01")),
        ("region", json!("south")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let cred = issuer
        .issue(
            &mut register,
            &schema,
            values,
            holder.commitment(),
            Date::parse("2025-01-01").unwrap(),
            Date::parse("2030-01-01").unwrap(),
        )
        .unwrap();
    let mut list = AccreditedIssuers::new();
    list.upsert("civil-registry", &register);
    session
        .publish_root(
            &accreditor,
            ACCREDITED_REGISTRY,
            list.root().unwrap(),
            1,
            None,
            T0,
        )
        .unwrap();
    World {
        clock,
        session,
        ledger,
        accreditor,
        prepared,
        vk,
        schema,
        holder,
        cred,
        list,
        rng,
    }
}

impl World {
    fn prove(&mut self, today: Date, scope: u64) -> Bundle {
        let policy = IdentityPolicy::from_json(POLICY).unwrap();
        prove_identity(
            &self.prepared,
            &self.vk,
            &self.holder,
            &self.cred,
            IdentityProofRequest {
                issuers: &self.list,
                policy: policy.compile(&self.schema, today).unwrap(),
                scope: Scope(Fr::from(scope)),
                context: Context(Fr::from(7u64)),
            },
            &mut self.rng,
        )
        .unwrap()
        .0
    }

    fn refusal(&self, bundle: &Bundle) -> ErrorCode {
        match self.session.anchor(bundle) {
            Err(ProverError::Ledger(e)) => e.code(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}

/// Every spelling of a field element the ledger's formats use.
fn spellings(x: &Fr) -> Vec<String> {
    let le = x.into_bigint().to_bytes_le();
    let be = x.into_bigint().to_bytes_be();
    vec![
        to_decimal(x),
        hex::encode(&le),
        hex::encode(&be),
        b64_encode(&le),
        b64_encode(&be),
    ]
}

#[test]
fn the_ledger_serves_no_disclosed_value_or_salt_while_the_agency_reads_them() {
    let mut w = world();
    let today = Date::from_unix(T0);
    let bundle = w.prove(today, 1);
    let opening = bundle
        .disclosure
        .clone()
        .expect("the holder's copy has the opening");
    let region = opening.values[1];
    assert_eq!(region, Fr::from(2u64), "south");

    // The agency reads the region from the holder's bundle.
    let verifier = IdentityVerifier::new(
        &w.vk,
        w.schema.clone(),
        &[(
            "adult-resident".into(),
            IdentityPolicy::from_json(POLICY).unwrap(),
        )],
        vec![w.list.root().unwrap()],
        Scope(Fr::from(1u64)),
    )
    .unwrap();
    let out = verifier
        .verify(&bundle, &Context(Fr::from(7u64)), today)
        .unwrap();
    assert_eq!(out.disclosed, vec![("region".to_string(), json!("south"))]);

    // The ledger refuses the holder's copy, which carries the opening ...
    let with_opening = zkgov_ledger::Submission::Proof {
        bundle: Box::new(bundle.clone()),
    };
    let e = w.ledger.submit(with_opening).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Malformed, "{e}");
    // ... and anchors the proof without it.
    let receipt = w.session.anchor(&bundle).unwrap();

    // Everything the ledger serves over HTTP, as an outsider reads it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    rt.spawn(serve(w.ledger.clone(), listener, async move {
        let _ = stopped.await;
    }));
    let get = |path: &str| {
        ureq::get(&format!("{url}{path}"))
            .call()
            .unwrap()
            .into_string()
            .unwrap()
    };
    let mut served = vec![get("/v1/checkpoint"), get("/v1/genesis")];
    served.push(get(&format!("/v1/roots/{ACCREDITED_REGISTRY}")));
    let size = w.ledger.size();
    let mut anchors = 0;
    for i in 0..size {
        served.push(get(&format!("/v1/entries/{i}")));
        served.push(get(&format!("/v1/receipts/{i}")));
        let entry = Entry::from_bytes(&w.ledger.entry(i).unwrap().unwrap()).unwrap();
        served.push(String::from_utf8(entry.to_bytes()).unwrap());
        if let EntryBody::ProofAnchor(a) = &entry.body {
            anchors += 1;
            // The anchor carries the proof and the commitment: anyone can
            // re-verify it, and learns no disclosed value.
            assert_eq!(a.proof, bundle.proof);
            let names = StatementId::IdentityV2.public_input_names();
            assert!(
                !names.iter().any(|n| n.starts_with("disclosed")),
                "{names:?}"
            );
            for (name, x) in names.iter().zip(&a.public_inputs) {
                assert!(
                    !opening.values.contains(x) || *x == Fr::from(0u64),
                    "public input {name} is a disclosed value"
                );
            }
        }
    }
    let _ = stop.send(());
    assert_eq!(anchors, 1);
    assert_eq!(receipt.index, size - 1);
    for text in &served {
        for s in spellings(&opening.salt) {
            assert!(!text.contains(&s), "the salt is served: {text}");
        }
        assert!(
            !text.contains("\"disclosure\":{"),
            "an opening is served: {text}"
        );
        assert!(!text.contains("south"), "{text}");
    }

    // The auditor re-verifies the anchor from the log alone.
    let report = audit_ledger(&w.session.client).unwrap();
    assert!(report.ok(), "{:?}", report.failures);
    assert_eq!(report.proofs_verified, 1);

    // A log whose anchor was rewritten is named entry by entry.
    let mut entries: Vec<Vec<u8>> = (0..size)
        .map(|i| w.ledger.entry(i).unwrap().unwrap())
        .collect();
    let last = entries.len() - 1;
    let mut e = Entry::from_bytes(&entries[last]).unwrap();
    if let EntryBody::ProofAnchor(a) = &mut e.body {
        a.public_inputs[5] += Fr::from(1u64);
    }
    entries[last] = e.to_bytes();
    let report = zkgov_prover::audit(&entries, &w.ledger.checkpoint().unwrap().note);
    assert!(
        report
            .failures
            .iter()
            .any(|(i, why)| *i == Some(last as u64) && why.contains("does not verify")),
        "{:?}",
        report.failures
    );
    assert!(
        report.failures.iter().any(|(i, _)| i.is_none()),
        "the checkpoint no longer matches"
    );

    // The same anchor twice, and an anchor whose time puts its date out of
    // range, are named too.
    let honest: Vec<Vec<u8>> = (0..size)
        .map(|i| w.ledger.entry(i).unwrap().unwrap())
        .collect();
    let mut twice = honest.clone();
    twice.push(honest[last].clone());
    let report = zkgov_prover::audit(&twice, &w.ledger.checkpoint().unwrap().note);
    assert!(
        report
            .failures
            .iter()
            .any(|(i, why)| *i == Some(size) && why.contains("anchored twice")),
        "{:?}",
        report.failures
    );
    let mut late = honest.clone();
    let mut e = Entry::from_bytes(&late[last]).unwrap();
    if let EntryBody::ProofAnchor(a) = &mut e.body {
        a.anchored_at += 3 * 86_400;
    }
    late[last] = e.to_bytes();
    let report = zkgov_prover::audit(&late, &w.ledger.checkpoint().unwrap().note);
    assert!(
        report
            .failures
            .iter()
            .any(|(i, why)| *i == Some(last as u64) && why.contains("not fresh")),
        "{:?}",
        report.failures
    );
}

#[test]
fn the_ledger_refuses_a_superseded_root_beyond_its_window_and_a_back_dated_today() {
    let mut w = world();
    let today = Date::from_unix(T0);
    let old_root_bundle = w.prove(today, 2);
    let fresh = w.prove(today, 3);
    // The accreditation authority publishes a new issuer list 10 s later.
    let superseded_at = T0 + 10;
    w.clock.store(superseded_at, Ordering::SeqCst);
    let other = IssuerKey::generate(&mut w.rng);
    w.list
        .upsert("tax-office", &IssuerRegister::new(other.public_key()));
    let new_root = w.list.root().unwrap();
    w.session
        .publish_root(
            &w.accreditor,
            ACCREDITED_REGISTRY,
            new_root,
            2,
            None,
            superseded_at,
        )
        .unwrap();
    // Beyond the window: refused, typed.
    w.clock.store(
        superseded_at + DEFAULT_ROOT_GRACE_SECS + 1,
        Ordering::SeqCst,
    );
    assert_eq!(w.refusal(&old_root_bundle), ErrorCode::RootSuperseded);
    // Within it: accepted.
    w.clock
        .store(superseded_at + DEFAULT_ROOT_GRACE_SECS, Ordering::SeqCst);
    w.session.anchor(&fresh).unwrap();

    // A proof dated two days before the ledger's clock: refused, typed; one
    // day before is within the rule.
    let now = T0 + 3 * 86_400;
    w.clock.store(now, Ordering::SeqCst);
    let ledger_today = Date::from_unix(now);
    let back_dated = w.prove(Date(ledger_today.0 - 2), 4);
    assert_eq!(w.refusal(&back_dated), ErrorCode::StaleDate);
    let future = w.prove(Date(ledger_today.0 + 2), 5);
    assert_eq!(w.refusal(&future), ErrorCode::StaleDate);
    let yesterday = w.prove(Date(ledger_today.0 - 1), 6);
    w.session.anchor(&yesterday).unwrap();
    // The message names both dates, and the status is 422.
    let e = w
        .ledger
        .submit(zkgov_ledger::Submission::Proof {
            bundle: Box::new(back_dated.without_opening()),
        })
        .unwrap_err();
    assert!(matches!(e, LedgerError::Refused(_)), "{e}");
    assert_eq!(e.code().status(), 422);
    assert!(e.to_string().contains(&ledger_today.to_string()), "{e}");

    let report = audit_ledger(&w.session.client).unwrap();
    assert!(report.ok(), "{:?}", report.failures);
    assert_eq!(report.proofs_verified, 2);
}
