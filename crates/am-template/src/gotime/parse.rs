//! `time.Parse(time.RFC3339, s)` (equivalently `RFC3339Nano`) as Go 1.23 does it: the strict
//! fast path of `format_rfc3339.go` first, then the general layout parser of `format.go`
//! restricted to the RFC 3339 layout (which also accepts a one-digit hour, a comma before the
//! fraction and zone offsets up to `24:60`). A numeric offset becomes `Local` when `Local` has
//! that offset at that instant, otherwise an unnamed fixed zone (printed as `+0200 +0200`).

use super::civil::days_in;
use super::{GoTime, Location};

const RFC3339: &str = "2006-01-02T15:04:05Z07:00";

/// A parse failure, printed exactly like Go's `*time.ParseError`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ParseError {
    /// The input.
    pub value: String,
    /// The layout element that failed (`""` for whole-value errors).
    pub layout_elem: String,
    /// The remaining input at the failure.
    pub value_elem: String,
    /// Go's `Message` (`": month out of range"`, ...); empty for "cannot parse" errors.
    pub message: String,
}

impl ParseError {
    fn render(&self) -> String {
        if self.message.is_empty() {
            format!(
                "parsing time {} as {}: cannot parse {} as {}",
                quote(&self.value),
                quote(RFC3339),
                quote(&self.value_elem),
                quote(&self.layout_elem)
            )
        } else {
            format!("parsing time {}{}", quote(&self.value), self.message)
        }
    }
}

/// The `time` package's quoting for error messages: bytes outside printable ASCII as `\xNN`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        if !(b' '..0x80).contains(&b) {
            out.push_str(&format!("\\x{b:02x}"));
        } else {
            if b == b'"' || b == b'\\' {
                out.push('\\');
            }
            out.push(char::from(b));
        }
    }
    out.push('"');
    out
}

/// `time.Parse(time.RFC3339, s)` with the process's [`Location::local`].
///
/// # Errors
/// A [`ParseError`] worded as Go's.
pub fn parse_rfc3339(s: &str) -> Result<GoTime, ParseError> {
    parse_rfc3339_in(s, &Location::local())
}

/// `time.Parse(time.RFC3339, s)` with `local` standing for `time.Local` (numeric offsets that
/// match `local` at the parsed instant yield `local`).
///
/// # Errors
/// A [`ParseError`] worded as Go's.
pub fn parse_rfc3339_in(s: &str, local: &Location) -> Result<GoTime, ParseError> {
    match fast_path(s.as_bytes(), local) {
        Some(t) => Ok(t),
        None => general(s, local),
    }
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Nanoseconds of a fraction `value[..nbytes]` (separator included); digits past the ninth are
/// ignored.
fn nanos(value: &[u8], nbytes: usize) -> i64 {
    let nbytes = nbytes.min(10);
    let mut ns: i64 = 0;
    for &c in &value[1..nbytes] {
        ns = ns * 10 + i64::from(c - b'0');
    }
    for _ in nbytes..10 {
        ns *= 10;
    }
    ns
}

/// Resolves a parsed UTC date-time and optional numeric offset to a time (Go's tail of
/// `parse`/`parseRFC3339`).
#[allow(clippy::too_many_arguments)]
fn finish(
    ymd: (i64, i64, i64),
    hms: (i64, i64, i64),
    nsec: i64,
    offset: Option<i32>,
    local: &Location,
) -> GoTime {
    let t = GoTime::date(
        ymd.0,
        ymd.1,
        ymd.2,
        hms.0,
        hms.1,
        hms.2,
        nsec,
        Location::utc(),
    );
    match offset {
        None => t,
        Some(off) => {
            let t = t.add(-i64::from(off) * 1_000_000_000);
            if local.offset_at(t.unix()) == off {
                t.in_location(local)
            } else {
                t.in_location(&Location::fixed("", off))
            }
        }
    }
}

fn fast_path(s: &[u8], local: &Location) -> Option<GoTime> {
    let mut ok = true;
    // Go's parseUint: invalid or out-of-range input clears `ok` and yields `min`.
    let mut num = |b: &[u8], min: i64, max: i64| -> i64 {
        let mut x: i64 = 0;
        for &c in b {
            if !c.is_ascii_digit() {
                ok = false;
                return min;
            }
            x = x * 10 + i64::from(c - b'0');
        }
        if x < min || x > max {
            ok = false;
            return min;
        }
        x
    };
    if s.len() < 19 {
        return None;
    }
    let year = num(&s[0..4], 0, 9999);
    let month = num(&s[5..7], 1, 12);
    let day = num(&s[8..10], 1, days_in(month, year));
    let hour = num(&s[11..13], 0, 23);
    let min = num(&s[14..16], 0, 59);
    let sec = num(&s[17..19], 0, 59);
    let mut rest = &s[19..];
    let mut nsec = 0;
    if rest.len() >= 2 && rest[0] == b'.' && is_digit(rest, 1) {
        let mut n = 2;
        while is_digit(rest, n) {
            n += 1;
        }
        nsec = nanos(rest, n);
        rest = &rest[n..];
    }
    let offset = if rest == b"Z" {
        None
    } else {
        if rest.len() != 6 {
            return None;
        }
        let hr = num(&rest[1..3], 0, 23);
        let mm = num(&rest[4..6], 0, 59);
        if !(rest[0] == b'-' || rest[0] == b'+') || rest[3] != b':' {
            return None;
        }
        let off = i32::try_from((hr * 60 + mm) * 60).ok()?;
        Some(if rest[0] == b'-' { -off } else { off })
    };
    if !ok || s[4] != b'-' || s[7] != b'-' || s[10] != b'T' || s[13] != b':' || s[16] != b':' {
        return None;
    }
    Some(finish(
        (year, month, day),
        (hour, min, sec),
        nsec,
        offset,
        local,
    ))
}

fn two_digits(b: &[u8]) -> Option<i64> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => {
            Some(i64::from(a - b'0') * 10 + i64::from(c - b'0'))
        }
        _ => None,
    }
}

/// Go's general `parse` walking the RFC 3339 layout.
fn general(input: &str, local: &Location) -> Result<GoTime, ParseError> {
    let v = input.as_bytes();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let cannot = |elem: &str, rest: &[u8]| ParseError {
        value: input.to_string(),
        layout_elem: elem.to_string(),
        value_elem: text(rest),
        message: String::new(),
    };
    let range = |what: &str, rest: &[u8]| ParseError {
        value: input.to_string(),
        layout_elem: String::new(),
        value_elem: text(rest),
        message: format!(": {what} out of range"),
    };
    // getnum: one or two digits (exactly two when fixed).
    let getnum = |s: &[u8], fixed: bool| -> Option<(i64, usize)> {
        if !is_digit(s, 0) {
            return None;
        }
        if !is_digit(s, 1) {
            return if fixed {
                None
            } else {
                Some((i64::from(s[0] - b'0'), 1))
            };
        }
        Some((i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'), 2))
    };
    let expect = |s: &[u8], lit: u8| -> Result<usize, ParseError> {
        if s.first() == Some(&lit) {
            Ok(1)
        } else {
            Err(cannot(&char::from(lit).to_string(), s))
        }
    };

    let mut p = 0;
    // 2006
    if v.len() < 4 || !is_digit(v, 0) || !v[..4].iter().all(u8::is_ascii_digit) {
        return Err(cannot("2006", v));
    }
    let year = v[..4]
        .iter()
        .fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0'));
    p += 4;
    p += expect(&v[p..], b'-')?;
    // 01
    let (month, n) = getnum(&v[p..], true).ok_or_else(|| cannot("01", &v[p..]))?;
    p += n;
    if !(1..=12).contains(&month) {
        return Err(range("month", &v[p..]));
    }
    p += expect(&v[p..], b'-')?;
    // 02
    let (day, n) = getnum(&v[p..], true).ok_or_else(|| cannot("02", &v[p..]))?;
    p += n;
    p += expect(&v[p..], b'T')?;
    // 15
    let (hour, n) = getnum(&v[p..], false).ok_or_else(|| cannot("15", &v[p..]))?;
    p += n;
    if hour >= 24 {
        return Err(range("hour", &v[p..]));
    }
    p += expect(&v[p..], b':')?;
    // 04
    let (min, n) = getnum(&v[p..], true).ok_or_else(|| cannot("04", &v[p..]))?;
    p += n;
    if min >= 60 {
        return Err(range("minute", &v[p..]));
    }
    p += expect(&v[p..], b':')?;
    // 05, with an optional fraction the layout does not mention
    let (sec, n) = getnum(&v[p..], true).ok_or_else(|| cannot("05", &v[p..]))?;
    p += n;
    if sec >= 60 {
        return Err(range("second", &v[p..]));
    }
    let mut nsec = 0;
    let rest = &v[p..];
    if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && is_digit(rest, 1) {
        let mut n = 2;
        while is_digit(rest, n) {
            n += 1;
        }
        nsec = nanos(rest, n);
        p += n;
    }
    // Z07:00
    let rest = &v[p..];
    let offset = if rest.first() == Some(&b'Z') {
        p += 1;
        None
    } else {
        if rest.len() < 6 || rest[3] != b':' {
            return Err(cannot("Z07:00", rest));
        }
        let hr = two_digits(&rest[1..3]);
        let mm = hr.and_then(|_| two_digits(&rest[4..6]));
        let (h, m) = (hr.unwrap_or(0), mm.unwrap_or(0));
        let sign = rest[0];
        p += 6;
        // Go tests ranges with `>`: offsets of 24 hours or 60 minutes are accepted.
        if m > 60 {
            return Err(range("time zone offset minute", &v[p..]));
        }
        if h > 24 {
            return Err(range("time zone offset hour", &v[p..]));
        }
        if hr.is_none() || mm.is_none() || (sign != b'+' && sign != b'-') {
            return Err(cannot("Z07:00", rest));
        }
        let off = i32::try_from((h * 60 + m) * 60).unwrap_or(0);
        Some(if sign == b'-' { -off } else { off })
    };
    if p < v.len() {
        let extra = &v[p..];
        return Err(ParseError {
            value: input.to_string(),
            layout_elem: String::new(),
            value_elem: text(extra),
            message: format!(": extra text: {}", quote(&text(extra))),
        });
    }
    if day < 1 || day > days_in(month, year) {
        return Err(range("day", &v[p..]));
    }
    Ok(finish(
        (year, month, day),
        (hour, min, sec),
        nsec,
        offset,
        local,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_keeps_offsets() {
        let utc = Location::utc();
        let t = parse_rfc3339_in("2024-02-29T23:59:60Z", &utc).unwrap_err();
        assert_eq!(
            t.to_string(),
            "parsing time \"2024-02-29T23:59:60Z\": second out of range"
        );
        let t = parse_rfc3339_in("2024-02-29T12:00:00.123456789123+02:00", &utc).unwrap();
        assert_eq!(t.go_string(), "2024-02-29 12:00:00.123456789 +0200 +0200");
        assert_eq!(t.unix(), 1_709_200_800);
        let t = parse_rfc3339_in("2024-02-29T12:00:00Z", &utc).unwrap();
        assert!(t.location().is_utc());
        let paris = Location::local_with_tz(Some("Europe/Paris"));
        let t = parse_rfc3339_in("2024-07-01T12:00:00+02:00", &paris).unwrap();
        assert!(t.location().is_local());
        assert_eq!(t.go_string(), "2024-07-01 12:00:00 +0200 CEST");
        // General-path extras: one-digit hour and a comma fraction.
        let t = parse_rfc3339_in("2024-07-01T1:00:00,5Z", &utc).unwrap();
        assert_eq!(t.go_string(), "2024-07-01 01:00:00.5 +0000 UTC");
    }

    #[test]
    fn errors_match_go() {
        let utc = Location::utc();
        let cases: &[(&str, &str)] = &[
            (
                "2024-13-01T00:00:00Z",
                "parsing time \"2024-13-01T00:00:00Z\": month out of range",
            ),
            (
                "2023-02-29T00:00:00Z",
                "parsing time \"2023-02-29T00:00:00Z\": day out of range",
            ),
            (
                "2023-02-28",
                "parsing time \"2023-02-28\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"",
            ),
            (
                "2023-02-28T00:00:00Zjunk",
                "parsing time \"2023-02-28T00:00:00Zjunk\": extra text: \"junk\"",
            ),
            (
                "2023-02-28T00:00:00+0100",
                "parsing time \"2023-02-28T00:00:00+0100\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"+0100\" as \"Z07:00\"",
            ),
            (
                "x",
                "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_rfc3339_in(input, &utc).unwrap_err().to_string(),
                *want,
                "{input}"
            );
        }
    }
}
