//! The validated configuration, the type the rest of alertmesh uses. Mirrors upstream's
//! `config.Config` (`config/config.go`, v0.28) after `Load`/`LoadFile`: defaults filled,
//! receivers' inheritance from `global` applied, routes' inheritance resolved, every
//! cross-reference checked.

use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::inhibit::InhibitRule;
use crate::receiver::Receiver;
use crate::route::Route;
use crate::time_interval::NamedTimeInterval;

/// A loaded, valid `alertmanager.yml`. Built by [`crate::load::load_str`] /
/// [`crate::load::load_file`]; printed back by [`Config::to_yaml`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `global:` with upstream's defaults for everything not written.
    pub global: GlobalConfig,
    /// The routing tree with inherited options resolved.
    pub route: Route,
    /// `inhibit_rules:` in file order.
    pub inhibit_rules: Vec<InhibitRule>,
    /// `receivers:` in file order (names are unique).
    pub receivers: Vec<Receiver>,
    /// `templates:` globs as written.
    pub templates: Vec<String>,
    /// `templates:` globs as the server uses them: relative globs joined to the directory of
    /// the configuration file (upstream's `resolveFilepaths`); equal to `templates` when the
    /// configuration was not loaded from a file.
    pub template_paths: Vec<String>,
    /// Named time intervals from `mute_time_intervals:` then `time_intervals:` (names are
    /// unique across both).
    pub time_intervals: Vec<NamedTimeInterval>,
    /// Non-fatal findings (matchers that only the classic parser accepts, or that the two
    /// parsers read differently), with file, line and path like errors.
    pub warnings: Vec<ConfigError>,
    /// The text the configuration was loaded from.
    pub original: String,
}

impl Config {
    /// The receiver called `name`.
    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name == name)
    }

    /// The named time interval called `name` (from either list).
    pub fn time_interval(&self, name: &str) -> Option<&NamedTimeInterval> {
        self.time_intervals.iter().find(|t| t.name == name)
    }
}
