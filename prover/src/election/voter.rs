//! The voter's side: one ballot, both proofs.

use rand::{CryptoRng, RngCore};
use zkgov_circuits::eligibility::{ballot_nullifier, EligibilityCircuit, EligibilityWitness};
use zkgov_verifier::{
    election::{
        ballot::{ballot_hash, encrypt_ballot, EncryptedBallot},
        CastBallot, Election,
    },
    Nullifier, ValidatedVerifyingKey,
};

use super::ElectoralRoll;
use crate::{holder::HolderSecret, prove::PreparedProver, ProverError};

/// Encrypts `votes` for `election`, proves the ballot well formed and the
/// voter eligible (on `roll`, with this election's nullifier, bound to this
/// ballot's hash), and checks both proofs before returning the ballot to
/// cast. The secret and the path stay in this process.
pub fn cast_ballot<R: RngCore + CryptoRng>(
    pk: &PreparedProver,
    vk: &ValidatedVerifyingKey,
    election: &Election,
    roll: &ElectoralRoll,
    voter: &HolderSecret,
    votes: &[u64],
    rng: &mut R,
) -> Result<CastBallot, ProverError> {
    let nullifier = voter_nullifier(election, voter);
    let ballot = encrypt_ballot(&election.statement(&nullifier), votes, rng)?;
    let cast = prove_eligibility(pk, vk, election, roll, voter, ballot, rng)?;
    election.verify_cast(vk, &cast, rng)?;
    Ok(cast)
}

/// The voter's nullifier for `election`.
pub fn voter_nullifier(election: &Election, voter: &HolderSecret) -> Nullifier {
    Nullifier(ballot_nullifier(voter.expose(), &election.field()))
}

/// The eligibility half alone: proves that `voter` is on `roll` and binds
/// the proof to `ballot`'s hash, whatever the ballot holds (only the
/// eligibility proof is checked here: tests and the demo use it to cast a
/// ballot that breaks the rules, which the ledger must refuse).
pub fn prove_eligibility<R: RngCore + CryptoRng>(
    pk: &PreparedProver,
    vk: &ValidatedVerifyingKey,
    election: &Election,
    roll: &ElectoralRoll,
    voter: &HolderSecret,
    ballot: EncryptedBallot,
    rng: &mut R,
) -> Result<CastBallot, ProverError> {
    if roll.root() != election.definition().roll.root {
        return Err(ProverError::malformed(
            "roll",
            "this roll's root is not the election's",
        ));
    }
    let witness = EligibilityWitness {
        secret: *voter.expose(),
        path: roll.path_of(voter)?,
        election: election.field(),
        ballot_hash: ballot_hash(&ballot),
    };
    let circuit = EligibilityCircuit::new(roll.depth(), witness)?;
    let eligibility = pk.prove(circuit, rng)?;
    let cast = CastBallot {
        election_id: election.id().to_owned(),
        nullifier: voter_nullifier(election, voter),
        ballot,
        eligibility,
        cast_at: 0,
    };
    vk.verify(
        &cast.eligibility,
        &election.eligibility_inputs(&cast).to_vec(),
    )?;
    Ok(cast)
}
