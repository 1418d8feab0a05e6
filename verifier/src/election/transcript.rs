//! Every merlin transcript label of the election protocols, in one table.
//!
//! A transcript starts with a protocol label ([`Protocol`]); every message
//! appended and every challenge drawn uses a [`Msg`] label. Changing a
//! label changes every proof: bump the protocol's version instead of
//! editing one. `tests::labels_are_distinct` keeps the table honest.

use curve25519_dalek::{ristretto::RistrettoPoint, scalar::Scalar};
use merlin::Transcript;

/// The protocols, each its own transcript domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// A ballot: linked encryptions and the range proof
    /// ([`super::ballot`]).
    Ballot,
    /// A trustee's proofs of knowledge of its polynomial's coefficients
    /// ([`super::dkg`]).
    Dkg,
    /// A partial decryption's Chaum-Pedersen proofs
    /// ([`super::decryption`]).
    Decryption,
}

impl Protocol {
    /// Every protocol.
    pub const ALL: [Protocol; 3] = [Protocol::Ballot, Protocol::Dkg, Protocol::Decryption];

    /// The transcript's domain label.
    pub const fn label(self) -> &'static [u8] {
        match self {
            Protocol::Ballot => b"zkgov.ballot.v1",
            Protocol::Dkg => b"zkgov.dkg.v1",
            Protocol::Decryption => b"zkgov.decryption.v1",
        }
    }

    /// A fresh transcript for this protocol.
    pub fn transcript(self) -> Transcript {
        Transcript::new(self.label())
    }
}

/// Labels of the messages appended and the challenges drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The election id's bytes.
    Election,
    /// The voter's nullifier (32 little-endian bytes of the BN254 field).
    Nullifier,
    /// The joint election key `K`.
    JointKey,
    /// The selection rules: option count, per-option maxima, total limits.
    Rules,
    /// A ciphertext's `a = r G`.
    CipherA,
    /// A ciphertext's `b = v G + r K`.
    CipherB,
    /// A value commitment `V = v G + r H`.
    Commitment,
    /// Σ-proof first messages `t1, t2, t3` of one option.
    LinkT1,
    /// See [`Msg::LinkT1`].
    LinkT2,
    /// See [`Msg::LinkT1`].
    LinkT3,
    /// The Σ-proofs' one challenge.
    LinkChallenge,
    /// A trustee's index.
    Trustee,
    /// A coefficient commitment `C_j`.
    Coefficient,
    /// A Schnorr proof's first message.
    SchnorrT,
    /// A Schnorr proof's challenge.
    SchnorrChallenge,
    /// The public share `X_l` of a trustee.
    PublicShare,
    /// A partial decryption `D = x_l A`.
    Partial,
    /// A Chaum-Pedersen proof's first messages.
    CpT1,
    /// See [`Msg::CpT1`].
    CpT2,
    /// A Chaum-Pedersen proof's challenge.
    CpChallenge,
    /// The option a per-option proof is about.
    OptionIndex,
}

impl Msg {
    /// Every label.
    pub const ALL: [Msg; 21] = [
        Msg::Election,
        Msg::Nullifier,
        Msg::JointKey,
        Msg::Rules,
        Msg::CipherA,
        Msg::CipherB,
        Msg::Commitment,
        Msg::LinkT1,
        Msg::LinkT2,
        Msg::LinkT3,
        Msg::LinkChallenge,
        Msg::Trustee,
        Msg::Coefficient,
        Msg::SchnorrT,
        Msg::SchnorrChallenge,
        Msg::PublicShare,
        Msg::Partial,
        Msg::CpT1,
        Msg::CpT2,
        Msg::CpChallenge,
        Msg::OptionIndex,
    ];

    /// The label's bytes.
    pub const fn label(self) -> &'static [u8] {
        match self {
            Msg::Election => b"election",
            Msg::Nullifier => b"nullifier",
            Msg::JointKey => b"joint-key",
            Msg::Rules => b"rules",
            Msg::CipherA => b"cipher-a",
            Msg::CipherB => b"cipher-b",
            Msg::Commitment => b"commitment",
            Msg::LinkT1 => b"link-t1",
            Msg::LinkT2 => b"link-t2",
            Msg::LinkT3 => b"link-t3",
            Msg::LinkChallenge => b"link-c",
            Msg::Trustee => b"trustee",
            Msg::Coefficient => b"coefficient",
            Msg::SchnorrT => b"schnorr-t",
            Msg::SchnorrChallenge => b"schnorr-c",
            Msg::PublicShare => b"public-share",
            Msg::Partial => b"partial",
            Msg::CpT1 => b"cp-t1",
            Msg::CpT2 => b"cp-t2",
            Msg::CpChallenge => b"cp-c",
            Msg::OptionIndex => b"option",
        }
    }
}

/// Typed appends and challenges on a merlin transcript.
pub(crate) trait TranscriptExt {
    fn put_bytes(&mut self, m: Msg, bytes: &[u8]);
    fn put_u64(&mut self, m: Msg, x: u64);
    fn put_point(&mut self, m: Msg, p: &RistrettoPoint);
    fn challenge(&mut self, m: Msg) -> Scalar;
}

impl TranscriptExt for Transcript {
    fn put_bytes(&mut self, m: Msg, bytes: &[u8]) {
        self.append_message(m.label(), bytes);
    }

    fn put_u64(&mut self, m: Msg, x: u64) {
        self.append_u64(m.label(), x);
    }

    fn put_point(&mut self, m: Msg, p: &RistrettoPoint) {
        self.append_message(m.label(), p.compress().as_bytes());
    }

    fn challenge(&mut self, m: Msg) -> Scalar {
        let mut wide = [0u8; 64];
        self.challenge_bytes(m.label(), &mut wide);
        Scalar::from_bytes_mod_order_wide(&wide)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_distinct() {
        let mut all: Vec<&[u8]> = Msg::ALL.iter().map(|m| m.label()).collect();
        all.extend(Protocol::ALL.iter().map(|p| p.label()));
        // Bulletproofs' own labels share the ballot transcript.
        for theirs in [
            &b"V"[..],
            b"A",
            b"S",
            b"y",
            b"z",
            b"T_1",
            b"T_2",
            b"x",
            b"w",
        ] {
            assert!(!all.contains(&theirs));
        }
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a transcript label is used twice");
    }
}
