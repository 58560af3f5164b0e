//! Prints a `serde_json::Value` as block-style YAML in the layout Go `yaml.v2`'s `Marshal`
//! produces (2-space indentation, sequences under a key at the key's indentation), used to
//! print configurations. Strings are quoted only when a reader would otherwise take them for
//! something else; multi-line strings become literal blocks. The output re-reads (with this
//! module's reader) to the same value.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

use super::resolve::{Resolved, is_reserved_word, resolve_plain};

/// Block-style YAML for `value`, ending with a newline.
pub fn emit(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0, false),
        Value::String(s) if literal_ok(s) => write_literal(&mut out, s, 0),
        scalar => {
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Writes mapping entries at indentation `n`; when `inline_first`, the first key continues
/// a line already started (after `- `).
fn write_map(out: &mut String, map: &Map<String, Value>, n: usize, inline_first: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            indent(out, n);
        }
        out.push_str(&string_scalar(key));
        out.push(':');
        match value {
            Value::Object(child) if !child.is_empty() => {
                out.push('\n');
                write_map(out, child, n + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, n, false);
            }
            Value::String(s) if literal_ok(s) => {
                out.push(' ');
                write_literal(out, s, n + 2);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

/// Writes sequence items (`- item`) at indentation `n`.
fn write_seq(out: &mut String, items: &[Value], n: usize, inline_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            indent(out, n);
        }
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => write_map(out, map, n + 2, true),
            Value::Array(inner) if !inner.is_empty() => write_seq(out, inner, n + 2, true),
            Value::String(s) if literal_ok(s) => write_literal(out, s, n + 2),
            scalar => {
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

/// A scalar (or empty collection) on one line.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => string_scalar(s),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

fn number(n: &Number) -> String {
    match n.as_f64() {
        // Debug keeps a fractional part or exponent, so a float re-reads as a float.
        Some(f) if n.is_f64() => format!("{f:?}"),
        _ => n.to_string(),
    }
}

/// A string as a plain scalar when that re-reads as the same string, else double-quoted.
fn string_scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// Characters a YAML 1.1 reader treats as line breaks or that are not printable.
fn is_special_char(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let last = s.chars().next_back().unwrap_or(first);
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() || last.is_whitespace() {
        return false;
    }
    if s.starts_with("...") || s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if s.chars()
        .any(|c| c == '\n' || c == '\t' || is_special_char(c))
    {
        return false;
    }
    !is_reserved_word(s) && matches!(resolve_plain(s), Resolved::Str(_))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_special_char(c) => {
                let code = u32::from(c);
                if code <= 0xff {
                    let _ = write!(out, "\\x{code:02x}");
                } else {
                    let _ = write!(out, "\\u{code:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Multi-line strings that a literal block (`|`) reproduces exactly: the first non-empty
/// line must not start with a space (indentation is detected from it) and no line may be
/// only spaces.
fn literal_ok(s: &str) -> bool {
    let body = s.trim_end_matches('\n');
    let first_line = body
        .split('\n')
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    body.contains('\n')
        && !first_line.starts_with([' ', '\t'])
        && !s.chars().any(|c| c == '\r' || is_special_char(c))
        && body
            .split('\n')
            .all(|line| line.is_empty() || !line.trim().is_empty())
}

/// Writes `|`, `|-` or `|+` (by the number of trailing newlines) and the lines at `n`.
fn write_literal(out: &mut String, s: &str, n: usize) {
    let body = s.trim_end_matches('\n');
    let chomp = match s.len() - body.len() {
        0 => "-",
        1 => "",
        _ => "+",
    };
    out.push('|');
    out.push_str(chomp);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, n.max(1));
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..(s.len() - body.len()) {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn layout_like_go_yaml_v2() {
        let value = json!({
            "route": {"receiver": "team", "group_by": ["alertname", "job"]},
            "receivers": [{"name": "team", "email_configs": [{"to": "a@example.org"}]}],
            "empty": [],
            "none": null,
        });
        let text = emit(&value);
        let want = "route:\n  receiver: team\n  group_by:\n  - alertname\n  - job\n\
                    receivers:\n- name: team\n  email_configs:\n  - to: a@example.org\n\
                    empty: []\nnone: null\n";
        assert_eq!(text, want);
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(string_scalar("hello world"), "hello world");
        assert_eq!(string_scalar("yes"), "\"yes\"");
        assert_eq!(string_scalar("10"), "\"10\"");
        assert_eq!(string_scalar("0x1F"), "\"0x1F\"");
        assert_eq!(string_scalar(""), "\"\"");
        assert_eq!(string_scalar("a: b"), "\"a: b\"");
        assert_eq!(string_scalar("<<"), "\"<<\"");
        assert_eq!(string_scalar("{{ .Foo }}"), "\"{{ .Foo }}\"");
        assert_eq!(string_scalar("tab\there"), "\"tab\\there\"");
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let text = emit(&json!({"text": "line 1\nline 2\n"}));
        assert_eq!(text, "text: |\n  line 1\n  line 2\n");
        let text = emit(&json!({"text": "a\nb"}));
        assert_eq!(text, "text: |-\n  a\n  b\n");
    }
}
