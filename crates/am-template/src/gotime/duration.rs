//! Go's `time.Duration` (signed nanoseconds) methods: `String`, `Seconds`, `Minutes`, `Hours`,
//! `Milliseconds`, `Microseconds`, `Round`, `Truncate`, `Abs` (Go's `time/time.go`).

/// The largest Duration (`1<<63 - 1` ns).
pub const MAX_DURATION: i64 = i64::MAX;
/// The smallest Duration (`-1 << 63` ns).
pub const MIN_DURATION: i64 = i64::MIN;

const SECOND: u64 = 1_000_000_000;

/// `time.Duration.String()`: `72h3m0.5s`, `1.5ms`, `2µs`, `0s`, ... Units below a second are
/// used only when the whole duration is shorter than a second; trailing fractional zeros are
/// dropped.
pub fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    if u == 0 {
        return "0s".to_string();
    }
    // Built right to left, like the digits of a number.
    let mut rev: Vec<u8> = Vec::with_capacity(32);
    if u < SECOND {
        let (unit, prec): (&str, u32) = if u < 1000 {
            ("ns", 0)
        } else if u < 1_000_000 {
            ("µs", 3)
        } else {
            ("ms", 6)
        };
        rev.extend(unit.bytes().rev());
        u = push_frac(&mut rev, u, prec);
        push_int(&mut rev, u);
    } else {
        rev.push(b's');
        u = push_frac(&mut rev, u, 9);
        push_int(&mut rev, u % 60);
        u /= 60;
        if u > 0 {
            rev.push(b'm');
            push_int(&mut rev, u % 60);
            u /= 60;
            if u > 0 {
                rev.push(b'h');
                push_int(&mut rev, u);
            }
        }
    }
    if neg {
        rev.push(b'-');
    }
    rev.reverse();
    String::from_utf8(rev).unwrap_or_default()
}

/// Pushes (reversed) the `prec` fractional digits of `v / 10^prec` without trailing zeros, and
/// the decimal point when any digit is printed; returns the integer part.
fn push_frac(rev: &mut Vec<u8>, mut v: u64, prec: u32) -> u64 {
    let mut printing = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        printing = printing || digit != 0;
        if printing {
            rev.push(b'0' + digit);
        }
        v /= 10;
    }
    if printing {
        rev.push(b'.');
    }
    v
}

/// Pushes (reversed) the decimal digits of `v`.
fn push_int(rev: &mut Vec<u8>, mut v: u64) {
    loop {
        rev.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
}

/// `d.Seconds()`: integer and fractional parts are converted separately, as Go does, so the
/// float rounds like an integer conversion would.
pub fn seconds(d: i64) -> f64 {
    split_float(d, 1_000_000_000)
}

/// `d.Minutes()`.
pub fn minutes(d: i64) -> f64 {
    split_float(d, 60_000_000_000)
}

/// `d.Hours()`.
pub fn hours(d: i64) -> f64 {
    split_float(d, 3_600_000_000_000)
}

#[allow(clippy::cast_precision_loss)]
fn split_float(d: i64, unit: i64) -> f64 {
    let whole = d / unit;
    let rest = d % unit;
    whole as f64 + rest as f64 / unit as f64
}

/// `d.Milliseconds()`.
pub fn milliseconds(d: i64) -> i64 {
    d / 1_000_000
}

/// `d.Microseconds()`.
pub fn microseconds(d: i64) -> i64 {
    d / 1000
}

/// `d.Truncate(m)`: rounds toward zero to a multiple of `m` (`m <= 0`: unchanged).
pub fn truncate(d: i64, m: i64) -> i64 {
    if m <= 0 { d } else { d - d % m }
}

/// `d.Round(m)`: rounds to the nearest multiple of `m`, halves away from zero, saturating at
/// the Duration range (`m <= 0`: unchanged).
pub fn round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let r = (d % m).unsigned_abs();
    let m_u = m.unsigned_abs();
    let less_than_half = r + r < m_u;
    let (d, r, m) = (i128::from(d), i128::from(r), i128::from(m));
    let out = if d < 0 {
        if less_than_half { d + r } else { d - m + r }
    } else if less_than_half {
        d - r
    } else {
        d + m - r
    };
    i64::try_from(out).unwrap_or(if d < 0 { MIN_DURATION } else { MAX_DURATION })
}

/// `d.Abs()`: `MIN_DURATION` becomes `MAX_DURATION`.
pub fn abs(d: i64) -> i64 {
    if d == MIN_DURATION {
        MAX_DURATION
    } else {
        d.abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        let cases: &[(i64, &str)] = &[
            (0, "0s"),
            (1, "1ns"),
            (999, "999ns"),
            (1000, "1µs"),
            (1500, "1.5µs"),
            (-1_500_000, "-1.5ms"),
            (1_000_000_000, "1s"),
            (61_500_000_000, "1m1.5s"),
            (3_600_000_000_000, "1h0m0s"),
            (i64::MAX, "2562047h47m16.854775807s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ];
        for (d, want) in cases {
            assert_eq!(duration_string(*d), *want, "{d}");
        }
    }

    #[test]
    fn rounding() {
        assert_eq!(round(1_500, 1_000), 2_000);
        assert_eq!(round(-1_500, 1_000), -2_000);
        assert_eq!(round(1_499, 1_000), 1_000);
        assert_eq!(round(i64::MAX, 1_000_000_000), MAX_DURATION);
        assert_eq!(round(i64::MIN, 1_000_000_000), MIN_DURATION);
        assert_eq!(truncate(-1_999, 1_000), -1_000);
        assert_eq!(truncate(5, 0), 5);
        assert_eq!(abs(i64::MIN), i64::MAX);
        assert!((seconds(1_500_000_000) - 1.5).abs() < f64::EPSILON);
        assert!((hours(5_400_000_000_000) - 1.5).abs() < f64::EPSILON);
    }
}
