//! Escaping template text (Go's `escapeText` and `contextAfterText` in
//! `html/template/escape.go`, Go 1.23): computes the context after a text node and rewrites
//! the text where needed — `<` that does not start a tag becomes `&lt;`, comments are removed,
//! and `<script`, `</script` and `<!--` inside JS literals become `\x3C...`.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::context::{Context, Delim, Element, State};
use super::entity::unescape;
use super::error::{ErrorCode, EscapeError, q};
use super::js::is_js_type;
use super::transition::{t_special_tag_end, transition};

fn special_script_tag() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new("(?i)<(script|/script|!--)").unwrap_or_else(|_| unreachable!("valid regex"))
    })
}

fn escape_special_script_tags(s: &[u8]) -> Vec<u8> {
    special_script_tag()
        .replace_all(s, &b"\\x3C$1"[..])
        .into_owned()
}

fn index_any(s: &[u8], set: &[u8]) -> Option<usize> {
    s.iter().position(|b| set.contains(b))
}

/// Go's `escapeText`: the context after `text` started in `c`, and the rewritten text if it
/// changed.
pub fn escape_text(mut c: Context, text: &str) -> (Context, Option<String>) {
    let s = text.as_bytes();
    let mut b: Vec<u8> = Vec::new();
    let mut written = 0;
    let mut i = 0;
    while i != s.len() {
        let (c1, nread) = context_after_text(c.clone(), &s[i..]);
        let i1 = i + nread;
        if c.state == State::Text || c.state == State::Rcdata {
            let mut end = i1;
            if c1.state != c.state
                && let Some(p) = s[i..end].iter().rposition(|&x| x == b'<')
            {
                end = i + p;
            }
            for j in i..end {
                if s[j] == b'<' && !starts_with_doctype(&s[j..]) {
                    b.extend_from_slice(&s[written..j]);
                    b.extend_from_slice(b"&lt;");
                    written = j + 1;
                }
            }
        } else if c.state.is_comment() && c.delim == Delim::None {
            match c.state {
                State::JsBlockCmt => {
                    let part = &s[written..i1];
                    let newline = part.iter().any(|&x| x == b'\n' || x == b'\r')
                        || contains_str(part, "\u{2028}")
                        || contains_str(part, "\u{2029}");
                    b.push(if newline { b'\n' } else { b' ' });
                }
                State::CssBlockCmt => b.push(b' '),
                _ => {}
            }
            written = i1;
        }
        if c.state != c1.state && c1.state.is_comment() && c1.delim == Delim::None {
            // Keep the text between `written` and the comment start.
            let cs = match c1.state {
                State::HtmlCmt | State::JsHtmlOpenCmt => i1 - 4,
                State::JsHtmlCloseCmt => i1 - 3,
                _ => i1 - 2,
            };
            b.extend_from_slice(&s[written..cs]);
            written = i1;
        }
        if c.state.is_in_script_literal() && special_script_tag().is_match(&s[i..i1]) {
            b.extend_from_slice(&s[written..i]);
            b.extend_from_slice(&escape_special_script_tags(&s[i..i1]));
            written = i1;
        }
        if i == i1 && c.state == c1.state {
            // Go panics here ("infinite loop"); no input is known to reach it.
            let err = EscapeError::new(
                ErrorCode::BadHtml,
                None,
                0,
                format!("infinite loop from {c} to {c1} on {}", q(&s[i..])),
            );
            return (Context::error(err), None);
        }
        c = c1;
        i = i1;
    }
    if written != 0 && c.state != State::Error {
        if !c.state.is_comment() || c.delim != Delim::None {
            b.extend_from_slice(&s[written..]);
        }
        return (c, Some(String::from_utf8_lossy(&b).into_owned()));
    }
    (c, None)
}

fn starts_with_doctype(s: &[u8]) -> bool {
    s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE")
}

fn contains_str(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Go's `contextAfterText`: consumes a prefix of `s` (up to a special end tag, or to the end
/// of an attribute value) and returns the context after it and its length.
pub fn context_after_text(c: Context, s: &[u8]) -> (Context, usize) {
    if c.delim == Delim::None {
        let (c1, i) = t_special_tag_end(c.clone(), s);
        if i == 0 {
            // A special end tag (`</script>`) starts `s`.
            return (c1, 0);
        }
        return transition(c, &s[..i]);
    }
    let i = index_any(s, c.delim.ends()).unwrap_or(s.len());
    if c.delim == Delim::SpaceOrTagEnd
        && let Some(j) = index_any(&s[..i], b"\"'<=`")
    {
        let err = EscapeError::new(
            ErrorCode::BadHtml,
            None,
            0,
            format!("{} in unquoted attr: {}", q(&s[j..j + 1]), q(&s[..i])),
        );
        return (Context::error(err), s.len());
    }
    if i == s.len() {
        // Still inside the value: run the value's state machine over the decoded text.
        let decoded = unescape(s);
        let mut u: &[u8] = &decoded;
        let mut c = c;
        while !u.is_empty() {
            let state = c.state;
            let (c1, i1) = transition(c, u);
            if i1 == 0 && c1.state == state {
                c = c1;
                break;
            }
            c = c1;
            u = &u[i1..];
        }
        return (c, s.len());
    }
    let mut element = c.element;
    if c.state == State::Attr
        && c.element == Element::Script
        && c.attr == super::context::Attr::ScriptType
        && !is_js_type(&String::from_utf8_lossy(&s[..i]))
    {
        element = Element::None;
    }
    let mut i = i;
    if c.delim != Delim::SpaceOrTagEnd {
        i += 1;
    }
    (
        Context {
            state: State::Tag,
            element,
            ..Context::default()
        },
        i,
    )
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
