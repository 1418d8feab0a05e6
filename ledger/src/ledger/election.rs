//! Elections on the ledger.
//!
//! | entry | stage 1 (submitter's thread) | stage 2 (committer, with the batch) |
//! |---|---|---|
//! | `election-definition` | the definition on its own ([`Election::new`]: rules, trustees' proofs of knowledge, joint key) | signed by an election authority; id unused; eligibility key registered for the eligibility statement; the roll is the registry's current root, of the size named, with at least [`MIN_ROLL_SIZE`] voters; the window not over |
//! | `ballot` | election known and open, nullifier unused, then both proofs (Groth16 eligibility against the roll, election and ballot hash; the ballot's Σ and range proofs) | election open at the committer's clock; nullifier unused in the election, then recorded with the entry (the storage's unique constraint is the last guard) |
//! | `decryption-share` | — | election closed; the trustee has not published; its Chaum-Pedersen proofs hold against the aggregate of every accepted ballot |
//! | `election-result` | — | no result yet; the partial decryptions it names form a quorum and decrypt the aggregate to its counts |
//!
//! A ballot's time (`cast_at`), a partial decryption's (`decrypted_at`)
//! are the ledger's clock, written by the ledger. The ledger stores
//! ciphertexts, proofs and nullifiers: nothing that names a voter.

use std::{collections::BTreeMap, sync::Arc};

use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zkgov_verifier::{
    election::{
        decryption::PartialDecryption, group::Ciphertext, CastBallot, DecryptionShare, Election,
        ElectionDefinition, ElectionResult, MIN_ROLL_SIZE,
    },
    EntryBody, Role, Scope, StatementId, VerifyError,
};

use super::{Accepted, Ledger, Overlay, State};
use crate::{
    error::{Duplicate, Refusal},
    LedgerError,
};

/// What the log established about one election.
#[derive(Clone)]
pub(super) struct ElectionState {
    pub(super) election: Arc<Election>,
    index: u64,
    aggregate: Vec<Ciphertext>,
    ballots: u64,
    partials: BTreeMap<u32, PartialDecryption>,
    result: Option<u64>,
}

/// Where an election stands, as `GET /v1/elections/{id}` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionStatus {
    /// Index of the definition entry.
    pub definition: u64,
    /// Ballots accepted.
    pub ballots: u64,
    /// Trustees whose partial decryptions are on the log.
    pub decryptions: Vec<u32>,
    /// Index of the result entry, once published.
    pub result: Option<u64>,
}

/// The nullifier scope of an election's ballots: the election id as a
/// field element.
pub(super) fn ballot_scope(election: &Election) -> Scope {
    Scope(election.field())
}

/// The storage key of a ballot's nullifier.
pub(super) fn ballot_nullifier_key(b: &CastBallot) -> Option<(String, String)> {
    let field = zkgov_verifier::label_to_field::<zkgov_verifier::Fr>(&b.election_id).ok()?;
    Some((Scope(field).to_string(), b.nullifier.to_string()))
}

impl State {
    /// What an accepted election entry establishes.
    pub(super) fn apply_election(&mut self, index: u64, a: &Accepted) {
        match &a.body {
            EntryBody::ElectionDefinition(d) => {
                if let Some(el) = &a.election {
                    let options = el.options();
                    self.elections.insert(
                        d.election_id.clone(),
                        ElectionState {
                            election: el.clone(),
                            index,
                            aggregate: vec![Ciphertext::zero(); options],
                            ballots: 0,
                            partials: BTreeMap::new(),
                            result: None,
                        },
                    );
                }
            }
            EntryBody::Ballot(b) => {
                if let Some(es) = self.elections.get_mut(&b.election_id) {
                    for (s, c) in es.aggregate.iter_mut().zip(&b.ballot.ciphertexts) {
                        *s = *s + *c;
                    }
                    es.ballots += 1;
                    let scope = ballot_scope(&es.election);
                    self.nullifiers.insert((scope, b.nullifier), index);
                }
            }
            EntryBody::DecryptionShare(d) => {
                if let Some(es) = self.elections.get_mut(&d.election_id) {
                    es.partials.insert(d.partial.trustee, d.partial.clone());
                }
            }
            EntryBody::ElectionResult(r) => {
                if let Some(es) = self.elections.get_mut(&r.election_id) {
                    es.result = Some(index);
                }
            }
            _ => {}
        }
    }

    pub(super) fn election_status(&self, id: &str) -> Option<ElectionStatus> {
        self.elections.get(id).map(|es| ElectionStatus {
            definition: es.index,
            ballots: es.ballots,
            decryptions: es.partials.keys().copied().collect(),
            result: es.result,
        })
    }
}

fn unknown(id: &str) -> LedgerError {
    Refusal::UnknownElection(id.to_owned()).into()
}

fn window(el: &Election, now: u64) -> Refusal {
    let d = el.definition();
    Refusal::OutsideWindow {
        election: d.election_id.clone(),
        opens_at: d.opens_at,
        closes_at: d.closes_at,
        now,
    }
}

impl Ledger {
    /// Stage 1 of a ballot: the cheap checks under a short read, then both
    /// proofs outside every lock.
    pub(super) fn precheck_ballot(&self, b: &CastBallot) -> Result<(), LedgerError> {
        if b.cast_at != 0 {
            return Err(LedgerError::Malformed(
                "cast_at is the ledger's to write: submit 0".into(),
            ));
        }
        let now = (self.shared.clock)();
        let (election, vk) = {
            let st = self.read_state()?;
            let es = st
                .elections
                .get(&b.election_id)
                .ok_or_else(|| unknown(&b.election_id))?;
            if !es.election.is_open(now) {
                return Err(window(&es.election, now).into());
            }
            let key = (ballot_scope(&es.election), b.nullifier);
            if let Some(&index) = st.nullifiers.get(&key) {
                return Err(LedgerError::NullifierUsed { index });
            }
            let digest = es.election.definition().eligibility_vk;
            let (_, vk) = st
                .vks
                .get(&digest)
                .ok_or_else(|| Refusal::UnregisteredKey(digest.to_hex()))?;
            (es.election.clone(), vk.clone())
        };
        election.verify_cast(&vk, b, &mut OsRng)?;
        Ok(())
    }

    /// Where the election `id` stands, if it is defined.
    pub fn election(&self, id: &str) -> Result<Option<ElectionStatus>, LedgerError> {
        Ok(self.read_state()?.election_status(id))
    }
}

impl Overlay<'_> {
    fn election(&self, id: &str) -> Option<&ElectionState> {
        self.batch
            .elections
            .get(id)
            .or_else(|| self.state.elections.get(id))
    }

    /// Copies the election's state into the batch, so that applying an
    /// entry to the batch sees everything before it.
    fn touch(&mut self, id: &str) {
        if !self.batch.elections.contains_key(id) {
            if let Some(es) = self.state.elections.get(id) {
                self.batch.elections.insert(id.to_owned(), es.clone());
            }
        }
    }

    pub(super) fn validate_definition(
        &mut self,
        origin: &str,
        def: Box<ElectionDefinition>,
        election: Arc<Election>,
        now: u64,
    ) -> Result<Accepted, LedgerError> {
        let authority = def.authority.clone();
        let body = EntryBody::ElectionDefinition(def);
        self.signed_by(
            origin,
            &authority,
            |r| r == Role::ElectionAuthority,
            "election authority",
            &body,
        )?;
        let d = election.definition();
        if self.election(&d.election_id).is_some() {
            return Err(Duplicate::Election(d.election_id.clone()).into());
        }
        let digest = d.eligibility_vk;
        let statement = self
            .batch
            .vks
            .get(&digest)
            .or_else(|| self.state.vks.get(&digest))
            .map(|(s, _)| *s)
            .ok_or_else(|| Refusal::UnregisteredKey(digest.to_hex()))?;
        if statement != StatementId::BallotEligibilityV1 {
            return Err(VerifyError::StatementMismatch {
                expected: StatementId::BallotEligibilityV1.to_string(),
                got: statement.to_string(),
            }
            .into());
        }
        let roll = &d.roll;
        let key = (roll.registry_id.clone(), roll.root);
        let info = self
            .batch
            .roots
            .get(&key)
            .or_else(|| self.state.roots.get(&key))
            .ok_or_else(|| Refusal::RootNotPublished {
                root: roll.root.to_string(),
                role: Role::RegistryAuthority,
            })?;
        if info.entry.epoch != roll.epoch || info.entry.leaf_count != roll.leaf_count {
            return Err(LedgerError::Malformed(format!(
                "the roll is epoch {} with {} voters on the log, not epoch {} with {}",
                info.entry.epoch, info.entry.leaf_count, roll.epoch, roll.leaf_count
            )));
        }
        match self.current_root(&roll.registry_id) {
            Some((Role::RegistryAuthority, root, _)) if root == roll.root => {}
            _ => {
                return Err(Refusal::RollNotCurrent {
                    registry: roll.registry_id.clone(),
                }
                .into())
            }
        }
        if roll.leaf_count < MIN_ROLL_SIZE {
            return Err(Refusal::RollTooSmall {
                voters: roll.leaf_count,
                min: MIN_ROLL_SIZE,
            }
            .into());
        }
        if d.closes_at <= now {
            return Err(window(&election, now).into());
        }
        Ok(Accepted {
            election: Some(election),
            ..Accepted::plain(body)
        })
    }

    pub(super) fn validate_ballot(
        &mut self,
        b: Box<CastBallot>,
        now: u64,
    ) -> Result<Accepted, LedgerError> {
        let es = self
            .election(&b.election_id)
            .ok_or_else(|| unknown(&b.election_id))?;
        if !es.election.is_open(now) {
            return Err(window(&es.election, now).into());
        }
        let key = (ballot_scope(&es.election), b.nullifier);
        if let Some(index) = self.nullifier_used(&key) {
            return Err(LedgerError::NullifierUsed { index });
        }
        self.touch(&b.election_id);
        Ok(Accepted::plain(EntryBody::Ballot(Box::new(CastBallot {
            cast_at: now,
            ..*b
        }))))
    }

    pub(super) fn validate_decryption(
        &mut self,
        d: DecryptionShare,
        now: u64,
    ) -> Result<Accepted, LedgerError> {
        if d.decrypted_at != 0 {
            return Err(LedgerError::Malformed(
                "decrypted_at is the ledger's to write: submit 0".into(),
            ));
        }
        let es = self
            .election(&d.election_id)
            .ok_or_else(|| unknown(&d.election_id))?;
        if now < es.election.definition().closes_at {
            return Err(window(&es.election, now).into());
        }
        let trustee = d.partial.trustee;
        if es.partials.contains_key(&trustee) {
            return Err(Duplicate::Decryption {
                election: d.election_id.clone(),
                trustee,
            }
            .into());
        }
        es.election.verify_partial(&es.aggregate, &d.partial)?;
        self.touch(&d.election_id);
        Ok(Accepted::plain(EntryBody::DecryptionShare(Box::new(
            DecryptionShare {
                decrypted_at: now,
                ..d
            },
        ))))
    }

    pub(super) fn validate_result(
        &mut self,
        r: Box<ElectionResult>,
    ) -> Result<Accepted, LedgerError> {
        let es = self
            .election(&r.election_id)
            .ok_or_else(|| unknown(&r.election_id))?;
        if es.result.is_some() {
            return Err(Duplicate::ElectionResult(r.election_id.clone()).into());
        }
        let partials: Vec<&PartialDecryption> = es.partials.values().collect();
        es.election
            .check_result(&es.aggregate, es.ballots, &partials, &r)?;
        self.touch(&r.election_id);
        Ok(Accepted::plain(EntryBody::ElectionResult(r)))
    }
}
