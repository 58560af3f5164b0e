//! Go `time.ParseDuration` syntax for CLI flags such as `--timeout 30s` or `--within 1h30m`
//! (kingpin's `DurationVar` uses it). Prometheus-style durations in config files (`5m`, `1d`) are
//! a different format and live in `am-model`.

use std::time::Duration;

/// Why a duration flag was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("time: invalid duration {0:?}")]
pub struct InvalidDuration(pub String);

/// Parses a Go duration such as `300ms`, `1.5h` or `2h45m`. Negative durations are rejected
/// because no flag of ours has a use for them.
pub fn parse(text: &str) -> Result<Duration, InvalidDuration> {
    let invalid = || InvalidDuration(text.to_owned());
    let rest = text.strip_prefix('+').unwrap_or(text);
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total_nanos: f64 = 0.0;
    let mut remaining = rest;
    while !remaining.is_empty() {
        let number_len = remaining
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(remaining.len());
        let number = &remaining[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        remaining = &remaining[number_len..];
        let unit_len = remaining
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(remaining.len());
        let unit_nanos = match &remaining[..unit_len] {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(invalid()),
        };
        remaining = &remaining[unit_len..];
        total_nanos += value * unit_nanos;
    }
    if !total_nanos.is_finite() || total_nanos > u64::MAX as f64 {
        return Err(invalid());
    }
    Ok(Duration::from_nanos(total_nanos.round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse("2us"), Ok(Duration::from_micros(2)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert_eq!(parse("+5m"), Ok(Duration::from_secs(300)));
    }

    #[test]
    fn rejects_bad_durations() {
        for bad in ["", "5", "1d", "-5s", "s", "1..5s", "5 s", "1h-5m", "."] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
