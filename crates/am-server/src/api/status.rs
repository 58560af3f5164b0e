//! Per-request alert status and the alert filters of upstream `api/v2/api.go` (`alertFilter`,
//! `matchFilterLabels`, `receiversMatchFilter`, `parseFilter`) and `api/v1/api.go` @v0.26.
//! Status is recomputed for every request from the silencer and the inhibitor, as upstream's
//! `setAlertStatus` does, so `state` is `active` or `suppressed`.

use am_api::v2::{AlertState, AlertStatus};
use am_model::alert::{Alert, is_zero};
use am_model::labels::{Fingerprint, LabelSet};
use am_model::matcher::parse::{ParseMode, parse_matcher};
use am_model::matcher::{GoRegex, MatchType, Matcher};
use jiff::Timestamp;

use crate::inhibit::Inhibitor;
use crate::silence::Silencer;

/// Parses v2 `filter` values, one matcher each (`compat.Matcher(s, "api")`).
pub(crate) fn parse_filter(values: &[String], mode: ParseMode) -> Result<Vec<Matcher>, String> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let parsed = parse_matcher(v, mode).map_err(|e| e.to_string())?;
        for w in &parsed.warnings {
            tracing::warn!(input = %v, "{w}");
        }
        out.extend(parsed.matchers.into_vec());
    }
    Ok(out)
}

/// Compiles the `receiver` parameter anchored (`^(?:…)$`).
pub(crate) fn receiver_regex(p: Option<&str>) -> Result<Option<GoRegex>, String> {
    match p {
        None => Ok(None),
        Some(p) => GoRegex::new_anchored(p)
            .map(Some)
            .map_err(|e| format!("failed to parse receiver param: {e}")),
    }
}

/// Upstream `matchFilterLabels`: for `=`/`=~` with an empty value a missing label matches; for
/// `!=`/`!~` with an empty value a present label is skipped.
pub(crate) fn match_filter_labels<'a>(
    matchers: &[Matcher],
    get: impl Fn(&str) -> Option<&'a str>,
) -> bool {
    matchers.iter().all(|m| {
        let v = get(m.name());
        match m.match_type() {
            MatchType::NotEqual | MatchType::NotRegexp => {
                (m.value().is_empty() && v.is_some()) || m.matches(v.unwrap_or(""))
            }
            MatchType::Equal | MatchType::Regexp => {
                (m.value().is_empty() && v.is_none()) || m.matches(v.unwrap_or(""))
            }
        }
    })
}

/// Whether the labels pass the filter matchers.
pub(crate) fn labels_match(matchers: &[Matcher], labels: &LabelSet) -> bool {
    matchers.is_empty() || match_filter_labels(matchers, |n| labels.get(n))
}

/// Whether an alert with `ends_at` before `now` (and not zero) is over.
pub(crate) fn ended(alert: &Alert, now: Timestamp) -> bool {
    !is_zero(alert.ends_at) && alert.ends_at < now
}

/// Computes statuses for one request.
pub(crate) struct StatusComputer<'a> {
    pub(crate) silencer: &'a Silencer,
    pub(crate) inhibitor: &'a Inhibitor,
    pub(crate) now: Timestamp,
}

impl StatusComputer<'_> {
    /// `silencedBy` from the silencer, `inhibitedBy` from the inhibitor, `mutedBy` empty.
    pub(crate) fn status(&self, fp: Fingerprint, labels: &LabelSet) -> AlertStatus {
        let inhibited_by = self
            .inhibitor
            .mutes(labels, self.now)
            .map(|f| vec![f.to_string()])
            .unwrap_or_default();
        let silenced_by = self.silencer.mutes(fp, labels, self.now);
        AlertStatus::new(silenced_by, inhibited_by, Vec::new())
    }
}

/// The `active`/`silenced`/`inhibited` flags of upstream's `alertFilter`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StateFlags {
    pub(crate) active: bool,
    pub(crate) silenced: bool,
    pub(crate) inhibited: bool,
}

impl StateFlags {
    /// Whether an alert with `status` is shown.
    pub(crate) fn pass(&self, status: &AlertStatus) -> bool {
        if !self.active && status.state == AlertState::Active {
            return false;
        }
        if !self.silenced && !status.silenced_by.is_empty() {
            return false;
        }
        if !self.inhibited && !status.inhibited_by.is_empty() {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Vec<Matcher> {
        parse_filter(&[s.to_owned()], ParseMode::Fallback).expect("valid matcher")
    }

    #[test]
    fn filter_semantics_for_empty_values() {
        let ls = LabelSet::new([("a", "1"), ("b", "2")]);
        assert!(
            labels_match(&m("c=\"\""), &ls),
            "= \"\" matches a missing label"
        );
        assert!(
            !labels_match(&m("a=\"\""), &ls),
            "= \"\" does not match a set label"
        );
        assert!(
            labels_match(&m("a!=\"\""), &ls),
            "!= \"\" passes a present label"
        );
        assert!(
            !labels_match(&m("c!=\"\""), &ls),
            "!= \"\" rejects a missing label"
        );
        assert!(labels_match(&m("a=~\"1|3\""), &ls));
        assert!(!labels_match(&m("b!~\"2\""), &ls));
        assert!(labels_match(&m("c!~\"x\""), &ls));
    }

    #[test]
    fn receiver_regex_is_anchored() {
        let re = receiver_regex(Some("team-."))
            .expect("valid")
            .expect("some");
        assert!(re.is_match("team-a"));
        assert!(!re.is_match("xteam-a"));
        assert!(!re.is_match("team-ab"));
        assert!(receiver_regex(Some("(")).is_err());
        assert!(receiver_regex(None).expect("none").is_none());
    }
}
