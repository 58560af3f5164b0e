//! Secrets in the configuration: [`Secret`] (a string that never prints) and [`SecretSource`]
//! (a secret given inline or read from a file). Mirrors upstream's `config.Secret` (in
//! `config/config.go`) and prometheus/common's `config.Secret`, and replaces the many
//! "at most one of `x` & `x_file` must be configured" checks of upstream's `UnmarshalYAML`
//! methods with one resolver, [`SecretSource::from_pair`].

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::error::ConfigError;
use crate::yaml::YamlPath;

/// What upstream prints in place of a secret value.
pub const REDACTED: &str = "<secret>";

/// A string that must not be revealed: `Debug`, `Display` and `Serialize` print `<secret>`.
/// Use [`Secret::expose`] to read the value.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    /// `<secret>`, or null for the empty secret (upstream's `Secret.MarshalYAML`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            serializer.serialize_none()
        } else {
            serializer.serialize_str(REDACTED)
        }
    }
}

/// Where a secret comes from: the configuration file itself or a file read at notification
/// time (upstream reads `*_file` secrets on every use, so rotating the file needs no reload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// The value was written in the configuration.
    Inline(Secret),
    /// The value is read from this file (path as written; relative paths are not resolved here).
    File(PathBuf),
}

/// Where a credential or PEM blob of prometheus/common's HTTP/TLS settings comes from
/// (`x`, `x_file` or `x_ref`; at most one may be set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueSource<T> {
    /// Written inline.
    Inline(T),
    /// Read from a file.
    File(String),
    /// Named in a secret manager (Alertmanager has none, so building a client fails).
    Ref(String),
}

impl<T> ValueSource<T> {
    /// Picks the one non-empty source; `Err(())` when more than one is set.
    pub(crate) fn pick(
        inline: Option<String>,
        file: Option<String>,
        reference: Option<String>,
        wrap: impl FnOnce(String) -> T,
    ) -> Result<Option<Self>, ()> {
        let inline = inline.filter(|s| !s.is_empty());
        let file = file.filter(|s| !s.is_empty());
        let reference = reference.filter(|s| !s.is_empty());
        match (inline, file, reference) {
            (None, None, None) => Ok(None),
            (Some(v), None, None) => Ok(Some(Self::Inline(wrap(v)))),
            (None, Some(f), None) => Ok(Some(Self::File(f))),
            (None, None, Some(r)) => Ok(Some(Self::Ref(r))),
            _ => Err(()),
        }
    }

    /// The file, if the value comes from one.
    pub fn file(&self) -> Option<&str> {
        match self {
            Self::File(f) => Some(f),
            _ => None,
        }
    }

    /// The secret-manager reference, if any.
    pub fn reference(&self) -> Option<&str> {
        match self {
            Self::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// The inline value, if any.
    pub fn inline(&self) -> Option<&T> {
        match self {
            Self::Inline(v) => Some(v),
            _ => None,
        }
    }

    /// Joins a relative file path with `dir`.
    pub(crate) fn set_directory(&mut self, dir: &Path) {
        if let Self::File(f) = self {
            *f = crate::tls_config::join_dir(dir, f);
        }
    }
}

/// How [`SecretSource::from_pair`] decides whether the inline half of a pair is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlineSet {
    /// Set when non-empty (upstream fields of type `Secret`, compared with `""`).
    NonEmpty,
    /// Set when present at all, even as `""` (upstream fields of type `*Secret`).
    Present,
}

impl SecretSource {
    /// Resolves an `x` / `x_file` pair. An empty `x_file` counts as unset. When both are set,
    /// the error is upstream's `at most one of x & x_file must be configured`, at `path`
    /// (the mapping holding both keys).
    pub fn from_pair(
        inline: Option<String>,
        file: Option<String>,
        inline_set: InlineSet,
        path: &YamlPath,
        key: &str,
        file_key: &str,
    ) -> Result<Option<SecretSource>, ConfigError> {
        let inline = inline.filter(|v| inline_set == InlineSet::Present || !v.is_empty());
        let file = file.filter(|v| !v.is_empty());
        match (inline, file) {
            (Some(_), Some(_)) => Err(ConfigError::at(
                path.clone(),
                format!("at most one of {key} & {file_key} must be configured"),
            )),
            (Some(v), None) => Ok(Some(SecretSource::Inline(Secret::new(v)))),
            (None, Some(f)) => Ok(Some(SecretSource::File(PathBuf::from(f)))),
            (None, None) => Ok(None),
        }
    }

    /// The inline secret, if any.
    pub fn inline(&self) -> Option<&Secret> {
        match self {
            SecretSource::Inline(s) => Some(s),
            SecretSource::File(_) => None,
        }
    }

    /// The file, if any.
    pub fn file(&self) -> Option<&Path> {
        match self {
            SecretSource::Inline(_) => None,
            SecretSource::File(p) => Some(p),
        }
    }

    /// Reads the secret: the inline value, or the file's content with surrounding whitespace
    /// trimmed (as upstream's notifiers do).
    ///
    /// # Errors
    /// Returns the I/O error when the file cannot be read.
    pub fn read(&self) -> std::io::Result<Secret> {
        match self {
            SecretSource::Inline(s) => Ok(s.clone()),
            SecretSource::File(p) => {
                let text = std::fs::read_to_string(p)?;
                Ok(Secret::new(text.trim()))
            }
        }
    }
}

/// Prints an `x` / `x_file` pair (both `omitempty` upstream): only the half that is set;
/// an inline secret as `<secret>`, except an empty one (upstream's set-but-empty `*Secret`),
/// which prints as `null`.
pub(crate) fn serialize_pair<M: SerializeMap>(
    map: &mut M,
    source: Option<&SecretSource>,
    key: &str,
    file_key: &str,
) -> Result<(), M::Error> {
    match source {
        Some(SecretSource::Inline(s)) if s.is_empty() => map.serialize_entry(key, &None::<&str>),
        Some(SecretSource::Inline(_)) => map.serialize_entry(key, REDACTED),
        Some(SecretSource::File(p)) => map.serialize_entry(file_key, &p.to_string_lossy()),
        None => Ok(()),
    }
}

/// Prints an `omitempty` secret: nothing when empty, `<secret>` otherwise.
pub(crate) fn serialize_secret_omitempty<M: SerializeMap>(
    map: &mut M,
    key: &str,
    secret: &Secret,
) -> Result<(), M::Error> {
    if secret.is_empty() {
        Ok(())
    } else {
        map.serialize_entry(key, REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "<secret> <secret>");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"<secret>\"");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(serde_json::to_string(&Secret::default()).unwrap(), "null");
    }

    #[test]
    fn pair_resolution() {
        let p = YamlPath::parse("receivers[0].webhook_configs[1]");
        let both = SecretSource::from_pair(
            Some("a".into()),
            Some("/f".into()),
            InlineSet::NonEmpty,
            &p,
            "url",
            "url_file",
        )
        .unwrap_err();
        assert_eq!(
            both.message,
            "at most one of url & url_file must be configured"
        );
        assert_eq!(both.path, p);
        let empty_inline =
            SecretSource::from_pair(Some(String::new()), None, InlineSet::NonEmpty, &p, "a", "b");
        assert_eq!(empty_inline.unwrap(), None);
        let present =
            SecretSource::from_pair(Some(String::new()), None, InlineSet::Present, &p, "a", "b");
        assert_eq!(
            present.unwrap(),
            Some(SecretSource::Inline(Secret::new("")))
        );
        let file = SecretSource::from_pair(
            Some(String::new()),
            Some("x".into()),
            InlineSet::NonEmpty,
            &p,
            "a",
            "b",
        );
        assert_eq!(file.unwrap(), Some(SecretSource::File("x".into())));
    }

    #[test]
    fn read_trims_file_content() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("k");
        std::fs::write(&f, "  value\n").unwrap();
        assert_eq!(SecretSource::File(f).read().unwrap().expose(), "value");
    }
}
