//! JSON output as Go's `encoding/json` writes it for notification payloads: string escaping
//! (`<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`..., control characters as `\n`, `\r`,
//! `\t`, `\b`, `\f` or `\u00XX` — Go ≥ 1.22, which upstream 0.28 is built with), maps with
//! sorted keys (a nil map as `null`), and `time.Time` as RFC 3339 with nanoseconds
//! (`time.RFC3339Nano`, trailing zeros trimmed).

use am_template::alertmanager::Kv;
use am_template::gotime::GoTime;

/// Go's `time.RFC3339Nano` layout.
pub const RFC3339_NANO: &str = "2006-01-02T15:04:05.999999999Z07:00";

/// Appends `s` as a JSON string, escaped as Go's encoder does with HTML escaping on.
pub fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            _ => None,
        };
        let needs_hex = (c < ' ' || c == '<' || c == '>' || c == '&') && esc.is_none();
        let line_sep = c == '\u{2028}' || c == '\u{2029}';
        if esc.is_none() && !needs_hex && !line_sep {
            continue;
        }
        out.push_str(&s[start..i]);
        if let Some(e) = esc {
            out.push_str(e);
        } else if line_sep {
            out.push_str(if c == '\u{2028}' {
                "\\u2028"
            } else {
                "\\u2029"
            });
        } else {
            let b = c as u32 as u8;
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends a `map[string]string` (`template.KV`): keys in byte order, nil as `null`.
pub fn write_kv(out: &mut String, kv: &Kv) {
    if kv.is_nil() {
        out.push_str("null");
        return;
    }
    out.push('{');
    for (i, (k, v)) in kv.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        write_str(out, v);
    }
    out.push('}');
}

/// Appends a `time.Time` as Go's `MarshalJSON` does.
pub fn write_time(out: &mut String, t: &GoTime) {
    out.push('"');
    out.push_str(&t.format(RFC3339_NANO));
    out.push('"');
}

/// Appends `"key":` (the key written as a JSON string).
pub fn write_key(out: &mut String, key: &str) {
    write_str(out, key);
    out.push(':');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> String {
        let mut o = String::new();
        write_str(&mut o, x);
        o
    }

    #[test]
    fn go_escaping() {
        assert_eq!(s("plain"), r#""plain""#);
        assert_eq!(s("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            s("<a href='x'>&</a>"),
            r#""\u003ca href='x'\u003e\u0026\u003c/a\u003e""#
        );
        assert_eq!(s("l1\nl2\r\t"), r#""l1\nl2\r\t""#);
        assert_eq!(s("\u{1}\u{8}\u{c}\u{1f}"), r#""\u0001\b\f\u001f""#);
        assert_eq!(s("x\u{2028}y\u{2029}"), r#""x\u2028y\u2029""#);
        assert_eq!(s("ünï ✓ \u{7f}"), "\"ünï ✓ \u{7f}\"");
    }

    #[test]
    fn maps_and_times() {
        let mut o = String::new();
        write_kv(&mut o, &Kv::nil());
        o.push(' ');
        write_kv(&mut o, &Kv::new());
        o.push(' ');
        let kv: Kv = [("b", "2"), ("a", "1"), ("B", "3")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        write_kv(&mut o, &kv);
        assert_eq!(o, r#"null {} {"B":"3","a":"1","b":"2"}"#);

        let mut o = String::new();
        write_time(&mut o, &GoTime::zero());
        let utc = am_template::gotime::Location::utc();
        write_time(
            &mut o,
            &GoTime::from_unix(1_700_000_000, 120_000_000, utc.clone()),
        );
        write_time(&mut o, &GoTime::from_unix(1_700_000_000, 0, utc));
        assert_eq!(
            o,
            r#""0001-01-01T00:00:00Z""2023-11-14T22:13:20.12Z""2023-11-14T22:13:20Z""#
        );
    }
}
