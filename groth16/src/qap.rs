//! The two QAP witness maps, on domains and cosets built once per key.
//!
//! Both evaluate the constraint rows `A_i . w`, `B_i . w` (and `C_i . w`)
//! on the domain `{omega^i}` of size `n`, interpolate, and re-evaluate on a
//! coset `g {omega^i}` where the vanishing polynomial `Z(x) = x^n - 1` is
//! the constant `g^n - 1`:
//!
//! - **libsnark / arkworks** (`ark-groth16`'s `LibsnarkReduction`):
//!   `g` is the field's multiplicative generator, the rows are followed by
//!   the input rows `A_{m+j} = w_j`, and
//!   `H = coset-interpolate((A B - C) / (g^n - 1))` gives the coefficients
//!   of `h(x)` for the key's monomial H query.
//! - **circom / snarkjs** (ark-circom's `CircomReduction`): `g` is a
//!   primitive `2n`-th root of unity (the odd coset of the domain of size
//!   `2n`), the key's coefficients already hold the input rows, `C = A B`
//!   pointwise on the domain, and the values `A B - C` on the coset are used
//!   directly: snarkjs' H query has the Lagrange basis of that coset and the
//!   constant `1 / (g^n - 1) = -1/2` folded in.
//!
//! A coset evaluation is `ifft`, multiply coefficient `k` by `g^k` (powers
//! cached per key), `fft`, all in place on one vector per polynomial.

use ark_bn254::Fr;
use ark_ff::{Field, One, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rayon::prelude::*;

use crate::Groth16Error;

/// A sparse matrix by rows: row `i` is `entries[starts[i]..starts[i + 1]]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rows {
    starts: Vec<usize>,
    entries: Vec<(u32, Fr)>,
}

impl Rows {
    /// Builds rows from `(row, column, value)` triples in any order.
    pub(crate) fn from_triples(
        n_rows: usize,
        triples: impl Iterator<Item = (usize, u32, Fr)> + Clone,
    ) -> Self {
        let mut counts = vec![0usize; n_rows + 1];
        for (r, _, _) in triples.clone() {
            counts[r + 1] += 1;
        }
        for i in 0..n_rows {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut entries = vec![(0u32, Fr::zero()); counts[n_rows]];
        for (r, c, v) in triples {
            entries[fill[r]] = (c, v);
            fill[r] += 1;
        }
        Rows {
            starts: counts,
            entries,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// `out[i] = row_i . w` for every row (rows past `out` are ignored).
    fn eval_into(&self, w: &[Fr], out: &mut [Fr]) {
        out.par_iter_mut()
            .enumerate()
            .take(self.len())
            .for_each(|(i, o)| {
                let mut acc = Fr::zero();
                for (c, v) in &self.entries[self.starts[i]..self.starts[i + 1]] {
                    let x = w[*c as usize];
                    if x.is_one() {
                        acc += v;
                    } else if !x.is_zero() {
                        acc += *v * x;
                    }
                }
                *o = acc;
            });
    }

    /// The largest column index plus one (0 for an empty matrix).
    pub(crate) fn width(&self) -> usize {
        self.entries
            .iter()
            .map(|(c, _)| *c as usize + 1)
            .max()
            .unwrap_or(0)
    }
}

/// A domain with one coset's shift powers `g^k` (and `g^-k`) cached.
#[derive(Clone, Debug)]
pub(crate) struct CosetDomain {
    pub(crate) domain: Radix2EvaluationDomain<Fr>,
    powers: Vec<Fr>,
    inverse_powers: Vec<Fr>,
    /// `1 / (g^n - 1)`.
    z_inv: Fr,
}

fn powers(g: Fr, n: usize) -> Vec<Fr> {
    let mut out = Vec::with_capacity(n);
    let mut x = Fr::one();
    for _ in 0..n {
        out.push(x);
        x *= g;
    }
    out
}

impl CosetDomain {
    fn new(n: usize, g: Fr, inverses: bool) -> Result<Self, Groth16Error> {
        let domain = Radix2EvaluationDomain::<Fr>::new(n)
            .filter(|d| d.size() == n)
            .ok_or_else(|| Groth16Error::KeyShape(format!("no evaluation domain of size {n}")))?;
        let g_inv = g
            .inverse()
            .ok_or_else(|| Groth16Error::KeyShape("coset shift 0".into()))?;
        let z_inv = (g.pow([n as u64]) - Fr::one())
            .inverse()
            .ok_or_else(|| Groth16Error::KeyShape("coset meets the domain".into()))?;
        Ok(CosetDomain {
            domain,
            powers: powers(g, n),
            inverse_powers: if inverses {
                powers(g_inv, n)
            } else {
                Vec::new()
            },
            z_inv,
        })
    }

    /// Domain of size `n` (a power of two) and its odd coset: `g` a
    /// primitive `2n`-th root of unity.
    pub(crate) fn circom(n: usize) -> Result<Self, Groth16Error> {
        let double = n
            .checked_mul(2)
            .and_then(Radix2EvaluationDomain::<Fr>::new)
            .ok_or_else(|| Groth16Error::KeyShape(format!("no domain of size 2 * {n}")))?;
        Self::new(n, double.group_gen, false)
    }

    /// The smallest domain holding `size` points and the coset by the
    /// field's multiplicative generator (arkworks' choice).
    pub(crate) fn libsnark(size: usize) -> Result<Self, Groth16Error> {
        let n = Radix2EvaluationDomain::<Fr>::new(size)
            .map(|d| d.size())
            .ok_or_else(|| Groth16Error::KeyShape(format!("no domain for {size} points")))?;
        Self::new(n, <Fr as ark_ff::FftField>::GENERATOR, true)
    }

    pub(crate) fn size(&self) -> usize {
        self.powers.len()
    }

    /// Domain evaluations to coset evaluations, in place.
    fn domain_to_coset(&self, v: &mut Vec<Fr>) {
        self.domain.ifft_in_place(v);
        v.par_iter_mut()
            .zip(self.powers.par_iter())
            .for_each(|(x, p)| *x *= p);
        self.domain.fft_in_place(v);
    }

    /// Coset evaluations to coefficients, in place.
    fn coset_to_coefficients(&self, v: &mut Vec<Fr>) {
        self.domain.ifft_in_place(v);
        v.par_iter_mut()
            .zip(self.inverse_powers.par_iter())
            .for_each(|(x, p)| *x *= p);
    }
}

/// The circom witness map: `A B - C` on the odd coset, `C = A B` on the domain.
pub(crate) fn circom_h(d: &CosetDomain, a_rows: &Rows, b_rows: &Rows, w: &[Fr]) -> Vec<Fr> {
    let n = d.size();
    let mut a = vec![Fr::zero(); n];
    let mut b = vec![Fr::zero(); n];
    a_rows.eval_into(w, &mut a);
    b_rows.eval_into(w, &mut b);
    let mut c: Vec<Fr> = a
        .par_iter()
        .zip(b.par_iter())
        .map(|(x, y)| *x * y)
        .collect();
    rayon::join(
        || rayon::join(|| d.domain_to_coset(&mut a), || d.domain_to_coset(&mut b)),
        || d.domain_to_coset(&mut c),
    );
    a.par_iter_mut()
        .zip(b.par_iter())
        .zip(c.par_iter())
        .for_each(|((x, y), z)| *x = *x * y - z);
    a
}

/// The libsnark witness map: the coefficients of `h = (A B - C) / Z`.
pub(crate) fn libsnark_h(
    d: &CosetDomain,
    rows: &[Rows; 3],
    num_inputs: usize,
    w: &[Fr],
) -> Vec<Fr> {
    let n = d.size();
    let m = rows[0].len();
    let mut a = vec![Fr::zero(); n];
    let mut b = vec![Fr::zero(); n];
    let mut c = vec![Fr::zero(); n];
    rows[0].eval_into(w, &mut a);
    a[m..m + num_inputs].copy_from_slice(&w[..num_inputs]);
    rows[1].eval_into(w, &mut b);
    rows[2].eval_into(w, &mut c);
    rayon::join(
        || rayon::join(|| d.domain_to_coset(&mut a), || d.domain_to_coset(&mut b)),
        || d.domain_to_coset(&mut c),
    );
    let z_inv = d.z_inv;
    a.par_iter_mut()
        .zip(b.par_iter())
        .zip(c.par_iter())
        .for_each(|((x, y), z)| *x = (*x * y - z) * z_inv);
    d.coset_to_coefficients(&mut a);
    a
}
