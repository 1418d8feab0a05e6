//! Multi-scalar multiplication `sum_i s_i P_i` for the proving key's bases.
//!
//! ## Signed digits
//!
//! A scalar `s < 2^254` is written in base `2^c` with digits in
//! `(-2^(c-1), 2^(c-1)]`: take the `c` bits of window `j` plus the carry
//! from window `j - 1`; a value above `2^(c-1)` becomes `value - 2^c` and
//! carries 1. `254 / c + 1` windows always absorb the last carry. A
//! negative digit adds `-P` (free in affine coordinates), so there are
//! `2^(c-1)` buckets per window instead of `2^c - 1`. A scalar whose
//! negation `p - s` is shorter (`-1`, `-2`, ...) is written as `-(p - s)`,
//! so small negative wires cost as little as small positive ones. Zero
//! digits cost nothing: zero scalars and the high windows of small ones
//! (bits, counters) are skipped.
//!
//! ## Buckets with batch-affine additions
//!
//! Window `j`'s buckets `B_k` collect the bases whose digit is `±(k + 1)`;
//! its sum is `sum_k (k + 1) B_k`, two additions per bucket with a running
//! sum from the top. Buckets are kept in affine coordinates. Adding `Q` to
//! a non-empty bucket `P` (with `P.x != Q.x`) needs
//!
//! ```text
//! l = (Q.y - P.y) / (Q.x - P.x),   x3 = l^2 - P.x - Q.x,   y3 = l (P.x - x3) - P.y
//! ```
//!
//! and the divisions of up to [`BATCH`] such additions share one field
//! inversion (Montgomery's trick: prefix products, one inversion, then
//! three multiplications per element back). That is about 6
//! multiplications per addition where a mixed Jacobian addition costs 11.
//! A bucket already waiting in the batch, or an addition that would be a
//! doubling or give infinity (`P.x == Q.x`), goes instead into that
//! bucket's projective overflow with an ordinary mixed addition, so no
//! input degenerates the schedule or the formula.
//!
//! On x86-64 CPUs with AVX-512 IFMA, a batch of G1 or G2 additions runs
//! eight at a time in vector lanes (`crate::ifma`, chosen at run time);
//! elsewhere, and for a batch with a zero denominator, the scalar code below.
//!
//! ## Variable and fixed bases
//!
//! [`msm`] (and [`msm_parts`], several base and scalar lists summed in one
//! multiplication, which shares one set of bucket sums and allows a wider
//! window) splits every scalar by GLV (see [`crate::glv`]) into two halves
//! of at most 128 bits for `P` and `phi(P)`, runs every window over all
//! bases (groups of windows in parallel) and combines them by Horner's
//! rule: `c` doublings between windows. `phi(P)` costs one (G1) or two
//! (G2) base-field multiplications, once per base and pass.
//! [`FixedBases`] precomputes, once per key, `2^(c j) P_i` for every window
//! `j`, within a memory budget: then one set of buckets takes every
//! window's digit at once, and the per-window bucket sums and doublings
//! disappear. The window `c` of each is chosen from the cost model above.
//!
//! The tables do not use GLV: it would halve the windows but double the
//! bases, the same number of additions and the same table size; GLV's gain
//! is in the per-window bucket sums, which the table path does not have.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup};
use ark_ff::{BigInteger, Field, One, PrimeField, Zero};
use rayon::prelude::*;
use std::collections::HashMap;

use crate::glv::Endomorphism;

/// The scalar field's integers.
pub type BigInt<P> = <<P as ark_ec::CurveConfig>::ScalarField as PrimeField>::BigInt;

/// Additions whose inversions are batched together, at most.
const BATCH: usize = 1024;
/// The widest window: digits up to `2^14` fit an `i16`.
const MAX_C: usize = 15;

/// Windows of `c` bits for scalars of `bits` bits, with room for the last
/// carry.
fn windows(bits: usize, c: usize) -> usize {
    bits / c + 1
}

/// The cost model for choosing `c`, in field multiplications: a
/// batch-affine addition is about 6 by count, but 10 fits the timings
/// measured here (bucket accesses, the inversions, the dependent prefix
/// products); a projective addition in the bucket sums about 12.
const AFFINE_ADD: usize = 10;
const PROJ_ADD: usize = 12;

/// `c` bits of `limbs` from bit `off`.
fn bits_at(limbs: &[u64], off: usize, c: usize) -> u64 {
    let (w, b) = (off / 64, off % 64);
    let Some(&lo) = limbs.get(w) else {
        return 0;
    };
    let mut v = lo >> b;
    if b + c > 64 {
        if let Some(&hi) = limbs.get(w + 1) {
            v |= hi << (64 - b);
        }
    }
    v & ((1u64 << c) - 1)
}

/// The signed digits of `s` in base `2^c`, `windows` of them, each passed to
/// `f(window, digit)` (zero digits too).
fn signed_digits<P: SWCurveConfig>(
    s: &BigInt<P>,
    c: usize,
    windows: usize,
    f: impl FnMut(usize, i16),
) {
    let modulus = <P::ScalarField as PrimeField>::MODULUS;
    let mut neg_s = modulus;
    let (s, negate) = if !s.is_zero() && {
        neg_s.sub_with_borrow(s);
        neg_s.num_bits() < s.num_bits()
    } {
        (&neg_s, true)
    } else {
        (s, false)
    };
    digits_of(s.as_ref(), negate, c, windows, f);
}

/// The signed digits of the integer `limbs` (negated if `negate`).
fn digits_of(limbs: &[u64], negate: bool, c: usize, windows: usize, mut f: impl FnMut(usize, i16)) {
    let half = 1i32 << (c - 1);
    let mut carry = 0i32;
    for j in 0..windows {
        // c <= 15, so the window's value fits an i32.
        let v = bits_at(limbs, j * c, c) as i32 + carry;
        let (d, next) = if v > half { (v - (1 << c), 1) } else { (v, 0) };
        carry = next;
        // |d| <= 2^(c-1) <= 2^14.
        let d = d as i16;
        f(j, if negate { -d } else { d });
    }
}

/// Buckets `B_0 .. B_{m-1}` in affine coordinates, with pending
/// batch-affine additions, a queue of additions waiting for their bucket,
/// and a projective overflow each.
struct Buckets<P: SWCurveConfig> {
    aff: Vec<Affine<P>>,
    /// The overflow, kept only for the buckets that have one (rare but
    /// for many additions to one bucket): a full array would be the
    /// largest allocation.
    over: HashMap<u32, Projective<P>>,
    busy: Vec<bool>,
    /// Pending additions flush at this many.
    batch: usize,
    pending: Vec<(u32, Affine<P>)>,
    denom: Vec<P::BaseField>,
    prefix: Vec<P::BaseField>,
    queue: Vec<(u32, Affine<P>)>,
    requeue: Vec<(u32, Affine<P>)>,
}

impl<P: SWCurveConfig> Buckets<P> {
    fn new(m: usize) -> Self {
        // Far fewer pending additions than buckets, so that few collide.
        let batch = (m / 8).clamp(1, BATCH);
        Buckets {
            aff: vec![Affine::identity(); m],
            over: HashMap::new(),
            busy: vec![false; m],
            batch,
            pending: Vec::with_capacity(2 * batch),
            denom: Vec::with_capacity(2 * batch),
            prefix: Vec::with_capacity(2 * batch),
            queue: Vec::with_capacity(batch),
            requeue: Vec::with_capacity(batch),
        }
    }

    /// `B_k += q`.
    #[inline]
    fn add(&mut self, k: usize, q: Affine<P>) {
        if q.is_zero() {
            return;
        }
        if self.busy[k] {
            // Waits for the next batch; a full queue (many additions to one
            // bucket) spills into the overflow.
            if self.queue.len() < self.batch {
                // k < m <= 128 windows * 2^14 buckets.
                self.queue.push((k as u32, q));
            } else {
                *self.over.entry(k as u32).or_default() += &q;
            }
            return;
        }
        self.place(k, q);
        if self.pending.len() >= self.batch {
            self.flush();
        }
    }

    /// `B_k += q` for a bucket with no pending addition.
    #[inline]
    fn place(&mut self, k: usize, q: Affine<P>) {
        let cur = self.aff[k];
        if cur.is_zero() {
            self.aff[k] = q;
        } else if cur.x == q.x {
            // A doubling or a sum at infinity: not for the affine formula.
            *self.over.entry(k as u32).or_default() += &q;
        } else {
            self.busy[k] = true;
            self.denom.push(q.x - cur.x);
            self.pending.push((k as u32, q));
        }
    }

    /// Completes the pending additions, then moves the queued ones whose
    /// bucket is free into the next batch.
    fn flush(&mut self) {
        self.complete();
        std::mem::swap(&mut self.queue, &mut self.requeue);
        let mut waiting = std::mem::take(&mut self.requeue);
        for (k, q) in waiting.drain(..) {
            if self.busy[k as usize] {
                self.queue.push((k, q));
            } else {
                self.place(k as usize, q);
            }
        }
        self.requeue = waiting;
    }

    /// Completes the pending additions with one inversion.
    fn complete(&mut self) {
        #[cfg(target_arch = "x86_64")]
        if crate::ifma::complete(&mut self.aff, &self.pending) {
            for &(k, _) in &self.pending {
                self.busy[k as usize] = false;
            }
            self.pending.clear();
            self.denom.clear();
            return;
        }
        self.prefix.clear();
        let mut acc = P::BaseField::one();
        for d in &self.denom {
            self.prefix.push(acc);
            acc *= d;
        }
        match acc.inverse() {
            Some(mut inv) => {
                for ((&(k, q), d), pre) in
                    self.pending.iter().zip(&self.denom).zip(&self.prefix).rev()
                {
                    // inv = 1 / (d_0 ... d_i); 1 / d_i = inv * (d_0 ... d_{i-1}).
                    let inv_d = inv * pre;
                    inv *= d;
                    let k = k as usize;
                    let p = self.aff[k];
                    let l = (q.y - p.y) * inv_d;
                    let x3 = l.square() - p.x - q.x;
                    let y3 = l * (p.x - x3) - p.y;
                    // The chord through two curve points meets the curve again.
                    self.aff[k] = Affine::new_unchecked(x3, y3); // ok: on the curve by construction
                    self.busy[k] = false;
                }
            }
            // Every denominator is non-zero by construction; were one zero,
            // the additions still complete, projectively.
            None => {
                for &(k, q) in &self.pending {
                    *self.over.entry(k).or_default() += &q;
                    self.busy[k as usize] = false;
                }
            }
        }
        self.pending.clear();
        self.denom.clear();
    }

    /// Completes everything: batches while they are worth an inversion,
    /// then the rest projectively.
    fn finish(&mut self) {
        while self.pending.len() >= 16 {
            self.flush();
        }
        for (k, q) in self.queue.drain(..) {
            *self.over.entry(k).or_default() += &q;
        }
        self.complete();
    }

    /// `sum_k (k + 1) B_k`.
    fn weighted_sum(self) -> Projective<P> {
        let m = self.aff.len().max(1);
        self.weighted_sums(m).into_iter().sum()
    }

    /// `sum_k (k + 1) B_{g per + k}` for each group `g` of `per` buckets.
    fn weighted_sums(mut self, per: usize) -> Vec<Projective<P>> {
        self.finish();
        let per = per.max(1);
        self.aff
            .chunks(per)
            .enumerate()
            .map(|(g, aff)| {
                let mut running = Projective::<P>::zero();
                let mut total = Projective::<P>::zero();
                for (i, a) in aff.iter().enumerate().rev() {
                    if !a.is_zero() {
                        running += a;
                    }
                    if !self.over.is_empty() {
                        // Bucket indices fit a u32 (see `add`).
                        if let Some(o) = self.over.get(&((g * per + i) as u32)) {
                            running += o;
                        }
                    }
                    total += &running;
                }
                total
            })
            .collect()
    }
}

#[inline]
fn signed<P: SWCurveConfig>(p: Affine<P>, d: i16) -> Affine<P> {
    if d < 0 {
        -p
    } else {
        p
    }
}

/// The bits of a GLV half (see [`crate::glv`]: below `2^127`).
const HALF_BITS: usize = 128;

/// The work (in field multiplications) of [`msm`] on `n` bases (`2n`
/// halves) with windows of `c` bits.
fn variable_cost_at(n: usize, c: usize) -> usize {
    windows(HALF_BITS, c) * (2 * n * AFFINE_ADD + (1usize << c) * PROJ_ADD + c * 8)
}

/// The window for `n` bases without tables.
fn variable_window(n: usize) -> usize {
    (2..=MAX_C)
        .min_by_key(|&c| variable_cost_at(n, c))
        .unwrap_or(MAX_C)
}

/// The least work of [`msm`] on `n` bases.
fn variable_cost(n: usize) -> usize {
    variable_cost_at(n, variable_window(n))
}

/// Bases and their scalars, summed over the common length.
pub type Part<'a, P> = (&'a [Affine<P>], &'a [BigInt<P>]);

/// `sum_i scalars[i] bases[i]` over the common length, without tables.
pub fn msm<P: Endomorphism>(bases: &[Affine<P>], scalars: &[BigInt<P>]) -> Projective<P> {
    msm_parts(&[(bases, scalars)])
}

/// The sum of every part's `sum_i scalars[i] bases[i]`, as one
/// multiplication over all of their bases.
pub fn msm_parts<P: Endomorphism>(parts: &[Part<'_, P>]) -> Projective<P> {
    let parts: Vec<Part<'_, P>> = parts
        .iter()
        .map(|&(b, s)| {
            let n = b.len().min(s.len());
            (&b[..n], &s[..n])
        })
        .collect();
    let n: usize = parts.iter().map(|p| p.0.len()).sum();
    if n == 0 {
        return Projective::zero();
    }
    let c = variable_window(n);
    let w = windows(HALF_BITS, c);
    // Digits by base: digits[(i * 2 + half) * w + j], `half` 0 for P_i and
    // 1 for phi(P_i), the halves' signs folded in.
    let mut digits = vec![0i16; 2 * w * n];
    let mut rest = &mut digits[..];
    for (_, scalars) in &parts {
        let (mine, tail) = rest.split_at_mut(2 * w * scalars.len());
        rest = tail;
        mine.par_chunks_mut(2 * w)
            .zip(scalars.par_iter())
            .for_each(|(row, s)| {
                for ((negative, m), out) in P::split(s).into_iter().zip(row.chunks_mut(w)) {
                    if m != 0 {
                        let limbs = [m as u64, (m >> 64) as u64]; // low and high halves
                        digits_of(&limbs, negative, c, w, |j, d| out[j] = d);
                    }
                }
            });
    }
    // One set of buckets per thread for a group of windows: more buckets
    // per batch, fewer collisions, fewer inversions.
    let half = 1usize << (c - 1);
    // The top window holds the halves' last `128 mod c` bits (a half is a
    // u128), so its digits are at most 2^top_bits; halves below 2^127 (see
    // `crate::glv`) use half of that. When that is a few buckets, its
    // additions would wait in every batch (each bucket takes one per batch)
    // and spill; they go to projective buckets of their own instead.
    let top = w - 1;
    let top_bits = HALF_BITS % c;
    let narrow = (1usize << top_bits) * 2 <= half;
    let groups = (2 * rayon::current_num_threads()).clamp(1, w);
    let per_group = w.div_ceil(groups);
    let digits = &digits;
    let parts = &parts;
    let sums: Vec<Projective<P>> = (0..w)
        .step_by(per_group)
        .collect::<Vec<_>>()
        .into_par_iter()
        .flat_map_iter(|j0| {
            let g = per_group.min(w - j0);
            let has_top = narrow && j0 + g == w;
            let affine = if has_top { g - 1 } else { g };
            let mut b = Buckets::<P>::new(affine * half);
            let mut top_buckets = vec![Projective::<P>::zero(); usize::from(has_top) << top_bits];
            let bases = parts.iter().flat_map(|(bases, _)| bases.iter());
            for (row, p) in digits.chunks(2 * w).zip(bases) {
                if p.is_zero() {
                    continue;
                }
                let (d1, d2) = row.split_at(w);
                let mut add = |ds: &[i16], q: Affine<P>| {
                    for (jj, &d) in ds[j0..j0 + affine].iter().enumerate() {
                        if d != 0 {
                            b.add(jj * half + usize::from(d.unsigned_abs()) - 1, signed(q, d));
                        }
                    }
                    if has_top && ds[top] != 0 {
                        let d = ds[top];
                        top_buckets[usize::from(d.unsigned_abs()) - 1] += &signed(q, d);
                    }
                };
                add(d1, *p);
                if d2[j0..j0 + g].iter().any(|&d| d != 0) {
                    add(d2, P::endo(p));
                }
            }
            let mut sums = b.weighted_sums(half);
            if has_top {
                let mut running = Projective::<P>::zero();
                let mut total = Projective::<P>::zero();
                for t in top_buckets.iter().rev() {
                    running += t;
                    total += &running;
                }
                sums.push(total);
            }
            sums
        })
        .collect();
    let mut total = Projective::<P>::zero();
    for s in sums.iter().rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        total += s;
    }
    total
}

/// A proving key's bases with `2^(c j) P_i` precomputed for every window
/// `j` (built once per key, within a memory budget).
pub struct FixedBases<P: SWCurveConfig> {
    c: usize,
    windows: usize,
    /// `table[i * windows + j] = 2^(c j) P_i`.
    table: Vec<Affine<P>>,
}

impl<P: SWCurveConfig> Clone for FixedBases<P> {
    fn clone(&self) -> Self {
        FixedBases {
            c: self.c,
            windows: self.windows,
            table: self.table.clone(),
        }
    }
}

impl<P: Endomorphism> std::fmt::Debug for FixedBases<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixedBases")
            .field("c", &self.c)
            .field("windows", &self.windows)
            .field("bases", &self.len())
            .finish()
    }
}

impl<P: Endomorphism> FixedBases<P> {
    /// Bytes a table for `n` bases with windows of `c` bits takes.
    fn bytes(n: usize, c: usize) -> usize {
        let bits = <P::ScalarField as PrimeField>::MODULUS_BIT_SIZE as usize;
        n.saturating_mul(windows(bits, c))
            .saturating_mul(std::mem::size_of::<Affine<P>>())
    }

    /// The windows whose table does less work than [`msm`] without one,
    /// with that work.
    fn worthwhile(n: usize) -> impl Iterator<Item = (usize, usize)> {
        let bits = <P::ScalarField as PrimeField>::MODULUS_BIT_SIZE as usize;
        let threads = rayon::current_num_threads().max(1);
        let plain = variable_cost(n);
        (2..=MAX_C)
            .map(move |c| {
                let cost = n * windows(bits, c) * AFFINE_ADD + threads * (1usize << c) * PROJ_ADD;
                (c, cost)
            })
            .filter(move |&(_, cost)| cost < plain)
    }

    /// The window with the least work whose table fits `budget` bytes, if
    /// any does and beats no table.
    fn window(n: usize, budget: usize) -> Option<usize> {
        Self::worthwhile(n)
            .filter(|&(c, _)| Self::bytes(n, c) <= budget)
            .min_by_key(|&(_, cost)| cost)
            .map(|(c, _)| c)
    }

    /// The smallest table for `n` bases that beats no table, in bytes.
    pub fn min_bytes(n: usize) -> Option<usize> {
        Self::worthwhile(n).map(|(c, _)| Self::bytes(n, c)).min()
    }

    /// The table for `bases`, or `None` when none fits `budget` bytes.
    pub fn new(bases: &[Affine<P>], budget: usize) -> Option<Self> {
        let c = Self::window(bases.len(), budget)?;
        let bits = <P::ScalarField as PrimeField>::MODULUS_BIT_SIZE as usize;
        let w = windows(bits, c);
        let table = bases
            .par_chunks(64)
            .flat_map_iter(|chunk| {
                let mut proj = Vec::with_capacity(chunk.len() * w);
                for p in chunk {
                    let mut q = Projective::<P>::from(*p);
                    for _ in 0..w {
                        proj.push(q);
                        for _ in 0..c {
                            q.double_in_place();
                        }
                    }
                }
                Projective::normalize_batch(&proj)
            })
            .collect();
        Some(FixedBases {
            c,
            windows: w,
            table,
        })
    }

    /// The number of bases.
    pub fn len(&self) -> usize {
        self.table.len() / self.windows
    }

    /// Whether the table has no bases.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The table's size in bytes.
    pub fn size_bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<Affine<P>>()
    }

    /// `sum_i scalars[i] P_i` over the common length.
    pub fn msm(&self, scalars: &[BigInt<P>]) -> Projective<P> {
        let n = self.len().min(scalars.len());
        let (c, w) = (self.c, self.windows);
        let threads = rayon::current_num_threads().max(1);
        let chunk = n.div_ceil(threads).max(1);
        scalars[..n]
            .par_chunks(chunk)
            .enumerate()
            .map(|(t, part)| {
                let mut b = Buckets::<P>::new(1 << (c - 1));
                for (i, s) in part.iter().enumerate() {
                    let row = &self.table[(t * chunk + i) * w..][..w];
                    signed_digits::<P>(s, c, w, |j, d| {
                        if d != 0 {
                            b.add(usize::from(d.unsigned_abs()) - 1, signed(row[j], d));
                        }
                    });
                }
                b.weighted_sum()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use ark_bn254::{Fr, G1Projective, G2Projective};
    use ark_ec::VariableBaseMSM;
    use ark_ff::UniformRand;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// Scalars of every shape the digits treat apart.
    fn scalar(kind: u8, rng: &mut ChaCha20Rng) -> Fr {
        match kind % 8 {
            0 => Fr::zero(),
            1 => Fr::one(),
            2 => -Fr::one(),
            3 => Fr::from(u64::from(rand::RngCore::next_u32(rng))),
            4 => -Fr::from(u64::from(rand::RngCore::next_u32(rng) % 1000)),
            5 => Fr::from(2u64).pow([253]),
            _ => Fr::rand(rng),
        }
    }

    fn inputs<G: CurveGroup>(
        seed: u64,
        n: usize,
        kinds: &[u8],
        repeat: bool,
    ) -> (Vec<G::Affine>, Vec<Fr>) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed); // ok: test inputs
        let mut bases: Vec<G> = (0..n).map(|_| G::rand(&mut rng)).collect();
        if repeat && n > 3 {
            // Equal and opposite bases: the doubling and infinity cases.
            bases[1] = bases[0];
            bases[2] = -bases[0];
            bases[3] = G::zero();
        }
        let scalars = (0..n)
            .map(|i| scalar(kinds[i % kinds.len()], &mut rng))
            .collect();
        (G::normalize_batch(&bases), scalars)
    }

    fn bigints(s: &[Fr]) -> Vec<<Fr as PrimeField>::BigInt> {
        s.iter().map(|x| x.into_bigint()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn agrees_with_arkworks_on_g1(
            seed in any::<u64>(),
            n in 0usize..600,
            kinds in proptest::collection::vec(any::<u8>(), 1..6),
            repeat in any::<bool>(),
            budget in 0usize..400_000,
        ) {
            let (bases, scalars) = inputs::<G1Projective>(seed, n, &kinds, repeat);
            let want = G1Projective::msm(&bases, &scalars).unwrap();
            let b = bigints(&scalars);
            prop_assert_eq!(msm(&bases, &b), want);
            if let Some(t) = FixedBases::new(&bases, budget) {
                prop_assert!(t.size_bytes() <= budget);
                prop_assert_eq!(t.msm(&b), want);
            }
        }

        #[test]
        fn agrees_with_arkworks_on_g2(
            seed in any::<u64>(),
            n in 0usize..200,
            kinds in proptest::collection::vec(any::<u8>(), 1..6),
            repeat in any::<bool>(),
        ) {
            let (bases, scalars) = inputs::<G2Projective>(seed, n, &kinds, repeat);
            let want = G2Projective::msm(&bases, &scalars).unwrap();
            let b = bigints(&scalars);
            prop_assert_eq!(msm(&bases, &b), want);
            let t = FixedBases::new(&bases, usize::MAX).unwrap();
            prop_assert_eq!(t.msm(&b), want);
        }
    }

    /// Several parts (one empty, one with more scalars than bases) sum as
    /// one multiplication over their concatenation.
    #[test]
    fn parts_sum_as_their_concatenation() {
        let (bases, scalars) = inputs::<G1Projective>(11, 900, &[0, 1, 2, 3, 6, 6, 6], true);
        let b = bigints(&scalars);
        let want = G1Projective::msm(&bases[..850], &scalars[..850]).unwrap();
        let got = msm_parts(&[
            (&bases[..300], &b[..300]),
            (&bases[300..300], &b[300..300]),
            (&bases[300..850], &b[300..]),
        ]);
        assert_eq!(got, want);
        assert_eq!(
            msm_parts::<ark_bn254::g1::Config>(&[]),
            G1Projective::zero()
        );
    }

    /// Many equal scalars land in one bucket: every addition after the
    /// first in a batch takes the overflow path.
    #[test]
    fn one_bucket_for_every_base() {
        for kind in [1u8, 2, 5] {
            let (bases, scalars) = inputs::<G1Projective>(7, 3000, &[kind], false);
            let want = G1Projective::msm(&bases, &scalars).unwrap();
            let b = bigints(&scalars);
            assert_eq!(msm(&bases, &b), want);
            let t = FixedBases::new(&bases, usize::MAX).unwrap();
            assert_eq!(t.msm(&b), want);
        }
    }

    /// Every digit is in `(-2^(c-1), 2^(c-1)]` and the digits give the
    /// scalar back, for every window width.
    #[test]
    fn signed_digits_recompose() {
        let mut rng = ChaCha20Rng::seed_from_u64(3); // ok: test inputs
        for kind in 0..8u8 {
            let s = scalar(kind, &mut rng);
            for c in 2..=MAX_C {
                let w = windows(254, c);
                let mut acc = Fr::zero();
                let mut pow = Fr::one();
                let radix = Fr::from(1u64 << c);
                signed_digits::<ark_bn254::g1::Config>(&s.into_bigint(), c, w, |_, d| {
                    assert!(i32::from(d).abs() <= 1 << (c - 1), "digit {d}, c {c}");
                    let v = Fr::from(u64::from(d.unsigned_abs()));
                    acc += if d < 0 { -v } else { v } * pow;
                    pow *= radix;
                });
                assert_eq!(acc, s, "kind {kind}, c {c}");
            }
        }
    }

    #[test]
    fn a_budget_too_small_gives_no_table() {
        let (bases, _) = inputs::<G2Projective>(1, 100, &[6], false);
        assert!(FixedBases::<ark_bn254::g2::Config>::new(&bases, 1000).is_none());
        let (bases, _) = inputs::<G1Projective>(1, 100, &[6], false);
        assert!(FixedBases::<ark_bn254::g1::Config>::new(&bases, 0).is_none());
        assert!(FixedBases::<ark_bn254::g1::Config>::new(&[], 0).is_some());
    }
}
