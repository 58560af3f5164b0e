//! Go's `time.Time` and `time.Duration` as templates see them: layouts (`Format`), `String()`,
//! `GoString()`, the methods callable from templates, Duration printing and RFC 3339 parsing.
//! Mirrors Go's `time` package (`time.go`, `format.go`, `format_rfc3339.go`, `zoneinfo*.go`),
//! following Go 1.23 where it differs from the locally installed Go 1.19.
//!
//! - [`GoTime`]: an instant (seconds since Go's zero time, 0001-01-01 UTC, plus nanoseconds) and a
//!   [`Location`]. The zero value is Go's zero time, which Alertmanager uses as `EndsAt` of firing
//!   alerts and which prints as `0001-01-01 00:00:00 +0000 UTC`.
//! - [`duration_string`] and the other `Duration` helpers in [`duration`].
//! - [`parse_rfc3339`]: `time.Parse(time.RFC3339, s)`.
//! - [`call_time_method`] / [`call_duration_method`]: method dispatch for the executor.
//!
//! Monotonic clock readings (`m=+1.5` in `String()`) are not modelled: template data never
//! carries one here.

mod civil;
pub mod duration;
mod format;
mod location;
mod methods;
mod parse;

use std::cmp::Ordering;

pub use civil::{DAY_NAMES, MONTH_NAMES, days_in, is_leap};
pub use duration::{MAX_DURATION, MIN_DURATION, duration_string};
pub use location::{Location, LocationError};
pub use methods::{
    GoMonth, GoWeekday, LocationValue, call_duration_method, call_time_method,
    duration_method_signature, time_method_bad_results, time_method_signature,
};
pub use parse::{ParseError, parse_rfc3339, parse_rfc3339_in};

/// Seconds from Go's zero time (0001-01-01T00:00:00Z) to the Unix epoch.
pub const UNIX_TO_INTERNAL: i64 = 62_135_596_800;
const NANOS_PER_SEC: i128 = 1_000_000_000;

/// Go's `time.Time`: an instant with a location. `GoTime::default()` is Go's zero time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoTime {
    /// Seconds since 0001-01-01T00:00:00Z (Go's internal representation).
    sec: i64,
    /// Nanoseconds within the second, `0..1e9`.
    nsec: u32,
    loc: Location,
}

/// Calendar fields of a time in its location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Civil {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub yday: i64,
    pub weekday: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
}

impl GoTime {
    /// Go's zero time (`time.Time{}`), 0001-01-01 00:00:00 UTC.
    pub fn zero() -> GoTime {
        GoTime::default()
    }

    /// `time.Now()`: the current instant in `Local` (without Go's monotonic clock reading).
    pub fn now() -> GoTime {
        GoTime::from_timestamp(jiff::Timestamp::now(), Location::local())
    }

    /// `time.Unix(sec, nsec).In(loc)`; `nsec` outside `0..1e9` is normalised like Go does.
    pub fn from_unix(sec: i64, nsec: i64, loc: Location) -> GoTime {
        let total =
            (i128::from(sec) + i128::from(UNIX_TO_INTERNAL)) * NANOS_PER_SEC + i128::from(nsec);
        GoTime::from_internal_nanos(total, loc)
    }

    /// The time at a `jiff` timestamp in `loc`.
    pub fn from_timestamp(ts: jiff::Timestamp, loc: Location) -> GoTime {
        GoTime::from_unix(ts.as_second(), i64::from(ts.subsec_nanosecond()), loc)
    }

    /// `time.Date(year, month, day, hour, min, sec, nsec, loc)`: out-of-range fields are
    /// normalised (month 13 is January of the next year, ...), and the local time is resolved in
    /// `loc` with Go's choice at zone transitions.
    #[allow(clippy::too_many_arguments)]
    pub fn date(
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        min: i64,
        sec: i64,
        nsec: i64,
        loc: Location,
    ) -> GoTime {
        // Normalise month into 1..=12, carrying into the year.
        let m0 = month - 1;
        let year = year + m0.div_euclid(12);
        let month = m0.rem_euclid(12) + 1;
        let days = i128::from(civil::days_from_civil(year, month, 1)) + i128::from(day) - 1;
        let local_nanos = days * 86_400 * NANOS_PER_SEC
            + (i128::from(hour) * 3600 + i128::from(min) * 60 + i128::from(sec)) * NANOS_PER_SEC
            + i128::from(nsec);
        let local_sec = clamp_i64(local_nanos.div_euclid(NANOS_PER_SEC));
        // Go: look up the offset at the local time taken as UTC; when it is not zero, re-check at
        // the corrected instant.
        let offset1 = loc.offset_at(local_sec);
        let offset = if offset1 == 0 {
            0
        } else {
            loc.offset_at(local_sec.saturating_sub(i64::from(offset1)))
        };
        let unix_nanos = local_nanos - i128::from(offset) * NANOS_PER_SEC;
        GoTime::from_internal_nanos(
            unix_nanos + i128::from(UNIX_TO_INTERNAL) * NANOS_PER_SEC,
            loc,
        )
    }

    /// Builds a time from nanoseconds since Go's zero time (saturating at the `i64` seconds range).
    fn from_internal_nanos(total: i128, loc: Location) -> GoTime {
        let sec = clamp_i64(total.div_euclid(NANOS_PER_SEC));
        let nsec = u32::try_from(total.rem_euclid(NANOS_PER_SEC)).unwrap_or(0);
        GoTime { sec, nsec, loc }
    }

    fn internal_nanos(&self) -> i128 {
        i128::from(self.sec) * NANOS_PER_SEC + i128::from(self.nsec)
    }

    /// The instant as a `jiff` timestamp, when it is within `jiff`'s range (years -9999..=9999).
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        jiff::Timestamp::new(self.unix(), i32::try_from(self.nsec).ok()?).ok()
    }

    /// `t.Location()`.
    pub fn location(&self) -> &Location {
        &self.loc
    }

    /// `t.In(loc)`.
    pub fn in_location(&self, loc: &Location) -> GoTime {
        GoTime {
            loc: loc.clone(),
            ..self.clone()
        }
    }

    /// `t.UTC()`.
    pub fn utc(&self) -> GoTime {
        self.in_location(&Location::utc())
    }

    /// `t.Local()`.
    pub fn local(&self) -> GoTime {
        self.in_location(&Location::local())
    }

    /// `t.IsZero()`: whether this is the zero instant (whatever the location).
    pub fn is_zero(&self) -> bool {
        self.sec == 0 && self.nsec == 0
    }

    /// `t.Unix()`.
    pub fn unix(&self) -> i64 {
        self.sec.wrapping_sub(UNIX_TO_INTERNAL)
    }

    /// `t.UnixNano()` (wraps outside 1678..2262 exactly like Go's int64 arithmetic).
    pub fn unix_nano(&self) -> i64 {
        self.unix()
            .wrapping_mul(1_000_000_000)
            .wrapping_add(i64::from(self.nsec))
    }

    /// `t.UnixMilli()`.
    pub fn unix_milli(&self) -> i64 {
        self.unix()
            .wrapping_mul(1000)
            .wrapping_add(i64::from(self.nsec) / 1_000_000)
    }

    /// `t.UnixMicro()`.
    pub fn unix_micro(&self) -> i64 {
        self.unix()
            .wrapping_mul(1_000_000)
            .wrapping_add(i64::from(self.nsec) / 1000)
    }

    /// `t.Nanosecond()`.
    pub fn nanosecond(&self) -> i64 {
        i64::from(self.nsec)
    }

    /// `t.Zone()`: abbreviation and offset (seconds east of UTC) in effect at `t`.
    pub fn zone(&self) -> (String, i32) {
        let (name, offset) = self.loc.lookup(self.unix());
        (name.into_owned(), offset)
    }

    /// Calendar fields in the time's location.
    pub(crate) fn civil(&self) -> Civil {
        let offset = self.loc.offset_at(self.unix());
        civil_of(self.unix().saturating_add(i64::from(offset)))
    }

    /// `t.Year()`.
    pub fn year(&self) -> i64 {
        self.civil().year
    }

    /// `t.Month()` as 1..=12.
    pub fn month(&self) -> i64 {
        self.civil().month
    }

    /// `t.Day()`.
    pub fn day(&self) -> i64 {
        self.civil().day
    }

    /// `t.Hour()`.
    pub fn hour(&self) -> i64 {
        self.civil().hour
    }

    /// `t.Minute()`.
    pub fn minute(&self) -> i64 {
        self.civil().minute
    }

    /// `t.Second()`.
    pub fn second(&self) -> i64 {
        self.civil().second
    }

    /// `t.Weekday()` as 0 (Sunday) ..= 6.
    pub fn weekday(&self) -> i64 {
        self.civil().weekday
    }

    /// `t.YearDay()`: 1..=366.
    pub fn year_day(&self) -> i64 {
        self.civil().yday
    }

    /// `t.ISOWeek()`: ISO 8601 year and week number.
    pub fn iso_week(&self) -> (i64, i64) {
        let c = self.civil();
        // Shift to the Thursday of the same ISO week; its year is the ISO year.
        let days = civil::days_from_civil(c.year, c.month, c.day);
        let monday_based = (c.weekday + 6) % 7; // Monday = 0
        let thursday = days - monday_based + 3;
        let (year, _, _) = civil::civil_from_days(thursday);
        let week = (thursday - civil::days_from_civil(year, 1, 1)) / 7 + 1;
        (year, week)
    }

    /// `t.Equal(u)`: same instant.
    pub fn equal(&self, u: &GoTime) -> bool {
        self.sec == u.sec && self.nsec == u.nsec
    }

    /// `t.Before(u)`.
    pub fn before(&self, u: &GoTime) -> bool {
        (self.sec, self.nsec) < (u.sec, u.nsec)
    }

    /// `t.After(u)`.
    pub fn after(&self, u: &GoTime) -> bool {
        (self.sec, self.nsec) > (u.sec, u.nsec)
    }

    /// `t.Compare(u)`: -1, 0 or +1.
    pub fn compare(&self, u: &GoTime) -> i64 {
        match (self.sec, self.nsec).cmp(&(u.sec, u.nsec)) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }
    }

    /// `t.Add(d)` for a duration in nanoseconds.
    pub fn add(&self, d: i64) -> GoTime {
        GoTime::from_internal_nanos(self.internal_nanos() + i128::from(d), self.loc.clone())
    }

    /// `t.Sub(u)` in nanoseconds, saturating at the Duration range like Go.
    pub fn sub(&self, u: &GoTime) -> i64 {
        let d = self.internal_nanos() - u.internal_nanos();
        i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
    }

    /// `t.AddDate(years, months, days)`, normalised like `time.Date`.
    pub fn add_date(&self, years: i64, months: i64, days: i64) -> GoTime {
        let c = self.civil();
        GoTime::date(
            c.year.saturating_add(years),
            c.month.saturating_add(months),
            c.day.saturating_add(days),
            c.hour,
            c.minute,
            c.second,
            i64::from(self.nsec),
            self.loc.clone(),
        )
    }

    /// `t.Truncate(d)`: rounds down to a multiple of `d` since the zero time (`d <= 0`: unchanged).
    pub fn truncate(&self, d: i64) -> GoTime {
        if d <= 0 {
            return self.clone();
        }
        let r = self.internal_nanos().rem_euclid(i128::from(d));
        GoTime::from_internal_nanos(self.internal_nanos() - r, self.loc.clone())
    }

    /// `t.Round(d)`: rounds to the nearest multiple of `d` since the zero time, halves up.
    pub fn round(&self, d: i64) -> GoTime {
        if d <= 0 {
            return self.clone();
        }
        let d = i128::from(d);
        let r = self.internal_nanos().rem_euclid(d);
        let n = if r + r < d {
            self.internal_nanos() - r
        } else {
            self.internal_nanos() + (d - r)
        };
        GoTime::from_internal_nanos(n, self.loc.clone())
    }

    /// `t.IsDST()`: whether the zone in effect is a daylight-saving one.
    pub fn is_dst(&self) -> bool {
        self.loc.is_dst_at(self.unix())
    }
}

/// Calendar fields of a count of local seconds since the Unix epoch.
fn civil_of(local: i64) -> Civil {
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil::civil_from_days(days);
    Civil {
        year,
        month,
        day,
        yday: days - civil::days_from_civil(year, 1, 1) + 1,
        weekday: civil::weekday_from_days(days),
        hour: secs / 3600,
        minute: secs % 3600 / 60,
        second: secs % 60,
    }
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_time_fields() {
        let z = GoTime::zero();
        assert!(z.is_zero());
        assert_eq!(z.unix(), -62_135_596_800);
        assert_eq!((z.year(), z.month(), z.day()), (1, 1, 1));
        assert_eq!((z.weekday(), z.year_day()), (1, 1));
        assert_eq!(z.go_string(), "0001-01-01 00:00:00 +0000 UTC");
        assert!(z.local().is_zero());
    }

    #[test]
    fn arithmetic() {
        let t = GoTime::from_unix(1_700_000_000, 5, Location::utc());
        assert_eq!(t.add(1_000_000_000).unix(), 1_700_000_001);
        assert_eq!(t.add(-6).unix(), 1_699_999_999);
        assert_eq!(t.add(-6).nanosecond(), 999_999_999);
        assert_eq!(
            t.sub(&GoTime::from_unix(1_699_999_999, 0, Location::utc())),
            1_000_000_005
        );
        assert_eq!(t.sub(&GoTime::zero()), i64::MAX);
        assert_eq!(GoTime::zero().sub(&t), i64::MIN);
        assert!(t.after(&GoTime::zero()) && GoTime::zero().before(&t));
        assert_eq!(t.compare(&t.utc()), 0);
        assert!(t.equal(&t.in_location(&Location::load("Asia/Kolkata").unwrap())));
        assert_ne!(t, t.in_location(&Location::load("Asia/Kolkata").unwrap()));
        assert_eq!(t.truncate(1_000_000_000).nanosecond(), 0);
        assert_eq!(
            GoTime::from_unix(0, 500_000_000, Location::utc())
                .round(1_000_000_000)
                .unix(),
            1
        );
        assert_eq!(
            GoTime::from_unix(0, 499_999_999, Location::utc())
                .round(1_000_000_000)
                .unix(),
            0
        );
        assert_eq!(t.unix_nano(), 1_700_000_000_000_000_005);
        assert_eq!(t.unix_milli(), 1_700_000_000_000);
    }

    #[test]
    fn date_normalises_and_resolves_zones() {
        let utc = Location::utc();
        let t = GoTime::date(2023, 14, 31, 25, 0, 0, 0, utc.clone());
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2024, 3, 3, 1));
        let ny = Location::load("America/New_York").unwrap();
        let t = GoTime::date(2024, 7, 4, 12, 0, 0, 0, ny);
        assert_eq!(t.unix(), 1_720_108_800);
        assert_eq!(t.format("15:04 MST"), "12:00 EDT");
        let leap = GoTime::date(2024, 2, 29, 0, 0, 0, 0, utc);
        assert_eq!(leap.add_date(1, 0, 0).format("2006-01-02"), "2025-03-01");
        assert_eq!(leap.iso_week(), (2024, 9));
        assert_eq!(
            GoTime::date(2021, 1, 3, 0, 0, 0, 0, Location::utc()).iso_week(),
            (2020, 53)
        );
    }
}
