//! Go `time.Duration` text: `time.ParseDuration` and `Duration.String` (Go standard library,
//! `time/format.go` and `time/time.go`), in two flavours sharing one parser and one printer:
//!
//! - [`GoDuration`], for command-line flags: a `std::time::Duration`, so negative durations
//!   (`-1s`) are rejected with [`GoDurationError::Negative`] because no flag we parse takes one;
//!   `-0` and `-0s` are zero and accepted.
//! - [`SignedGoDuration`], for configuration fields that upstream declares as `time.Duration`:
//!   Go's signed nanosecond count, accepting exactly what `time.ParseDuration` accepts.
//!
//! Go silently wraps one overflow case (two terms of exactly 2^63 ns add up to zero); we
//! reproduce that for fidelity.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_MICRO: u128 = 1_000;
const NANOS_PER_MILLI: u128 = 1_000_000;
const NANOS_PER_SEC: u128 = 1_000_000_000;

/// 2^63, the bound Go's parser checks against.
const LIMIT: u64 = 1 << 63;

/// A duration in Go's `time.Duration` syntax (`1h30m`, `1.5s`, `250ms`), never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct GoDuration(pub Duration);

impl GoDuration {
    /// The duration as a `std::time::Duration`.
    pub fn as_duration(self) -> Duration {
        self.0
    }
}

impl From<Duration> for GoDuration {
    fn from(d: Duration) -> Self {
        GoDuration(d)
    }
}

impl From<GoDuration> for Duration {
    fn from(d: GoDuration) -> Self {
        d.0
    }
}

/// Why a string is not a Go duration. Messages match Go's `time.ParseDuration`, including its
/// own quoting (non-ASCII and control bytes as `\xNN`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoDurationError {
    /// Malformed or out of range.
    #[error("time: invalid duration {}", time_quote(.0))]
    Invalid(String),
    /// A number without a unit, like `10`.
    #[error("time: missing unit in duration {}", time_quote(.0))]
    MissingUnit(String),
    /// A unit other than `ns us µs μs ms s m h`.
    #[error("time: unknown unit {} in duration {}", time_quote(.unit), time_quote(.input))]
    UnknownUnit {
        /// The unrecognised unit.
        unit: String,
        /// The whole input.
        input: String,
    },
    /// Valid Go, but negative (Go would accept it).
    #[error("invalid duration {}: negative durations are not allowed", time_quote(.0))]
    Negative(String),
}

/// Go's `time.quote`: like `strconv.Quote` for printable ASCII, but every byte of a non-ASCII or
/// control character becomes `\xNN` (DEL stays as is).
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Nanoseconds per unit name, as in Go's `unitMap`.
fn unit_nanos(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => 1,
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60 * 1_000_000_000,
        "h" => 60 * 60 * 1_000_000_000,
        _ => return None,
    })
}

/// Go's `leadingInt`: the digits at the start of `s` (`None` past 2^63) and the rest.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let end = s.bytes().take_while(u8::is_ascii_digit).count();
    let mut x: u64 = 0;
    for b in s[..end].bytes() {
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(b - b'0');
        if x > LIMIT {
            return None;
        }
    }
    Some((x, &s[end..]))
}

/// Go's `leadingFraction`: the digits at the start of `s` as `(value, scale)` where the
/// fraction is `value / scale`; digits past 2^63 are ignored.
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let end = s.bytes().take_while(u8::is_ascii_digit).count();
    let mut x: u64 = 0;
    let mut scale = 1.0_f64;
    let mut overflow = false;
    for b in s[..end].bytes() {
        if overflow {
            continue;
        }
        if x > (LIMIT - 1) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(b - b'0');
        if y > LIMIT {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, &s[end..])
}

/// Parses like Go's `time.ParseDuration`, returning `(negative, magnitude in ns)`; the
/// magnitude is at most 2^63, and 2^63 only when negative.
fn parse_go(orig: &str) -> Result<(bool, u64), GoDurationError> {
    let invalid = || GoDurationError::Invalid(orig.to_owned());
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok((false, 0));
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while let Some(&first) = s.as_bytes().first() {
        if !(first == b'.' || first.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();
        let mut f = 0;
        let mut scale = 1.0;
        let mut post = false;
        if let Some(rest) = s.strip_prefix('.') {
            let before = rest.len();
            (f, scale, s) = leading_fraction(rest);
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|&b| b != b'.' && !b.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(GoDurationError::MissingUnit(orig.to_owned()));
        }
        let unit_name = &s[..unit_len];
        s = &s[unit_len..];
        let unit = unit_nanos(unit_name).ok_or_else(|| GoDurationError::UnknownUnit {
            unit: unit_name.to_owned(),
            input: orig.to_owned(),
        })?;
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            // Same float64 arithmetic as Go, so rounding agrees.
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
            let frac = (f as f64 * (unit as f64 / scale)) as u64;
            v += frac;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        // Go adds in uint64 and can wrap (2^63 + 2^63 == 0); mirror it.
        d = d.wrapping_add(v);
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d != 0, d));
    }
    if d > LIMIT - 1 {
        return Err(invalid());
    }
    Ok((false, d))
}

impl FromStr for GoDuration {
    type Err = GoDurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse_go(s)? {
            (true, _) => Err(GoDurationError::Negative(s.to_owned())),
            (false, nanos) => Ok(GoDuration(Duration::from_nanos(nanos))),
        }
    }
}

/// Appends `v`'s last `prec` decimal digits as a fraction (`.5`, trailing zeros and a bare point
/// omitted) and returns the remaining integer part, like Go's `fmtFrac`.
fn split_frac(v: u128, prec: u32) -> (u128, String) {
    let pow = 10u128.pow(prec);
    let frac = v % pow;
    if frac == 0 {
        return (v / pow, String::new());
    }
    let digits = format!("{frac:0width$}", width = prec as usize);
    (v / pow, format!(".{}", digits.trim_end_matches('0')))
}

/// Writes a duration of `nanos` nanoseconds (negative when `neg`) like Go's
/// `time.Duration.String()`: `1h30m0s`, `1.5s`, `250ms`, `1.5µs`, `10ns`, `0s`, `-1m30s`.
fn write_go(f: &mut fmt::Formatter<'_>, neg: bool, u: u128) -> fmt::Result {
    if u == 0 {
        return f.write_str("0s");
    }
    let sign = if neg { "-" } else { "" };
    if u < NANOS_PER_SEC {
        let (prec, unit) = if u < NANOS_PER_MICRO {
            (0, "ns")
        } else if u < NANOS_PER_MILLI {
            (3, "\u{b5}s")
        } else {
            (6, "ms")
        };
        let (int, frac) = split_frac(u, prec);
        return write!(f, "{sign}{int}{frac}{unit}");
    }
    let (secs, frac) = split_frac(u, 9);
    let mins = secs / 60;
    if mins == 0 {
        return write!(f, "{sign}{secs}{frac}s");
    }
    let hours = mins / 60;
    if hours == 0 {
        return write!(f, "{sign}{mins}m{}{frac}s", secs % 60);
    }
    write!(f, "{sign}{hours}h{}m{}{frac}s", mins % 60, secs % 60)
}

/// Formats like Go's `time.Duration.String()`: `1h30m0s`, `1.5s`, `250ms`, `1.5µs`, `10ns`, `0s`.
impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_go(f, false, self.0.as_nanos())
    }
}

impl Serialize for GoDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A Go `time.Duration`: a signed count of nanoseconds, parsed exactly like
/// `time.ParseDuration` (negative values included) and printed like `Duration.String()`
/// (`1m0s`, `1.5s`, `-100ms`, `0s`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SignedGoDuration(pub i64);

impl SignedGoDuration {
    /// A duration of `secs` seconds.
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs * 1_000_000_000)
    }

    /// The duration as a `std::time::Duration`; negative durations become zero.
    pub fn to_std(self) -> Duration {
        Duration::from_nanos(u64::try_from(self.0).unwrap_or(0))
    }

    /// True for the zero duration.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl FromStr for SignedGoDuration {
    type Err = GoDurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (neg, nanos) = parse_go(s)?;
        if neg {
            // At most 2^63: -2^63 is i64::MIN.
            Ok(SignedGoDuration(0i64.wrapping_sub_unsigned(nanos)))
        } else {
            // Non-negative results are below 2^63.
            i64::try_from(nanos)
                .map(SignedGoDuration)
                .map_err(|_| GoDurationError::Invalid(s.to_owned()))
        }
    }
}

impl fmt::Display for SignedGoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_go(f, self.0 < 0, u128::from(self.0.unsigned_abs()))
    }
}

impl Serialize for SignedGoDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(s: &str) -> Result<u64, GoDurationError> {
        s.parse::<GoDuration>()
            .map(|d| u64::try_from(d.0.as_nanos()).unwrap())
    }

    #[test]
    fn parses_valid() {
        let cases: [(&str, u64); 14] = [
            ("0", 0),
            ("-0", 0),
            ("+0", 0),
            ("-0s", 0),
            ("1s", 1_000_000_000),
            ("1.5s", 1_500_000_000),
            (".5s", 500_000_000),
            ("1.s", 1_000_000_000),
            ("1h30m", 5_400_000_000_000),
            ("+5m", 300_000_000_000),
            ("1us1µs1μs", 3_000),
            ("3ns2ns", 5),
            ("1.0000000001s", 1_000_000_000),
            ("9223372036854775807ns", 9_223_372_036_854_775_807),
        ];
        for (input, want) in cases {
            assert_eq!(nanos(input), Ok(want), "{input}");
        }
        // Go's float64 arithmetic for fractions of hours.
        assert_eq!(nanos("0.3333333333333h"), Ok(1_199_999_999_999));
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "-",
            "+",
            "s",
            ".s",
            "x1s",
            "9223372036854775808ns",
            "2562048h",
            "99999999999999999999s",
            " 1s",
        ] {
            assert!(
                matches!(nanos(bad), Err(GoDurationError::Invalid(_))),
                "{bad}: {:?}",
                nanos(bad)
            );
        }
        for missing in ["10", "1..5s", "1s2"] {
            assert_eq!(
                nanos(missing),
                Err(GoDurationError::MissingUnit(missing.to_owned()))
            );
        }
        assert!(matches!(
            nanos("1s "),
            Err(GoDurationError::UnknownUnit { .. })
        ));
        assert_eq!(
            nanos("1d").unwrap_err().to_string(),
            r#"time: unknown unit "d" in duration "1d""#
        );
        assert_eq!(
            nanos("1é").unwrap_err().to_string(),
            r#"time: unknown unit "\xc3\xa9" in duration "1\xc3\xa9""#
        );
        assert_eq!(
            nanos("-1s"),
            Err(GoDurationError::Negative("-1s".to_owned()))
        );
    }

    #[test]
    fn go_wraparound_quirk() {
        assert_eq!(nanos("9223372036854775808ns9223372036854775808ns"), Ok(0));
    }

    #[test]
    fn displays_like_go() {
        let cases: [(u64, &str); 12] = [
            (0, "0s"),
            (1, "1ns"),
            (999, "999ns"),
            (1_000, "1µs"),
            (1_500, "1.5µs"),
            (1_000_000, "1ms"),
            (1_234_567, "1.234567ms"),
            (1_000_000_000, "1s"),
            (1_500_000_000, "1.5s"),
            (60_000_000_000, "1m0s"),
            (5_400_000_000_000, "1h30m0s"),
            (9_223_372_036_854_775_807, "2562047h47m16.854775807s"),
        ];
        for (n, want) in cases {
            assert_eq!(GoDuration(Duration::from_nanos(n)).to_string(), want);
        }
    }

    #[test]
    fn serde_uses_the_string_form() {
        let d: GoDuration = serde_json::from_str(r#""1m30s""#).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""1m30s""#);
        assert!(serde_json::from_str::<GoDuration>(r#""1x""#).is_err());
    }

    fn signed(s: &str) -> Result<i64, GoDurationError> {
        s.parse::<SignedGoDuration>().map(|d| d.0)
    }

    #[test]
    fn signed_parses_negative_values_like_go() {
        assert_eq!(signed("1m"), Ok(60_000_000_000));
        assert_eq!(signed("1h2m3s4ms5us6ns"), Ok(3_723_004_005_006));
        assert_eq!(signed("-2s"), Ok(-2_000_000_000));
        assert_eq!(signed("-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(signed("-0"), Ok(0));
        assert_eq!(signed(".5m"), Ok(30_000_000_000));
        assert_eq!(signed("-9223372036854775808ns"), Ok(i64::MIN));
        assert_eq!(signed("9223372036854775807ns"), Ok(i64::MAX));
        assert_eq!(
            signed("9223372036854775808ns"),
            Err(GoDurationError::Invalid("9223372036854775808ns".to_owned()))
        );
        assert_eq!(
            signed("-9223372036854775809ns"),
            Err(GoDurationError::Invalid(
                "-9223372036854775809ns".to_owned()
            ))
        );
        assert_eq!(
            signed("10").unwrap_err().to_string(),
            r#"time: missing unit in duration "10""#
        );
        assert_eq!(
            signed("-1d").unwrap_err().to_string(),
            r#"time: unknown unit "d" in duration "-1d""#
        );
        assert!(signed("--1s").is_err());
        assert_eq!(
            SignedGoDuration::from_secs(-3),
            SignedGoDuration(-3_000_000_000)
        );
        assert_eq!(SignedGoDuration(-5).to_std(), Duration::ZERO);
        assert_eq!(SignedGoDuration(5).to_std(), Duration::from_nanos(5));
        assert!(SignedGoDuration::default().is_zero());
    }

    #[test]
    fn signed_displays_like_go() {
        let cases: [(i64, &str); 8] = [
            (0, "0s"),
            (1_500, "1.5µs"),
            (100_000_000, "100ms"),
            (3_723_004_005_006, "1h2m3.004005006s"),
            (-1, "-1ns"),
            (-1_500_000, "-1.5ms"),
            (-90_000_000_000, "-1m30s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ];
        for (n, want) in cases {
            assert_eq!(SignedGoDuration(n).to_string(), want, "{n}");
        }
        assert_eq!(
            serde_json::to_string(&SignedGoDuration(-1_000)).unwrap(),
            r#""-1µs""#
        );
    }
}
