//! Elections: anonymous eligibility (Groth16), encrypted ballots with
//! range proofs (Bulletproofs and Σ-proofs on Ristretto), a threshold key
//! ceremony and a tally anyone can check from the ledger alone.
//!
//! | module | what it proves or checks |
//! |---|---|
//! | [`group`] | Ristretto encodings, exponential ElGamal, the homomorphic sum |
//! | [`ballot`] | a ballot encrypts values within the election's rules |
//! | [`dkg`] | the trustees' key ceremony (joint Feldman VSS) |
//! | [`decryption`] | partial decryptions (Chaum-Pedersen), their combination, the result |
//! | [`transcript`] | every transcript label, in one table |
//!
//! The ledger entries of an election are defined here:
//! [`ElectionDefinition`] (signed by an election authority),
//! [`CastBallot`], [`DecryptionShare`] and [`ElectionResult`] (unsigned:
//! their proofs are what authenticates them). [`Election`] is a checked
//! definition, and holds every check that needs only the definition;
//! whoever replays the log (the ledger, an auditor) applies them in the
//! log's order.
//!
//! The voter's nullifier is `Poseidon("zkgov.ballot-nullifier.v1", secret,
//! E)`, where `E` is the election id read as a field element
//! ([`crate::label_to_field`]): one per voter per election, unlinkable
//! across elections. Re-voting is not offered: a second ballot with the
//! same nullifier is refused, so the first ballot counts.

pub mod ballot;
pub mod decryption;
pub mod dkg;
pub mod group;
pub mod transcript;

use curve25519_dalek::ristretto::RistrettoPoint;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::{
    entry::EntrySignature, field::Fr, groth16::Proof, EligibilityPublicInputs, MerkleRoot,
    Nullifier, ValidatedVerifyingKey, VerifyError, VerifyingKeyDigest,
};
use ballot::{BallotStatement, EncryptedBallot, SelectionRules};
use decryption::PartialDecryption;
use dkg::TrusteeCommitments;
use group::Ciphertext;

/// The smallest electoral roll an election may use: a ballot's anonymity
/// set is the roll.
pub const MIN_ROLL_SIZE: u64 = 10;

/// The electoral roll: a published registry root whose leaves are the
/// voters' commitments `Poseidon(secret)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roll {
    /// The registry.
    pub registry_id: String,
    /// The epoch of the root.
    pub epoch: u64,
    /// The root.
    pub root: MerkleRoot,
    /// Number of voters in it.
    pub leaf_count: u64,
}

/// A trustee of the election.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trustee {
    /// The trustee's name (1 to 64 characters).
    pub name: String,
    /// Its published commitments.
    pub commitments: TrusteeCommitments,
}

/// An election, defined by an election authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionDefinition {
    /// The election id: 1 to 31 printable ASCII characters (it is read as
    /// a field element in the eligibility proof).
    pub election_id: String,
    /// The options' names, in order.
    pub options: Vec<String>,
    /// What a ballot may select.
    pub rules: SelectionRules,
    /// The electoral roll.
    pub roll: Roll,
    /// The trustees, with indices `1..=n` in order.
    pub trustees: Vec<Trustee>,
    /// How many trustees must take part in the decryption.
    pub quorum: u32,
    /// Ballots are accepted from this time (Unix seconds, ledger clock) ...
    pub opens_at: u64,
    /// ... until just before this one; decryption starts at it.
    pub closes_at: u64,
    /// Digest of the registered eligibility verifying key.
    pub eligibility_vk: VerifyingKeyDigest,
    /// The election authority.
    pub authority: String,
    /// Its signature.
    pub signature: EntrySignature,
}

/// A ballot as cast: the ledger stores only this (ciphertexts, proofs and
/// the nullifier; nothing that names the voter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CastBallot {
    /// The election.
    pub election_id: String,
    /// `Poseidon(tag, secret, E)`.
    pub nullifier: Nullifier,
    /// The encrypted ballot and its proof.
    pub ballot: EncryptedBallot,
    /// The Groth16 eligibility proof (base64 of its compressed bytes).
    #[serde(with = "crate::entry::proof_bytes")]
    pub eligibility: Proof,
    /// Ledger time of acceptance (Unix seconds; 0 in a submission).
    pub cast_at: u64,
}

/// A trustee's partial decryption of an election's aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionShare {
    /// The election.
    pub election_id: String,
    /// The partial decryption with its proofs.
    pub partial: PartialDecryption,
    /// Ledger time of acceptance (Unix seconds; 0 in a submission).
    pub decrypted_at: u64,
}

/// The result of an election.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionResult {
    /// The election.
    pub election_id: String,
    /// Number of ballots counted.
    pub ballots: u64,
    /// The total of each option.
    pub counts: Vec<u64>,
    /// The trustees whose partial decryptions were combined.
    pub trustees: Vec<u32>,
    /// The aggregate that was decrypted: the sum of every counted ballot.
    pub aggregate: Vec<Ciphertext>,
}

/// A definition that passed every check needing only itself.
#[derive(Clone, Debug)]
pub struct Election {
    def: ElectionDefinition,
    field: Fr,
    key: RistrettoPoint,
    public_shares: Vec<RistrettoPoint>,
}

fn malformed(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedElection(msg.into())
}

impl Election {
    /// Checks a definition in ElectionGuard's first step: parameters and
    /// keys. The id, options and rules; the trustees (indices `1..=n` in
    /// order, distinct names, every proof of knowledge); the quorum; the
    /// window; then the joint key and public shares are computed.
    pub fn new(def: ElectionDefinition) -> Result<Self, VerifyError> {
        let field = crate::field::label_to_field(&def.election_id)
            .map_err(|_| malformed("an election id is 1 to 31 printable ASCII characters"))?;
        def.rules.check()?;
        if def.options.len() != def.rules.options() {
            return Err(malformed(format!(
                "{} option names for {} options in the rules",
                def.options.len(),
                def.rules.options()
            )));
        }
        if def.options.iter().any(|o| o.is_empty() || o.len() > 64) {
            return Err(malformed("an option name is 1 to 64 bytes"));
        }
        let n = def.trustees.len();
        if n == 0 || n > dkg::MAX_TRUSTEES {
            return Err(malformed(format!("1 to {} trustees", dkg::MAX_TRUSTEES)));
        }
        let k = def.quorum as usize;
        if k == 0 || k > n {
            return Err(malformed(format!("a quorum of {k} among {n} trustees")));
        }
        for (i, t) in def.trustees.iter().enumerate() {
            if t.commitments.index as usize != i + 1 {
                return Err(malformed("trustees are listed with indices 1..n in order"));
            }
            if t.name.is_empty() || t.name.len() > 64 {
                return Err(malformed("a trustee name is 1 to 64 bytes"));
            }
            if def.trustees[..i].iter().any(|o| o.name == t.name) {
                return Err(malformed(format!(
                    "trustee name {:?} is used twice",
                    t.name
                )));
            }
            dkg::verify_commitments(&def.election_id, k, &t.commitments)?;
        }
        if def.opens_at >= def.closes_at {
            return Err(malformed("an election opens before it closes"));
        }
        let all: Vec<TrusteeCommitments> =
            def.trustees.iter().map(|t| t.commitments.clone()).collect();
        let key = dkg::joint_key(&all);
        if key == group::Point::identity().0 {
            return Err(malformed("the joint key is the identity"));
        }
        let public_shares = (1..=n as u32).map(|l| dkg::public_share(&all, l)).collect();
        Ok(Election {
            def,
            field,
            key,
            public_shares,
        })
    }

    /// The definition.
    pub fn definition(&self) -> &ElectionDefinition {
        &self.def
    }

    /// The election id.
    pub fn id(&self) -> &str {
        &self.def.election_id
    }

    /// The election id as a field element.
    pub fn field(&self) -> Fr {
        self.field
    }

    /// The joint key `K`.
    pub fn key(&self) -> &RistrettoPoint {
        &self.key
    }

    /// Trustee `l`'s public share `X_l`.
    pub fn public_share(&self, l: u32) -> Option<&RistrettoPoint> {
        self.public_shares.get((l as usize).checked_sub(1)?)
    }

    /// Number of options.
    pub fn options(&self) -> usize {
        self.def.rules.options()
    }

    /// Whether ballots are accepted at `now`.
    pub fn is_open(&self, now: u64) -> bool {
        self.def.opens_at <= now && now < self.def.closes_at
    }

    /// The statement a voter's ballot proof is about.
    pub fn statement<'a>(&'a self, nullifier: &'a Nullifier) -> BallotStatement<'a> {
        BallotStatement {
            election: &self.def.election_id,
            nullifier,
            key: &self.key,
            rules: &self.def.rules,
        }
    }

    /// The public inputs of a ballot's eligibility proof.
    pub fn eligibility_inputs(&self, cast: &CastBallot) -> EligibilityPublicInputs {
        EligibilityPublicInputs {
            roll_root: self.def.roll.root,
            election: self.field,
            nullifier: cast.nullifier,
            ballot_hash: ballot::ballot_hash(&cast.ballot),
        }
    }

    /// The ballot proof of `cast` (not its eligibility proof).
    pub fn verify_ballot<R: RngCore + CryptoRng>(
        &self,
        cast: &CastBallot,
        rng: &mut R,
    ) -> Result<(), VerifyError> {
        if cast.election_id != self.def.election_id {
            return Err(malformed("the ballot is for another election"));
        }
        ballot::verify_ballot(&self.statement(&cast.nullifier), &cast.ballot, rng)
    }

    /// Both proofs of `cast`: eligibility against `vk` (which must be the
    /// election's key) and the ballot proof.
    pub fn verify_cast<R: RngCore + CryptoRng>(
        &self,
        vk: &ValidatedVerifyingKey,
        cast: &CastBallot,
        rng: &mut R,
    ) -> Result<(), VerifyError> {
        if vk.digest() != self.def.eligibility_vk {
            return Err(VerifyError::KeyDigestMismatch {
                expected: self.def.eligibility_vk.to_hex(),
                got: vk.digest().to_hex(),
            });
        }
        self.verify_ballot(cast, rng)?;
        vk.verify(&cast.eligibility, &self.eligibility_inputs(cast).to_vec())
    }

    /// Checks a trustee's partial decryption of `aggregate`.
    pub fn verify_partial(
        &self,
        aggregate: &[Ciphertext],
        p: &PartialDecryption,
    ) -> Result<(), VerifyError> {
        let x = self
            .public_share(p.trustee)
            .ok_or_else(|| malformed(format!("the election has no trustee {}", p.trustee)))?;
        decryption::verify_partial(&self.def.election_id, x, aggregate, p)
    }

    /// Checks a result against the aggregate of `ballots` ballots and the
    /// (verified) partial decryptions it names.
    pub fn check_result(
        &self,
        aggregate: &[Ciphertext],
        ballots: u64,
        partials: &[&PartialDecryption],
        result: &ElectionResult,
    ) -> Result<(), VerifyError> {
        if result.aggregate != aggregate {
            return Err(VerifyError::TallyMismatch(
                "the result's aggregate is not the sum of the ballots".into(),
            ));
        }
        if result.ballots != ballots {
            return Err(VerifyError::TallyMismatch(format!(
                "the result counts {} ballots; the log holds {ballots}",
                result.ballots
            )));
        }
        let named: Vec<&PartialDecryption> = result
            .trustees
            .iter()
            .map(|t| {
                partials
                    .iter()
                    .find(|p| p.trustee == *t)
                    .copied()
                    .ok_or_else(|| {
                        VerifyError::TallyMismatch(format!(
                            "the result names trustee {t}, who published no partial decryption"
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        let combined = decryption::combine(self.def.quorum as usize, aggregate, &named)?;
        decryption::check_counts(&combined, &result.counts)
    }

    /// The tally: combines `partials` (verified, at least the quorum) and
    /// finds each option's total, at most `ballots` times its maximum.
    pub fn tally(
        &self,
        aggregate: &[Ciphertext],
        ballots: u64,
        partials: &[&PartialDecryption],
    ) -> Result<ElectionResult, VerifyError> {
        let combined = decryption::combine(self.def.quorum as usize, aggregate, partials)?;
        let counts = combined
            .iter()
            .zip(&self.def.rules.max_per_option)
            .enumerate()
            .map(|(j, (p, m))| {
                decryption::discrete_log(p, ballots.saturating_mul(*m)).ok_or_else(|| {
                    VerifyError::TallyMismatch(format!(
                        "option {j}: no total up to {} ballots times {m} decrypts the aggregate",
                        ballots
                    ))
                })
            })
            .collect::<Result<Vec<u64>, _>>()?;
        let mut trustees: Vec<u32> = partials.iter().map(|p| p.trustee).collect();
        trustees.sort_unstable();
        Ok(ElectionResult {
            election_id: self.def.election_id.clone(),
            ballots,
            counts,
            trustees,
            aggregate: aggregate.to_vec(),
        })
    }
}
