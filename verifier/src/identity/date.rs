//! Calendar dates as day numbers.
//!
//! A [`Date`] is a day count since 1970-01-01 in the proleptic Gregorian
//! calendar (negative before 1970: birth dates). In credentials, policies and
//! public inputs a date is the unsigned integer `days + 2^31` ([`DATE_BIAS`]),
//! so that earlier dates are smaller integers, 1950 included, and every date
//! of years 0000-9999 fits in 32 bits.
//!
//! Ages: "at least `n` years old on day `d`" is `birth <= d.years_before(n)`,
//! where `years_before` keeps the month and day and moves 29 February to
//! 28 February in a common year. So on 2026-02-28 a child born 2008-02-29 is
//! not yet 18; on 2026-03-01 they are (the birthday falls on 1 March in a
//! common year, as in English law). The verifier computes the cut-off; the
//! circuit only compares integers.

use std::fmt;

use crate::VerifyError;

/// Offset added to day numbers so that they are non-negative integers.
pub const DATE_BIAS: i64 = 1 << 31;

/// A day, counted from 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

fn bad(s: &str) -> VerifyError {
    VerifyError::MalformedDate(format!(
        "{s:?}: expected YYYY-MM-DD between 0000-03-01 and 9999-12-31"
    ))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    /// The day `y-m-d`, if it exists (years 0..=9999).
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(0..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(m) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// Parses `YYYY-MM-DD` strictly.
    pub fn parse(s: &str) -> Result<Date, VerifyError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad(s));
        }
        let num = |r: std::ops::Range<usize>| -> Result<i64, VerifyError> {
            if b[r.clone()].iter().all(u8::is_ascii_digit) {
                s[r].parse().map_err(|_| bad(s))
            } else {
                Err(bad(s))
            }
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Date::from_ymd(y, m as u32, d as u32).ok_or_else(|| bad(s))
    }

    /// The same month and day `n` years earlier (29 February becomes 28
    /// February in a common year).
    pub fn years_before(self, n: u32) -> Result<Date, VerifyError> {
        let (y, m, d) = self.ymd();
        let y = y - i64::from(n);
        let d = d.min(days_in_month(y, m));
        Date::from_ymd(y, m, d)
            .ok_or_else(|| VerifyError::MalformedDate(format!("{self} minus {n} years")))
    }

    /// The UTC day of a Unix time (seconds).
    pub fn from_unix(secs: u64) -> Date {
        Date((secs / 86_400) as i64)
    }

    /// The integer written in credentials and public inputs: `days + 2^31`.
    pub fn encode(self) -> u64 {
        (self.0 + DATE_BIAS) as u64
    }

    /// Reads an encoded date; refuses integers that are not a day of years
    /// 0000-9999.
    pub fn decode(x: u64) -> Result<Date, VerifyError> {
        let days =
            i64::try_from(x).map_err(|_| VerifyError::MalformedDate(x.to_string()))? - DATE_BIAS;
        let d = Date(days);
        let (y, _, _) = d.ymd();
        if (0..=9999).contains(&y) {
            Ok(d)
        } else {
            Err(VerifyError::MalformedDate(format!(
                "encoded date {x} is outside years 0000-9999"
            )))
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(Date::parse("1970-01-01").unwrap(), Date(0));
        assert_eq!(Date::parse("2000-03-01").unwrap(), Date(11_017));
        assert_eq!(Date::parse("1969-12-31").unwrap(), Date(-1));
        assert_eq!(Date::parse("2026-11-25").unwrap(), Date(20_782));
        assert!(Date::parse("2026-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("2000-02-29").is_ok());
        for bad in [
            "2026-1-01",
            "2026-13-01",
            "2026-00-10",
            "2026-01-32",
            "+026-01-01",
            "2026/01/01",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_day_round_trips_and_orders() {
        let start = Date::parse("1800-01-01").unwrap().0;
        let end = Date::parse("2200-12-31").unwrap().0;
        let mut prev = None;
        for n in start..=end {
            let d = Date(n);
            let s = d.to_string();
            assert_eq!(Date::parse(&s).unwrap(), d);
            assert_eq!(Date::decode(d.encode()).unwrap(), d);
            if let Some(p) = prev {
                assert!(d.encode() > p);
            }
            prev = Some(d.encode());
        }
        assert!(Date::parse("9999-12-31").unwrap().encode() < 1 << 32);
        assert!(Date::parse("0000-01-01").unwrap().encode() > 0);
    }

    #[test]
    fn ages_at_the_boundaries() {
        let cut = |d: &str| {
            Date::parse(d)
                .unwrap()
                .years_before(18)
                .unwrap()
                .to_string()
        };
        assert_eq!(cut("2026-11-25"), "2008-11-25");
        // Today is the leap-day child's birthday only in leap years.
        assert_eq!(cut("2026-02-28"), "2008-02-28");
        assert_eq!(cut("2026-03-01"), "2008-03-01");
        assert_eq!(cut("2028-02-29"), "2010-02-28");
        assert_eq!(cut("2042-02-28"), "2024-02-28");
        assert_eq!(cut("2044-02-29"), "2026-02-28");
        // Who is 18 (born on or before the cut-off) on which day, in the
        // encoded form the circuit compares.
        let adult = |birth: &str, on: &str| {
            let cutoff = Date::parse(on).unwrap().years_before(18).unwrap();
            Date::parse(birth).unwrap().encode() <= cutoff.encode()
        };
        // A leap-day child comes of age on 1 March (18 is no multiple of 4,
        // so the 18th birthday never falls in a leap year) ...
        assert!(!adult("2008-02-29", "2026-02-28"));
        assert!(adult("2008-02-29", "2026-03-01"));
        assert!(!adult("2012-02-29", "2030-02-28"));
        // ... and on a 29 February the cut-off is 28 February.
        assert!(adult("2014-02-28", "2032-02-29"));
        assert!(!adult("2014-03-01", "2032-02-29"));
        // Birthday today: adult; tomorrow: not yet. Before 1970 too.
        assert!(adult("2008-11-25", "2026-11-25"));
        assert!(!adult("2008-11-26", "2026-11-25"));
        assert!(adult("1950-06-30", "1968-06-30"));
        assert!(!adult("1950-07-01", "1968-06-30"));
    }
}
