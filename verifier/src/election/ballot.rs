//! The encrypted ballot and its proof of well-formedness.
//!
//! # Statement
//!
//! Public: the election id `E`, the voter's nullifier `N`, the joint key
//! `K`, the rules (`m` options, per-option maxima `M_j`, total limits
//! `L <= U`), and the ballot: for each option `j` a ciphertext
//! `(A_j, B_j)` and a value commitment `V_j`.
//!
//! The voter proves knowledge of `v_j, r_j` (for every `j`) with
//!
//! ```text
//! A_j = r_j G,   B_j = v_j G + r_j K,   V_j = v_j G + r_j H      (link)
//! 0 <= v_j <= M_j,   L <= T = sum_j v_j <= U                     (range)
//! ```
//!
//! # Protocol
//!
//! One merlin transcript, domain `zkgov.ballot.v1` ([`Protocol::Ballot`]),
//! absorbs `E` (`election`), `N` (`nullifier`), `K` (`joint-key`), the
//! rules (`rules`) and, per option, `A_j, B_j, V_j` (`cipher-a`,
//! `cipher-b`, `commitment`).
//!
//! **Link (Σ-protocol, one challenge for all options).** For each `j` the
//! prover picks `a_j, b_j` at random and appends
//! `t1_j = a_j G`, `t2_j = b_j G + a_j K`, `t3_j = b_j G + a_j H`
//! (`link-t1`, `link-t2`, `link-t3`); the challenge is `c` (`link-c`);
//! the responses are `z_r,j = a_j + c r_j` and `z_v,j = b_j + c v_j`. The
//! verifier checks, for every `j`,
//!
//! ```text
//! z_r G = t1 + c A,   z_v G + z_r K = t2 + c B,   z_v G + z_r H = t3 + c V
//! ```
//!
//! as one multi-scalar multiplication, the `3m` equations weighted by
//! random scalars from the caller's RNG (a false equation survives with
//! probability `1/l`).
//!
//! **Range (aggregated Bulletproof, same transcript).** The verifier
//! derives, from the `V_j` and the rules alone, the commitments
//!
//! ```text
//! V_j               = v_j G       + r_j H      (v_j >= 0)
//! M_j G - V_j       = (M_j - v_j) G - r_j H    (v_j <= M_j)
//! sum V_j - L G     = (T - L) G   + R H        (T >= L),  R = sum r_j
//! U G - sum V_j     = (U - T) G   - R H        (T <= U)
//! identity          = 0 G + 0 H                (padding to a power of two)
//! ```
//!
//! and checks one aggregated range proof that each opens to a value in
//! `[0, 2^n)`, `n` in {8, 16} the smallest that covers every `M_j` and
//! `U` ([`SelectionRules::range_bits`]). The prover never names these
//! commitments: it can only prove about the ones the verifier derives.
//!
//! # Why it is sound
//!
//! Special soundness of the Σ-protocol extracts `(v_j, r_j)` satisfying
//! all three link equations, so the ciphertext decrypts to `v_j G` and
//! `V_j` opens to `(v_j, r_j)`. Pedersen commitments are binding (nobody
//! knows `log_G H`), so the Bulletproof's openings are these same values:
//! `v_j` and `M_j - v_j` both lie in `[0, 2^n)`. Their sum is `M_j < 2^n`,
//! far below the group order, so no wrap-around is possible: `0 <= v_j <=
//! M_j` as integers. Likewise `L <= T <= U`. Fiat-Shamir over one
//! transcript that starts with `E`, `N`, `K` and the rules means a proof
//! is valid for this election, this nullifier and this ballot only: moved
//! to another voter's nullifier or to another election it fails, and so
//! does a ballot whose ciphertexts were swapped for someone else's.
//!
//! Zero knowledge: the Σ-protocol is honest-verifier zero-knowledge and
//! Bulletproofs are zero-knowledge; exponential ElGamal hides `v_j` under
//! DDH as long as fewer than the quorum of trustees collude.
//!
//! The ballot's hash ([`ballot_hash`]) is a public input of the voter's
//! Groth16 eligibility proof, which ties the two proofs together.

use std::sync::OnceLock;

use bulletproofs::{BulletproofGens, PedersenGens, RangeProof};
use curve25519_dalek::{
    ristretto::{CompressedRistretto, RistrettoPoint},
    scalar::Scalar,
    traits::{Identity, VartimeMultiscalarMul},
};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    group::{g, h, Ciphertext, Point, Sc},
    transcript::{Msg, Protocol, TranscriptExt},
};
use crate::{encoding::base64_bytes, field::Fr, Label, Nullifier, VerifyError};

/// Most options an election may have.
pub const MAX_OPTIONS: usize = 16;
/// Largest per-option maximum and total limit.
pub const MAX_VALUE: u64 = 65_535;

fn malformed(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedBallot(msg.into())
}

/// What a ballot may select: covers single choice (`max_per_option` all 1,
/// total exactly 1), approval with a limit (all 1, total `0..=k`) and
/// score voting (per-option maxima above 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionRules {
    /// Maximum value of each option, in option order (1 for yes/no).
    pub max_per_option: Vec<u64>,
    /// Smallest allowed sum of the values.
    pub min_total: u64,
    /// Largest allowed sum of the values.
    pub max_total: u64,
}

impl SelectionRules {
    /// One choice among `options`.
    pub fn single_choice(options: usize) -> Self {
        SelectionRules {
            max_per_option: vec![1; options],
            min_total: 1,
            max_total: 1,
        }
    }

    /// Refuses rules no ballot could meet or the proof cannot express.
    pub fn check(&self) -> Result<(), VerifyError> {
        let m = self.max_per_option.len();
        let bad = |s: String| Err(VerifyError::MalformedElection(s));
        if m == 0 || m > MAX_OPTIONS {
            return bad(format!(
                "an election has 1 to {MAX_OPTIONS} options, not {m}"
            ));
        }
        if self.max_per_option.iter().any(|&x| x == 0 || x > MAX_VALUE) {
            return bad(format!("each option's maximum is 1 to {MAX_VALUE}"));
        }
        let sum: u64 = self.max_per_option.iter().sum(); // ok: <= 16 * 65535
        if self.max_total == 0 || self.max_total > MAX_VALUE || self.min_total > self.max_total {
            return bad(format!(
                "the total limits must satisfy min <= max, 1 <= max <= {MAX_VALUE}"
            ));
        }
        if self.min_total > sum {
            return bad("the minimum total is more than all options together allow".into());
        }
        Ok(())
    }

    /// Number of options.
    pub fn options(&self) -> usize {
        self.max_per_option.len()
    }

    /// Whether `votes` meets the rules.
    pub fn allows(&self, votes: &[u64]) -> bool {
        votes.len() == self.options()
            && votes.iter().zip(&self.max_per_option).all(|(v, m)| v <= m)
            && {
                let t: u64 = votes.iter().sum(); // ok: each <= 65535, at most 16
                self.min_total <= t && t <= self.max_total
            }
    }

    /// The Bulletproof bit size: 8 when every maximum is below 2^8, else 16.
    pub fn range_bits(&self) -> usize {
        let top = self
            .max_per_option
            .iter()
            .copied()
            .chain([self.max_total])
            .max()
            .unwrap_or(0);
        if top < 256 {
            8
        } else {
            16
        }
    }

    /// Number of range-proven values, padded to a power of two.
    fn ranges(&self) -> usize {
        (2 * self.options() + 2).next_power_of_two()
    }

    fn absorb(&self, t: &mut merlin::Transcript) {
        let mut bytes = Vec::with_capacity(8 * (self.options() + 3));
        bytes.extend((self.options() as u64).to_le_bytes());
        for m in &self.max_per_option {
            bytes.extend(m.to_le_bytes());
        }
        bytes.extend(self.min_total.to_le_bytes());
        bytes.extend(self.max_total.to_le_bytes());
        t.put_bytes(Msg::Rules, &bytes);
    }
}

/// Bulletproof generators for up to 16 bits and 64 values, built once.
fn bp_gens() -> &'static BulletproofGens {
    static GENS: OnceLock<BulletproofGens> = OnceLock::new();
    GENS.get_or_init(|| BulletproofGens::new(16, 2 * MAX_OPTIONS + 2))
}

/// Everything a ballot proof is about except the ballot itself.
#[derive(Clone, Copy, Debug)]
pub struct BallotStatement<'a> {
    /// The election id.
    pub election: &'a str,
    /// The voter's nullifier for this election.
    pub nullifier: &'a Nullifier,
    /// The joint election key.
    pub key: &'a RistrettoPoint,
    /// The election's rules.
    pub rules: &'a SelectionRules,
}

impl BallotStatement<'_> {
    fn transcript(&self) -> merlin::Transcript {
        let mut t = Protocol::Ballot.transcript();
        t.put_bytes(Msg::Election, self.election.as_bytes());
        t.put_bytes(
            Msg::Nullifier,
            &crate::field::to_bytes_le(&self.nullifier.0),
        );
        t.put_point(Msg::JointKey, self.key);
        self.rules.absorb(&mut t);
        t
    }
}

/// The Σ-proof of one option's link equations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkProof {
    /// `a G`.
    pub t1: Point,
    /// `b G + a K`.
    pub t2: Point,
    /// `b G + a H`.
    pub t3: Point,
    /// `a + c r`.
    pub z_r: Sc,
    /// `b + c v`.
    pub z_v: Sc,
}

/// An encrypted ballot with its proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedBallot {
    /// One ciphertext per option.
    pub ciphertexts: Vec<Ciphertext>,
    /// One value commitment per option.
    pub commitments: Vec<Point>,
    /// One link proof per option.
    pub links: Vec<LinkProof>,
    /// The aggregated range proof (base64 on the wire).
    #[serde(with = "base64_bytes")]
    pub range_proof: Vec<u8>,
}

/// Encrypts `votes` (one value per option) and proves the ballot well
/// formed for `st`. Refuses votes that break the rules: an honest voter's
/// software never produces a ballot the ledger would refuse.
pub fn encrypt_ballot<R: RngCore + CryptoRng>(
    st: &BallotStatement<'_>,
    votes: &[u64],
    rng: &mut R,
) -> Result<EncryptedBallot, VerifyError> {
    st.rules.check()?;
    if !st.rules.allows(votes) {
        return Err(malformed(
            "the selection breaks the election's rules (per-option maximum or total limits)",
        ));
    }
    encrypt_ballot_unchecked(st, votes, rng) // ok: the rules were checked just above
}

/// [`encrypt_ballot`] without the rules check, for tests and
/// demonstrations of a cheating voter: when `votes` break the rules, the
/// ballot's range proof cannot be valid (the prover commits to values
/// that are not the ones the verifier derives) and every verifier refuses
/// it. Refuses only a wrong number of votes.
pub fn encrypt_ballot_unchecked<R: RngCore + CryptoRng>(
    st: &BallotStatement<'_>,
    votes: &[u64],
    rng: &mut R,
) -> Result<EncryptedBallot, VerifyError> {
    build_ballot(st, votes, st.rules, rng)
}

/// The prover: the transcript absorbs `st` (its rules included), while the
/// range proof's values are computed from `value_rules` — `st.rules` for
/// every real prover; other rules only in the tests' cheating prover,
/// whose ballot the verifier must refuse.
pub(crate) fn build_ballot<R: RngCore + CryptoRng>(
    st: &BallotStatement<'_>,
    votes: &[u64],
    value_rules: &SelectionRules,
    rng: &mut R,
) -> Result<EncryptedBallot, VerifyError> {
    if votes.len() != st.rules.options() {
        return Err(malformed(format!(
            "{} votes for {} options",
            votes.len(),
            st.rules.options()
        )));
    }
    let (gg, hh, k) = (g(), h(), *st.key);
    let r: Vec<Scalar> = votes.iter().map(|_| Scalar::random(rng)).collect();
    let mut t = st.transcript();
    let mut ciphertexts = Vec::with_capacity(votes.len());
    let mut commitments = Vec::with_capacity(votes.len());
    for (v, r) in votes.iter().zip(&r) {
        let c = Ciphertext::encrypt(&k, *v, r);
        let com = Point(Scalar::from(*v) * gg + r * hh);
        t.put_point(Msg::CipherA, &c.a.0);
        t.put_point(Msg::CipherB, &c.b.0);
        t.put_point(Msg::Commitment, &com.0);
        ciphertexts.push(c);
        commitments.push(com);
    }
    // Σ-proof: first messages for every option, one challenge.
    let nonces: Vec<(Scalar, Scalar)> = votes
        .iter()
        .map(|_| (Scalar::random(rng), Scalar::random(rng)))
        .collect();
    let firsts: Vec<[RistrettoPoint; 3]> = nonces
        .iter()
        .map(|(a, b)| [a * gg, b * gg + a * k, b * gg + a * hh])
        .collect();
    for f in &firsts {
        t.put_point(Msg::LinkT1, &f[0]);
        t.put_point(Msg::LinkT2, &f[1]);
        t.put_point(Msg::LinkT3, &f[2]);
    }
    let c = t.challenge(Msg::LinkChallenge);
    let links = firsts
        .iter()
        .zip(&nonces)
        .zip(votes.iter().zip(&r))
        .map(|((f, (a, b)), (v, r))| LinkProof {
            t1: Point(f[0]),
            t2: Point(f[1]),
            t3: Point(f[2]),
            z_r: Sc(a + c * r),
            z_v: Sc(b + c * Scalar::from(*v)),
        })
        .collect();
    // Range: the values behind the commitments the verifier derives.
    let (rules, vr) = (st.rules, value_rules);
    let total = votes.iter().fold(0u64, |a, v| a.wrapping_add(*v));
    let big_r: Scalar = r.iter().sum();
    let mut values = Vec::with_capacity(rules.ranges());
    let mut blindings = Vec::with_capacity(rules.ranges());
    for ((v, r), m) in votes.iter().zip(&r).zip(&vr.max_per_option) {
        // Wrapping only when the votes break the rules (unchecked).
        values.extend([*v, m.wrapping_sub(*v)]);
        blindings.extend([*r, -r]);
    }
    values.extend([
        total.wrapping_sub(vr.min_total),
        vr.max_total.wrapping_sub(total),
    ]);
    blindings.extend([big_r, -big_r]);
    values.resize(rules.ranges(), 0);
    blindings.resize(rules.ranges(), Scalar::ZERO);
    let (proof, _) = RangeProof::prove_multiple_with_rng(
        bp_gens(),
        &PedersenGens::default(),
        &mut t,
        &values,
        &blindings,
        rules.range_bits(),
        rng,
    )
    .map_err(|e| malformed(format!("range proof: {e:?}")))?;
    Ok(EncryptedBallot {
        ciphertexts,
        commitments,
        links,
        range_proof: proof.to_bytes(),
    })
}

/// The commitments the range proof is about, derived from the ballot's
/// value commitments and the rules (see the module notes).
fn range_commitments(rules: &SelectionRules, v: &[Point]) -> Vec<CompressedRistretto> {
    let gg = g();
    let mut out = Vec::with_capacity(rules.ranges());
    let mut sum = RistrettoPoint::identity();
    for (vj, m) in v.iter().zip(&rules.max_per_option) {
        out.push(vj.0.compress());
        out.push((Scalar::from(*m) * gg - vj.0).compress());
        sum += vj.0;
    }
    out.push((sum - Scalar::from(rules.min_total) * gg).compress());
    out.push((Scalar::from(rules.max_total) * gg - sum).compress());
    out.resize(rules.ranges(), RistrettoPoint::identity().compress());
    out
}

/// Checks `ballot`'s proof for `st`. The RNG weighs the Σ equations and
/// the range proof's check (the verifier does no OS access: pass the OS
/// RNG in production).
pub fn verify_ballot<R: RngCore + CryptoRng>(
    st: &BallotStatement<'_>,
    ballot: &EncryptedBallot,
    rng: &mut R,
) -> Result<(), VerifyError> {
    let m = st.rules.options();
    if ballot.ciphertexts.len() != m || ballot.commitments.len() != m || ballot.links.len() != m {
        return Err(malformed(format!(
            "the election has {m} options; the ballot has {} ciphertexts, {} commitments and {} link proofs",
            ballot.ciphertexts.len(),
            ballot.commitments.len(),
            ballot.links.len()
        )));
    }
    let range = RangeProof::from_bytes(&ballot.range_proof)
        .map_err(|_| malformed("the range proof is not a Bulletproof encoding"))?;
    let mut t = st.transcript();
    for (c, v) in ballot.ciphertexts.iter().zip(&ballot.commitments) {
        t.put_point(Msg::CipherA, &c.a.0);
        t.put_point(Msg::CipherB, &c.b.0);
        t.put_point(Msg::Commitment, &v.0);
    }
    for l in &ballot.links {
        t.put_point(Msg::LinkT1, &l.t1.0);
        t.put_point(Msg::LinkT2, &l.t2.0);
        t.put_point(Msg::LinkT3, &l.t3.0);
    }
    let c = t.challenge(Msg::LinkChallenge);
    // sum_j rho1 (z_r G - t1 - c A) + rho2 (z_v G + z_r K - t2 - c B)
    //     + rho3 (z_v G + z_r H - t3 - c V) = 0
    let (mut sg, mut sk, mut sh) = (Scalar::ZERO, Scalar::ZERO, Scalar::ZERO);
    let mut scalars = Vec::with_capacity(6 * m + 3);
    let mut points = Vec::with_capacity(6 * m + 3);
    for ((l, ct), v) in ballot
        .links
        .iter()
        .zip(&ballot.ciphertexts)
        .zip(&ballot.commitments)
    {
        let (r1, r2, r3) = (
            Scalar::random(rng),
            Scalar::random(rng),
            Scalar::random(rng),
        );
        sg += r1 * l.z_r.0 + (r2 + r3) * l.z_v.0;
        sk += r2 * l.z_r.0;
        sh += r3 * l.z_r.0;
        scalars.extend([-r1, -r1 * c, -r2, -r2 * c, -r3, -r3 * c]);
        points.extend([l.t1.0, ct.a.0, l.t2.0, ct.b.0, l.t3.0, v.0]);
    }
    scalars.extend([sg, sk, sh]);
    points.extend([g(), *st.key, h()]);
    if RistrettoPoint::vartime_multiscalar_mul(scalars, points) != RistrettoPoint::identity() {
        return Err(VerifyError::InvalidBallot(
            "the proofs linking ciphertexts to commitments do not verify",
        ));
    }
    let commitments = range_commitments(st.rules, &ballot.commitments);
    range
        .verify_multiple_with_rng(
            bp_gens(),
            &PedersenGens::default(),
            &mut t,
            &commitments,
            st.rules.range_bits(),
            rng,
        )
        .map_err(|_| {
            VerifyError::InvalidBallot(
                "the range proof does not verify: a value or the total is outside the election's rules",
            )
        })
}

/// The ballot's hash as a BN254 field element: the first 31 bytes of
/// `SHA-256("zkgov.ballot-hash.v1\n" || canonical JSON of the ballot)`,
/// read big-endian (below `2^248 < r`). It is a public input of the
/// eligibility proof.
pub fn ballot_hash(ballot: &EncryptedBallot) -> Fr {
    let mut d = Sha256::new();
    d.update(Label::BallotHashV1.as_str().as_bytes());
    d.update(b"\n");
    d.update(serde_json::to_vec(ballot).unwrap_or_default());
    let digest = d.finalize();
    let mut be = [0u8; 32];
    be[1..].copy_from_slice(&digest[..31]);
    <Fr as ark_ff::PrimeField>::from_be_bytes_mod_order(&be) // ok: 31 bytes, below 2^248 < r
}

#[cfg(test)]
mod tests;
