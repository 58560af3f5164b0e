//! Context transitions over template text (Go's `html/template/transition.go`, Go 1.23): each
//! function takes a context and text, and returns the context after a prefix of the text and
//! the length of that prefix.

use super::attr::{ContentType, attr_type, go_to_lower};
use super::context::{Attr, Context, Delim, Element, JsCtx, State};
use super::css::{decode_css, ends_with_css_keyword};
use super::error::{ErrorCode, EscapeError, q, q32};
use super::js::next_js_ctx;
use super::scan::{eat_attr_name, eat_tag_name, eat_white_space, index_tag_end};

const COMMENT_START: &[u8] = b"<!--";
const COMMENT_END: &[u8] = b"-->";

fn index_any(s: &[u8], set: &[u8]) -> Option<usize> {
    s.iter().position(|b| set.contains(b))
}

fn index_of(s: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    s.windows(needle.len()).position(|w| w == needle)
}

fn bad(code: ErrorCode, msg: String) -> Context {
    Context::error(EscapeError::new(code, None, 0, msg))
}

/// Go's `transitionFunc[c.state](c, s)`.
pub fn transition(c: Context, s: &[u8]) -> (Context, usize) {
    transition_in(c.state, c, s)
}

/// Go's `transitionFunc[state](c, s)`: the transition function of `state` applied to `c`.
pub fn transition_in(state: State, c: Context, s: &[u8]) -> (Context, usize) {
    match state {
        State::Text => t_text(c, s),
        State::Tag => t_tag(c, s),
        State::AttrName => t_attr_name(c, s),
        State::AfterName => t_after_name(c, s),
        State::BeforeValue => t_before_value(c, s),
        State::HtmlCmt => t_html_cmt(c, s),
        State::Rcdata => t_special_tag_end(c, s),
        State::Attr | State::Error | State::Dead => (c, s.len()),
        State::Url | State::Srcset => t_url(c, s),
        State::Js => t_js(c, s),
        State::JsDqStr | State::JsSqStr | State::JsRegexp => t_js_delimited(c, s),
        State::JsTmplLit => t_js_tmpl(c, s),
        State::JsBlockCmt | State::CssBlockCmt => t_block_cmt(c, s),
        State::JsLineCmt | State::JsHtmlOpenCmt | State::JsHtmlCloseCmt | State::CssLineCmt => {
            t_line_cmt(c, s)
        }
        State::Css => t_css(c, s),
        State::CssDqStr | State::CssSqStr | State::CssDqUrl | State::CssSqUrl | State::CssUrl => {
            t_css_str(c, s)
        }
    }
}

fn t_text(c: Context, s: &[u8]) -> (Context, usize) {
    let mut k = 0;
    loop {
        let Some(rel) = s[k..].iter().position(|&b| b == b'<') else {
            return (c, s.len());
        };
        let mut i = k + rel;
        if i + 1 == s.len() {
            return (c, s.len());
        }
        if s[i..].starts_with(COMMENT_START) {
            return (Context::with_state(State::HtmlCmt), i + 4);
        }
        i += 1;
        let mut end = false;
        if s[i] == b'/' {
            if i + 1 == s.len() {
                return (c, s.len());
            }
            end = true;
            i += 1;
        }
        let (j, mut e) = eat_tag_name(s, i);
        if j != i {
            if end {
                e = Element::None;
            }
            return (
                Context {
                    state: State::Tag,
                    element: e,
                    ..Context::default()
                },
                j,
            );
        }
        k = j;
    }
}

fn t_tag(c: Context, s: &[u8]) -> (Context, usize) {
    let i = eat_white_space(s, 0);
    if i == s.len() {
        return (c, s.len());
    }
    if s[i] == b'>' {
        return (
            Context {
                state: c.element.content_state(),
                element: c.element,
                ..Context::default()
            },
            i + 1,
        );
    }
    let j = match eat_attr_name(s, i) {
        Ok(j) => j,
        Err(e) => return (Context::error(e), s.len()),
    };
    if i == j {
        return (
            bad(
                ErrorCode::BadHtml,
                format!(
                    "expected space, attr name, or end of tag, but got {}",
                    q(&s[i..])
                ),
            ),
            s.len(),
        );
    }
    let name = go_to_lower(&String::from_utf8_lossy(&s[i..j]));
    let attr = if c.element == Element::Script && name == "type" {
        Attr::ScriptType
    } else {
        match attr_type(&name) {
            ContentType::Url => Attr::Url,
            ContentType::Css => Attr::Style,
            ContentType::Js => Attr::Script,
            ContentType::Srcset => Attr::Srcset,
            _ => Attr::None,
        }
    };
    let state = if j == s.len() {
        State::AttrName
    } else {
        State::AfterName
    };
    (
        Context {
            state,
            element: c.element,
            attr,
            ..Context::default()
        },
        j,
    )
}

fn t_attr_name(mut c: Context, s: &[u8]) -> (Context, usize) {
    match eat_attr_name(s, 0) {
        Err(e) => (Context::error(e), s.len()),
        Ok(i) => {
            if i != s.len() {
                c.state = State::AfterName;
            }
            (c, i)
        }
    }
}

fn t_after_name(mut c: Context, s: &[u8]) -> (Context, usize) {
    let i = eat_white_space(s, 0);
    if i == s.len() {
        return (c, s.len());
    }
    if s[i] != b'=' {
        c.state = State::Tag;
        return (c, i);
    }
    c.state = State::BeforeValue;
    (c, i + 1)
}

fn t_before_value(mut c: Context, s: &[u8]) -> (Context, usize) {
    let mut i = eat_white_space(s, 0);
    if i == s.len() {
        return (c, s.len());
    }
    let mut delim = Delim::SpaceOrTagEnd;
    match s[i] {
        b'\'' => {
            delim = Delim::SingleQuote;
            i += 1;
        }
        b'"' => {
            delim = Delim::DoubleQuote;
            i += 1;
        }
        _ => {}
    }
    c.state = c.attr.start_state();
    c.delim = delim;
    (c, i)
}

fn t_html_cmt(c: Context, s: &[u8]) -> (Context, usize) {
    match index_of(s, COMMENT_END) {
        Some(i) => (Context::default(), i + 3),
        None => (c, s.len()),
    }
}

/// Go's `tSpecialTagEnd`: the end of a raw text or RCDATA element body.
pub fn t_special_tag_end(c: Context, s: &[u8]) -> (Context, usize) {
    if c.element != Element::None {
        // Script end tags inside JS strings, regexps and comments do not end the script.
        if c.element == Element::Script && (c.state.is_in_script_literal() || c.state.is_comment())
        {
            return (c, s.len());
        }
        if let Some(i) = index_tag_end(s, c.element.end_marker()) {
            return (Context::default(), i);
        }
    }
    (c, s.len())
}

fn t_url(mut c: Context, s: &[u8]) -> (Context, usize) {
    if index_any(s, b"#?").is_some() {
        c.url_part = super::context::UrlPart::QueryOrFrag;
    } else if s.len() != eat_white_space(s, 0) && c.url_part == super::context::UrlPart::None {
        c.url_part = super::context::UrlPart::PreQuery;
    }
    (c, s.len())
}

fn t_js(mut c: Context, s: &[u8]) -> (Context, usize) {
    let Some(mut i) = index_any(s, b"\"`'/{}<-#") else {
        c.js_ctx = next_js_ctx(s, c.js_ctx);
        return (c, s.len());
    };
    c.js_ctx = next_js_ctx(&s[..i], c.js_ctx);
    match s[i] {
        b'"' => {
            c.state = State::JsDqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        b'\'' => {
            c.state = State::JsSqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        b'`' => {
            c.state = State::JsTmplLit;
            c.js_ctx = JsCtx::Regexp;
        }
        b'/' => {
            if i + 1 < s.len() && s[i + 1] == b'/' {
                c.state = State::JsLineCmt;
                i += 1;
            } else if i + 1 < s.len() && s[i + 1] == b'*' {
                c.state = State::JsBlockCmt;
                i += 1;
            } else if c.js_ctx == JsCtx::Regexp {
                c.state = State::JsRegexp;
            } else if c.js_ctx == JsCtx::DivOp {
                c.js_ctx = JsCtx::Regexp;
            } else {
                return (
                    bad(
                        ErrorCode::SlashAmbig,
                        format!("'/' could start a division or regexp: {}", q32(&s[i..])),
                    ),
                    s.len(),
                );
            }
        }
        b'<' => {
            if i + 3 < s.len() && &s[i..i + 4] == COMMENT_START {
                c.state = State::JsHtmlOpenCmt;
                i += 3;
            }
        }
        b'-' => {
            if i + 2 < s.len() && &s[i..i + 3] == COMMENT_END {
                c.state = State::JsHtmlCloseCmt;
                i += 2;
            }
        }
        b'#' => {
            if i + 1 < s.len() && s[i + 1] == b'!' {
                c.state = State::JsLineCmt;
                i += 1;
            }
        }
        b'{' => {
            if c.js_brace_depth.is_empty() {
                return (c, i + 1);
            }
            c.js_brace_depth.add_last(1);
        }
        _ => {
            // '}'
            if c.js_brace_depth.is_empty() {
                return (c, i + 1);
            }
            if c.js_brace_depth.add_last(-1) >= 0 {
                return (c, i + 1);
            }
            c.js_brace_depth.pop();
            c.state = State::JsTmplLit;
        }
    }
    (c, i + 1)
}

fn t_js_tmpl(mut c: Context, s: &[u8]) -> (Context, usize) {
    let mut k = 0;
    while let Some(rel) = index_any(&s[k..], b"`\\$") {
        let mut i = k + rel;
        match s[i] {
            b'\\' => {
                i += 1;
                if i == s.len() {
                    return (
                        bad(
                            ErrorCode::PartialEscape,
                            format!("unfinished escape sequence in JS string: {}", q(s)),
                        ),
                        s.len(),
                    );
                }
            }
            b'$' => {
                if s.len() >= i + 2 && s[i + 1] == b'{' {
                    c.js_brace_depth.push(0);
                    c.state = State::Js;
                    return (c, i + 2);
                }
            }
            _ => {
                c.state = State::Js;
                return (c, i + 1);
            }
        }
        k = i + 1;
    }
    (c, s.len())
}

fn t_js_delimited(mut c: Context, s: &[u8]) -> (Context, usize) {
    let specials: &[u8] = match c.state {
        State::JsSqStr => b"\\'",
        State::JsRegexp => b"\\/[]",
        _ => b"\\\"",
    };
    let mut k = 0;
    let mut in_charset = false;
    while let Some(rel) = index_any(&s[k..], specials) {
        let mut i = k + rel;
        match s[i] {
            b'\\' => {
                i += 1;
                if i == s.len() {
                    return (
                        bad(
                            ErrorCode::PartialEscape,
                            format!("unfinished escape sequence in JS string: {}", q(s)),
                        ),
                        s.len(),
                    );
                }
            }
            b'[' => in_charset = true,
            b']' => in_charset = false,
            b'/' => {
                if i > 0 && i + 7 <= s.len() && s[i - 1..i + 7].eq_ignore_ascii_case(b"</script") {
                    i += 1;
                } else if !in_charset {
                    c.state = State::Js;
                    c.js_ctx = JsCtx::DivOp;
                    return (c, i + 1);
                }
            }
            _ => {
                if !in_charset {
                    c.state = State::Js;
                    c.js_ctx = JsCtx::DivOp;
                    return (c, i + 1);
                }
            }
        }
        k = i + 1;
    }
    if in_charset {
        return (
            bad(
                ErrorCode::PartialCharset,
                format!("unfinished JS regexp charset: {}", q(s)),
            ),
            s.len(),
        );
    }
    (c, s.len())
}

fn t_block_cmt(mut c: Context, s: &[u8]) -> (Context, usize) {
    let Some(i) = index_of(s, b"*/") else {
        return (c, s.len());
    };
    c.state = if c.state == State::JsBlockCmt {
        State::Js
    } else {
        State::Css
    };
    (c, i + 2)
}

fn t_line_cmt(mut c: Context, s: &[u8]) -> (Context, usize) {
    let i = if c.state == State::CssLineCmt {
        index_any(s, b"\n\x0c\r")
    } else {
        // JS line terminators: \n, \r, U+2028 and U+2029.
        (0..s.len()).find(|&i| {
            matches!(s[i], b'\n' | b'\r')
                || s[i..].starts_with("\u{2028}".as_bytes())
                || s[i..].starts_with("\u{2029}".as_bytes())
        })
    };
    let Some(i) = i else {
        return (c, s.len());
    };
    c.state = if c.state == State::CssLineCmt {
        State::Css
    } else {
        State::Js
    };
    (c, i)
}

fn t_css(mut c: Context, s: &[u8]) -> (Context, usize) {
    let mut k = 0;
    loop {
        let Some(rel) = index_any(&s[k..], b"(\"'/") else {
            return (c, s.len());
        };
        let i = k + rel;
        match s[i] {
            b'(' => {
                let p = trim_right_css_space(&s[..i]);
                if ends_with_css_keyword(p, "url") {
                    let rest = &s[i + 1..];
                    let trimmed = rest
                        .iter()
                        .position(|b| !b"\t\n\x0c\r ".contains(b))
                        .unwrap_or(rest.len());
                    let mut j = i + 1 + trimmed;
                    if j != s.len() && s[j] == b'"' {
                        c.state = State::CssDqUrl;
                        j += 1;
                    } else if j != s.len() && s[j] == b'\'' {
                        c.state = State::CssSqUrl;
                        j += 1;
                    } else {
                        c.state = State::CssUrl;
                    }
                    return (c, j);
                }
            }
            b'/' => {
                if i + 1 < s.len() {
                    match s[i + 1] {
                        b'/' => {
                            c.state = State::CssLineCmt;
                            return (c, i + 2);
                        }
                        b'*' => {
                            c.state = State::CssBlockCmt;
                            return (c, i + 2);
                        }
                        _ => {}
                    }
                }
            }
            b'"' => {
                c.state = State::CssDqStr;
                return (c, i + 1);
            }
            _ => {
                c.state = State::CssSqStr;
                return (c, i + 1);
            }
        }
        k = i + 1;
    }
}

fn trim_right_css_space(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|b| !b"\t\n\x0c\r ".contains(b))
        .map_or(0, |p| p + 1);
    &s[..end]
}

fn t_css_str(mut c: Context, s: &[u8]) -> (Context, usize) {
    let end_and_esc: &[u8] = match c.state {
        State::CssDqStr | State::CssDqUrl => b"\\\"",
        State::CssSqStr | State::CssSqUrl => b"\\'",
        _ => b"\\\t\n\x0c\r )",
    };
    let mut k = 0;
    loop {
        let Some(rel) = index_any(&s[k..], end_and_esc) else {
            let (c, nread) = t_url(c, &decode_css(&s[k..]));
            return (c, k + nread);
        };
        let mut i = k + rel;
        if s[i] == b'\\' {
            i += 1;
            if i == s.len() {
                return (
                    bad(
                        ErrorCode::PartialEscape,
                        format!("unfinished escape sequence in CSS string: {}", q(s)),
                    ),
                    s.len(),
                );
            }
        } else {
            c.state = State::Css;
            return (c, i + 1);
        }
        c = t_url(c, &decode_css(&s[..i + 1])).0;
        k = i + 1;
    }
}

#[cfg(test)]
#[path = "transition_tests.rs"]
mod tests;
