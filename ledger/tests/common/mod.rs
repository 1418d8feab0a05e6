//! Shared test fixtures: a ledger with an admin and a registry authority,
//! development keys at a small depth, and proofs.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use ark_bn254::Bn254;
use ark_groth16::Groth16;
use ed25519_dalek::SigningKey;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_circuits::{
    merkle::MerkleTree,
    record::{owner_commitment, Record, RecordMembershipCircuit, RecordWitness},
};
use zkgov_ledger::{
    authority::{AuthoritySigner, RootPublication},
    store::{MemoryStorage, Storage},
    Ledger, LedgerConfig, Submission,
};
use zkgov_params::dev_setup;
use zkgov_verifier::{
    Authority, Bundle, EntryBody, Fr, MerkleRoot, Policy, Proof, Role, StatementId,
    ValidatedVerifyingKey, RECORD_FIELDS,
};

pub const DEPTH: usize = 4;

pub fn b64(b: &[u8]) -> String {
    zkgov_verifier::encoding::b64_encode(b)
}

pub struct Keys {
    pub log: SigningKey,
    pub admin: SigningKey,
    pub land: SigningKey,
    pub issuer: SigningKey,
    pub accreditor: SigningKey,
}

pub fn keys() -> Keys {
    Keys {
        log: SigningKey::from_bytes(&[1; 32]),
        admin: SigningKey::from_bytes(&[2; 32]),
        land: SigningKey::from_bytes(&[3; 32]),
        issuer: SigningKey::from_bytes(&[4; 32]),
        accreditor: SigningKey::from_bytes(&[5; 32]),
    }
}

pub const ORIGIN: &str = "zkgov.test/ledger";

pub fn signer(key: &SigningKey, name: &str, role: Role, registries: &[&str]) -> AuthoritySigner {
    AuthoritySigner::from_key(
        name,
        role,
        registries.iter().map(|r| r.to_string()).collect(),
        key.clone(),
    )
}

pub fn authorities(k: &Keys) -> Vec<Authority> {
    [
        signer(&k.admin, "admin", Role::Admin, &[]),
        signer(
            &k.land,
            "land-registry",
            Role::RegistryAuthority,
            &["parcels"],
        ),
        signer(
            &k.issuer,
            "issuer-a",
            Role::Issuer,
            &["revocation/issuer-a"],
        ),
        signer(
            &k.accreditor,
            "accreditor",
            Role::AccreditationAuthority,
            &["accredited-issuers"],
        ),
    ]
    .iter()
    .map(|s| s.authority().clone())
    .collect()
}

pub struct Clock(pub Arc<AtomicU64>);

pub fn config(
    k: &Keys,
    state_file: Option<std::path::PathBuf>,
    clock: &Arc<AtomicU64>,
) -> LedgerConfig {
    let c = clock.clone();
    LedgerConfig {
        origin: ORIGIN.into(),
        signer: k.log.clone(),
        authorities: authorities(k),
        state_file,
        clock: Arc::new(move || c.load(Ordering::SeqCst)),
        lock: None,
        max_in_flight: zkgov_ledger::ledger::MAX_IN_FLIGHT,
        root_grace_secs: zkgov_ledger::ledger::default_root_grace(),
    }
}

pub fn memory_ledger() -> (Ledger, Keys) {
    let k = keys();
    let clock = Arc::new(AtomicU64::new(1_800_000_000));
    let storage: Box<dyn Storage> = Box::new(MemoryStorage::default());
    (Ledger::open(storage, config(&k, None, &clock)).unwrap(), k)
}

/// Signs `body` as `key` for the test log.
pub fn sign(body: &mut EntryBody, key: &SigningKey) {
    signer(key, "", Role::Admin, &[]).sign(ORIGIN, body);
}

pub fn root_submission(k: &SigningKey, epoch: u64, root: Fr, leaves: u64, at: u64) -> Submission {
    root_submission_by(k, "land-registry", "parcels", epoch, root, leaves, at)
}

pub fn root_submission_by(
    k: &SigningKey,
    authority: &str,
    registry: &str,
    epoch: u64,
    root: Fr,
    leaves: u64,
    at: u64,
) -> Submission {
    signer(k, authority, Role::RegistryAuthority, &[]).publish_root(
        ORIGIN,
        RootPublication {
            registry_id: registry,
            epoch,
            root: MerkleRoot(root),
            leaf_count: leaves,
            published_at: at,
        },
    )
}

pub fn vk_submission(k: &SigningKey, vk: &ValidatedVerifyingKey) -> Submission {
    signer(k, "admin", Role::Admin, &[]).register_vk(
        ORIGIN,
        StatementId::RecordMembershipV2,
        DEPTH as u64,
        vk,
    )
}

/// Keys, a 6-record registry and proofs for record `i` under scope `scope`.
pub struct Proofs {
    pub pk: ark_groth16::ProvingKey<Bn254>,
    pub vk: ValidatedVerifyingKey,
    pub tree: MerkleTree,
    pub secrets: Vec<Fr>,
}

pub fn proofs() -> Proofs {
    let mut rng = ChaCha20Rng::seed_from_u64(77);
    let (pk, vk) = dev_setup(StatementId::RecordMembershipV2, DEPTH, &mut rng, false).unwrap();
    let secrets: Vec<Fr> = (0..6u64).map(|i| Fr::from(900 + i)).collect();
    let leaves: Vec<Fr> = secrets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Record {
                owner_commitment: owner_commitment(s),
                fields: [i as u64, 0, 0, 0, 0, 0, 0, 0],
            }
            .leaf()
        })
        .collect();
    Proofs {
        pk,
        vk,
        tree: MerkleTree::from_leaves(DEPTH, &leaves).unwrap(),
        secrets,
    }
}

impl Proofs {
    pub fn bundle(&self, i: usize, scope: u64, context: u64, seed: u64) -> Bundle {
        let w = RecordWitness {
            owner_secret: self.secrets[i],
            fields: [i as u64, 0, 0, 0, 0, 0, 0, 0],
            path: self.tree.path(i as u64).unwrap(),
            policy: Policy::from_json(r#"{"version":1,"clauses":[]}"#)
                .unwrap()
                .compile(RECORD_FIELDS, &[])
                .unwrap(),
            scope: Fr::from(scope),
            context: Fr::from(context),
            salt: Fr::from(seed),
        };
        let c = RecordMembershipCircuit::new(DEPTH, w).unwrap();
        let public = c.public_inputs().to_vec();
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let p = <Groth16<Bn254> as ark_snark::SNARK<Fr>>::prove(&self.pk, c, &mut rng).unwrap();
        Bundle {
            statement: StatementId::RecordMembershipV2,
            vk_digest: self.vk.digest(),
            public_inputs: public,
            proof: Proof {
                a: p.a,
                b: p.b,
                c: p.c,
            },
            disclosure: None,
        }
    }

    /// The same proof re-randomised: other bytes, same statement and nullifier.
    pub fn rerandomise(&self, b: &Bundle, seed: u64) -> Bundle {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let p = ark_groth16::Proof::<Bn254> {
            a: b.proof.a,
            b: b.proof.b,
            c: b.proof.c,
        };
        let r = Groth16::<Bn254>::rerandomize_proof(&self.pk.vk, &p, &mut rng);
        let mut out = b.clone();
        out.proof = Proof {
            a: r.a,
            b: r.b,
            c: r.c,
        };
        out
    }
}
