//! Statement identifiers and, for each statement, the one definition of its
//! public inputs: [`public_inputs!`] lists the inputs in order once, and the
//! name table, the offsets used to read a slice, the order written by
//! `to_vec` and the circuit's instance assignment (`allocate`, which hands
//! each input to the circuit's allocator in order and returns them by name)
//! all come from that list.

use std::{fmt, sync::OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    encoding::{de_parsed, ser_display},
    field::Fr,
    VerifyError,
};

/// Number of fields in a registry record.
pub const RECORD_FIELDS: usize = 8;

macro_rules! fr_newtype {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Written as its canonical decimal string; reading refuses any other
        /// spelling.
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

        impl std::str::FromStr for $name {
            type Err = VerifyError;
            fn from_str(s: &str) -> Result<Self, VerifyError> { Self::from_decimal(s) }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                ser_display(self, s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                de_parsed(d, Self::from_decimal)
            }
        }

        impl InputSlot for $name {
            type Of<V> = V;
            const LEN: usize = 1;
            const ARRAY: bool = false;
            fn write(&self, out: &mut Vec<Fr>) { out.push(self.0) }
            fn read(x: &[Fr]) -> Self { $name(x[0]) }
            fn alloc<V, E>(&self, f: &mut impl FnMut(Fr) -> Result<V, E>) -> Result<V, E> { f(self.0) }
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
    /// `Poseidon("zkgov.disclosure.v1", salt, d_0..d_7)`: a hiding
    /// commitment to the disclosed values (see [`crate::DisclosureOpening`]).
    DisclosureCommitment;
}

impl Scope {
    /// The scope of an agency's scope label: `Poseidon("zkgov.scope.v1",
    /// agency id, label)`, where the agency id is its registered name and
    /// the label its registered scope label, each read as a field element
    /// ([`crate::field::label_to_field`], 1 to 31 printable ASCII bytes).
    /// Two agencies never share a scope: names are unique on the ledger.
    pub fn for_agency(agency: &str, label: &str) -> Result<Self, VerifyError> {
        let id = crate::field::label_to_field(agency)?;
        let label = crate::field::label_to_field(label)?;
        Ok(Scope(crate::poseidon::hash(&[
            crate::domain::Label::ScopeV1.to_field(),
            id,
            label,
        ])))
    }

    /// A scope as people write it: a canonical decimal field element, or
    /// `label:<text>` (1 to 31 printable ASCII bytes, read as a big-endian
    /// integer; see [`crate::field::label_to_field`]).
    pub fn parse(s: &str) -> Result<Self, VerifyError> {
        match s.strip_prefix("label:") {
            Some(label) => crate::field::label_to_field(label).map(Scope),
            None => Self::from_decimal(s),
        }
    }
}

/// One entry of a public-input layout: a single field element (possibly a
/// typed newtype) or a fixed-size array of them. `Of<V>` is the same shape
/// holding a `V` per element (a circuit variable, say).
pub trait InputSlot: Sized {
    /// The same shape with `V` in place of each element.
    type Of<V>;
    /// Number of field elements.
    const LEN: usize;
    /// Whether the slot is an array (its elements are named `name[i]`).
    const ARRAY: bool;
    /// Appends the elements in order.
    fn write(&self, out: &mut Vec<Fr>);
    /// Reads exactly [`Self::LEN`] elements.
    fn read(x: &[Fr]) -> Self;
    /// Hands each element to `f` in order.
    fn alloc<V, E>(&self, f: &mut impl FnMut(Fr) -> Result<V, E>) -> Result<Self::Of<V>, E>;
}

impl InputSlot for Fr {
    type Of<V> = V;
    const LEN: usize = 1;
    const ARRAY: bool = false;
    fn write(&self, out: &mut Vec<Fr>) {
        out.push(*self)
    }
    fn read(x: &[Fr]) -> Self {
        x[0]
    }
    fn alloc<V, E>(&self, f: &mut impl FnMut(Fr) -> Result<V, E>) -> Result<V, E> {
        f(*self)
    }
}

impl<const N: usize> InputSlot for [Fr; N] {
    type Of<V> = Vec<V>;
    const LEN: usize = N;
    const ARRAY: bool = true;
    fn write(&self, out: &mut Vec<Fr>) {
        out.extend_from_slice(self)
    }
    fn read(x: &[Fr]) -> Self {
        core::array::from_fn(|i| x[i])
    }
    fn alloc<V, E>(&self, f: &mut impl FnMut(Fr) -> Result<V, E>) -> Result<Vec<V>, E> {
        self.iter().map(|x| f(*x)).collect()
    }
}

/// Expands the element names of a layout (`disclosed[0]`, ...), once.
fn expand_names(
    fields: &[(&'static str, usize, bool)],
    cell: &'static OnceLock<Vec<&'static str>>,
) -> &'static [&'static str] {
    cell.get_or_init(|| {
        let mut names = Vec::new();
        for &(name, len, array) in fields {
            if array {
                // Leaked once per element of each statement's layout (a few
                // dozen short strings for the process's lifetime).
                names
                    .extend((0..len).map(|i| &*Box::leak(format!("{name}[{i}]").into_boxed_str())));
            } else {
                names.push(name);
            }
        }
        names
    })
}

/// Defines a statement's public inputs once: the struct (in statement
/// order), its `…Vars<V>` twin for circuits, the name table, `to_vec`,
/// `from_slice` and `allocate`.
macro_rules! public_inputs {
    (
        $(#[$m:meta])*
        pub struct $name:ident, $vars:ident {
            $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fm])* pub $field: $ty, )*
        }

        #[doc = concat!("The inputs of [`", stringify!($name), "`] as allocated by a circuit, by name.")]
        pub struct $vars<V> {
            $( #[allow(missing_docs)] pub $field: <$ty as InputSlot>::Of<V>, )*
        }

        impl $name {
            /// Number of field elements.
            pub const LEN: usize = 0 $( + <$ty as InputSlot>::LEN )*;
            const FIELDS: &'static [(&'static str, usize, bool)] = &[
                $( (stringify!($field), <$ty as InputSlot>::LEN, <$ty as InputSlot>::ARRAY), )*
            ];

            /// The names of the elements, in statement order.
            pub fn names() -> &'static [&'static str] {
                static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
                expand_names(Self::FIELDS, &NAMES)
            }

            /// The field elements in statement order.
            pub fn to_vec(&self) -> Vec<Fr> {
                let mut v = Vec::with_capacity(Self::LEN);
                $( self.$field.write(&mut v); )*
                v
            }

            /// Reads field elements in statement order; refuses any other count.
            pub fn from_slice(x: &[Fr]) -> Result<Self, VerifyError> {
                if x.len() != Self::LEN {
                    return Err(VerifyError::WrongInputCount { expected: Self::LEN, got: x.len() });
                }
                let mut at = 0;
                $(
                    let $field = <$ty as InputSlot>::read(&x[at..at + <$ty as InputSlot>::LEN]);
                    at += <$ty as InputSlot>::LEN;
                )*
                debug_assert_eq!(at, Self::LEN);
                Ok($name { $( $field, )* })
            }

            /// The circuit's instance assignment: hands every element to
            /// `alloc` in statement order and returns the results by name.
            pub fn allocate<V, E>(
                &self,
                mut alloc: impl FnMut(Fr) -> Result<V, E>,
            ) -> Result<$vars<V>, E> {
                Ok($vars { $( $field: self.$field.alloc(&mut alloc)?, )* })
            }
        }
    };
}

/// The statements zkgov proves.
///
/// Deliberately exhaustive: a new statement means new keys and new code in
/// every match, which the compiler should point out. Written as its
/// identifier string ([`StatementId::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatementId {
    /// Record membership, version 1: see [`RecordPublicInputs`].
    RecordMembershipV2,
    /// Identity credential, version 1: see [`IdentityPublicInputs`].
    IdentityV2,
    /// Ballot eligibility, version 1: see [`EligibilityPublicInputs`].
    BallotEligibilityV1,
}

impl StatementId {
    /// Every known statement.
    pub const ALL: [StatementId; 3] = [
        StatementId::RecordMembershipV2,
        StatementId::IdentityV2,
        StatementId::BallotEligibilityV1,
    ];

    /// The identifier written in bundles and manifests.
    pub const fn as_str(self) -> &'static str {
        match self {
            StatementId::RecordMembershipV2 => "zkgov/record-membership/v2",
            StatementId::IdentityV2 => "zkgov/identity/v2",
            StatementId::BallotEligibilityV1 => "zkgov/ballot-eligibility/v1",
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
            StatementId::RecordMembershipV2 => RecordPublicInputs::names(),
            StatementId::IdentityV2 => IdentityPublicInputs::names(),
            StatementId::BallotEligibilityV1 => EligibilityPublicInputs::names(),
        }
    }

    /// Number of public inputs.
    pub const fn num_public_inputs(self) -> usize {
        match self {
            StatementId::RecordMembershipV2 => RecordPublicInputs::LEN,
            StatementId::IdentityV2 => IdentityPublicInputs::LEN,
            StatementId::BallotEligibilityV1 => EligibilityPublicInputs::LEN,
        }
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for StatementId {
    type Err = VerifyError;
    fn from_str(s: &str) -> Result<Self, VerifyError> {
        Self::parse(s)
    }
}

impl Serialize for StatementId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StatementId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_parsed(d, Self::parse)
    }
}

public_inputs! {
    /// Public inputs of record membership, in this order:
    /// `root, policy_hash, disclosure, scope, nullifier, context`.
    ///
    /// `disclosure` commits to `d[0..8]`, where `d[i]` is field `i` of the
    /// record when the policy discloses it and 0 otherwise; the values and
    /// the salt travel to the agency in the bundle's opening, never in the
    /// public inputs.
    pub struct RecordPublicInputs, RecordInputVars {
        /// Registry root.
        root: MerkleRoot,
        /// Policy hash.
        policy_hash: PolicyHash,
        /// Commitment to the disclosed field values.
        disclosure: DisclosureCommitment,
        /// Nullifier scope.
        scope: Scope,
        /// `Poseidon(scope, owner_secret)`.
        nullifier: Nullifier,
        /// Verifier challenge.
        context: Context,
    }
}

public_inputs! {
    /// Public inputs of the identity statement, in this order:
    /// `issuers_root, issuer, schema, policy_hash, today, disclosure,
    /// scope, nullifier, context`.
    ///
    /// `issuer` is 0 when any accredited issuer will do, else the issuer id the
    /// policy requires; `today` is the verifier's date, encoded
    /// (`days since 1970-01-01 + 2^31`).
    pub struct IdentityPublicInputs, IdentityInputVars {
        /// Root of the accredited-issuer tree.
        issuers_root: MerkleRoot,
        /// Required issuer id, or 0.
        issuer: Fr,
        /// Schema hash.
        schema: Fr,
        /// Policy hash.
        policy_hash: PolicyHash,
        /// The verifier's date, encoded.
        today: Fr,
        /// Commitment to the disclosed attribute integers.
        disclosure: DisclosureCommitment,
        /// Nullifier scope.
        scope: Scope,
        /// `Poseidon(scope, holder_secret)`.
        nullifier: Nullifier,
        /// Verifier challenge.
        context: Context,
    }
}

public_inputs! {
    /// Public inputs of ballot eligibility, in this order:
    /// `roll_root, election, nullifier, ballot_hash`.
    ///
    /// `election` is the election id read as a field element;
    /// `nullifier = Poseidon("zkgov.ballot-nullifier.v1", secret,
    /// election)`; `ballot_hash` is
    /// [`crate::election::ballot::ballot_hash`] of the ballot the proof
    /// goes with.
    pub struct EligibilityPublicInputs, EligibilityInputVars {
        /// Root of the electoral roll.
        roll_root: MerkleRoot,
        /// The election id as a field element.
        election: Fr,
        /// The voter's nullifier for this election.
        nullifier: Nullifier,
        /// Hash of the encrypted ballot.
        ballot_hash: Fr,
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
        assert!(StatementId::parse("zkgov/record-membership/v1").is_err());
    }

    #[test]
    fn record_inputs_round_trip_in_named_order() {
        let p = RecordPublicInputs {
            root: MerkleRoot(Fr::from(1u64)),
            policy_hash: PolicyHash(Fr::from(2u64)),
            disclosure: DisclosureCommitment(Fr::from(10u64)),
            scope: Scope(Fr::from(3u64)),
            nullifier: Nullifier(Fr::from(4u64)),
            context: Context(Fr::from(5u64)),
        };
        let v = p.to_vec();
        let names = StatementId::RecordMembershipV2.public_input_names();
        assert_eq!(v.len(), names.len());
        let at = |n: &str| v[names.iter().position(|x| *x == n).unwrap()];
        assert_eq!(at("root"), Fr::from(1u64));
        assert_eq!(at("policy_hash"), Fr::from(2u64));
        assert_eq!(at("disclosure"), Fr::from(10u64));
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
            disclosure: DisclosureCommitment(Fr::from(10u64)),
            scope: Scope(Fr::from(6u64)),
            nullifier: Nullifier(Fr::from(7u64)),
            context: Context(Fr::from(8u64)),
        };
        let v = p.to_vec();
        let names = StatementId::IdentityV2.public_input_names();
        assert_eq!(v.len(), names.len());
        let at = |n: &str| v[names.iter().position(|x| *x == n).unwrap()];
        for (n, x) in [
            ("issuers_root", 1),
            ("issuer", 2),
            ("schema", 3),
            ("policy_hash", 4),
            ("today", 5),
            ("disclosure", 10),
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
