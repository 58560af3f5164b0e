//! Validated inhibition rules. Mirrors upstream's `config.InhibitRule` (`UnmarshalYAML` checks
//! in `config/config.go`) and the matcher merge of `inhibit.NewInhibitRule`
//! (`inhibit/inhibit.go`), both at v0.28.

use std::collections::HashSet;

use am_model::go_quote::quote;
use am_model::matcher::Matchers;
use am_model::matcher::parse::{ParseMode, is_valid_label_name};

use crate::error::ConfigError;
use crate::raw::RawInhibitRule;
use crate::route::{legacy_matchers, parse_matcher_list, sorted_pairs};
use crate::yaml::YamlPath;

/// One inhibition rule: a firing alert matching `source_matchers` mutes alerts matching
/// `target_matchers` when both have equal values for every label in `equal`.
#[derive(Clone, Debug, PartialEq)]
pub struct InhibitRule {
    /// Matchers for the inhibiting alert: `source_match` (`=`), `source_match_re` (`=~`) and
    /// `source_matchers`, in that order.
    pub source_matchers: Matchers,
    /// Matchers for the inhibited alert, merged the same way.
    pub target_matchers: Matchers,
    /// Label names whose values must be equal in source and target (duplicates removed, in
    /// the order written).
    pub equal: Vec<String>,
    /// What the file said, for printing the configuration back.
    pub spec: InhibitRuleSpec,
}

/// The values an inhibition rule was written with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InhibitRuleSpec {
    /// `source_match:` (sorted by label name).
    pub source_match: Vec<(String, String)>,
    /// `source_match_re:` patterns as written (sorted by label name).
    pub source_match_re: Vec<(String, String)>,
    /// The matchers parsed from `source_matchers:` alone, sorted.
    pub source_matchers: Matchers,
    /// `target_match:` (sorted by label name).
    pub target_match: Vec<(String, String)>,
    /// `target_match_re:` patterns as written (sorted by label name).
    pub target_match_re: Vec<(String, String)>,
    /// The matchers parsed from `target_matchers:` alone, sorted.
    pub target_matchers: Matchers,
    /// `equal:` as written.
    pub equal: Vec<String>,
}

/// Validates the rule at `inhibit_rules[index]`. Returns `None` when it has errors.
pub(crate) fn inhibit_rule_from_raw(
    raw: RawInhibitRule,
    index: usize,
    mode: ParseMode,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<InhibitRule> {
    let path = YamlPath::root().key("inhibit_rules").index(index);
    let before = errors.len();

    let mut sides = Vec::with_capacity(2);
    for side in ["source", "target"] {
        let (eq, re, list) = match side {
            "source" => (
                &raw.source_match,
                &raw.source_match_re,
                &raw.source_matchers,
            ),
            _ => (
                &raw.target_match,
                &raw.target_match_re,
                &raw.target_matchers,
            ),
        };
        let mut merged = legacy_matchers(
            eq.as_ref(),
            re.as_ref(),
            &path.key(format!("{side}_match")),
            &path.key(format!("{side}_match_re")),
            errors,
        );
        let written = parse_matcher_list(
            list.as_deref(),
            &path.key(format!("{side}_matchers")),
            mode,
            errors,
            warnings,
        );
        merged.extend(written.iter().cloned());
        sides.push((merged, written));
    }
    let (target, target_written) = sides.pop().unwrap_or_default();
    let (source, source_written) = sides.pop().unwrap_or_default();

    let written_equal = raw.equal.unwrap_or_default();
    let mut equal = Vec::new();
    let mut seen = HashSet::new();
    for (i, name) in written_equal.iter().enumerate() {
        if !is_valid_label_name(name, mode) {
            let message = format!("invalid label name {} in equal list", quote(name));
            errors.push(ConfigError::at(path.key("equal").index(i), message));
        } else if seen.insert(name.as_str()) {
            equal.push(name.clone());
        }
    }

    if errors.len() > before {
        return None;
    }
    Some(InhibitRule {
        source_matchers: source,
        target_matchers: target,
        equal,
        spec: InhibitRuleSpec {
            source_match: sorted_pairs(raw.source_match),
            source_match_re: sorted_pairs(raw.source_match_re),
            source_matchers: source_written,
            target_match: sorted_pairs(raw.target_match),
            target_match_re: sorted_pairs(raw.target_match_re),
            target_matchers: target_written,
            equal: written_equal,
        },
    })
}
