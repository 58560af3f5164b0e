//! Silence validation with upstream's rules and error texts (`validateMatcher`,
//! `validateSilence`, `matchesEmpty` in `silence/silence.go` v0.28). The API returns these texts
//! as 400 bodies, prefixed with `invalid silence: ` by [`SilenceError::Invalid`](super::SilenceError).

use am_model::alert::is_zero;
use am_model::go_quote::quote;
use am_model::matcher::{GoRegex, MatchType, Matcher, ParseMode, parse::is_valid_label_name};

use super::Silence;

/// Why a silence is invalid. Displays exactly like upstream's `validateSilence` errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// No matchers.
    #[error("at least one matcher required")]
    NoMatchers,
    /// Matcher `index` (0-based) is invalid.
    #[error("invalid label matcher {index}: {reason}")]
    Matcher {
        /// Position of the matcher.
        index: usize,
        /// What is wrong with it.
        reason: MatcherInvalid,
    },
    /// Every matcher matches the empty string (it would silence everything).
    #[error("at least one matcher must not match the empty string")]
    AllMatchEmpty,
    /// `starts_at` is Go's zero time.
    #[error("invalid zero start timestamp")]
    ZeroStart,
    /// `ends_at` is Go's zero time.
    #[error("invalid zero end timestamp")]
    ZeroEnd,
    /// `ends_at` is before `starts_at`.
    #[error("end time must not be before start time")]
    EndBeforeStart,
}

/// Why one matcher is invalid (upstream's `validateMatcher`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatcherInvalid {
    /// The label name is not valid in the configured mode.
    #[error("invalid label name {}", quote(.0))]
    Name(String),
    /// The pattern is not a valid Go regular expression (message from Go's `regexp`).
    #[error("invalid regular expression {}: {message}", quote(.pattern))]
    Regex {
        /// The pattern.
        pattern: String,
        /// Go's compile error, e.g. ``error parsing regexp: missing closing ): `(a` ``.
        message: String,
    },
}

/// Checks one matcher given as raw parts, in upstream's order (name, then value/regex), and
/// compiles it. Use [`build_matchers`] for a whole list.
///
/// # Errors
/// The [`MatcherInvalid`] reason.
pub fn build_matcher(
    ty: MatchType,
    name: &str,
    value: &str,
    mode: ParseMode,
) -> Result<Matcher, MatcherInvalid> {
    if !is_valid_label_name(name, mode) {
        return Err(MatcherInvalid::Name(name.to_owned()));
    }
    if ty.is_regex() {
        // Upstream validates with an unanchored `regexp.Compile`, so the error text names the
        // pattern as written, not the `^(?:…)$` wrapper.
        GoRegex::new(value).map_err(|e| MatcherInvalid::Regex {
            pattern: value.to_owned(),
            message: e.to_string(),
        })?;
    }
    Matcher::new(ty, name, value).map_err(|e| MatcherInvalid::Regex {
        pattern: value.to_owned(),
        message: e.to_string(),
    })
}

/// Builds the matchers of a silence from raw `(type, name, value)` parts, reporting the first
/// invalid one like upstream (`invalid label matcher <i>: ...`) and an empty list as
/// [`ValidationError::NoMatchers`]. The API handlers use this to turn a posted silence into a
/// [`Silence`] with upstream's error texts.
///
/// # Errors
/// The first [`ValidationError`].
pub fn build_matchers<'a>(
    raw: impl IntoIterator<Item = (MatchType, &'a str, &'a str)>,
    mode: ParseMode,
) -> Result<Vec<Matcher>, ValidationError> {
    let out = raw
        .into_iter()
        .enumerate()
        .map(|(index, (ty, name, value))| {
            build_matcher(ty, name, value, mode)
                .map_err(|reason| ValidationError::Matcher { index, reason })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if out.is_empty() {
        return Err(ValidationError::NoMatchers);
    }
    Ok(out)
}

/// Upstream's `matchesEmpty`: only `=` and `=~` matchers can "match the empty string".
fn matches_empty(m: &Matcher) -> bool {
    match m.match_type() {
        MatchType::Equal | MatchType::Regexp => m.matches(""),
        MatchType::NotEqual | MatchType::NotRegexp => false,
    }
}

/// Validates a silence like upstream's `validateSilence`.
///
/// # Errors
/// The first rule that fails, in upstream's order.
pub fn validate_silence(s: &Silence, mode: ParseMode) -> Result<(), ValidationError> {
    if s.matchers.is_empty() {
        return Err(ValidationError::NoMatchers);
    }
    for (index, m) in s.matchers.iter().enumerate() {
        if !is_valid_label_name(m.name(), mode) {
            return Err(ValidationError::Matcher {
                index,
                reason: MatcherInvalid::Name(m.name().to_owned()),
            });
        }
    }
    if s.matchers.iter().all(matches_empty) {
        return Err(ValidationError::AllMatchEmpty);
    }
    if is_zero(s.starts_at) {
        return Err(ValidationError::ZeroStart);
    }
    if is_zero(s.ends_at) {
        return Err(ValidationError::ZeroEnd);
    }
    if s.ends_at < s.starts_at {
        return Err(ValidationError::EndBeforeStart);
    }
    Ok(())
}
