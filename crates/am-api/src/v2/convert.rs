//! Conversions between v2 wire models and the domain model (upstream `api/v2/compat.go` and
//! the per-alert rules of `postAlertsHandler` in `api/v2/api.go`, v0.28.0, plus
//! `types.Alert.Validate`).

use am_model::alert::{Alert, ZERO_TIME, is_zero};
use am_model::labels::{LabelSet, is_valid_legacy_label_name, is_valid_utf8_label_name};
use am_model::matcher::{MatchType, Matcher as ModelMatcher, MatcherError};
use jiff::{SignedDuration, Timestamp};
use smol_str::SmolStr;

use super::models::{
    AlertStatus, GettableAlert, Matcher, PostableAlert, PostableSilence, Receiver,
};
use crate::time::DateTime;

/// Which label names are valid (`compat.IsValidLabelName` under the feature flags).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LabelNameValidation {
    /// `^[a-zA-Z_][a-zA-Z0-9_]*$` (the default, classic mode).
    #[default]
    Legacy,
    /// Any non-empty UTF-8 string (`--enable-feature=utf8-strict-mode` and fallback modes).
    Utf8,
}

impl LabelNameValidation {
    /// Whether `name` is valid in this mode.
    pub fn is_valid(self, name: &str) -> bool {
        match self {
            LabelNameValidation::Legacy => is_valid_legacy_label_name(name),
            LabelNameValidation::Utf8 => is_valid_utf8_label_name(name),
        }
    }
}

fn validate_names(ls: &LabelSet, mode: LabelNameValidation) -> Result<(), String> {
    match ls.names().find(|n| !mode.is_valid(n)) {
        Some(n) => Err(format!("invalid name {}", am_model::go_quote::quote(n))),
        None => Ok(()),
    }
}

impl PostableAlert {
    /// Upstream's POST handling of one alert with legacy label-name validation; see
    /// [`PostableAlert::to_alert_with`].
    ///
    /// # Errors
    /// The `Validate()` message (joined by the caller with `"; "` like `types.MultiError`).
    pub fn to_alert(
        &self,
        now: Timestamp,
        resolve_timeout: SignedDuration,
    ) -> Result<Alert, String> {
        self.to_alert_with(now, resolve_timeout, LabelNameValidation::Legacy)
    }

    /// Upstream's POST handling of one alert: `updatedAt = now`; a zero `startsAt` becomes
    /// `endsAt` if set, else `now`; a zero `endsAt` becomes `now + resolve_timeout` with
    /// `timeout = true`; empty-valued labels are dropped; then `Validate()`: "start time
    /// missing", "start time must be before end time", "at least one label pair required",
    /// "invalid label set: invalid name \"…\"", "invalid annotations: invalid name \"…\"".
    ///
    /// # Errors
    /// The first failing check's message.
    pub fn to_alert_with(
        &self,
        now: Timestamp,
        resolve_timeout: SignedDuration,
        names: LabelNameValidation,
    ) -> Result<Alert, String> {
        self.clone().into_alert(now, resolve_timeout, names)
    }

    /// [`PostableAlert::to_alert_with`] consuming the wire alert (no label copies; the
    /// ingestion hot path).
    ///
    /// # Errors
    /// The first failing check's message.
    pub fn into_alert(
        self,
        now: Timestamp,
        resolve_timeout: SignedDuration,
        names: LabelNameValidation,
    ) -> Result<Alert, String> {
        let mut starts_at = self.starts_at.0;
        let mut ends_at = self.ends_at.0;
        let mut timeout = false;
        if is_zero(starts_at) {
            starts_at = if is_zero(ends_at) { now } else { ends_at };
        }
        if is_zero(ends_at) {
            timeout = true;
            ends_at = now.checked_add(resolve_timeout).unwrap_or(Timestamp::MAX);
        }
        let labels = if self.labels.iter().any(|(_, v)| v.is_empty()) {
            self.labels.filter(|_, v| !v.is_empty())
        } else {
            self.labels
        };
        if is_zero(starts_at) {
            return Err("start time missing".to_owned());
        }
        if !is_zero(ends_at) && ends_at < starts_at {
            return Err("start time must be before end time".to_owned());
        }
        if labels.is_empty() {
            return Err("at least one label pair required".to_owned());
        }
        validate_names(&labels, names).map_err(|e| format!("invalid label set: {e}"))?;
        validate_names(&self.annotations, names)
            .map_err(|e| format!("invalid annotations: {e}"))?;
        Ok(Alert {
            labels,
            annotations: self.annotations,
            starts_at,
            ends_at,
            generator_url: SmolStr::new(&self.generator_url),
            updated_at: now,
            timeout,
        })
    }

    /// The wire form of a domain alert (for clients posting alerts).
    pub fn from_alert(a: &Alert) -> PostableAlert {
        PostableAlert {
            annotations: a.annotations.clone(),
            ends_at: DateTime(a.ends_at),
            starts_at: DateTime(a.starts_at),
            generator_url: a.generator_url.to_string(),
            labels: a.labels.clone(),
        }
    }
}

impl GettableAlert {
    /// Upstream `AlertToOpenAPIAlert`: the alert with its fingerprint, the receivers of all
    /// matching routes (in the given order) and its status.
    pub fn from_alert<S: AsRef<str>>(a: &Alert, receivers: &[S], status: AlertStatus) -> Self {
        GettableAlert {
            annotations: a.annotations.clone(),
            ends_at: DateTime(a.ends_at),
            fingerprint: a.fingerprint().to_string(),
            receivers: receivers
                .iter()
                .map(|r| Receiver {
                    name: r.as_ref().to_owned(),
                })
                .collect(),
            starts_at: DateTime(a.starts_at),
            status,
            updated_at: DateTime(a.updated_at),
            generator_url: a.generator_url.to_string(),
            labels: a.labels.clone(),
        }
    }
}

impl Matcher {
    /// The match type: isEqual&!isRegex `=`, !isEqual&!isRegex `!=`, isEqual&isRegex `=~`,
    /// !isEqual&isRegex `!~`.
    pub fn match_type(&self) -> MatchType {
        match (self.is_equal, self.is_regex) {
            (true, false) => MatchType::Equal,
            (false, false) => MatchType::NotEqual,
            (true, true) => MatchType::Regexp,
            (false, true) => MatchType::NotRegexp,
        }
    }

    /// Builds the domain matcher (compiling the regex).
    ///
    /// # Errors
    /// [`MatcherError`] when the regex does not compile.
    pub fn to_model(&self) -> Result<ModelMatcher, MatcherError> {
        ModelMatcher::new(self.match_type(), self.name.clone(), self.value.clone())
    }

    /// The wire form of a domain matcher.
    pub fn from_model(m: &ModelMatcher) -> Self {
        let ty = m.match_type();
        Matcher {
            is_equal: ty.is_equal(),
            is_regex: ty.is_regex(),
            name: m.name().to_owned(),
            value: m.value().to_owned(),
        }
    }
}

impl PostableSilence {
    /// The silence's matchers as domain matchers, in order.
    ///
    /// # Errors
    /// The index of the first matcher whose regex does not compile, with the error (upstream
    /// words it `invalid label matcher <i>: <err>` inside "silence invalid: …").
    pub fn model_matchers(&self) -> Result<Vec<ModelMatcher>, (usize, MatcherError)> {
        self.matchers
            .iter()
            .enumerate()
            .map(|(i, m)| m.to_model().map_err(|e| (i, e)))
            .collect()
    }
}

/// Go's zero time as a wire [`DateTime`].
pub const ZERO_DATETIME: DateTime = DateTime(ZERO_TIME);

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn pa(labels: &[(&str, &str)], start: Option<i64>, end: Option<i64>) -> PostableAlert {
        PostableAlert {
            annotations: LabelSet::empty(),
            ends_at: DateTime(end.map_or(ZERO_TIME, t)),
            starts_at: DateTime(start.map_or(ZERO_TIME, t)),
            generator_url: String::new(),
            labels: labels.iter().copied().collect(),
        }
    }

    const RT: SignedDuration = SignedDuration::from_secs(300);

    #[test]
    fn defaults_times_and_timeout() {
        let a = pa(&[("a", "b")], None, None).to_alert(t(10), RT).unwrap();
        assert_eq!(
            (a.starts_at, a.ends_at, a.timeout, a.updated_at),
            (t(10), t(310), true, t(10))
        );
        let a = pa(&[("a", "b")], None, Some(5))
            .to_alert(t(10), RT)
            .unwrap();
        assert_eq!((a.starts_at, a.ends_at, a.timeout), (t(5), t(5), false));
        let a = pa(&[("a", "b")], Some(1), None)
            .to_alert(t(10), RT)
            .unwrap();
        assert_eq!((a.starts_at, a.ends_at, a.timeout), (t(1), t(310), true));
    }

    #[test]
    fn validation_messages() {
        let e = |a: PostableAlert| a.to_alert(t(0), RT).unwrap_err();
        assert_eq!(
            e(pa(&[("a", "b")], Some(5), Some(4))),
            "start time must be before end time"
        );
        assert_eq!(
            e(pa(&[("a", "")], None, None)),
            "at least one label pair required"
        );
        assert_eq!(e(pa(&[], None, None)), "at least one label pair required");
        assert_eq!(
            e(pa(&[("0a", "b")], None, None)),
            "invalid label set: invalid name \"0a\""
        );
        let mut a = pa(&[("a", "b")], None, None);
        a.annotations = LabelSet::new([("bad-name", "x")]);
        assert_eq!(
            e(a.clone()),
            "invalid annotations: invalid name \"bad-name\""
        );
        assert!(a.to_alert_with(t(0), RT, LabelNameValidation::Utf8).is_ok());
        let ok = pa(&[("a", "b"), ("empty", "")], None, None)
            .to_alert(t(0), RT)
            .unwrap();
        assert_eq!(ok.labels, LabelSet::new([("a", "b")]));
    }

    #[test]
    fn matcher_mapping_round_trips() {
        for (eq, re, ty) in [
            (true, false, MatchType::Equal),
            (false, false, MatchType::NotEqual),
            (true, true, MatchType::Regexp),
            (false, true, MatchType::NotRegexp),
        ] {
            let m = Matcher {
                is_equal: eq,
                is_regex: re,
                name: "n".into(),
                value: "v.*".into(),
            };
            let model = m.to_model().unwrap();
            assert_eq!(model.match_type(), ty);
            assert_eq!(Matcher::from_model(&model), m);
        }
    }
}
