//! Multi-scalar multiplication in G1 with batch-affine bucket accumulation.
//!
//! Pippenger's method with signed `c`-bit digits: scalar `k_i` is written
//! as `sum_j d_ij 2^(c j)` with `d_ij` in `[-2^(c-1), 2^(c-1)]`, so window `j`
//! needs `2^(c-1)` buckets, bucket `|d| - 1` collecting `sign(d) P_i`. A
//! window's sum is `sum_b (b + 1) S_b`, computed with a running sum from the
//! top bucket down; the windows combine by Horner's rule with `c` doublings
//! each.
//!
//! The difference from `ark-ec`'s `VariableBaseMSM` is how buckets
//! accumulate: buckets stay affine, and additions are done in batches that
//! share one field inversion (Montgomery's trick), so an addition costs
//! about 6 multiplications instead of a mixed addition's 11. A batch holds
//! at most one addition per bucket; a point whose bucket is already in the
//! batch waits for the next one. `P + P` (doubling) and `P + (-P)` (empty
//! bucket) are handled in the batch. Windows run in parallel.
//!
//! Below [`SMALL`] points, `ark-ec`'s MSM is used.

use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::{AdditiveGroup, AffineRepr, VariableBaseMSM};
use ark_ff::{BigInteger, Field, One, PrimeField, Zero};
use rayon::prelude::*;

type BigInt = <Fr as PrimeField>::BigInt;

/// Below this many points the batching does not pay.
pub(crate) const SMALL: usize = 256;
/// Additions sharing one inversion.
const BATCH: usize = 512;

fn window_bits(n: usize) -> usize {
    // About log2(n) - 2, as usual for Pippenger with signed digits.
    let log = usize::BITS as usize - n.leading_zeros() as usize;
    log.saturating_sub(2).clamp(6, 16)
}

/// Signed digits of every scalar, window-major: `digits[j * n + i]`.
fn signed_digits(scalars: &[BigInt], c: usize, windows: usize) -> Vec<i32> {
    let n = scalars.len();
    let mut digits = vec![0i32; n * windows];
    let half = 1i64 << (c - 1);
    let full = 1i64 << c;
    let mask = (1u64 << c) - 1;
    for (i, s) in scalars.iter().enumerate() {
        let mut carry = 0i64;
        for j in 0..windows {
            let bit = j * c;
            let mut v = 0u64;
            if bit < 256 {
                let limb = bit / 64;
                let off = bit % 64;
                v = s.0[limb] >> off;
                if off + c > 64 && limb + 1 < 4 {
                    v |= s.0[limb + 1] << (64 - off);
                }
                v &= mask;
            }
            let mut d = v as i64 + carry;
            if d > half {
                d -= full;
                carry = 1;
            } else {
                carry = 0;
            }
            digits[j * n + i] = d as i32;
        }
    }
    digits
}

/// Affine buckets and the pending batch of additions into them.
struct Buckets {
    points: Vec<G1Affine>,
    busy: Vec<bool>,
    // (bucket, point to add)
    pending: Vec<(usize, G1Affine)>,
    deferred: Vec<(usize, G1Affine)>,
    denominators: Vec<Fq>,
}

impl Buckets {
    fn new(count: usize) -> Self {
        Buckets {
            points: vec![G1Affine::zero(); count],
            busy: vec![false; count],
            pending: Vec::with_capacity(BATCH),
            deferred: Vec::new(),
            denominators: Vec::with_capacity(BATCH),
        }
    }

    fn add(&mut self, bucket: usize, p: G1Affine) {
        if self.busy[bucket] {
            self.deferred.push((bucket, p));
            return;
        }
        if self.points[bucket].is_zero() {
            self.points[bucket] = p;
            return;
        }
        self.busy[bucket] = true;
        self.pending.push((bucket, p));
        if self.pending.len() == BATCH {
            self.flush();
        }
    }

    /// Runs the pending additions with one inversion, then re-adds the
    /// deferred points.
    fn flush(&mut self) {
        while !self.pending.is_empty() {
            self.denominators.clear();
            for (b, p) in &self.pending {
                let q = &self.points[*b];
                let d = if q.x == p.x {
                    if q.y == p.y {
                        q.y.double()
                    } else {
                        // P + (-P): no inversion needed; 1 keeps the batch invertible.
                        Fq::one()
                    }
                } else {
                    p.x - q.x
                };
                self.denominators.push(d);
            }
            batch_invert(&mut self.denominators);
            for ((b, p), inv) in self.pending.iter().zip(&self.denominators) {
                let q = self.points[*b];
                self.busy[*b] = false;
                let lambda = if q.x == p.x {
                    if q.y != p.y {
                        self.points[*b] = G1Affine::zero();
                        continue;
                    }
                    // Doubling: lambda = 3 x^2 / 2 y (a = 0 on BN254).
                    let x2 = q.x.square();
                    (x2.double() + x2) * inv
                } else {
                    (p.y - q.y) * inv
                };
                let x3 = lambda.square() - q.x - p.x;
                let y3 = lambda * (q.x - x3) - q.y;
                self.points[*b] = G1Affine::new_unchecked(x3, y3);
            }
            self.pending.clear();
            let deferred = std::mem::take(&mut self.deferred);
            for (b, p) in deferred {
                self.add_no_flush(b, p);
            }
        }
    }

    /// As [`Buckets::add`] but never flushes (used while flushing).
    fn add_no_flush(&mut self, bucket: usize, p: G1Affine) {
        if self.busy[bucket] || self.pending.len() == BATCH {
            self.deferred.push((bucket, p));
        } else if self.points[bucket].is_zero() {
            self.points[bucket] = p;
        } else {
            self.busy[bucket] = true;
            self.pending.push((bucket, p));
        }
    }

    /// `sum_b (b + 1) S_b`.
    fn sum(mut self) -> G1Projective {
        self.flush();
        let mut running = G1Projective::zero();
        let mut total = G1Projective::zero();
        for p in self.points.iter().rev() {
            running += p;
            total += running;
        }
        total
    }
}

fn batch_invert(v: &mut [Fq]) {
    let mut prod = Vec::with_capacity(v.len());
    let mut acc = Fq::one();
    for x in v.iter() {
        prod.push(acc);
        acc *= x;
    }
    // Every entry is non-zero (distinct x, or 2y with y != 0, or 1).
    let mut inv = acc.inverse().unwrap_or_else(Fq::zero);
    for (x, p) in v.iter_mut().zip(prod).rev() {
        let t = inv * *x;
        *x = inv * p;
        inv = t;
    }
}

/// `sum_i scalars[i] bases[i]` (over the shorter of the two slices), with
/// batch-affine bucket accumulation; the same value as `ark-ec`'s
/// `VariableBaseMSM::msm`.
pub fn msm(bases: &[G1Affine], scalars: &[Fr]) -> G1Projective {
    let big: Vec<BigInt> = scalars.par_iter().map(|s| s.into_bigint()).collect();
    msm_g1(bases, &big)
}

/// `sum_i scalars[i] bases[i]` over the shorter of the two slices.
pub(crate) fn msm_g1(bases: &[G1Affine], scalars: &[BigInt]) -> G1Projective {
    let n = bases.len().min(scalars.len());
    let (bases, scalars) = (&bases[..n], &scalars[..n]);
    if n < SMALL {
        return G1Projective::msm_bigint(bases, scalars);
    }
    let c = window_bits(n);
    let bits = Fr::MODULUS.num_bits() as usize;
    // One extra window takes the last carry.
    let windows = bits.div_ceil(c) + 1;
    let digits = signed_digits(scalars, c, windows);
    let buckets = 1usize << (c - 1);
    let sums: Vec<G1Projective> = (0..windows)
        .into_par_iter()
        .map(|j| {
            let mut b = Buckets::new(buckets);
            for (p, &d) in bases.iter().zip(&digits[j * n..(j + 1) * n]) {
                if d == 0 || p.is_zero() {
                    continue;
                }
                if d > 0 {
                    b.add(d as usize - 1, *p);
                } else {
                    b.add((-d) as usize - 1, -*p);
                }
            }
            b.sum()
        })
        .collect();
    let mut acc = G1Projective::zero();
    for s in sums.iter().rev() {
        for _ in 0..c {
            acc.double_in_place();
        }
        acc += s;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::CurveGroup;
    use ark_ff::UniformRand;
    use ark_std::rand::{Rng, SeedableRng};

    fn check(bases: &[G1Affine], scalars: &[Fr]) {
        let big: Vec<BigInt> = scalars.iter().map(|s| s.into_bigint()).collect();
        assert_eq!(
            msm_g1(bases, &big).into_affine(),
            G1Projective::msm(bases, scalars).unwrap().into_affine()
        );
    }

    #[test]
    fn agrees_with_ark_ec_on_hard_cases() {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(1);
        let g = G1Affine::generator();
        for n in [SMALL, 300, 1000, 3000] {
            // Few distinct points, so buckets meet P, -P, and P again.
            let distinct: Vec<G1Affine> = (0..5)
                .map(|_| (g * Fr::rand(&mut rng)).into_affine())
                .collect();
            let bases: Vec<G1Affine> = (0..n)
                .map(|i| match i % 7 {
                    0 => G1Affine::zero(),
                    1 => -distinct[i % 5],
                    _ => distinct[i % 5],
                })
                .collect();
            let scalars: Vec<Fr> = (0..n)
                .map(|i| match i % 6 {
                    0 => Fr::zero(),
                    1 => Fr::one(),
                    2 => -Fr::one(),
                    3 => Fr::from(rng.gen::<u8>()),
                    4 => Fr::from(u64::MAX) * Fr::from(u64::MAX),
                    _ => Fr::rand(&mut rng),
                })
                .collect();
            check(&bases, &scalars);
            // All equal scalars and bases: every addition is a doubling.
            check(&vec![g; n], &vec![Fr::from(5u64); n]);
            let random: Vec<G1Affine> = (0..n)
                .map(|_| (g * Fr::rand(&mut rng)).into_affine())
                .collect();
            let rs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            check(&random, &rs);
            check(&random, &vec![-Fr::one(); n]);
        }
        // Identity bases next to each other in one window.
        let bases = vec![G1Affine::zero(); 400];
        check(&bases, &vec![Fr::from(3u64); 400]);
        assert_eq!(msm(&[g], &[Fr::from(2u64)]), g * Fr::from(2u64));
    }
}
