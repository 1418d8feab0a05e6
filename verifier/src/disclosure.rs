//! The disclosure commitment: what a proof discloses, hidden from everyone
//! but the agency.
//!
//! Both statements used to expose `d[0..8]` (the disclosed values, 0 where
//! the policy discloses nothing) as public inputs, so every copy of a
//! proof, and every ledger anchor, carried them in clear. They now expose
//!
//! ```text
//! disclosure = Poseidon("zkgov.disclosure.v1", salt, d_0, ..., d_7)
//! ```
//!
//! with `salt` drawn uniformly from the field by the holder for each proof.
//! The circuit computes the commitment from the same `d_i = s_i · f_i` it
//! used to expose (`s_i` the policy's disclose bit), so the statement is
//! unchanged; only where the values go changes.
//!
//! - **Binding.** Opening one commitment to two value vectors is a Poseidon
//!   collision.
//! - **Hiding.** The salt is a uniform field element unknown to anyone but
//!   the holder and the agency it hands the [`DisclosureOpening`] to; under
//!   the usual assumption that Poseidon behaves as a random function, the
//!   commitment is independent of `d`. (The policy hash stays public: a
//!   policy that pins a value, `region = 3`, says so itself.)
//!
//! The agency recomputes the commitment from the opening in the bundle
//! ([`DisclosureOpening::check`]) and reads the values from the opening; the
//! ledger receives bundles without an opening and refuses one that has it.

use serde::{Deserialize, Serialize};

use crate::{
    domain::Label,
    encoding::decimals,
    field::Fr,
    statement::{DisclosureCommitment, RECORD_FIELDS},
    VerifyError,
};

/// `Poseidon("zkgov.disclosure.v1", salt, d_0..d_7)`.
pub fn disclosure_commitment(salt: &Fr, values: &[Fr; RECORD_FIELDS]) -> DisclosureCommitment {
    let mut inputs = [Fr::from(0u64); RECORD_FIELDS + 2];
    inputs[0] = Label::DisclosureV1.to_field();
    inputs[1] = *salt;
    inputs[2..].copy_from_slice(values);
    DisclosureCommitment(crate::poseidon::hash(&inputs))
}

/// The opening of a [`DisclosureCommitment`]: the salt and the eight
/// values (0 where nothing is disclosed). It is for the agency only; a
/// bundle sent to the ledger carries none.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureOpening {
    /// The holder's random salt (canonical decimal).
    #[serde(with = "crate::encoding::decimal")]
    pub salt: Fr,
    /// `d[0..8]` (canonical decimals).
    #[serde(with = "decimals")]
    pub values: Vec<Fr>,
}

impl std::fmt::Debug for DisclosureOpening {
    // The opening is what the commitment hides: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DisclosureOpening { .. }")
    }
}

impl DisclosureOpening {
    /// An opening of `values` with `salt`.
    pub fn new(salt: Fr, values: [Fr; RECORD_FIELDS]) -> Self {
        DisclosureOpening {
            salt,
            values: values.to_vec(),
        }
    }

    /// The values, refusing any count but [`RECORD_FIELDS`].
    pub fn values(&self) -> Result<[Fr; RECORD_FIELDS], VerifyError> {
        <[Fr; RECORD_FIELDS]>::try_from(self.values.as_slice()).map_err(|_| {
            VerifyError::MalformedBundle(format!(
                "the disclosure opening has {} values, expected {RECORD_FIELDS}",
                self.values.len()
            ))
        })
    }

    /// The commitment this opening opens.
    pub fn commitment(&self) -> Result<DisclosureCommitment, VerifyError> {
        Ok(disclosure_commitment(&self.salt, &self.values()?))
    }

    /// Checks that this opening opens `commitment` and returns the values.
    pub fn check(
        &self,
        commitment: &DisclosureCommitment,
    ) -> Result<[Fr; RECORD_FIELDS], VerifyError> {
        let values = self.values()?;
        if disclosure_commitment(&self.salt, &values) != *commitment {
            // Neither side is printed: the opening is secret to the agency.
            return Err(VerifyError::PublicInputMismatch {
                name: "disclosure",
                expected: "the commitment of the bundle's opening".into(),
                got: commitment.to_string(),
            });
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_binds_values_and_salt() {
        let v: [Fr; RECORD_FIELDS] = core::array::from_fn(|i| Fr::from(i as u64));
        let o = DisclosureOpening::new(Fr::from(7u64), v);
        let c = o.commitment().unwrap();
        assert_eq!(o.check(&c).unwrap(), v);
        let mut other = o.clone();
        other.values[3] = Fr::from(99u64);
        assert!(matches!(
            other.check(&c),
            Err(VerifyError::PublicInputMismatch {
                name: "disclosure",
                ..
            })
        ));
        let mut salted = o.clone();
        salted.salt = Fr::from(8u64);
        assert!(salted.check(&c).is_err());
        let mut short = o.clone();
        short.values.pop();
        assert!(matches!(
            short.check(&c),
            Err(VerifyError::MalformedBundle(_))
        ));
        assert_eq!(format!("{o:?}"), "DisclosureOpening { .. }");
    }
}
