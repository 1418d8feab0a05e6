//! The policy language of record predicates (and later identity credentials).
//!
//! An agency writes a policy as JSON: a list of clauses, each naming a field
//! (by index, or by name given a schema) and one predicate:
//!
//! | op | meaning | JSON |
//! |---|---|---|
//! | `=` `!=` `<` `<=` `>` `>=` | compare with a constant | `{"field": "district", "op": ">=", "value": 7}` |
//! | `between` | `min <= x <= max` | `{"field": 2, "op": "between", "min": 1, "max": 9}` |
//! | `in` / `not-in` | membership in a set of at most 8 values | `{"field": 0, "op": "in", "values": [1, 2, 3]}` |
//! | `disclose` | reveal the value | `{"field": "area_m2", "op": "disclose"}` |
//!
//! Values are integers in `[0, 2^64)`. Several clauses on one field combine
//! with AND.
//!
//! # Canonical form and hash
//!
//! A policy compiles to one [`SlotConstraint`] per field slot:
//! `lo <= x <= hi`, a set mode (none / in / not-in) with exactly 8 set values
//! (sorted, deduplicated, padded by repeating the smallest), and a disclose
//! flag. `=`, `<`, ... become bounds; `!=` becomes a not-in value; an `in`
//! set is intersected with the bounds and with any `not-in` values. The
//! circuit checks exactly this form, so two policies with the same meaning
//! have the same hash. The hash is
//!
//! ```text
//! header_i = lo_i + 2^64 * hi_i + 2^128 * mode_i + 2^130 * disclose_i
//! slot_i   = Poseidon(header_i, s_i0, ..., s_i7)
//! policy   = Poseidon(label "zkgov.policy.v1", slot_0, ..., slot_{n-1})
//! ```
//!
//! with `mode` 0 = none, 1 = in, 2 = not-in. Every component of the header
//! is range-checked in the circuit, so the packing is injective.

use serde::{Deserialize, Serialize};

use crate::{domain::Label, field::Fr, poseidon, VerifyError};

/// Values compared by policies are below `2^VALUE_BITS`.
pub const VALUE_BITS: usize = 64;
/// Number of set values per slot (`in` and `not-in` take at most this many).
pub const SET_SIZE: usize = 8;
/// Current policy format version.
pub(crate) const POLICY_VERSION: u64 = 1;

/// A field named by position or by schema name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldRef {
    /// Zero-based slot index.
    Index(usize),
    /// Name looked up in the schema.
    Name(String),
}

/// One predicate on one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", deny_unknown_fields)]
pub enum Predicate {
    /// `x = value`
    #[serde(rename = "=")]
    Eq {
        /// Constant.
        value: u64,
    },
    /// `x != value`
    #[serde(rename = "!=")]
    Ne {
        /// Constant.
        value: u64,
    },
    /// `x < value`
    #[serde(rename = "<")]
    Lt {
        /// Constant.
        value: u64,
    },
    /// `x <= value`
    #[serde(rename = "<=")]
    Le {
        /// Constant.
        value: u64,
    },
    /// `x > value`
    #[serde(rename = ">")]
    Gt {
        /// Constant.
        value: u64,
    },
    /// `x >= value`
    #[serde(rename = ">=")]
    Ge {
        /// Constant.
        value: u64,
    },
    /// `min <= x <= max`
    #[serde(rename = "between")]
    Between {
        /// Lower bound, inclusive.
        min: u64,
        /// Upper bound, inclusive.
        max: u64,
    },
    /// `x` is one of `values` (1 to 8 of them).
    #[serde(rename = "in")]
    In {
        /// The allowed values.
        values: Vec<u64>,
    },
    /// `x` is none of `values` (1 to 8 of them).
    #[serde(rename = "not-in")]
    NotIn {
        /// The refused values.
        values: Vec<u64>,
    },
    /// Reveal `x`.
    #[serde(rename = "disclose")]
    Disclose,
}

/// One clause: a field and a predicate on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// The field.
    pub field: FieldRef,
    /// The predicate.
    #[serde(flatten)]
    pub predicate: Predicate,
}

/// A policy as an agency writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Format version, currently 1.
    pub version: u64,
    /// Clauses, combined with AND.
    pub clauses: Vec<Clause>,
}

/// Set mode of a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetMode {
    /// No set test.
    None,
    /// `x` must be in the set.
    In,
    /// `x` must not be in the set.
    NotIn,
}

impl SetMode {
    /// Encoding in the header: 0, 1, 2.
    pub fn code(self) -> u64 {
        match self {
            SetMode::None => 0,
            SetMode::In => 1,
            SetMode::NotIn => 2,
        }
    }
}

/// Canonical constraint on one slot (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotConstraint {
    /// Lower bound, inclusive.
    pub lo: u64,
    /// Upper bound, inclusive.
    pub hi: u64,
    /// Set mode.
    pub mode: SetMode,
    /// Exactly [`SET_SIZE`] values (all zero for [`SetMode::None`]).
    pub set: [u64; SET_SIZE],
    /// Whether the value is revealed.
    pub disclose: bool,
}

impl SlotConstraint {
    /// The constraint that every value satisfies.
    pub fn any() -> Self {
        SlotConstraint {
            lo: 0,
            hi: u64::MAX,
            mode: SetMode::None,
            set: [0; SET_SIZE],
            disclose: false,
        }
    }

    /// Whether `x` satisfies the constraint (the native twin of the circuit's
    /// predicate gadget).
    pub fn holds(&self, x: u64) -> bool {
        let in_set = self.set.contains(&x);
        self.lo <= x
            && x <= self.hi
            && match self.mode {
                SetMode::None => true,
                SetMode::In => in_set,
                SetMode::NotIn => !in_set,
            }
    }

    /// The packed header `lo + 2^64 hi + 2^128 mode + 2^130 disclose`.
    pub fn header(&self) -> Fr {
        let two64 = Fr::from(u128::from(u64::MAX) + 1);
        Fr::from(self.lo)
            + two64 * Fr::from(self.hi)
            + two64 * two64 * (Fr::from(self.mode.code()) + Fr::from(4 * u64::from(self.disclose)))
    }

    /// `Poseidon(header, s_0, ..., s_7)`.
    pub fn hash(&self) -> Fr {
        let mut inputs = [Fr::from(0u64); SET_SIZE + 1];
        inputs[0] = self.header();
        for (i, s) in inputs[1..].iter_mut().zip(self.set) {
            *i = Fr::from(s);
        }
        poseidon::hash(&inputs)
    }
}

/// A policy in canonical form over a fixed number of slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledPolicy {
    /// One constraint per slot.
    pub slots: Vec<SlotConstraint>,
}

fn malformed(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedPolicy(msg.into())
}

impl Policy {
    /// Parses a policy from JSON.
    pub fn from_json(s: &str) -> Result<Self, VerifyError> {
        let p: Policy = serde_json::from_str(s).map_err(|e| malformed(e.to_string()))?;
        if p.version != POLICY_VERSION {
            return Err(VerifyError::UnsupportedVersion {
                what: "policy",
                got: p.version,
                supported: POLICY_VERSION,
            });
        }
        Ok(p)
    }

    /// Compiles to canonical form over `n_slots` slots, resolving names in
    /// `schema` (slot names, in order; may be empty when only indices are used).
    pub fn compile(
        &self,
        n_slots: usize,
        schema: &[String],
    ) -> Result<CompiledPolicy, VerifyError> {
        if n_slots == 0 || n_slots > 15 {
            return Err(malformed(format!("{n_slots} slots: must be 1..=15")));
        }
        let mut slots = vec![SlotConstraint::any(); n_slots];
        let mut ins: Vec<Option<Vec<u64>>> = vec![None; n_slots];
        let mut outs: Vec<Vec<u64>> = vec![Vec::new(); n_slots];
        for clause in &self.clauses {
            let i = match &clause.field {
                FieldRef::Index(i) => *i,
                FieldRef::Name(n) => schema
                    .iter()
                    .position(|s| s == n)
                    .ok_or_else(|| malformed(format!("unknown field {n:?}")))?,
            };
            let slot = slots
                .get_mut(i)
                .ok_or_else(|| malformed(format!("field index {i} is outside 0..{n_slots}")))?;
            let (lo, hi) = match clause.predicate {
                Predicate::Eq { value } => (value, value),
                Predicate::Lt { value } => {
                    let hi = value
                        .checked_sub(1)
                        .ok_or_else(|| malformed(format!("field {i}: `< 0` can never hold")))?;
                    (0, hi)
                }
                Predicate::Le { value } => (0, value),
                Predicate::Gt { value } => {
                    let lo = value.checked_add(1).ok_or_else(|| {
                        malformed(format!("field {i}: `> 2^64-1` can never hold"))
                    })?;
                    (lo, u64::MAX)
                }
                Predicate::Ge { value } => (value, u64::MAX),
                Predicate::Between { min, max } => (min, max),
                Predicate::Ne { value } => {
                    outs[i].push(value);
                    (0, u64::MAX)
                }
                Predicate::NotIn { ref values } => {
                    check_set(i, values)?;
                    outs[i].extend(values);
                    (0, u64::MAX)
                }
                Predicate::In { ref values } => {
                    check_set(i, values)?;
                    ins[i] = Some(match ins[i].take() {
                        None => values.clone(),
                        Some(prev) => prev.into_iter().filter(|v| values.contains(v)).collect(),
                    });
                    (0, u64::MAX)
                }
                Predicate::Disclose => {
                    slot.disclose = true;
                    (0, u64::MAX)
                }
            };
            slot.lo = slot.lo.max(lo);
            slot.hi = slot.hi.min(hi);
            if slot.lo > slot.hi {
                return Err(malformed(format!(
                    "field {i}: the bounds can never hold together"
                )));
            }
        }
        for (i, slot) in slots.iter_mut().enumerate() {
            let (mode, mut values) = match ins[i].take() {
                Some(set) => {
                    let kept: Vec<u64> = set
                        .into_iter()
                        .filter(|v| *v >= slot.lo && *v <= slot.hi && !outs[i].contains(v))
                        .collect();
                    if kept.is_empty() {
                        return Err(malformed(format!("field {i}: no value can satisfy `in`")));
                    }
                    (SetMode::In, kept)
                }
                None => {
                    let kept: Vec<u64> = outs[i]
                        .iter()
                        .copied()
                        .filter(|v| *v >= slot.lo && *v <= slot.hi)
                        .collect();
                    if kept.is_empty() {
                        (SetMode::None, Vec::new())
                    } else {
                        (SetMode::NotIn, kept)
                    }
                }
            };
            values.sort_unstable();
            values.dedup();
            if values.len() > SET_SIZE {
                return Err(malformed(format!(
                    "field {i}: more than {SET_SIZE} distinct `!=`/`not-in` values"
                )));
            }
            if mode == SetMode::NotIn
                && slot.hi - slot.lo < u64::try_from(values.len()).unwrap_or(u64::MAX)
                && (slot.lo..=slot.hi).all(|v| values.contains(&v))
            {
                return Err(malformed(format!(
                    "field {i}: every value in range is excluded"
                )));
            }
            let pad = values.first().copied().unwrap_or(0);
            let mut set = [pad; SET_SIZE];
            set[..values.len()].copy_from_slice(&values);
            slot.mode = mode;
            slot.set = set;
        }
        Ok(CompiledPolicy { slots })
    }
}

fn check_set(i: usize, values: &[u64]) -> Result<(), VerifyError> {
    if values.is_empty() || values.len() > SET_SIZE {
        return Err(malformed(format!(
            "field {i}: a set takes 1 to {SET_SIZE} values, got {}",
            values.len()
        )));
    }
    Ok(())
}

impl CompiledPolicy {
    /// The policy hash (see the module docs).
    pub fn hash(&self) -> Fr {
        let mut inputs = Vec::with_capacity(self.slots.len() + 1);
        inputs.push(Label::PolicyV1.to_field());
        inputs.extend(self.slots.iter().map(SlotConstraint::hash));
        match poseidon::poseidon(&inputs) {
            Ok(h) => h,
            // compile() keeps 1..=15 slots, so the arity is 2..=16.
            Err(_) => unreachable!("policy arity checked by compile"),
        }
    }

    /// Whether `values` satisfy every slot.
    pub fn holds(&self, values: &[u64]) -> bool {
        values.len() == self.slots.len() && self.slots.iter().zip(values).all(|(s, v)| s.holds(*v))
    }

    /// The public disclosure vector: the value for disclosed slots, 0 elsewhere.
    pub fn disclosed(&self, values: &[u64]) -> Vec<Fr> {
        self.slots
            .iter()
            .zip(values)
            .map(|(s, v)| {
                if s.disclose {
                    Fr::from(*v)
                } else {
                    Fr::from(0u64)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(json: &str) -> Result<CompiledPolicy, VerifyError> {
        let schema: Vec<String> = ["district", "area_m2", "use"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Policy::from_json(json)?.compile(8, &schema)
    }

    #[test]
    fn parses_every_operator() {
        let p = compile(
            r#"{"version":1,"clauses":[
            {"field":"district","op":"=","value":7},
            {"field":"area_m2","op":">=","value":500},
            {"field":"area_m2","op":"<","value":10000},
            {"field":"use","op":"in","values":[3,1,2,2]},
            {"field":"use","op":"!=","value":2},
            {"field":3,"op":"not-in","values":[9,8]},
            {"field":4,"op":"between","min":10,"max":20},
            {"field":5,"op":">","value":0},
            {"field":6,"op":"<=","value":5},
            {"field":"district","op":"disclose"}]}"#,
        )
        .unwrap();
        let s = &p.slots;
        assert_eq!((s[0].lo, s[0].hi, s[0].disclose), (7, 7, true));
        assert_eq!((s[1].lo, s[1].hi), (500, 9999));
        assert_eq!(
            (s[2].mode, s[2].set),
            (SetMode::In, [1, 3, 1, 1, 1, 1, 1, 1])
        );
        assert_eq!(
            (s[3].mode, s[3].set),
            (SetMode::NotIn, [8, 9, 8, 8, 8, 8, 8, 8])
        );
        assert_eq!((s[4].lo, s[4].hi), (10, 20));
        assert_eq!((s[5].lo, s[6].hi), (1, 5));
        assert_eq!(s[7], SlotConstraint::any());
        assert!(p.holds(&[7, 500, 3, 0, 10, 1, 5, 0]));
        assert!(!p.holds(&[7, 499, 3, 0, 10, 1, 5, 0]));
        assert!(!p.holds(&[7, 500, 2, 0, 10, 1, 5, 0]));
        assert!(!p.holds(&[7, 500, 3, 9, 10, 1, 5, 0]));
        assert!(!p.holds(&[7, 500, 3, 0, 21, 1, 5, 0]));
    }

    #[test]
    fn same_meaning_same_hash_and_different_meaning_different_hash() {
        let a = compile(r#"{"version":1,"clauses":[{"field":0,"op":"between","min":3,"max":3}]}"#)
            .unwrap();
        let b = compile(r#"{"version":1,"clauses":[{"field":"district","op":"=","value":3}]}"#)
            .unwrap();
        assert_eq!(a.hash(), b.hash());
        let c = compile(r#"{"version":1,"clauses":[{"field":0,"op":"=","value":4}]}"#).unwrap();
        let d = compile(r#"{"version":1,"clauses":[{"field":1,"op":"=","value":3}]}"#).unwrap();
        let e = compile(r#"{"version":1,"clauses":[{"field":0,"op":"=","value":3},{"field":0,"op":"disclose"}]}"#).unwrap();
        let f = compile(r#"{"version":1,"clauses":[{"field":0,"op":"in","values":[3]}]}"#).unwrap();
        for other in [&c, &d, &e, &f] {
            assert_ne!(a.hash(), other.hash());
        }
    }

    #[test]
    fn refuses_malformed_and_unsatisfiable() {
        for bad in [
            r#"{"version":2,"clauses":[]}"#,
            r#"{"version":1,"clauses":[{"field":"nope","op":"=","value":1}]}"#,
            r#"{"version":1,"clauses":[{"field":8,"op":"=","value":1}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"<","value":0}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":">","value":18446744073709551615}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"=","value":18446744073709551616}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"=","value":-1}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"between","min":5,"max":4}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"in","values":[]}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"in","values":[1,2,3,4,5,6,7,8,9]}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"in","values":[1]},{"field":0,"op":"!=","value":1}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"=","value":1},{"field":0,"op":"!=","value":1}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"~","value":1}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"not-in","values":[]}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"in","values":[1,1,2,3,4,5,6,7,8]}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"!=","value":1},{"field":0,"op":"!=","value":2},{"field":0,"op":"!=","value":3},{"field":0,"op":"!=","value":4},{"field":0,"op":"!=","value":5},{"field":0,"op":"!=","value":6},{"field":0,"op":"!=","value":7},{"field":0,"op":"!=","value":8},{"field":0,"op":"!=","value":9}]}"#,
            r#"{"version":1,"clauses":[{"field":0,"op":"=","value":1,"extra":2}]}"#,
            r#"{"version":1,"clauses":[],"x":1}"#,
        ] {
            assert!(compile(bad).is_err(), "accepted {bad}");
        }
    }
}
