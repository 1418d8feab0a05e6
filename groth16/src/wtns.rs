//! circom witnesses (`.wtns`): binfile magic `wtns`, version 2; section 1
//! holds `n8 = 32`, the prime `r` and the witness count, section 2 the
//! values, 32 bytes little endian each, in normal (not Montgomery) form,
//! each below r.

use ark_bn254::Fr;
use ark_ff::PrimeField;

use crate::binfile::{section, sections, size};
use crate::{FileKind, Groth16Error};

const FILE: FileKind = FileKind::Wtns;

/// Parses and validates a `.wtns` file's bytes into the wire values
/// (wire 0 first).
pub fn read_wtns(bytes: &[u8]) -> Result<Vec<Fr>, Groth16Error> {
    let s = sections(bytes, FILE, b"wtns", 2, 2)?;
    let mut r = section(&s, FILE, 1, Some(4 + 32 + 4))?;
    if r.u32("n8")? != 32 || r.bigint("the prime")? != Fr::MODULUS {
        return Err(Groth16Error::WrongField {
            file: FILE,
            what: "the prime",
        });
    }
    let n = r.u32("the witness count")? as usize;
    let mut r = section(&s, FILE, 2, Some(size(FILE, &[(n, 32)], 0)?))?;
    (0..n).map(|i| r.fr(|| format!("wire {i}"))).collect()
}
