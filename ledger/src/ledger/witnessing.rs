//! The log's side of C2SP tlog-witness (<https://c2sp.org/tlog-witness>):
//! each new checkpoint goes to every configured witness with a consistency
//! proof from the last size that witness cosigned; the cosignatures that
//! come back are checked, stored beside the checkpoint, and served with it
//! (and in receipts).
//!
//! Per witness the pusher remembers the size it last cosigned. It starts
//! from 0: a witness that knows the log answers 409 with its size, and the
//! pusher retries once from there. A witness ahead of the log (409 with a
//! larger size), or one that answers 422, is the sign of a rollback or a
//! fork: the log gets no cosignature, and [`Ledger::witness_status`] says
//! why. In a cluster only the sequencer pushes.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, Weak,
    },
    thread,
    time::Duration,
};

use zkgov_tlog::{verify_cosignatures, witness::add_checkpoint_body, CosignatureVerifier};

use super::{poisoned, Ledger, Shared};
use crate::{
    store::{Storage, StoredCheckpoint},
    LedgerError,
};

/// A witness the ledger sends its checkpoints to.
#[derive(Clone, Debug)]
pub struct WitnessEndpoint {
    /// Its submission prefix (`http://host:port`): requests go to
    /// `<url>/add-checkpoint`.
    pub url: String,
    /// Its name and cosigning key.
    pub verifier: CosignatureVerifier,
}

impl WitnessEndpoint {
    /// Reads `URL,VKEY` (the witness's address and its cosignature
    /// verifier key, as `zkgov witness serve` prints it).
    pub fn parse(spec: &str) -> Result<Self, LedgerError> {
        let (url, vkey) = spec
            .split_once(',')
            .ok_or_else(|| LedgerError::Config(format!("witness {spec:?}: expected URL,VKEY")))?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(LedgerError::Config(format!(
                "witness address {url:?} must be an http:// or https:// URL"
            )));
        }
        let verifier = CosignatureVerifier::from_vkey(vkey)
            .map_err(|e| LedgerError::Config(format!("witness key {vkey:?}: {e}")))?;
        Ok(WitnessEndpoint {
            url: url.trim_end_matches('/').to_owned(),
            verifier,
        })
    }
}

/// Where a witness stands, as the pusher last saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessStatus {
    /// The witness's name.
    pub name: String,
    /// The largest size it cosigned for this ledger.
    pub cosigned: u64,
    /// Why its last request failed, if it did.
    pub error: Option<String>,
}

struct Peer {
    endpoint: WitnessEndpoint,
    /// The witness's latest size as far as the pusher knows.
    known: u64,
    status: WitnessStatus,
}

/// The largest cosigned checkpoint in `store`, its note with the lines.
pub(super) fn load_cosigned(store: &dyn Storage) -> Result<Option<StoredCheckpoint>, LedgerError> {
    let Some((size, lines)) = store.latest_cosigned()? else {
        return Ok(None);
    };
    let Some(mut cp) = store.checkpoint(size)? else {
        return Err(LedgerError::Corrupt(format!(
            "cosignatures for a checkpoint of size {size} that is not stored"
        )));
    };
    for l in lines {
        cp.note.push_str(&l);
    }
    Ok(Some(cp))
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .build()
}

/// Sends the latest checkpoint to `peer` (retrying once after a 409);
/// returns its cosignature line when it cosigned.
fn push(
    shared: &Shared,
    agent: &ureq::Agent,
    peer: &mut Peer,
) -> Result<Option<(u64, String)>, String> {
    let cp = {
        let st = shared.state.read().map_err(|_| "poisoned".to_owned())?;
        match &st.checkpoint {
            Some(c) if c.size > peer.status.cosigned => c.clone(),
            _ => return Ok(None),
        }
    };
    for _ in 0..2 {
        if peer.known > cp.size {
            return Err(format!(
                "the witness has cosigned size {} but the log is at {}: it was rolled back or forked",
                peer.known, cp.size
            ));
        }
        let proof = {
            let st = shared.state.read().map_err(|_| "poisoned".to_owned())?;
            match peer.known {
                0 => Vec::new(),
                old => st
                    .tree
                    .consistency_proof(old, cp.size)
                    .ok_or_else(|| format!("no consistency proof from {old} to {}", cp.size))?,
            }
        };
        let body = add_checkpoint_body(peer.known, &proof, cp.note.as_bytes());
        let answer = agent
            .post(&format!("{}/add-checkpoint", peer.endpoint.url))
            .send_bytes(&body);
        match answer {
            Ok(r) => {
                let lines = r.into_string().map_err(|e| e.to_string())?;
                let mut cosigned = cp.note.clone();
                cosigned.push_str(&lines);
                verify_cosignatures(
                    cosigned.as_bytes(),
                    &shared.verifier,
                    std::slice::from_ref(&peer.endpoint.verifier),
                )
                .and_then(|v| v.require_cosigners(1))
                .map_err(|e| format!("its cosignature does not verify: {e}"))?;
                let prefix = format!("\u{2014} {} ", peer.endpoint.verifier.name());
                let mine: String = lines
                    .split_inclusive('\n')
                    .filter(|l| l.starts_with(&prefix))
                    .collect();
                peer.known = cp.size;
                return Ok(Some((cp.size, mine)));
            }
            Err(ureq::Error::Status(409, r)) => {
                let text = r.into_string().unwrap_or_default();
                peer.known = text
                    .trim_end_matches('\n')
                    .parse()
                    .map_err(|_| format!("409 with an unreadable size {text:?}"))?;
            }
            Err(ureq::Error::Status(status, r)) => {
                let text = r.into_string().unwrap_or_default();
                return Err(format!("refused ({status}): {}", text.trim_end()));
            }
            Err(e) => return Err(format!("unreachable: {e}")),
        }
    }
    Err("the witness's size kept changing".into())
}

fn round(shared: &Shared, agent: &ureq::Agent, peers: &mut [Peer]) -> Result<(), LedgerError> {
    let mut gathered = false;
    for peer in peers.iter_mut() {
        match push(shared, agent, peer) {
            Ok(None) => {}
            Ok(Some((size, line))) => {
                shared
                    .storage
                    .lock()
                    .map_err(|_| poisoned())?
                    .add_cosignature(size, peer.endpoint.verifier.name(), &line)?;
                peer.status.cosigned = size;
                peer.status.error = None;
                gathered = true;
            }
            Err(e) => peer.status.error = Some(e),
        }
    }
    if gathered {
        let cosigned = load_cosigned(&**shared.storage.lock().map_err(|_| poisoned())?)?;
        shared.state.write().map_err(|_| poisoned())?.cosigned = cosigned;
    }
    Ok(())
}

/// The running pusher: its peers, and how to stop it.
pub(super) struct Witnessing {
    peers: Arc<Mutex<Vec<Peer>>>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

fn run(
    shared: Weak<Shared>,
    peers: Arc<Mutex<Vec<Peer>>>,
    stop: Arc<AtomicBool>,
    interval: Duration,
) {
    let agent = agent();
    loop {
        if stop.load(Ordering::Acquire) {
            return;
        }
        let Some(sh) = shared.upgrade() else {
            return;
        };
        let sequencing = sh
            .cluster
            .as_ref()
            .is_none_or(|c| c.not_sequencing().is_none());
        if sequencing {
            if let Ok(mut p) = peers.lock() {
                let _ = round(&sh, &agent, &mut p);
            }
        }
        drop(sh);
        thread::sleep(interval);
    }
}

impl Ledger {
    /// Starts sending each new checkpoint to `witnesses` (checking every
    /// `interval`), gathering their cosignatures (see the module docs of
    /// `ledger::witnessing`). The thread ends with the ledger.
    pub fn start_witnessing(
        &self,
        witnesses: Vec<WitnessEndpoint>,
        interval: Duration,
    ) -> Result<(), LedgerError> {
        let peers: Vec<Peer> = witnesses
            .into_iter()
            .map(|endpoint| Peer {
                status: WitnessStatus {
                    name: endpoint.verifier.name().to_owned(),
                    cosigned: 0,
                    error: None,
                },
                known: 0,
                endpoint,
            })
            .collect();
        let peers = Arc::new(Mutex::new(peers));
        let stop = Arc::new(AtomicBool::new(false));
        let weak = Arc::downgrade(&self.shared);
        let (p, s) = (peers.clone(), stop.clone());
        let thread = thread::Builder::new()
            .name("zkgov-ledger-witnessing".into())
            .spawn(move || run(weak, p, s, interval))
            .map_err(|e| LedgerError::Io {
                path: "<witnessing thread>".into(),
                source: e,
            })?;
        let mut slot = self.shared.witnesses.lock().map_err(|_| poisoned())?;
        if let Some(old) = slot.replace(Witnessing {
            peers,
            stop,
            thread: Some(thread),
        }) {
            old.stop.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// Stops the pusher and waits for it (part of [`Ledger::close`]).
    pub(super) fn stop_witnessing(&self) {
        let w = self.shared.witnesses.lock().ok().and_then(|mut w| w.take());
        if let Some(mut w) = w {
            w.stop.store(true, Ordering::Release);
            if let Some(t) = w.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// Where each configured witness stands.
    pub fn witness_status(&self) -> Vec<WitnessStatus> {
        let peers = self
            .shared
            .witnesses
            .lock()
            .ok()
            .and_then(|w| w.as_ref().map(|w| w.peers.clone()));
        peers
            .and_then(|p| {
                p.lock()
                    .ok()
                    .map(|p| p.iter().map(|p| p.status.clone()).collect())
            })
            .unwrap_or_default()
    }
}
