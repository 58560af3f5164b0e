//! The validated routing tree. Mirrors upstream's `config.Route` (`UnmarshalYAML` checks in
//! `config/config.go`) together with the option inheritance of `dispatch.NewRoute`
//! (`dispatch/route.go`), both at v0.28: every [`Route`] carries its effective receiver,
//! grouping and timings, so the dispatcher never has to look at parents.
//!
//! Inheritance (v0.28): `receiver`, `group_by`, `group_wait`, `group_interval` and
//! `repeat_interval` come from the parent when absent; an explicit empty `group_by: []` also
//! inherits (0.31 changed that); `mute_time_intervals` / `active_time_intervals` and
//! `continue` are never inherited.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use am_model::duration::PromDuration;
use am_model::go_quote::quote;
use am_model::matcher::parse::{ParseMode, is_valid_label_name, parse_matchers};
use am_model::matcher::{GoRegex, MatchType, Matcher, Matchers};

use crate::error::ConfigError;
use crate::raw::RawRoute;
use crate::yaml::YamlPath;

/// Default `group_wait` of the root route (`dispatch.DefaultRouteOpts`).
pub const DEFAULT_GROUP_WAIT: Duration = Duration::from_secs(30);
/// Default `group_interval` of the root route.
pub const DEFAULT_GROUP_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// Default `repeat_interval` of the root route.
pub const DEFAULT_REPEAT_INTERVAL: Duration = Duration::from_secs(4 * 60 * 60);

/// How a route groups the alerts it receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// `group_by: ['...']`: one group per distinct label set.
    All,
    /// Group by these label names (in the order written; empty = one group for everything).
    Labels(Vec<String>),
}

impl GroupBy {
    /// Whether this is `...` (group by all labels).
    pub fn is_all(&self) -> bool {
        matches!(self, GroupBy::All)
    }

    /// The label names (empty for [`GroupBy::All`]).
    pub fn labels(&self) -> &[String] {
        match self {
            GroupBy::All => &[],
            GroupBy::Labels(labels) => labels,
        }
    }
}

/// One node of the routing tree with inheritance already applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The effective receiver name (always defined in `receivers`).
    pub receiver: String,
    /// The effective grouping.
    pub group_by: GroupBy,
    /// This node's matchers: `match` (as `=`), `match_re` (as `=~`) and `matchers`, sorted
    /// like upstream (by name, value, type). Empty at the root.
    pub matchers: Matchers,
    /// `continue`: keep evaluating siblings after this route matched.
    pub continue_matching: bool,
    /// Effective `group_wait`.
    pub group_wait: Duration,
    /// Effective `group_interval` (never zero).
    pub group_interval: Duration,
    /// Effective `repeat_interval` (never zero).
    pub repeat_interval: Duration,
    /// Names of time intervals during which notifications are muted (this node only).
    pub mute_time_intervals: Vec<String>,
    /// Names of time intervals outside of which notifications are muted (this node only).
    pub active_time_intervals: Vec<String>,
    /// Child routes, in file order.
    pub routes: Vec<Route>,
    /// What the file said for this node, for printing the configuration back.
    pub spec: RouteSpec,
}

/// The values a route node was written with (upstream prints these, not the inherited ones).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RouteSpec {
    /// `receiver:` as written.
    pub receiver: Option<String>,
    /// `group_by:` as written.
    pub group_by: Option<Vec<String>>,
    /// `match:` as written (sorted by label name).
    pub match_eq: Vec<(String, String)>,
    /// `match_re:` as written, without the anchoring (sorted by label name).
    pub match_re: Vec<(String, String)>,
    /// The matchers parsed from `matchers:` alone, sorted.
    pub matchers: Matchers,
    /// `group_wait:` as written.
    pub group_wait: Option<PromDuration>,
    /// `group_interval:` as written.
    pub group_interval: Option<PromDuration>,
    /// `repeat_interval:` as written.
    pub repeat_interval: Option<PromDuration>,
}

impl Route {
    /// Visits this route and all its descendants depth-first, parents before children.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Route)) {
        visit(self);
        for child in &self.routes {
            child.walk(visit);
        }
    }

    /// The number of routes in the tree, this one included.
    pub fn count(&self) -> usize {
        1 + self.routes.iter().map(Route::count).sum::<usize>()
    }
}

/// Builds the `=` and `=~` matchers of the deprecated `match` / `match_re` forms (also used by
/// inhibition rules), checking label names against the legacy rule as upstream does in every
/// mode. `match_re` values become `=~` matchers whose value is the anchored `^(?:re)$` text, as
/// upstream's `dispatch.NewRoute` and `inhibit.NewInhibitRule` pass `Regexp.String()` on; the
/// value shows in route keys and therefore in group keys.
pub(crate) fn legacy_matchers(
    match_eq: Option<&BTreeMap<String, Option<String>>>,
    match_re: Option<&BTreeMap<String, Option<String>>>,
    path_eq: &YamlPath,
    path_re: &YamlPath,
    errors: &mut Vec<ConfigError>,
) -> Matchers {
    let mut out = Matchers::new();
    for (name, value) in match_eq.into_iter().flatten() {
        if !am_model::labels::is_valid_legacy_label_name(name) {
            errors.push(invalid_label_name(path_eq.key(name.as_str()), name));
            continue;
        }
        let value = value.clone().unwrap_or_default();
        match Matcher::new(MatchType::Equal, name.as_str(), value) {
            Ok(m) => out.0.push(m),
            Err(e) => errors.push(ConfigError::at(path_eq.key(name.as_str()), e.to_string())),
        }
    }
    for (name, value) in match_re.into_iter().flatten() {
        let path = path_re.key(name.as_str());
        if !am_model::labels::is_valid_legacy_label_name(name) {
            errors.push(invalid_label_name(path, name));
            continue;
        }
        let Some(pattern) = value else {
            errors.push(ConfigError::at(
                path,
                format!("invalid regexp value for {}", quote(name)),
            ));
            continue;
        };
        let anchored = format!("^(?:{pattern})$");
        // Compile the pattern as written first so that the error shows what the user wrote
        // wrapped once, like upstream's `Regexp.UnmarshalYAML`.
        if let Err(e) = GoRegex::new_anchored(pattern) {
            errors.push(ConfigError::at(path, e.to_string()));
            continue;
        }
        match Matcher::new(MatchType::Regexp, name.as_str(), anchored) {
            Ok(m) => out.0.push(m),
            Err(e) => errors.push(ConfigError::at(path, e.to_string())),
        }
    }
    out
}

fn invalid_label_name(path: YamlPath, name: &str) -> ConfigError {
    ConfigError::at(path, format!("invalid label name {}", quote(name)))
}

/// Parses a list of matcher strings (`matchers:`, `source_matchers:`, …) with `mode`; each
/// string may hold several matchers. Fallback-parser warnings are collected as
/// [`ConfigError`]s on the string's path. The result is sorted like upstream.
pub(crate) fn parse_matcher_list(
    lines: Option<&[String]>,
    path: &YamlPath,
    mode: ParseMode,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Matchers {
    let mut out = Matchers::new();
    for (i, line) in lines.into_iter().flatten().enumerate() {
        match parse_matchers(line, mode) {
            Ok(parsed) => {
                warnings.extend(
                    parsed
                        .warnings
                        .into_iter()
                        .map(|w| ConfigError::at(path.index(i), w)),
                );
                out.extend(parsed.matchers);
            }
            Err(e) => errors.push(ConfigError::at(path.index(i), e.to_string())),
        }
    }
    out.sort();
    out
}

/// Names defined elsewhere in the file that routes may refer to.
pub(crate) struct Defined<'a> {
    /// Receiver names.
    pub receivers: &'a HashSet<String>,
    /// Time interval names (both lists).
    pub time_intervals: &'a HashSet<String>,
}

/// What the route builder needs besides the node itself.
pub(crate) struct RouteBuilder<'a> {
    /// Names routes may refer to.
    pub defined: Defined<'a>,
    /// Matcher parser and label name rules.
    pub mode: ParseMode,
    /// Errors found so far.
    pub errors: &'a mut Vec<ConfigError>,
    /// Parser warnings found so far.
    pub warnings: &'a mut Vec<ConfigError>,
}

/// The options a child inherits.
struct Inherited<'a> {
    receiver: &'a str,
    group_by: &'a GroupBy,
    group_wait: Duration,
    group_interval: Duration,
    repeat_interval: Duration,
}

impl RouteBuilder<'_> {
    /// Validates the root route (`route:`) and builds the whole tree. Returns `None` when any
    /// error was found in the tree.
    pub fn root(&mut self, raw: RawRoute) -> Option<Route> {
        let path = YamlPath::root().key("route");
        let before = self.errors.len();
        if raw.receiver.as_deref().unwrap_or("").is_empty() {
            self.error(&path, "root route must specify a default receiver");
        }
        let matcher_keys = [
            (
                "match",
                raw.match_eq.as_ref().is_some_and(|m| !m.is_empty()),
            ),
            (
                "match_re",
                raw.match_re.as_ref().is_some_and(|m| !m.is_empty()),
            ),
            (
                "matchers",
                raw.matchers.as_ref().is_some_and(|m| !m.is_empty()),
            ),
        ];
        if let Some((key, _)) = matcher_keys.iter().find(|(_, present)| *present) {
            self.error(&path.key(*key), "root route must not have any matchers");
        }
        if raw
            .mute_time_intervals
            .as_ref()
            .is_some_and(|v| !v.is_empty())
        {
            let p = path.key("mute_time_intervals");
            self.error(&p, "root route must not have any mute time intervals");
        }
        if raw
            .active_time_intervals
            .as_ref()
            .is_some_and(|v| !v.is_empty())
        {
            let p = path.key("active_time_intervals");
            self.error(&p, "root route must not have any active time intervals");
        }
        if raw.continue_matching == Some(true) {
            self.error(&path.key("continue"), "cannot have continue in root route");
        }
        let defaults = GroupBy::Labels(Vec::new());
        let parent = Inherited {
            receiver: "",
            group_by: &defaults,
            group_wait: DEFAULT_GROUP_WAIT,
            group_interval: DEFAULT_GROUP_INTERVAL,
            repeat_interval: DEFAULT_REPEAT_INTERVAL,
        };
        let route = self.node(raw, &parent, &path);
        if self.errors.len() > before {
            None
        } else {
            route
        }
    }

    fn error(&mut self, path: &YamlPath, message: impl Into<String>) {
        self.errors.push(ConfigError::at(path.clone(), message));
    }

    /// A null entry in `routes:`: yaml.v2 decodes it as a `nil` `*Route`, on which upstream
    /// (0.25 to 0.28) crashes while checking receivers; refused here instead.
    fn null_route(&mut self, path: &YamlPath) {
        self.errors.push(
            ConfigError::at(path.clone(), "route must not be empty (null)")
                .with_hint("write {} for a route that matches every alert, or remove the entry"),
        );
    }

    /// Validates one node and its children against its parent's options.
    fn node(&mut self, raw: RawRoute, parent: &Inherited<'_>, path: &YamlPath) -> Option<Route> {
        let receiver = match raw.receiver.as_deref() {
            Some(name) if !name.is_empty() => {
                if !self.defined.receivers.contains(name) {
                    let message = format!("undefined receiver {} used in route", quote(name));
                    self.error(&path.key("receiver"), message);
                }
                name.to_owned()
            }
            _ => parent.receiver.to_owned(),
        };
        let group_by = self
            .group_by(raw.group_by.as_deref(), path)
            .unwrap_or_else(|| parent.group_by.clone());
        let group_wait = raw
            .group_wait
            .map_or(parent.group_wait, PromDuration::as_duration);
        let group_interval = self
            .non_zero(raw.group_interval, "group_interval", path)
            .unwrap_or(parent.group_interval);
        let repeat_interval = self
            .non_zero(raw.repeat_interval, "repeat_interval", path)
            .unwrap_or(parent.repeat_interval);

        let mut matchers = legacy_matchers(
            raw.match_eq.as_ref(),
            raw.match_re.as_ref(),
            &path.key("match"),
            &path.key("match_re"),
            self.errors,
        );
        let written = parse_matcher_list(
            raw.matchers.as_deref(),
            &path.key("matchers"),
            self.mode,
            self.errors,
            self.warnings,
        );
        matchers.extend(written.iter().cloned());
        matchers.sort();

        let mute_time_intervals =
            self.interval_names(raw.mute_time_intervals, "mute_time_intervals", path);
        let active_time_intervals =
            self.interval_names(raw.active_time_intervals, "active_time_intervals", path);

        let inherited = Inherited {
            receiver: &receiver,
            group_by: &group_by,
            group_wait,
            group_interval,
            repeat_interval,
        };
        let routes_path = path.key("routes");
        let routes: Vec<Option<Route>> = raw
            .routes
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, child)| {
                let child_path = routes_path.index(i);
                match child {
                    Some(child) => self.node(child, &inherited, &child_path),
                    None => {
                        self.null_route(&child_path);
                        None
                    }
                }
            })
            .collect();

        let spec = RouteSpec {
            receiver: raw.receiver,
            group_by: raw.group_by,
            match_eq: sorted_pairs(raw.match_eq),
            match_re: sorted_pairs(raw.match_re),
            matchers: written,
            group_wait: raw.group_wait,
            group_interval: raw.group_interval,
            repeat_interval: raw.repeat_interval,
        };
        Some(Route {
            receiver,
            group_by,
            matchers,
            continue_matching: raw.continue_matching.unwrap_or(false),
            group_wait,
            group_interval,
            repeat_interval,
            mute_time_intervals,
            active_time_intervals,
            routes: routes.into_iter().collect::<Option<Vec<_>>>()?,
            spec,
        })
    }

    /// This node's own grouping, or `None` to inherit the parent's (absent, empty or invalid).
    fn group_by(&mut self, list: Option<&[String]>, path: &YamlPath) -> Option<GroupBy> {
        let list = list?;
        let path = path.key("group_by");
        let mut all = false;
        let mut labels: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for (i, label) in list.iter().enumerate() {
            if label == "..." {
                all = true;
                continue;
            }
            if !is_valid_label_name(label, self.mode) {
                let message = format!("invalid label name {} in group_by list", quote(label));
                self.error(&path.index(i), message);
                continue;
            }
            if !seen.insert(label.as_str()) {
                let message = format!("duplicated label {} in group_by", quote(label));
                self.error(&path.index(i), message);
                continue;
            }
            labels.push(label.clone());
        }
        if all && !labels.is_empty() {
            let message = "cannot have wildcard group_by (`...`) and other labels at the same time";
            self.error(&path, message);
        }
        if !labels.is_empty() {
            Some(GroupBy::Labels(labels))
        } else if all {
            Some(GroupBy::All)
        } else {
            None
        }
    }

    /// `group_interval` / `repeat_interval`: zero is refused.
    fn non_zero(
        &mut self,
        value: Option<PromDuration>,
        key: &str,
        path: &YamlPath,
    ) -> Option<Duration> {
        let value = value?.as_duration();
        if value.is_zero() {
            self.error(&path.key(key), format!("{key} cannot be zero"));
            return None;
        }
        Some(value)
    }

    /// `mute_time_intervals` / `active_time_intervals`: every name must be defined.
    fn interval_names(
        &mut self,
        names: Option<Vec<String>>,
        key: &str,
        path: &YamlPath,
    ) -> Vec<String> {
        let names = names.unwrap_or_default();
        for (i, name) in names.iter().enumerate() {
            if !self.defined.time_intervals.contains(name) {
                let message = format!("undefined time interval {} used in route", quote(name));
                self.error(&path.key(key).index(i), message);
            }
        }
        names
    }
}

/// A `match` / `match_re` map as sorted pairs (null values read as empty strings).
pub(crate) fn sorted_pairs(map: Option<BTreeMap<String, Option<String>>>) -> Vec<(String, String)> {
    map.unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}
