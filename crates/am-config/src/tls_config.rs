//! TLS client settings (`tls_config` inside `http_config`, `oauth2`, `email_configs` and the
//! global `smtp_tls_config`). Mirrors prometheus/common `config.TLSConfig` (v0.61, the version
//! Alertmanager v0.28 uses; Debian's 0.39 lacks the inline `ca`/`cert`/`key` and `*_ref` keys).

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::receiver::common::{Errors, MapExt};
use crate::secret::{REDACTED, Secret, ValueSource};
use crate::yaml::YamlPath;

/// `tls_config` as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTlsConfig {
    /// Inline CA certificate (PEM).
    pub ca: Option<String>,
    /// Inline client certificate (PEM).
    pub cert: Option<String>,
    /// Inline client key (PEM); a secret.
    pub key: Option<String>,
    /// CA certificate file.
    pub ca_file: Option<String>,
    /// Client certificate file.
    pub cert_file: Option<String>,
    /// Client key file.
    pub key_file: Option<String>,
    /// CA certificate from a secret manager (unsupported by Alertmanager, kept for printing).
    pub ca_ref: Option<String>,
    /// Client certificate from a secret manager.
    pub cert_ref: Option<String>,
    /// Client key from a secret manager.
    pub key_ref: Option<String>,
    /// Server name for certificate verification (SNI).
    pub server_name: Option<String>,
    /// Skip certificate verification.
    pub insecure_skip_verify: Option<bool>,
    /// Minimum TLS version (`TLS10` … `TLS13`).
    pub min_version: Option<String>,
    /// Maximum TLS version.
    pub max_version: Option<String>,
}

/// A TLS protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    /// TLS 1.0.
    Tls10,
    /// TLS 1.1.
    Tls11,
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

impl TlsVersion {
    /// Parses `TLS10` … `TLS13`; the error is upstream's `unknown TLS version: x`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "TLS10" => Ok(Self::Tls10),
            "TLS11" => Ok(Self::Tls11),
            "TLS12" => Ok(Self::Tls12),
            "TLS13" => Ok(Self::Tls13),
            _ => Err(format!("unknown TLS version: {text}")),
        }
    }

    /// The configuration spelling (`TLS12`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tls10 => "TLS10",
            Self::Tls11 => "TLS11",
            Self::Tls12 => "TLS12",
            Self::Tls13 => "TLS13",
        }
    }
}

impl Serialize for TlsVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Validated TLS client settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsConfig {
    /// CA certificate.
    pub ca: Option<ValueSource<String>>,
    /// Client certificate; set exactly when `key` is.
    pub cert: Option<ValueSource<String>>,
    /// Client key; set exactly when `cert` is.
    pub key: Option<ValueSource<Secret>>,
    /// Server name for verification.
    pub server_name: String,
    /// Skip certificate verification.
    pub insecure_skip_verify: bool,
    /// Minimum version.
    pub min_version: Option<TlsVersion>,
    /// Maximum version (never below `min_version`).
    pub max_version: Option<TlsVersion>,
}

impl TlsConfig {
    /// Validates like prometheus/common's `TLSConfig.Validate`, plus the min/max version order
    /// check that upstream only makes when building the HTTP client. `path` is the path of the
    /// `tls_config` mapping.
    pub fn from_raw(raw: RawTlsConfig, path: &YamlPath) -> Result<TlsConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let ca = ValueSource::pick(raw.ca, raw.ca_file, raw.ca_ref, |s| s).unwrap_or_else(|()| {
            errs.push(
                path.clone(),
                "at most one of ca, ca_file & ca_ref must be configured",
            );
            None
        });
        let cert =
            ValueSource::pick(raw.cert, raw.cert_file, raw.cert_ref, |s| s).unwrap_or_else(|()| {
                errs.push(
                    path.clone(),
                    "at most one of cert, cert_file & cert_ref must be configured",
                );
                None
            });
        let key = ValueSource::pick(raw.key, raw.key_file, raw.key_ref, Secret::new)
            .unwrap_or_else(|()| {
                errs.push(
                    path.clone(),
                    "at most one of key and key_file must be configured",
                );
                None
            });
        if errs.is_empty() {
            match (&cert, &key) {
                (Some(_), None) => errs.push(
                    path.clone(),
                    "exactly one of key or key_file must be configured when a client certificate is configured",
                ),
                (None, Some(_)) => errs.push(
                    path.clone(),
                    "exactly one of cert or cert_file must be configured when a client key is configured",
                ),
                _ => {}
            }
        }
        let mut version = |text: Option<String>, key: &str| {
            let text = text.filter(|t| !t.is_empty())?;
            errs.take(TlsVersion::parse(&text).map_err(|m| ConfigError::at(path.key(key), m)))
        };
        let min_version = version(raw.min_version, "min_version");
        let max_version = version(raw.max_version, "max_version");
        if let (Some(min), Some(max)) = (min_version, max_version)
            && max < min
        {
            errs.push(
                path.key("max_version"),
                "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified",
            );
        }
        errs.finish(TlsConfig {
            ca,
            cert,
            key,
            server_name: raw.server_name.unwrap_or_default(),
            insecure_skip_verify: raw.insecure_skip_verify.unwrap_or(false),
            min_version,
            max_version,
        })
    }

    /// Validates an optional `tls_config`; absent means all defaults.
    pub fn from_raw_opt(
        raw: Option<RawTlsConfig>,
        path: &YamlPath,
    ) -> Result<TlsConfig, Vec<ConfigError>> {
        raw.map_or_else(
            || Ok(TlsConfig::default()),
            |r| TlsConfig::from_raw(r, path),
        )
    }

    /// True when every field has its zero value (yaml.v2 omits such a `tls_config`).
    pub fn is_zero(&self) -> bool {
        *self == TlsConfig::default()
    }

    /// Joins relative file paths with `dir` (upstream's `SetDirectory`).
    pub fn set_directory(&mut self, dir: &std::path::Path) {
        join_pem(&mut self.ca, dir);
        join_pem(&mut self.cert, dir);
        join_pem(&mut self.key, dir);
    }
}

fn join_pem<T>(source: &mut Option<ValueSource<T>>, dir: &std::path::Path) {
    if let Some(s) = source {
        s.set_directory(dir);
    }
}

/// prometheus/common's `JoinDir`: relative, non-empty paths are joined with `dir`.
pub(crate) fn join_dir(dir: &std::path::Path, path: &str) -> String {
    if path.is_empty() || std::path::Path::new(path).is_absolute() {
        path.to_string()
    } else {
        dir.join(path).to_string_lossy().into_owned()
    }
}

impl Serialize for TlsConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Upstream's field order is ca, cert, key, ca_file, cert_file, key_file, ca_ref, ...
        let mut m = serializer.serialize_map(None)?;
        let inline = |s: &Option<ValueSource<String>>| match s {
            Some(ValueSource::Inline(v)) => Some(v.clone()),
            _ => None,
        };
        m.put_opt("ca", inline(&self.ca).as_ref())?;
        m.put_opt("cert", inline(&self.cert).as_ref())?;
        if let Some(ValueSource::Inline(_)) = &self.key {
            m.put("key", REDACTED)?;
        }
        for (source, key) in [(&self.ca, "ca_file"), (&self.cert, "cert_file")] {
            if let Some(ValueSource::File(f)) = source {
                m.put(key, f)?;
            }
        }
        if let Some(ValueSource::File(f)) = &self.key {
            m.put("key_file", f)?;
        }
        for (source, key) in [(&self.ca, "ca_ref"), (&self.cert, "cert_ref")] {
            if let Some(ValueSource::Ref(r)) = source {
                m.put(key, r)?;
            }
        }
        if let Some(ValueSource::Ref(r)) = &self.key {
            m.put("key_ref", r)?;
        }
        m.put_str("server_name", &self.server_name)?;
        m.put("insecure_skip_verify", &self.insecure_skip_verify)?;
        m.put_opt("min_version", self.min_version.as_ref())?;
        m.put_opt("max_version", self.max_version.as_ref())?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> YamlPath {
        YamlPath::parse("global.http_config.tls_config")
    }

    #[test]
    fn exclusive_sources_and_pairs() {
        let raw = RawTlsConfig {
            ca: Some("x".into()),
            ca_file: Some("f".into()),
            ..Default::default()
        };
        let e = TlsConfig::from_raw(raw, &path()).unwrap_err();
        assert_eq!(
            e[0].message,
            "at most one of ca, ca_file & ca_ref must be configured"
        );
        let raw = RawTlsConfig {
            cert_file: Some("c".into()),
            ..Default::default()
        };
        let e = TlsConfig::from_raw(raw, &path()).unwrap_err();
        assert!(
            e[0].message.starts_with("exactly one of key or key_file"),
            "{e:?}"
        );
        let raw = RawTlsConfig {
            key: Some("k".into()),
            ..Default::default()
        };
        let e = TlsConfig::from_raw(raw, &path()).unwrap_err();
        assert!(
            e[0].message.starts_with("exactly one of cert or cert_file"),
            "{e:?}"
        );
    }

    #[test]
    fn versions() {
        let raw = RawTlsConfig {
            min_version: Some("TLS14".into()),
            ..Default::default()
        };
        let e = TlsConfig::from_raw(raw, &path()).unwrap_err();
        assert_eq!(e[0].message, "unknown TLS version: TLS14");
        assert_eq!(
            e[0].path.to_string(),
            "global.http_config.tls_config.min_version"
        );
        let raw = RawTlsConfig {
            min_version: Some("TLS13".into()),
            max_version: Some("TLS12".into()),
            ..Default::default()
        };
        let e = TlsConfig::from_raw(raw, &path()).unwrap_err();
        assert_eq!(
            e[0].path.to_string(),
            "global.http_config.tls_config.max_version"
        );
        let raw = RawTlsConfig {
            min_version: Some("TLS12".into()),
            max_version: Some("TLS13".into()),
            ..Default::default()
        };
        let t = TlsConfig::from_raw(raw, &path()).unwrap();
        assert_eq!(
            (t.min_version, t.max_version),
            (Some(TlsVersion::Tls12), Some(TlsVersion::Tls13))
        );
    }

    #[test]
    fn prints_key_redacted_in_upstream_order() {
        let raw = RawTlsConfig {
            cert: Some("CERT".into()),
            key: Some("PRIVATE".into()),
            ca_file: Some("/ca.pem".into()),
            ..Default::default()
        };
        let t = TlsConfig::from_raw(raw, &path()).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            json,
            r#"{"cert":"CERT","key":"<secret>","ca_file":"/ca.pem","insecure_skip_verify":false}"#
        );
        assert!(TlsConfig::default().is_zero());
    }
}
