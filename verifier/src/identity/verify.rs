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

/// An agency's identity check for one day: key, schema, the policies it
/// accepts (any one of them may hold), accepted issuer-tree roots and scope.
/// Each session supplies its own challenge.
#[derive(Clone, Debug)]
pub struct IdentityVerifier<'a> {
    vk: &'a ValidatedVerifyingKey,
    schema: Schema,
    policies: Vec<(String, CompiledIdentityPolicy, Fr)>,
    today: Date,
    accepted_roots: Vec<MerkleRoot>,
    scope: Scope,
}

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
    /// Compiles each named policy for `schema` on day `today`.
    pub fn new(
        vk: &'a ValidatedVerifyingKey,
        schema: Schema,
        policies: &[(String, IdentityPolicy)],
        today: Date,
        accepted_roots: Vec<MerkleRoot>,
        scope: Scope,
    ) -> Result<Self, VerifyError> {
        if policies.is_empty() {
            return Err(VerifyError::MalformedPolicy("no policy given".into()));
        }
        let policies = policies
            .iter()
            .map(|(name, p)| {
                let c = p.compile(&schema, today)?;
                let h = c.policy.hash();
                Ok((name.clone(), c, h))
            })
            .collect::<Result<Vec<(String, CompiledIdentityPolicy, Fr)>, VerifyError>>()?;
        for (i, (a, ca, ha)) in policies.iter().enumerate() {
            if let Some((b, _, _)) = policies[i + 1..]
                .iter()
                .find(|(_, cb, hb)| hb == ha && cb.issuer == ca.issuer)
            {
                return Err(VerifyError::MalformedPolicy(format!(
                    "policies {a:?} and {b:?} ask for the same thing: a proof could not say which held"
                )));
            }
        }
        Ok(IdentityVerifier {
            vk,
            schema,
            policies,
            today,
            accepted_roots,
            scope,
        })
    }

    /// The compiled policies, by name.
    pub fn policies(&self) -> impl Iterator<Item = (&str, &CompiledIdentityPolicy)> {
        self.policies.iter().map(|(n, c, _)| (n.as_str(), c))
    }

    /// Checks `bundle` for the session whose challenge is `context`:
    /// statement, issuer-tree root, schema, date, which policy, issuer,
    /// scope, context and disclosures first, then the proof.
    pub fn verify(
        &self,
        bundle: &Bundle,
        context: &Context,
    ) -> Result<IdentityOutcome, VerifyError> {
        if bundle.statement != StatementId::IdentityV1 {
            return Err(VerifyError::StatementMismatch {
                expected: StatementId::IdentityV1.to_string(),
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
        let today = Fr::from(self.today.encode());
        if p.today != today {
            return Err(mismatch(
                "today",
                &to_decimal(&today),
                &to_decimal(&p.today),
            ));
        }
        // A policy holds when both its slot hash and its issuer requirement
        // match: two accepted policies may share clauses and differ only in
        // the issuer they require.
        let same_clauses: Vec<_> = self
            .policies
            .iter()
            .filter(|(_, _, h)| *h == p.policy_hash.0)
            .collect();
        if same_clauses.is_empty() {
            let expected = self
                .policies
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
        let disclosed = check_disclosed(&policy.policy, &p.disclosed)?
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
        bundle.verify(StatementId::IdentityV1, self.vk)?;
        Ok(IdentityOutcome {
            policy: name.clone(),
            issuers_root: p.issuers_root,
            issuer: policy.required_issuer(),
            disclosed,
            nullifier: p.nullifier,
        })
    }
}
