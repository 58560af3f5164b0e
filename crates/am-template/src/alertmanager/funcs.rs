//! Alertmanager's template functions (`DefaultFuncs` in upstream `template/template.go`, v0.28),
//! with their Go signatures so the executor converts and checks arguments as Go does:
//!
//! | name | Go signature |
//! |---|---|
//! | `toUpper`, `toLower`, `title`, `trimSpace` | `func(string) string` |
//! | `join` | `func(sep string, s []string) string` |
//! | `match` | `regexp.MatchString(pattern, s string) (bool, error)` |
//! | `safeHtml` | `func(string) html/template.HTML` |
//! | `reReplaceAll` | `func(pattern, repl, text string) string` (panics on a bad pattern) |
//! | `stringSlice` | `func(...string) []string` |
//! | `date` | `func(layout string, t time.Time) string` |
//! | `tz` | `func(name string, t time.Time) (time.Time, error)` |
//! | `since` | `time.Since(time.Time) time.Duration` |
//! | `humanizeDuration` | `func(interface{}) (string, error)` (prometheus/common `helpers/templates`) |
//!
//! `since` reads the clock through the [`Clock`] given to [`default_funcs`], never the system
//! clock directly. Regular expressions follow Go's RE2 syntax ([`GoRegex`]).

use std::sync::Arc;

use am_model::matcher::regex::GoRegex;

use super::case;
use crate::func::{Func, FuncMap, ParamType, Signature};
use crate::gofmt;
use crate::gotime::{GoTime, Location, duration};
use crate::value::{ContentKind, Value};

/// The clock `since` reads: returns "now".
pub type Clock = Arc<dyn Fn() -> GoTime + Send + Sync>;

/// The system clock, for binaries (library code takes a [`Clock`] instead).
pub fn system_clock() -> Clock {
    Arc::new(|| GoTime::from_timestamp(jiff::Timestamp::now(), Location::local()))
}

/// The names of the functions [`default_funcs`] defines, sorted.
pub const DEFAULT_FUNC_NAMES: [&str; 13] = [
    "date",
    "humanizeDuration",
    "join",
    "match",
    "reReplaceAll",
    "safeHtml",
    "since",
    "stringSlice",
    "title",
    "toLower",
    "toUpper",
    "trimSpace",
    "tz",
];

/// Alertmanager's `DefaultFuncs`, with `since` measuring against `clock`.
pub fn default_funcs(clock: Clock) -> FuncMap {
    use ParamType::{Any, String as Str, StringSlice, Time};
    let mut m = FuncMap::new();
    let mut add = |name: &str, sig: Signature, f: fn(&[Value]) -> Result<Value, String>| {
        m.insert(name, Func::new(name, sig, f));
    };
    add("toUpper", Signature::new(vec![Str]), |a| {
        Ok(Value::str(case::to_upper(text(a, 0))))
    });
    add("toLower", Signature::new(vec![Str]), |a| {
        Ok(Value::str(case::to_lower(text(a, 0))))
    });
    add("title", Signature::new(vec![Str]), |a| {
        Ok(Value::str(case::title(text(a, 0))))
    });
    add("trimSpace", Signature::new(vec![Str]), |a| {
        Ok(Value::str(text(a, 0).trim_matches(char::is_whitespace)))
    });
    add("join", Signature::new(vec![Str, StringSlice]), |a| {
        let items = strings(a, 1);
        Ok(Value::str(items.join(text(a, 0))))
    });
    add("match", Signature::new(vec![Str, Str]).with_error(), |a| {
        let re = GoRegex::new(text(a, 0)).map_err(|e| e.to_string())?;
        Ok(Value::Bool(re.is_match(text(a, 1))))
    });
    add("safeHtml", Signature::new(vec![Str]), |a| {
        Ok(Value::Typed(ContentKind::Html, Arc::from(text(a, 0))))
    });
    add("reReplaceAll", Signature::new(vec![Str, Str, Str]), |a| {
        re_replace_all(text(a, 0), text(a, 1), text(a, 2)).map(Value::str)
    });
    add(
        "stringSlice",
        Signature::new(Vec::new()).with_variadic(Str),
        |a| {
            // Go passes a nil slice when there are no arguments; both print as `[]`.
            Ok(Value::strings(
                a.iter()
                    .map(|v| v.as_str().unwrap_or_default().to_owned())
                    .collect(),
            ))
        },
    );
    add("date", Signature::new(vec![Str, Time]), |a| {
        Ok(Value::str(time(a, 1).format(text(a, 0))))
    });
    add("tz", Signature::new(vec![Str, Time]).with_error(), |a| {
        let loc = Location::load(text(a, 0)).map_err(|e| e.to_string())?;
        Ok(Value::Time(time(a, 1).in_location(&loc)))
    });
    add(
        "humanizeDuration",
        Signature::new(vec![Any]).with_error(),
        |a| humanize_duration(a.first().unwrap_or(&Value::Nil)).map(Value::str),
    );
    m.insert(
        "since",
        Func::new("since", Signature::new(vec![Time]), move |a| {
            Ok(Value::Duration(clock().sub(&time(a, 0))))
        }),
    );
    m
}

/// The string argument `i` (the executor has checked the types).
fn text(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

/// The `[]string` argument `i` (nil is an empty slice).
fn strings(args: &[Value], i: usize) -> Vec<&str> {
    args.get(i)
        .and_then(Value::as_slice)
        .map(|s| s.items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The `time.Time` argument `i`.
fn time(args: &[Value], i: usize) -> GoTime {
    match args.get(i) {
        Some(Value::Time(t)) => t.clone(),
        _ => GoTime::zero(),
    }
}

/// `regexp.MustCompile(pattern).ReplaceAllString(text, repl)`; the panic of a bad pattern is
/// the error text Go's executor reports.
fn re_replace_all(pattern: &str, repl: &str, text: &str) -> Result<String, String> {
    let re = GoRegex::new(pattern).map_err(|e| {
        format!(
            "regexp: Compile({}): {e}",
            if gofmt::can_backquote(pattern) {
                format!("`{pattern}`")
            } else {
                gofmt::quote(pattern)
            }
        )
    })?;
    let names = capture_names(pattern);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in re.regex().captures_iter(text) {
        let Some(whole) = caps.get(0) else {
            continue;
        };
        out.push_str(&text[last..whole.start()]);
        expand(&mut out, repl, &caps, &names);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// Go's `Regexp.expand`: `$1`, `${1}`, `$name`, `${name}` and `$$` in a replacement. A name is
/// the longest run of letters, digits and `_`; a number without leading zeros is a group
/// index; unknown groups expand to nothing; a `$` not followed by a name is literal.
fn expand(out: &mut String, template: &str, caps: &regex::Captures<'_>, names: &[Option<String>]) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, after)) = extract_name(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        let group = match group_number(name) {
            Some(n) => Some(n),
            None => names.iter().position(|n| n.as_deref() == Some(name)),
        };
        if let Some(m) = group.and_then(|g| caps.get(g)) {
            out.push_str(m.as_str());
        }
    }
    out.push_str(rest);
}

/// Go's `extract`: the name after a `$` (braced or not) and the rest of the template.
fn extract_name(s: &str) -> Option<(&str, &str)> {
    let (braced, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(c.is_alphabetic() || is_go_digit(c) || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    if braced {
        let after = body[end..].strip_prefix('}')?;
        Some((name, after))
    } else {
        Some((name, &body[end..]))
    }
}

/// Go's `unicode.IsDigit`: decimal digits (`Nd`) of any script.
fn is_go_digit(c: char) -> bool {
    use std::sync::LazyLock;
    static ND: LazyLock<Option<regex::Regex>> =
        LazyLock::new(|| regex::Regex::new(r"^\p{Nd}$").ok());
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let mut buf = [0u8; 4];
    ND.as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

/// A group index from a name made of ASCII digits without a leading zero, below 10^8.
fn group_number(name: &str) -> Option<usize> {
    if !name.bytes().all(|b| b.is_ascii_digit()) || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    name.parse::<usize>().ok().filter(|n| *n < 100_000_000)
}

/// The names of a valid Go pattern's capture groups by group number (index 0 is the whole
/// match): `(?P<name>…)` and `(?<name>…)` are named, other `(` not followed by `?` unnamed.
fn capture_names(pattern: &str) -> Vec<Option<String>> {
    let mut names = vec![None];
    let bytes = pattern.as_bytes();
    let mut i = 0;
    let mut in_class = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'Q') {
                    // \Q...\E is literal text.
                    match pattern[i + 2..].find("\\E") {
                        Some(end) => i += 2 + end + 2,
                        None => break,
                    }
                    continue;
                }
                i += 2;
                continue;
            }
            b'[' if !in_class => {
                in_class = true;
                // A `]` right after `[` or `[^` is a literal member.
                let mut j = i + 1;
                if bytes.get(j) == Some(&b'^') {
                    j += 1;
                }
                if bytes.get(j) == Some(&b']') {
                    j += 1;
                }
                i = j;
                continue;
            }
            b'[' if bytes.get(i + 1) == Some(&b':') => {
                // A POSIX class such as [:alpha:] inside a class.
                match pattern[i + 2..].find(":]") {
                    Some(end) => i += 2 + end + 2,
                    None => i += 1,
                }
                continue;
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &pattern[i + 1..];
                if let Some(named) = rest.strip_prefix("?P<").or_else(|| rest.strip_prefix("?<")) {
                    let end = named.find('>').unwrap_or(named.len());
                    names.push(Some(named[..end].to_owned()));
                } else if !rest.starts_with('?') {
                    names.push(None);
                }
            }
            _ => {}
        }
        i += 1;
    }
    names
}

/// prometheus/common `HumanizeDuration`: seconds as `1d 2h 3m 4s`, `1m 2s`, `1.5s` (4
/// significant digits), or with an SI prefix below one second (`1.5ms`, `12us`).
///
/// # Errors
/// An argument that is not a number, a numeric string or a `time.Duration`.
pub fn humanize_duration(v: &Value) -> Result<String, String> {
    let mut v = match v {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Duration(d) => duration::seconds(*d),
        Value::String(s) => go_parse_float(s)?,
        other => return Err(format!("can't convert {} to float", other.type_name())),
    };
    let g4 = |x: f64| gofmt::sprintf("%.4g", &[Value::Float(x)]);
    if v.is_nan() || v.is_infinite() {
        return Ok(g4(v));
    }
    if v == 0.0 {
        return Ok(format!("{}s", g4(v)));
    }
    if v.abs() >= 1.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        v = v.abs();
        // Go's int64(v) saturates differently on overflow; durations that large are not real.
        let total = v as i64;
        let seconds = total % 60;
        let minutes = (total / 60) % 60;
        let hours = (total / 3600) % 24;
        let days = total / 86_400;
        return Ok(if days != 0 {
            format!("{sign}{days}d {hours}h {minutes}m {seconds}s")
        } else if hours != 0 {
            format!("{sign}{hours}h {minutes}m {seconds}s")
        } else if minutes != 0 {
            format!("{sign}{minutes}m {seconds}s")
        } else {
            format!("{sign}{}s", g4(v))
        });
    }
    let mut prefix = "";
    for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
        if v.abs() >= 1.0 {
            break;
        }
        prefix = p;
        v *= 1000.0;
    }
    Ok(format!("{}{prefix}s", g4(v)))
}

/// Go's `strconv.ParseFloat(s, 64)`, with its error texts.
fn go_parse_float(s: &str) -> Result<f64, String> {
    let err = |what: &str| format!("strconv.ParseFloat: parsing {}: {what}", gofmt::quote(s));
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let signed = |v: f64| if neg { -v } else { v };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(signed(f64::INFINITY));
    }
    if lower == "nan" && body.len() == s.len() {
        return Ok(f64::NAN);
    }
    if body.contains('_') && !underscores_ok(s) {
        return Err(err("invalid syntax"));
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let value = if let Some(hex) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        parse_hex_float(hex).ok_or_else(|| err("invalid syntax"))?
    } else {
        if !decimal_syntax(&clean) {
            return Err(err("invalid syntax"));
        }
        clean.parse::<f64>().map_err(|_| err("invalid syntax"))?
    };
    if value.is_infinite() {
        return Err(err("value out of range"));
    }
    Ok(signed(value))
}

/// `digits [. digits] [e [+-] digits]` with at least one mantissa digit.
fn decimal_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// Go's `underscoreOK`: `_` only between digits (a base prefix counts as a digit).
fn underscores_ok(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
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
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// A hexadecimal mantissa with its mandatory binary exponent (`1.8p3`), after `0x`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = s.split_once(['p', 'P'])?;
    let exp_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if exp_digits.is_empty() || !exp_digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let exp: i64 = exp_digits.parse().unwrap_or(1_000_000).min(1_000_000);
    let exp = if exponent.starts_with('-') { -exp } else { exp };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exp - 4 * i64::try_from(frac_part.len()).ok()?;
    Some(value * 2f64.powi(i32::try_from(shift.clamp(-2000, 2000)).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_funcs_are_upstreams() {
        let clock: Clock = Arc::new(GoTime::zero);
        let funcs = default_funcs(clock);
        let mut names: Vec<&str> = funcs.0.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, DEFAULT_FUNC_NAMES);
    }

    #[test]
    fn humanize_duration_examples() {
        let h = |v: Value| humanize_duration(&v).unwrap_or_else(|e| e);
        assert_eq!(h(Value::Float(0.0)), "0s");
        assert_eq!(h(Value::Float(1.0)), "1s");
        assert_eq!(h(Value::Float(1.2345)), "1.234s");
        assert_eq!(h(Value::Float(60.0)), "1m 0s");
        assert_eq!(h(Value::Float(3600.0)), "1h 0m 0s");
        assert_eq!(h(Value::Float(86400.0 + 3661.0)), "1d 1h 1m 1s");
        assert_eq!(h(Value::Float(-90.5)), "-1m 30s");
        assert_eq!(h(Value::Float(0.001)), "1ms");
        assert_eq!(h(Value::Float(0.0000123)), "12.3us");
        assert_eq!(h(Value::Float(-0.5)), "-500ms");
        assert_eq!(h(Value::Int(7200)), "2h 0m 0s");
        assert_eq!(h(Value::Duration(90_000_000_000)), "1m 30s");
        assert_eq!(h(Value::str("1e3")), "16m 40s");
        assert_eq!(h(Value::Float(f64::NAN)), "NaN");
        assert_eq!(h(Value::Float(f64::NEG_INFINITY)), "-Inf");
        assert_eq!(h(Value::Bool(true)), "can't convert bool to float");
        assert_eq!(
            h(Value::str("x")),
            "strconv.ParseFloat: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            h(Value::str("1e400")),
            "strconv.ParseFloat: parsing \"1e400\": value out of range"
        );
    }

    #[test]
    fn parse_float_follows_go() {
        for (s, ok) in [
            ("1_000", Some(1000.0)),
            ("_1", None),
            ("1__0", None),
            ("0x1p-2", Some(0.25)),
            ("0x_1p2", Some(4.0)),
            ("0x1.8", None),
            ("1e", None),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            (".", None),
            ("+nan", None),
            (" 1", None),
            ("1e-400", Some(0.0)),
            ("inF", Some(f64::INFINITY)),
            ("infin", None),
        ] {
            assert_eq!(go_parse_float(s).ok(), ok, "{s}");
        }
    }

    #[test]
    fn expand_follows_go() {
        let run = |pattern: &str, repl: &str, text: &str| {
            re_replace_all(pattern, repl, text).unwrap_or_else(|e| e)
        };
        assert_eq!(run("a(b)", "[$1]", "xaby"), "x[b]y");
        assert_eq!(run("a(b)", "[$1x]", "xaby"), "x[]y");
        assert_eq!(run("a(b)", "[${1}x]", "xaby"), "x[bx]y");
        assert_eq!(run("a(?P<n>b)", "[$n|${n}|$$|$|$2]", "ab"), "[b|b|$|$|]");
        assert_eq!(run("a(?<n>b)", "[$n]", "ab"), "[b]");
        assert_eq!(run("[(]a(b)", "$1", "(ab"), "b");
        assert_eq!(run(r"\(a(b)", "$1", "(ab"), "b");
        assert_eq!(run("a*", "X", "baaac"), "XbXcX");
        assert_eq!(
            run("(", "x", "y"),
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
        );
    }
}
