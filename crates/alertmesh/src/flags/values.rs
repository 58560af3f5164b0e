//! Value types and parsers for the flags that are not plain strings: kingpin-compatible numbers,
//! the promslog log level and format, and the `--enable-feature` list
//! (`featurecontrol/featurecontrol.go` upstream).

use std::fmt;

use am_model::duration::{GoDuration, GoDurationError};

/// Parses a duration flag value (Go `time.ParseDuration` syntax, not negative).
pub(super) fn parse_duration(text: &str) -> Result<GoDuration, GoDurationError> {
    text.parse()
}

/// Parses a timeout where, as upstream documents, zero or a negative value means "no
/// timeout"; negative values are therefore read as zero.
pub(super) fn parse_timeout(text: &str) -> Result<GoDuration, GoDurationError> {
    match text.parse() {
        Err(GoDurationError::Negative(_)) => Ok(GoDuration::default()),
        other => other,
    }
}

/// A number flag value that is not a number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a number")]
pub struct NotANumber;

/// Parses an integer flag value the way kingpin does: the text is read as a float and truncated
/// towards zero, so `10`, `1e3` and `2.7` are all accepted (as 10, 1000 and 2).
pub(super) fn parse_kingpin_int(text: &str) -> Result<i64, NotANumber> {
    let value = parse_kingpin_float(text)?;
    // `as` saturates at the i64 bounds, which is as close to Go's conversion as is defined.
    Ok(value.trunc() as i64)
}

/// Parses a float flag value; only finite numbers are accepted.
pub(super) fn parse_kingpin_float(text: &str) -> Result<f64, NotANumber> {
    let value: f64 = text.parse().map_err(|_| NotANumber)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(NotANumber)
    }
}

/// Minimum severity of logged messages (`--log.level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Everything, including per-request and per-alert details.
    Debug,
    /// Normal operation.
    Info,
    /// Problems that do not stop alertmesh.
    Warn,
    /// Failures only.
    Error,
}

/// Output format of log lines (`--log.format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// `key=value` pairs, one line per message.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// An unknown `--log.level` or `--log.format` value; messages match promslog.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogFlagError {
    /// Unknown level.
    #[error("unrecognized log level {0}")]
    Level(String),
    /// Unknown format.
    #[error("unrecognized log format {0}")]
    Format(String),
}

impl LogLevel {
    /// The spelling used on the command line and in log lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(super) fn parse_log_level(text: &str) -> Result<LogLevel, LogFlagError> {
    Ok(match text {
        "debug" => LogLevel::Debug,
        "info" => LogLevel::Info,
        "warn" => LogLevel::Warn,
        "error" => LogLevel::Error,
        other => return Err(LogFlagError::Level(other.to_owned())),
    })
}

pub(super) fn parse_log_format(text: &str) -> Result<LogFormat, LogFlagError> {
    Ok(match text {
        "logfmt" => LogFormat::Logfmt,
        "json" => LogFormat::Json,
        other => return Err(LogFlagError::Format(other.to_owned())),
    })
}

/// One experimental feature that `--enable-feature` can switch on (Alertmanager 0.28's list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// `receiver-name-in-metrics`: label notification metrics with the receiver name.
    ReceiverNameInMetrics,
    /// `classic-mode`: parse matchers only with the pre-0.27 parser.
    ClassicMode,
    /// `utf8-strict-mode`: parse matchers only with the UTF-8 parser.
    Utf8StrictMode,
    /// `auto-gomemlimit`: Go-runtime only; accepted and ignored by alertmesh.
    AutoGoMemLimit,
    /// `auto-gomaxprocs`: Go-runtime only; accepted and ignored by alertmesh.
    AutoGoMaxProcs,
}

impl Feature {
    /// Every feature, in upstream's order.
    pub const ALL: [Self; 5] = [
        Self::ReceiverNameInMetrics,
        Self::ClassicMode,
        Self::Utf8StrictMode,
        Self::AutoGoMemLimit,
        Self::AutoGoMaxProcs,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::ReceiverNameInMetrics => "receiver-name-in-metrics",
            Self::ClassicMode => "classic-mode",
            Self::Utf8StrictMode => "utf8-strict-mode",
            Self::AutoGoMemLimit => "auto-gomemlimit",
            Self::AutoGoMaxProcs => "auto-gomaxprocs",
        }
    }
}

/// The features switched on by `--enable-feature`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    enabled: Vec<Feature>,
}

/// An invalid `--enable-feature` value; messages follow upstream's `featurecontrol`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeatureError {
    /// A name that is not in [`Feature::ALL`].
    #[error("Unknown option '{0}' for --enable-feature")]
    Unknown(String),
    /// `classic-mode` together with `utf8-strict-mode`.
    #[error("cannot have both classic and UTF-8 modes enabled")]
    ClassicAndUtf8,
}

impl Features {
    /// Parses the values of every `--enable-feature` flag; each is a comma-separated list.
    /// An absent or empty flag enables nothing, but an empty item in a non-empty list (`a,,b`)
    /// is an error, as upstream.
    ///
    /// # Errors
    /// Unknown feature names, and `classic-mode` with `utf8-strict-mode`.
    pub fn parse(values: &[String]) -> Result<Self, FeatureError> {
        let mut enabled = Vec::new();
        for value in values.iter().filter(|v| !v.is_empty()) {
            for name in value.split(',') {
                let feature = Feature::ALL
                    .into_iter()
                    .find(|f| f.name() == name)
                    .ok_or_else(|| FeatureError::Unknown(name.to_owned()))?;
                if !enabled.contains(&feature) {
                    enabled.push(feature);
                }
            }
        }
        let features = Self { enabled };
        if features.is_enabled(Feature::ClassicMode) && features.is_enabled(Feature::Utf8StrictMode)
        {
            return Err(FeatureError::ClassicAndUtf8);
        }
        Ok(features)
    }

    /// Whether `feature` is switched on.
    pub fn is_enabled(&self, feature: Feature) -> bool {
        self.enabled.contains(&feature)
    }

    /// The enabled features in the order they were first named.
    pub fn enabled(&self) -> &[Feature] {
        &self.enabled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn kingpin_ints_go_through_float_parsing() {
        assert_eq!(parse_kingpin_int("0"), Ok(0));
        assert_eq!(parse_kingpin_int("-5"), Ok(-5));
        assert_eq!(parse_kingpin_int("1e3"), Ok(1000));
        assert_eq!(parse_kingpin_int("2.7"), Ok(2));
        assert_eq!(parse_kingpin_int("-2.7"), Ok(-2));
        assert_eq!(parse_kingpin_int("x"), Err(NotANumber));
        assert_eq!(parse_kingpin_int(""), Err(NotANumber));
        assert_eq!(parse_kingpin_int("inf"), Err(NotANumber));
        assert_eq!(parse_kingpin_float("0.9"), Ok(0.9));
    }

    #[test]
    fn log_level_and_format() {
        assert_eq!(parse_log_level("warn"), Ok(LogLevel::Warn));
        assert_eq!(
            parse_log_level("WARN").unwrap_err().to_string(),
            "unrecognized log level WARN"
        );
        assert_eq!(parse_log_format("json"), Ok(LogFormat::Json));
        assert_eq!(
            parse_log_format("text").unwrap_err().to_string(),
            "unrecognized log format text"
        );
        assert!(LogLevel::Debug < LogLevel::Error);
    }

    #[test]
    fn features_from_comma_lists_and_repeats() {
        let features =
            Features::parse(&strings(&["classic-mode,auto-gomemlimit", "classic-mode"])).unwrap();
        assert_eq!(
            features.enabled(),
            [Feature::ClassicMode, Feature::AutoGoMemLimit]
        );
        assert!(features.is_enabled(Feature::ClassicMode));
        assert!(!features.is_enabled(Feature::Utf8StrictMode));
        assert_eq!(Features::parse(&strings(&[""])), Ok(Features::default()));
        assert_eq!(Features::parse(&[]), Ok(Features::default()));
    }

    #[test]
    fn feature_errors() {
        assert_eq!(
            Features::parse(&strings(&["bogus"]))
                .unwrap_err()
                .to_string(),
            "Unknown option 'bogus' for --enable-feature"
        );
        assert_eq!(
            Features::parse(&strings(&["classic-mode,"])),
            Err(FeatureError::Unknown(String::new()))
        );
        assert_eq!(
            Features::parse(&strings(&["classic-mode", "utf8-strict-mode"])),
            Err(FeatureError::ClassicAndUtf8)
        );
    }
}
