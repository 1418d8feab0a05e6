//! Several ledger nodes on one PostgreSQL database, one sequencing at a time.
//!
//! ```text
//!            submissions                    reads (entries, proofs, checkpoints)
//!   node A ──────────────┐            ┌───────────── node A, B, C
//!   node B ── forwards ──┤            │
//!   node C ── forwards ──┘            │
//!                        ▼            │
//!        the sequencer (holds the lease) ──append──▶ PostgreSQL ◀──follow── the others
//! ```
//!
//! * **The lease** ([`SequencerLease`], one row of the `sequencer` table):
//!   the node holding an unexpired lease sequences; it renews every third of
//!   [`ClusterConfig::lease_ttl`]. A node that sees no live holder takes the
//!   lease (its epoch grows by one), catches up with everything committed,
//!   and only then sequences. After a sequencer dies, another takes over
//!   within one lease time plus one poll.
//! * **Fencing**: every append checks, in its own transaction and under the
//!   entries lock, that its node and epoch still hold the lease, so a node
//!   that lost it (paused, partitioned) cannot append after its successor
//!   took over ([`LedgerError::LeaseLost`]). Safety does not rest on the
//!   lease: the entries lock and index check make interleaved or forked
//!   batches impossible, and the nullifiers' primary key is the final guard.
//! * **Followers** poll the latest checkpoint every [`ClusterConfig::poll`];
//!   when it grew they check its note against the log key, read the new
//!   entries, replay them (re-hashing each) and check the root before
//!   serving the new size. [`Ledger::submit`] on a follower answers
//!   [`LedgerError::NotSequencer`] naming the sequencer, and the HTTP API
//!   forwards the request there.
//!
//! A follower that finds the database behind what it has seen, or entries
//! that do not hash to the signed root, stops signing
//! ([`LedgerError::Halted`]).

use std::{
    sync::{
        atomic::{AtomicBool, AtomicI64, Ordering},
        Arc, Mutex, Weak,
    },
    thread,
    time::{Duration, Instant},
};

use zkgov_tlog::verify_checkpoint;

use super::{poisoned, valid_name, Ledger, LedgerConfig, Shared};
use crate::{
    store::{PostgresStorage, SequencerLease, Storage, StoredEntry},
    LedgerError,
};

/// Default lease time: a lost sequencer is replaced within about this.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(3);
/// Default interval at which followers read the latest checkpoint.
pub const DEFAULT_POLL: Duration = Duration::from_millis(100);
/// How long a node joining an empty database waits for another node's
/// genesis.
const JOIN_TIMEOUT: Duration = Duration::from_secs(30);

/// A node's place in a cluster.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// The node's name, unique in the cluster (letters, digits, `.`, `-`, `_`).
    pub node: String,
    /// Where this node takes submissions (`http://host:port`): followers
    /// forward appends there while it sequences.
    pub url: String,
    /// Lease time ([`DEFAULT_LEASE_TTL`]).
    pub lease_ttl: Duration,
    /// Follow interval ([`DEFAULT_POLL`]).
    pub poll: Duration,
}

impl ClusterConfig {
    /// A node named `node`, reachable at `url`, with the default times.
    pub fn new(node: &str, url: &str) -> Self {
        ClusterConfig {
            node: node.to_owned(),
            url: url.trim_end_matches('/').to_owned(),
            lease_ttl: DEFAULT_LEASE_TTL,
            poll: DEFAULT_POLL,
        }
    }
}

/// A node's cluster state, shared by the ledger and its lease thread.
pub(super) struct Cluster {
    config: ClusterConfig,
    lease: SequencerLease,
    sequencing: AtomicBool,
    epoch: AtomicI64,
    /// The sequencer's address, when another node holds a live lease.
    sequencer: Mutex<Option<String>>,
    stop: AtomicBool,
    thread: Mutex<Option<thread::JoinHandle<()>>>,
}

impl Cluster {
    /// Why this node cannot take a submission now, if it cannot.
    pub(super) fn not_sequencing(&self) -> Option<LedgerError> {
        if self.sequencing.load(Ordering::Acquire) {
            return None;
        }
        let sequencer = self.sequencer.lock().ok().and_then(|s| s.clone());
        Some(LedgerError::NotSequencer { sequencer })
    }

    /// Stops sequencing (an append failed: another node may have written).
    /// The fence stays, so nothing more is appended under the old epoch.
    pub(super) fn step_down(&self) {
        self.sequencing.store(false, Ordering::Release);
    }

    fn epoch(&self) -> i64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// One round of the lease thread.
    fn tick(&self, shared: &Shared, last_renew: &mut Instant) {
        let (node, ttl) = (&self.config.node, self.config.lease_ttl);
        if self.sequencing.load(Ordering::Acquire) {
            if last_renew.elapsed() >= ttl / 3 {
                match self.lease.renew(node, self.epoch(), ttl) {
                    Ok(true) => *last_renew = Instant::now(),
                    _ => self.step_down(),
                }
            }
            return;
        }
        if let Err(e) = follow(shared) {
            halt_if_corrupt(shared, &e);
            return;
        }
        let Ok(holder) = self.lease.holder() else {
            return;
        };
        let other = holder.filter(|h| h.live && &h.node != node).map(|h| h.url);
        let free = other.is_none();
        if let Ok(mut s) = self.sequencer.lock() {
            *s = other;
        }
        if !free || halted(shared) {
            return;
        }
        let taken = Instant::now();
        if let Ok(Some(epoch)) = self.lease.try_acquire(node, &self.config.url, ttl) {
            // Everything committed before the lease was taken, then sequence.
            match follow(shared) {
                Ok(_) => {
                    self.epoch.store(epoch, Ordering::Release);
                    self.sequencing.store(true, Ordering::Release);
                    *last_renew = taken;
                }
                Err(e) => {
                    halt_if_corrupt(shared, &e);
                    let _ = self.lease.release(node, epoch);
                }
            }
        }
    }
}

fn halted(shared: &Shared) -> bool {
    shared.halted.lock().map_or(true, |h| h.is_some())
}

fn halt_if_corrupt(shared: &Shared, e: &LedgerError) {
    if matches!(e, LedgerError::Corrupt(_)) {
        if let Ok(mut h) = shared.halted.lock() {
            h.get_or_insert_with(|| e.to_string());
        }
    }
}

/// Catches the node's state up with what others committed: the latest
/// checkpoint's note is checked against the log key, the entries since the
/// node's size are read and replayed, and the root must be the signed one.
/// Returns how many entries were added.
fn follow(shared: &Shared) -> Result<u64, LedgerError> {
    let _writer = shared.writer.lock().map_err(|_| poisoned())?;
    let store = shared
        .reader
        .as_ref()
        .unwrap_or(&shared.storage)
        .lock()
        .map_err(|_| poisoned())?;
    let Some(latest) = store.latest_checkpoint()? else {
        return Ok(0);
    };
    let (have, seen) = {
        let st = shared.state.read().map_err(|_| poisoned())?;
        (st.tree.size(), st.committed())
    };
    if latest.size < have {
        return Err(LedgerError::Corrupt(format!(
            "the database's log has {} entries but this node has seen {have}: it was rolled back",
            latest.size
        )));
    }
    if latest.size == have && seen == have {
        // The log did not grow; witnesses may have cosigned since.
        let cosigned =
            super::witnessing::load_cosigned(&**store)?.filter(|c| c.size <= latest.size);
        drop(store);
        shared.state.write().map_err(|_| poisoned())?.cosigned = cosigned;
        return Ok(0);
    }
    let signed = verify_checkpoint(
        latest.note.as_bytes(),
        std::slice::from_ref(&shared.verifier),
    )
    .and_then(|v| v.require_origin(&shared.origin))
    .map_err(|e| LedgerError::Corrupt(format!("the latest checkpoint: {e}")))?
    .checkpoint;
    if signed.size != latest.size || signed.root != latest.root {
        return Err(LedgerError::Corrupt(
            "the latest checkpoint's note does not match its row".into(),
        ));
    }
    let cosigned = super::witnessing::load_cosigned(&**store)?.filter(|c| c.size <= latest.size);
    let mut fresh = Vec::new();
    store.scan_range(have, latest.size, &mut |e: StoredEntry| {
        fresh.push(e);
        Ok(())
    })?;
    drop(store);
    let mut st = shared.state.write().map_err(|_| poisoned())?;
    for e in fresh {
        st.replay_entry(e)?;
    }
    if st.tree.size() != latest.size || st.tree.root() != latest.root {
        return Err(LedgerError::Corrupt(format!(
            "the entries up to {} do not hash to the signed root",
            latest.size
        )));
    }
    st.checkpoint = Some(latest);
    st.cosigned = cosigned;
    Ok(st.tree.size() - have)
}

/// The lease thread: renews while sequencing, follows and tries to take
/// over otherwise. It holds the ledger weakly and ends with it.
fn run(shared: Weak<Shared>, mut last_renew: Instant) {
    loop {
        let Some(sh) = shared.upgrade() else {
            return;
        };
        let Some(c) = &sh.cluster else {
            return;
        };
        if c.stop.load(Ordering::Acquire) {
            return;
        }
        c.tick(&sh, &mut last_renew);
        let poll = c.config.poll;
        drop(sh);
        thread::sleep(poll);
    }
}

impl Ledger {
    /// Opens a ledger as one node of a cluster on the PostgreSQL database
    /// behind `storage` (see the module docs of `ledger::cluster`): it
    /// sequences while it holds the lease, follows the database otherwise.
    /// On an empty database the node that takes the lease writes the
    /// genesis; the others wait for it (up to 30 s).
    pub fn open_cluster(
        storage: PostgresStorage,
        config: LedgerConfig,
        cluster: ClusterConfig,
    ) -> Result<Self, LedgerError> {
        if !valid_name(&cluster.node) {
            return Err(LedgerError::Config(format!(
                "node name {:?}: use letters, digits, '.', '-' and '_'",
                cluster.node
            )));
        }
        if !(cluster.url.starts_with("http://") || cluster.url.starts_with("https://")) {
            return Err(LedgerError::Config(format!(
                "the node's address {:?} must be an http:// or https:// URL",
                cluster.url
            )));
        }
        let lease = storage.lease();
        let mut epoch = None;
        let deadline = Instant::now() + JOIN_TIMEOUT;
        while storage.entry(0)?.is_none() {
            if let Some(e) = lease.try_acquire(&cluster.node, &cluster.url, cluster.lease_ttl)? {
                epoch = Some(e);
                break;
            }
            if Instant::now() > deadline {
                return Err(LedgerError::Config(
                    "the database holds no log yet and another node holds the lease: \
                     start the first node alone"
                        .into(),
                ));
            }
            thread::sleep(cluster.poll);
        }
        let taken = Instant::now();
        let node = Cluster {
            config: cluster,
            lease,
            sequencing: AtomicBool::new(epoch.is_some()),
            epoch: AtomicI64::new(epoch.unwrap_or(0)),
            sequencer: Mutex::new(None),
            stop: AtomicBool::new(false),
            thread: Mutex::new(None),
        };
        let ledger = Self::start(Box::new(storage), config, Some(node))?;
        let weak = Arc::downgrade(&ledger.shared);
        let handle = thread::Builder::new()
            .name("zkgov-ledger-lease".into())
            .spawn(move || run(weak, taken))
            .map_err(|e| LedgerError::Io {
                path: "<lease thread>".into(),
                source: e,
            })?;
        if let Some(c) = &ledger.shared.cluster {
            if let Ok(mut t) = c.thread.lock() {
                *t = Some(handle);
            }
        }
        Ok(ledger)
    }

    /// Whether this node sequences now (always, outside a cluster).
    pub fn is_sequencer(&self) -> bool {
        self.shared
            .cluster
            .as_ref()
            .is_none_or(|c| c.sequencing.load(Ordering::Acquire))
    }

    /// Stops the lease thread and gives the lease up if held, so another
    /// node takes over at once (part of [`Ledger::close`]).
    pub(super) fn leave_cluster(&self) {
        let Some(c) = &self.shared.cluster else {
            return;
        };
        c.stop.store(true, Ordering::Release);
        let handle = c.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
        if c.sequencing.swap(false, Ordering::AcqRel) {
            let _ = c.lease.release(&c.config.node, c.epoch());
        }
    }
}
