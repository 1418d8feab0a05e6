//! Identity policies: the record policy language over a credential schema,
//! with values written as people read them and age predicates.
//!
//! ```json
//! {"version": 1, "schema": "gov.example/resident-id/v1",
//!  "issuer": null,
//!  "clauses": [
//!    {"field": "birth_date", "op": "age>=", "years": 18},
//!    {"field": "region", "op": "in", "values": ["north", "east"]},
//!    {"field": "income_band", "op": "<", "value": 4},
//!    {"field": "region", "op": "disclose"}]}
//! ```
//!
//! Ops: `=` `!=` `<` `<=` `>` `>=` (`value`), `between` (`min`, `max`),
//! `in` `not-in` (`values`, 1 to 8), `disclose`, and on dates `age>=` /
//! `age<` (`years`). `age>= n` on the verifier's date `d` compiles to
//! `birth <= d.years_before(n)`; `age< n` to `birth > d.years_before(n)`
//! (see [`super::date`]). Strings allow only `=`, `!=`, `in`, `not-in`,
//! `disclose`. `issuer` (optional) is the decimal issuer id (the key's
//! `A.x`, see [`crate::babyjub::PublicKey::id`]) the credential must be
//! signed by; without it any
//! accredited issuer will do and the proof does not say which.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    date::Date,
    schema::{AttrType, Schema, ATTRIBUTE_SLOTS},
};
use crate::{
    field::{parse_decimal, to_decimal},
    policy::{Clause, CompiledPolicy, FieldRef, Policy, Predicate, POLICY_VERSION},
    Fr, VerifyError,
};

/// One clause as the agency writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityClause {
    /// Attribute name.
    pub field: String,
    /// Operation.
    pub op: String,
    /// Constant of a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Set of `in` / `not-in`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    /// Lower bound of `between`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Value>,
    /// Upper bound of `between`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
    /// Years of `age>=` / `age<`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u32>,
}

/// A policy over a credential schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityPolicy {
    /// Format version ([`POLICY_VERSION`]).
    pub version: u64,
    /// The schema id the credential must have.
    pub schema: String,
    /// Required issuer id (decimal), or any accredited issuer.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Clauses, combined with AND.
    pub clauses: Vec<IdentityClause>,
}

/// A policy compiled for one schema and one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledIdentityPolicy {
    /// The schema hash.
    pub schema_hash: Fr,
    /// The required issuer id, or 0 for any accredited issuer.
    pub issuer: Fr,
    /// The day the age and expiry checks refer to.
    pub today: Date,
    /// The predicate slots.
    pub policy: CompiledPolicy,
}

fn bad(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedPolicy(msg.into())
}

impl IdentityPolicy {
    /// Parses a policy.
    pub fn from_json(s: &str) -> Result<IdentityPolicy, VerifyError> {
        let p: IdentityPolicy = serde_json::from_str(s).map_err(|e| bad(e.to_string()))?;
        if p.version != POLICY_VERSION {
            return Err(VerifyError::UnsupportedVersion {
                what: "policy",
                got: p.version,
                supported: POLICY_VERSION,
            });
        }
        Ok(p)
    }

    /// Compiles for `schema` on day `today`.
    pub fn compile(
        &self,
        schema: &Schema,
        today: Date,
    ) -> Result<CompiledIdentityPolicy, VerifyError> {
        if self.schema != schema.id {
            return Err(bad(format!(
                "the policy is for schema {:?}, not {:?}",
                self.schema, schema.id
            )));
        }
        let issuer = match &self.issuer {
            None => Fr::from(0u64),
            Some(s) => {
                let id: Fr = parse_decimal(s, "issuer")?;
                if id == Fr::from(0u64) {
                    return Err(bad("issuer id 0 names no issuer"));
                }
                id
            }
        };
        let clauses = self
            .clauses
            .iter()
            .map(|c| clause(schema, today, c))
            .collect::<Result<Vec<_>, _>>()?;
        let policy = Policy {
            version: POLICY_VERSION,
            clauses,
        }
        .compile(ATTRIBUTE_SLOTS, &schema.names())?;
        Ok(CompiledIdentityPolicy {
            schema_hash: schema.hash(),
            issuer,
            today,
            policy,
        })
    }
}

fn clause(schema: &Schema, today: Date, c: &IdentityClause) -> Result<Clause, VerifyError> {
    let (slot, attr) = schema.slot(&c.field).map_err(|e| bad(e.to_string()))?;
    let name = &c.field;
    let need = |v: &Option<Value>, what: &str| -> Result<u64, VerifyError> {
        let v = v
            .as_ref()
            .ok_or_else(|| bad(format!("{name} {}: `{what}` is missing", c.op)))?;
        schema.encode(name, v).map_err(|e| bad(e.to_string()))
    };
    // Which of value / values / min+max / years the op takes.
    let (takes_value, takes_values, takes_range, takes_years) = match c.op.as_str() {
        "=" | "!=" | "<" | "<=" | ">" | ">=" => (true, false, false, false),
        "in" | "not-in" => (false, true, false, false),
        "between" => (false, false, true, false),
        "age>=" | "age<" => (false, false, false, true),
        "disclose" => (false, false, false, false),
        op => return Err(bad(format!("{name}: unknown op {op:?}"))),
    };
    if c.value.is_some() != takes_value
        || c.values.is_some() != takes_values
        || c.min.is_some() != takes_range
        || c.max.is_some() != takes_range
        || c.years.is_some() != takes_years
    {
        return Err(bad(format!("{name} {}: wrong operands", c.op)));
    }
    let ordered = matches!(c.op.as_str(), "<" | "<=" | ">" | ">=" | "between");
    if ordered && attr.kind == AttrType::String {
        return Err(bad(format!(
            "{name}: strings are only compared for equality"
        )));
    }
    let predicate = match c.op.as_str() {
        "=" => Predicate::Eq {
            value: need(&c.value, "value")?,
        },
        "!=" => Predicate::Ne {
            value: need(&c.value, "value")?,
        },
        "<" => Predicate::Lt {
            value: need(&c.value, "value")?,
        },
        "<=" => Predicate::Le {
            value: need(&c.value, "value")?,
        },
        ">" => Predicate::Gt {
            value: need(&c.value, "value")?,
        },
        ">=" => Predicate::Ge {
            value: need(&c.value, "value")?,
        },
        "between" => Predicate::Between {
            min: need(&c.min, "min")?,
            max: need(&c.max, "max")?,
        },
        "in" | "not-in" => {
            let values = c
                .values
                .iter()
                .flatten()
                .map(|v| schema.encode(name, v).map_err(|e| bad(e.to_string())))
                .collect::<Result<Vec<_>, _>>()?;
            if c.op == "in" {
                Predicate::In { values }
            } else {
                Predicate::NotIn { values }
            }
        }
        "disclose" => Predicate::Disclose,
        _ => {
            // age>= / age<
            if attr.kind != AttrType::Date {
                return Err(bad(format!("{name}: age predicates need a date")));
            }
            let cutoff = today.years_before(c.years.unwrap_or(0))?.encode();
            if c.op == "age>=" {
                Predicate::Le { value: cutoff }
            } else {
                Predicate::Gt { value: cutoff }
            }
        }
    };
    Ok(Clause {
        field: FieldRef::Index(slot),
        predicate,
    })
}

impl CompiledIdentityPolicy {
    /// The issuer id, if the policy names one.
    pub fn required_issuer(&self) -> Option<String> {
        (self.issuer != Fr::from(0u64)).then(|| to_decimal(&self.issuer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::schema::tests::RESIDENT;

    fn compile(clauses: &str, today: &str) -> Result<CompiledIdentityPolicy, VerifyError> {
        let schema = Schema::from_json(RESIDENT).unwrap();
        IdentityPolicy::from_json(&format!(
            r#"{{"version":1,"schema":"gov.example/resident-id/v1","clauses":[{clauses}]}}"#
        ))?
        .compile(&schema, Date::parse(today).unwrap())
    }

    fn birth(s: &str) -> u64 {
        Date::parse(s).unwrap().encode()
    }

    #[test]
    fn age_is_a_date_bound_computed_from_today() {
        let p = compile(
            r#"{"field":"birth_date","op":"age>=","years":18}"#,
            "2026-11-25",
        )
        .unwrap();
        let slot = &p.policy.slots[0];
        // Eighteenth birthday today: eligible; tomorrow: not.
        assert!(slot.holds(birth("2008-11-25")));
        assert!(!slot.holds(birth("2008-11-26")));
        assert!(slot.holds(birth("1950-01-01")));
        // Leap-day birth: not yet on 28 February of a common year, yes on 1 March.
        let feb28 = compile(
            r#"{"field":"birth_date","op":"age>=","years":18}"#,
            "2026-02-28",
        )
        .unwrap();
        let mar1 = compile(
            r#"{"field":"birth_date","op":"age>=","years":18}"#,
            "2026-03-01",
        )
        .unwrap();
        assert!(!feb28.policy.slots[0].holds(birth("2008-02-29")));
        assert!(mar1.policy.slots[0].holds(birth("2008-02-29")));
        assert_ne!(feb28.policy.hash(), mar1.policy.hash());
        let minor = compile(
            r#"{"field":"birth_date","op":"age<","years":18}"#,
            "2026-11-25",
        )
        .unwrap();
        assert!(!minor.policy.slots[0].holds(birth("2008-11-25")));
        assert!(minor.policy.slots[0].holds(birth("2008-11-26")));
    }

    #[test]
    fn values_are_encoded_by_type() {
        let p = compile(
            r#"{"field":"region","op":"in","values":["north",3]},{"field":"family_name","op":"!=","value":"Smith"},{"field":"income_band","op":"between","min":1,"max":4}"#,
            "2026-11-25",
        )
        .unwrap();
        assert!(
            p.policy.slots[1].holds(1) && p.policy.slots[1].holds(3) && !p.policy.slots[1].holds(2)
        );
        use crate::identity::schema::string_digest;
        assert!(!p.policy.slots[4].holds(string_digest("Smith")));
        assert!(p.policy.slots[4].holds(string_digest("Smyth")));
        assert!(p.policy.slots[3].holds(4) && !p.policy.slots[3].holds(5));
        assert_eq!(p.issuer, Fr::from(0u64));
    }

    #[test]
    fn bad_policies_are_refused() {
        for c in [
            r#"{"field":"family_name","op":"<","value":"Smith"}"#,
            r#"{"field":"region","op":"age>=","years":18}"#,
            r#"{"field":"birth_date","op":"age>=","value":18}"#,
            r#"{"field":"birth_date","op":"<","value":7}"#,
            r#"{"field":"birth_date","op":"<","value":"2026-02-30"}"#,
            r#"{"field":"nowhere","op":"disclose"}"#,
            r#"{"field":"region","op":"disclose","value":1}"#,
            r#"{"field":"region","op":"~","value":1}"#,
            r#"{"field":"region","op":"in","values":[]}"#,
            r#"{"field":"income_band","op":"<","value":0}"#,
        ] {
            assert!(compile(c, "2026-11-25").is_err(), "{c}");
        }
        let schema = Schema::from_json(RESIDENT).unwrap();
        let other =
            IdentityPolicy::from_json(r#"{"version":1,"schema":"other/v1","clauses":[]}"#).unwrap();
        assert!(other.compile(&schema, Date(0)).is_err());
        let zero = IdentityPolicy::from_json(
            r#"{"version":1,"schema":"gov.example/resident-id/v1","issuer":"0","clauses":[]}"#,
        )
        .unwrap();
        assert!(zero.compile(&schema, Date(0)).is_err());
    }
}
