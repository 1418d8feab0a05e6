//! Identity proofs at the proof level: the agency's check, replay under
//! another challenge, rewritten public inputs, issuer requirements, and the
//! prepared prover agreeing with ark-groth16.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_bn254::Bn254;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::json;
use zkgov_params::dev_setup;
use zkgov_prover::{
    prove_identity, AccreditedIssuers, HolderSecret, IdentityProofRequest, IssuerKey,
    IssuerRegister, PreparedProver,
};
use zkgov_verifier::{
    identity::Date, identity::IdentityPolicy, identity::IdentityVerifier, identity::Schema, Bundle,
    Context, ErrorKind, Fr, IdentityPublicInputs, MerkleRoot, Scope, StatementId, VerifyError,
};

const SCHEMA: &str = r#"{"version":1,"id":"gov.example/resident-id/v1","attributes":[
    {"name":"birth_date","type":"date"},
    {"name":"region","type":"code","codes":{"north":1,"south":2}}]}"#;

fn policy(issuer: Option<String>) -> IdentityPolicy {
    let mut p = IdentityPolicy::from_json(
        r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
        {"field":"birth_date","op":"age>=","years":18},
        {"field":"region","op":"disclose"}]}"#,
    )
    .unwrap();
    p.issuer = issuer;
    p
}

#[test]
fn identity_bundles_are_bound_to_challenge_inputs_and_issuer() {
    let mut rng = ChaCha20Rng::seed_from_u64(31); // ok: test
    let st = StatementId::IdentityV2;
    let (pk, vk) = dev_setup(st, 20, &mut rng, false).unwrap();
    // A record key cannot be prepared for the identity circuit.
    let (record_pk, _) = dev_setup(StatementId::RecordMembershipV2, 4, &mut rng, false).unwrap();
    assert!(PreparedProver::new(record_pk, st, 20).is_err());
    let prepared = PreparedProver::new(pk.clone(), st, 20).unwrap();

    let schema = Schema::from_json(SCHEMA).unwrap();
    let (a, b) = (IssuerKey::generate(&mut rng), IssuerKey::generate(&mut rng));
    let (mut ra, rb) = (
        IssuerRegister::new(a.public_key()),
        IssuerRegister::new(b.public_key()),
    );
    let holder = HolderSecret::generate(&mut rng);
    let values = [
        ("birth_date", json!("1990-01-01")),
        ("region", json!("south")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let today = Date::parse("2026-11-25").unwrap();
    let cred = a
        .issue(
            &mut ra,
            &schema,
            values,
            holder.commitment(),
            Date::parse("2025-01-01").unwrap(),
            Date::parse("2027-01-01").unwrap(),
        )
        .unwrap();
    let mut list = AccreditedIssuers::new();
    list.upsert("a", &ra);
    list.upsert("b", &rb);
    let root = list.root().unwrap();
    let (scope, context) = (Scope(Fr::from(9u64)), Context(Fr::from(10u64)));
    let prove = |p: IdentityPolicy, rng: &mut ChaCha20Rng| {
        prove_identity(
            &prepared,
            &vk,
            &holder,
            &cred,
            IdentityProofRequest {
                issuers: &list,
                policy: p.compile(&schema, today).unwrap(),
                scope,
                context,
            },
            rng,
        )
        .unwrap()
        .0
    };
    let bundle = prove(policy(None), &mut rng);
    let verifier = |p: IdentityPolicy| {
        IdentityVerifier::new(
            &vk,
            schema.clone(),
            &[("adult".into(), p)],
            vec![root],
            scope,
        )
        .unwrap()
    };
    let v = verifier(policy(None));
    let out = v.verify(&bundle, &context, today).unwrap();
    assert_eq!(out.policy, "adult");
    assert_eq!(out.disclosed, vec![("region".to_string(), json!("south"))]);
    assert_eq!(out.issuer, None);
    // The prepared prover's proof is an ordinary Groth16 proof.
    let ark_proof = ark_groth16::Proof::<Bn254> {
        a: bundle.proof.a,
        b: bundle.proof.b,
        c: bundle.proof.c,
    };
    assert!(Groth16::<Bn254>::verify(&pk.vk, &bundle.public_inputs, &ark_proof).unwrap());

    // Replay in another session: the agency's context check refuses it ...
    let next = Context(Fr::from(11u64));
    assert_eq!(
        v.verify(&bundle, &next, today).unwrap_err().kind(),
        ErrorKind::Mismatch
    );
    // ... and rewriting the challenge (or a disclosed value) in the bundle
    // breaks the proof.
    let names = st.public_input_names();
    let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
    let mut rewritten = bundle.clone();
    rewritten.public_inputs[at("context")] = next.0;
    assert_eq!(
        v.verify(&rewritten, &next, today).unwrap_err().kind(),
        ErrorKind::InvalidProof
    );
    // A rewritten disclosed value no longer opens the commitment ...
    let mut relabelled = bundle.clone();
    relabelled.disclosure.as_mut().unwrap().values[1] = Fr::from(1u64);
    assert!(matches!(
        v.verify(&relabelled, &context, today).unwrap_err(),
        VerifyError::PublicInputMismatch {
            name: "disclosure",
            ..
        }
    ));
    // ... and committing to it anew breaks the proof.
    relabelled.public_inputs[at("disclosure")] = relabelled
        .disclosure
        .as_ref()
        .unwrap()
        .commitment()
        .unwrap()
        .0;
    assert_eq!(
        v.verify(&relabelled, &context, today).unwrap_err().kind(),
        ErrorKind::InvalidProof
    );
    // Without the opening, the agency learns nothing and refuses.
    assert!(matches!(
        v.verify(&bundle.without_opening(), &context, today)
            .unwrap_err(),
        VerifyError::MalformedBundle(_)
    ));
    // Valid proofs that prove something else are refused by the agency's own
    // checks (the pairing check alone would pass each of them): another
    // office's scope (a fresh nullifier per scope would let one credential
    // claim twice), an issuer root this office does not accept, and a
    // policy other than the office's.
    let mismatch = |v: &IdentityVerifier, b: &Bundle, input: &str| {
        b.verify(st, &vk).unwrap();
        let e = v.verify(b, &context, today).expect_err(input);
        assert_eq!(e.kind(), ErrorKind::Mismatch, "{e}");
        assert!(e.to_string().contains(input), "{input}: {e}");
    };
    let other_office = |roots, scope| {
        IdentityVerifier::new(
            &vk,
            schema.clone(),
            &[("adult".into(), policy(None))],
            roots,
            scope,
        )
        .unwrap()
    };
    mismatch(
        &other_office(vec![root], Scope(Fr::from(8u64))),
        &bundle,
        "scope",
    );
    mismatch(
        &other_office(vec![MerkleRoot(root.0 + Fr::from(1u64))], scope),
        &bundle,
        "issuers_root",
    );
    let lenient = IdentityPolicy::from_json(
        r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
        {"field":"region","op":"disclose"}]}"#,
    )
    .unwrap();
    mismatch(&v, &prove(lenient, &mut rng), "policy_hash");
    let mut other_day = bundle.clone();
    other_day.public_inputs[at("today")] += Fr::from(1u64);
    assert!(Bundle::verify(&other_day, st, &vk).is_err());

    // An office requiring issuer b refuses a proof that names no issuer; a
    // proof naming issuer a is refused by it too, and passes an office
    // requiring a.
    let want_b = verifier(policy(Some(zkgov_verifier::to_decimal(
        &b.public_key().id(),
    ))));
    assert!(want_b.verify(&bundle, &context, today).is_err());
    let named = prove(
        policy(Some(zkgov_verifier::to_decimal(&a.public_key().id()))),
        &mut rng,
    );
    let p = IdentityPublicInputs::from_slice(&named.public_inputs).unwrap();
    assert_eq!(p.issuer, a.public_key().id());
    assert!(want_b.verify(&named, &context, today).is_err());
    let want_a = verifier(policy(Some(zkgov_verifier::to_decimal(
        &a.public_key().id(),
    ))));
    assert_eq!(
        want_a
            .verify(&named, &context, today)
            .unwrap()
            .issuer
            .unwrap(),
        zkgov_verifier::to_decimal(&a.public_key().id())
    );
    // An office accepting the same clauses from issuer b or from any issuer
    // finds the policy that held by hash and issuer together: the proof that
    // names no issuer holds as "any", the one naming a holds as neither.
    let id = |k: &IssuerKey| zkgov_verifier::to_decimal(&k.public_key().id());
    let b_or_any = IdentityVerifier::new(
        &vk,
        schema.clone(),
        &[
            ("from-b".into(), policy(Some(id(&b)))),
            ("any".into(), policy(None)),
        ],
        vec![root],
        scope,
    )
    .unwrap();
    assert_eq!(
        b_or_any.verify(&bundle, &context, today).unwrap().policy,
        "any"
    );
    let e = b_or_any.verify(&named, &context, today).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Mismatch, "{e}");
    assert!(e.to_string().contains("issuer"), "{e}");
    // Two accepted policies asking for the same thing are refused up front.
    assert!(IdentityVerifier::new(
        &vk,
        schema.clone(),
        &[("x".into(), policy(None)), ("y".into(), policy(None))],
        vec![root],
        scope,
    )
    .is_err());
    // Rewriting the issuer input to b's id breaks the proof.
    let mut forged = named.clone();
    forged.public_inputs[at("issuer")] = b.public_key().id();
    assert_eq!(
        want_b.verify(&forged, &context, today).unwrap_err().kind(),
        ErrorKind::InvalidProof
    );
    // Without an age clause the policy hash does not depend on the date:
    // only the agency's own `today` check stops a proof made for another day
    // (for example one before the credential expired).
    let no_age = IdentityPolicy::from_json(
        r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[{"field":"region","op":"=","value":"south"}]}"#,
    )
    .unwrap();
    let yesterday = Date(today.0 - 1);
    let old_proof = prove_identity(
        &prepared,
        &vk,
        &holder,
        &cred,
        IdentityProofRequest {
            issuers: &list,
            policy: no_age.compile(&schema, yesterday).unwrap(),
            scope,
            context,
        },
        &mut rng,
    )
    .unwrap()
    .0;
    let v_today = verifier(no_age.clone());
    let e = v_today.verify(&old_proof, &context, today).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Mismatch, "{e}");
    assert!(e.to_string().contains("today"), "{e}");
    // The same verifier checking on yesterday's date accepts it: the date
    // is the verification's, not the verifier's.
    v_today.verify(&old_proof, &context, yesterday).unwrap();

    // A credential of another schema with the same slots, from an accredited
    // issuer, whose values fit the policed slots: the policy hash covers the
    // slots only, so only the agency's schema check refuses it.
    let mut other_schema = schema.clone();
    other_schema.id = "gov.example/visitor-pass/v1".into();
    let values = [
        ("birth_date", json!("1990-01-01")),
        ("region", json!("south")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let visitor = a
        .issue(
            &mut ra.clone(),
            &other_schema,
            values,
            holder.commitment(),
            Date::parse("2025-01-01").unwrap(),
            Date::parse("2027-01-01").unwrap(),
        )
        .unwrap();
    let mut cheat_policy = no_age.compile(&schema, today).unwrap();
    cheat_policy.schema_hash = other_schema.hash();
    let cross = prove_identity(
        &prepared,
        &vk,
        &holder,
        &visitor,
        IdentityProofRequest {
            issuers: &list,
            policy: cheat_policy,
            scope,
            context,
        },
        &mut rng,
    )
    .unwrap()
    .0;
    let e = v_today.verify(&cross, &context, today).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Mismatch, "{e}");
    assert!(e.to_string().contains("schema"), "{e}");

    // Proving for b with a's credential fails natively, before any proof.
    assert!(prove_identity(
        &prepared,
        &vk,
        &holder,
        &cred,
        IdentityProofRequest {
            issuers: &list,
            policy: policy(Some(zkgov_verifier::to_decimal(&b.public_key().id())))
                .compile(&schema, today)
                .unwrap(),
            scope,
            context,
        },
        &mut rng,
    )
    .is_err());
}
