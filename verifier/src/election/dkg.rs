//! The key ceremony: joint Feldman verifiable secret sharing (Pedersen's
//! DKG) on Ristretto. Nobody ever holds the election secret.
//!
//! # Protocol, for `n` trustees with quorum `k`
//!
//! 1. Trustee `i` (index `1..=n`) draws a secret polynomial
//!    `f_i(x) = a_i0 + a_i1 x + ... + a_i,k-1 x^(k-1)` and publishes the
//!    coefficient commitments `C_ij = a_ij G` with a Schnorr proof of
//!    knowledge of each `a_ij` ([`TrusteeCommitments`]). The proofs stop a
//!    trustee from choosing its `C_i0` as a function of the others' (a
//!    rogue-key attack on the joint key).
//! 2. Trustee `i` gives trustee `l` its share `s_il = f_i(l)` privately
//!    ([`Share`]). Trustee `l` checks
//!    `s_il G = sum_j l^j C_ij` ([`verify_share`]); a share that fails
//!    names its dealer `i` ([`VerifyError::BadShare`]), and the ceremony
//!    restarts without it.
//! 3. Trustee `l`'s key share is `x_l = sum_i s_il = F(l)` with
//!    `F = sum_i f_i` ([`KeyShare::combine`]). Anyone computes, from the
//!    published commitments alone, the joint key `K = sum_i C_i0 = F(0) G`
//!    ([`joint_key`]) and every public share `X_l = x_l G =
//!    sum_i sum_j l^j C_ij` ([`public_share`]).
//!
//! `F` has degree `k - 1`: any `k` key shares determine `F(0)` by
//! Lagrange interpolation, and `k - 1` of them say nothing about it
//! (Shamir). Decryption uses the shares without ever reconstructing
//! `F(0)` ([`super::decryption`]).
//!
//! Schnorr transcript, domain `zkgov.dkg.v1`: `election`, `trustee` (the
//! dealer's index), then for coefficient `j`: `coefficient` (`C_ij`),
//! `schnorr-t` (`t = w G`), challenge `schnorr-c`; response `z = w + c
//! a_ij`; check `z G = t + c C_ij`.
//!
//! Joint Feldman lets a dishonest trustee bias the distribution of `K`
//! slightly (Gennaro, Jarecki, Krawczyk, Rabin 1999); threshold ElGamal
//! decryption stays secure under that bias, which is why ElectionGuard
//! uses the same construction.

use std::fmt;

use curve25519_dalek::{
    ristretto::RistrettoPoint,
    scalar::Scalar,
    traits::{Identity, VartimeMultiscalarMul},
};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::{
    group::{g, Point, Sc},
    transcript::{Msg, Protocol, TranscriptExt},
};
use crate::VerifyError;

/// Most trustees an election may have.
pub const MAX_TRUSTEES: usize = 32;

/// A Schnorr proof of knowledge of `log_G C`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchnorrProof {
    /// `w G`.
    pub t: Point,
    /// `w + c a`.
    pub z: Sc,
}

/// What a trustee publishes: its index, its coefficient commitments and a
/// proof of knowledge for each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeCommitments {
    /// The trustee's index, `1..=n` (its share is `F(index)`).
    pub index: u32,
    /// `C_j = a_j G`, `j = 0..k`.
    pub coefficients: Vec<Point>,
    /// A proof of knowledge of each `a_j`.
    pub proofs: Vec<SchnorrProof>,
}

fn schnorr_transcript(
    election: &str,
    dealer: u32,
    j: usize,
    c: &RistrettoPoint,
) -> merlin::Transcript {
    let mut t = Protocol::Dkg.transcript();
    t.put_bytes(Msg::Election, election.as_bytes());
    t.put_u64(Msg::Trustee, u64::from(dealer));
    t.put_u64(Msg::Coefficient, j as u64);
    t.put_point(Msg::Coefficient, c);
    t
}

/// Checks a trustee's commitments for an election with quorum `quorum`:
/// one commitment per coefficient and every proof of knowledge.
pub fn verify_commitments(
    election: &str,
    quorum: usize,
    c: &TrusteeCommitments,
) -> Result<(), VerifyError> {
    if c.coefficients.len() != quorum || c.proofs.len() != quorum {
        return Err(VerifyError::MalformedElection(format!(
            "trustee {} publishes {} commitments and {} proofs; the quorum is {quorum}",
            c.index,
            c.coefficients.len(),
            c.proofs.len()
        )));
    }
    for (j, (cj, p)) in c.coefficients.iter().zip(&c.proofs).enumerate() {
        let mut t = schnorr_transcript(election, c.index, j, &cj.0);
        t.put_point(Msg::SchnorrT, &p.t.0);
        let ch = t.challenge(Msg::SchnorrChallenge);
        if p.z.0 * g() != p.t.0 + ch * cj.0 {
            return Err(VerifyError::BadCommitments { trustee: c.index });
        }
    }
    Ok(())
}

/// A trustee's secret polynomial. Zeroized on drop; `Debug` prints
/// nothing secret.
pub struct Dealer {
    index: u32,
    coefficients: Vec<Scalar>,
}

impl Drop for Dealer {
    fn drop(&mut self) {
        self.coefficients.iter_mut().for_each(Zeroize::zeroize);
    }
}

impl fmt::Debug for Dealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dealer {{ index: {}, .. }}", self.index)
    }
}

impl Dealer {
    /// Trustee `index` (1-based) draws its polynomial of degree
    /// `quorum - 1` and the commitments it publishes.
    pub fn new<R: RngCore + CryptoRng>(
        election: &str,
        index: u32,
        quorum: usize,
        rng: &mut R,
    ) -> Result<(Self, TrusteeCommitments), VerifyError> {
        if index == 0 || quorum == 0 || quorum > MAX_TRUSTEES {
            return Err(VerifyError::MalformedElection(format!(
                "trustee indices start at 1 and the quorum is 1 to {MAX_TRUSTEES}"
            )));
        }
        let coefficients: Vec<Scalar> = (0..quorum).map(|_| Scalar::random(rng)).collect();
        let mut points = Vec::with_capacity(quorum);
        let mut proofs = Vec::with_capacity(quorum);
        for (j, a) in coefficients.iter().enumerate() {
            let c = a * g();
            let w = Scalar::random(rng);
            let mut t = schnorr_transcript(election, index, j, &c);
            let tw = w * g();
            t.put_point(Msg::SchnorrT, &tw);
            let ch = t.challenge(Msg::SchnorrChallenge);
            points.push(Point(c));
            proofs.push(SchnorrProof {
                t: Point(tw),
                z: Sc(w + ch * a),
            });
        }
        Ok((
            Dealer {
                index,
                coefficients,
            },
            TrusteeCommitments {
                index,
                coefficients: points,
                proofs,
            },
        ))
    }

    /// The share for trustee `recipient`: `f(recipient)`.
    pub fn share_for(&self, recipient: u32) -> Share {
        let x = Scalar::from(recipient);
        let value = self
            .coefficients
            .iter()
            .rev()
            .fold(Scalar::ZERO, |acc, a| acc * x + a);
        Share {
            dealer: self.index,
            recipient,
            value: Sc(value),
        }
    }
}

/// A share `s = f_dealer(recipient)`, sent privately. Secret: zeroized on
/// drop, `Debug` prints nothing secret; it is written only to the
/// recipient's own files.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// The dealer's index.
    pub dealer: u32,
    /// The recipient's index.
    pub recipient: u32,
    /// `f_dealer(recipient)`.
    pub value: Sc,
}

impl Drop for Share {
    fn drop(&mut self) {
        self.value.0.zeroize();
    }
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Share {{ dealer: {}, recipient: {}, .. }}",
            self.dealer, self.recipient
        )
    }
}

/// `sum_j x^j C_j`: the commitment to `f(x)`.
fn eval_commitments(c: &[Point], x: u32) -> RistrettoPoint {
    let x = Scalar::from(x);
    let mut pow = Scalar::ONE;
    let mut scalars = Vec::with_capacity(c.len());
    for _ in c {
        scalars.push(pow);
        pow *= x;
    }
    RistrettoPoint::vartime_multiscalar_mul(scalars, c.iter().map(|p| p.0))
}

/// Checks a received share against its dealer's commitments:
/// `s G = sum_j recipient^j C_j`. A failure names the dealer.
pub fn verify_share(dealer: &TrusteeCommitments, share: &Share) -> Result<(), VerifyError> {
    if share.dealer != dealer.index
        || share.recipient == 0
        || share.value.0 * g() != eval_commitments(&dealer.coefficients, share.recipient)
    {
        return Err(VerifyError::BadShare {
            dealer: share.dealer,
            recipient: share.recipient,
        });
    }
    Ok(())
}

/// `K = sum_i C_i0`.
pub fn joint_key(all: &[TrusteeCommitments]) -> RistrettoPoint {
    all.iter()
        .filter_map(|c| c.coefficients.first())
        .fold(RistrettoPoint::identity(), |acc, c| acc + c.0)
}

/// `X_l = sum_i sum_j l^j C_ij`: trustee `l`'s public share.
pub fn public_share(all: &[TrusteeCommitments], l: u32) -> RistrettoPoint {
    all.iter()
        .map(|c| eval_commitments(&c.coefficients, l))
        .fold(RistrettoPoint::identity(), |acc, p| acc + p)
}

/// A trustee's key share `x_l = F(l)`. Zeroized on drop; `Debug` prints
/// nothing secret.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyShare {
    /// The trustee's index.
    pub index: u32,
    /// `x_l`.
    pub secret: Sc,
}

impl Drop for KeyShare {
    fn drop(&mut self) {
        self.secret.0.zeroize();
    }
}

impl fmt::Debug for KeyShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyShare {{ index: {}, .. }}", self.index)
    }
}

impl KeyShare {
    /// Trustee `index`'s key share from the shares every dealer sent it,
    /// each checked against that dealer's commitments first (the first
    /// bad one is named). Exactly one share per dealer is required.
    pub fn combine(
        index: u32,
        all: &[TrusteeCommitments],
        shares: &[Share],
    ) -> Result<KeyShare, VerifyError> {
        let mut secret = Scalar::ZERO;
        for dealer in all {
            let share = shares
                .iter()
                .find(|s| s.dealer == dealer.index && s.recipient == index)
                .ok_or_else(|| {
                    VerifyError::MalformedElection(format!(
                        "no share from trustee {} for trustee {index}",
                        dealer.index
                    ))
                })?;
            verify_share(dealer, share)?;
            secret += share.value.0;
        }
        if shares.len() != all.len() {
            return Err(VerifyError::MalformedElection(format!(
                "{} shares for {} dealers",
                shares.len(),
                all.len()
            )));
        }
        Ok(KeyShare {
            index,
            secret: Sc(secret),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn ceremony(n: u32, k: usize) -> (Vec<Dealer>, Vec<TrusteeCommitments>) {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1); // ok: test
        (1..=n)
            .map(|i| Dealer::new("e1", i, k, &mut rng).unwrap())
            .unzip()
    }

    #[test]
    fn shares_verify_and_key_shares_match_public_shares() {
        let (dealers, all) = ceremony(5, 3);
        for c in &all {
            verify_commitments("e1", 3, c).unwrap();
        }
        for l in 1..=5u32 {
            let shares: Vec<Share> = dealers.iter().map(|d| d.share_for(l)).collect();
            let ks = KeyShare::combine(l, &all, &shares).unwrap();
            assert_eq!(ks.secret.0 * g(), public_share(&all, l));
        }
        assert!(!format!("{:?}", dealers[0].share_for(2)).contains("value"));
    }

    #[test]
    fn a_bad_share_names_its_dealer() {
        let (dealers, all) = ceremony(3, 2);
        let mut shares: Vec<Share> = dealers.iter().map(|d| d.share_for(1)).collect();
        shares[1].value = Sc(shares[1].value.0 + Scalar::ONE);
        assert_eq!(
            KeyShare::combine(1, &all, &shares).unwrap_err(),
            VerifyError::BadShare {
                dealer: 2,
                recipient: 1
            }
        );
        // A share checked against another dealer's commitments fails too.
        assert!(verify_share(&all[0], &dealers[1].share_for(1)).is_err());
    }

    #[test]
    fn proofs_of_knowledge_are_bound_to_election_trustee_and_commitment() {
        let (_, all) = ceremony(2, 2);
        assert!(verify_commitments("e2", 2, &all[0]).is_err());
        let mut moved = all[0].clone();
        moved.index = 2;
        assert_eq!(
            verify_commitments("e1", 2, &moved),
            Err(VerifyError::BadCommitments { trustee: 2 })
        );
        let mut swapped = all[0].clone();
        swapped.coefficients[1] = all[1].coefficients[1];
        assert!(verify_commitments("e1", 2, &swapped).is_err());
        assert!(verify_commitments("e1", 3, &all[0]).is_err());
    }
}
