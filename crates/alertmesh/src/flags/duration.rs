//! Go `time.ParseDuration` syntax for duration flags (`200ms`, `1m0s`, `1.5h`, `-1s`), which is
//! what kingpin's `.Duration()` flags accept upstream.
//!
//! TEMPORARY: a local parser until `am_model::duration::GoDuration` builds; then this module
//! becomes a re-export.

use std::fmt;
use std::time::Duration;

/// A signed Go duration in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoDuration(i64);

/// Why a duration string was rejected; the messages match Go's `time` package.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GoDurationError {
    /// Not a duration at all, or out of range.
    #[error("time: invalid duration {}", go_quote(.0))]
    Invalid(String),
    /// A number without a unit (other than the bare `0`).
    #[error("time: missing unit in duration {}", go_quote(.0))]
    MissingUnit(String),
    /// A unit Go does not know (`d`, `y`, …).
    #[error("time: unknown unit {} in duration {}", go_quote(.unit), go_quote(.input))]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The whole input.
        input: String,
    },
}

impl GoDuration {
    /// The zero duration.
    pub const ZERO: Self = Self(0);

    /// A duration of `nanos` nanoseconds (may be negative).
    pub const fn from_nanos(nanos: i64) -> Self {
        Self(nanos)
    }

    /// The length in nanoseconds; negative for negative durations.
    pub const fn as_nanos(self) -> i64 {
        self.0
    }

    /// The duration as a `std::time::Duration`, or None when negative.
    pub fn to_std(self) -> Option<Duration> {
        u64::try_from(self.0).ok().map(Duration::from_nanos)
    }

    /// Parses Go `time.ParseDuration` syntax.
    ///
    /// # Errors
    /// Returns [`GoDurationError`] with Go's message for malformed or out-of-range input.
    pub fn parse(input: &str) -> Result<Self, GoDurationError> {
        let invalid = || GoDurationError::Invalid(input.to_owned());
        let mut rest = input.as_bytes();
        let mut negative = false;
        if let Some((&sign, tail)) = rest.split_first()
            && (sign == b'-' || sign == b'+')
        {
            negative = sign == b'-';
            rest = tail;
        }
        if rest == b"0" {
            return Ok(Self(0));
        }
        if rest.is_empty() {
            return Err(invalid());
        }
        const LIMIT: u64 = 1 << 63;
        let mut total: u64 = 0;
        while !rest.is_empty() {
            if !(rest[0] == b'.' || rest[0].is_ascii_digit()) {
                return Err(invalid());
            }
            let int_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let mut whole: u64 = 0;
            for &digit in &rest[..int_len] {
                whole = whole
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(digit - b'0')))
                    .filter(|&v| v <= LIMIT)
                    .ok_or_else(invalid)?;
            }
            rest = &rest[int_len..];
            // Fractional digits beyond u64 precision are consumed but ignored, as in Go.
            let mut fraction: u64 = 0;
            let mut scale: f64 = 1.0;
            let mut fraction_len = 0;
            if rest.first() == Some(&b'.') {
                rest = &rest[1..];
                fraction_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                let mut overflowed = false;
                for &digit in &rest[..fraction_len] {
                    if overflowed {
                        continue;
                    }
                    match fraction.checked_mul(10).and_then(|v| v.checked_add(u64::from(digit - b'0')))
                    {
                        Some(v) if v <= LIMIT => {
                            fraction = v;
                            scale *= 10.0;
                        }
                        _ => overflowed = true,
                    }
                }
                rest = &rest[fraction_len..];
            }
            if int_len == 0 && fraction_len == 0 {
                return Err(invalid());
            }
            let unit_len = rest.iter().take_while(|&&b| b != b'.' && !b.is_ascii_digit()).count();
            if unit_len == 0 {
                return Err(GoDurationError::MissingUnit(input.to_owned()));
            }
            let unit_text = &rest[..unit_len];
            rest = &rest[unit_len..];
            let unit = unit_nanos(unit_text).ok_or_else(|| GoDurationError::UnknownUnit {
                unit: String::from_utf8_lossy(unit_text).into_owned(),
                input: input.to_owned(),
            })?;
            if whole > LIMIT / unit {
                return Err(invalid());
            }
            let mut value = whole * unit;
            if fraction > 0 {
                // Same float arithmetic as Go, so rounding matches.
                value += (fraction as f64 * (unit as f64 / scale)) as u64;
                if value > LIMIT {
                    return Err(invalid());
                }
            }
            total = total.checked_add(value).filter(|&v| v <= LIMIT).ok_or_else(invalid)?;
        }
        if negative {
            // total <= 2^63, so the negation fits.
            return Ok(Self((total as i128).wrapping_neg() as i64));
        }
        i64::try_from(total).map(Self).map_err(|_| invalid())
    }
}

fn unit_nanos(unit: &[u8]) -> Option<u64> {
    Some(match unit {
        b"ns" => 1,
        b"us" => 1_000,
        // U+00B5 MICRO SIGN and U+03BC GREEK SMALL LETTER MU, both spelled "µs".
        [0xC2, 0xB5, b's'] | [0xCE, 0xBC, b's'] => 1_000,
        b"ms" => 1_000_000,
        b"s" => 1_000_000_000,
        b"m" => 60_000_000_000,
        b"h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Quotes like Go's `time` package does in its errors: double quotes, `"` and `\` escaped.
fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            c if c.is_control() => quoted.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

impl fmt::Display for GoDuration {
    /// Go's `time.Duration.String`: `1h0m0s`, `1m30s`, `1.5s`, `200ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let nanos = self.0.unsigned_abs();
        if nanos == 0 {
            return f.write_str("0s");
        }
        if nanos < 1_000_000_000 {
            let (unit, per_unit) = match nanos {
                n if n < 1_000 => ("ns", 1),
                n if n < 1_000_000 => ("µs", 1_000),
                _ => ("ms", 1_000_000),
            };
            return write!(f, "{sign}{}{unit}", decimal(nanos, per_unit));
        }
        let hours = nanos / 3_600_000_000_000;
        let minutes = nanos / 60_000_000_000 % 60;
        let seconds = decimal(nanos % 60_000_000_000, 1_000_000_000);
        if hours > 0 {
            write!(f, "{sign}{hours}h{minutes}m{seconds}s")
        } else if minutes > 0 {
            write!(f, "{sign}{minutes}m{seconds}s")
        } else {
            write!(f, "{sign}{seconds}s")
        }
    }
}

/// `value / per_unit` as a decimal without trailing zeros (`1500, 1000` → `1.5`).
fn decimal(value: u64, per_unit: u64) -> String {
    let whole = value / per_unit;
    let fraction = value % per_unit;
    if fraction == 0 {
        return whole.to_string();
    }
    let width = per_unit.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(input: &str) -> i64 {
        GoDuration::parse(input).unwrap_or_else(|e| panic!("{input}: {e}")).as_nanos()
    }

    #[test]
    fn accepts_go_syntax() {
        const S: i64 = 1_000_000_000;
        assert_eq!(nanos("0"), 0);
        assert_eq!(nanos("-0"), 0);
        assert_eq!(nanos("200ms"), 200_000_000);
        assert_eq!(nanos("1m0s"), 60 * S);
        assert_eq!(nanos("6h0m0s"), 6 * 3600 * S);
        assert_eq!(nanos("120h"), 120 * 3600 * S);
        assert_eq!(nanos("1.5s"), 1_500_000_000);
        assert_eq!(nanos(".5s"), 500_000_000);
        assert_eq!(nanos("5.s"), 5 * S);
        assert_eq!(nanos("-1s"), -S);
        assert_eq!(nanos("+2m"), 120 * S);
        assert_eq!(nanos("1h2m3s4ms5us6ns"), 3723 * S + 4_005_006);
        assert_eq!(nanos("3µs"), 3_000);
        assert_eq!(nanos("3μs"), 3_000);
        assert_eq!(nanos("9223372036854775807ns"), i64::MAX);
        assert_eq!(nanos("-9223372036854775808ns"), i64::MIN);
        assert_eq!(nanos("0.3333333333333333333h"), 1_200_000_000_000);
    }

    #[test]
    fn rejects_with_go_messages() {
        let message = |input: &str| GoDuration::parse(input).unwrap_err().to_string();
        assert_eq!(message(""), r#"time: invalid duration """#);
        assert_eq!(message("x"), r#"time: invalid duration "x""#);
        assert_eq!(message("-"), r#"time: invalid duration "-""#);
        assert_eq!(message(".s"), r#"time: invalid duration ".s""#);
        assert_eq!(message("1"), r#"time: missing unit in duration "1""#);
        assert_eq!(message("1h5"), r#"time: missing unit in duration "1h5""#);
        assert_eq!(message("1d"), r#"time: unknown unit "d" in duration "1d""#);
        assert_eq!(message("9223372036854775808ns"), r#"time: invalid duration "9223372036854775808ns""#);
        assert_eq!(message("3000000h"), r#"time: invalid duration "3000000h""#);
        assert_eq!(message("1s "), r#"time: unknown unit "s " in duration "1s ""#);
    }

    #[test]
    fn displays_like_go() {
        for (input, shown) in [
            ("0", "0s"),
            ("60s", "1m0s"),
            ("6h", "6h0m0s"),
            ("200ms", "200ms"),
            ("1.5s", "1.5s"),
            ("90m", "1h30m0s"),
            ("1500us", "1.5ms"),
            ("-2s", "-2s"),
            ("7ns", "7ns"),
        ] {
            assert_eq!(GoDuration::parse(input).unwrap().to_string(), shown, "{input}");
        }
    }

    #[test]
    fn negative_has_no_std_duration() {
        assert_eq!(GoDuration::parse("-1s").unwrap().to_std(), None);
        assert_eq!(GoDuration::parse("1s").unwrap().to_std(), Some(Duration::from_secs(1)));
    }
}
