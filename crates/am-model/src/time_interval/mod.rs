//! Time intervals (`time_intervals[].time_intervals[]` in the config): which instants are
//! "inside" for `mute_time_intervals` and `active_time_intervals`. Mirrors upstream's
//! `timeinterval` package (`timeinterval/timeinterval.go`, v0.28.0).
//!
//! An interval's fields are ANDed together and each list is ORed. As in upstream, an absent
//! (or null) list places no restriction, while an explicitly empty one (`weekdays: []`)
//! matches nothing, so the whole interval never matches: upstream tests the Go slice for
//! `nil`, not for length. Printing follows upstream's `omitempty` marshalling and leaves both
//! out, so a printed `weekdays: []` is lost (upstream loses it the same way). Everything is evaluated on the wall clock of the interval's `location` (UTC
//! when unset), so an interval written in local time follows daylight saving time: on a
//! spring-forward day the skipped hour simply never happens, and on a fall-back day the
//! repeated hour is inside the interval both times.
//!
//! Layout: `range` holds the five range types and their string forms, `location` the time
//! zone wrapper; this file holds [`TimeInterval`] and its serde.
//!
//! Differences from upstream v0.28.0, on purpose:
//! - Negative `days_of_month` resolve against the calendar length of the month. Upstream up to
//!   0.28 computes the month length from the elapsed hours between the first of the month and
//!   the first of the next, which is one day short in a month with a spring-forward transition
//!   (so `-1` meant the 30th of March in Europe/Paris). Upstream fixed this after 0.28
//!   ("timeinterval: fix negative days_of_month across DST transitions", #5447); we follow the
//!   fix.

mod location;
mod range;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

use crate::go_quote::quote;

pub use location::Location;
pub use range::{DayOfMonthRange, MonthRange, TimeRange, WeekdayRange, YearRange};

/// Why a time interval (or one of its parts) is invalid. The messages are upstream's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeIntervalError {
    /// A range with more than one `:`.
    #[error("couldn't parse range {0}, invalid format")]
    InvalidRangeFormat(String),
    /// A day of month or year that is not an integer (Go's `strconv.Atoi` message).
    #[error("strconv.Atoi: parsing {}: invalid syntax", quote(.0))]
    NotANumber(String),
    /// A day of month or year that does not fit in 64 bits (Go's `strconv.Atoi` message).
    #[error("strconv.Atoi: parsing {}: value out of range", quote(.0))]
    NumberOutOfRange(String),
    /// Not a weekday name.
    #[error("{0} is not a valid weekday")]
    InvalidWeekday(String),
    /// A weekday range that ends before it starts (upstream's wording).
    #[error("start day cannot be before end day")]
    WeekdaysReversed,
    /// A day of month that is 0 or outside `-31..=31`.
    #[error("{0} is not a valid day of the month: out of range")]
    DayOutOfRange(i64),
    /// A day-of-month range from a negative day to a positive one.
    #[error("end day must be negative if start day is negative")]
    MixedSignDays,
    /// A day-of-month range that is empty even in a 28-day month.
    #[error("end day {end} is always before start day {start}")]
    DaysReversed {
        /// The first day as written.
        start: i64,
        /// The last day as written.
        end: i64,
    },
    /// Neither a month name nor an integer.
    #[error("{0} is not a valid month")]
    InvalidMonth(String),
    /// A month range that ends before it starts.
    #[error("end month {} is before start month {}", range::month_name(*.end), range::month_name(*.start))]
    MonthsReversed {
        /// The first month (1 = January).
        start: i64,
        /// The last month.
        end: i64,
    },
    /// A year range that ends before it starts.
    #[error("end year {end} is before start year {start}")]
    YearsReversed {
        /// The first year.
        start: i64,
        /// The last year.
        end: i64,
    },
    /// A time range without `start_time` or `end_time`.
    #[error("both start and end times must be provided")]
    MissingTime,
    /// A time that is not `HH:MM` between `00:00` and `24:00`.
    #[error("couldn't parse timestamp {0}, invalid format")]
    InvalidTimestamp(String),
    /// A time range whose start is not before its end (this is also how `24:00` as a start is
    /// refused).
    #[error("start time cannot be equal or greater than end time")]
    TimesReversed,
    /// A minute past the end of the day given to [`TimeRange::new`].
    #[error("minute {0} is outside the day (0 to 1440)")]
    MinuteOutOfRange(u32),
    /// A location name Go refuses before looking it up (`..`, leading slash); the message is
    /// Go's and does not repeat the name.
    #[error("time: invalid location name")]
    InvalidLocationName(String),
    /// A location the time zone database does not know.
    #[error("unknown time zone {0}")]
    UnknownTimeZone(String),
}

/// One entry of a named time interval's `time_intervals` list. For each list, `None` (absent
/// or null) places no restriction and `Some` of an empty list matches nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeInterval {
    /// Minute ranges of the day (`times`).
    pub times: Option<Vec<TimeRange>>,
    /// Weekday ranges (`weekdays`).
    pub weekdays: Option<Vec<WeekdayRange>>,
    /// Day-of-month ranges (`days_of_month`).
    pub days_of_month: Option<Vec<DayOfMonthRange>>,
    /// Month ranges (`months`).
    pub months: Option<Vec<MonthRange>>,
    /// Year ranges (`years`).
    pub years: Option<Vec<YearRange>>,
    /// The time zone the other fields are read in; `None` means UTC.
    pub location: Option<Location>,
}

impl TimeInterval {
    /// Whether `instant` is inside the interval (upstream's `ContainsTime`): inside every
    /// present list, where a present but empty list contains nothing.
    ///
    /// Negative days of the month resolve against the calendar length of the month in the
    /// interval's location (see the module documentation for how this differs from 0.28).
    pub fn contains(&self, instant: Timestamp) -> bool {
        let wall = match &self.location {
            Some(location) => location.time_zone().to_datetime(instant),
            None => TimeZone::UTC.to_datetime(instant),
        };
        let date = wall.date();
        let minute =
            u32::from(wall.hour().unsigned_abs()) * 60 + u32::from(wall.minute().unsigned_abs());

        fn any<T>(ranges: &Option<Vec<T>>, inside: impl Fn(&T) -> bool) -> bool {
            ranges
                .as_ref()
                .is_none_or(|ranges| ranges.iter().any(inside))
        }
        any(&self.times, |r| r.contains_minute(minute))
            && any(&self.days_of_month, |r| {
                r.contains(date.day(), date.days_in_month())
            })
            && any(&self.months, |r| r.contains(date.month()))
            && any(&self.weekdays, |r| r.contains(date.weekday()))
            && any(&self.years, |r| r.contains(date.year()))
    }
}

/// The YAML/JSON shape of a [`TimeInterval`]. Null lists are absent lists.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeInterval {
    #[serde(default)]
    times: Option<Vec<TimeRange>>,
    #[serde(default)]
    weekdays: Option<Vec<WeekdayRange>>,
    #[serde(default)]
    days_of_month: Option<Vec<DayOfMonthRange>>,
    #[serde(default)]
    months: Option<Vec<MonthRange>>,
    #[serde(default)]
    years: Option<Vec<YearRange>>,
    #[serde(default)]
    location: Option<Location>,
}

impl<'de> Deserialize<'de> for TimeInterval {
    /// Reads `{times: [{start_time, end_time}], weekdays: [...], days_of_month: [...],
    /// months: [...], years: [...], location: NAME}`; unknown fields are refused, a null list
    /// is an absent one, and a null interval is the empty interval (always inside), as in
    /// upstream.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Some(raw) = Option::<RawTimeInterval>::deserialize(deserializer)? else {
            return Ok(TimeInterval::default());
        };
        Ok(TimeInterval {
            times: raw.times,
            weekdays: raw.weekdays,
            days_of_month: raw.days_of_month,
            months: raw.months,
            years: raw.years,
            location: raw.location,
        })
    }
}

/// The list to print under yaml.v2/`encoding/json` `omitempty`: absent and empty lists are
/// both left out.
fn printed<T>(list: &Option<Vec<T>>) -> Option<&Vec<T>> {
    list.as_ref().filter(|list| !list.is_empty())
}

impl Serialize for TimeInterval {
    /// Upstream's marshalled shape: absent and empty lists (`omitempty`) and an unset location
    /// are left out; ranges are strings (weekdays by name, months by number); times are
    /// `{start_time, end_time}`. When printing YAML, upstream writes every field but `times`
    /// in flow style (`weekdays: [monday:friday]`).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let times = printed(&self.times);
        let weekdays = printed(&self.weekdays);
        let days_of_month = printed(&self.days_of_month);
        let months = printed(&self.months);
        let years = printed(&self.years);
        let len = usize::from(times.is_some())
            + usize::from(weekdays.is_some())
            + usize::from(days_of_month.is_some())
            + usize::from(months.is_some())
            + usize::from(years.is_some())
            + usize::from(self.location.is_some());
        let mut s = serializer.serialize_struct("TimeInterval", len)?;
        if let Some(times) = times {
            s.serialize_field("times", times)?;
        }
        if let Some(weekdays) = weekdays {
            s.serialize_field("weekdays", weekdays)?;
        }
        if let Some(days_of_month) = days_of_month {
            s.serialize_field("days_of_month", days_of_month)?;
        }
        if let Some(months) = months {
            s.serialize_field("months", months)?;
        }
        if let Some(years) = years {
            s.serialize_field("years", years)?;
        }
        if let Some(location) = &self.location {
            s.serialize_field("location", location)?;
        }
        s.end()
    }
}
