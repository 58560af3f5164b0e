//! Prometheus durations: `prometheus/common/model` `ParseDuration` and `Duration.String`
//! (`model/time.go`).
//!
//! Checked against prometheus/common 0.39 (Debian's packaged sources, our Go oracle). Alertmanager
//! 0.28 uses prometheus/common 0.61, whose parser (rewritten without a regular expression) is
//! meant to accept the same language: an optional sequence of `<digits><unit>` with the units
//! `y w d h m s ms` each at most once and in that order, or the bare `0`. Negative durations
//! (`ParseDurationAllowNegative` in later versions) are not part of this syntax.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::go_quote::quote;

const MS_PER_DAY: u64 = 24 * 60 * 60 * 1000;

/// Units in the only order they may appear, with their length in milliseconds.
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * MS_PER_DAY),
    ("w", 7 * MS_PER_DAY),
    ("d", MS_PER_DAY),
    ("h", 60 * 60 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
];

/// Index of `ms` in [`UNITS`].
const MS_INDEX: usize = 6;

/// The largest duration Go can hold (`time.Duration` is an `int64` of nanoseconds).
const MAX_NANOS: u128 = i64::MAX as u128;

/// A duration in Prometheus syntax (`model.Duration`): millisecond resolution, at most
/// `i64::MAX` nanoseconds (about 292 years) when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PromDuration(pub Duration);

impl PromDuration {
    /// The zero duration (printed `0s`).
    pub const ZERO: PromDuration = PromDuration(Duration::ZERO);

    /// The duration as a `std::time::Duration`.
    pub fn as_duration(self) -> Duration {
        self.0
    }
}

impl From<Duration> for PromDuration {
    fn from(d: Duration) -> Self {
        PromDuration(d)
    }
}

impl From<PromDuration> for Duration {
    fn from(d: PromDuration) -> Self {
        d.0
    }
}

/// Why a string is not a Prometheus duration. Messages match Go's `model.ParseDuration`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromDurationError {
    /// The input was empty.
    #[error("empty duration string")]
    Empty,
    /// The input does not follow the syntax.
    #[error("not a valid duration string: {}", quote(.0))]
    Invalid(String),
    /// The value is larger than Go's `time.Duration` can hold.
    #[error("duration out of range")]
    OutOfRange(String),
}

impl FromStr for PromDuration {
    type Err = PromDurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "0" => return Ok(PromDuration::ZERO),
            "" => return Err(PromDurationError::Empty),
            _ => {}
        }
        let invalid = || PromDurationError::Invalid(s.to_owned());
        let bytes = s.as_bytes();
        let mut pos = 0;
        let mut next_unit = 0;
        let mut total_ms: u128 = 0;
        while pos < bytes.len() {
            let digits_start = pos;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            if pos == digits_start {
                return Err(invalid());
            }
            // Go's strconv.Atoi result saturates into the overflow check; so does this.
            let n = s[digits_start..pos].parse::<u64>().unwrap_or(u64::MAX);
            let unit = match bytes.get(pos) {
                Some(b'y') => 0,
                Some(b'w') => 1,
                Some(b'd') => 2,
                Some(b'h') => 3,
                Some(b'm') if bytes.get(pos + 1) == Some(&b's') => MS_INDEX,
                Some(b'm') => 4,
                Some(b's') => 5,
                _ => return Err(invalid()),
            };
            if unit < next_unit {
                return Err(invalid());
            }
            next_unit = unit + 1;
            pos += UNITS[unit].0.len();
            total_ms += u128::from(n) * u128::from(UNITS[unit].1);
        }
        if total_ms * 1_000_000 > MAX_NANOS {
            return Err(PromDurationError::OutOfRange(s.to_owned()));
        }
        let ms =
            u64::try_from(total_ms).map_err(|_| PromDurationError::OutOfRange(s.to_owned()))?;
        Ok(PromDuration(Duration::from_millis(ms)))
    }
}

/// Formats like Go's `model.Duration.String()`: whole milliseconds (sub-millisecond parts are
/// dropped), largest units first; years and weeks only when they divide the whole value
/// (`90d`, not `12w6d`); zero is `0s`.
impl fmt::Display for PromDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = self.0.as_millis();
        if ms == 0 {
            return f.write_str("0s");
        }
        for (i, (unit, mult)) in UNITS.iter().enumerate() {
            let mult = u128::from(*mult);
            let exact_only = i < 2;
            if exact_only && !ms.is_multiple_of(mult) {
                continue;
            }
            let v = ms / mult;
            if v > 0 {
                write!(f, "{v}{unit}")?;
                ms -= v * mult;
            }
        }
        Ok(())
    }
}

impl Serialize for PromDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PromDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Duration, PromDurationError> {
        s.parse::<PromDuration>().map(PromDuration::as_duration)
    }

    #[test]
    fn parses_valid() {
        let cases: [(&str, u64); 12] = [
            ("0", 0),
            ("0s", 0),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("1ms", 1),
            ("1m1ms", 60_001),
            ("2d", 2 * MS_PER_DAY),
            ("1y", 365 * MS_PER_DAY),
            ("1y2w3d4h5m6s7ms", 382 * MS_PER_DAY + 14_706_007),
            ("0010s", 10_000),
            ("90s", 90_000),
            ("292y", 292 * 365 * MS_PER_DAY),
        ];
        for (input, ms) in cases {
            assert_eq!(parse(input), Ok(Duration::from_millis(ms)), "{input}");
        }
    }

    #[test]
    fn rejects_invalid() {
        assert_eq!(parse(""), Err(PromDurationError::Empty));
        for bad in [
            "1", "s", "1.5s", "-1s", "+1s", "1h1h", "1s1m", "1ms1s", "1 s", " 1s", "1S", "1us",
            "1d ", "00", "1mss", "h1", "1µs",
        ] {
            assert_eq!(
                parse(bad),
                Err(PromDurationError::Invalid(bad.to_owned())),
                "{bad}"
            );
        }
        for big in [
            "293y",
            "9223372036855ms",
            "99999999999999999999999s",
            "292y25w",
        ] {
            assert_eq!(
                parse(big),
                Err(PromDurationError::OutOfRange(big.to_owned())),
                "{big}"
            );
        }
        // Exactly the largest whole millisecond count that fits.
        assert_eq!(
            parse("9223372036854ms"),
            Ok(Duration::from_millis(9_223_372_036_854))
        );
    }

    #[test]
    fn error_messages() {
        let err = parse("1\"x").unwrap_err();
        assert_eq!(err.to_string(), r#"not a valid duration string: "1\"x""#);
        assert_eq!(parse("").unwrap_err().to_string(), "empty duration string");
    }

    #[test]
    fn displays_like_go() {
        let cases: [(u64, &str); 9] = [
            (0, "0s"),
            (1, "1ms"),
            (90_000, "1m30s"),
            (5_400_000, "1h30m"),
            (90 * MS_PER_DAY, "90d"),
            (14 * MS_PER_DAY, "2w"),
            (365 * MS_PER_DAY, "1y"),
            (366 * MS_PER_DAY, "366d"),
            (MS_PER_DAY + 1001, "1d1s1ms"),
        ];
        for (ms, want) in cases {
            assert_eq!(
                PromDuration(Duration::from_millis(ms)).to_string(),
                want,
                "{ms}"
            );
        }
        assert_eq!(PromDuration(Duration::from_micros(1999)).to_string(), "1ms");
        assert_eq!(PromDuration(Duration::from_micros(999)).to_string(), "0s");
    }

    #[test]
    fn serde_uses_the_string_form() {
        let d: PromDuration = serde_json::from_str(r#""1h30m""#).unwrap();
        assert_eq!(d.as_duration(), Duration::from_secs(5400));
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""1h30m""#);
        let err = serde_json::from_str::<PromDuration>(r#""x""#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(r#"not a valid duration string: "x""#),
            "{err}"
        );
        assert!(serde_json::from_str::<PromDuration>("5").is_err());
    }
}
