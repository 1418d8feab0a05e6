//! The proving core: per-key contexts built once, and the proof assembled
//! from the witness and `h` with multi-scalar multiplications.
//!
//! With wires `w` (`w_0 = 1`, then the public inputs, then the private
//! wires), `h` from the witness map and blinding scalars `r`, `s`:
//!
//! ```text
//! A = alpha_1 + sum_i w_i A_i + r delta_1
//! B = beta_2  + sum_i w_i B2_i + s delta_2         (and B1 likewise in G1)
//! C = sum_{i private} w_i L_i + sum_j h_j H_j + s A + r B1 - r s delta_1
//! ```
//!
//! exactly as `ark-groth16` and snarkjs assemble it, so the same key,
//! witness, `r` and `s` give the same proof bytes as `ark-groth16`.

use ark_bn254::{g1, g2, Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::CurveGroup;
use ark_ff::{One, PrimeField, UniformRand, Zero};
use ark_groth16::ProvingKey;
use ark_relations::gr1cs::Matrix;
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;
use zkgov_verifier::{Proof, ValidatedVerifyingKey};

use crate::glv::Endomorphism;
use crate::msm::{msm, msm_parts, FixedBases, Part};
use crate::qap::{circom_h, libsnark_h, CosetDomain, Rows};
use crate::{Groth16Error, Zkey};

/// The key's points, in the one layout both key sources map to.
#[derive(Clone, Copy, Debug)]
struct KeyView<'k> {
    alpha_g1: G1Affine,
    beta_g1: G1Affine,
    beta_g2: G2Affine,
    delta_g1: G1Affine,
    delta_g2: G2Affine,
    /// One per wire.
    a: &'k [G1Affine],
    b1: &'k [G1Affine],
    b2: &'k [G2Affine],
    /// One per private wire.
    l: &'k [G1Affine],
    h: &'k [G1Affine],
    /// Wires before the private ones (`w_0` and the public inputs).
    num_instance: usize,
}

type BigInt = <Fr as PrimeField>::BigInt;

/// A table budget for a long-lived prover: 128 MiB per key, which holds
/// tables for every query of a depth-20 record key (11,700 wires).
pub const DEFAULT_TABLE_BUDGET: usize = 128 << 20;

/// Window tables for a key's five bases (see [`crate::msm`]); a query
/// whose table did not fit the budget has none and runs without.
#[derive(Clone, Debug, Default)]
struct KeyTables {
    a: Option<FixedBases<g1::Config>>,
    b1: Option<FixedBases<g1::Config>>,
    b2: Option<FixedBases<g2::Config>>,
    l: Option<FixedBases<g1::Config>>,
    h: Option<FixedBases<g1::Config>>,
}

impl KeyTables {
    /// Tables for `view`'s queries within `budget` bytes: the largest
    /// queries first, as many as fit with their smallest worthwhile table;
    /// then the budget shared among those in proportion to those sizes, so
    /// each gets its best window that fits.
    fn new(view: &KeyView<'_>, budget: usize) -> Self {
        let mins = [
            FixedBases::<g1::Config>::min_bytes(view.a.len()),
            FixedBases::<g1::Config>::min_bytes(view.b1.len()),
            FixedBases::<g2::Config>::min_bytes(view.b2.len()),
            FixedBases::<g1::Config>::min_bytes(view.l.len()),
            FixedBases::<g1::Config>::min_bytes(view.h.len()),
        ];
        let mut order: Vec<usize> = (0..5).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(mins[i].unwrap_or(0)));
        let mut chosen = [0usize; 5];
        let mut used = 0usize;
        for i in order {
            if let Some(m) = mins[i] {
                if m > 0 && used.saturating_add(m) <= budget {
                    chosen[i] = m;
                    used += m;
                }
            }
        }
        let share = |i: usize| -> usize {
            if chosen[i] == 0 {
                return 0;
            }
            // budget * chosen / used without overflow; at least chosen.
            ((budget as u128 * chosen[i] as u128) / used.max(1) as u128)
                .try_into()
                .unwrap_or(usize::MAX)
        };
        let ((a, b1), (b2, (l, h))) = rayon::join(
            || {
                rayon::join(
                    || FixedBases::new(view.a, share(0)),
                    || FixedBases::new(view.b1, share(1)),
                )
            },
            || {
                rayon::join(
                    || FixedBases::new(view.b2, share(2)),
                    || {
                        rayon::join(
                            || FixedBases::new(view.l, share(3)),
                            || FixedBases::new(view.h, share(4)),
                        )
                    },
                )
            },
        );
        KeyTables { a, b1, b2, l, h }
    }

    fn size_bytes(&self) -> usize {
        self.a.as_ref().map_or(0, FixedBases::size_bytes)
            + self.b1.as_ref().map_or(0, FixedBases::size_bytes)
            + self.b2.as_ref().map_or(0, FixedBases::size_bytes)
            + self.l.as_ref().map_or(0, FixedBases::size_bytes)
            + self.h.as_ref().map_or(0, FixedBases::size_bytes)
    }
}

/// Whether `x` or `-x` has at most 64 bits (GLV and the signed digits
/// make either one non-zero digit).
fn is_short(x: &BigInt) -> bool {
    use ark_ff::BigInteger;
    let mut neg = Fr::MODULUS;
    neg.sub_with_borrow(x);
    x.num_bits() <= 64 || (!x.is_zero() && neg.num_bits() <= 64)
}

/// `sum_i scalars[i] bases[i]`, with the table when there is one.
fn msm_with<P: Endomorphism>(
    table: Option<&FixedBases<P>>,
    bases: &[ark_ec::short_weierstrass::Affine<P>],
    scalars: &[BigInt],
) -> ark_ec::short_weierstrass::Projective<P> {
    match table {
        Some(t) => t.msm(scalars),
        None => msm(bases, scalars),
    }
}

impl KeyView<'_> {
    /// The proof. `C`'s three G1 sums (B1 with scalars `r w_i`, L, H) are
    /// one multiplication over the queries that have no table (B1 apart
    /// when many wires are short, see below):
    ///
    /// ```text
    /// C = s A + r (B1 + beta_1 + s delta_1) - r s delta_1 + L + H
    ///   = s A + (sum_i r w_i B1_i) + r beta_1 + L + H
    /// ```
    ///
    /// The witness map `h` runs beside the A and B sums (they do not need
    /// it), so its FFTs fill the threads those leave idle.
    fn assemble(
        &self,
        t: &KeyTables,
        w: &[Fr],
        h: impl FnOnce() -> Vec<Fr> + Send,
        r: Fr,
        s: Fr,
    ) -> Proof {
        let wb: Vec<BigInt> = w.par_iter().map(|x| x.into_bigint()).collect();
        // B1 joins C's multiplication with the scalars r w_i unless it has
        // a table, or many wires are short (bits, counters): a short w_i
        // costs one addition, r w_i a whole scalar's. Then it is a sum of
        // its own with the scalars w_i, times r. No B1 at all when r is 0.
        let short = wb.par_iter().filter(|x| is_short(x)).count();
        let merge_b1 = !r.is_zero() && t.b1.is_none() && short * 3 < wb.len();
        let separate_b1 = !r.is_zero() && !merge_b1;
        let rwb: Vec<BigInt> = if merge_b1 {
            w.par_iter().map(|x| (*x * r).into_bigint()).collect()
        } else {
            Vec::new()
        };
        let private = &wb[self.num_instance..];
        let ((a, (b2, b1)), c) = rayon::join(
            || {
                rayon::join(
                    || msm_with(t.a.as_ref(), self.a, &wb),
                    || {
                        rayon::join(
                            || msm_with(t.b2.as_ref(), self.b2, &wb),
                            || {
                                if separate_b1 {
                                    msm_with(t.b1.as_ref(), self.b1, &wb)
                                } else {
                                    G1Projective::zero()
                                }
                            },
                        )
                    },
                )
            },
            || {
                let hb: Vec<BigInt> = h().par_iter().map(|x| x.into_bigint()).collect();
                let c_queries = [
                    (t.l.as_ref(), self.l, private),
                    (t.h.as_ref(), self.h, &hb[..]),
                ];
                // A merged B1 has no table (see merge_b1).
                let merged = merge_b1.then_some((self.b1, &rwb[..]));
                let plain: Vec<Part<'_, g1::Config>> = merged
                    .into_iter()
                    .chain(
                        c_queries
                            .iter()
                            .filter(|q| q.0.is_none())
                            .map(|q| (q.1, q.2)),
                    )
                    .collect();
                let tabled = c_queries
                    .par_iter()
                    .filter_map(|q| q.0.map(|table| table.msm(q.2)))
                    .sum::<G1Projective>();
                msm_parts(&plain) + tabled
            },
        );
        let g_a = a + self.alpha_g1 + self.delta_g1 * r;
        let g_b = b2 + self.beta_g2 + self.delta_g2 * s;
        let g_c = g_a * s + c + (b1 + self.beta_g1) * r;
        let [a, c] = {
            let v = G1Projective::normalize_batch(&[g_a, g_c]);
            [v[0], v[1]]
        };
        Proof {
            a,
            b: g_b.into_affine(),
            c,
        }
    }
}

/// A prover for one snarkjs proving key: the key's points, its A and B
/// rows, the domain and the odd coset, built once; a proof computes only
/// the witness map and the multi-scalar multiplications.
#[derive(Clone, Debug)]
pub struct CircomProver {
    zkey: Zkey,
    domain: CosetDomain,
    a_rows: Rows,
    b_rows: Rows,
    tables: KeyTables,
}

impl CircomProver {
    /// Builds the proving context of `zkey`.
    pub fn new(zkey: Zkey) -> Result<Self, Groth16Error> {
        let domain = CosetDomain::circom(zkey.domain_size)?;
        let n = zkey.domain_size;
        let rows = |coefs: &[crate::zkey::Coef]| {
            Rows::from_triples(
                n,
                coefs
                    .iter()
                    .map(|c| (c.constraint as usize, c.signal, c.value)),
            )
        };
        let (a_rows, b_rows) = (rows(&zkey.a_coefs), rows(&zkey.b_coefs));
        let mut zkey = zkey;
        // The rows replace the coefficient lists.
        zkey.a_coefs = Vec::new();
        zkey.b_coefs = Vec::new();
        Ok(CircomProver {
            zkey,
            domain,
            a_rows,
            b_rows,
            tables: KeyTables::default(),
        })
    }

    /// Precomputes window tables for the key's bases within `budget`
    /// bytes (see [`MatrixProver::with_tables`]).
    #[must_use]
    pub fn with_tables(mut self, budget: usize) -> Self {
        self.tables = KeyTables::new(&self.view(), budget);
        self
    }

    /// Bytes the window tables take.
    pub fn table_bytes(&self) -> usize {
        self.tables.size_bytes()
    }

    fn view(&self) -> KeyView<'_> {
        let z = &self.zkey;
        KeyView {
            alpha_g1: z.vk.key().alpha_g1,
            beta_g1: z.beta_g1,
            beta_g2: z.vk.key().beta_g2,
            delta_g1: z.delta_g1,
            delta_g2: z.vk.key().delta_g2,
            a: &z.a,
            b1: &z.b1,
            b2: &z.b2,
            l: &z.c,
            h: &z.h,
            num_instance: z.n_public + 1,
        }
    }

    /// The verifying key of the zkey.
    pub fn verifying_key(&self) -> &ValidatedVerifyingKey {
        &self.zkey.vk
    }

    /// The public signals of `witness` (wires `1..=nPublic`), as snarkjs
    /// writes them to `public.json`.
    pub fn public_signals<'w>(&self, witness: &'w [Fr]) -> Result<&'w [Fr], Groth16Error> {
        self.check_witness(witness)?;
        Ok(&witness[1..=self.zkey.n_public])
    }

    fn check_witness(&self, witness: &[Fr]) -> Result<(), Groth16Error> {
        if witness.len() != self.zkey.n_vars {
            return Err(Groth16Error::WitnessShape(format!(
                "{} wires, the key has {}",
                witness.len(),
                self.zkey.n_vars
            )));
        }
        if !witness[0].is_one() {
            return Err(Groth16Error::WitnessShape("wire 0 is not 1".into()));
        }
        Ok(())
    }

    /// A proof for `witness` with blinding `r`, `s`, checked against the
    /// key's verifying key before it is returned: a witness that does not
    /// satisfy the circuit gives [`Groth16Error::Unsatisfied`].
    pub fn prove_with(&self, witness: &[Fr], r: Fr, s: Fr) -> Result<Proof, Groth16Error> {
        let proof = self.prove_without_self_check(witness, r, s)?;
        let public = &witness[1..=self.zkey.n_public];
        if proof.check_points().is_err() || self.zkey.vk.verify(&proof, public).is_err() {
            return Err(Groth16Error::Unsatisfied);
        }
        Ok(proof)
    }

    /// A zero-knowledge proof (fresh `r`, `s` from `rng`), checked as
    /// [`CircomProver::prove_with`] does.
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        witness: &[Fr],
        rng: &mut R,
    ) -> Result<Proof, Groth16Error> {
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        self.prove_with(witness, r, s)
    }

    /// The witness map alone: `A B - C` on the odd coset, the H query's
    /// scalars (one step of [`CircomProver::prove_with`], for measuring it).
    pub fn witness_map(&self, witness: &[Fr]) -> Result<Vec<Fr>, Groth16Error> {
        self.check_witness(witness)?;
        Ok(circom_h(&self.domain, &self.a_rows, &self.b_rows, witness))
    }

    /// The proof without the final verification of the proof against the
    /// verifying key (what rapidsnark does). The witness is still checked:
    /// its length, and wire 0 being 1.
    pub fn prove_without_self_check(
        &self,
        witness: &[Fr],
        r: Fr,
        s: Fr,
    ) -> Result<Proof, Groth16Error> {
        self.check_witness(witness)?;
        let h = || circom_h(&self.domain, &self.a_rows, &self.b_rows, witness);
        Ok(self.view().assemble(&self.tables, witness, h, r, s))
    }
}

/// A prover for one `ark-groth16` proving key and the constraint matrices
/// of its circuit, with the libsnark reduction `ark-groth16` uses: the same
/// assignment, `r` and `s` give the same proof as
/// `Groth16::create_proof_with_reduction_and_matrices`.
#[derive(Clone, Debug)]
pub struct MatrixProver {
    pk: ProvingKey<Bn254>,
    rows: [Rows; 3],
    num_inputs: usize,
    domain: CosetDomain,
    tables: KeyTables,
}

impl MatrixProver {
    /// Builds the proving context. `matrices` are A, B, C of the circuit
    /// the key was made for, `num_inputs` counts the instance wires with
    /// `w_0`, `num_constraints` the rows.
    pub fn new(
        pk: ProvingKey<Bn254>,
        matrices: &[Matrix<Fr>],
        num_inputs: usize,
        num_constraints: usize,
    ) -> Result<Self, Groth16Error> {
        let [a, b, c] = matrices else {
            return Err(Groth16Error::KeyShape(format!(
                "{} matrices, expected A, B, C",
                matrices.len()
            )));
        };
        let n_wires = pk.a_query.len();
        let rows = |m: &Matrix<Fr>| -> Result<Rows, Groth16Error> {
            if m.len() != num_constraints {
                return Err(Groth16Error::KeyShape(format!(
                    "{} rows, expected {num_constraints}",
                    m.len()
                )));
            }
            let triples = m.iter().enumerate().flat_map(|(i, row)| {
                row.iter()
                    .map(move |(v, col)| (i, u32::try_from(*col).unwrap_or(u32::MAX), *v))
            });
            let rows = Rows::from_triples(num_constraints, triples);
            if rows.width() > n_wires {
                return Err(Groth16Error::KeyShape(format!(
                    "a matrix names wire {}, the key has {n_wires}",
                    rows.width() - 1
                )));
            }
            Ok(rows)
        };
        let rows = [rows(a)?, rows(b)?, rows(c)?];
        if num_inputs == 0
            || num_inputs > n_wires
            || pk.b_g1_query.len() != n_wires
            || pk.b_g2_query.len() != n_wires
            || pk.l_query.len() != n_wires - num_inputs
            || pk.vk.gamma_abc_g1.len() != num_inputs
        {
            return Err(Groth16Error::KeyShape(format!(
                "query sizes do not fit {n_wires} wires and {num_inputs} inputs"
            )));
        }
        let domain = CosetDomain::libsnark(num_constraints + num_inputs)?;
        if pk.h_query.len() + 1 != domain.size() {
            return Err(Groth16Error::KeyShape(format!(
                "H query of {} points for a domain of {}",
                pk.h_query.len(),
                domain.size()
            )));
        }
        Ok(MatrixProver {
            pk,
            rows,
            num_inputs,
            domain,
            tables: KeyTables::default(),
        })
    }

    /// Precomputes, for each of the key's queries, the multiples
    /// `2^(c j) P_i` of its bases for every window `j`, so that each
    /// proof's multi-scalar multiplications need no doublings and one set
    /// of buckets per query ([`DEFAULT_TABLE_BUDGET`] is a fair size). The
    /// tables take at most `budget` bytes, shared among the queries in
    /// proportion to their sizes; a query whose table does not fit its
    /// share runs without. Building them costs about as much as a few
    /// proofs, so it pays for a long-lived prover (the service), not for
    /// one proof.
    #[must_use]
    pub fn with_tables(mut self, budget: usize) -> Self {
        self.tables = KeyTables::new(&self.view(), budget);
        self
    }

    /// Bytes the window tables take.
    pub fn table_bytes(&self) -> usize {
        self.tables.size_bytes()
    }

    /// The proving key.
    pub fn proving_key(&self) -> &ProvingKey<Bn254> {
        &self.pk
    }

    fn view(&self) -> KeyView<'_> {
        let pk = &self.pk;
        KeyView {
            alpha_g1: pk.vk.alpha_g1,
            beta_g1: pk.beta_g1,
            beta_g2: pk.vk.beta_g2,
            delta_g1: pk.delta_g1,
            delta_g2: pk.vk.delta_g2,
            a: &pk.a_query,
            b1: &pk.b_g1_query,
            b2: &pk.b_g2_query,
            l: &pk.l_query,
            h: &pk.h_query,
            num_instance: self.num_inputs,
        }
    }

    /// The proof for the full assignment `w` (instance with `w_0 = 1`,
    /// then witness) with blinding `r`, `s`. Not verified here: the caller
    /// holds the verifying key.
    pub fn prove(&self, w: &[Fr], r: Fr, s: Fr) -> Result<Proof, Groth16Error> {
        let n_wires = self.pk.a_query.len();
        if w.len() != n_wires || !w.first().is_some_and(|x| x.is_one()) {
            return Err(Groth16Error::WitnessShape(format!(
                "{} wires (wire 0 must be 1), the key has {n_wires}",
                w.len()
            )));
        }
        let h = || libsnark_h(&self.domain, &self.rows, self.num_inputs, w);
        Ok(self.view().assemble(&self.tables, w, h, r, s))
    }
}
