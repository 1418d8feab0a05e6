//! Every domain-separation label of zkgov, in one table.
//!
//! A label is an ASCII string of at most 31 bytes, read as a big-endian
//! integer; that integer is below the BN254 scalar modulus, so the mapping
//! is injective and needs no reduction. Changing a label changes keys and
//! policy hashes: bump the version suffix instead of editing one.

use crate::field::Fr;
use ark_ff::PrimeField;

/// Labels used in Poseidon hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// Leading input of a policy hash: `Poseidon(POLICY_V1, slot_0, ..., slot_7)`.
    PolicyV1,
    /// Prefix of SHA-256 verifying-key digests.
    VerifyingKeyDigestV1,
    /// Prefix of SHA-256 proof digests.
    ProofDigestV1,
    /// Leading input of a credential hash.
    CredentialV1,
    /// Leading input of a disclosure commitment.
    DisclosureV1,
    /// Leading input of an agency's scope.
    ScopeV1,
    /// Leading input of a voter's nullifier for an election.
    BallotNullifierV1,
    /// Prefix of the SHA-256 ballot hash.
    BallotHashV1,
    /// Leading input of a presentation's disclosure salt:
    /// `Poseidon(DISCLOSURE_SALT_V1, owner_secret, scope, context)`.
    DisclosureSaltV1,
}

impl Label {
    /// The label's text.
    pub const fn as_str(self) -> &'static str {
        match self {
            Label::PolicyV1 => "zkgov.policy.v1",
            Label::VerifyingKeyDigestV1 => "zkgov.vk-digest.v1",
            Label::ProofDigestV1 => "zkgov.proof-digest.v1",
            Label::CredentialV1 => "zkgov.credential.v1",
            Label::DisclosureV1 => "zkgov.disclosure.v1",
            Label::ScopeV1 => "zkgov.scope.v1",
            Label::BallotNullifierV1 => "zkgov.ballot-nullifier.v1",
            Label::BallotHashV1 => "zkgov.ballot-hash.v1",
            Label::DisclosureSaltV1 => "zkgov.disclosure-salt.v1",
        }
    }

    /// The label as a field element (big-endian integer of its ASCII bytes).
    pub fn to_field(self) -> Fr {
        // At most 31 bytes: strictly below 2^248 < r, so no reduction happens.
        Fr::from_be_bytes_mod_order(self.as_str().as_bytes()) // ok: < 2^248 < r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{BigInteger, PrimeField};

    #[test]
    fn labels_are_short_distinct_and_unreduced() {
        let all = [
            Label::PolicyV1,
            Label::VerifyingKeyDigestV1,
            Label::ProofDigestV1,
            Label::CredentialV1,
            Label::DisclosureV1,
            Label::ScopeV1,
            Label::BallotNullifierV1,
            Label::BallotHashV1,
            Label::DisclosureSaltV1,
        ];
        for (i, a) in all.iter().enumerate() {
            assert!(a.as_str().len() <= 31);
            let bytes = a.to_field().into_bigint().to_bytes_be();
            let trimmed: Vec<u8> = bytes.into_iter().skip_while(|b| *b == 0).collect();
            assert_eq!(trimmed, a.as_str().as_bytes());
            for b in &all[i + 1..] {
                assert_ne!(a.to_field(), b.to_field());
            }
        }
    }
}
