//! From [`RawConfig`] to [`Config`]: every check of upstream's `Config.UnmarshalYAML`,
//! `Route.UnmarshalYAML`, `InhibitRule.UnmarshalYAML`, `checkReceiver` and
//! `checkTimeInterval` (`config/config.go`, v0.28), plus the receivers' own validation.
//! Upstream stops at the first problem; here every problem that can be found at once is
//! reported, each on the YAML path of the offending node.

use std::collections::HashSet;

use am_model::go_quote::quote;
use am_model::matcher::parse::ParseMode;

use crate::config::Config;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::inhibit::inhibit_rule_from_raw;
use crate::raw::RawConfig;
use crate::receiver::Receiver;
use crate::route::{Defined, RouteBuilder};
use crate::time_interval::named_intervals;
use crate::yaml::YamlPath;

/// Validates a decoded file. `original` is kept in the result. On failure, every error found
/// (with paths, without file names or lines), in no particular order.
pub(crate) fn validate(
    raw: RawConfig,
    mode: ParseMode,
    original: &str,
) -> Result<Config, Vec<ConfigError>> {
    let root = YamlPath::root();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    let global = match GlobalConfig::from_raw(raw.global, &root.key("global")) {
        Ok(global) => Some(global),
        Err(e) => {
            errors.extend(e);
            None
        }
    };

    // Receivers: names must be unique; each is validated against `global` (skipped when
    // `global` itself is invalid, to avoid follow-up errors about missing global values).
    // A null entry is upstream v0.28's zero `Receiver`: it skips the missing-name check and
    // is a receiver named "" without integrations (which no route can use), so a second
    // one is a duplicate name.
    let mut receiver_names = HashSet::new();
    let mut receivers = Vec::new();
    for (i, raw_receiver) in raw.receivers.unwrap_or_default().into_iter().enumerate() {
        let path = root.key("receivers").index(i);
        let Some(raw_receiver) = raw_receiver else {
            if receiver_names.insert(String::new()) {
                receivers.push(Receiver::default());
            } else {
                let message = format!("notification config name {} is not unique", quote(""));
                errors.push(ConfigError::at(path, message));
            }
            continue;
        };
        let name = raw_receiver.name.clone().unwrap_or_default();
        if !name.is_empty() && !receiver_names.insert(name.clone()) {
            let message = format!("notification config name {} is not unique", quote(&name));
            errors.push(ConfigError::at(path.key("name"), message));
        }
        if let Some(global) = &global {
            match Receiver::from_raw(raw_receiver, global, &path) {
                Ok(receiver) => receivers.push(receiver),
                Err(e) => errors.extend(e),
            }
        }
    }

    let time_intervals = named_intervals(raw.mute_time_intervals, raw.time_intervals, &mut errors);
    let interval_names: HashSet<String> = time_intervals.iter().map(|t| t.name.clone()).collect();

    let route = match raw.route {
        None => {
            errors.push(ConfigError::at(root.clone(), "no routes provided"));
            None
        }
        Some(raw_route) => RouteBuilder {
            defined: Defined {
                receivers: &receiver_names,
                time_intervals: &interval_names,
            },
            mode,
            errors: &mut errors,
            warnings: &mut warnings,
        }
        .root(raw_route),
    };

    let mut inhibit_rules = Vec::new();
    for (i, raw_rule) in raw
        .inhibit_rules
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        if let Some(rule) = inhibit_rule_from_raw(raw_rule, i, mode, &mut errors, &mut warnings) {
            inhibit_rules.push(rule);
        }
    }

    let templates = raw.templates.unwrap_or_default();
    match (global, route) {
        (Some(global), Some(route)) if errors.is_empty() => Ok(Config {
            global,
            route,
            inhibit_rules,
            receivers,
            template_paths: templates.clone(),
            templates,
            time_intervals,
            warnings,
            original: original.to_owned(),
        }),
        _ => Err(errors),
    }
}
