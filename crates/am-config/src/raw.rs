//! The configuration file as written: one struct per YAML mapping, with upstream's key names
//! and `deny_unknown_fields`, so that decoding behaves like Go `yaml.UnmarshalStrict` into
//! `config.Config`, `config.Route`, `config.InhibitRule` and `config.TimeInterval`
//! (`config/config.go`, v0.28). Nothing here is validated beyond its YAML type; `validate`
//! turns these into the types in `config`, `route`, `inhibit` and `time_interval`.
//!
//! Lists and maps are `Option` so that an absent key, `key: ~` and `key: []` can be told apart
//! where upstream tells them apart (it does for nothing at v0.28, but printing keeps the file's
//! intent). Maps are `BTreeMap`: Go iterates them in random order and sorts the result, and
//! yaml.v2 prints them sorted by key.
//!
//! A null list entry (`receivers: [~]`) is not decoded like `{}`: yaml.v2 gives a Go struct
//! element its zero value without calling its `UnmarshalYAML`, and a pointer element `nil`.
//! The lists where that differs from `{}` keep the entry as `None`: `receivers` and both time
//! interval lists (a nameless entry that skips the missing-name check) and `routes` (a `nil`
//! `*Route`, on which upstream crashes). A null inhibition rule is the same as `{}`.

use std::collections::BTreeMap;

use am_model::duration::PromDuration;
use am_model::time_interval::TimeInterval;
use serde::{Deserialize, Deserializer};

use crate::global::RawGlobal;
use crate::receiver::RawReceiver;

/// The whole `alertmanager.yml` (upstream `config.Config`). `tracing` (0.30+) and
/// `event_recorder` (0.33+) are not part of v0.28 and are refused as unknown fields.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// `global:` defaults inherited by receivers.
    #[serde(default)]
    pub global: Option<RawGlobal>,
    /// `route:` the root of the routing tree (required).
    #[serde(default)]
    pub route: Option<RawRoute>,
    /// `inhibit_rules:`.
    #[serde(default)]
    pub inhibit_rules: Option<Vec<RawInhibitRule>>,
    /// `receivers:`; a null entry is `None` (a nameless receiver in upstream v0.28).
    #[serde(default)]
    pub receivers: Option<Vec<Option<RawReceiver>>>,
    /// `templates:` file globs.
    #[serde(default)]
    pub templates: Option<Vec<String>>,
    /// `mute_time_intervals:` (deprecated spelling of `time_intervals`); a null entry is
    /// `None` (a nameless interval in upstream v0.28).
    #[serde(default)]
    pub mute_time_intervals: Option<Vec<Option<RawTimeInterval>>>,
    /// `time_intervals:` named time intervals; a null entry is `None`, as above.
    #[serde(default)]
    pub time_intervals: Option<Vec<Option<RawTimeInterval>>>,
}

/// One node of the routing tree as written (upstream `config.Route`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// `receiver:` name of a receiver; inherited from the parent when absent.
    #[serde(default)]
    pub receiver: Option<String>,
    /// `group_by:` label names, or `['...']` for all labels.
    #[serde(default)]
    pub group_by: Option<Vec<String>>,
    /// `match:` deprecated equality matchers (label name → value).
    #[serde(default, rename = "match")]
    pub match_eq: Option<BTreeMap<String, Option<String>>>,
    /// `match_re:` deprecated regex matchers (label name → regex; null is an error).
    #[serde(default)]
    pub match_re: Option<BTreeMap<String, Option<String>>>,
    /// `matchers:` matcher strings, each possibly holding several matchers.
    #[serde(default)]
    pub matchers: Option<Vec<String>>,
    /// `mute_time_intervals:` names of time intervals during which the route is muted.
    #[serde(default)]
    pub mute_time_intervals: Option<Vec<String>>,
    /// `active_time_intervals:` names of time intervals outside of which the route is muted.
    #[serde(default)]
    pub active_time_intervals: Option<Vec<String>>,
    /// `continue:` keep matching siblings after this route matched.
    #[serde(default, rename = "continue")]
    pub continue_matching: Option<bool>,
    /// `routes:` child routes; a null entry is `None` (refused: upstream crashes on it).
    #[serde(default)]
    pub routes: Option<Vec<Option<RawRoute>>>,
    /// `group_wait:`.
    #[serde(default)]
    pub group_wait: Option<PromDuration>,
    /// `group_interval:`.
    #[serde(default)]
    pub group_interval: Option<PromDuration>,
    /// `repeat_interval:`.
    #[serde(default)]
    pub repeat_interval: Option<PromDuration>,
}

/// One inhibition rule as written (upstream `config.InhibitRule`, v0.28: no `name`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInhibitRule {
    /// `source_match:` deprecated equality matchers for the inhibiting alert.
    #[serde(default)]
    pub source_match: Option<BTreeMap<String, Option<String>>>,
    /// `source_match_re:` deprecated regex matchers for the inhibiting alert.
    #[serde(default)]
    pub source_match_re: Option<BTreeMap<String, Option<String>>>,
    /// `source_matchers:` matcher strings for the inhibiting alert.
    #[serde(default)]
    pub source_matchers: Option<Vec<String>>,
    /// `target_match:` deprecated equality matchers for the inhibited alert.
    #[serde(default)]
    pub target_match: Option<BTreeMap<String, Option<String>>>,
    /// `target_match_re:` deprecated regex matchers for the inhibited alert.
    #[serde(default)]
    pub target_match_re: Option<BTreeMap<String, Option<String>>>,
    /// `target_matchers:` matcher strings for the inhibited alert.
    #[serde(default)]
    pub target_matchers: Option<Vec<String>>,
    /// `equal:` label names whose values must be equal in source and target.
    #[serde(default)]
    pub equal: Option<Vec<String>>,
}

/// A named time interval as written, in `time_intervals:` or `mute_time_intervals:`
/// (upstream `config.TimeInterval` / `config.MuteTimeInterval`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTimeInterval {
    /// `name:` (required, unique across both lists).
    #[serde(default)]
    pub name: Option<String>,
    /// `time_intervals:` the periods; the named interval contains an instant when any does.
    #[serde(default)]
    pub time_intervals: Option<Vec<TimeInterval>>,
}

/// `deserialize_with` for an `Option` field whose Go type is a plain value with a non-zero
/// default (a template string, `send_resolved: true`): yaml.v2 gives an explicit null the
/// zero value, overriding the default that `UnmarshalYAML` set before decoding. So a null
/// reads as `Some(T::default())`, while an absent key stays `None` (use with
/// `#[serde(default)]`). Fields that are Go pointers, or whose default is already the zero
/// value, keep plain `Option` semantics (null = absent).
///
/// # Errors
/// Whatever decoding `T` fails with.
pub(crate) fn null_is_zero<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Some(
        Option::<T>::deserialize(deserializer)?.unwrap_or_default(),
    ))
}

/// [`null_is_zero`] for a Go `time.Duration` written as text: a null is `"0s"`.
///
/// # Errors
/// Whatever decoding a string fails with.
pub(crate) fn null_is_zero_duration<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Some(
        Option::<String>::deserialize(deserializer)?.unwrap_or_else(|| "0s".to_string()),
    ))
}
