//! The building blocks of a time interval: `times` (minute ranges of the day) and the inclusive
//! `weekdays`, `days_of_month`, `months` and `years` ranges, with their string forms and serde.
//! Mirrors the range types, `parseTime`, `stringableRangeFromString` and the range
//! `UnmarshalYAML`/`MarshalText` methods of upstream's `timeinterval/timeinterval.go`.
//!
//! Parsing follows upstream exactly: the input is lower-cased, split on `:` into at most two
//! members, and numbers go through Go's `strconv.Atoi` rules (optional sign, ASCII digits, 64-bit
//! range), so `"+5"` and `"05"` are accepted and the error texts match upstream's.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Weekday;
use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::TimeIntervalError;

/// Minutes in a day; `24:00` is this many minutes.
const MINUTES_PER_DAY: u32 = 1440;

const WEEKDAY_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A range of minutes within a day, `[start, end)`. `00:00` is minute 0 and `24:00` (allowed only
/// as the end) is minute 1440. Parsed from `{start_time: "HH:MM", end_time: "HH:MM"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeRange {
    start_minute: u32,
    end_minute: u32,
}

impl TimeRange {
    /// A range from minute `start_minute` (inclusive) to `end_minute` (exclusive) of the day.
    ///
    /// # Errors
    /// When `end_minute` is past 1440 or `start_minute >= end_minute`.
    pub fn new(start_minute: u32, end_minute: u32) -> Result<Self, TimeIntervalError> {
        if end_minute > MINUTES_PER_DAY {
            return Err(TimeIntervalError::MinuteOutOfRange(end_minute));
        }
        if start_minute >= end_minute {
            return Err(TimeIntervalError::TimesReversed);
        }
        Ok(TimeRange {
            start_minute,
            end_minute,
        })
    }

    /// Parses the `start_time` and `end_time` strings (`HH:MM`, minute precision, `00:00` to
    /// `23:59`, or `24:00`), with upstream's checks and messages. An empty string counts as
    /// missing.
    ///
    /// # Errors
    /// When a time is missing or malformed, or the start is not before the end.
    pub fn parse(start_time: &str, end_time: &str) -> Result<Self, TimeIntervalError> {
        if start_time.is_empty() || end_time.is_empty() {
            return Err(TimeIntervalError::MissingTime);
        }
        let start = parse_clock(start_time)?;
        let end = parse_clock(end_time)?;
        if start >= end {
            return Err(TimeIntervalError::TimesReversed);
        }
        Ok(TimeRange {
            start_minute: start,
            end_minute: end,
        })
    }

    /// The first minute of the day in the range.
    pub fn start_minute(&self) -> u32 {
        self.start_minute
    }

    /// The first minute of the day after the range (1440 for "until midnight").
    pub fn end_minute(&self) -> u32 {
        self.end_minute
    }

    /// Whether `minute_of_day` (0..1440) falls in the range.
    pub fn contains_minute(&self, minute_of_day: u32) -> bool {
        minute_of_day >= self.start_minute && minute_of_day < self.end_minute
    }

    /// The `start_time` string, `HH:MM`.
    pub fn start_time(&self) -> String {
        format_clock(self.start_minute)
    }

    /// The `end_time` string, `HH:MM` (`24:00` for the end of the day).
    pub fn end_time(&self) -> String {
        format_clock(self.end_minute)
    }
}

/// `HH:MM` to minutes of the day. Accepts exactly what upstream's
/// `^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)` accepts.
fn parse_clock(text: &str) -> Result<u32, TimeIntervalError> {
    if text == "24:00" {
        return Ok(MINUTES_PER_DAY);
    }
    let invalid = || TimeIntervalError::InvalidTimestamp(text.to_owned());
    let &[h1, h2, b':', m1, m2] = text.as_bytes() else {
        return Err(invalid());
    };
    let hour_ok = matches!((h1, h2), (b'0'..=b'1', b'0'..=b'9') | (b'2', b'0'..=b'3'));
    let minute_ok = matches!((m1, m2), (b'0'..=b'5', b'0'..=b'9'));
    if !hour_ok || !minute_ok {
        return Err(invalid());
    }
    let digit = |b: u8| u32::from(b - b'0');
    Ok((digit(h1) * 10 + digit(h2)) * 60 + digit(m1) * 10 + digit(m2))
}

fn format_clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Serialize for TimeRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TimeRange", 2)?;
        s.serialize_field("start_time", &self.start_time())?;
        s.serialize_field("end_time", &self.end_time())?;
        s.end()
    }
}

/// The YAML shape of a [`TimeRange`]. Missing or null times read as "" like Go's zero string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeRange {
    #[serde(default)]
    start_time: Scalar,
    #[serde(default)]
    end_time: Scalar,
}

impl<'de> Deserialize<'de> for TimeRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A null list entry never reaches upstream's UnmarshalYAML: the element keeps Go's zero
        // value, the empty range 00:00-00:00, which contains no minute.
        let Some(raw) = Option::<RawTimeRange>::deserialize(deserializer)? else {
            return Ok(TimeRange {
                start_minute: 0,
                end_minute: 0,
            });
        };
        let start = raw.start_time.0.unwrap_or_default();
        let end = raw.end_time.0.unwrap_or_default();
        TimeRange::parse(&start, &end).map_err(de::Error::custom)
    }
}

/// An inclusive range of weekdays, stored as upstream does: 0 = Sunday … 6 = Saturday.
/// Parsed from `"monday:friday"` or `"saturday"` (names only, any case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WeekdayRange {
    begin: u8,
    end: u8,
}

impl WeekdayRange {
    /// The days from `begin` to `end`, inclusive, in a Sunday-first week.
    ///
    /// # Errors
    /// When `end` comes before `begin` in a week that starts on Sunday.
    pub fn new(begin: Weekday, end: Weekday) -> Result<Self, TimeIntervalError> {
        let (begin, end) = (sunday_zero(begin), sunday_zero(end));
        if begin > end {
            return Err(TimeIntervalError::WeekdaysReversed);
        }
        Ok(WeekdayRange { begin, end })
    }

    /// The first day, 0 = Sunday.
    pub fn begin(&self) -> u8 {
        self.begin
    }

    /// The last day (inclusive), 0 = Sunday.
    pub fn end(&self) -> u8 {
        self.end
    }

    /// Whether `weekday` is in the range.
    pub fn contains(&self, weekday: Weekday) -> bool {
        (self.begin..=self.end).contains(&sunday_zero(weekday))
    }
}

fn sunday_zero(weekday: Weekday) -> u8 {
    // `to_sunday_zero_offset` is always 0..=6.
    weekday.to_sunday_zero_offset().unsigned_abs()
}

impl FromStr for WeekdayRange {
    type Err = TimeIntervalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (first, last) = split_range(s)?;
        let member = |name: &str| {
            WEEKDAY_NAMES
                .iter()
                .position(|n| *n == name)
                .and_then(|i| u8::try_from(i).ok())
                .ok_or_else(|| TimeIntervalError::InvalidWeekday(name.to_owned()))
        };
        let (begin, end) = (member(&first)?, member(&last)?);
        if begin > end {
            return Err(TimeIntervalError::WeekdaysReversed);
        }
        Ok(WeekdayRange { begin, end })
    }
}

impl fmt::Display for WeekdayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |d: u8| WEEKDAY_NAMES.get(usize::from(d)).copied().unwrap_or("?");
        if self.begin == self.end {
            f.write_str(name(self.begin))
        } else {
            write!(f, "{}:{}", name(self.begin), name(self.end))
        }
    }
}

/// An inclusive range of days of the month. Negative values count from the end of the month
/// (-1 is the last day). Parsed from `"1:5"`, `"-3:-1"`, `"1:-1"` or `"15"`.
///
/// Validation is upstream's: each day is in `-31..=31` and non-zero; a negative start needs a
/// negative end; and the range must not be empty in a 28-day month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DayOfMonthRange {
    begin: i8,
    end: i8,
}

impl DayOfMonthRange {
    /// The days from `begin` to `end`, inclusive, with upstream's validation.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn new(begin: i64, end: i64) -> Result<Self, TimeIntervalError> {
        let check = |day: i64| {
            if day == 0 || !(-31..=31).contains(&day) {
                return Err(TimeIntervalError::DayOutOfRange(day));
            }
            i8::try_from(day).map_err(|_| TimeIntervalError::DayOutOfRange(day))
        };
        let (b, e) = (check(begin)?, check(end)?);
        if b < 0 && e > 0 {
            return Err(TimeIntervalError::MixedSignDays);
        }
        // In the shortest month (28 days), -1 is day 28.
        let in_short_month = |day: i8| if day < 0 { 28 + day } else { day };
        if in_short_month(b) > in_short_month(e) {
            return Err(TimeIntervalError::DaysReversed { start: begin, end });
        }
        Ok(DayOfMonthRange { begin: b, end: e })
    }

    /// The first day as written (negative = from the end of the month).
    pub fn begin(&self) -> i8 {
        self.begin
    }

    /// The last day as written (negative = from the end of the month).
    pub fn end(&self) -> i8 {
        self.end
    }

    /// Whether `day` (1-based) of a month with `days_in_month` days is in the range.
    ///
    /// Negative ends resolve against the month's length (-1 is the last day). An end past the
    /// month's last day stops there, so `"30:31"` is just the 30th in April and `"31"` is
    /// nothing. Upstream skips ranges starting past the month's end and then clamps both ends
    /// to `-days..=days`; together those never change which days match (resolved ends are at
    /// least -2, and no day is past the month's end), so plain comparison is enough.
    pub fn contains(&self, day: i8, days_in_month: i8) -> bool {
        let dim = i32::from(days_in_month);
        let resolve = |d: i8| {
            let d = i32::from(d);
            if d < 0 { dim + d + 1 } else { d }
        };
        (resolve(self.begin)..=resolve(self.end)).contains(&i32::from(day))
    }
}

impl FromStr for DayOfMonthRange {
    type Err = TimeIntervalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (first, last) = split_range(s)?;
        DayOfMonthRange::new(go_atoi(&first)?, go_atoi(&last)?)
    }
}

impl fmt::Display for DayOfMonthRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_numeric(f, i64::from(self.begin), i64::from(self.end))
    }
}

/// An inclusive range of months, 1 = January. Parsed from names (`"may:august"`) or numbers
/// (`"1:3"`). Like upstream, numbers are not range-checked: `"0"` or `"13"` are accepted and
/// simply never match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MonthRange {
    begin: i64,
    end: i64,
}

impl MonthRange {
    /// The months from `begin` to `end`, inclusive (1 = January).
    ///
    /// # Errors
    /// When `begin > end`.
    pub fn new(begin: i64, end: i64) -> Result<Self, TimeIntervalError> {
        if begin > end {
            return Err(TimeIntervalError::MonthsReversed { start: begin, end });
        }
        Ok(MonthRange { begin, end })
    }

    /// The first month, 1 = January.
    pub fn begin(&self) -> i64 {
        self.begin
    }

    /// The last month (inclusive), 1 = January.
    pub fn end(&self) -> i64 {
        self.end
    }

    /// Whether `month` (1 = January) is in the range.
    pub fn contains(&self, month: i8) -> bool {
        (self.begin..=self.end).contains(&i64::from(month))
    }
}

/// The month's name for upstream's "end month … is before start month …" message; like Go's map
/// lookup, an unknown number gives the empty string.
pub(super) fn month_name(month: i64) -> &'static str {
    usize::try_from(month - 1)
        .ok()
        .and_then(|i| MONTH_NAMES.get(i))
        .copied()
        .unwrap_or("")
}

impl FromStr for MonthRange {
    type Err = TimeIntervalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (first, last) = split_range(s)?;
        let member = |text: &str| match MONTH_NAMES.iter().position(|n| *n == text) {
            Some(i) => Ok(i as i64 + 1),
            None => go_atoi(text).map_err(|_| TimeIntervalError::InvalidMonth(text.to_owned())),
        };
        MonthRange::new(member(&first)?, member(&last)?)
    }
}

impl fmt::Display for MonthRange {
    /// Numbers, as upstream marshals months (`may:august` prints as `5:8`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_numeric(f, self.begin, self.end)
    }
}

/// An inclusive range of years. Parsed from `"2020:2022"` or `"2024"`; like upstream, any
/// integer is accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct YearRange {
    begin: i64,
    end: i64,
}

impl YearRange {
    /// The years from `begin` to `end`, inclusive.
    ///
    /// # Errors
    /// When `begin > end`.
    pub fn new(begin: i64, end: i64) -> Result<Self, TimeIntervalError> {
        if begin > end {
            return Err(TimeIntervalError::YearsReversed { start: begin, end });
        }
        Ok(YearRange { begin, end })
    }

    /// The first year.
    pub fn begin(&self) -> i64 {
        self.begin
    }

    /// The last year (inclusive).
    pub fn end(&self) -> i64 {
        self.end
    }

    /// Whether `year` is in the range.
    pub fn contains(&self, year: i16) -> bool {
        (self.begin..=self.end).contains(&i64::from(year))
    }
}

impl FromStr for YearRange {
    type Err = TimeIntervalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (first, last) = split_range(s)?;
        YearRange::new(go_atoi(&first)?, go_atoi(&last)?)
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_numeric(f, self.begin, self.end)
    }
}

fn write_numeric(f: &mut fmt::Formatter<'_>, begin: i64, end: i64) -> fmt::Result {
    if begin == end {
        write!(f, "{begin}")
    } else {
        write!(f, "{begin}:{end}")
    }
}

/// Lower-cases `input` and splits it into its two members (the same one twice when there is no
/// `:`), as upstream's `stringableRangeFromString` does.
fn split_range(input: &str) -> Result<(String, String), TimeIntervalError> {
    let lower = input.to_lowercase();
    if !lower.contains(':') {
        return Ok((lower.clone(), lower));
    }
    let mut parts = lower.split(':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(first), Some(last), None) => Ok((first.to_owned(), last.to_owned())),
        _ => Err(TimeIntervalError::InvalidRangeFormat(lower)),
    }
}

/// Go's `strconv.Atoi` on a 64-bit platform: an optional sign and ASCII digits. Overflow is
/// reported as soon as the digits seen so far overflow, like Go.
fn go_atoi(text: &str) -> Result<i64, TimeIntervalError> {
    let syntax = || TimeIntervalError::NotANumber(text.to_owned());
    let range = || TimeIntervalError::NumberOutOfRange(text.to_owned());
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(syntax());
    }
    let mut value: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err(syntax());
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or_else(range)?;
    }
    if negative {
        0i64.checked_sub_unsigned(value).ok_or_else(range)
    } else {
        i64::try_from(value).map_err(|_| range())
    }
}

/// A YAML scalar read the way yaml.v2 fills a Go `string`: text as is, numbers and booleans as
/// their text. `None` for null.
#[derive(Default)]
pub(super) struct Scalar(pub(super) Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar(Some(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        Scalar::deserialize(deserializer)
    }
}

/// Serde for the four inclusive range types: the string form both ways. A null list entry
/// keeps upstream's zero value (begin = end = 0: Sunday for weekdays, nothing for the others)
/// because yaml.v2 never calls the unmarshaller for null.
macro_rules! string_serde {
    ($ty:ident) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                match Scalar::deserialize(deserializer)?.0 {
                    Some(text) => text.parse().map_err(de::Error::custom),
                    None => Ok($ty { begin: 0, end: 0 }),
                }
            }
        }
    };
}

string_serde!(WeekdayRange);
string_serde!(DayOfMonthRange);
string_serde!(MonthRange);
string_serde!(YearRange);
