//! Bits shared by every integration's validation and printing: an error collector, the
//! yaml.v2 forms of a Go `time.Duration` field (used by a few upstream notifier fields, unlike
//! Prometheus durations; the duration itself is `am_model`'s [`SignedGoDuration`]), and
//! helpers that print map entries with yaml.v2's `omitempty` rules.

use std::collections::BTreeMap;

pub use am_model::duration::SignedGoDuration;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::url::{HttpUrl, SecretUrl, SecretUrlSource};
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::{InlineSet, SecretSource};
use crate::yaml::YamlPath;

/// Collects validation errors so that one load reports all of them.
#[derive(Debug, Default)]
pub(crate) struct Errors(pub(crate) Vec<ConfigError>);

impl Errors {
    /// Records an error at `path`.
    pub(crate) fn push(&mut self, path: YamlPath, message: impl Into<String>) {
        self.0.push(ConfigError::at(path, message));
    }

    /// Records an already-built error.
    pub(crate) fn add(&mut self, error: ConfigError) {
        self.0.push(error);
    }

    /// Keeps the value of `result`, recording its errors.
    pub(crate) fn take<T>(&mut self, result: Result<T, ConfigError>) -> Option<T> {
        result.map_err(|e| self.add(e)).ok()
    }

    /// Keeps the value of `result`, recording its errors (multi-error form).
    pub(crate) fn take_all<T>(&mut self, result: Result<T, Vec<ConfigError>>) -> Option<T> {
        result.map_err(|e| self.0.extend(e)).ok()
    }

    /// `Ok(value)` when nothing was recorded.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Vec<ConfigError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    /// True when nothing was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A `time.Duration` field as written: yaml.v2 accepts integers (nanoseconds), floats
/// (truncated) and `time.ParseDuration` strings.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawGoDuration {
    /// An integer: nanoseconds.
    Int(i64),
    /// A float: nanoseconds, truncated.
    Float(f64),
    /// A string for `time.ParseDuration`.
    Text(String),
}

impl RawGoDuration {
    /// The duration, or yaml.v2's error text.
    pub fn resolve(&self) -> Result<SignedGoDuration, String> {
        match self {
            RawGoDuration::Int(n) => Ok(SignedGoDuration(*n)),
            #[allow(clippy::cast_possible_truncation)]
            RawGoDuration::Float(x) if x.is_finite() && x.abs() < 9.2e18 => {
                Ok(SignedGoDuration(*x as i64))
            }
            RawGoDuration::Float(x) => {
                Err(format!("cannot unmarshal !!float `{x}` into time.Duration"))
            }
            RawGoDuration::Text(s) => s
                .parse()
                .map_err(|_| format!("cannot unmarshal !!str `{s}` into time.Duration")),
        }
    }
}

/// Map-printing helpers with yaml.v2's `omitempty` behaviour.
pub(crate) trait MapExt: SerializeMap {
    /// Always prints the entry.
    fn put<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> Result<(), Self::Error> {
        self.serialize_entry(key, value)
    }

    /// Prints a string unless it is empty.
    fn put_str(&mut self, key: &str, value: &str) -> Result<(), Self::Error> {
        if value.is_empty() {
            Ok(())
        } else {
            self.serialize_entry(key, value)
        }
    }

    /// Prints a value unless it is `None`.
    fn put_opt<V: Serialize>(&mut self, key: &str, value: Option<&V>) -> Result<(), Self::Error> {
        match value {
            Some(v) => self.serialize_entry(key, v),
            None => Ok(()),
        }
    }

    /// Prints a boolean unless it is false.
    fn put_true(&mut self, key: &str, value: bool) -> Result<(), Self::Error> {
        if value {
            self.serialize_entry(key, &true)
        } else {
            Ok(())
        }
    }

    /// Prints a list unless it is empty.
    fn put_list<V: Serialize>(&mut self, key: &str, value: &[V]) -> Result<(), Self::Error> {
        if value.is_empty() {
            Ok(())
        } else {
            self.serialize_entry(key, value)
        }
    }

    /// Prints a map unless it is empty.
    fn put_map<V: Serialize>(
        &mut self,
        key: &str,
        value: &BTreeMap<String, V>,
    ) -> Result<(), Self::Error> {
        if value.is_empty() {
            Ok(())
        } else {
            self.serialize_entry(key, value)
        }
    }
}

impl<M: SerializeMap> MapExt for M {}

/// Returns `value`, or `default` when the key was absent.
pub(crate) fn or_default(value: Option<String>, default: &str) -> String {
    value.unwrap_or_else(|| default.to_string())
}

/// A structural check that a Go `text/template` parses: actions are closed (`unclosed
/// action`, `unclosed comment`, `unterminated quoted string`), not empty, and `if`/`range`/
/// `with`/`define`/`block` are balanced by `end`, with `else` only inside them. Messages are
/// Go's (`template: :1: unexpected EOF`). Pipelines, functions and variables are not checked:
/// the template engine does that when it renders.
pub(crate) fn check_template_delims(text: &str) -> Result<(), String> {
    let err = |pos: usize, msg: &str| {
        let line = 1 + text[..pos].matches('\n').count();
        Err(format!("template: :{line}: {msg}"))
    };
    let bytes = text.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(found) = text[i..].find("{{") {
        let start = i + found;
        let mut j = start + 2;
        if text[j..].starts_with("- ") {
            j += 2;
        }
        let body_start = j;
        if text[j..].trim_start().starts_with("/*") {
            let Some(end) = text[j..].find("*/") else {
                return err(start, "unclosed comment");
            };
            let after = j + end + 2;
            let close = text[after..]
                .trim_start_matches(' ')
                .trim_start_matches('-');
            if !close.trim_start().starts_with("}}") {
                return err(start, "comment ends before closing delimiter");
            }
            i = text.len() - close.trim_start().len() + 2;
            continue;
        }
        // Find the closing delimiter outside quoted strings.
        let mut quote: Option<u8> = None;
        let mut close = None;
        while j < bytes.len() {
            let b = bytes[j];
            match quote {
                Some(q) if b == b'\\' && q != b'`' => j += 1,
                Some(q) if b == q => quote = None,
                Some(q) if b == b'\n' && q != b'`' => {
                    return err(j, "unterminated quoted string");
                }
                Some(_) => {}
                None if b == b'"' || b == b'`' || b == b'\'' => quote = Some(b),
                None if text[j..].starts_with("}}") => {
                    close = Some(j);
                    break;
                }
                None => {}
            }
            j += 1;
        }
        let Some(close) = close else {
            return err(start, "unclosed action");
        };
        let body = text[body_start..close].trim_end_matches('-').trim();
        let word = body
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default();
        match word {
            _ if body.is_empty() => return err(start, "missing value for command"),
            "if" | "range" | "with" | "define" | "block" => open.push(word),
            "end" if open.pop().is_none() => return err(start, "unexpected {{end}}"),
            "else" if !matches!(open.last(), Some(&("if" | "range" | "with"))) => {
                return err(start, "unexpected {{else}}");
            }
            _ => {}
        }
        i = close + 2;
    }
    if open.is_empty() {
        Ok(())
    } else {
        err(text.len(), "unexpected EOF")
    }
}

/// Parses an optional URL-valued key of `path`; absent keeps `default`.
pub(crate) fn url_field(
    errs: &mut Errors,
    text: Option<String>,
    path: &YamlPath,
    key: &str,
) -> Option<HttpUrl> {
    let text = text?;
    errs.take(HttpUrl::parse(&text).map_err(|m| ConfigError::at(path.key(key), m)))
}

/// Resolves an `x` / `x_file` pair whose inline half is a secret URL.
pub(crate) fn secret_url_pair(
    errs: &mut Errors,
    inline: Option<String>,
    file: Option<String>,
    path: &YamlPath,
    keys: (&str, &str),
) -> Option<SecretUrlSource> {
    let inline = match inline {
        Some(text) => {
            let parsed = SecretUrl::parse(&text).map_err(|m| ConfigError::at(path.key(keys.0), m));
            Some(errs.take(parsed)?)
        }
        None => None,
    };
    let file = file.filter(|f| !f.is_empty());
    match (inline, file) {
        (Some(_), Some(_)) => {
            errs.push(
                path.clone(),
                format!("at most one of {} & {} must be configured", keys.0, keys.1),
            );
            None
        }
        (Some(u), None) => Some(SecretUrlSource::Inline(u)),
        (None, Some(f)) => Some(SecretUrlSource::File(f.into())),
        (None, None) => None,
    }
}

/// Resolves an `x` / `x_file` secret pair, recording the error.
pub(crate) fn pair(
    errs: &mut Errors,
    inline: Option<String>,
    file: Option<String>,
    set: InlineSet,
    path: &YamlPath,
    keys: (&str, &str),
) -> Option<SecretSource> {
    errs.take(SecretSource::from_pair(
        inline, file, set, path, keys.0, keys.1,
    ))
    .flatten()
}

/// Prints an optional secret-URL pair (`slack_api_url` / `slack_api_url_file`), both omitempty.
pub(crate) fn put_secret_url_pair<M: SerializeMap>(
    m: &mut M,
    source: Option<&SecretUrlSource>,
    keys: (&str, &str),
) -> Result<(), M::Error> {
    match source {
        Some(SecretUrlSource::Inline(u)) => m.put(keys.0, u),
        Some(SecretUrlSource::File(f)) => m.put(keys.1, &f.to_string_lossy()),
        None => Ok(()),
    }
}

/// Like [`secret_url_pair`], but one of the two keys is required (upstream's
/// `one of x or x_file must be configured`).
pub(crate) fn required_secret_url(
    errs: &mut Errors,
    inline: Option<String>,
    file: Option<String>,
    path: &YamlPath,
    keys: (&str, &str),
) -> Option<SecretUrlSource> {
    if inline.is_none() && file.as_deref().unwrap_or_default().is_empty() {
        errs.push(
            path.clone(),
            format!("one of {} or {} must be configured", keys.0, keys.1),
        );
        return None;
    }
    secret_url_pair(errs, inline, file, path, keys)
}

/// The keys of the webhook URL pair of Discord and Microsoft Teams.
const WEBHOOK_URL_KEYS: (&str, &str) = ("webhook_url", "webhook_url_file");

/// What the webhook-URL integrations (Discord, Microsoft Teams v1 and v2) share: their
/// `http_config` (or the global one) and the required `webhook_url` / `webhook_url_file` pair.
/// `None` when the URL is missing or invalid; the errors are in `errs`.
pub(crate) fn webhook_url_target(
    errs: &mut Errors,
    http: Option<RawHttpClientConfig>,
    (url, url_file): (Option<String>, Option<String>),
    global: &GlobalConfig,
    path: &YamlPath,
) -> Option<(HttpClientConfig, SecretUrlSource)> {
    let http_config = super::http_config(errs, http, global, path);
    let url = required_secret_url(errs, url, url_file, path, WEBHOOK_URL_KEYS)?;
    Some((http_config, url))
}

/// Prints `send_resolved` and what [`webhook_url_target`] reads, in upstream's key order.
pub(crate) fn put_webhook_url_target<M: SerializeMap>(
    m: &mut M,
    send_resolved: bool,
    http_config: &HttpClientConfig,
    url: &SecretUrlSource,
) -> Result<(), M::Error> {
    m.put("send_resolved", &send_resolved)?;
    m.put("http_config", http_config)?;
    put_secret_url_pair(m, Some(url), WEBHOOK_URL_KEYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_go_duration_forms() {
        assert_eq!(
            RawGoDuration::Int(10).resolve().unwrap(),
            SignedGoDuration(10)
        );
        assert_eq!(
            RawGoDuration::Text("10s".into()).resolve().unwrap(),
            SignedGoDuration::from_secs(10)
        );
        assert_eq!(
            RawGoDuration::Text("-1.5s".into()).resolve().unwrap(),
            SignedGoDuration(-1_500_000_000)
        );
        assert_eq!(
            RawGoDuration::Float(2.9).resolve().unwrap(),
            SignedGoDuration(2)
        );
        assert!(RawGoDuration::Text("ten".into()).resolve().is_err());
    }

    #[test]
    fn template_delims() {
        let ok = [
            "{{ .A }}x{{ .B }}",
            "{{- if .X -}}team{{ else if .Y }}user{{ else }}{{ end }}",
            "{{ range .A }}{{ \"}}\" }}{{ end }}",
            "{{/* a comment */}}team",
            "{{ `raw }}` }}",
        ];
        for t in ok {
            assert_eq!(check_template_delims(t), Ok(()), "{t}");
        }
        let bad = [
            ("{{ .A ", "template: :1: unclosed action"),
            ("{{ if .X }}team", "template: :1: unexpected EOF"),
            ("team{{ end }}", "template: :1: unexpected {{end}}"),
            ("{{ else }}", "template: :1: unexpected {{else}}"),
            ("{{}}", "template: :1: missing value for command"),
            ("x\n{{/* open", "template: :2: unclosed comment"),
            (
                "{{ \"abc\n\" }}",
                "template: :1: unterminated quoted string",
            ),
        ];
        for (t, want) in bad {
            assert_eq!(check_template_delims(t), Err(want.to_string()), "{t}");
        }
    }
}
