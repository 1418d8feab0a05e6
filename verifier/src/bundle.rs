//! Proof bundle format v2 and the agency-side checks.
//!
//! ```json
//! {
//!   "format": "zkgov-bundle",
//!   "version": 2,
//!   "statement": "zkgov/record-membership/v2",
//!   "vk_digest": "<64 hex digits>",
//!   "public_inputs": ["<canonical decimal>", ...],
//!   "proof": "<base64 of the 128-byte arkworks compressed proof>",
//!   "disclosure": { "salt": "<canonical decimal>", "values": ["<d0>", ..., "<d7>"] }
//! }
//! ```
//!
//! `disclosure` is the opening of the `disclosure` public input (see
//! [`crate::DisclosureOpening`]): present in the bundle a holder hands the
//! agency, absent in the one sent to the ledger
//! ([`Bundle::without_opening`]). Version 1 carried the disclosed values
//! as public inputs and is refused.
//!
//! Reading is strict: unknown keys, another version, a public input count
//! that differs from the statement's, non-canonical numbers and non-canonical
//! base64 are all refused before any curve arithmetic.

use serde::{Deserialize, Serialize};

use crate::{
    encoding::{b64_decode, b64_encode},
    field::{parse_decimal, to_decimal, Fr},
    groth16::{Proof, ValidatedVerifyingKey, VerifyingKeyDigest},
    policy::{CompiledPolicy, VALUE_BITS},
    statement::{
        Context, DisclosureCommitment, IdentityPublicInputs, MerkleRoot, Nullifier,
        RecordPublicInputs, Scope, StatementId, RECORD_FIELDS,
    },
    DisclosureOpening, VerifyError,
};

/// The `format` value of a bundle.
pub const BUNDLE_FORMAT: &str = "zkgov-bundle";
/// The bundle version this build reads and writes.
pub const BUNDLE_VERSION: u64 = 2;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleJson {
    format: String,
    version: u64,
    statement: String,
    vk_digest: String,
    public_inputs: Vec<String>,
    proof: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    disclosure: Option<DisclosureOpening>,
}

/// A proof with everything needed to check it against a known key.
///
/// Serde reads and writes the JSON above with the same checks as
/// [`Bundle::from_json`], so a bundle can be a typed field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BundleJson", into = "BundleJson")]
pub struct Bundle {
    /// Which statement.
    pub statement: StatementId,
    /// Digest of the verifying key the proof was made for.
    pub vk_digest: VerifyingKeyDigest,
    /// Public inputs, in statement order.
    pub public_inputs: Vec<Fr>,
    /// The proof.
    pub proof: Proof,
    /// The opening of the disclosure commitment, for the agency only.
    pub disclosure: Option<DisclosureOpening>,
}

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedBundle(msg.into())
}

impl TryFrom<BundleJson> for Bundle {
    type Error = VerifyError;

    fn try_from(j: BundleJson) -> Result<Self, VerifyError> {
        if j.format != BUNDLE_FORMAT {
            return Err(bad(format!(
                "format is {:?}, expected {BUNDLE_FORMAT:?}",
                j.format
            )));
        }
        if j.version == 1 {
            return Err(bad(
                "this is a version 1 bundle, which carried the disclosed values in its public \
                 inputs; this build reads version 2 (disclosed values behind a commitment): \
                 prove again with this release",
            ));
        }
        if j.version != BUNDLE_VERSION {
            return Err(VerifyError::UnsupportedVersion {
                what: "bundle",
                got: j.version,
                supported: BUNDLE_VERSION,
            });
        }
        let statement = StatementId::parse(&j.statement)?;
        let names = statement.public_input_names();
        if j.public_inputs.len() != names.len() {
            return Err(VerifyError::WrongInputCount {
                expected: names.len(),
                got: j.public_inputs.len(),
            });
        }
        let public_inputs = j
            .public_inputs
            .iter()
            .zip(names)
            .map(|(s, name)| parse_decimal(s, &format!("public input `{name}`")))
            .collect::<Result<Vec<Fr>, _>>()?;
        let proof_bytes = b64_decode(&j.proof, "proof").map_err(VerifyError::MalformedProof)?;
        if let Some(o) = &j.disclosure {
            o.values()?;
        }
        Ok(Bundle {
            statement,
            vk_digest: VerifyingKeyDigest::from_hex(&j.vk_digest)?,
            public_inputs,
            proof: Proof::from_bytes(&proof_bytes)?,
            disclosure: j.disclosure,
        })
    }
}

impl From<Bundle> for BundleJson {
    fn from(b: Bundle) -> Self {
        BundleJson {
            format: BUNDLE_FORMAT.into(),
            version: BUNDLE_VERSION,
            statement: b.statement.as_str().into(),
            vk_digest: b.vk_digest.to_hex(),
            public_inputs: b.public_inputs.iter().map(to_decimal).collect(),
            proof: b64_encode(&b.proof.to_bytes()),
            disclosure: b.disclosure,
        }
    }
}

impl Bundle {
    /// Reads a bundle from JSON (see the module docs for what is refused).
    pub fn from_json(s: &str) -> Result<Self, VerifyError> {
        let j: BundleJson = serde_json::from_str(s).map_err(|e| bad(e.to_string()))?;
        Bundle::try_from(j)
    }

    /// Writes the bundle as pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string_pretty(&BundleJson::from(self.clone())).unwrap_or_default()
    }

    /// The same bundle without the disclosure opening: what may be shown to
    /// anyone but the agency (the ledger, an auditor).
    pub fn without_opening(&self) -> Bundle {
        Bundle {
            disclosure: None,
            ..self.clone()
        }
    }

    /// The disclosed values: the opening checked against `commitment`.
    pub fn opened(
        &self,
        commitment: &DisclosureCommitment,
    ) -> Result<[Fr; RECORD_FIELDS], VerifyError> {
        self.disclosure
            .as_ref()
            .ok_or_else(|| {
                bad("the bundle carries no disclosure opening: an agency needs the holder's copy")
            })?
            .check(commitment)
    }

    /// The public inputs, typed by the bundle's statement (no proof check).
    pub fn public(&self) -> Result<PublicInputs, VerifyError> {
        Ok(match self.statement {
            StatementId::RecordMembershipV2 => {
                PublicInputs::Record(RecordPublicInputs::from_slice(&self.public_inputs)?)
            }
            StatementId::IdentityV2 => {
                PublicInputs::Identity(IdentityPublicInputs::from_slice(&self.public_inputs)?)
            }
            StatementId::BallotEligibilityV1 => {
                return Err(bad(
                    "a ballot-eligibility proof travels inside its ballot, never as a bundle",
                ))
            }
        })
    }

    /// Checks the bundle against `vk` for `expected` statement: statement,
    /// key digest, input count, then the pairing check.
    pub fn verify(
        &self,
        expected: StatementId,
        vk: &ValidatedVerifyingKey,
    ) -> Result<VerifiedStatement, VerifyError> {
        if self.statement != expected {
            return Err(VerifyError::StatementMismatch {
                expected: expected.to_string(),
                got: self.statement.to_string(),
            });
        }
        if self.vk_digest != vk.digest() {
            return Err(VerifyError::KeyDigestMismatch {
                expected: vk.digest().to_hex(),
                got: self.vk_digest.to_hex(),
            });
        }
        vk.verify(&self.proof, &self.public_inputs)?;
        let public = self.public()?;
        Ok(VerifiedStatement {
            statement: self.statement,
            vk_digest: vk.digest(),
            public,
        })
    }
}

/// Public inputs of a verified proof, typed by statement.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicInputs {
    /// Record membership.
    Record(RecordPublicInputs),
    /// Identity credential.
    Identity(IdentityPublicInputs),
}

/// What a valid bundle established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedStatement {
    /// The statement.
    pub statement: StatementId,
    /// The key it was checked with.
    pub vk_digest: VerifyingKeyDigest,
    /// Its public inputs.
    pub public: PublicInputs,
}

/// What an agency requires of a record-membership proof.
#[derive(Clone, Debug)]
pub struct RecordRequest {
    /// Registry roots the agency accepts (for example the current epoch's).
    pub accepted_roots: Vec<MerkleRoot>,
    /// The policy, compiled.
    pub policy: CompiledPolicy,
    /// Nullifier scope of the agency's service.
    pub scope: Scope,
    /// The challenge the agency issued for this session.
    pub context: Context,
}

/// What the agency learns from a valid record-membership proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordOutcome {
    /// The registry root the record is in.
    pub root: MerkleRoot,
    /// `(slot, value)` for each disclosed slot.
    pub disclosed: Vec<(usize, u64)>,
    /// The holder's nullifier for the scope.
    pub nullifier: Nullifier,
}

pub(crate) fn mismatch(
    name: &'static str,
    expected: &impl ToString,
    got: &impl ToString,
) -> VerifyError {
    VerifyError::PublicInputMismatch {
        name,
        expected: expected.to_string(),
        got: got.to_string(),
    }
}

/// Checks a record-membership bundle against what the agency requires.
/// Mismatches (root, policy, scope, context) are reported before the
/// pairing check. An agency checking many bundles should build a
/// [`RecordVerifier`] once instead (the policy hash is computed once).
pub fn verify_record(
    bundle: &Bundle,
    vk: &ValidatedVerifyingKey,
    request: &RecordRequest,
) -> Result<RecordOutcome, VerifyError> {
    RecordVerifier::new(
        vk,
        request.policy.clone(),
        request.accepted_roots.clone(),
        request.scope,
    )
    .verify(bundle, &request.context)
}

/// An agency's record-membership check, prepared once per service: key,
/// policy (its hash computed once), accepted roots and scope. Each session
/// supplies its own challenge.
#[derive(Clone, Debug)]
pub struct RecordVerifier<'a> {
    vk: &'a ValidatedVerifyingKey,
    policy: CompiledPolicy,
    policy_hash: Fr,
    accepted_roots: Vec<MerkleRoot>,
    scope: Scope,
}

impl<'a> RecordVerifier<'a> {
    /// Prepares the check.
    pub fn new(
        vk: &'a ValidatedVerifyingKey,
        policy: CompiledPolicy,
        accepted_roots: Vec<MerkleRoot>,
        scope: Scope,
    ) -> Self {
        let policy_hash = policy.hash();
        RecordVerifier {
            vk,
            policy,
            policy_hash,
            accepted_roots,
            scope,
        }
    }

    /// Checks `bundle` for the session whose challenge is `context`.
    pub fn verify(&self, bundle: &Bundle, context: &Context) -> Result<RecordOutcome, VerifyError> {
        if bundle.statement != StatementId::RecordMembershipV2 {
            return Err(VerifyError::StatementMismatch {
                expected: StatementId::RecordMembershipV2.to_string(),
                got: bundle.statement.to_string(),
            });
        }
        let p = RecordPublicInputs::from_slice(&bundle.public_inputs)?;
        check_root("root", &self.accepted_roots, &p.root)?;
        if p.policy_hash.0 != self.policy_hash {
            return Err(mismatch(
                "policy_hash",
                &to_decimal(&self.policy_hash),
                &p.policy_hash,
            ));
        }
        if p.scope != self.scope {
            return Err(mismatch("scope", &self.scope, &p.scope));
        }
        if p.context != *context {
            return Err(mismatch("context", context, &p.context));
        }
        let disclosed = check_disclosed(&self.policy, &bundle.opened(&p.disclosure)?)?;
        bundle.verify(StatementId::RecordMembershipV2, self.vk)?;
        Ok(RecordOutcome {
            root: p.root,
            disclosed,
            nullifier: p.nullifier,
        })
    }
}

/// Refuses a root the agency does not accept.
pub(crate) fn check_root(
    name: &'static str,
    accepted: &[MerkleRoot],
    got: &MerkleRoot,
) -> Result<(), VerifyError> {
    if accepted.contains(got) {
        return Ok(());
    }
    let expected = accepted
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" or ");
    Err(mismatch(name, &expected, got))
}

/// The `(slot, value)` pairs the policy discloses; refuses a value the
/// policy does not disclose (it must be 0) and disclosed values that are
/// not 64-bit integers.
pub(crate) fn check_disclosed(
    policy: &CompiledPolicy,
    disclosed: &[Fr],
) -> Result<Vec<(usize, u64)>, VerifyError> {
    let mut out = Vec::new();
    for (i, (slot, value)) in policy.slots.iter().zip(disclosed).enumerate() {
        if slot.disclose {
            let v = fr_to_u64(value)
                .ok_or_else(|| bad(format!("disclosed[{i}] is not below 2^{VALUE_BITS}")))?;
            out.push((i, v));
        } else if *value != Fr::from(0u64) {
            return Err(mismatch(
                "disclosed (not disclosed by the policy)",
                &0,
                &to_decimal(value),
            ));
        }
    }
    Ok(out)
}

/// The value of `x` if it is below 2^64.
pub fn fr_to_u64(x: &Fr) -> Option<u64> {
    use ark_ff::PrimeField;
    let big = x.into_bigint();
    let limbs = big.as_ref();
    if limbs[1..].iter().all(|l| *l == 0) {
        Some(limbs[0])
    } else {
        None
    }
}
