//! circom witnesses (`.wtns`): binfile magic `wtns`, version 2; section 1
//! holds `n8 = 32`, the prime `r` and the witness count, section 2 the
//! values, 32 bytes little endian each, in normal (not Montgomery) form,
//! each below r.

use ark_bn254::Fr;
use ark_ff::PrimeField;

use crate::binfile::{size, Reader, Sections};
use crate::{FileKind, Groth16Error};

const FILE: FileKind = FileKind::Wtns;

/// Parses and validates a `.wtns` file's bytes into the wire values
/// (wire 0 first).
pub fn read_wtns(bytes: &[u8]) -> Result<Vec<Fr>, Groth16Error> {
    let mut s = Sections::open(std::io::Cursor::new(bytes), FILE, b"wtns", 2, 2)?;
    let head = s.read(1, Some(4 + 32 + 4))?;
    let mut r = Reader::new(&head, FILE);
    if r.u32("n8")? != 32 || r.bigint("the prime")? != Fr::MODULUS {
        return Err(Groth16Error::WrongField {
            file: FILE,
            what: "the prime",
        });
    }
    let n = r.u32("the witness count")? as usize;
    let values = s.read(2, Some(size(FILE, &[(n, 32)], 0)?))?;
    let mut r = Reader::new(&values, FILE);
    (0..n).map(|i| r.fr(|| format!("wire {i}"))).collect()
}
