//! `email_configs`: upstream's `EmailConfig` (`config/notifiers.go`) and the SMTP settings it
//! inherits from `global` (`Config.UnmarshalYAML`), v0.28.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default};
use super::url::HostPort;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::canonical_header_key;
use crate::secret::{Secret, SecretSource, serialize_pair, serialize_secret_omitempty};
use crate::tls_config::{RawTlsConfig, TlsConfig};
use crate::yaml::YamlPath;

/// Default `html` body.
pub const DEFAULT_HTML: &str = r#"{{ template "email.default.html" . }}"#;
/// Default `Subject` header (added by the notifier when `headers` has none).
pub const DEFAULT_SUBJECT: &str = r#"{{ template "email.default.subject" . }}"#;

/// An `email_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmailConfig {
    /// Notify about resolved alerts (default false).
    pub send_resolved: Option<bool>,
    /// Recipients (template, comma-separated).
    pub to: Option<String>,
    /// Sender (default: global `smtp_from`).
    pub from: Option<String>,
    /// HELO name (default: global `smtp_hello`).
    pub hello: Option<String>,
    /// SMTP server `host:port` (default: global `smtp_smarthost`).
    pub smarthost: Option<String>,
    /// SMTP user.
    pub auth_username: Option<String>,
    /// SMTP password.
    pub auth_password: Option<String>,
    /// File holding the SMTP password.
    pub auth_password_file: Option<String>,
    /// CRAM-MD5 secret.
    pub auth_secret: Option<String>,
    /// PLAIN identity.
    pub auth_identity: Option<String>,
    /// Extra headers (templates); names are case-insensitive.
    pub headers: Option<BTreeMap<String, String>>,
    /// HTML body template.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub html: Option<String>,
    /// Text body template.
    pub text: Option<String>,
    /// Require STARTTLS (default: global `smtp_require_tls`).
    pub require_tls: Option<bool>,
    /// TLS settings (default: global `smtp_tls_config`).
    pub tls_config: Option<RawTlsConfig>,
}

/// A validated email integration, with the global SMTP settings filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct EmailConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// Recipients template (non-empty).
    pub to: String,
    /// Sender (non-empty).
    pub from: String,
    /// HELO name.
    pub hello: String,
    /// SMTP server.
    pub smarthost: HostPort,
    /// SMTP user.
    pub auth_username: String,
    /// SMTP password.
    pub auth_password: Option<SecretSource>,
    /// CRAM-MD5 secret.
    pub auth_secret: Secret,
    /// PLAIN identity.
    pub auth_identity: String,
    /// Extra headers, keyed by canonical name (`Subject`, `X-Custom`).
    pub headers: BTreeMap<String, String>,
    /// HTML body template.
    pub html: String,
    /// Text body template (empty: no text part).
    pub text: String,
    /// Require STARTTLS.
    pub require_tls: bool,
    /// TLS settings.
    pub tls_config: TlsConfig,
}

impl EmailConfig {
    /// Validates an entry and fills in the global SMTP settings; `path` is the entry's path.
    pub fn from_raw(
        raw: RawEmailConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<EmailConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let to = raw.to.unwrap_or_default();
        if to.is_empty() {
            errs.push(path.clone(), "missing to address in email config");
        }
        let mut headers = BTreeMap::new();
        for (name, value) in raw.headers.unwrap_or_default() {
            let canonical = canonical_header_key(&name);
            if headers.insert(canonical.clone(), value).is_some() {
                let msg = format!("duplicate header {} in email config", quote(&canonical));
                errs.push(path.key("headers").key(name.as_str()), msg);
            }
        }
        let tls_config = match raw.tls_config {
            Some(t) => errs.take_all(TlsConfig::from_raw(t, &path.key("tls_config"))),
            None => Some(global.smtp_tls_config.clone()),
        };
        let smarthost = match raw.smarthost.filter(|s| !s.is_empty()) {
            Some(text) => errs.take(
                HostPort::parse(&text).map_err(|m| ConfigError::at(path.key("smarthost"), m)),
            ),
            None => {
                if global.smtp_smarthost.is_none() {
                    errs.push(path.clone(), "no global SMTP smarthost set");
                }
                global.smtp_smarthost.clone()
            }
        };
        let from = raw
            .from
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| global.smtp_from.clone());
        if from.is_empty() {
            errs.push(path.clone(), "no global SMTP from set");
        }
        // Upstream keeps both halves when both are given and reads the file; so do we.
        let auth_password = match (raw.auth_password, raw.auth_password_file) {
            (_, Some(f)) if !f.is_empty() => Some(SecretSource::File(f.into())),
            (Some(p), _) if !p.is_empty() => Some(SecretSource::Inline(Secret::new(p))),
            _ => global.smtp_auth_password.clone(),
        };
        let non_empty = |v: Option<String>, inherited: &str| {
            v.filter(|s| !s.is_empty())
                .unwrap_or_else(|| inherited.to_string())
        };
        let (Some(smarthost), Some(tls_config)) = (smarthost, tls_config) else {
            return Err(errs.0);
        };
        errs.finish(EmailConfig {
            send_resolved: raw.send_resolved.unwrap_or(false),
            to,
            from,
            hello: non_empty(raw.hello, &global.smtp_hello),
            smarthost,
            auth_username: non_empty(raw.auth_username, &global.smtp_auth_username),
            auth_password,
            auth_secret: match raw.auth_secret.filter(|s| !s.is_empty()) {
                Some(s) => Secret::new(s),
                None => global.smtp_auth_secret.clone(),
            },
            auth_identity: non_empty(raw.auth_identity, &global.smtp_auth_identity),
            headers,
            html: or_default(raw.html, DEFAULT_HTML),
            text: raw.text.unwrap_or_default(),
            require_tls: raw.require_tls.unwrap_or(global.smtp_require_tls),
            tls_config,
        })
    }
}

fn quote(s: &str) -> String {
    am_model::go_quote::quote(s)
}

impl Serialize for EmailConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put_str("to", &self.to)?;
        m.put_str("from", &self.from)?;
        m.put_str("hello", &self.hello)?;
        m.put("smarthost", &self.smarthost)?;
        m.put_str("auth_username", &self.auth_username)?;
        let keys = ("auth_password", "auth_password_file");
        serialize_pair(&mut m, self.auth_password.as_ref(), keys.0, keys.1)?;
        serialize_secret_omitempty(&mut m, "auth_secret", &self.auth_secret)?;
        m.put_str("auth_identity", &self.auth_identity)?;
        m.put_map("headers", &self.headers)?;
        m.put_str("html", &self.html)?;
        m.put_str("text", &self.text)?;
        m.put("require_tls", &self.require_tls)?;
        m.put("tls_config", &self.tls_config)?;
        m.end()
    }
}
