//! The election fixture: eligibility keys at depth 20, a roll, a
//! five-trustee ceremony (quorum 3), an election with 3 options (single
//! choice), ballots made in parallel, and a whole election log (ballots,
//! three partial decryptions, the result) for the audit benchmark, cached
//! under `target/` since 10,000 ballots take minutes to prove.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_ledger::{
    authority::AuthoritySigner, http::LedgerClient, ledger::default_root_grace,
    store::MemoryStorage, Ledger, LedgerConfig,
};
use zkgov_params::dev_setup;
use zkgov_prover::{
    election::{cast_ballot, ceremony, ElectoralRoll, TrusteeKit},
    HolderSecret, LedgerSession, LogExport, PreparedProver,
};
use zkgov_verifier::{
    election::{ballot::SelectionRules, CastBallot, Election, ElectionDefinition, Roll},
    EntrySignature, Role, StatementId, ValidatedVerifyingKey,
};

/// Roll depth.
pub const DEPTH: usize = 20;
/// The election's id.
pub const ELECTION: &str = "bench-election";
const ORIGIN: &str = "zkgov.bench/election";
const ROLL: &str = "electoral-roll";
const T0: u64 = 1_800_000_000;

/// Keys, voters, roll, trustees and the election.
pub struct ElectionFixture {
    /// The prepared eligibility prover.
    pub pk: PreparedProver,
    /// Its verifying key.
    pub vk: ValidatedVerifyingKey,
    /// The voters.
    pub voters: Vec<HolderSecret>,
    /// Their roll.
    pub roll: ElectoralRoll,
    /// The trustees' key shares.
    pub kits: Vec<TrusteeKit>,
    /// The election (window `T0 .. T0 + 1 day`).
    pub election: Election,
    admin: AuthoritySigner,
    commission: AuthoritySigner,
    board: AuthoritySigner,
}

impl ElectionFixture {
    /// The fixture with `voters` voters (seeded: benchmarks only).
    pub fn new(voters: usize) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(2026); // ok: benchmark fixture
        let st = StatementId::BallotEligibilityV1;
        let (pk, vk) = dev_setup(st, DEPTH, &mut rng, false).expect("setup");
        let pk = PreparedProver::new(pk, st, DEPTH).expect("prepare");
        let voters: Vec<HolderSecret> = (0..voters.max(10))
            .map(|_| HolderSecret::generate(&mut rng))
            .collect();
        let roll = ElectoralRoll::new(DEPTH, voters.iter().map(HolderSecret::commitment).collect())
            .expect("roll");
        let admin = AuthoritySigner::generate("admin", Role::Admin, vec![], &mut rng);
        let commission = AuthoritySigner::generate(
            "electoral-commission",
            Role::RegistryAuthority,
            vec![ROLL.into()],
            &mut rng,
        );
        let board =
            AuthoritySigner::generate("election-board", Role::ElectionAuthority, vec![], &mut rng);
        let (trustees, kits) = ceremony(
            ELECTION,
            &["ana", "ben", "chloe", "dev", "eve"],
            3,
            &mut rng,
        )
        .expect("ceremony");
        let def = ElectionDefinition {
            election_id: ELECTION.into(),
            options: vec!["north bridge".into(), "south park".into(), "library".into()],
            rules: SelectionRules::single_choice(3),
            roll: Roll {
                registry_id: ROLL.into(),
                epoch: 1,
                root: roll.root(),
                leaf_count: roll.len(),
            },
            trustees,
            quorum: 3,
            opens_at: T0,
            closes_at: T0 + 86_400,
            eligibility_vk: vk.digest(),
            authority: board.name().into(),
            signature: EntrySignature::default(),
        };
        let election = Election::new(def).expect("election");
        ElectionFixture {
            pk,
            vk,
            voters,
            roll,
            kits,
            election,
            admin,
            commission,
            board,
        }
    }

    /// Writes the eligibility keys into a key directory with its manifest
    /// (what the prover service loads).
    pub fn write_keys(&self, dir: &std::path::Path) {
        let st = StatementId::BallotEligibilityV1;
        zkgov_params::KeyDir::new(dir)
            .write(
                st,
                DEPTH,
                zkgov_params::shape(st, DEPTH).expect("shape"),
                self.pk.proving_key(),
                &self.vk,
            )
            .expect("keys");
    }

    /// Voter `i`'s ballot for option `i % 3`.
    pub fn ballot(&self, i: usize, rng: &mut ChaCha20Rng) -> CastBallot {
        let mut votes = [0u64; 3];
        votes[i % 3] = 1;
        cast_ballot(
            &self.pk,
            &self.vk,
            &self.election,
            &self.roll,
            &self.voters[i],
            &votes,
            rng,
        )
        .expect("ballot")
    }

    /// One ballot per voter, one after the other: the prover's
    /// multi-scalar multiplications use both cores already, and arkworks
    /// 0.6 builds a rayon pool per MSM chunk, whose threads pile up (9,000
    /// after a few minutes, gigabytes of stacks) when proofs run inside
    /// rayon workers.
    pub fn ballots(&self) -> Vec<CastBallot> {
        (0..self.voters.len())
            .map(|i| {
                let mut rng = ChaCha20Rng::seed_from_u64(i as u64); // ok: benchmark fixture
                self.ballot(i, &mut rng)
            })
            .collect()
    }

    /// A fresh in-memory ledger, at `T0`, with the key registered, the roll
    /// published and the election defined; its clock can be moved.
    pub fn ledger(&self) -> (LedgerSession, Arc<AtomicU64>) {
        let clock = Arc::new(AtomicU64::new(T0));
        let c = clock.clone();
        let ledger = Ledger::open(
            Box::new(MemoryStorage::default()),
            LedgerConfig {
                origin: ORIGIN.into(),
                signer: ed25519_dalek::SigningKey::from_bytes(&[5; 32]),
                authorities: vec![
                    self.admin.authority().clone(),
                    self.commission.authority().clone(),
                    self.board.authority().clone(),
                ],
                state_file: None,
                clock: Arc::new(move || c.load(Ordering::SeqCst)),
                lock: None,
                max_in_flight: zkgov_ledger::ledger::MAX_IN_FLIGHT,
                root_grace_secs: default_root_grace(),
            },
        )
        .expect("ledger");
        let session = LedgerSession::connect(LedgerClient::InProcess(ledger)).expect("session");
        let st = StatementId::BallotEligibilityV1;
        session
            .register_vk(&self.admin, st, DEPTH, &self.vk)
            .expect("vk");
        session
            .publish_root(
                &self.commission,
                ROLL,
                self.roll.root(),
                self.roll.len(),
                None,
                T0,
            )
            .expect("roll");
        session
            .define_election(&self.board, self.election.definition().clone())
            .expect("definition");
        (session, clock)
    }

    /// The whole election on a log: every voter's ballot, three trustees'
    /// partial decryptions after the close, and the result.
    pub fn election_log(&self) -> LogExport {
        let ballots = self.ballots();
        let (session, clock) = self.ledger();
        for b in &ballots {
            session.cast(b).expect("cast");
        }
        clock.store(T0 + 86_400, Ordering::SeqCst);
        let report = session.audit_election(ELECTION).expect("audit");
        let mut rng = ChaCha20Rng::seed_from_u64(9); // ok: benchmark fixture
        for k in [&self.kits[0], &self.kits[2], &self.kits[4]] {
            let p = k.decrypt(ELECTION, &report.aggregate, &mut rng);
            session.publish_decryption(ELECTION, p).expect("partial");
        }
        let report = session.audit_election(ELECTION).expect("audit");
        let partials: Vec<_> = report.partials.iter().collect();
        let result = self
            .election
            .tally(&report.aggregate, report.valid_ballots, &partials)
            .expect("tally");
        session.publish_result(result).expect("result");
        LogExport::fetch(&session.client).expect("export")
    }
}

/// The log of a `ballots`-ballot election, from `target/` when an earlier
/// run made it, else made (and saved) now.
pub fn cached_election_log(ballots: usize) -> LogExport {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target")
        .join(format!("bench-election-{ballots}.json"));
    if let Some(e) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| LogExport::from_json(&t).ok())
    {
        return e;
    }
    eprintln!(
        "proving {ballots} ballots for the audit benchmark (saved to {})",
        path.display()
    );
    let export = ElectionFixture::new(ballots).election_log();
    let _ = std::fs::write(&path, export.to_json());
    export
}
