//! What an authority (admin, registry authority, issuer, accreditation
//! authority) needs to write to a ledger: its key file, and signed
//! submissions. Signing lives here, not in the verify-only crate.
//!
//! ```text
//! authority key file (secret, mode 0600):
//! {"format": "zkgov-authority-key", "version": 1, "name": "land-registry",
//!  "role": "registry-authority", "registries": ["parcels"], "seed": "<base64 of 32 bytes>"}
//!
//! genesis file (public):
//! {"format": "zkgov-genesis", "version": 1, "authorities": [<authority>, ...]}
//! ```

use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};
use zkgov_verifier::{
    encoding::b64_array, encoding::b64_encode, signing_message, Agency, AgencyRegistration,
    Authority, AuthorityKey, EntryBody, EntrySignature, KeyRegistration, MerkleRoot,
    PresentationRequest, RegistryRoot, Role, StatementId, ValidatedVerifyingKey, VkRegistration,
};

use crate::{LedgerError, Submission};

const KEY_FORMAT: &str = "zkgov-authority-key";
const GENESIS_FORMAT: &str = "zkgov-genesis";

#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
struct KeyFileJson {
    format: String,
    version: u64,
    name: String,
    #[zeroize(skip)]
    role: Role,
    #[serde(default)]
    registries: Vec<String>,
    seed: String,
}

/// An authority's signing key with its public description.
pub struct AuthoritySigner {
    authority: Authority,
    key: SigningKey,
}

impl std::fmt::Debug for AuthoritySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthoritySigner")
            .field("authority", &self.authority)
            .field("key", &"<secret>")
            .finish()
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_owned(),
        source,
    }
}

impl AuthoritySigner {
    /// A new key from `rng` (the OS RNG outside tests).
    pub fn generate(
        name: &str,
        role: Role,
        registries: Vec<String>,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Self {
        Self::from_key(name, role, registries, SigningKey::generate(rng))
    }

    /// An authority for an existing key.
    pub fn from_key(name: &str, role: Role, registries: Vec<String>, key: SigningKey) -> Self {
        AuthoritySigner {
            authority: Authority {
                name: name.into(),
                role,
                public_key: AuthorityKey(key.verifying_key()),
                registries,
            },
            key,
        }
    }

    /// The public description, as the genesis or a key registration names it.
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The authority's name.
    pub fn name(&self) -> &str {
        &self.authority.name
    }

    /// The signature of `body` for the log `origin` (whatever signature
    /// the body holds is not signed).
    pub fn signature(&self, origin: &str, body: &EntryBody) -> EntrySignature {
        EntrySignature(Some(
            self.key.sign(&signing_message(origin, body)).to_bytes(),
        ))
    }

    /// Signs `body` for the log `origin`, filling its signature.
    pub fn sign(&self, origin: &str, body: &mut EntryBody) {
        let sig = self.signature(origin, body);
        if let Some(slot) = body.signature_mut() {
            *slot = sig;
        }
    }

    /// Writes the key file: a new file, mode 0600, never overwritten.
    pub fn write(&self, path: &Path) -> Result<(), LedgerError> {
        zkgov_params::private_file::write_secret_json(
            path,
            &KeyFileJson {
                format: KEY_FORMAT.into(),
                version: 1,
                name: self.authority.name.clone(),
                role: self.authority.role,
                registries: self.authority.registries.clone(),
                seed: b64_encode(&self.key.to_bytes()),
            },
        )
        .map_err(io(path))
    }

    /// Reads a key file.
    pub fn read(path: &Path) -> Result<Self, LedgerError> {
        let j: KeyFileJson = zkgov_params::private_file::read_secret_json(path, KEY_FORMAT)?;
        let seed = Zeroizing::new(
            b64_array::<32>(&j.seed, "authority key seed").map_err(LedgerError::Malformed)?,
        );
        Ok(Self::from_key(
            &j.name,
            j.role,
            j.registries.clone(),
            SigningKey::from_bytes(&seed),
        ))
    }

    /// An admin's registration of another authority's key.
    pub fn register_key(&self, origin: &str, authority: Authority) -> Submission {
        let mut k = KeyRegistration {
            authority,
            registered_by: self.authority.name.clone(),
            signature: EntrySignature::default(),
        };
        k.signature = self.signature(origin, &EntryBody::KeyRegistration(k.clone()));
        Submission::KeyRegistration(k)
    }

    /// An admin's registration of a verifying key.
    pub fn register_vk(
        &self,
        origin: &str,
        statement: StatementId,
        depth: u64,
        vk: &ValidatedVerifyingKey,
    ) -> Submission {
        let mut v = VkRegistration {
            statement,
            depth,
            vk: vk.key().to_bytes(),
            vk_digest: vk.digest(),
            registered_by: self.authority.name.clone(),
            signature: EntrySignature::default(),
        };
        v.signature = self.signature(origin, &EntryBody::VkRegistration(v.clone()));
        Submission::VkRegistration(v)
    }

    /// A signed publication of `root` for `registry_id`.
    pub fn publish_root(&self, origin: &str, publication: RootPublication<'_>) -> Submission {
        let mut r = RegistryRoot {
            authority: self.authority.name.clone(),
            registry_id: publication.registry_id.into(),
            epoch: publication.epoch,
            root: publication.root,
            leaf_count: publication.leaf_count,
            published_at: publication.published_at,
            signature: EntrySignature::default(),
        };
        r.signature = self.signature(origin, &EntryBody::RegistryRoot(r.clone()));
        Submission::RegistryRoot(r)
    }
}

/// What a root publication says.
#[derive(Clone, Copy, Debug)]
pub struct RootPublication<'a> {
    /// Registry identifier.
    pub registry_id: &'a str,
    /// Epoch, strictly increasing per registry.
    pub epoch: u64,
    /// The root.
    pub root: MerkleRoot,
    /// Records (or revoked credentials, or issuers) under it.
    pub leaf_count: u64,
    /// Publication time (Unix seconds).
    pub published_at: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisJson {
    format: String,
    version: u64,
    authorities: Vec<Authority>,
}

/// The authorities a new log starts with (the ledger admin's genesis file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenesisFile {
    /// Authorities, each name once.
    pub authorities: Vec<Authority>,
}

impl GenesisFile {
    /// Reads a genesis file's text.
    pub fn from_json(text: &str) -> Result<Self, LedgerError> {
        let j: GenesisJson = serde_json::from_str(text)
            .map_err(|e| LedgerError::Malformed(format!("genesis file: {e}")))?;
        if j.format != GENESIS_FORMAT || j.version != 1 {
            return Err(LedgerError::Malformed(
                "unsupported genesis file (format zkgov-genesis, version 1)".into(),
            ));
        }
        let mut g = GenesisFile::default();
        for a in j.authorities {
            g.add(a)?;
        }
        Ok(g)
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&GenesisJson {
            format: GENESIS_FORMAT.into(),
            version: 1,
            authorities: self.authorities.clone(),
        })
        .unwrap_or_default()
    }

    /// Adds an authority; a name already present is refused.
    pub fn add(&mut self, a: Authority) -> Result<(), LedgerError> {
        if self.authorities.iter().any(|b| b.name == a.name) {
            return Err(crate::error::Duplicate::AuthorityName(a.name).into());
        }
        self.authorities.push(a);
        Ok(())
    }
}

const AGENCY_KEY_FORMAT: &str = "zkgov-agency-key";

#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
struct AgencyKeyJson {
    format: String,
    version: u64,
    name: String,
    seed: String,
}

/// An agency's (relying party's) signing key: it signs presentation
/// requests. Its key file is `{"format": "zkgov-agency-key", "version": 1,
/// "name": ..., "seed": "<base64 of 32 bytes>"}`, mode 0600.
pub struct AgencySigner {
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for AgencySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgencySigner")
            .field("name", &self.name)
            .field("key", &"<secret>")
            .finish()
    }
}

impl AgencySigner {
    /// A new key from `rng` (the OS RNG outside tests).
    pub fn generate(name: &str, rng: &mut (impl RngCore + CryptoRng)) -> Self {
        Self::from_key(name, SigningKey::generate(rng))
    }

    /// An agency for an existing key.
    pub fn from_key(name: &str, key: SigningKey) -> Self {
        AgencySigner {
            name: name.into(),
            key,
        }
    }

    /// The agency's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The agency as an admin registers it, with the scope labels it may use.
    pub fn agency(&self, scopes: Vec<String>) -> Agency {
        Agency {
            name: self.name.clone(),
            public_key: AuthorityKey(self.key.verifying_key()),
            scopes,
        }
    }

    /// Signs `request` (its `agency` is set to this agency's name first).
    pub fn sign(&self, request: &mut PresentationRequest) {
        request.agency = self.name.clone();
        request.signature = EntrySignature::default();
        request.signature =
            EntrySignature(Some(self.key.sign(&request.signing_message()).to_bytes()));
    }

    /// Writes the key file: a new file, mode 0600, never overwritten.
    pub fn write(&self, path: &Path) -> Result<(), LedgerError> {
        zkgov_params::private_file::write_secret_json(
            path,
            &AgencyKeyJson {
                format: AGENCY_KEY_FORMAT.into(),
                version: 1,
                name: self.name.clone(),
                seed: b64_encode(&self.key.to_bytes()),
            },
        )
        .map_err(io(path))
    }

    /// Reads a key file.
    pub fn read(path: &Path) -> Result<Self, LedgerError> {
        let j: AgencyKeyJson =
            zkgov_params::private_file::read_secret_json(path, AGENCY_KEY_FORMAT)?;
        let seed = Zeroizing::new(
            b64_array::<32>(&j.seed, "agency key seed").map_err(LedgerError::Malformed)?,
        );
        Ok(Self::from_key(&j.name, SigningKey::from_bytes(&seed)))
    }
}

impl AuthoritySigner {
    /// An admin's registration of an agency.
    pub fn register_agency(&self, origin: &str, agency: Agency) -> Submission {
        let mut r = AgencyRegistration {
            agency,
            registered_by: self.authority.name.clone(),
            signature: EntrySignature::default(),
        };
        r.signature = self.signature(origin, &EntryBody::AgencyRegistration(r.clone()));
        Submission::AgencyRegistration(r)
    }
}
