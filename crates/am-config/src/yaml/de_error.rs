//! The error type of the YAML deserializer and the collector that gathers every problem of
//! one decode, in the way Go `yaml.v2` collects its `TypeError` list (`decode.go: terrors`).
//!
//! An error raised anywhere (including by a nested `Deserialize` impl via `Error::custom`)
//! starts without a location; the first node deserializer it passes through on the way out,
//! i.e. the innermost one, stamps its path and line on it.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use super::suggest;
use super::{Segment, YamlPath};
use crate::error::{ConfigError, ConfigErrors};

/// A decoding error: a message, an optional hint and, once known, where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    message: String,
    hint: Option<String>,
    location: Option<(YamlPath, u32)>,
}

impl Error {
    /// An error without a location yet.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            message: message.into(),
            hint: None,
            location: None,
        }))
    }

    /// Adds a hint.
    #[must_use]
    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.0.hint = hint;
        self
    }

    /// Stamps a location unless an inner node already did.
    #[must_use]
    pub(crate) fn located(mut self, path: &YamlPath, line: u32) -> Self {
        if self.0.location.is_none() {
            self.0.location = Some((path.clone(), line));
        }
        self
    }

    /// The message, without location or hint.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }

    fn into_config_error(self) -> ConfigError {
        let inner = *self.0;
        let (path, line) = match inner.location {
            Some((path, line)) => (path, Some(line)),
            None => (YamlPath::root(), None),
        };
        ConfigError {
            file: None,
            line,
            path,
            message: inner.message,
            hint: inner.hint,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((path, line)) = &self.0.location {
            write!(f, "line {line}: ")?;
            if !path.is_root() {
                write!(f, "{path}: ")?;
            }
        }
        f.write_str(&self.0.message)?;
        if let Some(hint) = &self.0.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let (message, hint) = suggest::unknown_field(field, expected);
        Self::new(message).with_hint(hint)
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let (message, hint) = suggest::unknown_variant(variant, expected);
        Self::new(message).with_hint(hint)
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(format!("missing required field {field:?}"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::new(format!("field {field:?} is set more than once"))
    }
}

/// Every problem found during one decode. Problems that do not stop decoding (unknown
/// fields, values of the wrong type, which are replaced by a zero value like yaml.v2 does)
/// are recorded here.
///
/// An error that does stop decoding (a nested `Deserialize` impl rejecting its value) aborts
/// serde's whole decode. To still report the problems after it, the decode is run again with
/// the failing node pruned (skipped as if absent), until it succeeds or no progress is made;
/// problems seen in several passes are reported once.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    errors: RefCell<Vec<Recorded>>,
    /// Nodes skipped in this pass because they failed in an earlier one.
    pruned: HashSet<YamlPath>,
}

#[derive(Debug)]
struct Recorded {
    error: ConfigError,
    /// Set for a value replaced by a zero value: follow-up errors at or below its path are
    /// consequences of the substitution and are dropped.
    covers_subtree: bool,
}

/// Most decode passes (each prunes one failing node).
const MAX_PASSES: usize = 32;

impl Collector {
    /// Records an error that did not stop decoding.
    pub(crate) fn record(&self, error: Error, covers_subtree: bool) {
        self.push(error.into_config_error(), covers_subtree);
    }

    fn push(&self, error: ConfigError, covers_subtree: bool) {
        let mut errors = self.errors.borrow_mut();
        let shadowed = errors.iter().any(|r| {
            (r.covers_subtree && error.path.segments().starts_with(r.error.path.segments()))
                || r.error == error
        });
        if !shadowed {
            errors.push(Recorded {
                error,
                covers_subtree,
            });
        }
    }

    /// True when the node at `path` is skipped in this pass.
    pub(crate) fn is_pruned(&self, path: &YamlPath) -> bool {
        !self.pruned.is_empty() && self.pruned.contains(path)
    }

    /// True for the error a pruned required field causes in its struct.
    fn caused_by_pruning(&self, error: &ConfigError) -> bool {
        self.pruned
            .iter()
            .any(|pruned| match pruned.segments().split_last() {
                Some((Segment::Key(key), parent)) => {
                    parent == error.path.segments()
                        && error.message == format!("missing required field {key:?}")
                }
                _ => false,
            })
    }

    /// Runs `decode` (one pass over the document) until it succeeds or cannot progress, and
    /// returns the value when no problem was found, else every problem in document order.
    pub(crate) fn run<T>(
        mut self,
        root: &YamlPath,
        mut decode: impl FnMut(&Collector) -> Result<T, Error>,
    ) -> Result<T, ConfigErrors> {
        for _ in 0..MAX_PASSES {
            let error = match decode(&self) {
                Ok(value) => return self.finish(Some(value)),
                Err(error) => error.into_config_error(),
            };
            let path = error.path.clone();
            if !self.caused_by_pruning(&error) {
                self.push(error, false);
            }
            let below_root = path.segments().len() > root.segments().len();
            if !below_root || !self.pruned.insert(path) {
                break;
            }
        }
        self.finish(None)
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, ConfigErrors> {
        let mut errors: Vec<ConfigError> = self
            .errors
            .into_inner()
            .into_iter()
            .map(|r| r.error)
            .collect();
        match value {
            Some(value) if errors.is_empty() => Ok(value),
            _ => {
                errors.sort_by_key(|e| e.line.unwrap_or(u32::MAX));
                Err(ConfigErrors(errors))
            }
        }
    }
}
