//! # zkgov-params
//!
//! Keys for zkgov's statements: a **development** Groth16 setup (one party,
//! OS randomness: whoever ran it could forge proofs, so every file and
//! manifest it writes says so), key files in arkworks compressed form, a
//! manifest pinning each key's size and digests, and loading that checks
//! size and digest before a key is used.
//!
//! Layout of a key directory:
//!
//! ```text
//! keys/
//!   manifest.json                          statements, parameters, sizes, digests
//!   record-membership-v2-d20.pk            proving key, arkworks compressed
//!   record-membership-v2-d20.vk            verifying key, arkworks compressed
//!   INSECURE-DEVELOPMENT-KEYS.txt          the warning, in words
//! ```

mod error;
mod keys;
pub mod private_file;
mod setup;

pub use error::ParamsError;
pub use keys::{
    FileEntry, KeyDir, KeyEntry, Manifest, PointChecks, INSECURE_LABEL, MANIFEST_FORMAT,
    MANIFEST_VERSION,
};
pub use setup::{blank_circuit, convert_vk, dev_setup, key_depth, shape, BlankCircuit, Shape};
