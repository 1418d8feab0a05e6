//! The system clock, in the two units zkgov uses: Unix seconds (ledger
//! times) and days (credential and agency dates, UTC). Library code takes
//! times as arguments; only commands and the demo read the clock, here.

use std::time::{SystemTime, UNIX_EPOCH};

use zkgov_verifier::identity::Date;

/// Now, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Today (UTC).
pub fn today() -> Date {
    Date::from_unix(now())
}

/// The date given (`YYYY-MM-DD`), or today (UTC).
pub fn date_or_today(d: Option<&str>) -> Result<Date, zkgov_verifier::VerifyError> {
    d.map_or_else(|| Ok(today()), Date::parse)
}
