//! Label matchers: the four match types, a matcher with its compiled Go regex, lists of matchers,
//! how they print, and the two matcher parsers with upstream's compatibility modes.
//!
//! Mirrors Alertmanager 0.28's `pkg/labels` (`matcher.go`: `Matcher`, `Matchers`, `String()`,
//! sorting), `pkg/labels/parse.go` (the classic parser), `matcher/parse` (the UTF-8 parser) and
//! `matcher/compat` (fallback between them). Layout:
//! - [`regex`]: Go RE2 syntax on top of the `regex` crate;
//! - [`parse`]: `parse_matchers` / `parse_matcher` with a [`parse::ParseMode`];
//! - `lexer` + `parse_utf8`: the UTF-8 parser; `parse_classic`: the classic one;
//! - `render`: `Display` for matchers (Go's `String()`).

mod lexer;
pub mod parse;
mod parse_classic;
mod parse_utf8;
pub mod regex;
mod render;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use crate::labels::LabelSet;

pub use self::parse::{ParseError, ParseMode, Parsed};
pub use self::regex::{GoRegex, RegexError};

/// How a matcher compares a label value (Go's `labels.MatchType`, in the same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchType {
    /// `=`: the value equals.
    Equal,
    /// `!=`: the value differs.
    NotEqual,
    /// `=~`: the anchored regex matches.
    Regexp,
    /// `!~`: the anchored regex does not match.
    NotRegexp,
}

impl MatchType {
    /// The operator as written: `=`, `!=`, `=~` or `!~`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchType::Equal => "=",
            MatchType::NotEqual => "!=",
            MatchType::Regexp => "=~",
            MatchType::NotRegexp => "!~",
        }
    }

    /// Whether this is `=~` or `!~`.
    pub fn is_regex(self) -> bool {
        matches!(self, MatchType::Regexp | MatchType::NotRegexp)
    }

    /// Whether this is `=` or `=~` (the positive forms).
    pub fn is_equal(self) -> bool {
        matches!(self, MatchType::Equal | MatchType::Regexp)
    }
}

impl fmt::Display for MatchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a matcher could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatcherError {
    /// The value of a `=~` / `!~` matcher is not a valid Go regular expression.
    #[error(transparent)]
    Regex(#[from] RegexError),
}

/// One label matcher (Go's `labels.Matcher`). Equality, hashing and ordering look at the type,
/// name and value only; ordering is upstream's `Matchers.Less`: by name, then value, then type.
#[derive(Clone, Debug)]
pub struct Matcher {
    name: String,
    value: String,
    ty: MatchType,
    re: Option<GoRegex>,
}

impl Matcher {
    /// Builds a matcher; for `=~` / `!~` the value is compiled as `^(?:value)$` (Go syntax).
    /// The name is not validated (as in upstream's `NewMatcher`).
    ///
    /// # Errors
    /// [`MatcherError::Regex`] when the regex does not compile.
    pub fn new(
        ty: MatchType,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<Self, MatcherError> {
        let value = value.into();
        let re = if ty.is_regex() {
            Some(GoRegex::new_anchored(&value)?)
        } else {
            None
        };
        Ok(Matcher {
            name: name.into(),
            value,
            ty,
            re,
        })
    }

    /// The label name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value or regex as written.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The match type.
    pub fn match_type(&self) -> MatchType {
        self.ty
    }

    /// Whether a label value satisfies the matcher; pass `""` for a missing label.
    pub fn matches(&self, value: &str) -> bool {
        match (self.ty, &self.re) {
            (MatchType::Equal, _) => value == self.value,
            (MatchType::NotEqual, _) => value != self.value,
            (MatchType::Regexp, Some(re)) => re.is_match(value),
            (MatchType::NotRegexp, Some(re)) => !re.is_match(value),
            // `new` always compiles the regex of a regex matcher.
            (MatchType::Regexp | MatchType::NotRegexp, None) => false,
        }
    }

    /// Whether the matcher is satisfied by a label set (a missing label counts as `""`).
    pub fn matches_labels(&self, labels: &LabelSet) -> bool {
        self.matches(labels.get(&self.name).unwrap_or(""))
    }

    fn key(&self) -> (&str, &str, MatchType) {
        (&self.name, &self.value, self.ty)
    }
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Matcher {}

impl Hash for Matcher {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for Matcher {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Matcher {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// A list of matchers that must all match (Go's `labels.Matchers`). Displays as
/// `{a="b",c=~"d"}`, the form route keys and group keys are built from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Matchers(pub Vec<Matcher>);

impl Matchers {
    /// An empty list (matches everything).
    pub fn new() -> Self {
        Matchers(Vec::new())
    }

    /// Whether every matcher matches `labels` (missing labels count as `""`).
    pub fn matches(&self, labels: &LabelSet) -> bool {
        self.0.iter().all(|m| m.matches_labels(labels))
    }

    /// Sorts like upstream's `sort.Sort(labels.Matchers)`: by name, value, then match type.
    pub fn sort(&mut self) {
        self.0.sort();
    }

    /// The matchers as a vector.
    pub fn into_vec(self) -> Vec<Matcher> {
        self.0
    }
}

impl Deref for Matchers {
    type Target = [Matcher];

    fn deref(&self) -> &[Matcher] {
        &self.0
    }
}

impl From<Vec<Matcher>> for Matchers {
    fn from(v: Vec<Matcher>) -> Self {
        Matchers(v)
    }
}

impl FromIterator<Matcher> for Matchers {
    fn from_iter<I: IntoIterator<Item = Matcher>>(iter: I) -> Self {
        Matchers(iter.into_iter().collect())
    }
}

impl IntoIterator for Matchers {
    type Item = Matcher;
    type IntoIter = std::vec::IntoIter<Matcher>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Matchers {
    type Item = &'a Matcher;
    type IntoIter = std::slice::Iter<'a, Matcher>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Extend<Matcher> for Matchers {
    fn extend<I: IntoIterator<Item = Matcher>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(ty: MatchType, name: &str, value: &str) -> Matcher {
        Matcher::new(ty, name, value).unwrap_or_else(|e| panic!("{name}{ty}{value}: {e}"))
    }

    #[test]
    fn every_operator_matches() {
        let eq = m(MatchType::Equal, "a", "x");
        assert!(eq.matches("x") && !eq.matches("y") && !eq.matches(""));
        let ne = m(MatchType::NotEqual, "a", "x");
        assert!(!ne.matches("x") && ne.matches("y") && ne.matches(""));
        let re = m(MatchType::Regexp, "a", "x|y+");
        assert!(re.matches("x") && re.matches("yyy") && !re.matches("xy") && !re.matches(""));
        let nre = m(MatchType::NotRegexp, "a", "x|y+");
        assert!(!nre.matches("x") && nre.matches("xy") && nre.matches(""));
        let empty = m(MatchType::Regexp, "a", "");
        assert!(empty.matches("") && !empty.matches("a"));
    }

    #[test]
    fn missing_labels_count_as_empty() {
        let labels: LabelSet = [("a", "1")].into_iter().collect();
        let ms = Matchers(vec![
            m(MatchType::Equal, "a", "1"),
            m(MatchType::Equal, "b", ""),
        ]);
        assert!(ms.matches(&labels));
        let ms = Matchers(vec![m(MatchType::Regexp, "b", ".+")]);
        assert!(!ms.matches(&labels));
        let ms = Matchers(vec![m(MatchType::NotEqual, "b", "")]);
        assert!(!ms.matches(&labels));
        assert!(Matchers::new().matches(&labels));
    }

    #[test]
    fn bad_regex_is_an_error() {
        let e = Matcher::new(MatchType::Regexp, "a", "(").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("error parsing regexp: missing closing ): `^(?:()$`")
        );
        assert!(Matcher::new(MatchType::Equal, "a", "(").is_ok());
    }

    #[test]
    fn sorts_by_name_value_type() {
        let mut ms = Matchers(vec![
            m(MatchType::NotEqual, "b", "1"),
            m(MatchType::Equal, "b", "1"),
            m(MatchType::Equal, "a", "2"),
            m(MatchType::Regexp, "a", "1"),
        ]);
        ms.sort();
        let keys: Vec<String> = ms.iter().map(ToString::to_string).collect();
        assert_eq!(keys, ["a=~\"1\"", "a=\"2\"", "b=\"1\"", "b!=\"1\""]);
    }

    #[test]
    fn equality_ignores_compiled_regex() {
        assert_eq!(
            m(MatchType::Regexp, "a", "x"),
            m(MatchType::Regexp, "a", "x")
        );
        assert_ne!(
            m(MatchType::Regexp, "a", "x"),
            m(MatchType::NotRegexp, "a", "x")
        );
        assert_eq!(MatchType::NotRegexp.to_string(), "!~");
    }
}
