//! The ledger: validation, group commit, checkpoints, receipts.
//!
//! A submission is checked in two stages, cheapest first.
//!
//! 1. In the submitter's own thread ([`Ledger::submit`]): everything that
//!    needs no lock or only a short read of the state. A proof's key must
//!    be registered, its root published by the role that vouches for it and
//!    its nullifier unused before the pairing check runs, so a replayed
//!    valid bundle costs a hash lookup, not a pairing; then the pairing
//!    check, in parallel across submitters. A verifying key is decoded and
//!    validated here, once.
//! 2. In the committer thread, which takes every submission waiting (up to
//!    [`MAX_BATCH`]): the checks that depend on the state plus the batch so
//!    far (signatures, epochs, duplicates, the nullifier again, so two uses
//!    of one nullifier in a batch are caught). The accepted entries and the
//!    checkpoint of the new size go to storage in one transaction (one fsync
//!    for the batch), and only then is each submitter answered: an
//!    acknowledged entry is durable.
//!
//! Readers never wait on that fsync: the committer holds the state's write
//! lock only to stage the new leaves and, after storage committed, to
//! publish the batch's effects; reads of entries go through a second
//! storage connection where the backend has one. Readers see only what is
//! under the latest checkpoint.
//!
//! If storage refuses a batch, nothing of it is applied and every submitter
//! in it is told so. If storage committed but the signed-size file cannot
//! be written, the batch is applied and acknowledged (it is durable), and
//! the ledger stops signing: it refuses appends ([`LedgerError::Halted`])
//! until it is reopened, because its rollback guard would lag.
//!
//! The log never shrinks, never signs two checkpoints of one size with
//! different roots (storage refuses it), and remembers the last size it
//! signed in a small state file written after each commit: if storage is
//! found holding less than that on open, it was rolled back and the ledger
//! refuses to open for signing. An existing log is opened only with the
//! origin and log key its genesis names.

use std::{
    collections::{BTreeMap, HashMap},
    path::PathBuf,
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Mutex, RwLock,
    },
    thread,
};

use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use zkgov_tlog::{key_id, note_text, signature_line};
use zkgov_verifier::{
    encoding::b64_array, encoding::b64_encode, log::leaf_hash, log::Checkpoint, log::Hash,
    log::NoteVerifier, Agency, AgencyRegistration, AnchorFacts, Authority, Bundle, Entry,
    EntryBody, Genesis, KeyRegistration, MerkleRoot, Nullifier, ProofAnchor, Receipt, RegistryRoot,
    Role, Scope, Staleness, StatementId, ValidatedVerifyingKey, VerifyingKeyDigest, VkRegistration,
};

mod cluster;
mod election;
mod witnessing;
pub use cluster::{ClusterConfig, DEFAULT_LEASE_TTL, DEFAULT_POLL};
pub use election::ElectionStatus;
pub use witnessing::{WitnessEndpoint, WitnessStatus};

use zkgov_verifier::election::{
    CastBallot, DecryptionShare, Election, ElectionDefinition, ElectionResult,
};

use crate::{
    error::{Duplicate, Refusal, Unauthorised},
    store::{Storage, StoredCheckpoint, StoredEntry},
    tree::LogTree,
    LedgerError,
};

/// Largest number of submissions committed together.
pub const MAX_BATCH: usize = 512;
/// Most submissions in flight at once (checked, queued or being
/// committed) unless [`LedgerConfig::max_in_flight`] says otherwise; more
/// are refused at once with [`LedgerError::Busy`].
pub const MAX_IN_FLIGHT: usize = 4 * MAX_BATCH;
/// How far from the ledger's clock a claimed publication time may be
/// (seconds, either way).
pub const MAX_CLOCK_SKEW: u64 = 300;
/// Default grace window of a superseded root (seconds), for registry and
/// accreditation authorities' roots: Semaphore's default root duration.
pub const DEFAULT_ROOT_GRACE_SECS: u64 = 3600;

/// The default grace windows of a new log's genesis.
pub fn default_root_grace() -> BTreeMap<Role, u64> {
    [
        (Role::RegistryAuthority, DEFAULT_ROOT_GRACE_SECS),
        (Role::AccreditationAuthority, DEFAULT_ROOT_GRACE_SECS),
    ]
    .into_iter()
    .collect()
}

/// A request to append.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Submission {
    /// Register an authority key (signed by an admin).
    KeyRegistration(KeyRegistration),
    /// Register a verifying key (signed by an admin).
    VkRegistration(VkRegistration),
    /// Publish a registry root (signed by its authority).
    RegistryRoot(RegistryRoot),
    /// Register an agency (signed by an admin).
    AgencyRegistration(AgencyRegistration),
    /// Anchor a proof: the ledger verifies it and records its nullifier.
    /// The bundle must carry no disclosure opening.
    Proof {
        /// The bundle.
        bundle: Box<Bundle>,
    },
    /// Define an election (signed by an election authority).
    ElectionDefinition(Box<ElectionDefinition>),
    /// Cast a ballot: the ledger verifies both proofs and records its
    /// nullifier, within the election's window.
    Ballot(Box<CastBallot>),
    /// A trustee's partial decryption, after the election closed.
    DecryptionShare(Box<DecryptionShare>),
    /// An election's result, checked against the partial decryptions.
    ElectionResult(Box<ElectionResult>),
}

/// Registry root known to the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootInfo {
    /// The publication entry.
    pub entry: RegistryRoot,
    /// Its index.
    pub index: u64,
}

/// Configuration of a ledger.
pub struct LedgerConfig {
    /// Checkpoint origin line, e.g. `zkgov.example/ledger`. An existing log
    /// opens only with the origin of its genesis.
    pub origin: String,
    /// The log's signing key. An existing log opens only with the key its
    /// genesis names.
    pub signer: SigningKey,
    /// Authorities for the genesis entry of a new log. For an existing log
    /// they must be empty or exactly the genesis's: the genesis is the
    /// source of truth.
    pub authorities: Vec<Authority>,
    /// Where the last signed size is remembered (rollback detection);
    /// `None` for in-memory tests.
    pub state_file: Option<PathBuf>,
    /// The clock (Unix seconds).
    pub clock: Arc<dyn Fn() -> u64 + Send + Sync>,
    /// Held for the ledger's lifetime (the data directory's lock file).
    pub lock: Option<std::fs::File>,
    /// Most submissions in flight at once ([`MAX_IN_FLIGHT`] by default).
    pub max_in_flight: usize,
    /// Grace windows of superseded roots per role, for the genesis of a new
    /// log ([`default_root_grace`]); an existing log keeps its genesis's.
    pub root_grace_secs: BTreeMap<Role, u64>,
}

/// Where a root proofs are anchored against stands.
#[derive(Clone, Copy, Debug)]
struct RootStatus {
    /// When it was superseded: the publication time of the next root of
    /// its registry.
    superseded_at: Option<u64>,
}

/// The ledger's view of the log: everything the entries established.
#[derive(Default)]
struct State {
    tree: LogTree,
    authorities: HashMap<String, Authority>,
    vks: HashMap<VerifyingKeyDigest, (StatementId, Arc<ValidatedVerifyingKey>)>,
    /// Published roots by `(registry_id, root)`.
    roots: HashMap<(String, MerkleRoot), RootInfo>,
    /// Roots proofs may be anchored against, by publisher role: registry
    /// authorities' roots for record proofs, accreditation authorities' for
    /// identity proofs (never an issuer's revocation roots).
    root_roles: HashMap<(Role, MerkleRoot), RootStatus>,
    /// The current root of each registry, with its publisher's role and
    /// publication time.
    current: HashMap<String, (Role, MerkleRoot, u64)>,
    epochs: HashMap<String, u64>,
    agencies: HashMap<String, (Agency, u64)>,
    nullifiers: HashMap<(Scope, Nullifier), u64>,
    elections: HashMap<String, election::ElectionState>,
    checkpoint: Option<StoredCheckpoint>,
    /// The largest checkpoint witnesses cosigned, its note with their
    /// cosignature lines.
    cosigned: Option<StoredCheckpoint>,
    genesis: Option<Genesis>,
}

/// An entry that passed validation, with what it establishes already
/// decoded: applying it re-parses nothing.
#[derive(Clone)]
struct Accepted {
    body: EntryBody,
    /// The validated key of a verifying-key registration.
    vk: Option<Arc<ValidatedVerifyingKey>>,
    /// The publisher's role, for a registry root.
    publisher: Option<Role>,
    /// The root a registry root supersedes.
    supersedes: Option<(Role, MerkleRoot)>,
    /// The checked election of a definition.
    election: Option<Arc<Election>>,
}

impl Accepted {
    fn plain(body: EntryBody) -> Self {
        Accepted {
            body,
            vk: None,
            publisher: None,
            supersedes: None,
            election: None,
        }
    }

    /// `(scope, nullifier)` this entry claims, as storage keys it.
    fn nullifier_key(&self) -> Option<(String, String)> {
        match &self.body {
            EntryBody::ProofAnchor(p) => Some((p.scope.to_string(), p.nullifier.to_string())),
            EntryBody::Ballot(b) => election::ballot_nullifier_key(b),
            _ => None,
        }
    }
}

impl State {
    fn authority(&self, name: &str) -> Option<&Authority> {
        self.authorities.get(name)
    }

    /// Records what an accepted entry establishes.
    fn apply(&mut self, index: u64, a: &Accepted) {
        match &a.body {
            EntryBody::Genesis(g) => {
                for auth in &g.authorities {
                    self.authorities.insert(auth.name.clone(), auth.clone());
                }
                self.genesis = Some(g.clone());
            }
            EntryBody::KeyRegistration(k) => {
                self.authorities
                    .insert(k.authority.name.clone(), k.authority.clone());
            }
            EntryBody::VkRegistration(v) => {
                if let Some(vk) = &a.vk {
                    self.vks.insert(v.vk_digest, (v.statement, vk.clone()));
                }
            }
            EntryBody::RegistryRoot(r) => {
                self.epochs.insert(r.registry_id.clone(), r.epoch);
                if let Some(old) = a.supersedes {
                    self.root_roles.insert(
                        old,
                        RootStatus {
                            superseded_at: Some(r.published_at),
                        },
                    );
                }
                if let Some(role) = a.publisher {
                    self.root_roles.insert(
                        (role, r.root),
                        RootStatus {
                            superseded_at: None,
                        },
                    );
                    self.current
                        .insert(r.registry_id.clone(), (role, r.root, r.published_at));
                }
                self.roots.insert(
                    (r.registry_id.clone(), r.root),
                    RootInfo {
                        entry: r.clone(),
                        index,
                    },
                );
            }
            EntryBody::ProofAnchor(p) => {
                self.nullifiers.insert((p.scope, p.nullifier), index);
            }
            EntryBody::AgencyRegistration(r) => {
                self.agencies
                    .insert(r.agency.name.clone(), (r.agency.clone(), index));
            }
            EntryBody::ElectionDefinition(_)
            | EntryBody::Ballot(_)
            | EntryBody::DecryptionShare(_)
            | EntryBody::ElectionResult(_) => self.apply_election(index, a),
        }
    }

    /// What a stored entry establishes, decoded once while replaying.
    fn replayed(&self, body: EntryBody) -> Result<Accepted, LedgerError> {
        let mut a = Accepted::plain(body);
        match &a.body {
            EntryBody::VkRegistration(v) => {
                a.vk = Some(Arc::new(ValidatedVerifyingKey::from_bytes(
                    &v.vk,
                    v.statement.num_public_inputs(),
                )?));
            }
            EntryBody::RegistryRoot(r) => {
                a.publisher = self.authority(&r.authority).map(|x| x.role);
                a.supersedes = self
                    .current
                    .get(&r.registry_id)
                    .map(|(role, root, _)| (*role, *root));
            }
            EntryBody::ElectionDefinition(d) => {
                a.election = Some(Arc::new(Election::new((**d).clone())?));
            }
            _ => {}
        }
        Ok(a)
    }

    fn grace(&self, role: Role) -> u64 {
        self.genesis.as_ref().map_or(0, |g| g.root_grace(role))
    }

    /// One receipt builder: `entry` at `index` under the largest
    /// checkpoint witnesses cosigned, if it covers the entry, else under the
    /// latest checkpoint.
    fn receipt(&self, index: u64, entry: Vec<u8>) -> Result<Receipt, LedgerError> {
        let cp = match &self.cosigned {
            Some(c) if c.size > index => c,
            _ => self
                .checkpoint
                .as_ref()
                .ok_or_else(|| LedgerError::internal("no checkpoint yet"))?,
        };
        let inclusion_proof = self
            .tree
            .inclusion_proof(index, cp.size)
            .ok_or_else(|| LedgerError::NotFound(format!("no entry {index}")))?;
        Ok(Receipt {
            entry,
            index,
            inclusion_proof,
            checkpoint: cp.note.clone(),
        })
    }

    /// Entries covered by the latest checkpoint.
    fn committed(&self) -> u64 {
        self.checkpoint.as_ref().map_or(0, |c| c.size)
    }

    /// Applies the next stored entry, re-hashing it: what opening a log and
    /// following another node's appends share.
    fn replay_entry(&mut self, e: StoredEntry) -> Result<(), LedgerError> {
        if e.index != self.tree.size() {
            return Err(LedgerError::Corrupt(format!(
                "entry {} is out of order",
                e.index
            )));
        }
        if leaf_hash(&e.data) != e.leaf_hash {
            return Err(LedgerError::Corrupt(format!(
                "entry {} does not hash to its stored leaf hash",
                e.index
            )));
        }
        let entry = Entry::from_bytes(&e.data)
            .map_err(|err| LedgerError::Corrupt(format!("entry {}: {err}", e.index)))?;
        if (e.index == 0) != matches!(entry.body, EntryBody::Genesis(_)) {
            return Err(LedgerError::Corrupt(
                "the genesis entry must be entry 0 and only there".into(),
            ));
        }
        let a = self
            .replayed(entry.body)
            .map_err(|err| LedgerError::Corrupt(format!("entry {}: {err}", e.index)))?;
        self.apply(e.index, &a);
        self.tree.push(e.leaf_hash);
        Ok(())
    }
}

/// A proof submission after its stateless checks and the pairing check.
struct CheckedProof {
    anchor: ProofAnchor,
    facts: AnchorFacts,
}

/// A submission after the checks of stage 1.
enum Checked {
    Key(KeyRegistration),
    Vk(VkRegistration, Arc<ValidatedVerifyingKey>),
    Root(RegistryRoot),
    Agency(AgencyRegistration),
    Proof(Box<CheckedProof>),
    Election(Box<ElectionDefinition>, Arc<Election>),
    Ballot(Box<CastBallot>),
    Decryption(Box<DecryptionShare>),
    Result(Box<ElectionResult>),
}

/// The freshness rules agencies apply ([`AnchorFacts::check_fresh`]), as
/// the ledger applies them at `now`, refused with a typed reason.
fn check_fresh(
    facts: &AnchorFacts,
    status: RootStatus,
    grace: u64,
    now: u64,
) -> Result<(), LedgerError> {
    facts
        .check_fresh(status.superseded_at, grace, now)
        .map_err(|s| {
            match s {
                Staleness::RootSuperseded {
                    superseded_at,
                    grace_secs,
                } => Refusal::RootSuperseded {
                    root: facts.root.to_string(),
                    superseded_at,
                    grace_secs,
                    now,
                },
                Staleness::DateOutOfRange {
                    today,
                    ledger_today,
                } => Refusal::DateOutOfRange {
                    today: today.map_or_else(|| "not a date".into(), |d| d.to_string()),
                    ledger_today: ledger_today.to_string(),
                },
            }
            .into()
        })
}

/// Batch-local view: the state plus what this batch accepted so far.
struct Overlay<'a> {
    state: &'a State,
    batch: State,
    next_index: u64,
}

impl<'a> Overlay<'a> {
    fn new(state: &'a State) -> Self {
        Overlay {
            state,
            batch: State::default(),
            next_index: state.tree.size(),
        }
    }

    fn authority(&self, name: &str) -> Option<&Authority> {
        self.batch
            .authority(name)
            .or_else(|| self.state.authority(name))
    }

    fn signed_by(
        &self,
        origin: &str,
        name: &str,
        allowed: impl Fn(Role) -> bool,
        required: &'static str,
        body: &EntryBody,
    ) -> Result<Role, LedgerError> {
        let a = self
            .authority(name)
            .ok_or_else(|| Unauthorised::UnknownAuthority(name.into()))?;
        if !allowed(a.role) {
            return Err(Unauthorised::WrongRole {
                name: name.into(),
                role: a.role,
                required,
            }
            .into());
        }
        a.public_key.verify(origin, body)?;
        Ok(a.role)
    }

    fn admin_signed(&self, origin: &str, name: &str, body: &EntryBody) -> Result<(), LedgerError> {
        self.signed_by(origin, name, |r| r == Role::Admin, "admin", body)
            .map(|_| ())
    }

    fn root_status(&self, key: &(Role, MerkleRoot)) -> Option<RootStatus> {
        self.batch
            .root_roles
            .get(key)
            .or_else(|| self.state.root_roles.get(key))
            .copied()
    }

    fn current_root(&self, registry: &str) -> Option<(Role, MerkleRoot, u64)> {
        self.batch
            .current
            .get(registry)
            .or_else(|| self.state.current.get(registry))
            .copied()
    }

    fn nullifier_used(&self, key: &(Scope, Nullifier)) -> Option<u64> {
        self.batch
            .nullifiers
            .get(key)
            .or_else(|| self.state.nullifiers.get(key))
            .copied()
    }

    /// The checks of stage 2, then the entry's effects on the batch.
    fn validate(&mut self, origin: &str, sub: Checked, now: u64) -> Result<Accepted, LedgerError> {
        let accepted = match sub {
            // The signer's authority first: who may not register learns
            // nothing about what is registered.
            Checked::Key(k) => {
                if !valid_name(&k.authority.name) {
                    return Err(LedgerError::Malformed(format!(
                        "authority name {:?}: 1 to 64 letters, digits, '-', '_' or '.'",
                        k.authority.name
                    )));
                }
                let (admin, name) = (k.registered_by.clone(), k.authority.name.clone());
                let body = EntryBody::KeyRegistration(k);
                self.admin_signed(origin, &admin, &body)?;
                if self.authority(&name).is_some() {
                    return Err(Duplicate::AuthorityName(name).into());
                }
                Accepted::plain(body)
            }
            Checked::Vk(v, vk) => {
                let (admin, digest) = (v.registered_by.clone(), v.vk_digest);
                let body = EntryBody::VkRegistration(v);
                self.admin_signed(origin, &admin, &body)?;
                if self.batch.vks.contains_key(&digest) || self.state.vks.contains_key(&digest) {
                    return Err(Duplicate::VerifyingKey(digest.to_hex()).into());
                }
                Accepted {
                    vk: Some(vk),
                    ..Accepted::plain(body)
                }
            }
            Checked::Root(r) => self.validate_root(origin, r, now)?,
            Checked::Agency(r) => self.validate_agency(origin, r)?,
            Checked::Election(d, el) => self.validate_definition(origin, d, el, now)?,
            Checked::Ballot(b) => self.validate_ballot(b, now)?,
            Checked::Decryption(d) => self.validate_decryption(*d, now)?,
            Checked::Result(r) => self.validate_result(r)?,
            Checked::Proof(p) => {
                let key = (p.anchor.scope, p.anchor.nullifier);
                if let Some(index) = self.nullifier_used(&key) {
                    return Err(LedgerError::NullifierUsed { index });
                }
                // Again with the batch: a root superseded since stage 1.
                let publisher = p.facts.publisher;
                let status = self
                    .root_status(&(publisher, p.facts.root))
                    .ok_or_else(|| Refusal::RootNotPublished {
                        root: p.facts.root.to_string(),
                        role: publisher,
                    })?;
                check_fresh(&p.facts, status, self.state.grace(publisher), now)?;
                Accepted {
                    publisher: Some(publisher),
                    ..Accepted::plain(EntryBody::ProofAnchor(ProofAnchor {
                        anchored_at: now,
                        ..p.anchor
                    }))
                }
            }
        };
        self.batch.apply(self.next_index, &accepted);
        self.next_index += 1;
        Ok(accepted)
    }

    fn validate_root(
        &mut self,
        origin: &str,
        r: RegistryRoot,
        now: u64,
    ) -> Result<Accepted, LedgerError> {
        // Registry authorities publish registry roots, issuers their
        // revocation roots, accreditation authorities the accredited-issuer
        // tree: each only for registries it is listed for.
        let (authority, registry_id, root) = (r.authority.clone(), r.registry_id.clone(), r.root);
        let body = EntryBody::RegistryRoot(r);
        let role = self.signed_by(
            origin,
            &authority,
            Role::publishes_roots,
            "root-publishing authority",
            &body,
        )?;
        let EntryBody::RegistryRoot(r) = &body else {
            return Err(LedgerError::internal("root publication changed type"));
        };
        if !self
            .authority(&authority)
            .is_some_and(|a| a.registries.contains(&registry_id))
        {
            return Err(Unauthorised::RegistryNotListed {
                authority,
                registry: registry_id,
            }
            .into());
        }
        let key = (registry_id.clone(), root);
        if self.batch.roots.contains_key(&key) || self.state.roots.contains_key(&key) {
            return Err(Duplicate::Root {
                registry: registry_id,
                root: root.to_string(),
            }
            .into());
        }
        let last = self
            .batch
            .epochs
            .get(&registry_id)
            .or_else(|| self.state.epochs.get(&registry_id));
        if let Some(&last) = last.filter(|e| r.epoch <= **e) {
            return Err(LedgerError::StaleEpoch {
                epoch: r.epoch,
                last,
            });
        }
        // An empty revocation tree is a real state; an empty registry or
        // issuer list proves nothing.
        if r.leaf_count == 0 && role != Role::Issuer {
            return Err(Refusal::EmptyRegistry.into());
        }
        if r.published_at > now.saturating_add(MAX_CLOCK_SKEW) {
            return Err(Refusal::FutureTime(r.published_at).into());
        }
        // The publication time dates the end of the previous root's grace
        // window: it must be the ledger's time, give or take the skew, and
        // not before the previous root's.
        let current = self.current_root(&registry_id);
        if r.published_at < now.saturating_sub(MAX_CLOCK_SKEW)
            || current.is_some_and(|(_, _, at)| r.published_at < at)
        {
            return Err(Refusal::BackDated(r.published_at).into());
        }
        Ok(Accepted {
            publisher: Some(role),
            supersedes: current.map(|(role, root, _)| (role, root)),
            ..Accepted::plain(body)
        })
    }

    fn validate_agency(
        &mut self,
        origin: &str,
        r: AgencyRegistration,
    ) -> Result<Accepted, LedgerError> {
        let (admin, name) = (r.registered_by.clone(), r.agency.name.clone());
        let body = EntryBody::AgencyRegistration(r);
        self.admin_signed(origin, &admin, &body)?;
        let EntryBody::AgencyRegistration(r) = &body else {
            return Err(LedgerError::internal("agency registration changed type"));
        };
        // The name is the agency's id in its scopes: a label-sized name.
        if !valid_name(&name) || name.len() > 31 {
            return Err(LedgerError::Malformed(format!(
                "agency name {name:?}: 1 to 31 letters, digits, '-', '_' or '.'"
            )));
        }
        if r.agency.scopes.is_empty() {
            return Err(LedgerError::Malformed(
                "an agency is registered with at least one scope label".into(),
            ));
        }
        for (i, label) in r.agency.scopes.iter().enumerate() {
            zkgov_verifier::label_to_field::<zkgov_verifier::Fr>(label)?;
            if r.agency.scopes[..i].contains(label) {
                return Err(LedgerError::Malformed(format!(
                    "scope label {label:?} is listed twice"
                )));
            }
        }
        if self.batch.agencies.contains_key(&name) || self.state.agencies.contains_key(&name) {
            return Err(Duplicate::AgencyName(name).into());
        }
        Ok(Accepted::plain(body))
    }
}

/// Authority names: 1 to 64 bytes of ASCII letters, digits, `-`, `_`, `.`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

type Reply = mpsc::Sender<Result<Receipt, LedgerError>>;

enum Msg {
    Submit(Box<Checked>, Reply),
    Shutdown,
}

struct Shared {
    state: RwLock<State>,
    storage: Mutex<Box<dyn Storage>>,
    /// A second connection for reads, where the backend has one, so reads
    /// never wait on a commit's fsync.
    reader: Option<Mutex<Box<dyn Storage>>>,
    origin: String,
    signer: SigningKey,
    state_file: Option<PathBuf>,
    clock: Arc<dyn Fn() -> u64 + Send + Sync>,
    verifier: NoteVerifier,
    in_flight: AtomicUsize,
    max_in_flight: usize,
    /// Set when the ledger stopped signing ([`LedgerError::Halted`]).
    halted: Mutex<Option<String>>,
    /// Held by whoever changes the tree: a commit (from staging its leaves
    /// to publishing them) and a follower's catching up.
    writer: Mutex<()>,
    /// This node's part in a cluster of nodes on one database, if any.
    cluster: Option<cluster::Cluster>,
    /// The witnesses checkpoints are pushed to, once witnessing started.
    witnesses: Mutex<Option<witnessing::Witnessing>>,
    _lock: Option<std::fs::File>,
}

/// A running ledger. Cloning gives another handle to the same ledger.
#[derive(Clone)]
pub struct Ledger {
    shared: Arc<Shared>,
    tx: mpsc::SyncSender<Msg>,
    committer: Arc<Mutex<Option<thread::JoinHandle<()>>>>,
}

#[derive(Serialize, Deserialize)]
struct SignedState {
    size: u64,
    root: String,
}

fn read_signed_state(path: &PathBuf) -> Result<Option<(u64, Hash)>, LedgerError> {
    match std::fs::read_to_string(path) {
        Ok(t) => {
            let s: SignedState = serde_json::from_str(&t)
                .map_err(|e| LedgerError::Corrupt(format!("{}: {e}", path.display())))?;
            let root = b64_array::<32>(&s.root, "signed root").map_err(LedgerError::Corrupt)?;
            Ok(Some((s.size, root)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LedgerError::Io {
            path: path.clone(),
            source,
        }),
    }
}

fn write_signed_state(path: &std::path::Path, size: u64, root: &Hash) -> Result<(), LedgerError> {
    let text = serde_json::to_string(&SignedState {
        size,
        root: b64_encode(root),
    })
    .unwrap_or_default();
    zkgov_params::private_file::replace_atomically(path, text.as_bytes()).map_err(|source| {
        LedgerError::Io {
            path: path.to_owned(),
            source,
        }
    })
}

fn poisoned() -> LedgerError {
    LedgerError::internal("a ledger lock is poisoned")
}

/// Counts a submission in flight for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(count: &'a AtomicUsize, max: usize) -> Result<Self, LedgerError> {
        let before = count.fetch_add(1, Ordering::AcqRel);
        if before >= max {
            count.fetch_sub(1, Ordering::AcqRel);
            return Err(LedgerError::Busy(before));
        }
        Ok(InFlight(count))
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// How often [`Ledger::open`] reads the log again when a writer committed
/// between its reading the entries and the latest checkpoint.
const OPEN_RETRIES: u64 = 5;

impl Ledger {
    /// Replays every stored entry (re-hashing each) into a fresh state.
    fn replay(storage: &dyn Storage) -> Result<State, LedgerError> {
        let mut state = State::default();
        storage.scan(&mut |e: StoredEntry| state.replay_entry(e))?;
        Ok(state)
    }

    /// Opens a ledger on `storage`: checks storage integrity, replays every
    /// entry (re-hashing each), checks the latest checkpoint, the remembered
    /// signed size and the configuration against the genesis, appends the
    /// genesis entry to an empty log, and starts the committer thread.
    pub fn open(storage: Box<dyn Storage>, config: LedgerConfig) -> Result<Self, LedgerError> {
        Self::start(storage, config, None)
    }

    fn start(
        storage: Box<dyn Storage>,
        config: LedgerConfig,
        cluster: Option<cluster::Cluster>,
    ) -> Result<Self, LedgerError> {
        storage.integrity_check()?;
        // The entries and the latest checkpoint are read in two steps. On a
        // shared database a writer may commit between them (another node,
        // or a killed sequencer whose last COMMIT the server was still
        // applying), leaving a checkpoint beyond the entries read: read
        // again. Entries and their checkpoint are one transaction, so a
        // checkpoint beyond the entries that persists is corruption.
        let mut attempt = 0;
        let (mut state, latest) = loop {
            let state = Self::replay(storage.as_ref())?;
            let latest = storage.latest_checkpoint()?;
            let grew = latest.as_ref().is_some_and(|c| c.size > state.tree.size());
            if grew && attempt < OPEN_RETRIES {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(50 * attempt));
                continue;
            }
            break (state, latest);
        };
        if let Some(c) = &latest {
            if state.tree.root_at(c.size) != Some(c.root) {
                return Err(LedgerError::Corrupt(format!(
                    "stored entries do not match the checkpoint of size {}",
                    c.size
                )));
            }
        }
        if latest.as_ref().map_or(0, |c| c.size) != state.tree.size() {
            return Err(LedgerError::Corrupt(
                "stored entries are not all under the latest checkpoint".into(),
            ));
        }
        if let Some(path) = &config.state_file {
            if let Some((size, root)) = read_signed_state(path)? {
                let stored = latest.as_ref().map_or(0, |c| c.size);
                if size > stored {
                    return Err(LedgerError::RolledBack {
                        signed: size,
                        stored,
                    });
                }
                if state.tree.root_at(size) != Some(root) {
                    return Err(LedgerError::Corrupt(format!(
                        "the root at size {size} differs from the one the log signed"
                    )));
                }
            }
        }
        let verifier = NoteVerifier::new(&config.origin, config.signer.verifying_key())
            .map_err(zkgov_verifier::VerifyError::from)?;
        if let Some(g) = &state.genesis {
            check_genesis(g, &config, &verifier)?;
        }
        state.checkpoint = latest;
        state.cosigned = witnessing::load_cosigned(storage.as_ref())?;
        let reader = storage.reader()?.map(Mutex::new);
        let (tx, rx) = mpsc::sync_channel::<Msg>(MAX_IN_FLIGHT);
        let shared = Arc::new(Shared {
            state: RwLock::new(state),
            storage: Mutex::new(storage),
            reader,
            origin: config.origin.clone(),
            signer: config.signer,
            state_file: config.state_file,
            clock: config.clock,
            verifier,
            in_flight: AtomicUsize::new(0),
            max_in_flight: config.max_in_flight.max(1),
            halted: Mutex::new(None),
            writer: Mutex::new(()),
            cluster,
            witnesses: Mutex::new(None),
            _lock: config.lock,
        });
        let ledger = Ledger {
            shared: shared.clone(),
            tx,
            committer: Arc::new(Mutex::new(None)),
        };
        if ledger.size() == 0 {
            let genesis = Genesis {
                origin: config.origin,
                log_key: ledger.note_verifier(),
                authorities: config.authorities,
                root_grace_secs: config.root_grace_secs,
            };
            for (i, a) in genesis.authorities.iter().enumerate() {
                if !valid_name(&a.name) || genesis.authorities[..i].iter().any(|b| b.name == a.name)
                {
                    return Err(LedgerError::Config(format!(
                        "genesis authority name {:?} is unusable or named twice",
                        a.name
                    )));
                }
            }
            commit(&shared, vec![Accepted::plain(EntryBody::Genesis(genesis))])?;
        }
        let handle = thread::Builder::new()
            .name("zkgov-ledger-committer".into())
            .spawn(move || committer(shared, rx))
            .map_err(|e| LedgerError::Io {
                path: PathBuf::from("<committer thread>"),
                source: e,
            })?;
        if let Ok(mut slot) = ledger.committer.lock() {
            *slot = Some(handle);
        }
        Ok(ledger)
    }

    /// The log's checkpoint origin.
    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    /// The log's note verifier (its public key).
    pub fn note_verifier(&self) -> NoteVerifier {
        self.shared.verifier.clone()
    }

    /// Number of entries (under the latest checkpoint).
    pub fn size(&self) -> u64 {
        self.shared.state.read().map_or(0, |s| s.committed())
    }

    /// The genesis entry.
    pub fn genesis(&self) -> Result<Genesis, LedgerError> {
        self.read_state()?
            .genesis
            .clone()
            .ok_or_else(|| LedgerError::internal("no genesis"))
    }

    /// Checks and submits, and waits until the entry is durable (or
    /// refused). Refuses at once with [`LedgerError::Busy`] when
    /// [`LedgerConfig::max_in_flight`] submissions are already in flight.
    pub fn submit(&self, sub: Submission) -> Result<Receipt, LedgerError> {
        let _slot = InFlight::enter(&self.shared.in_flight, self.shared.max_in_flight)?;
        if let Some(why) = self.halted()? {
            return Err(LedgerError::Halted(why));
        }
        if let Some(e) = self
            .shared
            .cluster
            .as_ref()
            .and_then(|c| c.not_sequencing())
        {
            return Err(e);
        }
        let checked = self.precheck(sub)?;
        let (reply, wait) = mpsc::channel();
        self.tx
            .try_send(Msg::Submit(Box::new(checked), reply))
            .map_err(|e| match e {
                mpsc::TrySendError::Full(_) => LedgerError::Busy(self.shared.max_in_flight),
                mpsc::TrySendError::Disconnected(_) => LedgerError::Closed,
            })?;
        wait.recv().map_err(|_| LedgerError::Closed)?
    }

    fn halted(&self) -> Result<Option<String>, LedgerError> {
        Ok(self.shared.halted.lock().map_err(|_| poisoned())?.clone())
    }

    /// Stage 1 (see the module docs).
    fn precheck(&self, sub: Submission) -> Result<Checked, LedgerError> {
        Ok(match sub {
            Submission::KeyRegistration(k) => Checked::Key(k),
            Submission::RegistryRoot(r) => Checked::Root(r),
            Submission::AgencyRegistration(r) => Checked::Agency(r),
            Submission::VkRegistration(v) => {
                let vk = ValidatedVerifyingKey::from_bytes(&v.vk, v.statement.num_public_inputs())?;
                if vk.digest() != v.vk_digest {
                    return Err(LedgerError::Malformed(
                        "vk_digest does not match the key bytes".into(),
                    ));
                }
                Checked::Vk(v, Arc::new(vk))
            }
            Submission::Proof { bundle } => Checked::Proof(Box::new(self.precheck_proof(&bundle)?)),
            Submission::ElectionDefinition(d) => {
                let el = Election::new((*d).clone())?;
                Checked::Election(d, Arc::new(el))
            }
            Submission::Ballot(b) => {
                self.precheck_ballot(&b)?;
                Checked::Ballot(b)
            }
            Submission::DecryptionShare(d) => Checked::Decryption(d),
            Submission::ElectionResult(r) => Checked::Result(r),
        })
    }

    fn precheck_proof(&self, b: &Bundle) -> Result<CheckedProof, LedgerError> {
        // The ledger never receives what the commitment hides.
        if b.disclosure.is_some() {
            return Err(LedgerError::Malformed(
                "the bundle carries its disclosure opening, which is for the agency only: \
                 submit it without (Bundle::without_opening)"
                    .into(),
            ));
        }
        // Each statement's root must have been published by the role that
        // vouches for it.
        let facts = b.public()?.anchor_facts();
        let (root, publisher, scope, nullifier) =
            (facts.root, facts.publisher, facts.scope, facts.nullifier);
        let vk = {
            let st = self.read_state()?;
            let (statement, vk) = st
                .vks
                .get(&b.vk_digest)
                .ok_or_else(|| Refusal::UnregisteredKey(b.vk_digest.to_hex()))?;
            if *statement != b.statement {
                return Err(zkgov_verifier::VerifyError::StatementMismatch {
                    expected: statement.to_string(),
                    got: b.statement.to_string(),
                }
                .into());
            }
            let status =
                st.root_roles
                    .get(&(publisher, root))
                    .ok_or_else(|| Refusal::RootNotPublished {
                        root: root.to_string(),
                        role: publisher,
                    })?;
            check_fresh(&facts, *status, st.grace(publisher), (self.shared.clock)())?;
            if let Some(&index) = st.nullifiers.get(&(scope, nullifier)) {
                return Err(LedgerError::NullifierUsed { index });
            }
            vk.clone()
        };
        // Only now the pairing check, outside every lock.
        b.verify(b.statement, &vk)?;
        Ok(CheckedProof {
            anchor: ProofAnchor {
                statement: b.statement,
                vk_digest: b.vk_digest,
                public_inputs: b.public_inputs.clone(),
                proof: b.proof.clone(),
                root,
                scope,
                nullifier,
                anchored_at: 0,
            },
            facts,
        })
    }

    /// Stops the committer after the submissions already queued; storage is
    /// closed when the last handle is dropped.
    pub fn close(self) {
        let _ = self.tx.send(Msg::Shutdown);
        let handle = self.committer.lock().ok().and_then(|mut h| h.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
        self.stop_witnessing();
        self.leave_cluster();
    }

    /// The latest signed checkpoint note (with the witnesses'
    /// cosignatures, once they cosigned it).
    pub fn checkpoint(&self) -> Result<StoredCheckpoint, LedgerError> {
        let st = self.read_state()?;
        match (&st.checkpoint, &st.cosigned) {
            (Some(c), Some(w)) if w.size == c.size => Ok(w.clone()),
            (Some(c), _) => Ok(c.clone()),
            (None, _) => Err(LedgerError::internal("no checkpoint yet")),
        }
    }

    /// The largest checkpoint witnesses cosigned, with their cosignatures
    /// (none before a witness has cosigned).
    pub fn cosigned_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError> {
        Ok(self.read_state()?.cosigned.clone())
    }

    fn read_state(&self) -> Result<std::sync::RwLockReadGuard<'_, State>, LedgerError> {
        self.shared.state.read().map_err(|_| poisoned())
    }

    /// The entry bytes at `index`, if it is under the latest checkpoint.
    pub fn entry(&self, index: u64) -> Result<Option<Vec<u8>>, LedgerError> {
        if index >= self.size() {
            return Ok(None);
        }
        let store = self.shared.reader.as_ref().unwrap_or(&self.shared.storage);
        let st = store.lock().map_err(|_| poisoned())?;
        Ok(st.entry(index)?.map(|e| e.data))
    }

    /// A receipt for `index` under the latest checkpoint.
    pub fn receipt(&self, index: u64) -> Result<Receipt, LedgerError> {
        let data = self
            .entry(index)?
            .ok_or_else(|| LedgerError::NotFound(format!("no entry {index}")))?;
        self.read_state()?.receipt(index, data)
    }

    /// Inclusion proof of `index` in the tree of `size` (at most the
    /// latest checkpoint's size).
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
        if index >= size {
            return Err(LedgerError::Malformed(format!(
                "index {index} is not below the tree size {size}"
            )));
        }
        let st = self.read_state()?;
        (size <= st.committed())
            .then(|| st.tree.inclusion_proof(index, size))
            .flatten()
            .ok_or_else(|| {
                LedgerError::NotFound(format!(
                    "no tree of size {size}: the log has {}",
                    st.committed()
                ))
            })
    }

    /// The hashes of tlog-tiles tile `index` at `level`, `width` wide
    /// (256 for a full tile), under the latest checkpoint: the tree hashes
    /// at height `8 * level`, from the `256 * index`-th. `NotFound` unless
    /// the checkpointed tree holds all of them (such a tile never changes).
    pub fn tile(&self, level: u32, index: u64, width: u64) -> Result<Vec<Hash>, LedgerError> {
        let st = self.read_state()?;
        let missing = || {
            LedgerError::NotFound(format!(
                "no tile {level}/{index} of width {width} in a tree of {}",
                st.committed()
            ))
        };
        let height = level
            .checked_mul(8)
            .filter(|h| *h < 64)
            .ok_or_else(missing)?;
        let complete = st.committed() >> height;
        let start = index.checked_mul(256).ok_or_else(missing)?;
        if !(1..=256).contains(&width) || start.checked_add(width).is_none_or(|end| end > complete)
        {
            return Err(missing());
        }
        st.tree
            .hashes(height as usize, start, width)
            .ok_or_else(missing)
    }

    /// Entries `256 * index ..` (`width` of them) as a tlog-tiles entry
    /// bundle: each a big-endian `u16` length and its canonical bytes,
    /// whose leaf hashes are the level-0 tile's. An entry over 65,535 bytes
    /// cannot be carried in a bundle: `not-found` for that bundle.
    pub fn entry_bundle(&self, index: u64, width: u64) -> Result<Vec<u8>, LedgerError> {
        // The same existence rule as the level-0 tile.
        self.tile(0, index, width)?;
        let mut out = Vec::new();
        for i in index * 256..index * 256 + width {
            let data = self
                .entry(i)?
                .ok_or_else(|| LedgerError::internal(format!("entry {i} is missing")))?;
            let len = u16::try_from(data.len()).map_err(|_| {
                LedgerError::NotFound(format!(
                    "entry {i} is {} bytes, over the 65,535 a tlog-tiles entry bundle carries: read it at /v1/entries/{i}",
                    data.len()
                ))
            })?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&data);
        }
        Ok(out)
    }

    /// Consistency proof from `old` to `new` (at most the latest
    /// checkpoint's size).
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LedgerError> {
        if old > new {
            return Err(LedgerError::Malformed(format!(
                "a consistency proof goes from a smaller size to a larger one, not {old} to {new}"
            )));
        }
        let st = self.read_state()?;
        (new <= st.committed())
            .then(|| st.tree.consistency_proof(old, new))
            .flatten()
            .ok_or_else(|| {
                LedgerError::NotFound(format!(
                    "no tree of size {new}: the log has {}",
                    st.committed()
                ))
            })
    }

    /// Index of the entry that used `nullifier` in `scope`.
    pub fn nullifier(
        &self,
        scope: &Scope,
        nullifier: &Nullifier,
    ) -> Result<Option<u64>, LedgerError> {
        Ok(self
            .read_state()?
            .nullifiers
            .get(&(*scope, *nullifier))
            .copied())
    }

    /// The registration of the agency `name`: its entry's index.
    pub fn agency(&self, name: &str) -> Result<Option<u64>, LedgerError> {
        Ok(self.read_state()?.agencies.get(name).map(|(_, i)| *i))
    }

    /// Published roots of `registry_id`, oldest first.
    pub fn roots(&self, registry_id: &str) -> Result<Vec<RootInfo>, LedgerError> {
        let mut v: Vec<RootInfo> = self
            .read_state()?
            .roots
            .iter()
            .filter(|((id, _), _)| id == registry_id)
            .map(|(_, r)| r)
            .cloned()
            .collect();
        v.sort_by_key(|r| r.entry.epoch);
        Ok(v)
    }
}

/// An existing log opens only as what its genesis says it is.
fn check_genesis(
    g: &Genesis,
    config: &LedgerConfig,
    verifier: &NoteVerifier,
) -> Result<(), LedgerError> {
    if g.origin != config.origin {
        return Err(LedgerError::Config(format!(
            "this log's origin is {:?}, not {:?}",
            g.origin, config.origin
        )));
    }
    if &g.log_key != verifier {
        return Err(LedgerError::Config(format!(
            "this log is signed by {}, not by the key given ({})",
            g.log_key.to_vkey(),
            verifier.to_vkey()
        )));
    }
    if !config.authorities.is_empty() && config.authorities != g.authorities {
        return Err(LedgerError::Config(
            "the genesis given differs from this log's genesis (the log's genesis is the source of truth)"
                .into(),
        ));
    }
    Ok(())
}

fn sign_checkpoint(shared: &Shared, size: u64, root: Hash) -> StoredCheckpoint {
    let body = Checkpoint {
        origin: shared.origin.clone(),
        size,
        root,
        extensions: Vec::new(),
    }
    .to_body();
    let sig = shared.signer.sign(body.as_bytes());
    let line = signature_line(
        &shared.origin,
        key_id(&shared.origin, &shared.signer.verifying_key()),
        &sig.to_bytes(),
    );
    StoredCheckpoint {
        size,
        root,
        note: note_text(&body, &[line]),
    }
}

/// Appends accepted entries and a new checkpoint in one storage
/// transaction; publishes their effects only if storage committed. Returns
/// each entry's index and bytes.
fn commit(shared: &Shared, accepted: Vec<Accepted>) -> Result<Vec<(u64, Vec<u8>)>, LedgerError> {
    let _writer = shared.writer.lock().map_err(|_| poisoned())?;
    // Stage the leaves: the write lock is held for hashing only.
    let (old, stored, cp) = {
        let mut st = shared.state.write().map_err(|_| poisoned())?;
        let old = st.tree.size();
        let stored: Vec<StoredEntry> = accepted
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let data = Entry::new(a.body.clone()).to_bytes();
                StoredEntry {
                    index: old + i as u64,
                    leaf_hash: leaf_hash(&data),
                    data,
                    nullifier: a.nullifier_key(),
                }
            })
            .collect();
        for e in &stored {
            st.tree.push(e.leaf_hash);
        }
        let (size, root) = (st.tree.size(), st.tree.root());
        (old, stored, sign_checkpoint(shared, size, root))
    };
    // The durable write, holding no lock that readers wait on.
    let result = shared
        .storage
        .lock()
        .map_err(|_| poisoned())
        .and_then(|mut s| s.append(&stored, &cp));
    let mut st = shared.state.write().map_err(|_| poisoned())?;
    if let Err(e) = result {
        st.tree.truncate(old);
        if let Some(c) = &shared.cluster {
            // Another node may have appended (a lost lease, a successor):
            // stop sequencing until caught up and holding the lease again.
            c.step_down();
        }
        return Err(e);
    }
    for (e, a) in stored.iter().zip(&accepted) {
        st.apply(e.index, a);
    }
    let (size, root) = (cp.size, cp.root);
    st.checkpoint = Some(cp);
    drop(st);
    if let Some(path) = &shared.state_file {
        if let Err(e) = write_signed_state(path, size, &root) {
            // The batch is durable and applied; only the rollback guard
            // lags. Stop signing until an operator reopens the ledger.
            if let Ok(mut h) = shared.halted.lock() {
                *h = Some(e.to_string());
            }
        }
    }
    Ok(stored.into_iter().map(|e| (e.index, e.data)).collect())
}

fn committer(shared: Arc<Shared>, rx: mpsc::Receiver<Msg>) {
    let mut stop = false;
    while !stop {
        let mut batch = match rx.recv() {
            Ok(Msg::Submit(sub, reply)) => vec![(sub, reply)],
            Ok(Msg::Shutdown) | Err(_) => break,
        };
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Msg::Submit(sub, reply)) => batch.push((sub, reply)),
                Ok(Msg::Shutdown) => {
                    stop = true;
                    break;
                }
                Err(_) => break,
            }
        }
        let halted = shared.halted.lock().ok().and_then(|h| h.clone());
        if let Some(why) = halted {
            for (_, reply) in batch {
                let _ = reply.send(Err(LedgerError::Halted(why.clone())));
            }
            continue;
        }
        if let Some(c) = &shared.cluster {
            if c.not_sequencing().is_some() {
                for (_, reply) in batch {
                    let e = c
                        .not_sequencing()
                        .unwrap_or(LedgerError::NotSequencer { sequencer: None });
                    let _ = reply.send(Err(e));
                }
                continue;
            }
        }
        let now = (shared.clock)();
        let mut accepted = Vec::new();
        let mut waiting = Vec::new();
        {
            let st = match shared.state.read() {
                Ok(s) => s,
                Err(_) => return,
            };
            let mut overlay = Overlay::new(&st);
            for (sub, reply) in batch {
                match overlay.validate(&shared.origin, *sub, now) {
                    Ok(a) => {
                        accepted.push(a);
                        waiting.push(reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e));
                    }
                }
            }
        }
        if accepted.is_empty() {
            continue;
        }
        match commit(&shared, accepted) {
            Ok(entries) => {
                let st = shared.state.read();
                for ((index, data), reply) in entries.into_iter().zip(waiting) {
                    let r = match &st {
                        Ok(st) => st.receipt(index, data),
                        Err(_) => Err(poisoned()),
                    };
                    let _ = reply.send(r);
                }
            }
            Err(LedgerError::LeaseLost { epoch }) => {
                for reply in waiting {
                    let _ = reply.send(Err(LedgerError::LeaseLost { epoch }));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for reply in waiting {
                    let _ = reply.send(Err(LedgerError::internal(format!(
                        "the batch was not written: {msg}"
                    ))));
                }
            }
        }
    }
}
