//! YAML 1.1 scalar resolution as Go `gopkg.in/yaml.v2` does it (`resolve.go`): which plain
//! scalars are booleans, nulls, integers (with `0x`/`0o`/`0b`/leading-`0` octal and `_`
//! separators) and floats, and how explicit `!!int`/`!!str`/… tags change that.
//!
//! Timestamps are deliberately resolved as strings: yaml.v2 hands them to string and
//! `interface{}` targets as their raw text, and never as numbers or booleans.

/// What a scalar means under yaml.v2's resolution rules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Resolved<'a> {
    /// `~`, `null`, `Null`, `NULL` or an empty plain scalar.
    Null,
    /// One of the YAML 1.1 boolean words (`yes`, `off`, `True`, …).
    Bool(bool),
    /// An integer that fits an `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits a `u64`.
    Uint(u64),
    /// A float, including `.inf`, `-.inf` and `.nan`.
    Float(f64),
    /// Anything else: the scalar's own text.
    Str(&'a str),
}

const CORE_PREFIX: &str = "!!";

/// Resolves a plain (unquoted, untagged) scalar.
pub(crate) fn resolve_plain(text: &str) -> Resolved<'_> {
    if let Some(known) = resolve_word(text) {
        return known;
    }
    let Some(&first) = text.as_bytes().first() else {
        return Resolved::Null;
    };
    match first {
        b'.' => {
            // yaml.v2 hands these to strconv.ParseFloat as they are.
            if let Some(f) = parse_finite(text).filter(|_| is_yaml_float(text)) {
                return Resolved::Float(f);
            }
            Resolved::Str(text)
        }
        b'+' | b'-' | b'0'..=b'9' => resolve_number(text).unwrap_or(Resolved::Str(text)),
        _ => Resolved::Str(text),
    }
}

/// Resolves a scalar given its style and optional tag (`!!int`, `!foo`, …). Quoted and block
/// scalars without a tag are strings. Returns an error message when an explicit core tag does
/// not fit the text (`!!int abc`).
pub(crate) fn resolve_scalar<'a>(
    text: &'a str,
    plain: bool,
    tag: Option<&str>,
) -> Result<Resolved<'a>, String> {
    let Some(tag) = tag else {
        return Ok(if plain {
            resolve_plain(text)
        } else {
            Resolved::Str(text)
        });
    };
    let Some(core) = tag.strip_prefix(CORE_PREFIX) else {
        // Local and non-specific tags (`!foo`, `!`) are not resolved: the text is kept.
        return Ok(Resolved::Str(text));
    };
    let resolved = match core {
        "str" | "binary" | "timestamp" => return Ok(Resolved::Str(text)),
        "int" | "float" | "bool" | "null" => resolve_plain(text),
        _ => return Ok(Resolved::Str(text)),
    };
    let fits = match (core, resolved) {
        ("int", Resolved::Int(_) | Resolved::Uint(_)) => true,
        ("bool", Resolved::Bool(_)) | ("null", Resolved::Null) => true,
        ("float", Resolved::Float(_)) => true,
        ("float", Resolved::Int(i)) => return Ok(Resolved::Float(i as f64)),
        ("float", Resolved::Uint(u)) => return Ok(Resolved::Float(u as f64)),
        _ => false,
    };
    if fits {
        Ok(resolved)
    } else {
        Err(format!(
            "cannot decode {} `{text}` as a !!{core}",
            tag_of(resolved)
        ))
    }
}

/// The short core tag of a resolved value (`!!int`), as yaml.v2 prints it in messages.
pub(crate) fn tag_of(resolved: Resolved<'_>) -> &'static str {
    match resolved {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Str(_) => "!!str",
    }
}

/// The fixed words of yaml.v2's resolve table.
fn resolve_word(text: &str) -> Option<Resolved<'static>> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// True for the words that resolve to something other than a string, and `<<` (merge key).
pub(crate) fn is_reserved_word(text: &str) -> bool {
    text == "<<" || resolve_word(text).is_some()
}

/// Integers and floats starting with a sign or a digit. yaml.v2 first removes every `_`.
fn resolve_number(text: &str) -> Option<Resolved<'_>> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Some(Resolved::Int(i));
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Some(Resolved::Uint(u));
    }
    if is_yaml_float(&plain) {
        return parse_finite(&plain).map(Resolved::Float);
    }
    None
}

/// Parses a float and rejects overflow to infinity (Go's `strconv.ParseFloat` range error).
fn parse_finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// yaml.v2's float syntax: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn go_parse_int(text: &str) -> Option<i64> {
    let (negative, magnitude) = match text.as_bytes().first()? {
        b'+' => (false, &text[1..]),
        b'-' => (true, &text[1..]),
        _ => (false, text),
    };
    let value = go_parse_uint(magnitude)?;
    if negative {
        if value <= i64::MAX as u64 {
            Some(-(value as i64))
        } else if value == i64::MAX as u64 + 1 {
            Some(i64::MIN)
        } else {
            None
        }
    } else {
        i64::try_from(value).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes and a leading `0` for octal.
fn go_parse_uint(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (radix, digits) = if b[0] == b'0' && b.len() >= 3 && matches!(b[1], b'x' | b'X') {
        (16, &text[2..])
    } else if b[0] == b'0' && b.len() >= 3 && matches!(b[1], b'o' | b'O') {
        (8, &text[2..])
    } else if b[0] == b'0' && b.len() >= 3 && matches!(b[1], b'b' | b'B') {
        (2, &text[2..])
    } else if b[0] == b'0' {
        (8, &text[1..])
    } else {
        (10, text)
    };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let digit = u64::from(c.to_digit(radix)?);
        value = value.checked_mul(u64::from(radix))?.checked_add(digit)?;
    }
    Some(value)
}

/// Decodes a `!!binary` scalar (standard base64 with padding; line breaks ignored, as Go's
/// `base64.StdEncoding` does). yaml.v2 gives string targets the decoded bytes.
pub(crate) fn decode_binary(text: &str) -> Result<String, String> {
    const INVALID: &str = "!!binary value contains invalid base64 data";
    let data: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    if !data.len().is_multiple_of(4) {
        return Err(INVALID.to_string());
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    for (index, chunk) in data.chunks(4).enumerate() {
        let last = index + 1 == data.len() / 4;
        let padding = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return Err(INVALID.to_string());
        }
        let mut bits: u32 = 0;
        for &b in &chunk[..4 - padding] {
            let value = match b {
                b'A'..=b'Z' => b - b'A',
                b'a'..=b'z' => b - b'a' + 26,
                b'0'..=b'9' => b - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return Err(INVALID.to_string()),
            };
            bits = (bits << 6) | u32::from(value);
        }
        bits <<= 6 * padding;
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - padding]);
    }
    String::from_utf8(out).map_err(|_| "!!binary value is not valid UTF-8 text".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_words() {
        for w in [
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        ] {
            assert_eq!(resolve_plain(w), Resolved::Bool(true), "{w}");
        }
        for w in [
            "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        ] {
            assert_eq!(resolve_plain(w), Resolved::Bool(false), "{w}");
        }
        for w in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(w), Resolved::Null, "{w}");
        }
        for w in ["yEs", "tRue", "nULL", "0n"] {
            assert_eq!(resolve_plain(w), Resolved::Str(w), "{w}");
        }
    }

    #[test]
    fn go_integers() {
        let cases: &[(&str, Resolved<'_>)] = &[
            ("0", Resolved::Int(0)),
            ("017", Resolved::Int(15)),
            ("0o17", Resolved::Int(15)),
            ("0x1F", Resolved::Int(31)),
            ("-0x10", Resolved::Int(-16)),
            ("0b101", Resolved::Int(5)),
            ("1_000", Resolved::Int(1000)),
            ("+5", Resolved::Int(5)),
            ("-9223372036854775808", Resolved::Int(i64::MIN)),
            (
                "9223372036854775808",
                Resolved::Uint(9_223_372_036_854_775_808),
            ),
            ("08", Resolved::Float(8.0)),
            ("1e3", Resolved::Float(1000.0)),
            ("1.", Resolved::Float(1.0)),
            (".5", Resolved::Float(0.5)),
            ("-.5e1", Resolved::Float(-5.0)),
            ("99999999999999999999", Resolved::Float(1e20)),
            ("1e400", Resolved::Str("1e400")),
            ("0x", Resolved::Str("0x")),
            ("1.2.3", Resolved::Str("1.2.3")),
            ("_1", Resolved::Str("_1")),
            ("2001-12-14", Resolved::Str("2001-12-14")),
            ("-", Resolved::Str("-")),
        ];
        for (text, want) in cases {
            assert_eq!(resolve_plain(text), *want, "{text}");
        }
        assert!(matches!(resolve_plain(".nan"), Resolved::Float(f) if f.is_nan()));
        assert_eq!(resolve_plain("-.inf"), Resolved::Float(f64::NEG_INFINITY));
    }

    #[test]
    fn binary() {
        assert_eq!(decode_binary("aGVsbG8="), Ok("hello".to_string()));
        assert_eq!(decode_binary("aGVs\nbG8h"), Ok("hello!".to_string()));
        assert_eq!(decode_binary("aA=="), Ok("h".to_string()));
        assert!(decode_binary("aGVsbG8").is_err());
        assert!(decode_binary("aG=sbG8=").is_err());
        assert!(decode_binary("a b=").is_err());
    }

    #[test]
    fn tags_override_style() {
        assert_eq!(
            resolve_scalar("5", false, Some("!!int")),
            Ok(Resolved::Int(5))
        );
        assert_eq!(
            resolve_scalar("5", true, Some("!!str")),
            Ok(Resolved::Str("5"))
        );
        assert_eq!(
            resolve_scalar("5", true, Some("!!float")),
            Ok(Resolved::Float(5.0))
        );
        assert_eq!(resolve_scalar("yes", false, None), Ok(Resolved::Str("yes")));
        assert_eq!(
            resolve_scalar("5", true, Some("!custom")),
            Ok(Resolved::Str("5"))
        );
        let err = resolve_scalar("abc", true, Some("!!int")).unwrap_err();
        assert_eq!(err, "cannot decode !!str `abc` as a !!int");
    }
}
