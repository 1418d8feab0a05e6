//! Threshold decryption of the tally, with proofs anyone can check.
//!
//! # Partial decryption
//!
//! For the aggregate ciphertexts `(A_j, B_j)` (the sum of every counted
//! ballot, [`super::group::aggregate`]), trustee `l` with key share `x_l`
//! and public share `X_l = x_l G` publishes `D_j = x_l A_j` and, for every
//! option, a Chaum-Pedersen proof that `log_G X_l = log_{A_j} D_j`.
//!
//! Transcript, domain `zkgov.decryption.v1`: `election`, `trustee` (`l`),
//! `public-share` (`X_l`); then, forked for each option `j`: `option`
//! (`j`), `cipher-a` (`A_j`), `partial` (`D_j`), `cp-t1` (`w_j G`),
//! `cp-t2` (`w_j A_j`), challenge `cp-c` (`c_j`); response
//! `z_j = w_j + c_j x_l`. The verifier checks, per option,
//! `z_j G = t1_j + c_j X_l` and `z_j A_j = t2_j + c_j D_j`, and names the
//! option that fails (each option's challenge depends on that option
//! only, so a bad partial of option 1 leaves option 0's proof valid). Special soundness: two
//! accepting transcripts with different challenges give one `x` with
//! `X_l = x G` and `D_j = x A_j`, so `D_j` is the correct partial.
//!
//! # Combination
//!
//! For a set `S` of at least `k` trustees, with Lagrange coefficients at
//! zero `λ_l = prod_{m in S, m != l} m / (m - l)`,
//! `sum_{l in S} λ_l D_j = F(0) A_j`, so `B_j - sum λ_l D_j = t_j G`
//! where `t_j` is option `j`'s total. Fewer than `k` shares interpolate
//! a different polynomial value and give garbage; [`combine`] refuses
//! them before doing any arithmetic ([`VerifyError::QuorumNotMet`]).
//!
//! `t_j` is small (at most the number of ballots times the option's
//! maximum): the tallier finds it by baby-step giant-step
//! ([`discrete_log`]); anyone checks a published result with one scalar
//! multiplication per option ([`check_counts`]).

use std::collections::HashMap;

use curve25519_dalek::{ristretto::RistrettoPoint, scalar::Scalar, traits::Identity};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::{
    dkg::KeyShare,
    group::{g, Ciphertext, Point, Sc},
    transcript::{Msg, Protocol, TranscriptExt},
};
use crate::VerifyError;

/// A Chaum-Pedersen proof for one option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpProof {
    /// `w G`.
    pub t1: Point,
    /// `w A`.
    pub t2: Point,
    /// `w + c x`.
    pub z: Sc,
}

/// A trustee's partial decryption of the aggregate, option by option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialDecryption {
    /// The trustee's index.
    pub trustee: u32,
    /// `D_j = x_l A_j`.
    pub shares: Vec<Point>,
    /// One proof per option.
    pub proofs: Vec<CpProof>,
}

fn transcript(election: &str, trustee: u32, public_share: &RistrettoPoint) -> merlin::Transcript {
    let mut t = Protocol::Decryption.transcript();
    t.put_bytes(Msg::Election, election.as_bytes());
    t.put_u64(Msg::Trustee, u64::from(trustee));
    t.put_point(Msg::PublicShare, public_share);
    t
}

/// Option `j`'s challenge: the common transcript, forked per option.
fn challenge(
    base: &merlin::Transcript,
    j: usize,
    c: &Ciphertext,
    d: &RistrettoPoint,
    t1: &RistrettoPoint,
    t2: &RistrettoPoint,
) -> Scalar {
    let mut t = base.clone();
    t.put_u64(Msg::OptionIndex, j as u64);
    t.put_point(Msg::CipherA, &c.a.0);
    t.put_point(Msg::Partial, d);
    t.put_point(Msg::CpT1, t1);
    t.put_point(Msg::CpT2, t2);
    t.challenge(Msg::CpChallenge)
}

/// Trustee `key.index`'s partial decryption of `aggregate`.
pub fn partial_decrypt<R: RngCore + CryptoRng>(
    election: &str,
    key: &KeyShare,
    aggregate: &[Ciphertext],
    rng: &mut R,
) -> PartialDecryption {
    let x = key.secret.0;
    let public = x * g();
    let shares: Vec<Point> = aggregate.iter().map(|c| Point(x * c.a.0)).collect();
    let base = transcript(election, key.index, &public);
    let proofs = aggregate
        .iter()
        .zip(&shares)
        .enumerate()
        .map(|(j, (c, d))| {
            let w = Scalar::random(rng);
            let (t1, t2) = (w * g(), w * c.a.0);
            let ch = challenge(&base, j, c, &d.0, &t1, &t2);
            CpProof {
                t1: Point(t1),
                t2: Point(t2),
                z: Sc(w + ch * x),
            }
        })
        .collect();
    PartialDecryption {
        trustee: key.index,
        shares,
        proofs,
    }
}

/// Checks `p` against the trustee's public share and the aggregate; a
/// failure names the trustee and the option.
pub fn verify_partial(
    election: &str,
    public_share: &RistrettoPoint,
    aggregate: &[Ciphertext],
    p: &PartialDecryption,
) -> Result<(), VerifyError> {
    if p.shares.len() != aggregate.len() || p.proofs.len() != aggregate.len() {
        return Err(VerifyError::MalformedElection(format!(
            "trustee {}'s partial decryption has {} shares and {} proofs for {} options",
            p.trustee,
            p.shares.len(),
            p.proofs.len(),
            aggregate.len()
        )));
    }
    let base = transcript(election, p.trustee, public_share);
    for (j, ((pr, d), ct)) in p.proofs.iter().zip(&p.shares).zip(aggregate).enumerate() {
        let c = challenge(&base, j, ct, &d.0, &pr.t1.0, &pr.t2.0);
        if pr.z.0 * g() != pr.t1.0 + c * public_share || pr.z.0 * ct.a.0 != pr.t2.0 + c * d.0 {
            return Err(VerifyError::InvalidDecryption {
                trustee: p.trustee,
                option: j,
            });
        }
    }
    Ok(())
}

/// `λ_l` at zero for the index set `set` (distinct, non-zero).
fn lagrange_at_zero(set: &[u32], l: u32) -> Scalar {
    let (mut num, mut den) = (Scalar::ONE, Scalar::ONE);
    let xl = Scalar::from(l);
    for &m in set.iter().filter(|&&m| m != l) {
        let xm = Scalar::from(m);
        num *= xm;
        den *= xm - xl;
    }
    num * den.invert()
}

/// `t_j G = B_j - sum_l λ_l D_j` for every option, from at least `quorum`
/// partial decryptions of distinct trustees (each already verified).
pub fn combine(
    quorum: usize,
    aggregate: &[Ciphertext],
    partials: &[&PartialDecryption],
) -> Result<Vec<RistrettoPoint>, VerifyError> {
    let mut set: Vec<u32> = partials.iter().map(|p| p.trustee).collect();
    set.sort_unstable();
    set.dedup();
    if set.len() != partials.len() || set.contains(&0) {
        return Err(VerifyError::MalformedElection(
            "partial decryptions must come from distinct trustees".into(),
        ));
    }
    if set.len() < quorum {
        return Err(VerifyError::QuorumNotMet {
            have: set.len(),
            need: quorum,
        });
    }
    if partials.iter().any(|p| p.shares.len() != aggregate.len()) {
        return Err(VerifyError::MalformedElection(
            "a partial decryption does not cover every option".into(),
        ));
    }
    Ok(interpolate(&set, aggregate, partials))
}

fn interpolate(
    set: &[u32],
    aggregate: &[Ciphertext],
    partials: &[&PartialDecryption],
) -> Vec<RistrettoPoint> {
    let lambdas: Vec<Scalar> = partials
        .iter()
        .map(|p| lagrange_at_zero(set, p.trustee))
        .collect();
    aggregate
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let mixed = partials
                .iter()
                .zip(&lambdas)
                .fold(RistrettoPoint::identity(), |acc, (p, l)| {
                    acc + l * p.shares[j].0
                });
            c.b.0 - mixed
        })
        .collect()
}

/// Checks a published result: `counts[j] G` equals the combined
/// decryption of option `j`.
pub fn check_counts(combined: &[RistrettoPoint], counts: &[u64]) -> Result<(), VerifyError> {
    if combined.len() != counts.len() {
        return Err(VerifyError::TallyMismatch(format!(
            "{} counts for {} options",
            counts.len(),
            combined.len()
        )));
    }
    for (j, (p, n)) in combined.iter().zip(counts).enumerate() {
        if Scalar::from(*n) * g() != *p {
            return Err(VerifyError::TallyMismatch(format!(
                "option {j}: the decryption is not {n}"
            )));
        }
    }
    Ok(())
}

/// The `t` in `0..=max` with `t G = p`, by baby-step giant-step
/// (`O(sqrt(max))` time and memory), or `None`.
pub fn discrete_log(p: &RistrettoPoint, max: u64) -> Option<u64> {
    let step = ((max as f64).sqrt() as u64).saturating_add(1);
    let mut baby = HashMap::with_capacity(step as usize);
    let mut acc = RistrettoPoint::identity();
    for j in 0..step {
        baby.insert(acc.compress().to_bytes(), j);
        acc += g();
    }
    // acc = step G
    let mut giant = *p;
    let mut i = 0u64;
    while i.saturating_mul(step) <= max {
        if let Some(j) = baby.get(giant.compress().as_bytes()) {
            let t = i * step + j; // ok: <= max + step
            return (t <= max).then_some(t);
        }
        giant -= acc;
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::dkg::{joint_key, public_share, Dealer, Share};
    use rand::SeedableRng;

    struct Setup {
        keys: Vec<KeyShare>,
        publics: Vec<RistrettoPoint>,
        joint: RistrettoPoint,
    }

    fn setup(n: u32, k: usize) -> Setup {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2); // ok: test
        let (dealers, all): (Vec<Dealer>, Vec<_>) = (1..=n)
            .map(|i| Dealer::new("e", i, k, &mut rng).unwrap())
            .unzip();
        let keys = (1..=n)
            .map(|l| {
                let shares: Vec<Share> = dealers.iter().map(|d| d.share_for(l)).collect();
                KeyShare::combine(l, &all, &shares).unwrap()
            })
            .collect();
        Setup {
            keys,
            publics: (1..=n).map(|l| public_share(&all, l)).collect(),
            joint: joint_key(&all),
        }
    }

    fn tally(s: &Setup, votes: &[u64]) -> Vec<Ciphertext> {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3); // ok: test
        votes
            .iter()
            .map(|v| Ciphertext::encrypt(&s.joint, *v, &Scalar::random(&mut rng)))
            .collect()
    }

    #[test]
    fn any_quorum_decrypts_and_proofs_verify() {
        let s = setup(5, 3);
        let agg = tally(&s, &[17, 0, 250]);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(4); // ok: test
        let partials: Vec<PartialDecryption> = s
            .keys
            .iter()
            .map(|k| partial_decrypt("e", k, &agg, &mut rng))
            .collect();
        for (p, x) in partials.iter().zip(&s.publics) {
            verify_partial("e", x, &agg, p).unwrap();
        }
        for set in [[0, 1, 2], [1, 3, 4], [0, 2, 4]] {
            let chosen: Vec<&PartialDecryption> = set.iter().map(|&i| &partials[i]).collect();
            let m = combine(3, &agg, &chosen).unwrap();
            check_counts(&m, &[17, 0, 250]).unwrap();
            assert!(check_counts(&m, &[17, 1, 250]).is_err());
            let found: Vec<u64> = m.iter().map(|p| discrete_log(p, 300).unwrap()).collect();
            assert_eq!(found, [17, 0, 250]);
        }
        // All five work as well as three.
        let all: Vec<&PartialDecryption> = partials.iter().collect();
        check_counts(&combine(3, &agg, &all).unwrap(), &[17, 0, 250]).unwrap();
    }

    #[test]
    fn fewer_than_quorum_trustees_decrypt_nothing() {
        let s = setup(5, 3);
        let agg = tally(&s, &[5]);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5); // ok: test
        let two: Vec<PartialDecryption> = s.keys[..2]
            .iter()
            .map(|k| partial_decrypt("e", k, &agg, &mut rng))
            .collect();
        let refs: Vec<&PartialDecryption> = two.iter().collect();
        assert_eq!(
            combine(3, &agg, &refs).unwrap_err(),
            VerifyError::QuorumNotMet { have: 2, need: 3 }
        );
        // And the arithmetic itself yields nothing: interpolating two
        // shares of a degree-2 polynomial misses F(0).
        let garbage = interpolate(&[1, 2], &agg, &refs);
        assert_eq!(discrete_log(&garbage[0], 100_000), None);
    }

    #[test]
    fn a_wrong_partial_or_proof_is_named() {
        let s = setup(3, 2);
        let agg = tally(&s, &[1, 2]);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(6); // ok: test
        let good = partial_decrypt("e", &s.keys[1], &agg, &mut rng);
        let mut bad = good.clone();
        bad.shares[1] = Point(bad.shares[1].0 + g());
        assert_eq!(
            verify_partial("e", &s.publics[1], &agg, &bad),
            Err(VerifyError::InvalidDecryption {
                trustee: 2,
                option: 1
            })
        );
        let mut bad_z = good.clone();
        bad_z.proofs[0].z = Sc(bad_z.proofs[0].z.0 + Scalar::ONE);
        assert!(verify_partial("e", &s.publics[1], &agg, &bad_z).is_err());
        // Against another trustee's public share, or another election.
        assert!(verify_partial("e", &s.publics[0], &agg, &good).is_err());
        assert!(verify_partial("f", &s.publics[1], &agg, &good).is_err());
        // Against a tampered aggregate.
        let mut agg2 = agg.clone();
        agg2[0].a = Point(agg2[0].a.0 + g());
        assert!(verify_partial("e", &s.publics[1], &agg2, &good).is_err());
    }

    #[test]
    fn discrete_log_covers_the_range_exactly() {
        for t in [0u64, 1, 9, 10, 11, 99, 100] {
            assert_eq!(discrete_log(&(Scalar::from(t) * g()), 100), Some(t));
        }
        assert_eq!(discrete_log(&(Scalar::from(101u64) * g()), 100), None);
        assert_eq!(discrete_log(&(Scalar::from(0u64) * g()), 0), Some(0));
    }
}
