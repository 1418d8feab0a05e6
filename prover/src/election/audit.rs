//! The election audit: everything an election's outcome rests on,
//! re-checked from the log alone, in the order ElectionGuard's verifiers
//! check an election record.
//!
//! 1. **Parameters and keys**: the definition is signed by an election
//!    authority, its roll was a current registry root with enough voters
//!    when it was defined, its eligibility key is registered for the
//!    eligibility statement; every trustee's proofs of knowledge hold, and
//!    the joint key and public shares are recomputed from the commitments.
//! 2. **Ballots**: each was cast within the window, its nullifier is
//!    unique in the election, its ballot proof holds (in parallel across
//!    ballots) and its eligibility proof holds (Groth16, verified in
//!    batches by random linear combination; a failing batch is bisected to
//!    name the ballot).
//! 3. **Aggregate**: the sum of the valid ballots, recomputed, equals the
//!    aggregate the result publishes.
//! 4. **Partial decryptions**: each is published after the close by a
//!    trustee of the election, once, and its Chaum-Pedersen proofs hold
//!    against the recomputed aggregate.
//! 5. **Result**: the partial decryptions it names form a quorum and
//!    decrypt the aggregate to its counts.
//!
//! Every failure names its step, the entry (log index) and what is wrong.
//! The log-level checks (the checkpoint, signatures, roots) are
//! [`crate::audit`]'s, which collects each election's entries and calls
//! [`check_election`].

use rand::rngs::OsRng;
use rayon::prelude::*;
use zkgov_verifier::{
    election::{
        decryption::PartialDecryption,
        group::{aggregate, Ciphertext},
        CastBallot, DecryptionShare, Election, ElectionDefinition, ElectionResult,
    },
    Fr, ValidatedVerifyingKey,
};

/// An election's entries as the log replay found them.
#[derive(Clone, Debug, Default)]
pub struct ElectionEntries {
    /// The definition and its index.
    pub definition: Option<(u64, ElectionDefinition)>,
    /// What the log replay found wrong with the definition's context (its
    /// signer, roll or key), if anything.
    pub context_failure: Option<String>,
    /// The eligibility key it names, when registered before it.
    pub vk: Option<ValidatedVerifyingKey>,
    /// The ballots, in log order.
    pub ballots: Vec<(u64, CastBallot)>,
    /// The partial decryptions, in log order.
    pub partials: Vec<(u64, DecryptionShare)>,
    /// The results, in log order (more than one is a failure).
    pub results: Vec<(u64, ElectionResult)>,
}

/// A step of the audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Parameters and keys.
    Parameters = 1,
    /// Ballots.
    Ballots = 2,
    /// The aggregate.
    Aggregate = 3,
    /// Partial decryptions.
    Decryptions = 4,
    /// The result.
    Result = 5,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Step::Parameters => "parameters and keys",
            Step::Ballots => "ballots",
            Step::Aggregate => "aggregate",
            Step::Decryptions => "partial decryptions",
            Step::Result => "result",
        };
        write!(f, "step {} ({name})", *self as u8)
    }
}

/// One thing wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElectionFailure {
    /// The step that found it.
    pub step: Step,
    /// The entry, when one is to blame.
    pub entry: Option<u64>,
    /// What is wrong.
    pub what: String,
}

impl std::fmt::Display for ElectionFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.entry {
            Some(i) => write!(f, "{}: entry {i}: {}", self.step, self.what),
            None => write!(f, "{}: {}", self.step, self.what),
        }
    }
}

/// What the audit of one election found.
#[derive(Clone, Debug, Default)]
pub struct ElectionReport {
    /// The election id.
    pub election_id: String,
    /// Ballots whose two proofs hold.
    pub valid_ballots: u64,
    /// Partial decryptions whose proofs hold.
    pub valid_partials: u64,
    /// The result, when it checks out.
    pub result: Option<ElectionResult>,
    /// Every failure, by step.
    pub failures: Vec<ElectionFailure>,
    /// The checked election, when step 1 passed.
    pub election: Option<Election>,
    /// The sum of the valid ballots (what trustees decrypt).
    pub aggregate: Vec<Ciphertext>,
    /// The valid partial decryptions.
    pub partials: Vec<PartialDecryption>,
}

impl ElectionReport {
    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Ballots per Groth16 batch: large enough that the final exponentiation
/// and the fixed pairings are shared, small enough to spread over cores.
const BATCH: usize = 256;

/// Runs the five steps on one election's entries.
pub fn check_election(id: &str, e: &ElectionEntries) -> ElectionReport {
    let mut report = ElectionReport {
        election_id: id.to_owned(),
        ..ElectionReport::default()
    };
    let mut failures = Vec::new();
    let mut push = |step: Step, entry: Option<u64>, what: String| {
        failures.push(ElectionFailure { step, entry, what });
    };

    // 1. Parameters and keys.
    let Some((def_index, def)) = &e.definition else {
        let first = e
            .ballots
            .first()
            .map(|b| b.0)
            .or(e.partials.first().map(|p| p.0))
            .or(e.results.first().map(|r| r.0));
        push(
            Step::Parameters,
            first,
            "entries for an election that was never defined".into(),
        );
        report.failures = failures;
        return report;
    };
    if let Some(why) = &e.context_failure {
        push(Step::Parameters, Some(*def_index), why.clone());
    }
    let election = match Election::new(def.clone()) {
        Ok(el) => el,
        Err(err) => {
            push(Step::Parameters, Some(*def_index), err.to_string());
            report.failures = failures;
            return report;
        }
    };
    let Some(vk) = &e.vk else {
        push(
            Step::Parameters,
            Some(*def_index),
            "the eligibility key is not registered before the definition".into(),
        );
        report.failures = failures;
        return report;
    };

    // 2. Ballots: the cheap checks in log order, then both proofs in
    //    parallel.
    let mut seen = std::collections::HashMap::new();
    let mut candidates: Vec<&(u64, CastBallot)> = Vec::with_capacity(e.ballots.len());
    for b in &e.ballots {
        let (index, cast) = b;
        if !election.is_open(cast.cast_at) {
            push(
                Step::Ballots,
                Some(*index),
                format!(
                    "cast at {}, outside the window {}..{}",
                    cast.cast_at, def.opens_at, def.closes_at
                ),
            );
            continue;
        }
        if let Some(first) = seen.insert(cast.nullifier, *index) {
            push(
                Step::Ballots,
                Some(*index),
                format!("nullifier {} already used by entry {first}", cast.nullifier),
            );
            continue;
        }
        candidates.push(b);
    }
    let checked: Vec<Result<(), String>> = candidates
        .par_chunks(BATCH)
        .flat_map_iter(|chunk| check_chunk(&election, vk, chunk))
        .collect();
    let mut valid: Vec<&CastBallot> = Vec::with_capacity(candidates.len());
    for ((index, cast), r) in candidates.iter().map(|b| (&b.0, &b.1)).zip(checked) {
        match r {
            Ok(()) => valid.push(cast),
            Err(why) => push(Step::Ballots, Some(*index), why),
        }
    }
    report.valid_ballots = valid.len() as u64;

    // 3. The aggregate.
    let agg = aggregate(
        valid.iter().map(|c| c.ballot.ciphertexts.as_slice()),
        election.options(),
    );
    for (index, r) in &e.results {
        if r.aggregate != agg {
            push(
                Step::Aggregate,
                Some(*index),
                "the published aggregate is not the sum of the valid ballots".into(),
            );
        }
    }

    // 4. Partial decryptions.
    let mut partials = Vec::new();
    let mut trustees = std::collections::HashSet::new();
    for (index, d) in &e.partials {
        let t = d.partial.trustee;
        if d.decrypted_at < def.closes_at {
            push(
                Step::Decryptions,
                Some(*index),
                format!("trustee {t} decrypted before the close"),
            );
        } else if !trustees.insert(t) {
            push(
                Step::Decryptions,
                Some(*index),
                format!("trustee {t} published twice"),
            );
        } else if let Err(err) = election.verify_partial(&agg, &d.partial) {
            push(Step::Decryptions, Some(*index), err.to_string());
        } else {
            partials.push(&d.partial);
        }
    }
    report.valid_partials = partials.len() as u64;
    report.partials = partials.iter().map(|p| (*p).clone()).collect();

    // 5. The result.
    if e.results.len() > 1 {
        push(
            Step::Result,
            Some(e.results[1].0),
            "a second result for the election".into(),
        );
    }
    if let Some((index, r)) = e.results.first() {
        match election.check_result(&agg, report.valid_ballots, &partials, r) {
            Ok(()) => report.result = Some(r.clone()),
            Err(err) => push(Step::Result, Some(*index), err.to_string()),
        }
    }
    report.failures = failures;
    report.aggregate = agg;
    report.election = Some(election);
    report
}

/// Both proofs of each ballot in `chunk`: ballot proofs one by one,
/// eligibility proofs as one batch (bisected when it fails).
fn check_chunk(
    election: &Election,
    vk: &ValidatedVerifyingKey,
    chunk: &[&(u64, CastBallot)],
) -> Vec<Result<(), String>> {
    let mut rng = OsRng;
    let mut out: Vec<Result<(), String>> = chunk
        .iter()
        .map(|(_, cast)| {
            election
                .verify_ballot(cast, &mut rng)
                .map_err(|e| format!("ballot proof: {e}"))
        })
        .collect();
    let inputs: Vec<Vec<Fr>> = chunk
        .iter()
        .map(|(_, cast)| election.eligibility_inputs(cast).to_vec())
        .collect();
    let batch: Vec<(&zkgov_verifier::Proof, &[Fr])> = chunk
        .iter()
        .zip(&inputs)
        .map(|((_, cast), i)| (&cast.eligibility, i.as_slice()))
        .collect();
    match vk.verify_batch(&batch, &mut rng) {
        Ok(()) => {}
        Err(zkgov_verifier::VerifyError::InvalidBatch { invalid }) => {
            for i in invalid {
                if out[i].is_ok() {
                    out[i] = Err("eligibility proof: the pairing check fails".into());
                }
            }
        }
        Err(e) => {
            for o in out.iter_mut().filter(|o| o.is_ok()) {
                *o = Err(format!("eligibility proof: {e}"));
            }
        }
    }
    out
}
