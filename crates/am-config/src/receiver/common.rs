//! Bits shared by every integration's validation and printing: an error collector, Go's
//! `time.Duration` (used by a few upstream notifier fields, unlike Prometheus durations), and
//! helpers that print map entries with yaml.v2's `omitempty` rules.

use std::collections::BTreeMap;
use std::fmt;

use am_model::go_quote::quote;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::url::{HttpUrl, SecretUrl, SecretUrlSource};
use crate::error::ConfigError;
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

/// A Go `time.Duration` (nanoseconds), parsed like `time.ParseDuration` and printed like
/// `Duration.String()` (`1m0s`, `1.5s`, `100ms`, `0s`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoDuration(pub i64);

impl GoDuration {
    /// A duration of `secs` seconds.
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs * 1_000_000_000)
    }

    /// The duration as a `std::time::Duration`; negative durations become zero.
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_nanos(u64::try_from(self.0).unwrap_or(0))
    }

    /// True for the zero duration.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses like Go's `time.ParseDuration`; the error text is Go's.
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("time: invalid duration {}", quote(text));
        let mut s = text;
        let mut neg = false;
        if let Some(rest) = s.strip_prefix('-') {
            neg = true;
            s = rest;
        } else if let Some(rest) = s.strip_prefix('+') {
            s = rest;
        }
        if s == "0" {
            return Ok(Self(0));
        }
        if s.is_empty() {
            return Err(invalid());
        }
        let mut total: u64 = 0;
        while !s.is_empty() {
            let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
            let (int_part, rest) = s.split_at(int_len);
            let mut frac_part = "";
            let mut rest = rest;
            if let Some(r) = rest.strip_prefix('.') {
                let n = r.bytes().take_while(u8::is_ascii_digit).count();
                frac_part = &r[..n];
                rest = &r[n..];
                if int_part.is_empty() && frac_part.is_empty() {
                    return Err(invalid());
                }
            } else if int_part.is_empty() {
                return Err(invalid());
            }
            let unit_len = rest
                .char_indices()
                .find(|(_, c)| *c == '.' || c.is_ascii_digit())
                .map_or(rest.len(), |(i, _)| i);
            let (unit, after) = rest.split_at(unit_len);
            if unit.is_empty() {
                return Err(format!("time: missing unit in duration {}", quote(text)));
            }
            let scale: u64 = match unit {
                "ns" => 1,
                "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60_000_000_000,
                "h" => 3_600_000_000_000,
                _ => {
                    return Err(format!(
                        "time: unknown unit {} in duration {}",
                        quote(unit),
                        quote(text)
                    ));
                }
            };
            let mut v: u64 = 0;
            for b in int_part.bytes() {
                v = v
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(b - b'0')))
                    .filter(|v| *v <= 1 << 63)
                    .ok_or_else(invalid)?;
            }
            v = v
                .checked_mul(scale)
                .filter(|v| *v <= 1 << 63)
                .ok_or_else(invalid)?;
            if !frac_part.is_empty() {
                let mut f: f64 = 0.0;
                let mut div: f64 = 1.0;
                let mut overflow = false;
                for b in frac_part.bytes() {
                    if overflow || f > (1u64 << 62) as f64 {
                        overflow = true;
                        continue;
                    }
                    f = f * 10.0 + f64::from(b - b'0');
                    div *= 10.0;
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let add = (f * (scale as f64 / div)) as u64;
                v = v
                    .checked_add(add)
                    .filter(|v| *v <= 1 << 63)
                    .ok_or_else(invalid)?;
            }
            total = total
                .checked_add(v)
                .filter(|t| *t <= 1 << 63)
                .ok_or_else(invalid)?;
            s = after;
        }
        if neg {
            Ok(Self(0i64.wrapping_sub_unsigned(total)))
        } else {
            i64::try_from(total).map(Self).map_err(|_| invalid())
        }
    }
}

impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let u = self.0.unsigned_abs();
        let sign = if neg { "-" } else { "" };
        if u < 1_000_000_000 {
            let (unit, div) = match u {
                0 => return f.write_str("0s"),
                1..=999 => ("ns", 1),
                1_000..=999_999 => ("\u{b5}s", 1_000),
                _ => ("ms", 1_000_000),
            };
            return write!(f, "{sign}{}{unit}", fixed(u / div, u % div, div));
        }
        let secs = u / 1_000_000_000;
        let nanos = u % 1_000_000_000;
        let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
        f.write_str(sign)?;
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if h > 0 || m > 0 {
            write!(f, "{m}m")?;
        }
        write!(f, "{}s", fixed(s, nanos, 1_000_000_000))
    }
}

/// `whole.frac` with the fraction (in units of 1/`div`) printed without trailing zeros.
fn fixed(whole: u64, frac: u64, div: u64) -> String {
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.ilog10() as usize;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

impl Serialize for GoDuration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
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
    pub fn resolve(&self) -> Result<GoDuration, String> {
        match self {
            RawGoDuration::Int(n) => Ok(GoDuration(*n)),
            #[allow(clippy::cast_possible_truncation)]
            RawGoDuration::Float(x) if x.is_finite() && x.abs() < 9.2e18 => {
                Ok(GoDuration(*x as i64))
            }
            RawGoDuration::Float(x) => {
                Err(format!("cannot unmarshal !!float `{x}` into time.Duration"))
            }
            RawGoDuration::Text(s) => GoDuration::parse(s)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_duration_parse() {
        assert_eq!(GoDuration::parse("1m").unwrap(), GoDuration::from_secs(60));
        assert_eq!(
            GoDuration::parse("1.5s").unwrap(),
            GoDuration(1_500_000_000)
        );
        assert_eq!(
            GoDuration::parse("1h2m3s4ms5us6ns").unwrap().0,
            3_723_004_005_006
        );
        assert_eq!(
            GoDuration::parse("-2s").unwrap(),
            GoDuration(-2_000_000_000)
        );
        assert_eq!(GoDuration::parse("0").unwrap(), GoDuration(0));
        assert_eq!(GoDuration::parse(".5m").unwrap(), GoDuration::from_secs(30));
        assert_eq!(GoDuration::parse("3µs").unwrap(), GoDuration(3000));
        assert_eq!(
            GoDuration::parse("").unwrap_err(),
            "time: invalid duration \"\""
        );
        assert_eq!(
            GoDuration::parse("10").unwrap_err(),
            "time: missing unit in duration \"10\""
        );
        assert_eq!(
            GoDuration::parse("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert!(GoDuration::parse("1.s").is_ok());
        assert!(GoDuration::parse(".s").is_err());
        assert!(GoDuration::parse("s").is_err());
        assert!(GoDuration::parse("9999999999h").is_err());
    }

    #[test]
    fn go_duration_display() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (100_000_000, "100ms"),
            (1_000_000_000, "1s"),
            (1_500_000_000, "1.5s"),
            (60_000_000_000, "1m0s"),
            (3_600_000_000_000, "1h0m0s"),
            (3_723_004_005_006, "1h2m3.004005006s"),
            (-90_000_000_000, "-1m30s"),
        ];
        for (n, s) in cases {
            assert_eq!(GoDuration(n).to_string(), s, "{n}");
        }
    }

    #[test]
    fn raw_go_duration_forms() {
        assert_eq!(RawGoDuration::Int(10).resolve().unwrap(), GoDuration(10));
        assert_eq!(
            RawGoDuration::Text("10s".into()).resolve().unwrap(),
            GoDuration::from_secs(10)
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
