//! HTTP client settings (`http_config` in `global` and in every HTTP-based integration).
//! Mirrors prometheus/common `config.HTTPClientConfig` and its `Validate()` at v0.61, the
//! version Alertmanager v0.28 uses. (Debian's 0.39 has no `*_ref` keys, no `http_headers`,
//! no `no_proxy`/`proxy_from_environment`, and no inline TLS `ca`/`cert`/`key`.)

use std::collections::BTreeMap;
use std::path::Path;

use am_model::go_quote::quote;
use serde::{Deserialize, Serialize};

mod print;

use crate::error::ConfigError;
use crate::receiver::common::Errors;
use crate::receiver::url::go_url_parse;
use crate::secret::{Secret, ValueSource};
use crate::tls_config::{RawTlsConfig, TlsConfig, join_dir};
use crate::yaml::YamlPath;

/// `http_config` as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttpClientConfig {
    /// HTTP basic authentication.
    pub basic_auth: Option<RawBasicAuth>,
    /// `Authorization` header credentials.
    pub authorization: Option<RawAuthorization>,
    /// OAuth 2.0 client credentials.
    pub oauth2: Option<RawOAuth2>,
    /// Deprecated bearer token (becomes `authorization`).
    pub bearer_token: Option<String>,
    /// Deprecated bearer token file (becomes `authorization.credentials_file`).
    pub bearer_token_file: Option<String>,
    /// TLS settings.
    pub tls_config: Option<RawTlsConfig>,
    /// Follow 3xx redirects (default true).
    pub follow_redirects: Option<bool>,
    /// Allow HTTP/2 (default true).
    pub enable_http2: Option<bool>,
    /// Proxy URL.
    pub proxy_url: Option<String>,
    /// Hosts that bypass the proxy.
    pub no_proxy: Option<String>,
    /// Take the proxy from the environment.
    pub proxy_from_environment: Option<bool>,
    /// Headers sent to the proxy on CONNECT (values are secrets).
    pub proxy_connect_header: Option<BTreeMap<String, Vec<String>>>,
    /// Extra request headers.
    pub http_headers: Option<BTreeMap<String, RawHeader>>,
}

/// `basic_auth` as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBasicAuth {
    /// User name.
    pub username: Option<String>,
    /// File holding the user name.
    pub username_file: Option<String>,
    /// Secret-manager reference for the user name.
    pub username_ref: Option<String>,
    /// Password (secret).
    pub password: Option<String>,
    /// File holding the password.
    pub password_file: Option<String>,
    /// Secret-manager reference for the password.
    pub password_ref: Option<String>,
}

/// `authorization` as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuthorization {
    /// Scheme (default `Bearer`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Credentials (secret).
    pub credentials: Option<String>,
    /// File holding the credentials.
    pub credentials_file: Option<String>,
    /// Secret-manager reference for the credentials.
    pub credentials_ref: Option<String>,
}

/// `oauth2` as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOAuth2 {
    /// Client id (required).
    pub client_id: Option<String>,
    /// Client secret.
    pub client_secret: Option<String>,
    /// File holding the client secret.
    pub client_secret_file: Option<String>,
    /// Secret-manager reference for the client secret.
    pub client_secret_ref: Option<String>,
    /// Scopes.
    pub scopes: Option<Vec<String>>,
    /// Token endpoint (required).
    pub token_url: Option<String>,
    /// Extra token request parameters.
    pub endpoint_params: Option<BTreeMap<String, String>>,
    /// TLS settings for the token endpoint.
    pub tls_config: Option<RawTlsConfig>,
    /// Proxy URL for the token endpoint.
    pub proxy_url: Option<String>,
    /// Hosts that bypass the proxy.
    pub no_proxy: Option<String>,
    /// Take the proxy from the environment.
    pub proxy_from_environment: Option<bool>,
    /// Headers sent to the proxy on CONNECT.
    pub proxy_connect_header: Option<BTreeMap<String, Vec<String>>>,
}

/// One `http_headers` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// Plain values.
    pub values: Option<Vec<String>>,
    /// Secret values.
    pub secrets: Option<Vec<String>>,
    /// Files whose (trimmed) content is a value.
    pub files: Option<Vec<String>>,
}

/// Validated HTTP client settings. At most one authentication method is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpClientConfig {
    /// How requests authenticate.
    pub auth: Option<HttpAuth>,
    /// TLS settings.
    pub tls_config: TlsConfig,
    /// Follow 3xx redirects.
    pub follow_redirects: bool,
    /// Allow HTTP/2.
    pub enable_http2: bool,
    /// Proxy settings.
    pub proxy: ProxyConfig,
    /// Extra request headers (none of them reserved), present when `http_headers` was given.
    pub http_headers: Option<BTreeMap<String, Header>>,
}

impl Default for HttpClientConfig {
    /// prometheus/common's `DefaultHTTPClientConfig`: follow redirects, HTTP/2 on.
    fn default() -> Self {
        Self {
            auth: None,
            tls_config: TlsConfig::default(),
            follow_redirects: true,
            enable_http2: true,
            proxy: ProxyConfig::default(),
            http_headers: None,
        }
    }
}

/// The one authentication method of an [`HttpClientConfig`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpAuth {
    /// HTTP basic authentication.
    Basic(BasicAuth),
    /// An `Authorization: <type> <credentials>` header (also what `bearer_token` becomes).
    Authorization(Authorization),
    /// OAuth 2.0 client credentials.
    OAuth2(Box<OAuth2>),
}

/// Validated basic authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicAuth {
    /// User name (may be absent: upstream sends an empty one).
    pub username: Option<ValueSource<String>>,
    /// Password.
    pub password: Option<ValueSource<Secret>>,
}

/// Validated `authorization`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// The scheme, trimmed; `Bearer` by default, never `basic`.
    pub kind: String,
    /// The credentials.
    pub credentials: Option<ValueSource<Secret>>,
}

/// Validated OAuth 2.0 client credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuth2 {
    /// Client id (non-empty).
    pub client_id: String,
    /// Client secret.
    pub client_secret: Option<ValueSource<Secret>>,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Token endpoint (non-empty).
    pub token_url: String,
    /// Extra token request parameters.
    pub endpoint_params: BTreeMap<String, String>,
    /// TLS settings for the token endpoint.
    pub tls_config: TlsConfig,
    /// Proxy settings for the token endpoint.
    pub proxy: ProxyConfig,
}

/// Validated proxy settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    /// Proxy URL (prometheus/common's URL: anything Go's `url.Parse` accepts).
    pub proxy_url: Option<ProxyUrl>,
    /// Hosts that bypass the proxy (only with `proxy_url`).
    pub no_proxy: String,
    /// Take the proxy from `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY`.
    pub proxy_from_environment: bool,
    /// Headers for CONNECT requests (only with a proxy).
    pub proxy_connect_header: BTreeMap<String, Vec<Secret>>,
}

/// A proxy URL as written; prints with any password replaced by `xxxxx`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyUrl(String);

impl ProxyUrl {
    /// The URL as written (may contain a password).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL with its password replaced by `xxxxx` (prometheus/common's `Redacted`).
    pub fn redacted(&self) -> String {
        let Some(scheme_end) = self.0.find("//") else {
            return self.0.clone();
        };
        let auth_start = scheme_end + 2;
        let rest = &self.0[auth_start..];
        let auth_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let Some(at) = rest[..auth_len].rfind('@') else {
            return self.0.clone();
        };
        let userinfo = &rest[..at];
        let Some(colon) = userinfo.find(':') else {
            return self.0.clone();
        };
        format!(
            "{}{}:xxxxx{}",
            &self.0[..auth_start],
            &userinfo[..colon],
            &rest[at..]
        )
    }
}

impl Serialize for ProxyUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

/// One validated `http_headers` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// Plain values.
    pub values: Vec<String>,
    /// Secret values.
    pub secrets: Vec<Secret>,
    /// Files whose content is a value.
    pub files: Vec<String>,
}

/// Headers that `http_headers` may not set (prometheus/common's `reservedHeaders`).
const RESERVED_HEADERS: &[&str] = &[
    "Authorization",
    "Host",
    "Content-Encoding",
    "Content-Length",
    "Content-Type",
    "User-Agent",
    "Connection",
    "Keep-Alive",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Www-Authenticate",
    "Accept-Encoding",
    "X-Prometheus-Remote-Write-Version",
    "X-Prometheus-Remote-Read-Version",
    "X-Prometheus-Scrape-Timeout-Seconds",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
];

/// Go's `textproto.CanonicalMIMEHeaderKey`: `content-type` → `Content-Type`; keys holding
/// characters that are not HTTP token characters are returned unchanged.
pub fn canonical_header_key(key: &str) -> String {
    let is_token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if !key.bytes().all(is_token) {
        return key.to_string();
    }
    let mut upper = true;
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        let c = if upper {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        };
        out.push(char::from(c));
        upper = c == b'-';
    }
    out
}

fn proxy_from_raw(
    proxy_url: Option<String>,
    no_proxy: Option<String>,
    from_env: Option<bool>,
    connect_header: Option<BTreeMap<String, Vec<String>>>,
    path: &YamlPath,
    errs: &mut Errors,
) -> ProxyConfig {
    let proxy_url = proxy_url.filter(|u| !u.is_empty());
    if let Some(u) = &proxy_url
        && let Err(msg) = go_url_parse(u, &quote(u))
    {
        errs.push(path.key("proxy_url"), msg);
    }
    let no_proxy = no_proxy.unwrap_or_default();
    let from_env = from_env.unwrap_or(false);
    let connect_header: BTreeMap<String, Vec<Secret>> = connect_header
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().map(Secret::new).collect()))
        .collect();
    if !connect_header.is_empty() && !from_env && proxy_url.is_none() {
        errs.push(
            path.clone(),
            "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured",
        );
    }
    if from_env && proxy_url.is_some() {
        errs.push(
            path.clone(),
            "if proxy_from_environment is configured, proxy_url must not be configured",
        );
    }
    if from_env && !no_proxy.is_empty() {
        errs.push(
            path.clone(),
            "if proxy_from_environment is configured, no_proxy must not be configured",
        );
    }
    if proxy_url.is_none() && !no_proxy.is_empty() {
        errs.push(
            path.clone(),
            "if no_proxy is configured, proxy_url must also be configured",
        );
    }
    ProxyConfig {
        proxy_url: proxy_url.map(ProxyUrl),
        no_proxy,
        proxy_from_environment: from_env,
        proxy_connect_header: connect_header,
    }
}

fn oauth2_from_raw(raw: RawOAuth2, path: &YamlPath, errs: &mut Errors) -> OAuth2 {
    let client_id = raw.client_id.unwrap_or_default();
    let token_url = raw.token_url.unwrap_or_default();
    if client_id.is_empty() {
        errs.push(path.clone(), "oauth2 client_id must be configured");
    }
    if token_url.is_empty() {
        errs.push(path.clone(), "oauth2 token_url must be configured");
    }
    let pick = ValueSource::pick(
        raw.client_secret,
        raw.client_secret_file,
        raw.client_secret_ref,
        Secret::new,
    );
    let client_secret = pick.unwrap_or_else(|()| {
        errs.push(
            path.clone(),
            "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured",
        );
        None
    });
    let tls_config = errs
        .take_all(TlsConfig::from_raw_opt(
            raw.tls_config,
            &path.key("tls_config"),
        ))
        .unwrap_or_default();
    let proxy = proxy_from_raw(
        raw.proxy_url,
        raw.no_proxy,
        raw.proxy_from_environment,
        raw.proxy_connect_header,
        path,
        errs,
    );
    OAuth2 {
        client_id,
        client_secret,
        scopes: raw.scopes.unwrap_or_default(),
        token_url,
        endpoint_params: raw.endpoint_params.unwrap_or_default(),
        tls_config,
        proxy,
    }
}

impl HttpClientConfig {
    /// Validates like prometheus/common's `HTTPClientConfig.Validate()` (after applying
    /// `DefaultHTTPClientConfig`); `bearer_token[_file]` become `authorization`. `path` is the
    /// path of the `http_config` mapping.
    pub fn from_raw(
        raw: RawHttpClientConfig,
        path: &YamlPath,
    ) -> Result<HttpClientConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let bearer = raw.bearer_token.filter(|s| !s.is_empty());
        let bearer_file = raw.bearer_token_file.filter(|s| !s.is_empty());
        let has_bearer = bearer.is_some() || bearer_file.is_some();
        if bearer.is_some() && bearer_file.is_some() {
            errs.push(
                path.clone(),
                "at most one of bearer_token & bearer_token_file must be configured",
            );
        }
        if (raw.basic_auth.is_some() || raw.oauth2.is_some()) && has_bearer {
            errs.push(
                path.clone(),
                "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
            );
        }
        let mut methods: Vec<HttpAuth> = Vec::new();
        if let Some(b) = raw.basic_auth {
            let p = path.key("basic_auth");
            let username = ValueSource::pick(b.username, b.username_file, b.username_ref, |s| s)
                .unwrap_or_else(|()| {
                    errs.push(p.clone(), "at most one of basic_auth username, username_file & username_ref must be configured");
                    None
                });
            let password = ValueSource::pick(b.password, b.password_file, b.password_ref, Secret::new)
                .unwrap_or_else(|()| {
                    errs.push(p.clone(), "at most one of basic_auth password, password_file & password_ref must be configured");
                    None
                });
            methods.push(HttpAuth::Basic(BasicAuth { username, password }));
        }
        if let Some(a) = raw.authorization {
            let p = path.key("authorization");
            if has_bearer {
                errs.push(
                    path.clone(),
                    "authorization is not compatible with bearer_token & bearer_token_file",
                );
            }
            let credentials = ValueSource::pick(a.credentials, a.credentials_file, a.credentials_ref, Secret::new)
                .unwrap_or_else(|()| {
                    errs.push(p.clone(), "at most one of authorization credentials & credentials_file must be configured");
                    None
                });
            let mut kind = a.kind.unwrap_or_default().trim().to_string();
            if kind.is_empty() {
                kind = "Bearer".to_string();
            }
            if kind.eq_ignore_ascii_case("basic") {
                errs.push(
                    p.key("type"),
                    r#"authorization type cannot be set to "basic", use "basic_auth" instead"#,
                );
            }
            if !methods.is_empty() || raw.oauth2.is_some() {
                errs.push(
                    path.clone(),
                    "at most one of basic_auth, oauth2 & authorization must be configured",
                );
            }
            methods.push(HttpAuth::Authorization(Authorization { kind, credentials }));
        } else if let Some(token) = bearer {
            let credentials = Some(ValueSource::Inline(Secret::new(token)));
            methods.push(HttpAuth::Authorization(Authorization {
                kind: "Bearer".into(),
                credentials,
            }));
        } else if let Some(file) = bearer_file {
            let credentials = Some(ValueSource::File(file));
            methods.push(HttpAuth::Authorization(Authorization {
                kind: "Bearer".into(),
                credentials,
            }));
        }
        if let Some(o) = raw.oauth2 {
            if methods.iter().any(|m| matches!(m, HttpAuth::Basic(_))) {
                errs.push(
                    path.clone(),
                    "at most one of basic_auth, oauth2 & authorization must be configured",
                );
            }
            let oauth2 = oauth2_from_raw(o, &path.key("oauth2"), &mut errs);
            methods.push(HttpAuth::OAuth2(Box::new(oauth2)));
        }
        let proxy = proxy_from_raw(
            raw.proxy_url,
            raw.no_proxy,
            raw.proxy_from_environment,
            raw.proxy_connect_header,
            path,
            &mut errs,
        );
        let http_headers = raw.http_headers.map(|headers| {
            let mut out = BTreeMap::new();
            for (name, h) in headers {
                let canonical = canonical_header_key(&name);
                if RESERVED_HEADERS.contains(&canonical.as_str()) {
                    let msg = format!("setting header {} is not allowed", quote(&canonical));
                    errs.push(path.key("http_headers").key(name.as_str()), msg);
                }
                let header = Header {
                    values: h.values.unwrap_or_default(),
                    secrets: h
                        .secrets
                        .unwrap_or_default()
                        .into_iter()
                        .map(Secret::new)
                        .collect(),
                    files: h.files.unwrap_or_default(),
                };
                out.insert(name, header);
            }
            out
        });
        let tls_config = errs
            .take_all(TlsConfig::from_raw_opt(
                raw.tls_config,
                &path.key("tls_config"),
            ))
            .unwrap_or_default();
        let auth = if methods.len() > 1 {
            None
        } else {
            methods.pop()
        };
        errs.finish(HttpClientConfig {
            auth,
            tls_config,
            follow_redirects: raw.follow_redirects.unwrap_or(true),
            enable_http2: raw.enable_http2.unwrap_or(true),
            proxy,
            http_headers,
        })
    }

    /// The `Authorization` settings, if that is the authentication method.
    pub fn authorization(&self) -> Option<&Authorization> {
        match &self.auth {
            Some(HttpAuth::Authorization(a)) => Some(a),
            _ => None,
        }
    }

    /// Joins relative file paths with `dir` (upstream's `SetDirectory`).
    pub fn set_directory(&mut self, dir: &Path) {
        self.tls_config.set_directory(dir);
        match &mut self.auth {
            Some(HttpAuth::Basic(b)) => {
                b.username.iter_mut().for_each(|s| s.set_directory(dir));
                b.password.iter_mut().for_each(|s| s.set_directory(dir));
            }
            Some(HttpAuth::Authorization(a)) => {
                a.credentials.iter_mut().for_each(|s| s.set_directory(dir));
            }
            Some(HttpAuth::OAuth2(o)) => {
                o.client_secret
                    .iter_mut()
                    .for_each(|s| s.set_directory(dir));
                o.tls_config.set_directory(dir);
            }
            None => {}
        }
        for h in self.http_headers.iter_mut().flat_map(BTreeMap::values_mut) {
            h.files.iter_mut().for_each(|f| *f = join_dir(dir, f));
        }
    }
}
