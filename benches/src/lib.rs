//! Shared fixtures for the criterion benchmarks: a registry with keys at a
//! given depth, built from a seeded RNG (benchmarks only).

// Benchmark fixtures: a failure aborts the benchmark, which is what we want.
#![allow(clippy::expect_used)]

pub mod election;

use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkgov_circuits::{
    merkle::MerkleTree,
    record::{owner_commitment, Record, RecordWitness},
};
use zkgov_params::dev_setup;
use zkgov_verifier::{Fr, Policy, StatementId, ValidatedVerifyingKey, RECORD_FIELDS};

/// A policy with 3 predicates and 1 disclosed field.
pub const POLICY: &str = r#"{"version":1,"clauses":[
  {"field":0,"op":"=","value":7},
  {"field":1,"op":">=","value":500},
  {"field":2,"op":"in","values":[1,2]},
  {"field":2,"op":"disclose"}]}"#;

/// Keys, a registry tree and a witness for one qualifying record.
pub struct RecordFixture {
    /// Depth.
    pub depth: usize,
    /// Proving key.
    pub pk: ProvingKey<Bn254>,
    /// Verifying key.
    pub vk: ValidatedVerifyingKey,
    /// The registry tree.
    pub tree: MerkleTree,
    /// A witness for record 0.
    pub witness: RecordWitness,
}

/// Builds the fixture with `n` records at `depth`.
pub fn record_fixture(depth: usize, n: usize) -> RecordFixture {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let (pk, vk) =
        dev_setup(StatementId::RecordMembershipV2, depth, &mut rng, false).expect("setup");
    let secret = Fr::from(rng.gen::<u128>());
    let mut records = vec![Record {
        owner_commitment: owner_commitment(&secret),
        fields: [7, 640, 2, 0, 0, 0, 0, 0],
    }];
    for i in 1..n {
        let mut fields = [0u64; RECORD_FIELDS];
        fields.iter_mut().for_each(|f| *f = rng.gen_range(0..1000));
        records.push(Record {
            owner_commitment: owner_commitment(&Fr::from(i as u64 + 1_000_000)),
            fields,
        });
    }
    let leaves: Vec<Fr> = records.iter().map(Record::leaf).collect();
    let tree = MerkleTree::from_leaves(depth, &leaves).expect("tree");
    let witness = RecordWitness {
        owner_secret: secret,
        fields: records[0].fields,
        path: tree.path(0).expect("path"),
        policy: Policy::from_json(POLICY)
            .expect("policy")
            .compile(RECORD_FIELDS, &[])
            .expect("compile"),
        scope: Fr::from(77u64),
        context: Fr::from(99u64),
        salt: Fr::from(5u64),
    };
    RecordFixture {
        depth,
        pk,
        vk,
        tree,
        witness,
    }
}

/// The identity benchmark's schema: five attributes.
pub const IDENTITY_SCHEMA: &str = r#"{"version":1,"id":"gov.example/resident-id/v1","attributes":[
  {"name":"birth_date","type":"date"},
  {"name":"region","type":"code","codes":{"north":1,"south":2,"east":3,"west":4}},
  {"name":"nationality","type":"code"},
  {"name":"income_band","type":"integer"},
  {"name":"family_name","type":"string"}]}"#;

/// An identity policy with 3 predicates and 1 disclosed attribute.
pub const IDENTITY_POLICY: &str = r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
  {"field":"birth_date","op":"age>=","years":18},
  {"field":"region","op":"in","values":["north","south"]},
  {"field":"income_band","op":"<","value":4},
  {"field":"region","op":"disclose"}]}"#;

/// Keys, an accredited-issuer list of 32 issuers (one with 1000 revoked
/// credentials), and a resident's credential.
pub struct IdentityFixture {
    /// Proving key.
    pub pk: ProvingKey<Bn254>,
    /// Verifying key.
    pub vk: ValidatedVerifyingKey,
    /// The accreditation authority's list.
    pub issuers: zkgov_prover::AccreditedIssuers,
    /// The credential.
    pub credential: zkgov_verifier::identity::Credential,
    /// Its holder.
    pub holder: zkgov_prover::HolderSecret,
    /// The schema.
    pub schema: zkgov_verifier::identity::Schema,
    /// The verifier's date.
    pub today: zkgov_verifier::identity::Date,
}

/// Builds the identity fixture.
pub fn identity_fixture() -> IdentityFixture {
    use zkgov_prover::{AccreditedIssuers, IssuerKey, IssuerRegister};
    use zkgov_verifier::{identity::Date, identity::Schema};
    let mut rng = ChaCha20Rng::seed_from_u64(2027);
    let (pk, vk) = dev_setup(StatementId::IdentityV2, 20, &mut rng, false).expect("setup");
    let schema = Schema::from_json(IDENTITY_SCHEMA).expect("schema");
    let holder = zkgov_prover::HolderSecret::generate(&mut rng);
    let mut issuers = AccreditedIssuers::new();
    let mut credential = None;
    for i in 0..32 {
        let key = IssuerKey::generate(&mut rng);
        let mut reg = IssuerRegister::new(key.public_key());
        let values = [
            ("birth_date", serde_json::json!("1990-05-17")),
            ("region", serde_json::json!("south")),
            ("nationality", serde_json::json!(276)),
            ("income_band", serde_json::json!(3)),
            ("family_name", serde_json::json!("Doe")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let c = key
            .issue(
                &mut reg,
                &schema,
                values,
                holder.commitment(),
                Date::parse("2025-01-01").expect("date"),
                Date::parse("2030-01-01").expect("date"),
            )
            .expect("issue");
        if i == 17 {
            reg.next_nonce = 2000;
            for n in 1000..2000 {
                reg.revoke(n).expect("revoke");
            }
            credential = Some(c);
        }
        issuers.upsert(&format!("issuer-{i}"), &reg);
    }
    IdentityFixture {
        pk,
        vk,
        issuers,
        credential: credential.expect("credential"),
        holder,
        schema,
        today: Date::parse("2026-11-25").expect("date"),
    }
}

/// The circuit witness for the fixture's credential (as the prover builds it).
pub fn identity_witness(
    f: &IdentityFixture,
    policy: zkgov_verifier::identity::CompiledIdentityPolicy,
    scope: zkgov_verifier::Scope,
    context: zkgov_verifier::Context,
) -> zkgov_circuits::identity::IdentityWitness {
    use zkgov_circuits::identity::{
        issuer_tree, s_to_field, AccreditedIssuer, IdentityWitness, RevocationTree,
    };
    let listed = f
        .issuers
        .issuers
        .iter()
        .map(|x| {
            let t = RevocationTree::from_revoked(&x.revoked).expect("revocations");
            (
                AccreditedIssuer {
                    key: x.key,
                    revocation_root: t.root(),
                },
                t,
            )
        })
        .collect::<Vec<_>>();
    let index = listed
        .iter()
        .position(|(a, _)| a.key == f.credential.issuer)
        .expect("issuer");
    let tree =
        issuer_tree(&listed.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>()).expect("tree");
    let c = &f.credential;
    IdentityWitness {
        holder_secret: *f.holder.expose(),
        attributes: IdentityWitness::attributes_of(&c.body),
        body: c.body.clone(),
        issuer: c.issuer.0,
        r8: c.signature.r8,
        s: s_to_field(&c.signature.s),
        revocation_root: listed[index].1.root(),
        revocation_path: listed[index]
            .1
            .non_revocation_path(c.body.revocation_nonce)
            .expect("path"),
        issuer_path: tree.path(index as u64).expect("path"),
        policy,
        scope: scope.0,
        context: context.0,
        salt: Fr::from(5u64),
    }
}
