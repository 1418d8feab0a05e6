//! Identity credentials on the issuing and holding side: issuer keys and
//! registers, issuing, revoking, the accreditation authority's list, and
//! proving.
//!
//! Files:
//!
//! | file | who keeps it | content |
//! |---|---|---|
//! | issuer key (`zkgov-issuer-key`) | the issuer, mode 0600 | the 32-byte EdDSA private key (circomlibjs format) |
//! | issuer register (`zkgov-issuer-register`) | the issuer; public | key, next revocation nonce, revoked nonces |
//! | accredited issuers (`zkgov-accredited-issuers`) | the accreditation authority; public | each issuer's key and revoked nonces; its tree root is anchored |
//! | credential (`zkgov-credential`) | the citizen | see [`zkgov_verifier::identity::credential`] |
//!
//! Revocation nonces are handed out in order, so a register also says how
//! many credentials an issuer key has signed; the revoked list is public in
//! any case (it is what the revocation root commits to).

use std::{collections::BTreeMap, path::Path};

use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;
use zkgov_circuits::{
    eddsa::SecretKey,
    identity::{
        issuer_tree, s_to_field, AccreditedIssuer, IdentityCircuit, IdentityWitness, RevocationTree,
    },
    smt::SparseMerkleTree,
};
use zkgov_verifier::{
    babyjub::PublicKey, identity::CompiledIdentityPolicy, identity::Credential, identity::Date,
    identity::Schema, identity::REVOCATION_DEPTH, Bundle, Context, DisclosureOpening, Fr,
    MerkleRoot, Scope, StatementId, ValidatedVerifyingKey,
};

use crate::{
    holder::HolderSecret,
    prove::{prove_circuit, PreparedProver},
    ProverError,
};

const KEY_FORMAT: &str = "zkgov-issuer-key";
const REGISTER_FORMAT: &str = "zkgov-issuer-register";
const ACCREDITED_FORMAT: &str = "zkgov-accredited-issuers";

/// An issuer's signing key.
pub struct IssuerKey(SecretKey);

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuerKey(..)")
    }
}

#[derive(Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
struct KeyJson {
    format: String,
    version: u64,
    private_key: String,
}

impl IssuerKey {
    /// A fresh key from `rng` (the OS RNG outside tests).
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        IssuerKey(SecretKey::generate(rng))
    }

    /// Wraps a known key.
    pub fn from_secret(sk: SecretKey) -> Self {
        IssuerKey(sk)
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }

    /// Writes the key file (mode 0600, never overwriting).
    pub fn write(&self, path: &Path) -> Result<(), ProverError> {
        zkgov_params::private_file::write_secret_json(
            path,
            &KeyJson {
                format: KEY_FORMAT.into(),
                version: 1,
                private_key: hex::encode(self.0.to_bytes()),
            },
        )
        .map_err(ProverError::io(path))
    }

    /// Reads a key file.
    pub fn read(path: &Path) -> Result<Self, ProverError> {
        let j: KeyJson = zkgov_params::private_file::read_secret_json(path, KEY_FORMAT)?;
        let mut arr = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(j.private_key.as_bytes(), &mut arr[..]).map_err(|_| {
            ProverError::malformed("issuer key", "private_key is not 64 hex digits")
        })?;
        Ok(IssuerKey(SecretKey::from_bytes(*arr)))
    }

    /// Issues a credential, taking the next revocation nonce from `register`.
    pub fn issue(
        &self,
        register: &mut IssuerRegister,
        schema: &Schema,
        values: BTreeMap<String, Value>,
        holder_commitment: Fr,
        issued: Date,
        expires: Date,
    ) -> Result<Credential, ProverError> {
        if register.key != self.public_key() {
            return Err(ProverError::malformed(
                "issuer register",
                "it belongs to another key",
            ));
        }
        let nonce = register.next_nonce;
        if nonce >= 1 << REVOCATION_DEPTH {
            return Err(ProverError::malformed(
                "issuer register",
                "every revocation nonce of this key is used: create a new issuer key",
            ));
        }
        let body = Credential::body(schema, &values, holder_commitment, issued, expires, nonce)?;
        let signature = self.0.sign(&body.hash());
        register.next_nonce += 1;
        Ok(Credential {
            schema: schema.clone(),
            issuer: self.public_key(),
            values,
            body,
            signature,
        })
    }
}

/// An issuer's public register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerRegister {
    format: String,
    version: u64,
    /// The issuer key.
    pub key: PublicKey,
    /// The next revocation nonce to hand out.
    pub next_nonce: u64,
    /// Revoked nonces, ascending.
    pub revoked: Vec<u64>,
}

impl IssuerRegister {
    /// An empty register for `key`.
    pub fn new(key: PublicKey) -> Self {
        IssuerRegister {
            format: REGISTER_FORMAT.into(),
            version: 1,
            key,
            next_nonce: 0,
            revoked: Vec::new(),
        }
    }

    /// Parses and checks a register.
    pub fn from_json(text: &str) -> Result<Self, ProverError> {
        let r: IssuerRegister = serde_json::from_str(text)
            .map_err(|e| ProverError::malformed("issuer register", e.to_string()))?;
        if r.format != REGISTER_FORMAT || r.version != 1 {
            return Err(ProverError::malformed(
                "issuer register",
                "unsupported format or version",
            ));
        }
        if r.next_nonce > 1 << REVOCATION_DEPTH
            || r.revoked.windows(2).any(|w| w[0] >= w[1])
            || r.revoked.iter().any(|n| *n >= r.next_nonce)
        {
            return Err(ProverError::malformed(
                "issuer register",
                "revoked nonces must be ascending, distinct and already issued",
            ));
        }
        Ok(r)
    }

    /// The register as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Revokes `nonce`.
    pub fn revoke(&mut self, nonce: u64) -> Result<(), ProverError> {
        if nonce >= self.next_nonce {
            return Err(ProverError::malformed(
                "revocation",
                "this nonce was never issued",
            ));
        }
        match self.revoked.binary_search(&nonce) {
            Ok(_) => Err(ProverError::malformed(
                "revocation",
                "this credential is already revoked",
            )),
            Err(at) => {
                self.revoked.insert(at, nonce);
                Ok(())
            }
        }
    }

    /// The revocation tree.
    pub fn revocation_tree(&self) -> Result<RevocationTree, ProverError> {
        Ok(RevocationTree::from_revoked(&self.revoked)?)
    }
}

/// One accredited issuer as the authority lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListedIssuer {
    /// Display name.
    pub name: String,
    /// Key.
    pub key: PublicKey,
    /// Revoked nonces, ascending.
    pub revoked: Vec<u64>,
}

/// The accreditation authority's list of issuers; its tree root is what
/// identity proofs and verifiers use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccreditedIssuers {
    format: String,
    version: u64,
    /// The issuers, in tree order.
    pub issuers: Vec<ListedIssuer>,
}

impl Default for AccreditedIssuers {
    fn default() -> Self {
        Self::new()
    }
}

impl AccreditedIssuers {
    /// An empty list.
    pub fn new() -> Self {
        AccreditedIssuers {
            format: ACCREDITED_FORMAT.into(),
            version: 1,
            issuers: Vec::new(),
        }
    }

    /// Parses and checks a list.
    pub fn from_json(text: &str) -> Result<Self, ProverError> {
        let a: AccreditedIssuers = serde_json::from_str(text)
            .map_err(|e| ProverError::malformed("accredited issuers", e.to_string()))?;
        if a.format != ACCREDITED_FORMAT || a.version != 1 {
            return Err(ProverError::malformed(
                "accredited issuers",
                "unsupported format or version",
            ));
        }
        for (i, x) in a.issuers.iter().enumerate() {
            if a.issuers[..i]
                .iter()
                .any(|y| y.key == x.key || y.name == x.name)
            {
                return Err(ProverError::malformed(
                    "accredited issuers",
                    "an issuer is listed twice",
                ));
            }
            if x.revoked.windows(2).any(|w| w[0] >= w[1])
                || x.revoked.iter().any(|n| *n >= 1 << REVOCATION_DEPTH)
            {
                return Err(ProverError::malformed(
                    "accredited issuers",
                    "revoked nonces must be ascending and below 2^20",
                ));
            }
        }
        Ok(a)
    }

    /// The list as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Adds an issuer, or updates its revoked list from its register.
    pub fn upsert(&mut self, name: &str, register: &IssuerRegister) {
        match self.issuers.iter_mut().find(|x| x.key == register.key) {
            Some(x) => x.revoked = register.revoked.clone(),
            None => self.issuers.push(ListedIssuer {
                name: name.into(),
                key: register.key,
                revoked: register.revoked.clone(),
            }),
        }
    }

    fn entries(&self) -> Result<Vec<(AccreditedIssuer, RevocationTree)>, ProverError> {
        self.issuers
            .iter()
            .map(|x| {
                let tree = RevocationTree::from_revoked(&x.revoked)?;
                Ok((
                    AccreditedIssuer {
                        key: x.key,
                        revocation_root: tree.root(),
                    },
                    tree,
                ))
            })
            .collect()
    }

    /// The accredited-issuer tree.
    pub fn tree(&self) -> Result<SparseMerkleTree, ProverError> {
        let e: Vec<AccreditedIssuer> = self.entries()?.into_iter().map(|(a, _)| a).collect();
        Ok(issuer_tree(&e)?)
    }

    /// The tree root.
    pub fn root(&self) -> Result<MerkleRoot, ProverError> {
        Ok(MerkleRoot(self.tree()?.root()))
    }
}

/// What a citizen needs to answer an agency's identity request.
pub struct IdentityProofRequest<'a> {
    /// The accreditation authority's list (public).
    pub issuers: &'a AccreditedIssuers,
    /// The agency's policy, compiled for its date.
    pub policy: CompiledIdentityPolicy,
    /// The agency's scope.
    pub scope: Scope,
    /// The agency's challenge.
    pub context: Context,
}

/// Proves that `credential`, held by `holder`, satisfies the request.
/// Checks everything natively first (a revoked, expired or non-qualifying
/// credential fails here, naming the check) and verifies the proof before
/// handing it out.
pub fn prove_identity<R: RngCore + CryptoRng>(
    pk: &PreparedProver,
    vk: &ValidatedVerifyingKey,
    holder: &HolderSecret,
    credential: &Credential,
    req: IdentityProofRequest<'_>,
    rng: &mut R,
) -> Result<(Bundle, MerkleRoot), ProverError> {
    let entries = req.issuers.entries()?;
    let index = entries
        .iter()
        .position(|(a, _)| a.key == credential.issuer)
        .ok_or_else(|| {
            ProverError::Circuit(zkgov_circuits::CircuitError::Unsatisfied(
                "the credential's issuer is not accredited".into(),
            ))
        })?;
    let tree = issuer_tree(&entries.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>())?;
    let revocations = &entries[index].1;
    let nonce = credential.body.revocation_nonce;
    let witness = IdentityWitness {
        holder_secret: *holder.expose(),
        attributes: IdentityWitness::attributes_of(&credential.body),
        body: credential.body.clone(),
        issuer: credential.issuer.0,
        r8: credential.signature.r8,
        s: s_to_field(&credential.signature.s),
        revocation_root: revocations.root(),
        revocation_path: revocations.non_revocation_path(nonce)?,
        issuer_path: tree.path(index as u64)?,
        policy: req.policy,
        scope: req.scope.0,
        context: req.context.0,
        salt: crate::prove::presentation_salt(holder.expose(), &req.scope, &req.context),
    };
    let root = MerkleRoot(tree.root());
    let public = witness.public_inputs(Some(&root))?;
    let opening = DisclosureOpening::new(witness.salt, witness.disclosed());
    let circuit = IdentityCircuit::with_claimed_instance(witness, public.clone());
    let bundle = prove_circuit(
        pk,
        vk,
        StatementId::IdentityV2,
        circuit,
        public.to_vec(),
        opening,
        rng,
    )?;
    Ok((bundle, root))
}

/// Reads a text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String, ProverError> {
    std::fs::read_to_string(path).map_err(ProverError::io(path))
}

/// Replaces a public file (bundle, register, list, receipt) atomically.
pub fn write_public(path: &Path, text: &str) -> Result<(), ProverError> {
    zkgov_params::private_file::replace_atomically(path, text.as_bytes())
        .map_err(ProverError::io(path))
}

/// What a credential says about its holder and validity, for [`issue_to_files`].
pub struct IssueRequest<'a> {
    /// The credential schema.
    pub schema: &'a Schema,
    /// Attribute values by name, as the schema types them.
    pub values: BTreeMap<String, Value>,
    /// The holder's commitment.
    pub holder_commitment: Fr,
    /// Issuance date.
    pub issued: Date,
    /// Last day of validity.
    pub expires: Date,
}

/// Issues a credential from the register file at `register` into the
/// holder's new file `out`. An existing `out` is refused before a nonce is
/// spent; the register is written before the credential, so a nonce is
/// never handed out twice.
pub fn issue_to_files(
    key: &IssuerKey,
    register: &Path,
    req: IssueRequest<'_>,
    out: &Path,
) -> Result<Credential, ProverError> {
    let mut reg = IssuerRegister::from_json(&read_text(register)?)?;
    if out.exists() {
        return Err(ProverError::malformed(
            out.display().to_string(),
            "exists; not overwriting a credential",
        ));
    }
    let cred = key.issue(
        &mut reg,
        req.schema,
        req.values,
        req.holder_commitment,
        req.issued,
        req.expires,
    )?;
    write_public(register, &reg.to_json())?;
    zkgov_params::private_file::create_private(out, cred.to_json().as_bytes())
        .map_err(ProverError::io(out))?;
    Ok(cred)
}
