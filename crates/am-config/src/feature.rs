//! `--enable-feature` flags. Mirrors upstream's `featurecontrol/featurecontrol.go` (v0.28):
//! a comma-separated list of known feature names; unknown names are an error, and the two
//! matcher modes exclude each other. The matcher mode chosen here is what
//! `matcher/compat.InitFromFlags` derives: classic, UTF-8 strict, or the default fallback.

use am_model::matcher::parse::ParseMode;

/// `receiver-name-in-metrics`: add the receiver name to notification metrics.
pub const RECEIVER_NAME_IN_METRICS: &str = "receiver-name-in-metrics";
/// `classic-mode`: parse matchers and validate label names the pre-0.27 way.
pub const CLASSIC_MODE: &str = "classic-mode";
/// `utf8-strict-mode`: parse matchers with the UTF-8 parser only.
pub const UTF8_STRICT_MODE: &str = "utf8-strict-mode";
/// `auto-gomemlimit`: set Go's memory limit from the cgroup limit (accepted, no effect here).
pub const AUTO_GOMEMLIMIT: &str = "auto-gomemlimit";
/// `auto-gomaxprocs`: set Go's GOMAXPROCS from the CPU quota (accepted, no effect here).
pub const AUTO_GOMAXPROCS: &str = "auto-gomaxprocs";

/// Every feature name v0.28 accepts.
pub const KNOWN_FEATURES: [&str; 5] = [
    RECEIVER_NAME_IN_METRICS,
    CLASSIC_MODE,
    UTF8_STRICT_MODE,
    AUTO_GOMEMLIMIT,
    AUTO_GOMAXPROCS,
];

/// The features enabled with `--enable-feature`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// How matchers are parsed and label names validated (default: fallback).
    pub matcher_mode: ParseMode,
    /// `receiver-name-in-metrics`.
    pub receiver_name_in_metrics: bool,
    /// `auto-gomemlimit` (Go runtime tuning; recorded for logging only).
    pub auto_gomemlimit: bool,
    /// `auto-gomaxprocs` (Go runtime tuning; recorded for logging only).
    pub auto_gomaxprocs: bool,
    /// The enabled feature names in the order given, for the "enabled" log lines.
    pub enabled: Vec<String>,
}

/// Why an `--enable-feature` value was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeatureError {
    /// A name that is not a v0.28 feature (upstream's wording).
    #[error("Unknown option '{0}' for --enable-feature")]
    Unknown(String),
    /// `classic-mode` together with `utf8-strict-mode`.
    #[error("cannot have both classic and UTF-8 modes enabled")]
    ConflictingModes,
}

impl Features {
    /// Parses one `--enable-feature` value (`"classic-mode,receiver-name-in-metrics"`).
    /// The empty string enables nothing; an empty item (`"a,,b"`) is an unknown option.
    ///
    /// # Errors
    /// [`FeatureError::Unknown`] for the first unknown name, or
    /// [`FeatureError::ConflictingModes`].
    pub fn parse(value: &str) -> Result<Features, FeatureError> {
        Features::parse_all([value])
    }

    /// Parses several `--enable-feature` values (the flag given more than once), each a
    /// comma-separated list; empty values are skipped.
    ///
    /// # Errors
    /// As for [`Features::parse`].
    pub fn parse_all<'a>(
        values: impl IntoIterator<Item = &'a str>,
    ) -> Result<Features, FeatureError> {
        let mut features = Features::default();
        let (mut classic, mut strict) = (false, false);
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            for name in value.split(',') {
                match name {
                    RECEIVER_NAME_IN_METRICS => features.receiver_name_in_metrics = true,
                    CLASSIC_MODE => classic = true,
                    UTF8_STRICT_MODE => strict = true,
                    AUTO_GOMEMLIMIT => features.auto_gomemlimit = true,
                    AUTO_GOMAXPROCS => features.auto_gomaxprocs = true,
                    other => return Err(FeatureError::Unknown(other.to_owned())),
                }
                features.enabled.push(name.to_owned());
            }
        }
        features.matcher_mode = match (classic, strict) {
            (true, true) => return Err(FeatureError::ConflictingModes),
            (true, false) => ParseMode::Classic,
            (false, true) => ParseMode::Utf8Strict,
            (false, false) => ParseMode::Fallback,
        };
        Ok(features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_flags() {
        assert_eq!(
            Features::parse("").map(|f| f.matcher_mode),
            Ok(ParseMode::Fallback)
        );
        let f = Features::parse("classic-mode,receiver-name-in-metrics").unwrap();
        assert_eq!(f.matcher_mode, ParseMode::Classic);
        assert!(f.receiver_name_in_metrics && !f.auto_gomemlimit && !f.auto_gomaxprocs);
        assert_eq!(f.enabled, ["classic-mode", "receiver-name-in-metrics"]);
        let f =
            Features::parse_all(["utf8-strict-mode", "auto-gomemlimit,auto-gomaxprocs"]).unwrap();
        assert_eq!(f.matcher_mode, ParseMode::Utf8Strict);
        assert!(f.auto_gomemlimit && f.auto_gomaxprocs && !f.receiver_name_in_metrics);
    }

    #[test]
    fn unknown_and_conflicting() {
        let e = Features::parse("receiver-name-in-metrics,tracing").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Unknown option 'tracing' for --enable-feature"
        );
        let e = Features::parse("classic-mode,").unwrap_err();
        assert_eq!(e, FeatureError::Unknown(String::new()));
        let e = Features::parse_all(["classic-mode", "utf8-strict-mode"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot have both classic and UTF-8 modes enabled"
        );
    }
}
