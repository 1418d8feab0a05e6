//! The agency's check of an identity bundle.

use serde_json::Value;

use super::{
    date::Date,
    policy::{CompiledIdentityPolicy, IdentityPolicy},
    schema::Schema,
};
use crate::{
    bundle::{check_disclosed, check_root, mismatch, Bundle},
    field::to_decimal,
    groth16::ValidatedVerifyingKey,
    statement::{Context, IdentityPublicInputs, MerkleRoot, Nullifier, Scope, StatementId},
    Fr, VerifyError,
};

/// An agency's identity check: key, schema, the policies it accepts (any
/// one of them may hold), accepted issuer-tree roots and scope. Each
/// session supplies its own challenge and the agency's date, so a
/// long-running service never checks against a stale day.
#[derive(Clone, Debug)]
pub struct IdentityVerifier<'a> {
    vk: &'a ValidatedVerifyingKey,
    schema: Schema,
    policies: Vec<(String, IdentityPolicy)>,
    accepted_roots: Vec<MerkleRoot>,
    scope: Scope,
}

/// The date on which [`IdentityVerifier::new`] checks that no two policies
/// ask for the same thing (a policy's meaning does not depend on the day:
/// age clauses move their cut-off with it, all together).
const REFERENCE_DATE: Date = Date(0);

/// What the agency learns from a valid identity proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityOutcome {
    /// Name of the policy that held.
    pub policy: String,
    /// The accredited-issuer tree root the proof used.
    pub issuers_root: MerkleRoot,
    /// The issuer id, when the policy required one (otherwise the proof does
    /// not say).
    pub issuer: Option<String>,
    /// `(attribute, value)` for each disclosed attribute.
    pub disclosed: Vec<(String, Value)>,
    /// The holder's nullifier for the scope.
    pub nullifier: Nullifier,
}

impl<'a> IdentityVerifier<'a> {
    /// Checks that each named policy compiles for `schema` and that no two
    /// ask for the same thing.
    pub fn new(
        vk: &'a ValidatedVerifyingKey,
        schema: Schema,
        policies: &[(String, IdentityPolicy)],
        accepted_roots: Vec<MerkleRoot>,
        scope: Scope,
    ) -> Result<Self, VerifyError> {
        if policies.is_empty() {
            return Err(VerifyError::MalformedPolicy("no policy given".into()));
        }
        let verifier = IdentityVerifier {
            vk,
            schema,
            policies: policies.to_vec(),
            accepted_roots,
            scope,
        };
        let compiled = verifier.compile(REFERENCE_DATE)?;
        for (i, (a, ca, ha)) in compiled.iter().enumerate() {
            if let Some((b, _, _)) = compiled[i + 1..]
                .iter()
                .find(|(_, cb, hb)| hb == ha && cb.issuer == ca.issuer)
            {
                return Err(VerifyError::MalformedPolicy(format!(
                    "policies {a:?} and {b:?} ask for the same thing: a proof could not say which held"
                )));
            }
        }
        Ok(verifier)
    }

    /// The policies compiled for `today`, with their hashes.
    fn compile(&self, today: Date) -> Result<Vec<(&str, CompiledIdentityPolicy, Fr)>, VerifyError> {
        self.policies
            .iter()
            .map(|(name, p)| {
                let c = p.compile(&self.schema, today)?;
                let h = c.policy.hash();
                Ok((name.as_str(), c, h))
            })
            .collect()
    }

    /// The policies as compiled for `today`, by name.
    pub fn policies(
        &self,
        today: Date,
    ) -> Result<Vec<(&str, CompiledIdentityPolicy)>, VerifyError> {
        Ok(self
            .compile(today)?
            .into_iter()
            .map(|(n, c, _)| (n, c))
            .collect())
    }

    /// Checks `bundle` for the session whose challenge is `context`, on
    /// the agency's date `today`: statement, issuer-tree root, schema, date,
    /// which policy, issuer, scope, context and disclosures first, then the
    /// proof.
    pub fn verify(
        &self,
        bundle: &Bundle,
        context: &Context,
        today: Date,
    ) -> Result<IdentityOutcome, VerifyError> {
        if bundle.statement != StatementId::IdentityV2 {
            return Err(VerifyError::StatementMismatch {
                expected: StatementId::IdentityV2.to_string(),
                got: bundle.statement.to_string(),
            });
        }
        let p = IdentityPublicInputs::from_slice(&bundle.public_inputs)?;
        check_root("issuers_root", &self.accepted_roots, &p.issuers_root)?;
        let schema_hash = self.schema.hash();
        if p.schema != schema_hash {
            return Err(mismatch(
                "schema",
                &to_decimal(&schema_hash),
                &to_decimal(&p.schema),
            ));
        }
        let today_fr = Fr::from(today.encode());
        if p.today != today_fr {
            return Err(mismatch(
                "today",
                &to_decimal(&today_fr),
                &to_decimal(&p.today),
            ));
        }
        let policies = self.compile(today)?;
        // A policy holds when both its slot hash and its issuer requirement
        // match: two accepted policies may share clauses and differ only in
        // the issuer they require.
        let same_clauses: Vec<_> = policies
            .iter()
            .filter(|(_, _, h)| *h == p.policy_hash.0)
            .collect();
        if same_clauses.is_empty() {
            let expected = policies
                .iter()
                .map(|(_, _, h)| to_decimal(h))
                .collect::<Vec<_>>()
                .join(" or ");
            return Err(mismatch("policy_hash", &expected, &p.policy_hash));
        }
        let (name, policy, _) = same_clauses
            .iter()
            .find(|(_, c, _)| c.issuer == p.issuer)
            .ok_or_else(|| {
                let expected = same_clauses
                    .iter()
                    .map(|(_, c, _)| to_decimal(&c.issuer))
                    .collect::<Vec<_>>()
                    .join(" or ");
                mismatch("issuer", &expected, &to_decimal(&p.issuer))
            })?;
        if p.scope != self.scope {
            return Err(mismatch("scope", &self.scope, &p.scope));
        }
        if p.context != *context {
            return Err(mismatch("context", context, &p.context));
        }
        let disclosed = check_disclosed(&policy.policy, &bundle.opened(&p.disclosure)?)?
            .into_iter()
            .map(|(i, v)| {
                let name = self
                    .schema
                    .attributes
                    .get(i)
                    .map_or_else(|| i.to_string(), |a| a.name.clone());
                (name, self.schema.decode(i, v))
            })
            .collect();
        bundle.verify(StatementId::IdentityV2, self.vk)?;
        Ok(IdentityOutcome {
            policy: (*name).to_owned(),
            issuers_root: p.issuers_root,
            issuer: policy.required_issuer(),
            disclosed,
            nullifier: p.nullifier,
        })
    }
}
