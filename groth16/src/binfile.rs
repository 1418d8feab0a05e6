//! The container both snarkjs files use (iden3 `binfileutils`): 4 magic
//! bytes, a `u32` version, a `u32` section count, then sections of
//! `u32` type, `u64` byte length and that many bytes. Integers are little
//! endian. Reading is bounded: every length is checked against what is left
//! before anything is allocated, and field elements against their modulus.
//! Sections are read from a file one at a time, never the whole file.

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField, Zero};
use std::io::{Read, Seek, SeekFrom};

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

    /// A scalar stored as an integer below r, taken as Montgomery form
    /// (the element `v R^-1`) without a conversion; refused unless below r.
    pub(crate) fn fr_montgomery(&mut self, what: impl Fn() -> String) -> Result<Fr, Groth16Error> {
        let v = self.bigint("a field element")?;
        if v >= Fr::MODULUS {
            return Err(Groth16Error::NonCanonical {
                file: self.file,
                what: what(),
            });
        }
        Ok(Fr::new_unchecked(v)) // ok: v < r was checked just above
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

/// A binfile's section table, over a reader that holds the file: each
/// section present at most once (types outside `known` are skipped, as
/// snarkjs skips them), each wholly inside the file, and nothing after the
/// last one. [`Sections::read`] reads one section at a time, so a large
/// file is never in memory whole.
pub(crate) struct Sections<R> {
    reader: R,
    file: FileKind,
    /// Offset and length of each known section, by type.
    table: Vec<Option<(u64, usize)>>,
}

impl<R: Read + Seek> Sections<R> {
    pub(crate) fn open(
        mut reader: R,
        file: FileKind,
        magic: &[u8; 4],
        version: u32,
        known: u32,
    ) -> Result<Self, Groth16Error> {
        let io = |e: std::io::Error| io_error(file, &e);
        let total = reader.seek(SeekFrom::End(0)).map_err(io)?;
        reader.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut head = [0u8; 12];
        let got = read_up_to(&mut reader, &mut head, file)?;
        let mut r = Reader::new(&head[..got], file);
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
        let mut pos = 12u64;
        let mut table: Vec<Option<(u64, usize)>> = vec![None; known as usize + 1];
        for i in 0..count {
            let mut h = [0u8; 12];
            let got = read_up_to(&mut reader, &mut h, file)?;
            let mut r = Reader::new(&h[..got], file);
            let ty = r.u32(&format!("the type of section {i}"))?;
            let len = r.u64(&format!("the length of section {i}"))?;
            pos += 12;
            let left = total - pos;
            if len > left {
                return Err(Groth16Error::Section {
                    file,
                    section: ty,
                    reason: format!("announces {len} bytes, {left} are left"),
                });
            }
            // len <= the file's length, which is in memory's range when
            // the file was read from memory; a larger file is refused.
            let body = (
                pos,
                usize::try_from(len).map_err(|_| Groth16Error::Header {
                    file,
                    reason: format!("section {ty} of {len} bytes is too large"),
                })?,
            );
            pos += len;
            reader.seek(SeekFrom::Start(pos)).map_err(io)?;
            if ty == 0 || ty > known {
                continue;
            }
            let slot = &mut table[ty as usize];
            if slot.is_some() {
                return Err(Groth16Error::Section {
                    file,
                    section: ty,
                    reason: "appears twice".into(),
                });
            }
            *slot = Some(body);
        }
        if pos != total {
            return Err(Groth16Error::Header {
                file,
                reason: format!("{} bytes after the last section", total - pos),
            });
        }
        Ok(Sections {
            reader,
            file,
            table,
        })
    }

    /// Section `ty`'s bytes; it must be present and, when `expected` is
    /// given, exactly that long.
    pub(crate) fn read(
        &mut self,
        ty: u32,
        expected: Option<usize>,
    ) -> Result<Vec<u8>, Groth16Error> {
        let file = self.file;
        let (offset, len) = self
            .table
            .get(ty as usize)
            .copied()
            .flatten()
            .ok_or_else(|| Groth16Error::Section {
                file,
                section: ty,
                reason: "missing".into(),
            })?;
        if let Some(n) = expected {
            if len != n {
                return Err(Groth16Error::Section {
                    file,
                    section: ty,
                    reason: format!("is {len} bytes, expected {n}"),
                });
            }
        }
        self.reader
            .seek(SeekFrom::Start(offset))
            .map_err(|e| io_error(file, &e))?;
        // len fits the file (checked when the table was read).
        let mut body = vec![0u8; len];
        if read_up_to(&mut self.reader, &mut body, file)? != len {
            return Err(Groth16Error::Truncated {
                file,
                what: format!("section {ty}"),
            });
        }
        Ok(body)
    }
}

/// Fills `buf` as far as the reader goes; the count read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8], file: FileKind) -> Result<usize, Groth16Error> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(file, &e)),
        }
    }
    Ok(got)
}

fn io_error(file: FileKind, e: &std::io::Error) -> Groth16Error {
    Groth16Error::Io {
        file,
        reason: e.to_string(),
    }
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
