//! Key files and the manifest.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zkgov_verifier::{StatementId, ValidatedVerifyingKey};

use crate::{setup::Shape, ParamsError};

/// `format` of a manifest.
pub const MANIFEST_FORMAT: &str = "zkgov-key-manifest";
/// Manifest version.
pub const MANIFEST_VERSION: u64 = 1;
/// What a development setup writes into its manifest's `security` field.
pub const INSECURE_LABEL: &str =
    "INSECURE: single-party development setup; whoever ran it can forge proofs. Not for production.";

/// A key file, pinned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// File name inside the key directory.
    pub file: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// One statement's keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// Statement identifier.
    pub statement: String,
    /// Merkle depth.
    pub depth: usize,
    /// Constraint count.
    pub constraints: usize,
    /// Public input count.
    pub public_inputs: usize,
    /// The verifying key's digest (what bundles name).
    pub vk_digest: String,
    /// Proving key file.
    pub proving_key: FileEntry,
    /// Verifying key file.
    pub verifying_key: FileEntry,
}

/// The manifest of a key directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub format: String,
    /// [`MANIFEST_VERSION`].
    pub version: u64,
    /// How the keys were made; [`INSECURE_LABEL`] for a development setup.
    pub security: String,
    /// Keys.
    pub keys: Vec<KeyEntry>,
}

impl Manifest {
    /// Reads a manifest's text (`path` names it in errors: a file, or the
    /// URL a page fetched it from).
    pub fn from_json(text: &str, path: &Path) -> Result<Self, ParamsError> {
        let bad = |reason: String| ParamsError::Manifest {
            path: path.to_owned(),
            reason,
        };
        let m: Manifest = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if m.format != MANIFEST_FORMAT || m.version != MANIFEST_VERSION {
            return Err(bad(format!(
                "format {} version {} is not {MANIFEST_FORMAT} version {MANIFEST_VERSION}",
                m.format, m.version
            )));
        }
        Ok(m)
    }

    /// The entry for `statement` at `depth`, if listed.
    pub fn find(&self, statement: StatementId, depth: usize) -> Option<&KeyEntry> {
        self.keys
            .iter()
            .find(|k| k.statement == statement.as_str() && k.depth == depth)
    }
}

impl FileEntry {
    /// Checks `bytes` (read from `path`) against the pinned size and
    /// SHA-256.
    pub fn check(&self, path: &Path, bytes: &[u8]) -> Result<(), ParamsError> {
        if bytes.len() as u64 != self.bytes {
            return Err(ParamsError::SizeMismatch {
                path: path.to_owned(),
                expected: self.bytes,
                got: bytes.len() as u64,
            });
        }
        let got = sha256_hex(bytes);
        if got != self.sha256 {
            return Err(ParamsError::DigestMismatch {
                path: path.to_owned(),
                expected: self.sha256.clone(),
                got,
            });
        }
        Ok(())
    }
}

/// Whether a proving key's points are validated as it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointChecks {
    /// Every point on its curve and in its prime-order subgroup.
    Every,
    /// These exact bytes (by SHA-256) were validated point by point
    /// before, in this place: a browser that checked them on first use.
    DoneBefore,
}

impl KeyEntry {
    fn statement_id(&self) -> Result<StatementId, ParamsError> {
        self.statement
            .parse::<StatementId>()
            .map_err(ParamsError::Verify)
    }

    /// The verifying key from the bytes of its file (read from `path`):
    /// size and digest checked against this entry, the key validated, and
    /// its digest the entry's `vk_digest`.
    pub fn verifying_key_from_bytes(
        &self,
        path: &Path,
        bytes: &[u8],
    ) -> Result<ValidatedVerifyingKey, ParamsError> {
        self.verifying_key.check(path, bytes)?;
        let statement = self.statement_id()?;
        let vk = ValidatedVerifyingKey::from_bytes(bytes, statement.num_public_inputs())?;
        if vk.digest().to_hex() != self.vk_digest {
            return Err(ParamsError::DigestMismatch {
                path: path.to_owned(),
                expected: self.vk_digest.clone(),
                got: vk.digest().to_hex(),
            });
        }
        Ok(vk)
    }

    /// The proving key from the bytes of its file (read from `path`): size
    /// and digest checked against this entry, every point validated, and
    /// the verifying key it embeds the entry's `vk_digest`.
    pub fn proving_key_from_bytes(
        &self,
        path: &Path,
        bytes: &[u8],
    ) -> Result<ProvingKey<Bn254>, ParamsError> {
        self.proving_key_from_bytes_with(path, bytes, PointChecks::Every)
    }

    /// [`Self::proving_key_from_bytes`], with the subgroup checks of the
    /// points skipped when `points` is [`PointChecks::DoneBefore`]: for a
    /// file whose exact bytes (its SHA-256, checked here in any case) the
    /// caller has validated point by point before. Decompression still
    /// puts every point on its curve.
    pub fn proving_key_from_bytes_with(
        &self,
        path: &Path,
        bytes: &[u8],
        points: PointChecks,
    ) -> Result<ProvingKey<Bn254>, ParamsError> {
        self.proving_key.check(path, bytes)?;
        let statement = self.statement_id()?;
        let validate = match points {
            PointChecks::Every => Validate::Yes,
            PointChecks::DoneBefore => Validate::No,
        };
        let pk = ProvingKey::<Bn254>::deserialize_with_mode(bytes, Compress::Yes, validate)
            .map_err(|e| ParamsError::BadKey {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        let vk = crate::convert_vk(&pk.vk).validate(statement.num_public_inputs())?;
        if vk.digest().to_hex() != self.vk_digest {
            return Err(ParamsError::BadKey {
                path: path.to_owned(),
                reason: "the proving key does not embed the pinned verifying key".into(),
            });
        }
        Ok(pk)
    }
}

/// A directory of keys with its manifest.
#[derive(Clone, Debug)]
pub struct KeyDir {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ParamsError + '_ {
    move |source| ParamsError::Io {
        path: path.to_owned(),
        source,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ParamsError> {
    let tmp = path.with_extension("tmp");
    let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    fs::rename(&tmp, path).map_err(io(path))
}

impl KeyDir {
    /// A key directory at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        KeyDir { dir: dir.into() }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    fn manifest_path(&self) -> PathBuf {
        self.dir.join("manifest.json")
    }

    /// Reads the manifest (an empty one if there is none yet).
    pub fn manifest(&self) -> Result<Manifest, ParamsError> {
        let path = self.manifest_path();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Manifest {
                    format: MANIFEST_FORMAT.into(),
                    version: MANIFEST_VERSION,
                    security: INSECURE_LABEL.into(),
                    keys: Vec::new(),
                })
            }
            Err(e) => return Err(io(&path)(e)),
        };
        Manifest::from_json(&text, &path)
    }

    fn base_name(statement: StatementId, depth: usize) -> String {
        let name = statement
            .as_str()
            .trim_start_matches("zkgov/")
            .replace('/', "-");
        format!("{name}-d{depth}")
    }

    /// Writes a key pair and records it in the manifest (replacing any entry
    /// for the same statement and depth).
    pub fn write(
        &self,
        statement: StatementId,
        depth: usize,
        shape: Shape,
        pk: &ProvingKey<Bn254>,
        vk: &ValidatedVerifyingKey,
    ) -> Result<KeyEntry, ParamsError> {
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let base = Self::base_name(statement, depth);
        let mut pk_bytes = Vec::with_capacity(pk.compressed_size());
        pk.serialize_compressed(&mut pk_bytes)
            .map_err(|e| ParamsError::Setup(format!("serialising the proving key: {e}")))?;
        let vk_bytes = vk.key().to_bytes();
        let entry = KeyEntry {
            statement: statement.as_str().into(),
            depth,
            constraints: shape.constraints,
            public_inputs: shape.public_inputs,
            vk_digest: vk.digest().to_hex(),
            proving_key: FileEntry {
                file: format!("{base}.pk"),
                bytes: pk_bytes.len() as u64,
                sha256: sha256_hex(&pk_bytes),
            },
            verifying_key: FileEntry {
                file: format!("{base}.vk"),
                bytes: vk_bytes.len() as u64,
                sha256: sha256_hex(&vk_bytes),
            },
        };
        write_atomic(&self.dir.join(&entry.proving_key.file), &pk_bytes)?;
        write_atomic(&self.dir.join(&entry.verifying_key.file), &vk_bytes)?;
        let mut m = self.manifest()?;
        m.security = INSECURE_LABEL.into();
        m.keys
            .retain(|k| !(k.statement == entry.statement && k.depth == depth));
        m.keys.push(entry.clone());
        let json = serde_json::to_string_pretty(&m)
            .map_err(|e| ParamsError::Setup(format!("manifest: {e}")))?;
        write_atomic(&self.manifest_path(), json.as_bytes())?;
        write_atomic(
            &self.dir.join("INSECURE-DEVELOPMENT-KEYS.txt"),
            format!("{INSECURE_LABEL}\nProduction keys come from a multi-party ceremony.\n")
                .as_bytes(),
        )?;
        Ok(entry)
    }

    /// The manifest entry for `statement` at `depth`.
    pub fn entry(&self, statement: StatementId, depth: usize) -> Result<KeyEntry, ParamsError> {
        self.manifest()?
            .keys
            .into_iter()
            .find(|k| k.statement == statement.as_str() && k.depth == depth)
            .ok_or_else(|| ParamsError::NoKey {
                statement: statement.as_str().into(),
                depth,
                dir: self.dir.clone(),
            })
    }

    /// The manifest entry whose verifying key has `digest` (hex).
    pub fn entry_by_digest(&self, digest: &str) -> Result<KeyEntry, ParamsError> {
        self.manifest()?
            .keys
            .into_iter()
            .find(|k| k.vk_digest == digest)
            .ok_or_else(|| ParamsError::Manifest {
                path: self.manifest_path(),
                reason: format!("no verifying key with digest {digest}"),
            })
    }

    /// The verifying key a bundle names (by digest), with its depth: the
    /// manifest must list that digest for the bundle's statement.
    pub fn verifying_key_for(
        &self,
        statement: StatementId,
        digest: &zkgov_verifier::VerifyingKeyDigest,
    ) -> Result<(ValidatedVerifyingKey, usize), ParamsError> {
        let entry = self.entry_by_digest(&digest.to_hex())?;
        if entry.statement != statement.as_str() {
            return Err(ParamsError::Manifest {
                path: self.manifest_path(),
                reason: format!(
                    "the key with digest {digest} is for {}, not {statement}",
                    entry.statement
                ),
            });
        }
        Ok((self.verifying_key(statement, entry.depth)?, entry.depth))
    }

    /// Reads a pinned file, checking its size before reading it.
    fn read_pinned(&self, f: &FileEntry) -> Result<Vec<u8>, ParamsError> {
        if f.file.contains('/') || f.file.contains('\\') || f.file.starts_with('.') {
            return Err(ParamsError::Manifest {
                path: self.manifest_path(),
                reason: format!("key file name {:?} leaves the key directory", f.file),
            });
        }
        let path = self.dir.join(&f.file);
        let size = fs::metadata(&path).map_err(io(&path))?.len();
        if size != f.bytes {
            return Err(ParamsError::SizeMismatch {
                path,
                expected: f.bytes,
                got: size,
            });
        }
        // The digest is checked by the caller, with the entry
        // (`FileEntry::check`).
        fs::read(&path).map_err(io(&path))
    }

    /// Loads and validates the verifying key of `statement` at `depth`.
    pub fn verifying_key(
        &self,
        statement: StatementId,
        depth: usize,
    ) -> Result<ValidatedVerifyingKey, ParamsError> {
        let entry = self.entry(statement, depth)?;
        let bytes = self.read_pinned(&entry.verifying_key)?;
        entry.verifying_key_from_bytes(&self.dir.join(&entry.verifying_key.file), &bytes)
    }

    /// Loads the proving key of `statement` at `depth` (size and digest
    /// checked, points validated) and checks it embeds the pinned verifying key.
    pub fn proving_key(
        &self,
        statement: StatementId,
        depth: usize,
    ) -> Result<ProvingKey<Bn254>, ParamsError> {
        let entry = self.entry(statement, depth)?;
        let bytes = self.read_pinned(&entry.proving_key)?;
        entry.proving_key_from_bytes(&self.dir.join(&entry.proving_key.file), &bytes)
    }
}
