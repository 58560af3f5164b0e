//! Wire times: go-openapi's `strfmt.DateTime` (upstream `api/v2/models`, go-openapi/strfmt
//! `time.go`). Output is RFC3339 in UTC with exactly three fractional digits (truncated, like Go's
//! `Format("2006-01-02T15:04:05.000Z07:00")`); input accepts every layout `strfmt.ParseDateTime`
//! tries (RFC3339 with any fraction and offset, `±hhmm` offsets with 3 or 6 fraction digits,
//! local times without zone read as UTC, minute precision, `YYYY-MM-DD HH:MM:SS`); the empty
//! string is the Unix epoch, as in strfmt. Also Go's `time.Time` JSON form (RFC3339Nano) for v1.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime as CivilDateTime, Time};
use jiff::tz::Offset;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A `strfmt.DateTime`: serializes as `2024-01-01T00:00:00.000Z`, parses any accepted layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub Timestamp);

/// The contract's name for [`DateTime`] (millisecond wire time).
pub type Millis = DateTime;

/// Why a date-time string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parsing time {input:?}: {reason}")]
pub struct DateTimeError {
    /// The rejected input.
    pub input: String,
    /// What was wrong.
    pub reason: &'static str,
}

impl From<Timestamp> for DateTime {
    fn from(t: Timestamp) -> Self {
        DateTime(t)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = Vec::with_capacity(24);
        write_millis(&mut buf, self.0);
        f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_datetime(&s)
            .map(DateTime)
            .map_err(serde::de::Error::custom)
    }
}

/// Formats `t` as `strfmt.DateTime` does, in UTC: `2024-01-01T00:00:00.000Z`.
pub fn format_millis(t: Timestamp) -> String {
    DateTime(t).to_string()
}

/// Splits a timestamp into (days since the epoch, second of day, nanosecond), flooring.
fn split(t: Timestamp) -> (i64, u32, u32) {
    let mut secs = t.as_second();
    let mut ns = t.subsec_nanosecond();
    if ns < 0 {
        secs -= 1;
        ns += 1_000_000_000;
    }
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    (days, sod, ns as u32)
}

/// Proleptic Gregorian civil date from days since 1970-01-01 (Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn push2(out: &mut Vec<u8>, v: u32) {
    out.push(b'0' + (v / 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

/// Writes `YYYY-MM-DDTHH:MM:SS` (UTC) and returns the nanosecond part.
fn write_civil(out: &mut Vec<u8>, t: Timestamp) -> u32 {
    let (days, sod, ns) = split(t);
    let (y, m, d) = civil(days);
    if (0..=9999).contains(&y) {
        let y = y as u32;
        push2(out, y / 100);
        push2(out, y % 100);
    } else {
        out.extend_from_slice(y.to_string().as_bytes());
    }
    out.push(b'-');
    push2(out, m);
    out.push(b'-');
    push2(out, d);
    out.push(b'T');
    push2(out, sod / 3600);
    out.push(b':');
    push2(out, sod / 60 % 60);
    out.push(b':');
    push2(out, sod % 60);
    ns
}

/// Appends `t` as `2024-01-01T00:00:00.000Z` (UTC, milliseconds truncated) without quotes.
pub fn write_millis(out: &mut Vec<u8>, t: Timestamp) {
    let (days, sod, ns) = split(t);
    let (y, m, d) = civil(days);
    if !(0..=9999).contains(&y) {
        write_civil(out, t);
        let ms = ns / 1_000_000;
        out.extend_from_slice(&[
            b'.',
            b'0' + (ms / 100) as u8,
            b'0' + (ms / 10 % 10) as u8,
            b'0' + (ms % 10) as u8,
            b'Z',
        ]);
        return;
    }
    let y = y as u32;
    let ms = ns / 1_000_000;
    let (h, mi, se) = (sod / 3600, sod / 60 % 60, sod % 60);
    let dg = |v: u32| b'0' + (v % 10) as u8;
    out.extend_from_slice(&[
        dg(y / 1000),
        dg(y / 100),
        dg(y / 10),
        dg(y),
        b'-',
        dg(m / 10),
        dg(m),
        b'-',
        dg(d / 10),
        dg(d),
        b'T',
        dg(h / 10),
        dg(h),
        b':',
        dg(mi / 10),
        dg(mi),
        b':',
        dg(se / 10),
        dg(se),
        b'.',
        dg(ms / 100),
        dg(ms / 10),
        dg(ms),
        b'Z',
    ]);
}

/// Appends `t` the way Go's `time.Time` marshals to JSON in UTC (RFC3339Nano: trailing zeros
/// of the fraction dropped, no fraction when zero), without quotes. Used by the v1 API.
pub fn write_rfc3339_nano(out: &mut Vec<u8>, t: Timestamp) {
    let ns = write_civil(out, t);
    if ns != 0 {
        let digits = format!("{ns:09}");
        out.push(b'.');
        out.extend_from_slice(digits.trim_end_matches('0').as_bytes());
    }
    out.push(b'Z');
}

/// A Go `time.Time` as v1 served it (RFC3339Nano in UTC); parses strictly like Go's
/// `time.Time.UnmarshalJSON` ([`parse_rfc3339`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoTime(pub Timestamp);

impl Serialize for GoTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = Vec::with_capacity(32);
        write_rfc3339_nano(&mut buf, self.0);
        s.serialize_str(std::str::from_utf8(&buf).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for GoTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_rfc3339(&s)
            .map(GoTime)
            .map_err(serde::de::Error::custom)
    }
}

/// A byte cursor for the parser.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn num(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }
    fn lit(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// Parses RFC3339 the way Go's `time.Time.UnmarshalJSON` does (the v1 API): date, `T`,
/// `HH:MM:SS`, optional fraction, then `Z` or `±hh:mm`.
///
/// # Errors
/// [`DateTimeError`] for anything else.
pub fn parse_rfc3339(s: &str) -> Result<Timestamp, DateTimeError> {
    let b = s.as_bytes();
    let zone_ok = match b.last() {
        Some(b'Z') => true,
        _ => b.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':',
    };
    if b.len() < 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || !zone_ok {
        return Err(DateTimeError {
            input: s.to_owned(),
            reason: "not an RFC3339 date-time",
        });
    }
    parse_datetime(s)
}

/// Parses a date-time the way `strfmt.ParseDateTime` does (see the module docs).
///
/// # Errors
/// [`DateTimeError`] when no accepted layout matches or a field is out of range.
pub fn parse_datetime(s: &str) -> Result<Timestamp, DateTimeError> {
    let err = |reason| DateTimeError {
        input: s.to_owned(),
        reason,
    };
    if s.is_empty() {
        return Ok(Timestamp::UNIX_EPOCH);
    }
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    let bad = || err("not a date-time");
    let year = c.num(4).ok_or_else(bad)?;
    if !c.lit(b'-') {
        return Err(bad());
    }
    let month = c.num(2).ok_or_else(bad)?;
    if !c.lit(b'-') {
        return Err(bad());
    }
    let day = c.num(2).ok_or_else(bad)?;
    let space = if c.lit(b'T') {
        false
    } else if c.lit(b' ') {
        true
    } else {
        return Err(bad());
    };
    let hour = c.num(2).ok_or_else(bad)?;
    if !c.lit(b':') {
        return Err(bad());
    }
    let minute = c.num(2).ok_or_else(bad)?;
    let (mut second, mut nanos, mut offset) = (0u32, 0u32, 0i32);
    if c.lit(b':') {
        second = c.num(2).ok_or_else(bad)?;
        let mut frac_digits = 0usize;
        if c.lit(b'.') || c.lit(b',') {
            let start = c.i;
            while c.i < c.b.len() && c.b[c.i].is_ascii_digit() {
                c.i += 1;
            }
            frac_digits = c.i - start;
            if frac_digits == 0 {
                return Err(bad());
            }
            let mut v = 0u32;
            for k in 0..9 {
                v = v * 10
                    + c.b
                        .get(start + k)
                        .filter(|_| k < frac_digits)
                        .map_or(0, |d| u32::from(d - b'0'));
            }
            nanos = v;
        }
        if !space && !c.done() {
            if c.lit(b'Z') {
            } else if matches!(c.b.get(c.i), Some(b'+' | b'-')) {
                let neg = c.b[c.i] == b'-';
                c.i += 1;
                let oh = c.num(2).ok_or_else(bad)?;
                let colon = c.lit(b':');
                if !colon && frac_digits != 3 && frac_digits != 6 {
                    return Err(bad());
                }
                let om = c.num(2).ok_or_else(bad)?;
                if oh > 24 || om > 59 {
                    return Err(err("time zone offset out of range"));
                }
                offset = (oh * 3600 + om * 60) as i32;
                if neg {
                    offset = -offset;
                }
            } else {
                return Err(bad());
            }
        }
    } else if !space {
        c.lit(b'Z');
    } else {
        return Err(bad());
    }
    if !c.done() {
        return Err(bad());
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(err("time field out of range"));
    }
    let date =
        Date::new(year as i16, month as i8, day as i8).map_err(|_| err("day out of range"))?;
    let time = Time::new(hour as i8, minute as i8, second as i8, nanos as i32)
        .map_err(|_| err("time field out of range"))?;
    let off = Offset::from_seconds(offset).map_err(|_| err("time zone offset out of range"))?;
    off.to_timestamp(CivilDateTime::from_parts(date, time))
        .map_err(|_| err("date-time out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use am_model::alert::ZERO_TIME;

    fn p(s: &str) -> String {
        format_millis(parse_datetime(s).unwrap())
    }

    #[test]
    fn formats_millis_in_utc() {
        assert_eq!(format_millis(ZERO_TIME), "0001-01-01T00:00:00.000Z");
        assert_eq!(
            format_millis(Timestamp::UNIX_EPOCH),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(
            p("2024-02-29T23:59:59.999999999Z"),
            "2024-02-29T23:59:59.999Z"
        );
        assert_eq!(p("1969-12-31T23:59:59.5Z"), "1969-12-31T23:59:59.500Z");
        assert_eq!(p("2024-01-01T01:30:00+02:00"), "2023-12-31T23:30:00.000Z");
        assert_eq!(
            p("2024-01-01T00:00:00.123-0130"),
            "2024-01-01T01:30:00.123Z"
        );
        assert_eq!(
            p("2024-01-01T00:00:00.123456+0000"),
            "2024-01-01T00:00:00.123Z"
        );
        assert_eq!(p("2024-01-01T10:11:12"), "2024-01-01T10:11:12.000Z");
        assert_eq!(p("2024-01-01T10:11Z"), "2024-01-01T10:11:00.000Z");
        assert_eq!(p("2024-01-01T10:11"), "2024-01-01T10:11:00.000Z");
        assert_eq!(p("2024-01-01 10:11:12.5"), "2024-01-01T10:11:12.500Z");
        assert_eq!(p(""), "1970-01-01T00:00:00.000Z");
        assert_eq!(p("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00.000Z");
    }

    #[test]
    fn matches_jiff_for_random_instants() {
        for k in 0..2000i64 {
            let secs = -62_135_596_800 + k * 126_230_400_017 % 315_537_897_599;
            let t = Timestamp::new(secs, ((k * 7919) % 1_000_000_000) as i32).unwrap();
            let want = t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
            assert_eq!(format_millis(t), want);
            let mut v = Vec::new();
            write_rfc3339_nano(&mut v, t);
            assert_eq!(parse_datetime(std::str::from_utf8(&v).unwrap()).unwrap(), t);
        }
    }

    #[test]
    fn rejects_what_strfmt_rejects() {
        for s in [
            "bad",
            "2024-01-01",
            "2024-02-30T00:00:00Z",
            "2024-01-01T00:00:00.12+0200",
            "2024-01-01T00:00:00+0200",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00z",
            "2024-01-01 00:00",
            "2024-01-01T00:00:00Zx",
            "24-01-01T00:00:00Z",
        ] {
            assert!(parse_datetime(s).is_err(), "{s}");
        }
    }

    #[test]
    fn rfc3339_is_strict() {
        assert!(parse_rfc3339("2024-01-01T00:00:00.5+02:00").is_ok());
        assert!(parse_rfc3339("2024-01-01T00:00:00Z").is_ok());
        for s in [
            "",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00Z",
            "2024-01-01 00:00:00Z",
        ] {
            assert!(parse_rfc3339(s).is_err(), "{s}");
        }
        assert!(parse_rfc3339("2024-01-01T00:00:00.123+0200").is_err());
    }

    #[test]
    fn v1_nano_form() {
        let mut v = Vec::new();
        write_rfc3339_nano(&mut v, parse_datetime("2024-01-01T00:00:00.120Z").unwrap());
        assert_eq!(v, b"2024-01-01T00:00:00.12Z");
    }
}
