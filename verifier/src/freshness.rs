//! What a proof anchor is keyed by, and the freshness rules the ledger
//! applies to it (and an auditor re-applies from the log alone): one
//! definition for both.
//!
//! - The proof's root must be its registry's current root, or have been
//!   superseded at most `grace` seconds before `now` (the grace window of
//!   its publisher's role, a genesis parameter; Semaphore calls it a root's
//!   duration). A root is superseded when the next root of its registry is
//!   published, at that root's `published_at`.
//! - An identity proof's `today` must be within [`MAX_DATE_SKEW_DAYS`] of
//!   the UTC day of `now`.

use crate::{
    bundle::PublicInputs,
    entry::Role,
    field::Fr,
    identity::Date,
    statement::{MerkleRoot, Nullifier, Scope},
};

/// How far an identity proof's date may be from the ledger's (days).
pub const MAX_DATE_SKEW_DAYS: u64 = 1;

/// What the ledger keys a proof anchor by, read from its public inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnchorFacts {
    /// The root the proof is against.
    pub root: MerkleRoot,
    /// The role whose publication of the root vouches for the statement:
    /// registry authorities for record proofs, the accreditation authority
    /// for identity proofs (never an issuer).
    pub publisher: Role,
    /// The nullifier's scope.
    pub scope: Scope,
    /// The nullifier.
    pub nullifier: Nullifier,
    /// The proof's date, for statements that have one (encoded).
    pub today: Option<Fr>,
}

impl PublicInputs {
    /// The facts a proof anchor is keyed and checked by.
    pub fn anchor_facts(&self) -> AnchorFacts {
        match self {
            PublicInputs::Record(p) => AnchorFacts {
                root: p.root,
                publisher: Role::RegistryAuthority,
                scope: p.scope,
                nullifier: p.nullifier,
                today: None,
            },
            PublicInputs::Identity(p) => AnchorFacts {
                root: p.issuers_root,
                publisher: Role::AccreditationAuthority,
                scope: p.scope,
                nullifier: p.nullifier,
                today: Some(p.today),
            },
        }
    }
}

/// Why a proof is not fresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Staleness {
    /// Its root was superseded longer ago than the grace window.
    RootSuperseded {
        /// When the root was superseded.
        superseded_at: u64,
        /// The window.
        grace_secs: u64,
    },
    /// Its date is too far from the ledger's (`None`: not a date at all).
    DateOutOfRange {
        /// The proof's date.
        today: Option<Date>,
        /// The ledger's date.
        ledger_today: Date,
    },
}

impl std::fmt::Display for Staleness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Staleness::RootSuperseded {
                superseded_at,
                grace_secs,
            } => write!(
                f,
                "the root was superseded at {superseded_at}, more than the {grace_secs} s grace window before"
            ),
            Staleness::DateOutOfRange {
                today,
                ledger_today,
            } => match today {
                Some(d) => write!(
                    f,
                    "the proof's date {d} is more than {MAX_DATE_SKEW_DAYS} day from {ledger_today}"
                ),
                None => write!(f, "the proof's date is not a date (ledger's date {ledger_today})"),
            },
        }
    }
}

impl AnchorFacts {
    /// The freshness rules (module docs) at `now` (Unix seconds), for a root
    /// superseded at `superseded_at` (`None`: current) whose role's window
    /// is `grace_secs`.
    pub fn check_fresh(
        &self,
        superseded_at: Option<u64>,
        grace_secs: u64,
        now: u64,
    ) -> Result<(), Staleness> {
        if let Some(at) = superseded_at {
            if now > at.saturating_add(grace_secs) {
                return Err(Staleness::RootSuperseded {
                    superseded_at: at,
                    grace_secs,
                });
            }
        }
        if let Some(t) = self.today {
            let ledger_today = Date::from_unix(now);
            let today = crate::bundle::fr_to_u64(&t).and_then(|x| Date::decode(x).ok());
            if today.is_none_or(|d| d.0.abs_diff(ledger_today.0) > MAX_DATE_SKEW_DAYS) {
                return Err(Staleness::DateOutOfRange {
                    today,
                    ledger_today,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(today: Option<Fr>) -> AnchorFacts {
        AnchorFacts {
            root: MerkleRoot(Fr::from(1u64)),
            publisher: Role::AccreditationAuthority,
            scope: Scope(Fr::from(2u64)),
            nullifier: Nullifier(Fr::from(3u64)),
            today,
        }
    }

    #[test]
    fn roots_expire_after_their_window_and_dates_stay_within_a_day() {
        let now = 1_800_000_000;
        let f = facts(None);
        assert_eq!(f.check_fresh(None, 0, now), Ok(()));
        assert_eq!(f.check_fresh(Some(now - 10), 10, now), Ok(()));
        assert!(matches!(
            f.check_fresh(Some(now - 11), 10, now),
            Err(Staleness::RootSuperseded { .. })
        ));
        let day = Date::from_unix(now);
        for (d, ok) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let f = facts(Some(Fr::from(Date(day.0 + d).encode())));
            assert_eq!(f.check_fresh(None, 0, now).is_ok(), ok, "{d}");
        }
        let not_a_date = facts(Some(Fr::from(5u64)));
        assert!(matches!(
            not_a_date.check_fresh(None, 0, now),
            Err(Staleness::DateOutOfRange { today: None, .. })
        ));
    }
}
