//! Numeric constants: Go's `parse.newNumber` together with the `strconv.ParseInt`/`ParseUint`
//! (base 0, `_` separators) and `ParseFloat` (decimal and hexadecimal) rules it relies on.

use super::node::{NumberNode, Pos};
use super::quote::{Unit, go_quote, unquote_char};

/// Go's `underscoreOK`: underscores only between digits (a base prefix counts as a digit).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'-' | b'+') = b.first() {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)`.
fn parse_uint0(s0: &str) -> Option<u64> {
    if s0.is_empty() {
        return None;
    }
    let b = s0.as_bytes();
    let (base, digits): (u32, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(|c| c.to_ascii_lowercase()) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = (c as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
fn parse_int0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint0(body)?;
    if neg {
        if u <= 1u64 << 63 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseFloat(s, 64)` for the syntax the lexer can produce; `None` on syntax errors
/// and on overflow (Go returns `ErrRange`).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if body.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let v = if clean.len() > 2 && clean[..2].eq_ignore_ascii_case("0x") {
        parse_hex_float(&clean[2..])?
    } else {
        let ok = !clean.is_empty()
            && clean
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
        if !ok {
            return None;
        }
        clean.parse::<f64>().ok()?
    };
    if !v.is_finite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Hexadecimal float mantissa and mandatory `p` exponent (after the `0x` prefix).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => return None,
    };
    let exp: i64 = {
        let (eneg, ed) = match exp.as_bytes().first() {
            Some(b'+') => (false, &exp[1..]),
            Some(b'-') => (true, &exp[1..]),
            _ => (false, exp),
        };
        if ed.is_empty() || !ed.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: i64 = ed.parse().unwrap_or(i64::from(i32::MAX)).min(100_000);
        if eneg { -v } else { v }
    };
    let mut m: u128 = 0;
    let mut scale: i64 = 0;
    let mut seen_dot = false;
    let mut any = false;
    let mut sticky = false;
    for c in mant.chars() {
        if c == '.' {
            if seen_dot {
                return None;
            }
            seen_dot = true;
            continue;
        }
        let d = c.to_digit(16)?;
        any = true;
        if m >> 120 == 0 {
            m = (m << 4) | u128::from(d);
            if seen_dot {
                scale -= 4;
            }
        } else {
            sticky |= d != 0;
            if !seen_dot {
                scale += 4;
            }
        }
    }
    if !any {
        return None;
    }
    if sticky {
        m |= 1;
    }
    let mut v = m as f64;
    let mut e = exp + scale;
    while e > 0 {
        let step = e.min(1000);
        v *= 2f64.powi(step as i32);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(1000);
        v /= 2f64.powi(step as i32);
        e += step;
    }
    Some(v)
}

fn float_as_int(f: f64) -> Option<i64> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    (f.trunc() == f && (-TWO_63..TWO_63).contains(&f)).then_some(f as i64)
}

fn float_as_uint(f: f64) -> Option<u64> {
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    (f.trunc() == f && (0.0..TWO_64).contains(&f)).then_some(f as u64)
}

/// Go's `NumberNode.simplifyComplex`.
fn simplify_complex(n: &mut NumberNode) {
    n.is_float = n.complex128.1 == 0.0;
    if n.is_float {
        n.float64 = n.complex128.0;
        if let Some(i) = float_as_int(n.float64) {
            n.is_int = true;
            n.int64 = i;
        }
        if let Some(u) = float_as_uint(n.float64) {
            n.is_uint = true;
            n.uint64 = u;
        }
    }
}

/// Parses a complex literal `a+bi` / `a-bi` (as `fmt.Sscan` into a complex128 accepts it).
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    // Split at the last sign that is not at the start and not after an exponent marker.
    let b = body.as_bytes();
    let mut split = None;
    for i in (1..b.len()).rev() {
        if (b[i] == b'+' || b[i] == b'-') && !matches!(b[i - 1], b'e' | b'E' | b'p' | b'P') {
            split = Some(i);
            break;
        }
    }
    let i = split?;
    let re = parse_float(&body[..i])?;
    let im = parse_float(&body[i..])?;
    Some((re, im))
}

/// Number item kinds handed over by the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberKind {
    Char,
    Complex,
    Number,
}

/// Go's `newNumber`; errors are the messages Go reports (without the `template: N:L:` prefix).
pub(crate) fn new_number(pos: Pos, text: &str, kind: NumberKind) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        pos,
        text: text.to_string(),
        ..NumberNode::default()
    };
    match kind {
        NumberKind::Char => {
            let (unit, tail) = unquote_char(&text[1..], '\'').map_err(|e| e.to_string())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let r = match unit {
                Unit::Char(c) => c as u32,
                Unit::Byte(b) => u32::from(b),
            };
            n.int64 = i64::from(r);
            n.is_int = true;
            n.uint64 = u64::from(r);
            n.is_uint = true;
            n.float64 = f64::from(r);
            n.is_float = true;
            return Ok(n);
        }
        NumberKind::Complex => {
            let Some(c) = parse_complex(text) else {
                return Err("expected integer".to_string());
            };
            n.complex128 = c;
            n.is_complex = true;
            simplify_complex(&mut n);
            return Ok(n);
        }
        NumberKind::Number => {}
    }
    if let Some(body) = text.strip_suffix('i')
        && let Some(f) = parse_float(body)
    {
        n.is_complex = true;
        n.complex128 = (0.0, f);
        simplify_complex(&mut n);
        return Ok(n);
    }
    let u = parse_uint0(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = parse_int0(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
            n.uint64 = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", go_quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if let Some(i) = float_as_int(f) {
            n.is_int = true;
            n.int64 = i;
        }
        if let Some(u) = float_as_uint(f) {
            n.is_uint = true;
            n.uint64 = u;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> NumberNode {
        new_number(0, s, NumberKind::Number).expect(s)
    }

    #[test]
    fn integers_in_all_bases() {
        assert_eq!(num("0x1F").int64, 31);
        assert_eq!(num("0o17").int64, 15);
        assert_eq!(num("017").int64, 15);
        assert_eq!(num("0b101").int64, 5);
        assert_eq!(num("1_000").int64, 1000);
        assert_eq!(num("-7").int64, -7);
        assert!(!num("-7").is_uint);
        let big = num("18446744073709551615");
        assert!(big.is_uint && !big.is_int);
    }

    #[test]
    fn floats() {
        let f = num("1.5e3");
        assert!(f.is_float && f.is_int && f.int64 == 1500);
        assert_eq!(num("0x1p-2").float64, 0.25);
        assert_eq!(num(".5").float64, 0.5);
        assert!(!num("2.5").is_int);
    }

    #[test]
    fn errors_match_go() {
        let e = |s: &str| new_number(0, s, NumberKind::Number).unwrap_err();
        assert_eq!(e("089"), "integer overflow: \"089\"");
        assert_eq!(
            e("99999999999999999999"),
            "integer overflow: \"99999999999999999999\""
        );
        assert_eq!(e("1__0"), "illegal number syntax: \"1__0\"");
        assert_eq!(e("0x"), "illegal number syntax: \"0x\"");
        assert_eq!(e("1e400"), "illegal number syntax: \"1e400\"");
    }

    #[test]
    fn chars_and_complex() {
        let c = new_number(0, "'a'", NumberKind::Char).expect("char");
        assert_eq!(c.int64, 97);
        assert_eq!(
            new_number(0, "'ab'", NumberKind::Char).unwrap_err(),
            "malformed character constant: 'ab'"
        );
        let i = num("2i");
        assert!(i.is_complex && !i.is_float);
        let z = new_number(0, "1+0i", NumberKind::Complex).expect("complex");
        assert!(z.is_complex && z.is_int && z.int64 == 1);
    }
}
