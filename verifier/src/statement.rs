//! Statement identifiers and, for each statement, the one definition of its
//! public inputs (order and encoding). Circuits assign their instance from
//! these types, and their tests check it by name.

use std::fmt;

use crate::{field::Fr, VerifyError};

/// Number of fields in a registry record.
pub const RECORD_FIELDS: usize = 8;

macro_rules! fr_newtype {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Fr);

        impl From<Fr> for $name {
            fn from(x: Fr) -> Self { $name(x) }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&crate::field::to_decimal(&self.0))
            }
        }

        impl $name {
            /// Parses the canonical decimal spelling.
            pub fn from_decimal(s: &str) -> Result<Self, VerifyError> {
                crate::field::parse_decimal(s, stringify!($name)).map($name)
            }
        }
    )*};
}

fr_newtype! {
    /// Root of a Poseidon Merkle tree (a registry or a credential tree).
    MerkleRoot;
    /// `Poseidon(scope, secret)`: one per holder per scope.
    Nullifier;
    /// The scope a nullifier is computed for (a service, an election, an action).
    Scope;
    /// The verifier's challenge the proof is bound to.
    Context;
    /// Hash of a compiled policy.
    PolicyHash;
}

/// The statements zkgov proves.
///
/// Deliberately exhaustive: a new statement means new keys and new code in
/// every match, which the compiler should point out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatementId {
    /// Record membership, version 1: see [`RecordPublicInputs`].
    RecordMembershipV1,
    /// Identity credential, version 1: see [`IdentityPublicInputs`].
    IdentityV1,
}

impl StatementId {
    /// Every known statement.
    pub const ALL: [StatementId; 2] = [StatementId::RecordMembershipV1, StatementId::IdentityV1];

    /// The identifier written in bundles and manifests.
    pub const fn as_str(self) -> &'static str {
        match self {
            StatementId::RecordMembershipV1 => "zkgov/record-membership/v1",
            StatementId::IdentityV1 => "zkgov/identity/v1",
        }
    }

    /// Parses an identifier.
    pub fn parse(s: &str) -> Result<Self, VerifyError> {
        Self::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| VerifyError::UnknownStatement(s.to_owned()))
    }

    /// The names of the public inputs, in order.
    pub fn public_input_names(self) -> &'static [&'static str] {
        match self {
            StatementId::RecordMembershipV1 => &RECORD_INPUT_NAMES,
            StatementId::IdentityV1 => &IDENTITY_INPUT_NAMES,
        }
    }

    /// Number of public inputs.
    pub fn num_public_inputs(self) -> usize {
        self.public_input_names().len()
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const RECORD_INPUT_NAMES: [&str; 5 + RECORD_FIELDS] = [
    "root",
    "policy_hash",
    "disclosed[0]",
    "disclosed[1]",
    "disclosed[2]",
    "disclosed[3]",
    "disclosed[4]",
    "disclosed[5]",
    "disclosed[6]",
    "disclosed[7]",
    "scope",
    "nullifier",
    "context",
];

/// Public inputs of record membership, in this order:
/// `root, policy_hash, disclosed[0..8], scope, nullifier, context`.
///
/// `disclosed[i]` is field `i` of the record when the policy discloses it
/// and 0 otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordPublicInputs {
    /// Registry root.
    pub root: MerkleRoot,
    /// Policy hash.
    pub policy_hash: PolicyHash,
    /// Disclosed field values (0 where not disclosed).
    pub disclosed: [Fr; RECORD_FIELDS],
    /// Nullifier scope.
    pub scope: Scope,
    /// `Poseidon(scope, owner_secret)`.
    pub nullifier: Nullifier,
    /// Verifier challenge.
    pub context: Context,
}

impl RecordPublicInputs {
    /// The field elements in statement order.
    pub fn to_vec(&self) -> Vec<Fr> {
        let mut v = Vec::with_capacity(RECORD_INPUT_NAMES.len());
        v.push(self.root.0);
        v.push(self.policy_hash.0);
        v.extend_from_slice(&self.disclosed);
        v.push(self.scope.0);
        v.push(self.nullifier.0);
        v.push(self.context.0);
        v
    }

    /// Reads field elements in statement order; refuses any other count.
    pub fn from_slice(x: &[Fr]) -> Result<Self, VerifyError> {
        if x.len() != RECORD_INPUT_NAMES.len() {
            return Err(VerifyError::WrongInputCount {
                expected: RECORD_INPUT_NAMES.len(),
                got: x.len(),
            });
        }
        let mut disclosed = [Fr::from(0u64); RECORD_FIELDS];
        disclosed.copy_from_slice(&x[2..2 + RECORD_FIELDS]);
        Ok(RecordPublicInputs {
            root: MerkleRoot(x[0]),
            policy_hash: PolicyHash(x[1]),
            disclosed,
            scope: Scope(x[2 + RECORD_FIELDS]),
            nullifier: Nullifier(x[3 + RECORD_FIELDS]),
            context: Context(x[4 + RECORD_FIELDS]),
        })
    }
}

const IDENTITY_INPUT_NAMES: [&str; 8 + RECORD_FIELDS] = [
    "issuers_root",
    "issuer",
    "schema",
    "policy_hash",
    "today",
    "disclosed[0]",
    "disclosed[1]",
    "disclosed[2]",
    "disclosed[3]",
    "disclosed[4]",
    "disclosed[5]",
    "disclosed[6]",
    "disclosed[7]",
    "scope",
    "nullifier",
    "context",
];

/// Public inputs of the identity statement, in this order:
/// `issuers_root, issuer, schema, policy_hash, today, disclosed[0..8],
/// scope, nullifier, context`.
///
/// `issuer` is 0 when any accredited issuer will do, else the issuer id the
/// policy requires; `today` is the verifier's date, encoded
/// (`days since 1970-01-01 + 2^31`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityPublicInputs {
    /// Root of the accredited-issuer tree.
    pub issuers_root: MerkleRoot,
    /// Required issuer id, or 0.
    pub issuer: Fr,
    /// Schema hash.
    pub schema: Fr,
    /// Policy hash.
    pub policy_hash: PolicyHash,
    /// The verifier's date, encoded.
    pub today: Fr,
    /// Disclosed attribute integers (0 where not disclosed).
    pub disclosed: [Fr; RECORD_FIELDS],
    /// Nullifier scope.
    pub scope: Scope,
    /// `Poseidon(scope, holder_secret)`.
    pub nullifier: Nullifier,
    /// Verifier challenge.
    pub context: Context,
}

impl IdentityPublicInputs {
    /// The field elements in statement order.
    pub fn to_vec(&self) -> Vec<Fr> {
        let mut v = Vec::with_capacity(IDENTITY_INPUT_NAMES.len());
        v.extend([
            self.issuers_root.0,
            self.issuer,
            self.schema,
            self.policy_hash.0,
            self.today,
        ]);
        v.extend_from_slice(&self.disclosed);
        v.extend([self.scope.0, self.nullifier.0, self.context.0]);
        v
    }

    /// Reads field elements in statement order; refuses any other count.
    pub fn from_slice(x: &[Fr]) -> Result<Self, VerifyError> {
        if x.len() != IDENTITY_INPUT_NAMES.len() {
            return Err(VerifyError::WrongInputCount {
                expected: IDENTITY_INPUT_NAMES.len(),
                got: x.len(),
            });
        }
        let mut disclosed = [Fr::from(0u64); RECORD_FIELDS];
        disclosed.copy_from_slice(&x[5..5 + RECORD_FIELDS]);
        Ok(IdentityPublicInputs {
            issuers_root: MerkleRoot(x[0]),
            issuer: x[1],
            schema: x[2],
            policy_hash: PolicyHash(x[3]),
            today: x[4],
            disclosed,
            scope: Scope(x[5 + RECORD_FIELDS]),
            nullifier: Nullifier(x[6 + RECORD_FIELDS]),
            context: Context(x[7 + RECORD_FIELDS]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_unknown_is_refused() {
        for id in StatementId::ALL {
            assert_eq!(StatementId::parse(id.as_str()), Ok(id));
        }
        assert!(StatementId::parse("zkgov/record-membership/v2").is_err());
    }

    #[test]
    fn record_inputs_round_trip_in_named_order() {
        let p = RecordPublicInputs {
            root: MerkleRoot(Fr::from(1u64)),
            policy_hash: PolicyHash(Fr::from(2u64)),
            disclosed: core::array::from_fn(|i| Fr::from(10 + i as u64)),
            scope: Scope(Fr::from(3u64)),
            nullifier: Nullifier(Fr::from(4u64)),
            context: Context(Fr::from(5u64)),
        };
        let v = p.to_vec();
        let names = StatementId::RecordMembershipV1.public_input_names();
        assert_eq!(v.len(), names.len());
        let at = |n: &str| v[names.iter().position(|x| *x == n).unwrap()];
        assert_eq!(at("root"), Fr::from(1u64));
        assert_eq!(at("policy_hash"), Fr::from(2u64));
        assert_eq!(at("disclosed[7]"), Fr::from(17u64));
        assert_eq!(at("scope"), Fr::from(3u64));
        assert_eq!(at("nullifier"), Fr::from(4u64));
        assert_eq!(at("context"), Fr::from(5u64));
        assert_eq!(RecordPublicInputs::from_slice(&v), Ok(p));
        assert!(RecordPublicInputs::from_slice(&v[1..]).is_err());
    }

    #[test]
    fn identity_inputs_round_trip_in_named_order() {
        let p = IdentityPublicInputs {
            issuers_root: MerkleRoot(Fr::from(1u64)),
            issuer: Fr::from(2u64),
            schema: Fr::from(3u64),
            policy_hash: PolicyHash(Fr::from(4u64)),
            today: Fr::from(5u64),
            disclosed: core::array::from_fn(|i| Fr::from(10 + i as u64)),
            scope: Scope(Fr::from(6u64)),
            nullifier: Nullifier(Fr::from(7u64)),
            context: Context(Fr::from(8u64)),
        };
        let v = p.to_vec();
        let names = StatementId::IdentityV1.public_input_names();
        assert_eq!(v.len(), names.len());
        let at = |n: &str| v[names.iter().position(|x| *x == n).unwrap()];
        for (n, x) in [
            ("issuers_root", 1),
            ("issuer", 2),
            ("schema", 3),
            ("policy_hash", 4),
            ("today", 5),
            ("disclosed[0]", 10),
            ("disclosed[7]", 17),
            ("scope", 6),
            ("nullifier", 7),
            ("context", 8),
        ] {
            assert_eq!(at(n), Fr::from(x as u64), "{n}");
        }
        assert_eq!(IdentityPublicInputs::from_slice(&v), Ok(p));
        assert!(IdentityPublicInputs::from_slice(&v[1..]).is_err());
    }
}
