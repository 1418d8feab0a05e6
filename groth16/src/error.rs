//! The one error type of the Groth16 crate.

use thiserror::Error;

/// Which input file an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A snarkjs proving key (`.zkey`).
    Zkey,
    /// A circom witness (`.wtns`).
    Wtns,
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Zkey => "zkey",
            FileKind::Wtns => "wtns",
        })
    }
}

/// Everything that can go wrong reading keys and witnesses or proving.
///
/// Messages name positions and sizes only, never witness values.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum Groth16Error {
    /// The file does not start with the format's magic bytes.
    #[error("{file}: not a {file} file (bad magic bytes)")]
    BadMagic {
        /// Which file.
        file: FileKind,
    },
    /// The file's format version is not one this build reads.
    #[error("{file}: unsupported version {got} (this build reads version {supported})")]
    UnsupportedVersion {
        /// Which file.
        file: FileKind,
        /// Version found.
        got: u32,
        /// Version supported.
        supported: u32,
    },
    /// The file could not be read (an I/O error after it was opened).
    #[error("{file}: cannot read: {reason}")]
    Io {
        /// Which file.
        file: FileKind,
        /// The operating system's message.
        reason: String,
    },
    /// The file ends before a value it announces.
    #[error("{file}: truncated while reading {what}")]
    Truncated {
        /// Which file.
        file: FileKind,
        /// What was being read.
        what: String,
    },
    /// A section is missing, repeated, or of the wrong size.
    #[error("{file}: section {section}: {reason}")]
    Section {
        /// Which file.
        file: FileKind,
        /// Section type.
        section: u32,
        /// What is wrong.
        reason: String,
    },
    /// A header value is out of range or inconsistent.
    #[error("{file}: bad header: {reason}")]
    Header {
        /// Which file.
        file: FileKind,
        /// What is wrong.
        reason: String,
    },
    /// The file is for another curve or field than BN254 (snarkjs `bn128`).
    #[error("{file}: {what} is not BN254's")]
    WrongField {
        /// Which file.
        file: FileKind,
        /// Which modulus.
        what: &'static str,
    },
    /// A field element is not below its modulus.
    #[error("{file}: {what} is not a canonical field element")]
    NonCanonical {
        /// Which file.
        file: FileKind,
        /// Which value.
        what: String,
    },
    /// A curve point is off the curve or outside the prime-order group.
    #[error("{file}: {what} is not a valid curve point")]
    BadPoint {
        /// Which file.
        file: FileKind,
        /// Which point.
        what: String,
    },
    /// The verifying key inside the zkey fails zkgov's key checks
    /// (identity points, `gamma == delta`, ...).
    #[error("zkey: {0}")]
    Key(zkgov_verifier::VerifyError),
    /// The witness does not fit the key (length, wire 0).
    #[error("witness does not fit the key: {0}")]
    WitnessShape(String),
    /// The witness does not satisfy the circuit: the proof made from it
    /// fails verification.
    #[error("the witness does not satisfy the circuit (the proof made from it does not verify)")]
    Unsatisfied,
    /// An arkworks proving key and constraint matrices do not fit together.
    #[error("proving key and constraint system do not fit: {0}")]
    KeyShape(String),
}

/// How a failure should be reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input could not be read or does not fit together.
    Malformed,
    /// The input was read and is invalid: the witness does not satisfy the circuit.
    Invalid,
}

impl Groth16Error {
    /// Classifies the error (exit statuses).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Groth16Error::Unsatisfied => ErrorKind::Invalid,
            _ => ErrorKind::Malformed,
        }
    }
}
