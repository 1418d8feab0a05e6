//! The container both snarkjs files use (iden3 `binfileutils`): 4 magic
//! bytes, a `u32` version, a `u32` section count, then sections of
//! `u32` type, `u64` byte length and that many bytes. Integers are little
//! endian. Reading is bounded: every length is checked against what is left
//! before anything is allocated, and field elements against their modulus.

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField, Zero};

use crate::{FileKind, Groth16Error};

/// A cursor over a byte slice that turns every short read into
/// [`Groth16Error::Truncated`].
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    file: FileKind,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], file: FileKind) -> Self {
        Reader { buf, file }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len()
    }

    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Groth16Error> {
        if n > self.buf.len() {
            return Err(Groth16Error::Truncated {
                file: self.file,
                what: what.to_string(),
            });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, Groth16Error> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, Groth16Error> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// 32 little-endian bytes as a 256-bit integer.
    pub(crate) fn bigint(&mut self, what: &str) -> Result<BigInt<4>, Groth16Error> {
        let b = self.take(32, what)?;
        let mut limbs = [0u64; 4];
        for (limb, chunk) in limbs.iter_mut().zip(b.chunks_exact(8)) {
            let mut a = [0u8; 8];
            a.copy_from_slice(chunk);
            *limb = u64::from_le_bytes(a);
        }
        Ok(BigInt(limbs))
    }

    /// A scalar in normal form (`.wtns` values), refused unless below r.
    pub(crate) fn fr(&mut self, what: impl Fn() -> String) -> Result<Fr, Groth16Error> {
        let v = self.bigint("a field element")?;
        Fr::from_bigint(v).ok_or_else(|| Groth16Error::NonCanonical {
            file: self.file,
            what: what(),
        })
    }

    /// A base-field element in Montgomery form (snarkjs writes point
    /// coordinates as `x * 2^256 mod q`), refused unless below q.
    fn fq_montgomery(&mut self, what: &dyn Fn() -> String) -> Result<Fq, Groth16Error> {
        let v = self.bigint("a point coordinate")?;
        if v >= Fq::MODULUS {
            return Err(Groth16Error::NonCanonical {
                file: self.file,
                what: what(),
            });
        }
        Ok(Fq::new_unchecked(v)) // ok: snarkjs writes Montgomery form; v < q was checked just above
    }

    /// A G1 point: `x, y` in Montgomery form, `(0, 0)` for the identity;
    /// refused off the curve (G1 has cofactor 1, so on the curve is in the group).
    pub(crate) fn g1(&mut self, what: &dyn Fn() -> String) -> Result<G1Affine, Groth16Error> {
        let x = self.fq_montgomery(what)?;
        let y = self.fq_montgomery(what)?;
        if x.is_zero() && y.is_zero() {
            return Ok(G1Affine::zero());
        }
        let p = G1Affine::new_unchecked(x, y); // ok: is_on_curve is checked on the next line (cofactor 1)
        if !p.is_on_curve() {
            return Err(Groth16Error::BadPoint {
                file: self.file,
                what: what(),
            });
        }
        Ok(p)
    }

    /// A G2 point (`x.c0, x.c1, y.c0, y.c1`); on-curve checked here, the
    /// subgroup when `subgroup` is set.
    pub(crate) fn g2(
        &mut self,
        what: &dyn Fn() -> String,
        subgroup: bool,
    ) -> Result<G2Affine, Groth16Error> {
        let x = Fq2::new(self.fq_montgomery(what)?, self.fq_montgomery(what)?);
        let y = Fq2::new(self.fq_montgomery(what)?, self.fq_montgomery(what)?);
        if x.is_zero() && y.is_zero() {
            return Ok(G2Affine::zero());
        }
        let p = G2Affine::new_unchecked(x, y); // ok: on-curve (and subgroup when asked) checked on the next line
        if !p.is_on_curve() || (subgroup && !p.is_in_correct_subgroup_assuming_on_curve()) {
            return Err(Groth16Error::BadPoint {
                file: self.file,
                what: what(),
            });
        }
        Ok(p)
    }
}

/// The sections of a binfile, by type: each present at most once (types
/// outside `known` are skipped, as snarkjs skips them), each wholly inside
/// the file, and nothing after the last one.
pub(crate) fn sections<'a>(
    bytes: &'a [u8],
    file: FileKind,
    magic: &[u8; 4],
    version: u32,
    known: u32,
) -> Result<Vec<Option<&'a [u8]>>, Groth16Error> {
    let mut r = Reader::new(bytes, file);
    if r.take(4, "the magic bytes")? != magic {
        return Err(Groth16Error::BadMagic { file });
    }
    let got = r.u32("the version")?;
    if got != version {
        return Err(Groth16Error::UnsupportedVersion {
            file,
            got,
            supported: version,
        });
    }
    let count = r.u32("the section count")?;
    let mut out: Vec<Option<&[u8]>> = vec![None; known as usize + 1];
    for i in 0..count {
        let ty = r.u32(&format!("the type of section {i}"))?;
        let len = r.u64(&format!("the length of section {i}"))?;
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= r.remaining())
            .ok_or_else(|| Groth16Error::Section {
                file,
                section: ty,
                reason: format!("announces {len} bytes, {} are left", r.remaining()),
            })?;
        let body = r.take(len, "a section")?;
        if ty == 0 || ty > known {
            continue;
        }
        let slot = &mut out[ty as usize];
        if slot.is_some() {
            return Err(Groth16Error::Section {
                file,
                section: ty,
                reason: "appears twice".into(),
            });
        }
        *slot = Some(body);
    }
    if r.remaining() != 0 {
        return Err(Groth16Error::Header {
            file,
            reason: format!("{} bytes after the last section", r.remaining()),
        });
    }
    Ok(out)
}

/// Section `ty`, which must be present and exactly `expected` bytes long.
pub(crate) fn section<'a>(
    sections: &[Option<&'a [u8]>],
    file: FileKind,
    ty: u32,
    expected: Option<usize>,
) -> Result<Reader<'a>, Groth16Error> {
    let body = sections
        .get(ty as usize)
        .copied()
        .flatten()
        .ok_or_else(|| Groth16Error::Section {
            file,
            section: ty,
            reason: "missing".into(),
        })?;
    if let Some(n) = expected {
        if body.len() != n {
            return Err(Groth16Error::Section {
                file,
                section: ty,
                reason: format!("is {} bytes, expected {n}", body.len()),
            });
        }
    }
    Ok(Reader::new(body, file))
}

/// `a * b` for sizes announced by a file, refusing overflow.
pub(crate) fn size(
    file: FileKind,
    terms: &[(usize, usize)],
    plus: usize,
) -> Result<usize, Groth16Error> {
    let mut total = plus;
    for &(a, b) in terms {
        total = a
            .checked_mul(b)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(|| Groth16Error::Header {
                file,
                reason: "announced sizes overflow".into(),
            })?;
    }
    Ok(total)
}
