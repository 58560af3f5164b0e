//! The `html`, `js` and `urlquery` builtins: Go's `text/template` `HTMLEscapeString`,
//! `JSEscapeString` (`funcs.go`) and `net/url.QueryEscape`.

use std::fmt::Write as _;

/// Go's `template.HTMLEscapeString`: escapes `<>&'"` and NUL.
pub fn html_escape_string(s: &str) -> String {
    if !s.contains(['\'', '"', '&', '<', '>', '\0']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape_string(s: &str) -> String {
    let special = |c: char| {
        matches!(c, '\\' | '\'' | '"' | '<' | '>' | '&' | '=') || c < ' ' || !c.is_ascii()
    };
    if !s.contains(special) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !special(c) {
            out.push(c);
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if c.is_ascii() => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if crate::parse::quote::is_print(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`: space becomes `+`; everything but `A-Za-z0-9-_.~` is `%XX`.
pub fn url_query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html() {
        assert_eq!(
            html_escape_string("a<b>&'\"\0"),
            "a&lt;b&gt;&amp;&#39;&#34;\u{FFFD}"
        );
        assert_eq!(html_escape_string("plain"), "plain");
    }

    #[test]
    fn js() {
        assert_eq!(
            js_escape_string("a'b\"c\\<>&=\n"),
            "a\\'b\\\"c\\\\\\u003C\\u003E\\u0026\\u003D\\u000A"
        );
        assert_eq!(js_escape_string("é\u{2028}"), "é\\u2028");
    }

    #[test]
    fn urlquery() {
        assert_eq!(url_query_escape("a b&c=d/é~"), "a+b%26c%3Dd%2F%C3%A9~");
    }
}
