//! How matchers print: Go's `Matcher.String()` and `Matchers.String()` from Alertmanager 0.28's
//! `pkg/labels/matcher.go`.
//!
//! A name made of characters the UTF-8 parser accepts unquoted prints as is, followed by the
//! value in double quotes with OpenMetrics escaping (`\`, newline and `"` only). A name with a
//! reserved character (whitespace or one of ``{}!=~,\"'` ``) prints with both name and value
//! quoted by Go's `strconv.Quote`, which the classic parser cannot read back.

use std::fmt::{self, Write as _};

use super::{Matcher, Matchers};
use crate::go_quote::write_quoted;

/// Characters the UTF-8 matcher lexer will not take in an unquoted name or value.
pub(crate) fn is_reserved(c: char) -> bool {
    c.is_whitespace() || "{}!=~,\\\"'`".contains(c)
}

/// Writes `s` with OpenMetrics escaping: `\` → `\\`, newline → `\n`, `"` → `\"`.
fn write_open_metrics_escaped(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let mut plain = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '\\' => "\\\\",
            '\n' => "\\n",
            '"' => "\\\"",
            _ => continue,
        };
        f.write_str(&s[plain..i])?;
        f.write_str(escaped)?;
        plain = i + 1;
    }
    f.write_str(&s[plain..])
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name().chars().any(is_reserved) {
            write_quoted(f, self.name())?;
            f.write_str(self.match_type().as_str())?;
            return write_quoted(f, self.value());
        }
        f.write_str(self.name())?;
        f.write_str(self.match_type().as_str())?;
        f.write_char('"')?;
        write_open_metrics_escaped(f, self.value())?;
        f.write_char('"')
    }
}

impl fmt::Display for Matchers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('{')?;
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            write!(f, "{m}")?;
        }
        f.write_char('}')
    }
}

#[cfg(test)]
mod tests {
    use super::super::MatchType;
    use super::*;

    fn show(ty: MatchType, name: &str, value: &str) -> String {
        Matcher::new(ty, name, value).map_or_else(|e| e.to_string(), |m| m.to_string())
    }

    #[test]
    fn plain_names_use_open_metrics_escaping() {
        assert_eq!(show(MatchType::Equal, "foo", "bar"), r#"foo="bar""#);
        assert_eq!(
            show(MatchType::NotEqual, "foo", "a\"b\\c\nd"),
            r#"foo!="a\"b\\c\nd""#
        );
        // Tabs and non-ASCII are not escaped in this form.
        assert_eq!(show(MatchType::Equal, "foo", "\tü"), "foo=\"\tü\"");
        assert_eq!(show(MatchType::Regexp, "foo", ".+"), r#"foo=~".+""#);
        assert_eq!(show(MatchType::NotRegexp, "foo:bar", ""), r#"foo:bar!~"""#);
        assert_eq!(show(MatchType::Equal, "föö", "x"), r#"föö="x""#);
        assert_eq!(show(MatchType::Equal, "", "x"), r#"="x""#);
    }

    #[test]
    fn reserved_names_quote_both_sides() {
        assert_eq!(
            show(MatchType::Equal, "foo bar", "baz"),
            r#""foo bar"="baz""#
        );
        assert_eq!(
            show(MatchType::Equal, "a=b", "\t\u{7f}"),
            r#""a=b"="\t\x7f""#
        );
        assert_eq!(show(MatchType::Regexp, "x,y", "\"q\""), r#""x,y"=~"\"q\"""#);
        assert_eq!(show(MatchType::Equal, "a\u{a0}", "é"), r#""a\u00a0"="é""#);
    }

    #[test]
    fn lists_have_braces_and_bare_commas() {
        let ms = Matchers(vec![
            Matcher::new(MatchType::Equal, "a", "b").unwrap_or_else(|e| panic!("{e}")),
            Matcher::new(MatchType::Regexp, "c", "d").unwrap_or_else(|e| panic!("{e}")),
        ]);
        assert_eq!(ms.to_string(), r#"{a="b",c=~"d"}"#);
        assert_eq!(Matchers::new().to_string(), "{}");
    }
}
