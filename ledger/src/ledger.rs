//! The ledger: validation, group commit, checkpoints, receipts.
//!
//! Submissions go through one channel to a committer thread. It takes every
//! submission waiting (up to [`MAX_BATCH`]), validates each against the
//! state plus the batch so far (so two uses of one nullifier in a batch are
//! caught), appends the accepted entries and the checkpoint of the new size
//! to storage in one transaction (one fsync for the batch), and only then
//! answers each submitter: an acknowledged entry is durable. If storage
//! refuses the batch, nothing of it is applied and every submitter in it is
//! told so.
//!
//! The log never shrinks, never signs two checkpoints of one size with
//! different roots (storage refuses it), and remembers the last size it
//! signed in a small state file written after each commit: if storage is
//! found holding less than that on open, it was rolled back and the ledger
//! refuses to open for signing.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{mpsc, Arc, Mutex, RwLock},
    thread,
};

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use zkgov_verifier::{
    bundle::{Bundle, PublicInputs},
    entry::{
        decode_public_key, verify_signature, Authority, Entry, EntryBody, Genesis, KeyRegistration,
        ProofAnchor, RegistryRoot, Role, VkRegistration,
    },
    field::{parse_decimal, to_decimal},
    groth16::ValidatedVerifyingKey,
    log::{key_id, leaf_hash, note_text, signature_line, Checkpoint, Hash, NoteVerifier},
    receipt::Receipt,
    statement::StatementId,
    Fr,
};

use crate::{
    store::{Storage, StoredCheckpoint, StoredEntry},
    tree::LogTree,
    LedgerError,
};

/// Largest number of submissions committed together.
pub const MAX_BATCH: usize = 512;
/// How far in the future a claimed publication time may be (seconds).
pub const MAX_CLOCK_SKEW: u64 = 300;

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
    /// Anchor a proof: the ledger verifies it and records its nullifier.
    Proof {
        /// The bundle JSON.
        bundle: String,
    },
}

/// Registry root known to the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootInfo {
    /// The publication entry.
    pub entry: RegistryRoot,
    /// Its index.
    pub index: u64,
}

/// Configuration of a ledger.
pub struct LedgerConfig {
    /// Checkpoint origin line, e.g. `zkgov.example/ledger`.
    pub origin: String,
    /// The log's signing key.
    pub signer: SigningKey,
    /// Authorities in the genesis entry (used when the log is empty).
    pub authorities: Vec<Authority>,
    /// Where the last signed size is remembered (rollback detection);
    /// `None` for in-memory tests.
    pub state_file: Option<PathBuf>,
    /// The clock (Unix seconds).
    pub clock: Arc<dyn Fn() -> u64 + Send + Sync>,
}

#[derive(Default)]
struct State {
    tree: LogTree,
    authorities: HashMap<String, (Authority, ed25519_dalek::VerifyingKey)>,
    vks: HashMap<String, (StatementId, ValidatedVerifyingKey)>,
    /// Published roots by `(registry_id, root)`.
    roots: HashMap<(String, String), RootInfo>,
    /// Roots proofs may be anchored against, by publisher role: registry
    /// authorities' roots for record proofs, accreditation authorities' for
    /// identity proofs (never an issuer's revocation roots).
    root_roles: HashMap<(Role, String), u64>,
    epochs: HashMap<String, u64>,
    nullifiers: HashMap<(String, String), u64>,
    checkpoint: Option<StoredCheckpoint>,
    genesis: Option<Genesis>,
}

/// Effects of one accepted entry on the state.
struct Accepted {
    body: EntryBody,
    nullifier: Option<(String, String)>,
}

impl State {
    fn apply(&mut self, index: u64, body: &EntryBody) -> Result<(), LedgerError> {
        match body {
            EntryBody::Genesis(g) => {
                for a in &g.authorities {
                    self.authorities.insert(
                        a.name.clone(),
                        (a.clone(), decode_public_key(&a.public_key)?),
                    );
                }
                self.genesis = Some(g.clone());
            }
            EntryBody::KeyRegistration(k) => {
                let key = decode_public_key(&k.authority.public_key)?;
                self.authorities
                    .insert(k.authority.name.clone(), (k.authority.clone(), key));
            }
            EntryBody::VkRegistration(v) => {
                let st = StatementId::parse(&v.statement)?;
                let bytes = b64(&v.vk)?;
                let vk = ValidatedVerifyingKey::from_bytes(&bytes, st.num_public_inputs())?;
                self.vks.insert(v.vk_digest.clone(), (st, vk));
            }
            EntryBody::RegistryRoot(r) => {
                self.epochs.insert(r.registry_id.clone(), r.epoch);
                if let Some((a, _)) = self.authorities.get(&r.authority) {
                    self.root_roles.insert((a.role, r.root.clone()), index);
                }
                self.roots.insert(
                    (r.registry_id.clone(), r.root.clone()),
                    RootInfo {
                        entry: r.clone(),
                        index,
                    },
                );
            }
            EntryBody::ProofAnchor(p) => {
                self.nullifiers
                    .insert((p.scope.clone(), p.nullifier.clone()), index);
            }
            EntryBody::ElectionEvent(_) => {}
        }
        Ok(())
    }
}

fn b64(s: &str) -> Result<Vec<u8>, LedgerError> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| LedgerError::Rejected(format!("base64: {e}")))
}

fn enc(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Batch-local view: the state plus what this batch accepted so far.
struct Overlay<'a> {
    state: &'a State,
    authorities: HashMap<String, (Authority, ed25519_dalek::VerifyingKey)>,
    vks: HashMap<String, (StatementId, ValidatedVerifyingKey)>,
    roots: HashMap<(String, String), RegistryRoot>,
    root_roles: HashMap<(Role, String), u64>,
    epochs: HashMap<String, u64>,
    nullifiers: HashMap<(String, String), u64>,
    next_index: u64,
}

impl<'a> Overlay<'a> {
    fn new(state: &'a State) -> Self {
        Overlay {
            state,
            authorities: HashMap::new(),
            vks: HashMap::new(),
            roots: HashMap::new(),
            root_roles: HashMap::new(),
            epochs: HashMap::new(),
            nullifiers: HashMap::new(),
            next_index: state.tree.size(),
        }
    }

    fn authority(&self, name: &str) -> Option<&(Authority, ed25519_dalek::VerifyingKey)> {
        self.authorities
            .get(name)
            .or_else(|| self.state.authorities.get(name))
    }

    fn signed_by(&self, name: &str, role: Role, body: &EntryBody) -> Result<(), LedgerError> {
        let (a, key) = self
            .authority(name)
            .ok_or_else(|| LedgerError::Unauthorised(format!("unknown authority {name:?}")))?;
        if a.role != role {
            return Err(LedgerError::Unauthorised(format!(
                "{name:?} is not a {role:?}"
            )));
        }
        verify_signature(body, key)?;
        Ok(())
    }

    fn validate(&mut self, sub: Submission, now: u64) -> Result<Accepted, LedgerError> {
        match sub {
            Submission::KeyRegistration(k) => {
                let body = EntryBody::KeyRegistration(k.clone());
                self.signed_by(&k.registered_by, Role::Admin, &body)?;
                let name = &k.authority.name;
                if name.is_empty() || name.len() > 64 || self.authority(name).is_some() {
                    return Err(LedgerError::Rejected(format!(
                        "authority name {name:?} is empty, too long or taken"
                    )));
                }
                let key = decode_public_key(&k.authority.public_key)?;
                self.authorities
                    .insert(name.clone(), (k.authority.clone(), key));
                Ok(Accepted {
                    body,
                    nullifier: None,
                })
            }
            Submission::VkRegistration(v) => {
                let body = EntryBody::VkRegistration(v.clone());
                self.signed_by(&v.registered_by, Role::Admin, &body)?;
                let st = StatementId::parse(&v.statement)?;
                let vk = ValidatedVerifyingKey::from_bytes(&b64(&v.vk)?, st.num_public_inputs())?;
                if vk.digest().to_hex() != v.vk_digest {
                    return Err(LedgerError::Rejected(
                        "vk_digest does not match the key bytes".into(),
                    ));
                }
                if self.vks.contains_key(&v.vk_digest) || self.state.vks.contains_key(&v.vk_digest)
                {
                    return Err(LedgerError::Rejected(
                        "this verifying key is already registered".into(),
                    ));
                }
                self.vks.insert(v.vk_digest.clone(), (st, vk));
                Ok(Accepted {
                    body,
                    nullifier: None,
                })
            }
            Submission::RegistryRoot(r) => {
                let body = EntryBody::RegistryRoot(r.clone());
                // Registry authorities publish registry roots, issuers their
                // revocation roots, accreditation authorities the
                // accredited-issuer tree: each only for registries it is
                // listed for.
                let role = self
                    .authority(&r.authority)
                    .map(|(a, _)| a.role)
                    .ok_or_else(|| {
                        LedgerError::Unauthorised(format!("unknown authority {:?}", r.authority))
                    })?;
                if !matches!(
                    role,
                    Role::RegistryAuthority | Role::Issuer | Role::AccreditationAuthority
                ) {
                    return Err(LedgerError::Unauthorised(format!(
                        "{:?} is a {role:?}, which publishes no roots",
                        r.authority
                    )));
                }
                self.signed_by(&r.authority, role, &body)?;
                let (a, _) = self
                    .authority(&r.authority)
                    .ok_or_else(|| LedgerError::Unauthorised("unknown".into()))?;
                if !a.registries.contains(&r.registry_id) {
                    return Err(LedgerError::Unauthorised(format!(
                        "{:?} may not publish roots of {:?}",
                        r.authority, r.registry_id
                    )));
                }
                let root: Fr = parse_decimal(&r.root, "root")?;
                let key = (r.registry_id.clone(), r.root.clone());
                if to_decimal(&root) != r.root
                    || self.roots.contains_key(&key)
                    || self.state.roots.contains_key(&key)
                {
                    return Err(LedgerError::Rejected(
                        "this root is already published".into(),
                    ));
                }
                let last = self
                    .epochs
                    .get(&r.registry_id)
                    .or_else(|| self.state.epochs.get(&r.registry_id));
                if last.is_some_and(|e| r.epoch <= *e) {
                    return Err(LedgerError::Rejected(format!(
                        "epoch {} is not after the registry's last epoch {}",
                        r.epoch,
                        last.copied().unwrap_or(0)
                    )));
                }
                // An empty revocation tree is a real state; an empty registry
                // or issuer list proves nothing.
                if r.leaf_count == 0 && role != Role::Issuer {
                    return Err(LedgerError::Rejected(
                        "a registry root must cover at least one record".into(),
                    ));
                }
                if r.published_at > now + MAX_CLOCK_SKEW {
                    return Err(LedgerError::Rejected(
                        "publication time is in the future".into(),
                    ));
                }
                self.epochs.insert(r.registry_id.clone(), r.epoch);
                self.root_roles
                    .insert((role, r.root.clone()), self.next_index);
                self.roots.insert(key, r.clone());
                Ok(Accepted {
                    body,
                    nullifier: None,
                })
            }
            Submission::Proof { bundle } => {
                let b = Bundle::from_json(&bundle)?;
                let digest = b.vk_digest.to_hex();
                let (st, vk) = self
                    .vks
                    .get(&digest)
                    .or_else(|| self.state.vks.get(&digest))
                    .ok_or_else(|| {
                        LedgerError::Rejected(format!("no registered verifying key {digest}"))
                    })?;
                if *st != b.statement {
                    return Err(LedgerError::Rejected(
                        "the key with this digest is for another statement".into(),
                    ));
                }
                let verified = b.verify(*st, vk)?;
                // Each statement's root must have been published by the role
                // that vouches for it.
                let (root, publisher, scope, nullifier) = match verified.public {
                    PublicInputs::Record(p) => {
                        (p.root, Role::RegistryAuthority, p.scope, p.nullifier)
                    }
                    PublicInputs::Identity(p) => (
                        p.issuers_root,
                        Role::AccreditationAuthority,
                        p.scope,
                        p.nullifier,
                    ),
                    _ => return Err(LedgerError::Rejected("statement not anchorable".into())),
                };
                let root = root.to_string();
                let role_key = (publisher, root.clone());
                if !self.root_roles.contains_key(&role_key)
                    && !self.state.root_roles.contains_key(&role_key)
                {
                    return Err(LedgerError::Rejected(format!(
                        "root {root} is not a root published by a {publisher:?}"
                    )));
                }
                let key = (scope.to_string(), nullifier.to_string());
                if let Some(index) = self
                    .nullifiers
                    .get(&key)
                    .or_else(|| self.state.nullifiers.get(&key))
                {
                    return Err(LedgerError::NullifierUsed { index: *index });
                }
                self.nullifiers.insert(key.clone(), self.next_index);
                let body = EntryBody::ProofAnchor(ProofAnchor {
                    statement: b.statement.as_str().into(),
                    vk_digest: digest,
                    public_inputs: b.public_inputs.iter().map(to_decimal).collect(),
                    proof_digest: hex::encode(b.proof.digest()),
                    root,
                    scope: key.0.clone(),
                    nullifier: key.1.clone(),
                    anchored_at: now,
                });
                Ok(Accepted {
                    body,
                    nullifier: Some(key),
                })
            }
        }
    }
}

type Reply = mpsc::Sender<Result<Receipt, LedgerError>>;

enum Msg {
    Submit(Submission, Reply),
    Shutdown,
}

struct Shared {
    state: RwLock<State>,
    storage: Mutex<Box<dyn Storage>>,
    origin: String,
    signer: SigningKey,
    state_file: Option<PathBuf>,
    clock: Arc<dyn Fn() -> u64 + Send + Sync>,
    verifier: NoteVerifier,
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

fn read_signed_state(path: &PathBuf) -> Result<Option<SignedState>, LedgerError> {
    match std::fs::read_to_string(path) {
        Ok(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| LedgerError::Corrupt(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LedgerError::Io {
            path: path.clone(),
            source,
        }),
    }
}

fn write_signed_state(path: &PathBuf, size: u64, root: &Hash) -> Result<(), LedgerError> {
    use std::io::Write;
    let io = |source| LedgerError::Io {
        path: path.clone(),
        source,
    };
    let tmp = path.with_extension("tmp");
    let text = serde_json::to_string(&SignedState {
        size,
        root: enc(root),
    })
    .unwrap_or_default();
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

impl Ledger {
    /// Opens a ledger on `storage`: checks storage integrity, replays every
    /// entry (re-hashing each), checks the latest checkpoint and the
    /// remembered signed size, appends the genesis entry to an empty log,
    /// and starts the committer thread.
    pub fn open(storage: Box<dyn Storage>, config: LedgerConfig) -> Result<Self, LedgerError> {
        storage.integrity_check()?;
        let mut state = State::default();
        storage.scan(&mut |e: StoredEntry| {
            if e.index != state.tree.size() {
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
            state.apply(e.index, &entry.body)?;
            state.tree.push(e.leaf_hash);
            Ok(())
        })?;
        let latest = storage.latest_checkpoint()?;
        if let Some(c) = &latest {
            if state.tree.root_at(c.size) != Some(c.root) {
                return Err(LedgerError::Corrupt(format!(
                    "stored entries do not match the checkpoint of size {}",
                    c.size
                )));
            }
        }
        if let Some(path) = &config.state_file {
            if let Some(signed) = read_signed_state(path)? {
                let stored = latest.as_ref().map_or(0, |c| c.size);
                if signed.size > stored || signed.size > state.tree.size() {
                    return Err(LedgerError::RolledBack {
                        signed: signed.size,
                        stored,
                    });
                }
                if state.tree.root_at(signed.size).map(|r| enc(&r)) != Some(signed.root) {
                    return Err(LedgerError::Corrupt(format!(
                        "the root at size {} differs from the one the log signed",
                        signed.size
                    )));
                }
            }
        }
        state.checkpoint = latest;
        let verifier = NoteVerifier::new(&config.origin, config.signer.verifying_key())?;
        let (tx, rx) = mpsc::sync_channel::<Msg>(4 * MAX_BATCH);
        let shared = Arc::new(Shared {
            state: RwLock::new(state),
            storage: Mutex::new(storage),
            origin: config.origin.clone(),
            signer: config.signer,
            state_file: config.state_file,
            clock: config.clock,
            verifier,
        });
        let ledger = Ledger {
            shared: shared.clone(),
            tx,
            committer: Arc::new(Mutex::new(None)),
        };
        if ledger.size() == 0 {
            let genesis = Genesis {
                origin: config.origin,
                log_key: ledger.note_verifier().to_vkey(),
                authorities: config.authorities,
            };
            for a in &genesis.authorities {
                decode_public_key(&a.public_key)?;
            }
            ledger.commit(vec![Accepted {
                body: EntryBody::Genesis(genesis),
                nullifier: None,
            }])?;
        }
        let handle = thread::Builder::new()
            .name("zkgov-ledger-committer".into())
            .spawn(move || committer(shared, rx))
            .map_err(|e| LedgerError::Storage(format!("cannot start the committer: {e}")))?;
        if let Ok(mut slot) = ledger.committer.lock() {
            *slot = Some(handle);
        }
        Ok(ledger)
    }

    /// The log's note verifier (its public key).
    pub fn note_verifier(&self) -> NoteVerifier {
        self.shared.verifier.clone()
    }

    /// Number of entries.
    pub fn size(&self) -> u64 {
        self.shared.state.read().map_or(0, |s| s.tree.size())
    }

    /// Submits and waits until the entry is durable (or refused).
    pub fn submit(&self, sub: Submission) -> Result<Receipt, LedgerError> {
        let (reply, wait) = mpsc::channel();
        self.tx
            .send(Msg::Submit(sub, reply))
            .map_err(|_| LedgerError::Closed)?;
        wait.recv().map_err(|_| LedgerError::Closed)?
    }

    /// Stops the committer after the submissions already queued; storage is
    /// closed when the last handle is dropped.
    pub fn close(self) {
        let _ = self.tx.send(Msg::Shutdown);
        let handle = self.committer.lock().ok().and_then(|mut h| h.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
    }

    /// Appends accepted entries and a new checkpoint in one storage
    /// transaction; updates the state only if storage committed.
    fn commit(&self, accepted: Vec<Accepted>) -> Result<Vec<u64>, LedgerError> {
        commit(&self.shared, accepted)
    }

    /// The latest signed checkpoint note.
    pub fn checkpoint(&self) -> Result<StoredCheckpoint, LedgerError> {
        self.read_state()?
            .checkpoint
            .clone()
            .ok_or(LedgerError::Storage("no checkpoint yet".into()))
    }

    fn read_state(&self) -> Result<std::sync::RwLockReadGuard<'_, State>, LedgerError> {
        self.shared
            .state
            .read()
            .map_err(|_| LedgerError::Storage("state lock poisoned".into()))
    }

    /// The entry bytes at `index`.
    pub fn entry(&self, index: u64) -> Result<Option<Vec<u8>>, LedgerError> {
        let st = self
            .shared
            .storage
            .lock()
            .map_err(|_| LedgerError::Storage("storage lock poisoned".into()))?;
        Ok(st.entry(index)?.map(|e| e.data))
    }

    /// A receipt for `index` under the latest checkpoint.
    pub fn receipt(&self, index: u64) -> Result<Receipt, LedgerError> {
        let data = self
            .entry(index)?
            .ok_or_else(|| LedgerError::Rejected(format!("no entry {index}")))?;
        let st = self.read_state()?;
        let cp = st
            .checkpoint
            .clone()
            .ok_or(LedgerError::Storage("no checkpoint yet".into()))?;
        let proof = st.tree.inclusion_proof(index, cp.size).ok_or_else(|| {
            LedgerError::Rejected(format!("entry {index} is not under the latest checkpoint"))
        })?;
        Ok(Receipt {
            entry: enc(&data),
            index,
            inclusion_proof: proof.iter().map(|h| enc(h)).collect(),
            checkpoint: cp.note,
        })
    }

    /// Inclusion proof of `index` in the tree of `size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
        self.read_state()?
            .tree
            .inclusion_proof(index, size)
            .ok_or_else(|| {
                LedgerError::Rejected(format!(
                    "no inclusion proof for {index} in a tree of {size}"
                ))
            })
    }

    /// Consistency proof from `old` to `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LedgerError> {
        self.read_state()?
            .tree
            .consistency_proof(old, new)
            .ok_or_else(|| {
                LedgerError::Rejected(format!("no consistency proof from {old} to {new}"))
            })
    }

    /// Index of the entry that used `(scope, nullifier)` (decimal strings).
    pub fn nullifier(&self, scope: &str, nullifier: &str) -> Result<Option<u64>, LedgerError> {
        let st = self
            .shared
            .storage
            .lock()
            .map_err(|_| LedgerError::Storage("storage lock poisoned".into()))?;
        st.nullifier(scope, nullifier)
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

fn commit(shared: &Shared, accepted: Vec<Accepted>) -> Result<Vec<u64>, LedgerError> {
    let mut st = shared
        .state
        .write()
        .map_err(|_| LedgerError::Storage("state lock poisoned".into()))?;
    let old = st.tree.size();
    let mut stored = Vec::with_capacity(accepted.len());
    for (i, a) in accepted.iter().enumerate() {
        let data = Entry::new(a.body.clone()).to_bytes();
        let h = leaf_hash(&data);
        stored.push(StoredEntry {
            index: old + i as u64,
            data,
            leaf_hash: h,
            nullifier: a.nullifier.clone(),
        });
    }
    for e in &stored {
        st.tree.push(e.leaf_hash);
    }
    let size = st.tree.size();
    let root = st.tree.root();
    let cp = sign_checkpoint(shared, size, root);
    let result = shared
        .storage
        .lock()
        .map_err(|_| LedgerError::Storage("storage lock poisoned".into()))
        .and_then(|mut s| s.append(&stored, &cp));
    if let Err(e) = result {
        st.tree.truncate(old);
        return Err(e);
    }
    if let Some(path) = &shared.state_file {
        write_signed_state(path, size, &root)?;
    }
    for e in &stored {
        let entry = Entry::from_bytes(&e.data)?;
        st.apply(e.index, &entry.body)?;
    }
    st.checkpoint = Some(cp);
    Ok(stored.iter().map(|e| e.index).collect())
}

fn committer(shared: Arc<Shared>, rx: mpsc::Receiver<Msg>) {
    let ledger_receipt = |index: u64, shared: &Shared| -> Result<Receipt, LedgerError> {
        let data = shared
            .storage
            .lock()
            .map_err(|_| LedgerError::Storage("storage lock poisoned".into()))?
            .entry(index)?
            .ok_or_else(|| LedgerError::Storage("entry vanished".into()))?
            .data;
        let st = shared
            .state
            .read()
            .map_err(|_| LedgerError::Storage("state lock poisoned".into()))?;
        let cp = st
            .checkpoint
            .clone()
            .ok_or(LedgerError::Storage("no checkpoint".into()))?;
        let proof = st
            .tree
            .inclusion_proof(index, cp.size)
            .ok_or(LedgerError::Storage("no proof".into()))?;
        Ok(Receipt {
            entry: enc(&data),
            index,
            inclusion_proof: proof.iter().map(|h| enc(h)).collect(),
            checkpoint: cp.note,
        })
    };
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
                match overlay.validate(sub, now) {
                    Ok(a) => {
                        overlay.next_index += 1;
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
            Ok(indices) => {
                for (index, reply) in indices.into_iter().zip(waiting) {
                    let _ = reply.send(ledger_receipt(index, &shared));
                }
            }
            Err(e) => {
                for reply in waiting {
                    let _ = reply.send(Err(LedgerError::Storage(format!(
                        "the batch was not written: {e}"
                    ))));
                }
            }
        }
    }
}
