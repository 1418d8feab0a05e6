//! The auditor: replays a ledger from its entries alone and re-checks
//! everything the ledger claims to have checked, naming every entry that
//! fails.
//!
//! For the log as a whole: the latest checkpoint is signed by the log key
//! the genesis names, for the genesis's origin, and the Merkle root of all
//! entries (RFC 9162 leaf hashes) is the checkpoint's root. For each entry:
//!
//! - it decodes as a canonical entry of this version; the genesis is entry
//!   0 and only there;
//! - a signed entry (key, verifying-key and agency registrations, roots)
//!   is signed for this log's origin by an authority of the right role, as
//!   known at that point of the log; a root's registry is listed for its
//!   authority and its epoch increases;
//! - a proof anchor names a verifying key registered for its statement
//!   before it; its root was published before it by the role that vouches
//!   for the statement, and was current, or superseded at most the
//!   genesis's grace window before the anchor's time; an identity proof's
//!   date is within one day of the anchor's time; its root, scope and
//!   nullifier are its public inputs'; the nullifier was not anchored
//!   before in the scope; and **the proof verifies** against the registered
//!   key and the anchored public inputs.
//!
//! - election entries are collected per election, with what their
//!   definition rests on at its place in the log (its signer, its
//!   eligibility key, its roll as then current), and each election is
//!   then audited in five steps ([`crate::election::audit`]).
//!
//! The replay holds no secret and needs none: an anchor carries the
//! disclosure commitment, never the disclosed values; a ballot only
//! ciphertexts and proofs.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::election::audit::{check_election, ElectionEntries, ElectionReport};

use zkgov_verifier::{
    election::ElectionDefinition, log::leaf_hash, log::verify_checkpoint, log::Hash, Authority,
    Entry, EntryBody, Genesis, MerkleRoot, Nullifier, ProofAnchor, Role, Scope, StatementId,
    ValidatedVerifyingKey, VerifyingKeyDigest,
};

/// What the replay found.
#[derive(Clone, Debug, Default)]
pub struct AuditReport {
    /// Entries replayed.
    pub entries: u64,
    /// Proof anchors whose proof was re-verified.
    pub proofs_verified: u64,
    /// Every failure: the entry's index (`None` for the log as a whole)
    /// and what is wrong; the log's own first, then each election's.
    pub failures: Vec<(Option<u64>, String)>,
    /// Each election's audit (its failures are also in `failures`).
    pub elections: Vec<ElectionReport>,
}

impl AuditReport {
    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Default)]
struct Replay {
    genesis: Option<Genesis>,
    authorities: HashMap<String, Authority>,
    vks: HashMap<VerifyingKeyDigest, (StatementId, ValidatedVerifyingKey)>,
    /// `(role, root)` → when superseded.
    roots: HashMap<(Role, MerkleRoot), Option<u64>>,
    /// registry → (role, current root, its publication time).
    current: HashMap<String, (Role, MerkleRoot, u64)>,
    epochs: HashMap<String, u64>,
    agencies: HashSet<String>,
    nullifiers: HashSet<(Scope, Nullifier)>,
    proofs: u64,
    /// `(registry, root)` → its epoch and leaf count.
    leaf_counts: HashMap<(String, MerkleRoot), (u64, u64)>,
    /// Each election's entries, checked after the replay.
    elections: BTreeMap<String, ElectionEntries>,
}

impl Replay {
    fn origin(&self) -> &str {
        self.genesis.as_ref().map_or("", |g| g.origin.as_str())
    }

    fn signer(&self, name: &str, allowed: impl Fn(Role) -> bool) -> Result<&Authority, String> {
        let a = self
            .authorities
            .get(name)
            .ok_or_else(|| format!("signed by {name:?}, not an authority at this point"))?;
        if !allowed(a.role) {
            return Err(format!("signed by {name:?}, a {}", a.role));
        }
        Ok(a)
    }

    fn check_signed(
        &self,
        name: &str,
        allowed: impl Fn(Role) -> bool,
        body: &EntryBody,
    ) -> Result<Role, String> {
        let a = self.signer(name, allowed)?;
        a.public_key
            .verify(self.origin(), body)
            .map_err(|e| e.to_string())?;
        Ok(a.role)
    }

    fn apply(&mut self, index: u64, entry: Entry) -> Result<(), String> {
        if (index == 0) != matches!(entry.body, EntryBody::Genesis(_)) {
            return Err("the genesis must be entry 0 and only there".into());
        }
        let admin = |r: Role| r == Role::Admin;
        match &entry.body {
            EntryBody::Genesis(g) => {
                for a in &g.authorities {
                    self.authorities.insert(a.name.clone(), a.clone());
                }
                self.genesis = Some(g.clone());
            }
            EntryBody::KeyRegistration(k) => {
                self.check_signed(&k.registered_by, admin, &entry.body)?;
                if self.authorities.contains_key(&k.authority.name) {
                    return Err(format!("authority {:?} registered twice", k.authority.name));
                }
                self.authorities
                    .insert(k.authority.name.clone(), k.authority.clone());
            }
            EntryBody::VkRegistration(v) => {
                self.check_signed(&v.registered_by, admin, &entry.body)?;
                let vk = ValidatedVerifyingKey::from_bytes(&v.vk, v.statement.num_public_inputs())
                    .map_err(|e| e.to_string())?;
                if vk.digest() != v.vk_digest {
                    return Err("vk_digest does not match the key bytes".into());
                }
                self.vks.insert(v.vk_digest, (v.statement, vk));
            }
            EntryBody::AgencyRegistration(r) => {
                self.check_signed(&r.registered_by, admin, &entry.body)?;
                if !self.agencies.insert(r.agency.name.clone()) {
                    return Err(format!("agency {:?} registered twice", r.agency.name));
                }
            }
            EntryBody::RegistryRoot(r) => {
                let role = self.check_signed(&r.authority, Role::publishes_roots, &entry.body)?;
                if !self.authorities[&r.authority]
                    .registries
                    .contains(&r.registry_id)
                {
                    return Err(format!(
                        "{:?} is not listed for registry {:?}",
                        r.authority, r.registry_id
                    ));
                }
                if self
                    .epochs
                    .get(&r.registry_id)
                    .is_some_and(|e| r.epoch <= *e)
                {
                    return Err(format!("epoch {} does not increase", r.epoch));
                }
                self.epochs.insert(r.registry_id.clone(), r.epoch);
                if let Some((old_role, old, _)) = self.current.get(&r.registry_id) {
                    self.roots.insert((*old_role, *old), Some(r.published_at));
                }
                self.roots.insert((role, r.root), None);
                self.leaf_counts
                    .insert((r.registry_id.clone(), r.root), (r.epoch, r.leaf_count));
                self.current
                    .insert(r.registry_id.clone(), (role, r.root, r.published_at));
            }
            EntryBody::ProofAnchor(a) => self.check_anchor(a)?,
            EntryBody::ElectionDefinition(d) => {
                let e = self.elections.entry(d.election_id.clone()).or_default();
                if e.definition.is_some() {
                    return Err(format!("election {:?} defined twice", d.election_id));
                }
                e.definition = Some((index, (**d).clone()));
                let context = self.definition_context(d, &entry.body);
                let e = self.elections.entry(d.election_id.clone()).or_default();
                match context {
                    Ok(vk) => e.vk = vk,
                    Err(why) => e.context_failure = Some(why),
                }
            }
            EntryBody::Ballot(b) => {
                self.elections
                    .entry(b.election_id.clone())
                    .or_default()
                    .ballots
                    .push((index, (**b).clone()));
            }
            EntryBody::DecryptionShare(d) => {
                self.elections
                    .entry(d.election_id.clone())
                    .or_default()
                    .partials
                    .push((index, (**d).clone()));
            }
            EntryBody::ElectionResult(r) => {
                self.elections
                    .entry(r.election_id.clone())
                    .or_default()
                    .results
                    .push((index, (**r).clone()));
            }
        }
        Ok(())
    }

    /// What a definition rests on, as known at its place in the log: its
    /// signer, its eligibility key and its roll. Returns the key (checked
    /// later with the rest of the election).
    fn definition_context(
        &self,
        d: &ElectionDefinition,
        body: &EntryBody,
    ) -> Result<Option<ValidatedVerifyingKey>, String> {
        self.check_signed(&d.authority, |r| r == Role::ElectionAuthority, body)?;
        let vk = match self.vks.get(&d.eligibility_vk) {
            Some((StatementId::BallotEligibilityV1, vk)) => Some(vk.clone()),
            Some((other, _)) => {
                return Err(format!(
                    "the eligibility key {} is registered for {other}",
                    d.eligibility_vk
                ))
            }
            None => None,
        };
        match self.current.get(&d.roll.registry_id) {
            Some((Role::RegistryAuthority, root, _)) if *root == d.roll.root => {}
            _ => {
                return Err(format!(
                "the roll {} is not the current root of registry {:?} when the election is defined",
                d.roll.root, d.roll.registry_id
            ))
            }
        }
        match self
            .leaf_counts
            .get(&(d.roll.registry_id.clone(), d.roll.root))
        {
            Some(&(epoch, count)) if epoch == d.roll.epoch && count == d.roll.leaf_count => {}
            _ => return Err("the roll's epoch or size differs from its publication".into()),
        }
        if d.roll.leaf_count < zkgov_verifier::election::MIN_ROLL_SIZE {
            return Err(format!("the roll has only {} voters", d.roll.leaf_count));
        }
        Ok(vk)
    }

    fn check_anchor(&mut self, a: &ProofAnchor) -> Result<(), String> {
        let (statement, vk) = self
            .vks
            .get(&a.vk_digest)
            .ok_or_else(|| format!("verifying key {} is not registered", a.vk_digest))?;
        if *statement != a.statement {
            return Err(format!(
                "key {} is registered for {statement}, not {}",
                a.vk_digest, a.statement
            ));
        }
        let bundle = zkgov_verifier::Bundle {
            statement: a.statement,
            vk_digest: a.vk_digest,
            public_inputs: a.public_inputs.clone(),
            proof: a.proof.clone(),
            disclosure: None,
        };
        let facts = bundle.public().map_err(|e| e.to_string())?.anchor_facts();
        let (root, role, scope, nullifier) =
            (facts.root, facts.publisher, facts.scope, facts.nullifier);
        if (root, scope, nullifier) != (a.root, a.scope, a.nullifier) {
            return Err("root, scope or nullifier differ from the public inputs".into());
        }
        let superseded = self
            .roots
            .get(&(role, root))
            .ok_or_else(|| format!("root {root} was not published by a {role} before it"))?;
        let grace = self.genesis.as_ref().map_or(0, |g| g.root_grace(role));
        facts
            .check_fresh(*superseded, grace, a.anchored_at)
            .map_err(|s| format!("not fresh at its anchoring time {}: {s}", a.anchored_at))?;
        if !self.nullifiers.insert((scope, nullifier)) {
            return Err(format!(
                "nullifier {nullifier} anchored twice in scope {scope}"
            ));
        }
        bundle
            .verify(a.statement, vk)
            .map_err(|e| format!("the proof does not verify: {e}"))?;
        self.proofs += 1;
        Ok(())
    }
}

/// Replays `entries` (the log's entry bytes, from index 0) against the
/// signed `checkpoint` note covering exactly them.
pub fn audit(entries: &[Vec<u8>], checkpoint: &str) -> AuditReport {
    let mut replay = Replay::default();
    let mut report = AuditReport {
        entries: entries.len() as u64,
        ..AuditReport::default()
    };
    let mut leaves: Vec<Hash> = Vec::with_capacity(entries.len());
    for (i, bytes) in entries.iter().enumerate() {
        leaves.push(leaf_hash(bytes));
        let result = Entry::from_bytes(bytes)
            .map_err(|e| e.to_string())
            .and_then(|e| replay.apply(i as u64, e));
        if let Err(why) = result {
            report.failures.push((Some(i as u64), why));
        }
    }
    report.proofs_verified = replay.proofs;
    match &replay.genesis {
        None => report
            .failures
            .push((None, "the log has no genesis entry".into())),
        Some(g) => match verify_checkpoint(checkpoint.as_bytes(), std::slice::from_ref(&g.log_key))
        {
            Err(e) => report.failures.push((
                None,
                format!("the checkpoint is not signed by the log key: {e}"),
            )),
            Ok(v) => {
                let c = v.checkpoint;
                if c.origin != g.origin {
                    report.failures.push((
                        None,
                        format!("the checkpoint is for {:?}, not {:?}", c.origin, g.origin),
                    ));
                }
                if c.size != entries.len() as u64 || c.root != zkgov_tlog::merkle::root_of(&leaves)
                {
                    report.failures.push((
                        None,
                        format!(
                            "the entries do not hash to the checkpoint (size {}, {} entries replayed)",
                            c.size,
                            entries.len()
                        ),
                    ));
                }
            }
        },
    }
    // Last, so that the log's own failures come first in `failures`.
    for (id, entries) in &replay.elections {
        let r = check_election(id, entries);
        for f in &r.failures {
            report
                .failures
                .push((f.entry, format!("election {id:?}: {f}")));
        }
        report.elections.push(r);
    }
    report
}

/// Fetches every entry under the ledger's latest checkpoint and audits
/// them.
pub fn audit_ledger(
    client: &zkgov_ledger::http::LedgerClient,
) -> Result<AuditReport, crate::ProverError> {
    Ok(crate::LogExport::fetch(client)?.audit())
}
