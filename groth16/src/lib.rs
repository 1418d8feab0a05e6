//! # zkgov-groth16
//!
//! Groth16 proving over BN254 for zkgov and for circom users:
//!
//! | what | items |
//! |---|---|
//! | snarkjs proving keys and circom witnesses, read with bounded, validated parsing | [`Zkey`], [`read_wtns`] |
//! | a prover for a snarkjs key (circom's QAP reduction, H on the odd coset) | [`CircomProver`] |
//! | a prover for an `ark-groth16` key and its constraint matrices (libsnark reduction, same proofs as `ark-groth16`) | [`MatrixProver`] |
//! | multi-scalar multiplication with batch-affine buckets and GLV, and window tables for fixed bases | [`msm::msm`], [`msm::msm_parts`], [`msm::FixedBases`], [`glv`] |
//! | errors | [`Groth16Error`], [`ErrorKind`], [`FileKind`] |
//!
//! Both provers build their per-key context once (key points, sparse rows,
//! the evaluation domain and the coset's shift powers); a proof runs the
//! witness map with in-place FFTs and three multi-scalar multiplications
//! (A; B in G2; and one for C that takes the B query in G1, the private
//! wires' query and the H query together).

mod binfile;
mod error;
pub mod glv;
#[cfg(target_arch = "x86_64")]
mod ifma;
pub mod msm;
mod prover;
mod qap;
mod wtns;
mod zkey;

pub use error::{ErrorKind, FileKind, Groth16Error};
pub use prover::{CircomProver, MatrixProver, DEFAULT_TABLE_BUDGET};
pub use wtns::read_wtns;
pub use zkey::Zkey;
