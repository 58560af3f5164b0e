//! Named time intervals from the top-level `time_intervals:` and (deprecated)
//! `mute_time_intervals:` lists. Mirrors upstream's `config.TimeInterval` /
//! `config.MuteTimeInterval` and the uniqueness check in `Config.UnmarshalYAML`
//! (`config/config.go`, v0.28); the periods themselves are `am_model::time_interval`.

use std::collections::HashSet;

use am_model::go_quote::quote;
use am_model::time_interval::TimeInterval;
use serde::Serialize;

use crate::error::ConfigError;
use crate::raw::RawTimeInterval;
use crate::yaml::YamlPath;

/// Which top-level list a named interval was defined in (both are equivalent at run time;
/// the distinction only matters for printing the configuration back).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntervalList {
    /// `time_intervals:` (0.24+).
    TimeIntervals,
    /// `mute_time_intervals:` (deprecated).
    MuteTimeIntervals,
}

impl IntervalList {
    /// The top-level key of the list.
    pub fn key(self) -> &'static str {
        match self {
            IntervalList::TimeIntervals => "time_intervals",
            IntervalList::MuteTimeIntervals => "mute_time_intervals",
        }
    }
}

/// A named time interval: an instant is inside when any of its periods contains it
/// (upstream `timeinterval.Intervener`); an empty list contains nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedTimeInterval {
    /// Unique, non-empty name referenced by routes.
    pub name: String,
    /// The periods.
    #[serde(rename = "time_intervals")]
    pub intervals: Vec<TimeInterval>,
    /// The list the interval was defined in.
    #[serde(skip)]
    pub list: IntervalList,
}

/// Validates both lists: names must be present and unique across the two lists (the
/// `mute_time_intervals` list is checked first, as upstream does). Entries with errors are
/// left out of the result.
///
/// A null entry is upstream v0.28's zero `TimeInterval`: yaml.v2 does not call its
/// `UnmarshalYAML`, so it skips the missing-name check and becomes an interval named ""
/// with no periods (never active); a second one is a duplicate name.
pub(crate) fn named_intervals(
    mute_time_intervals: Option<Vec<Option<RawTimeInterval>>>,
    time_intervals: Option<Vec<Option<RawTimeInterval>>>,
    errors: &mut Vec<ConfigError>,
) -> Vec<NamedTimeInterval> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let lists = [
        (
            IntervalList::MuteTimeIntervals,
            mute_time_intervals,
            "mute time interval",
        ),
        (IntervalList::TimeIntervals, time_intervals, "time interval"),
    ];
    for (list, entries, what) in lists {
        let list_path = YamlPath::root().key(list.key());
        for (i, raw) in entries.unwrap_or_default().into_iter().enumerate() {
            let (name, intervals, name_path) = match raw {
                Some(raw) => {
                    let name_path = list_path.index(i).key("name");
                    let name = raw.name.unwrap_or_default();
                    if name.is_empty() {
                        errors.push(ConfigError::at(
                            name_path,
                            format!("missing name in {what}"),
                        ));
                        continue;
                    }
                    (name, raw.time_intervals.unwrap_or_default(), name_path)
                }
                None => (String::new(), Vec::new(), list_path.index(i)),
            };
            if !seen.insert(name.clone()) {
                errors.push(ConfigError::at(
                    name_path,
                    format!("{what} {} is not unique", quote(&name)),
                ));
                continue;
            }
            out.push(NamedTimeInterval {
                name,
                intervals,
                list,
            });
        }
    }
    out
}
