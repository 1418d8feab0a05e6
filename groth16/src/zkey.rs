//! snarkjs Groth16 proving keys (`.zkey`, bn128).
//!
//! Sections (binfile magic `zkey`, version 1), with `n8 = 32`:
//!
//! | type | content | size |
//! |---|---|---|
//! | 1 | protocol (`1` = Groth16) | 4 |
//! | 2 | `n8q, q, n8r, r, nVars, nPublic, domainSize, alpha_1, beta_1, beta_2, gamma_2, delta_1, delta_2` | 660 |
//! | 3 | `IC_0..IC_nPublic` (G1) | `64 (nPublic + 1)` |
//! | 4 | `nCoefs`, then per coefficient `matrix (0 = A, 1 = B), constraint, signal, value` | `4 + 44 nCoefs` |
//! | 5 | A query (G1), one per signal | `64 nVars` |
//! | 6 | B query in G1 | `64 nVars` |
//! | 7 | B query in G2 | `128 nVars` |
//! | 8 | C query (G1), for the private signals `nPublic + 1..nVars` | `64 (nVars - nPublic - 1)` |
//! | 9 | H query (G1) on the odd coset | `64 domainSize` |
//!
//! Point coordinates are in Montgomery form (`x 2^256 mod q`), the identity
//! is `(0, 0)`; coefficient values are stored times `2^512 mod r` (Montgomery
//! form of the Montgomery form), so the value is `stored * R^-2` with
//! `R = 2^256 mod r`. Every coordinate and value must be below its modulus,
//! every point on the curve; the verifying-key points (alpha, beta, gamma,
//! delta, IC) are also checked to be in the prime-order group and go through
//! zkgov's key checks (no identity points, `gamma != delta`: a key made
//! without snarkjs' contribute steps is refused). Query points in G2 are
//! checked on the curve only; a proof whose `B` left the group is refused by
//! the prover's final check.
//!
//! The coefficients include snarkjs' input constraints: signal `i`
//! (`0..=nPublic`) in A at constraint `nConstraints + i`. The C matrix is not
//! in the file: on the evaluation domain `C = A * B` for a satisfying
//! witness, which is how snarkjs and rapidsnark compute it.

use ark_bn254::{Fq, Fr, G1Affine, G2Affine};
use ark_ff::PrimeField;
use zkgov_verifier::{ValidatedVerifyingKey, VerifyingKey};

use std::io::{Read, Seek};

use rayon::prelude::*;

use crate::binfile::{size, Reader, Sections};
use crate::{FileKind, Groth16Error};

const FILE: FileKind = FileKind::Zkey;
const G1_BYTES: usize = 64;
const G2_BYTES: usize = 128;
const COEF_BYTES: usize = 12 + 32;
/// BN254's scalar field has 2-adicity 28.
const MAX_LOG_DOMAIN: u32 = 28;

/// One sparse matrix entry: `value * w[signal]` goes to row `constraint`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Coef {
    pub(crate) constraint: u32,
    pub(crate) signal: u32,
    pub(crate) value: Fr,
}

/// A parsed, validated snarkjs Groth16 proving key.
#[derive(Clone, Debug)]
pub struct Zkey {
    pub(crate) n_vars: usize,
    pub(crate) n_public: usize,
    pub(crate) domain_size: usize,
    pub(crate) vk: ValidatedVerifyingKey,
    pub(crate) beta_g1: G1Affine,
    pub(crate) delta_g1: G1Affine,
    pub(crate) a_coefs: Vec<Coef>,
    pub(crate) b_coefs: Vec<Coef>,
    pub(crate) a: Vec<G1Affine>,
    pub(crate) b1: Vec<G1Affine>,
    pub(crate) b2: Vec<G2Affine>,
    pub(crate) c: Vec<G1Affine>,
    pub(crate) h: Vec<G1Affine>,
}

fn header(reason: impl Into<String>) -> Groth16Error {
    Groth16Error::Header {
        file: FILE,
        reason: reason.into(),
    }
}

impl Zkey {
    /// Parses and validates a `.zkey` file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Groth16Error> {
        Self::from_reader(std::io::Cursor::new(bytes))
    }

    /// Reads, parses and validates a `.zkey` file one section at a time
    /// (so the file is never in memory whole), decoding the points in
    /// parallel.
    pub fn from_reader<R: Read + Seek + Send>(reader: R) -> Result<Self, Groth16Error> {
        let mut s = Sections::open(reader, FILE, b"zkey", 1, 9)?;

        let buf = s.read(1, Some(4))?;
        let mut r = Reader::new(&buf, FILE);
        let protocol = r.u32("the protocol")?;
        if protocol != 1 {
            return Err(header(format!("protocol {protocol} is not Groth16 (1)")));
        }

        let buf = s.read(2, Some(660))?;
        let mut r = Reader::new(&buf, FILE);
        for (what, modulus) in [("q", Fq::MODULUS), ("r", Fr::MODULUS)] {
            let n8 = r.u32("a field size")?;
            if n8 != 32 {
                return Err(Groth16Error::WrongField { file: FILE, what });
            }
            if r.bigint(what)? != modulus {
                return Err(Groth16Error::WrongField { file: FILE, what });
            }
        }
        let n_vars = r.u32("nVars")? as usize;
        let n_public = r.u32("nPublic")? as usize;
        let domain_size = r.u32("domainSize")? as usize;
        if n_public.checked_add(1).is_none_or(|n| n > n_vars) {
            return Err(header(format!(
                "nPublic {n_public} leaves no room for wire 0 in nVars {n_vars}"
            )));
        }
        if !domain_size.is_power_of_two() || domain_size > 1 << MAX_LOG_DOMAIN {
            return Err(header(format!(
                "domainSize {domain_size} is not a power of two up to 2^{MAX_LOG_DOMAIN}"
            )));
        }
        if domain_size <= n_public {
            return Err(header(format!(
                "domainSize {domain_size} cannot hold {} input constraints",
                n_public + 1
            )));
        }
        let alpha_g1 = r.g1(&|| "alpha_1".into())?;
        let beta_g1 = r.g1(&|| "beta_1".into())?;
        let beta_g2 = r.g2(&|| "beta_2".into(), true)?;
        let gamma_g2 = r.g2(&|| "gamma_2".into(), true)?;
        let delta_g1 = r.g1(&|| "delta_1".into())?;
        let delta_g2 = r.g2(&|| "delta_2".into(), true)?;

        let buf = s.read(3, Some(size(FILE, &[(n_public + 1, G1_BYTES)], 0)?))?;
        let mut r = Reader::new(&buf, FILE);
        let ic = (0..=n_public)
            .map(|i| r.g1(&|| format!("IC[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        let vk = VerifyingKey {
            alpha_g1,
            beta_g2,
            gamma_g2,
            delta_g2,
            gamma_abc_g1: ic,
        };
        // The key checks (subgroups, a pairing) run beside the decoding of
        // the queries; a bad key is reported first, as if checked first.
        let (vk, queries) = rayon::join(
            move || vk.validate(n_public),
            || Queries::read(&mut s, n_vars, n_public, domain_size),
        );
        let vk = vk.map_err(Groth16Error::Key)?;
        let q = queries?;
        Ok(Zkey {
            n_vars,
            n_public,
            domain_size,
            vk,
            beta_g1,
            delta_g1,
            a_coefs: q.a_coefs,
            b_coefs: q.b_coefs,
            a: q.a,
            b1: q.b1,
            b2: q.b2,
            c: q.c,
            h: q.h,
        })
    }

    /// Number of signals (wires), wire 0 being the constant 1.
    pub fn num_vars(&self) -> usize {
        self.n_vars
    }

    /// Number of public signals (wires `1..=nPublic`).
    pub fn num_public(&self) -> usize {
        self.n_public
    }

    /// Size of the evaluation domain (a power of two).
    pub fn domain_size(&self) -> usize {
        self.domain_size
    }

    /// The key's verifying key, validated.
    pub fn verifying_key(&self) -> &ValidatedVerifyingKey {
        &self.vk
    }
}

/// Sections 4 to 9: the coefficients and the queries.
struct Queries {
    a_coefs: Vec<Coef>,
    b_coefs: Vec<Coef>,
    a: Vec<G1Affine>,
    b1: Vec<G1Affine>,
    b2: Vec<G2Affine>,
    c: Vec<G1Affine>,
    h: Vec<G1Affine>,
}

impl Queries {
    fn read<R: Read + Seek>(
        s: &mut Sections<R>,
        n_vars: usize,
        n_public: usize,
        domain_size: usize,
    ) -> Result<Self, Groth16Error> {
        let buf = s.read(4, None)?;
        let mut r = Reader::new(&buf, FILE);
        let n_coefs = r.u32("nCoefs")? as usize;
        if r.remaining() != size(FILE, &[(n_coefs, COEF_BYTES)], 0)? {
            return Err(Groth16Error::Section {
                file: FILE,
                section: 4,
                reason: format!(
                    "holds {} bytes after nCoefs = {n_coefs}, expected {}",
                    r.remaining(),
                    n_coefs.saturating_mul(COEF_BYTES)
                ),
            });
        }
        let (a_coefs, b_coefs) = coefficients(&buf[4..], n_vars, domain_size)?;
        drop(buf);

        let mut g1s =
            |ty: u32, n: usize, name: &'static str| -> Result<Vec<G1Affine>, Groth16Error> {
                let buf = s.read(ty, Some(size(FILE, &[(n, G1_BYTES)], 0)?))?;
                buf.par_chunks_exact(G1_BYTES)
                    .enumerate()
                    .map(|(i, p)| Reader::new(p, FILE).g1(&|| format!("{name}[{i}]")))
                    .collect()
            };
        let a = g1s(5, n_vars, "A")?;
        let b1 = g1s(6, n_vars, "B1")?;
        let c = g1s(8, n_vars - n_public - 1, "C")?;
        let h = g1s(9, domain_size, "H")?;
        let buf = s.read(7, Some(size(FILE, &[(n_vars, G2_BYTES)], 0)?))?;
        let b2 = buf
            .par_chunks_exact(G2_BYTES)
            .enumerate()
            .map(|(i, p)| Reader::new(p, FILE).g2(&|| format!("B2[{i}]"), false))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Queries {
            a_coefs,
            b_coefs,
            a,
            b1,
            b2,
            c,
            h,
        })
    }
}

/// Section 4 (after `nCoefs`): the A and B coefficients, each in range
/// and canonical, decoded in parallel.
fn coefficients(
    body: &[u8],
    n_vars: usize,
    domain_size: usize,
) -> Result<(Vec<Coef>, Vec<Coef>), Groth16Error> {
    // stored = value R^2 (mod r) as an integer; read as Montgomery form it
    // is the element stored R^-1 = value R, and times the element R^-1
    // (Montgomery form 1) it is value: one multiplication.
    let r_inv = Fr::new_unchecked(ark_ff::BigInt::one()); // ok: 1 < r, the element R^-1
    let all = body
        .par_chunks_exact(COEF_BYTES)
        .enumerate()
        .map(|(i, bytes)| {
            let mut r = Reader::new(bytes, FILE);
            let matrix = r.u32("a coefficient's matrix")?;
            let constraint = r.u32("a coefficient's constraint")?;
            let signal = r.u32("a coefficient's signal")?;
            let stored = r.fr_montgomery(|| format!("coefficient {i}"))?;
            if constraint as usize >= domain_size || signal as usize >= n_vars {
                return Err(Groth16Error::Section {
                    file: FILE,
                    section: 4,
                    reason: format!(
                        "coefficient {i} at constraint {constraint}, signal {signal} is outside \
                         {domain_size} constraints and {n_vars} signals"
                    ),
                });
            }
            if matrix > 1 {
                return Err(Groth16Error::Section {
                    file: FILE,
                    section: 4,
                    reason: format!("coefficient {i} is for matrix {matrix}, not A (0) or B (1)"),
                });
            }
            let coef = Coef {
                constraint,
                signal,
                value: stored * r_inv,
            };
            Ok((matrix == 0, coef))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (a, b): (Vec<_>, Vec<_>) = all.into_iter().partition(|(is_a, _)| *is_a);
    Ok((
        a.into_iter().map(|(_, c)| c).collect(),
        b.into_iter().map(|(_, c)| c).collect(),
    ))
}
