//! `zkgov demo`: the main job, end to end, on one machine.
//!
//! A land registry publishes a registry of parcels; a housing office asks
//! "do you own a parcel in district 7 of at least 500 m², for residential
//! use?"; one citizen proves it without saying which parcel; the office
//! verifies and learns only what the policy discloses plus a nullifier for
//! its scope. Then a tampered bundle, a wrong root, a replayed challenge and
//! a citizen who does not qualify are all refused. The second part
//! ([`identity`]) proves identity attributes to a benefits office; the
//! third ([`election`]) runs a city election with threshold trustees and
//! audits it.

mod election;
mod identity;

pub use election::ElectionOutcomeFlags;
pub use identity::IdentityOutcomeFlags;

use std::{
    io::Write,
    path::{Path, PathBuf},
    time::Instant,
};

use ark_ff::UniformRand;
use rand::{CryptoRng, Rng, RngCore};
use zkgov_circuits::record::Record;
use zkgov_ledger::{
    authority::{AuthoritySigner, GenesisFile},
    http::LedgerClient,
    ErrorCode,
};
use zkgov_params::{dev_setup, shape, KeyDir};
use zkgov_verifier::{
    encoding::b64_encode, label_to_field, verify_record, Bundle, Context, ErrorKind, Fr, Policy,
    RecordRequest, Role, RootPolicy, Scope, StatementId, ValidatedVerifyingKey, VerifyError,
    RECORD_FIELDS,
};

use crate::{
    anchoring::{revocation_registry, LedgerSession, ACCREDITED_REGISTRY},
    clock,
    holder::HolderSecret,
    prove::{prove_from_registry, PreparedProver, RecordProofRequest},
    registry::Registry,
    ProverError,
};

/// Demo settings.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Where keys are kept between runs.
    pub data_dir: PathBuf,
    /// Number of parcels in the registry.
    pub records: usize,
    /// Tree depth.
    pub depth: usize,
    /// Anchor on a served ledger (`http://HOST:PORT`) instead of an
    /// in-process one; needs `authority_keys`.
    pub ledger: Option<String>,
    /// The demo authorities' keys, as written by `zkgov ledger demo-authorities`.
    pub authority_keys: Option<PathBuf>,
    /// Number of voters in the election.
    pub voters: usize,
}

/// The demo's authorities (admin, land registry, accreditation authority,
/// civil registry): authority key files like any others, kept together in
/// one directory (`<name>.key.json`).
pub struct DemoAuthorities {
    /// Registers keys and verifying keys.
    pub admin: AuthoritySigner,
    /// Publishes the parcel registry's roots.
    pub land: AuthoritySigner,
    /// Publishes the accredited-issuer root.
    pub accreditation: AuthoritySigner,
    /// The civil registry's ledger key (an issuer: publishes its revocation root).
    pub civil: AuthoritySigner,
    /// The electoral commission: publishes the electoral roll.
    pub commission: AuthoritySigner,
    /// The election board (an election authority).
    pub board: AuthoritySigner,
}

/// Ledger name of the demo's accreditation authority.
pub const ACCREDITATION_AUTHORITY: &str = "accreditation-authority";
/// Ledger name of the demo's credential issuer.
pub const CIVIL_REGISTRY: &str = "civil-registry";
/// Ledger name of the demo's registry authority.
pub const LAND_REGISTRY: &str = "land-registry";
/// Registry id of the demo's parcels.
pub const PARCELS: &str = "parcels";
/// Ledger name of the demo's electoral commission.
pub const ELECTORAL_COMMISSION: &str = "electoral-commission";
/// Registry id of the demo's electoral roll.
pub const ELECTORAL_ROLL: &str = "electoral-roll";
/// Ledger name of the demo's election authority.
pub const ELECTION_BOARD: &str = "election-board";

impl DemoAuthorities {
    /// Fresh keys.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        DemoAuthorities {
            admin: AuthoritySigner::generate("admin", Role::Admin, vec![], rng),
            land: AuthoritySigner::generate(
                LAND_REGISTRY,
                Role::RegistryAuthority,
                vec![PARCELS.into()],
                rng,
            ),
            accreditation: AuthoritySigner::generate(
                ACCREDITATION_AUTHORITY,
                Role::AccreditationAuthority,
                vec![ACCREDITED_REGISTRY.into()],
                rng,
            ),
            civil: AuthoritySigner::generate(
                CIVIL_REGISTRY,
                Role::Issuer,
                vec![revocation_registry(CIVIL_REGISTRY)],
                rng,
            ),
            commission: AuthoritySigner::generate(
                ELECTORAL_COMMISSION,
                Role::RegistryAuthority,
                vec![ELECTORAL_ROLL.into()],
                rng,
            ),
            board: AuthoritySigner::generate(ELECTION_BOARD, Role::ElectionAuthority, vec![], rng),
        }
    }

    fn all(&self) -> [&AuthoritySigner; 6] {
        [
            &self.admin,
            &self.land,
            &self.accreditation,
            &self.civil,
            &self.commission,
            &self.board,
        ]
    }

    /// The genesis naming them (public keys only).
    pub fn genesis(&self) -> GenesisFile {
        GenesisFile {
            authorities: self.all().iter().map(|a| a.authority().clone()).collect(),
        }
    }

    /// The key file of `name` in a directory written by [`DemoAuthorities::write`].
    pub fn key_file(dir: &Path, name: &str) -> PathBuf {
        dir.join(format!("{name}.key.json"))
    }

    /// Writes each key file into `dir` (created; mode 0600, never overwriting).
    pub fn write(&self, dir: &Path) -> Result<(), ProverError> {
        std::fs::create_dir_all(dir).map_err(ProverError::io(dir))?;
        for a in self.all() {
            a.write(&Self::key_file(dir, a.name()))?;
        }
        Ok(())
    }

    /// Reads the keys written by [`DemoAuthorities::write`].
    pub fn read(dir: &Path) -> Result<Self, ProverError> {
        let read = |name: &str| AuthoritySigner::read(&Self::key_file(dir, name));
        Ok(DemoAuthorities {
            admin: read("admin")?,
            land: read(LAND_REGISTRY)?,
            accreditation: read(ACCREDITATION_AUTHORITY)?,
            civil: read(CIVIL_REGISTRY)?,
            commission: read(ELECTORAL_COMMISSION)?,
            board: read(ELECTION_BOARD)?,
        })
    }
}

/// What the demo showed, for tests.
#[derive(Clone, Debug, Default)]
pub struct DemoOutcome {
    /// The honest proof was accepted.
    pub accepted: bool,
    /// Errors for: tampered public input, tampered proof bytes, wrong root,
    /// replayed challenge, forged challenge.
    pub rejections: Vec<(String, ErrorKind)>,
    /// The non-qualifying citizen could not prove.
    pub unqualified_refused: bool,
    /// A second proof by the same citizen in the same scope had the same nullifier.
    pub nullifier_repeats: bool,
    /// The proof was anchored and its receipt verified offline.
    pub anchored: bool,
    /// The ledger refused a second anchor with the same nullifier.
    pub ledger_refused_repeat: bool,
    /// The benefits-office (identity) part.
    pub identity: identity::IdentityOutcomeFlags,
    /// The election part.
    pub election: election::ElectionOutcomeFlags,
}

impl DemoOutcome {
    /// Whether every step behaved as the demo says it should.
    pub fn as_expected(&self) -> bool {
        let i = &self.identity;
        self.accepted
            && self.anchored
            && self.ledger_refused_repeat
            && self.rejections.len() == 5
            && self.unqualified_refused
            && self.nullifier_repeats
            && i.accepted
            && i.revoked_refused
            && i.expired_refused
            && i.replay_refused
            && i.anchored
            && i.borrowed_scope_refused
            && i.anchor_private
            && i.audited
            && i.logged
            && self.election.all()
    }
}

const SCHEMA: [&str; 5] = [
    "district",
    "area_m2",
    "use_class",
    "year_built",
    "assessed_value",
];

const POLICY: &str = r#"{"version": 1, "clauses": [
  {"field": "district",  "op": "=",  "value": 7},
  {"field": "area_m2",   "op": ">=", "value": 500},
  {"field": "use_class", "op": "in", "values": [1, 2]},
  {"field": "use_class", "op": "disclose"}
]}"#;

pub(crate) fn say(out: &mut dyn Write, s: impl AsRef<str>) -> Result<(), ProverError> {
    writeln!(out, "{}", s.as_ref()).map_err(ProverError::io(std::path::Path::new("<stdout>")))
}

pub(crate) fn load_or_setup<R: RngCore + CryptoRng>(
    dir: &KeyDir,
    st: StatementId,
    depth: usize,
    rng: &mut R,
    out: &mut dyn Write,
) -> Result<(PreparedProver, ValidatedVerifyingKey), ProverError> {
    if let (Ok(pk), Ok(vk)) = (dir.proving_key(st, depth), dir.verifying_key(st, depth)) {
        say(
            out,
            format!(
                "  keys loaded from {} (size and digest checked)",
                dir.path().display()
            ),
        )?;
        return Ok((PreparedProver::new(pk, st, depth)?, vk));
    }
    let t = Instant::now();
    let (pk, vk) = dev_setup(st, depth, rng, true)?;
    let entry = dir.write(st, depth, shape(st, depth)?, &pk, &vk)?;
    say(
        out,
        format!(
            "  keys generated in {:.1}s: {} constraints, proving key {} KiB, verifying key {} B",
            t.elapsed().as_secs_f64(),
            entry.constraints,
            entry.proving_key.bytes / 1024,
            entry.verifying_key.bytes
        ),
    )?;
    say(
        out,
        "  (INSECURE single-party development setup: production keys need a ceremony)",
    )?;
    Ok((PreparedProver::new(pk, st, depth)?, vk))
}

fn random_parcel<R: Rng>(rng: &mut R, owner: Fr) -> Record {
    let mut fields = [0u64; RECORD_FIELDS];
    fields[0] = rng.gen_range(1..=12);
    fields[1] = rng.gen_range(40..=5000);
    fields[2] = rng.gen_range(1..=5);
    fields[3] = rng.gen_range(1900..=2025);
    fields[4] = rng.gen_range(50_000..=2_000_000);
    Record {
        owner_commitment: owner,
        fields,
    }
}

/// Runs the demo, writing its story to `out`.
pub fn run<R: RngCore + CryptoRng>(
    cfg: &DemoConfig,
    rng: &mut R,
    out: &mut dyn Write,
) -> Result<DemoOutcome, ProverError> {
    let mut outcome = DemoOutcome::default();
    say(
        out,
        "zkgov demo: record membership (land registry -> housing office)",
    )?;
    say(out, "")?;

    say(out, "1. Keys")?;
    let keys = KeyDir::new(cfg.data_dir.join("keys"));
    let (pk, vk) = load_or_setup(&keys, StatementId::RecordMembershipV2, cfg.depth, rng, out)?;
    say(out, format!("  verifying key digest {}", vk.digest()))?;

    say(out, "")?;
    say(
        out,
        format!(
            "2. The land registry builds its registry of {} parcels",
            cfg.records
        ),
    )?;
    let t = Instant::now();
    // The citizen and a neighbour who does not qualify keep their secrets;
    // everyone else's are dropped as soon as their commitment is made.
    let citizen = HolderSecret::generate(rng);
    let neighbour = HolderSecret::generate(rng);
    let n = cfg.records.max(3);
    let citizen_at = rng.gen_range(0..n);
    let neighbour_at = (citizen_at + 1 + rng.gen_range(0..n - 1)) % n;
    let mut records = Vec::with_capacity(n);
    for i in 0..n {
        let owner = HolderSecret::generate(rng).commitment();
        let mut r = random_parcel(rng, owner);
        if i == citizen_at {
            r = Record {
                owner_commitment: citizen.commitment(),
                fields: [7, 640, 2, 1986, 310_000, 0, 0, 0],
            };
        } else if i == neighbour_at {
            r = Record {
                owner_commitment: neighbour.commitment(),
                fields: [7, 420, 2, 1990, 250_000, 0, 0, 0],
            };
        }
        records.push(r);
    }
    let schema: Vec<String> = SCHEMA.iter().map(|s| s.to_string()).collect();
    let registry = Registry::new(cfg.depth, schema.clone(), records)?;
    say(
        out,
        format!(
            "  depth {}, root {} ({:.2}s)",
            cfg.depth,
            registry.root(),
            t.elapsed().as_secs_f64()
        ),
    )?;

    say(out, "")?;
    say(
        out,
        "3. The housing office states its policy and issues a challenge",
    )?;
    let policy = Policy::from_json(POLICY)?.compile(RECORD_FIELDS, &schema)?;
    say(
        out,
        "  policy: district = 7 AND area_m2 >= 500 AND use_class in {1, 2}; disclose use_class",
    )?;
    say(
        out,
        format!(
            "  policy hash {}",
            zkgov_verifier::to_decimal(&policy.hash())
        ),
    )?;
    let scope = Scope(label_to_field("housing-subsidy-2026")?);
    let context = Context(Fr::rand(rng));
    say(
        out,
        format!("  scope \"housing-subsidy-2026\", challenge {context}"),
    )?;
    let request = RecordRequest {
        accepted_roots: vec![registry.root()],
        policy: policy.clone(),
        scope,
        context,
    };

    say(out, "")?;
    say(out, "4. The citizen proves, on their own machine")?;
    let t = Instant::now();
    let (bundle, _) = prove_from_registry(
        &pk,
        &vk,
        &citizen,
        RecordProofRequest {
            registry: &registry,
            policy: policy.clone(),
            scope,
            context,
        },
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
    say(out, "5. The housing office verifies (zkgov-verifier only)")?;
    let t = Instant::now();
    let received = Bundle::from_json(&json)?;
    let learned = verify_record(&received, &vk, &request)?;
    outcome.accepted = true;
    say(
        out,
        format!(
            "  VALID ({:.1} ms). What the office learned, and nothing else:",
            t.elapsed().as_secs_f64() * 1e3
        ),
    )?;
    say(
        out,
        "    - the citizen owns a parcel in the registry with the accepted root",
    )?;
    say(
        out,
        "    - that parcel is in district 7, has at least 500 m2 and use_class 1 or 2",
    )?;
    for (slot, value) in &learned.disclosed {
        say(out, format!("    - disclosed {} = {value}", schema[*slot]))?;
    }
    say(
        out,
        format!("    - nullifier for this scope: {}", learned.nullifier),
    )?;

    say(out, "")?;
    say(out, "6. What is refused")?;
    let mut refuse =
        |what: &str, r: Result<(), VerifyError>, out: &mut dyn Write| -> Result<(), ProverError> {
            match r {
                Ok(()) => {
                    say(out, format!("  !! {what}: ACCEPTED (this is a bug)"))?;
                }
                Err(e) => {
                    say(out, format!("  {what}: refused ({e})"))?;
                    outcome.rejections.push((what.to_string(), e.kind()));
                }
            }
            Ok(())
        };
    // The disclosed use_class rewritten in the bundle's opening (2 -> 1): it
    // no longer opens the commitment the proof is bound to.
    let mut forged = received.clone();
    if let Some(o) = forged.disclosure.as_mut() {
        o.values[2] = Fr::from(1u64);
    }
    refuse(
        "tampered disclosed value",
        Bundle::from_json(&forged.to_json()).and_then(|b| {
            let mut req = request.clone();
            req.policy = policy.clone();
            verify_record(&b, &vk, &req).map(|_| ())
        }),
        out,
    )?;
    let mut bytes = received.proof.to_bytes();
    bytes[5] ^= 0x01;
    let tampered_proof = json.replace(&b64_encode(&received.proof.to_bytes()), &b64_encode(&bytes));
    refuse(
        "tampered proof bytes",
        Bundle::from_json(&tampered_proof)
            .and_then(|b| verify_record(&b, &vk, &request).map(|_| ())),
        out,
    )?;
    let mut newer = request.clone();
    newer.accepted_roots = vec![zkgov_verifier::MerkleRoot(Fr::rand(rng))];
    refuse(
        "proof against a root the office does not accept",
        verify_record(&received, &vk, &newer).map(|_| ()),
        out,
    )?;
    let mut next_session = request.clone();
    next_session.context = Context(Fr::rand(rng));
    refuse(
        "replay under a new challenge",
        verify_record(&received, &vk, &next_session).map(|_| ()),
        out,
    )?;
    let mut relabelled = received.clone();
    relabelled.public_inputs[5] = next_session.context.0; // `context`
    refuse(
        "challenge rewritten in the bundle",
        verify_record(&relabelled, &vk, &next_session).map(|_| ()),
        out,
    )?;

    match prove_from_registry(
        &pk,
        &vk,
        &neighbour,
        RecordProofRequest {
            registry: &registry,
            policy: policy.clone(),
            scope,
            context,
        },
        rng,
    ) {
        Err(e) => {
            outcome.unqualified_refused = true;
            say(
                out,
                format!("  a neighbour with a 420 m2 parcel cannot prove: {e}"),
            )?;
        }
        Ok(_) => say(
            out,
            "  !! the neighbour proved a false statement (this is a bug)",
        )?,
    }

    let context2 = Context(Fr::rand(rng));
    let (again, _) = prove_from_registry(
        &pk,
        &vk,
        &citizen,
        RecordProofRequest {
            registry: &registry,
            policy: policy.clone(),
            scope,
            context: context2,
        },
        rng,
    )?;
    let mut req2 = request.clone();
    req2.context = context2;
    let learned2 = verify_record(&again, &vk, &req2)?;
    outcome.nullifier_repeats = learned2.nullifier == learned.nullifier;
    say(
        out,
        format!(
            "  the same citizen applying again (new challenge, valid proof) shows the same nullifier: {}",
            if outcome.nullifier_repeats { "yes, so the office counts one application" } else { "NO (bug)" }
        ),
    )?;
    say(out, "")?;
    say(out, "7. The ledger anchors the registry root and the proof")?;
    let ledger = open_ledger(cfg, rng, out)?;
    anchor(
        cfg,
        &ledger,
        out,
        &registry,
        &vk,
        &received,
        &again,
        &mut outcome,
    )?;
    say(out, "")?;
    say(out, "Nothing about the citizen's identity or parcel left their machine beyond the lines in step 5.")?;
    say(out, "")?;
    outcome.identity = identity::run(cfg, &ledger, rng, out)?;
    outcome.election = election::run(cfg, &ledger, rng, out)?;
    if let Some(l) = ledger.in_process {
        l.close();
    }
    Ok(outcome)
}

/// The demo's ledger: in-process (fresh for each run) or served, with the
/// demo's authorities.
pub struct DemoLedger {
    pub(crate) session: LedgerSession,
    pub(crate) keys: DemoAuthorities,
    in_process: Option<zkgov_ledger::Ledger>,
}

/// Registers `vk` for `statement` (admin-signed); an already registered key
/// is fine on a long-lived ledger.
pub(crate) fn register_vk(
    l: &DemoLedger,
    statement: StatementId,
    depth: usize,
    vk: &ValidatedVerifyingKey,
    out: &mut dyn Write,
) -> Result<(), ProverError> {
    match l.session.register_vk(&l.keys.admin, statement, depth, vk)? {
        Some(r) => say(
            out,
            format!(
                "  {statement} verifying key registered by the admin: entry {}",
                r.index
            ),
        ),
        None => say(
            out,
            format!("  {statement} verifying key already registered on this ledger"),
        ),
    }
}

fn open_ledger<R: RngCore + CryptoRng>(
    cfg: &DemoConfig,
    rng: &mut R,
    out: &mut dyn Write,
) -> Result<DemoLedger, ProverError> {
    match &cfg.ledger {
        Some(url) => {
            let path = cfg.authority_keys.as_ref().ok_or_else(|| {
                ProverError::malformed(
                    "demo",
                    "--ledger needs --authority-keys (zkgov ledger demo-authorities)",
                )
            })?;
            let l = DemoLedger {
                session: LedgerSession::http(url)?,
                keys: DemoAuthorities::read(path)?,
                in_process: None,
            };
            say(
                out,
                format!(
                    "  ledger at {url}; log key {} (from its genesis entry)",
                    l.session.log.to_vkey()
                ),
            )?;
            Ok(l)
        }
        None => {
            let dir = cfg.data_dir.join("demo-ledger");
            let _ = std::fs::remove_dir_all(&dir);
            let keys = DemoAuthorities::generate(rng);
            let ledger = zkgov_ledger::dir::open_dir(
                &dir,
                Some("zkgov.demo/ledger"),
                keys.genesis().authorities,
            )?;
            say(
                out,
                format!(
                    "  ledger at {} (SQLite, WAL, synchronous=FULL); log key {}",
                    dir.display(),
                    ledger.note_verifier().to_vkey()
                ),
            )?;
            Ok(DemoLedger {
                session: LedgerSession::connect(LedgerClient::InProcess(ledger.clone()))?,
                keys,
                in_process: Some(ledger),
            })
        }
    }
}

/// Step 7: the registry root and the proof on the ledger.
#[allow(clippy::too_many_arguments)]
fn anchor(
    cfg: &DemoConfig,
    l: &DemoLedger,
    out: &mut dyn Write,
    registry: &Registry,
    vk: &ValidatedVerifyingKey,
    bundle: &Bundle,
    again: &Bundle,
    outcome: &mut DemoOutcome,
) -> Result<(), ProverError> {
    register_vk(l, StatementId::RecordMembershipV2, cfg.depth, vk, out)?;
    let root_receipt = l.session.publish_root(
        &l.keys.land,
        PARCELS,
        registry.root(),
        registry.records().len() as u64,
        None,
        clock::now(),
    )?;
    say(
        out,
        format!(
            "  registry root published by the land registry: entry {}",
            root_receipt.index
        ),
    )?;

    // The office checks the root offline: right authority, recent, big enough.
    let policy = RootPolicy {
        authority: LAND_REGISTRY.into(),
        authority_key: l.keys.land.authority().public_key,
        registry_id: PARCELS.into(),
        max_age_secs: 7 * 24 * 3600,
        min_leaves: 1000.min(registry.records().len() as u64),
        witnesses: Default::default(),
    };
    let accepted_root = policy.check(&root_receipt, &l.session.log, clock::now())?;
    say(out, format!("  office's root policy (authority, age <= 7 days, >= {} records): root {accepted_root} accepted", policy.min_leaves))?;

    let receipt = l.session.anchor(bundle)?;
    let checked = receipt.verify(&l.session.log)?;
    outcome.anchored = checked.entry.kind() == "proof-anchor";
    say(
        out,
        format!(
            "  proof verified by the ledger and anchored: entry {}; receipt checked offline against checkpoint of size {}",
            checked.index, checked.checkpoint.size
        ),
    )?;
    match l.session.anchor(again) {
        Err(ProverError::Ledger(e)) if e.code() == ErrorCode::NullifierUsed => {
            outcome.ledger_refused_repeat = true;
            say(
                out,
                format!("  the ledger refuses a second application with the same nullifier: {e}"),
            )?;
        }
        Err(e) => return Err(e),
        Ok(_) => say(
            out,
            "  !! the ledger anchored a nullifier twice (this is a bug)",
        )?,
    }
    Ok(())
}
