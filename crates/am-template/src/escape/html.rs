//! HTML escapers (Go's `html/template/html.go`, Go 1.23): text, RCDATA, quoted and unquoted
//! attribute values, attribute names, comments, and tag stripping of `template.HTML` values
//! placed in attributes.

use std::fmt::Write as _;

use super::attr::{ContentType, attr_type, go_to_lower};
use super::context::{Context, Delim, Element, State};
use super::funcs::FILTER_FAILSAFE;
use super::transition::transition_in;

/// Which characters an HTML escaper replaces.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HtmlTable {
    /// `htmlReplacementTable`
    Html,
    /// `htmlNormReplacementTable` (`&` kept: the value is already HTML).
    Norm,
    /// `htmlNospaceReplacementTable` (unquoted attribute values).
    Nospace,
    /// `htmlNospaceNormReplacementTable`
    NospaceNorm,
}

fn entry(table: HtmlTable, c: char) -> Option<&'static str> {
    let nospace = matches!(table, HtmlTable::Nospace | HtmlTable::NospaceNorm);
    let amp = matches!(table, HtmlTable::Html | HtmlTable::Nospace);
    Some(match c {
        '\0' if nospace => "&#xfffd;",
        '\0' => "\u{fffd}",
        '"' => "&#34;",
        '&' if amp => "&amp;",
        '\'' => "&#39;",
        '+' => "&#43;",
        '<' => "&lt;",
        '>' => "&gt;",
        '\t' if nospace => "&#9;",
        '\n' if nospace => "&#10;",
        '\x0b' if nospace => "&#11;",
        '\x0c' if nospace => "&#12;",
        '\r' if nospace => "&#13;",
        ' ' if nospace => "&#32;",
        '=' if nospace => "&#61;",
        '`' if nospace => "&#96;",
        _ => return None,
    })
}

/// Go's `htmlReplacer`; `bad_runes` keeps the non-characters U+FDD0..U+FDEF and
/// U+FFF0..U+FFFF instead of encoding them.
pub fn html_replacer(s: &str, table: HtmlTable, bad_runes: bool) -> String {
    let mut out = String::new();
    let mut written = 0;
    for (i, c) in s.char_indices() {
        if let Some(repl) = entry(table, c) {
            out.push_str(&s[written..i]);
            out.push_str(repl);
            written = i + c.len_utf8();
        } else if !bad_runes
            && (('\u{fdd0}'..='\u{fdef}').contains(&c) || ('\u{fff0}'..='\u{ffff}').contains(&c))
        {
            out.push_str(&s[written..i]);
            let _ = write!(out, "&#x{:x};", c as u32);
            written = i + c.len_utf8();
        }
    }
    if written == 0 {
        return s.to_string();
    }
    out.push_str(&s[written..]);
    out
}

/// `_html_template_htmlescaper`.
pub fn html_escape(s: &str, t: ContentType) -> String {
    if t == ContentType::Html {
        return s.to_string();
    }
    html_replacer(s, HtmlTable::Html, true)
}

/// `_html_template_rcdataescaper`.
pub fn rcdata_escape(s: &str, t: ContentType) -> String {
    if t == ContentType::Html {
        return html_replacer(s, HtmlTable::Norm, true);
    }
    html_replacer(s, HtmlTable::Html, true)
}

/// `_html_template_attrescaper`.
pub fn attr_escape(s: &str, t: ContentType) -> String {
    if t == ContentType::Html {
        return html_replacer(&strip_tags(s), HtmlTable::Norm, true);
    }
    html_replacer(s, HtmlTable::Html, true)
}

/// `_html_template_nospaceescaper` (Go 1.23: an empty value becomes `ZgotmplZ`).
pub fn nospace_escape(s: &str, t: ContentType) -> String {
    if s.is_empty() {
        return FILTER_FAILSAFE.to_string();
    }
    if t == ContentType::Html {
        return html_replacer(&strip_tags(s), HtmlTable::NospaceNorm, false);
    }
    html_replacer(s, HtmlTable::Nospace, false)
}

/// `_html_template_htmlnamefilter`: only known-safe attribute names pass.
pub fn html_name_filter(s: &str, t: ContentType) -> String {
    if t == ContentType::HtmlAttr {
        return s.to_string();
    }
    if s.is_empty() {
        return FILTER_FAILSAFE.to_string();
    }
    let s = go_to_lower(s);
    if attr_type(&s) != ContentType::Plain {
        return FILTER_FAILSAFE.to_string();
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return FILTER_FAILSAFE.to_string();
    }
    s
}

/// Go's `stripTags`: the text content of an HTML fragment.
pub fn strip_tags(html: &str) -> String {
    let s = html.as_bytes();
    let mut b: Vec<u8> = Vec::new();
    let mut c = Context::default();
    let mut i = 0;
    let mut all_text = true;
    let mut stalled = 0;
    while i != s.len() {
        if c.delim == Delim::None {
            let mut st = c.state;
            if c.element != Element::None && !st.is_in_tag() {
                st = State::Rcdata;
            }
            let (d, nread) = transition_in(st, c.clone(), &s[i..]);
            let i1 = i + nread;
            if c.state == State::Text || c.state == State::Rcdata {
                let mut j = i1;
                if d.state != c.state
                    && let Some(p) = s[i..j].iter().rposition(|&x| x == b'<')
                {
                    j = i + p;
                }
                b.extend_from_slice(&s[i..j]);
            } else {
                all_text = false;
            }
            // Guard against a transition that makes no progress (Go would loop forever).
            stalled = if nread == 0 && d.state == c.state {
                stalled + 1
            } else {
                0
            };
            if stalled > 1 {
                break;
            }
            c = d;
            i = i1;
            continue;
        }
        let Some(p) = s[i..].iter().position(|x| c.delim.ends().contains(x)) else {
            break;
        };
        let mut i1 = i + p;
        if c.delim != Delim::SpaceOrTagEnd {
            i1 += 1;
        }
        c = Context {
            state: State::Tag,
            element: c.element,
            ..Context::default()
        };
        i = i1;
    }
    if all_text {
        return html.to_string();
    }
    if c.state == State::Text || c.state == State::Rcdata {
        b.extend_from_slice(&s[i..]);
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping() {
        assert_eq!(
            html_escape("<a href='x'>&\"+\0", ContentType::Plain),
            "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&#43;\u{fffd}"
        );
        assert_eq!(html_escape("<b>", ContentType::Html), "<b>");
        assert_eq!(
            rcdata_escape("<b>&amp;", ContentType::Html),
            "&lt;b&gt;&amp;"
        );
        assert_eq!(attr_escape("<b>x</b>&amp;", ContentType::Html), "x&amp;");
        assert_eq!(
            nospace_escape("a b=`c`\u{fdd0}", ContentType::Plain),
            "a&#32;b&#61;&#96;c&#96;&#xfdd0;"
        );
        assert_eq!(nospace_escape("", ContentType::Plain), "ZgotmplZ");
    }

    #[test]
    fn name_filter() {
        assert_eq!(html_name_filter("Title", ContentType::Plain), "title");
        assert_eq!(html_name_filter("onclick", ContentType::Plain), "ZgotmplZ");
        assert_eq!(html_name_filter("href", ContentType::Plain), "ZgotmplZ");
        assert_eq!(html_name_filter("a-b", ContentType::Plain), "ZgotmplZ");
        assert_eq!(html_name_filter("", ContentType::Plain), "ZgotmplZ");
        assert_eq!(
            html_name_filter("onclick", ContentType::HtmlAttr),
            "onclick"
        );
    }

    #[test]
    fn strips_tags() {
        assert_eq!(strip_tags("plain"), "plain");
        assert_eq!(strip_tags("<b>bold</b> text"), "bold text");
        assert_eq!(strip_tags("<div title=\"1>2\">x</div>"), "x");
        assert_eq!(strip_tags("I <3 Ponies!"), "I <3 Ponies!");
        assert_eq!(strip_tags("<script>var x</script>y"), "y");
        assert_eq!(strip_tags("<title>T</title>!"), "T!");
        assert_eq!(strip_tags("a<!-- c -->b"), "ab");
    }
}
