//! The voter's side: one ballot, both proofs.

use rand::{CryptoRng, RngCore};
use zkgov_circuits::eligibility::{ballot_nullifier, EligibilityCircuit, EligibilityWitness};
use zkgov_verifier::{
    election::{
        ballot::{ballot_hash, encrypt_ballot},
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
    if roll.root() != election.definition().roll.root {
        return Err(ProverError::malformed(
            "roll",
            "this roll's root is not the election's",
        ));
    }
    let nullifier = Nullifier(ballot_nullifier(voter.expose(), &election.field()));
    let ballot = encrypt_ballot(&election.statement(&nullifier), votes, rng)?;
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
        nullifier,
        ballot,
        eligibility,
        cast_at: 0,
    };
    election.verify_cast(vk, &cast, rng)?;
    Ok(cast)
}
