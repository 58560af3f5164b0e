//! JavaScript helpers and escapers (Go's `html/template/js.go`, Go 1.23): regexp-vs-division
//! detection, script MIME types, and the JS value, string, template-literal and regexp
//! escapers. JS values are encoded as Go's `encoding/json` does (Go 1.22+ `\b`/`\f` escapes).

use std::fmt::Write as _;

use super::attr::{ContentType, go_to_lower};
use super::context::JsCtx;
use crate::gofmt::format_float;
use crate::gotime::GoTime;
use crate::value::{ContentKind, Value};

/// Go 1.23's `jsWhitespace`.
const JS_WHITESPACE: &[char] = &[
    '\x0c', '\n', '\r', '\t', '\x0b', ' ', '\u{a0}', '\u{1680}', '\u{2000}', '\u{2001}',
    '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}',
    '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}', '\u{feff}',
];

const REGEXP_PRECEDER_KEYWORDS: &[&[u8]] = &[
    b"break",
    b"case",
    b"continue",
    b"delete",
    b"do",
    b"else",
    b"finally",
    b"in",
    b"instanceof",
    b"return",
    b"throw",
    b"try",
    b"typeof",
    b"void",
];

/// Trims trailing JS white space (Go's `bytes.TrimRight(s, jsWhitespace)`).
fn trim_right_js_space(s: &[u8]) -> &[u8] {
    let mut end = s.len();
    while end > 0 {
        // Start of the last UTF-8 sequence (at most 4 bytes back).
        let mut start = end - 1;
        while start > 0 && end - start < 4 && s[start] & 0xc0 == 0x80 {
            start -= 1;
        }
        match std::str::from_utf8(&s[start..end])
            .ok()
            .and_then(|t| t.chars().next())
        {
            Some(c) if JS_WHITESPACE.contains(&c) => end = start,
            _ => break,
        }
    }
    &s[..end]
}

/// Go's `nextJSCtx`: whether a `/` after `s` starts a regexp or a division.
pub fn next_js_ctx(s: &[u8], preceding: JsCtx) -> JsCtx {
    let s = trim_right_js_space(s);
    let n = s.len();
    let Some(&c) = s.last() else {
        return preceding;
    };
    match c {
        b'+' | b'-' => {
            let mut start = n - 1;
            while start > 0 && s[start - 1] == c {
                start -= 1;
            }
            if (n - start) & 1 == 1 {
                JsCtx::Regexp
            } else {
                JsCtx::DivOp
            }
        }
        b'.' => {
            if n != 1 && s[n - 2].is_ascii_digit() {
                JsCtx::DivOp
            } else {
                JsCtx::Regexp
            }
        }
        b',' | b'<' | b'>' | b'=' | b'*' | b'%' | b'&' | b'|' | b'^' | b'?' | b'!' | b'~'
        | b'(' | b'[' | b':' | b';' | b'{' | b'}' => JsCtx::Regexp,
        _ => {
            let mut j = n;
            while j > 0 && is_js_ident_part(s[j - 1] as char) {
                j -= 1;
            }
            if REGEXP_PRECEDER_KEYWORDS.contains(&&s[j..]) {
                JsCtx::Regexp
            } else {
                JsCtx::DivOp
            }
        }
    }
}

/// Go's `isJSIdentPart` (ASCII letters, digits, `$` and `_`).
pub fn is_js_ident_part(r: char) -> bool {
    r == '$' || r == '_' || r.is_ascii_alphanumeric()
}

/// Go's `isJSType`: whether a `<script type>` value is a JavaScript (or JSON) MIME type.
pub fn is_js_type(mime: &str) -> bool {
    let mime = mime.split_once(';').map_or(mime, |(a, _)| a);
    let mime = go_to_lower(mime);
    matches!(
        mime.trim(),
        "application/ecmascript"
            | "application/javascript"
            | "application/json"
            | "application/ld+json"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "module"
            | "text/ecmascript"
            | "text/javascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

/// Which characters a JS escaper replaces.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum JsTable {
    /// `jsStrReplacementTable`
    Str,
    /// `jsStrNormReplacementTable` (for `template.JSStr`: backslashes are kept).
    StrNorm,
    /// `jsBqStrReplacementTable` (template literals).
    BqStr,
    /// `jsRegexpReplacementTable`
    Regexp,
}

fn table_entry(table: JsTable, c: char) -> Option<&'static str> {
    let common = match c {
        '"' => Some("\\u0022"),
        '&' => Some("\\u0026"),
        '\'' => Some("\\u0027"),
        '+' => Some("\\u002b"),
        '/' => Some("\\/"),
        '<' => Some("\\u003c"),
        '>' => Some("\\u003e"),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match (table, c) {
        (JsTable::Str | JsTable::StrNorm | JsTable::BqStr, '`') => Some("\\u0060"),
        (JsTable::Str | JsTable::BqStr | JsTable::Regexp, '\\') => Some("\\\\"),
        (JsTable::BqStr, '$') => Some("\\u0024"),
        (JsTable::BqStr, '{') => Some("\\u007b"),
        (JsTable::BqStr, '}') => Some("\\u007d"),
        (JsTable::Regexp, _) => match c {
            '$' => Some("\\$"),
            '(' => Some("\\("),
            ')' => Some("\\)"),
            '*' => Some("\\*"),
            '-' => Some("\\-"),
            '.' => Some("\\."),
            '?' => Some("\\?"),
            '[' => Some("\\["),
            ']' => Some("\\]"),
            '^' => Some("\\^"),
            '{' => Some("\\{"),
            '|' => Some("\\|"),
            '}' => Some("\\}"),
            _ => None,
        },
        _ => None,
    }
}

/// Go's `replace(s, table)` with `lowUnicodeReplacementTable` for control characters.
pub fn js_replace(s: &str, table: JsTable) -> String {
    let mut out = String::new();
    let mut written = 0;
    for (i, c) in s.char_indices() {
        let low;
        let repl: &str = if (c as u32) < 0x20 {
            low = match c {
                '\t' => "\\t".to_string(),
                '\n' => "\\n".to_string(),
                '\x0c' => "\\f".to_string(),
                '\r' => "\\r".to_string(),
                _ => format!("\\u{:04x}", c as u32),
            };
            &low
        } else if let Some(r) = table_entry(table, c) {
            r
        } else if c == '\u{2028}' {
            "\\u2028"
        } else if c == '\u{2029}' {
            "\\u2029"
        } else {
            continue;
        };
        out.push_str(&s[written..i]);
        out.push_str(repl);
        written = i + c.len_utf8();
    }
    if written == 0 {
        return s.to_string();
    }
    out.push_str(&s[written..]);
    out
}

/// `_html_template_jsstrescaper` on a stringified value.
pub fn js_str_escape(s: &str, t: ContentType) -> String {
    if t == ContentType::JsStr {
        js_replace(s, JsTable::StrNorm)
    } else {
        js_replace(s, JsTable::Str)
    }
}

/// `_html_template_jsregexpescaper` on a stringified value.
pub fn js_regexp_escape(s: &str) -> String {
    let s = js_replace(s, JsTable::Regexp);
    if s.is_empty() { "(?:)".to_string() } else { s }
}

/// Go's `jsValEscaper` for a single argument.
pub fn js_val_escape(v: &Value) -> String {
    let json = match v {
        Value::Typed(ContentKind::Js, s) => return s.to_string(),
        Value::Typed(ContentKind::JsStr, s) => return format!("\"{s}\""),
        // fmt.Stringer (not json.Marshaler): the String() result is encoded.
        Value::Duration(d) => {
            let mut out = String::new();
            json_string(&mut out, &crate::gotime::duration_string(*d));
            Ok(out)
        }
        // fmt.Stringer (Alertmanager's KV and Pairs in 0.28): the String() result is encoded.
        Value::Object(o) if is_stringer(o.as_ref()) => o.call_method("String", &[]).map(|s| {
            let mut out = String::new();
            json_string(&mut out, s.as_str().unwrap_or_default());
            out
        }),
        _ => {
            let mut out = String::new();
            json_value(&mut out, v).map(|()| out)
        }
    };
    match json {
        Ok(b) => pad_js_value(b),
        Err(e) => {
            let e = e
                .replace("*/", "* /")
                .replace("</script", "\\x3C/script")
                .replace("<!--", "\\x3C!--");
            format!(" /* {e} */null ")
        }
    }
}

/// Go's `jsValEscaper` for several arguments: their `fmt.Sprint` as a JSON string.
pub fn js_val_escape_many(args: &[Value]) -> String {
    let mut out = String::new();
    json_string(&mut out, &crate::gofmt::sprint(args));
    pad_js_value(out)
}

fn pad_js_value(b: String) -> String {
    if b.is_empty() {
        return " null ".to_string();
    }
    let first = b.chars().next().unwrap_or(' ');
    let last = b.chars().next_back().unwrap_or(' ');
    if is_js_ident_part(first) || is_js_ident_part(last) {
        format!(" {b} ")
    } else {
        b
    }
}

/// `encoding/json`'s string encoding with HTML escaping.
pub fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' => {
                let _ = write!(out, "\\u00{:02x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02x}", c as u32);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_float(out: &mut String, f: f64) -> Result<(), String> {
    if !f.is_finite() {
        return Err(format!(
            "json: unsupported value: {}",
            format_float(f, b'g', -1)
        ));
    }
    let abs = f.abs();
    let fmt = if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        b'e'
    } else {
        b'f'
    };
    let mut s = format_float(f, fmt, -1);
    if fmt == b'e' {
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
    }
    out.push_str(&s);
    Ok(())
}

fn json_time(out: &mut String, t: &GoTime) -> Result<(), String> {
    let prefix = "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: ";
    if !(0..=9999).contains(&t.year()) {
        return Err(format!("{prefix}year outside of range [0,9999]"));
    }
    if t.zone().1.unsigned_abs() / 60 >= 24 * 60 {
        return Err(format!("{prefix}timezone hour outside of range [0,23]"));
    }
    let _ = write!(
        out,
        "\"{}\"",
        t.format("2006-01-02T15:04:05.999999999Z07:00")
    );
    Ok(())
}

/// Whether an object has Go's `String() string` method (is a `fmt.Stringer`).
fn is_stringer(o: &dyn crate::value::Object) -> bool {
    o.method("String")
        .is_some_and(|sig| sig.params.is_empty() && sig.variadic.is_none())
}

/// `encoding/json` names and Go field names of the struct types templates see (Alertmanager's
/// `template.Data`, `template.Alert` and `template.Pair`, as of 0.28), in declaration order.
/// The template value model exposes fields by name only, so the layouts are listed here.
fn struct_json_fields(type_name: &str) -> Option<&'static [(&'static str, &'static str)]> {
    Some(match type_name.trim_start_matches('*') {
        "template.Data" => &[
            ("receiver", "Receiver"),
            ("status", "Status"),
            ("alerts", "Alerts"),
            ("groupLabels", "GroupLabels"),
            ("commonLabels", "CommonLabels"),
            ("commonAnnotations", "CommonAnnotations"),
            ("externalURL", "ExternalURL"),
        ],
        "template.Alert" => &[
            ("status", "Status"),
            ("labels", "Labels"),
            ("annotations", "Annotations"),
            ("startsAt", "StartsAt"),
            ("endsAt", "EndsAt"),
            ("generatorURL", "GeneratorURL"),
            ("fingerprint", "Fingerprint"),
        ],
        "template.Pair" => &[("Name", "Name"), ("Value", "Value")],
        _ => return None,
    })
}

/// `json.Marshal` of a template value.
fn json_value(out: &mut String, v: &Value) -> Result<(), String> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Duration(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Float(f) => json_float(out, *f)?,
        Value::String(s) | Value::Typed(_, s) => json_string(out, s),
        Value::Time(t) => json_time(out, t)?,
        // A nil map (`KV(nil)`) marshals as `null`.
        Value::Object(o) if o.is_nil() => out.push_str("null"),
        _ => {
            if let Some(m) = v.as_map() {
                out.push('{');
                for (i, (k, e)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(out, k);
                    out.push(':');
                    json_value(out, e)?;
                }
                out.push('}');
            } else if let Some(s) = v.as_slice() {
                out.push('[');
                for (i, e) in s.items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_value(out, e)?;
                }
                out.push(']');
            } else if let (Value::Object(o), Some(fields)) = (v, struct_json_fields(v.type_name()))
            {
                out.push('{');
                for (i, (json_name, field)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(out, json_name);
                    out.push(':');
                    json_value(out, &o.field(field).unwrap_or_default())?;
                }
                out.push('}');
            } else {
                return Err(format!("json: unsupported type: {}", v.type_name()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "js_tests.rs"]
mod tests;
