//! The HTTP client of HTTP-based integrations, built from an `http_config` (prometheus/common
//! `config.NewClientFromConfig`, `config/http_config.go`): basic auth (password and user name
//! inline or from a file read on every request), `authorization` (inline or
//! `credentials_file`), TLS (CA, client certificate, `insecure_skip_verify`, min/max version),
//! `proxy_url` / `no_proxy` / `proxy_from_environment`, `follow_redirects`, `enable_http2`,
//! `http_headers`, and the `User-Agent` of upstream's `notify.PostJSON`.
//!
//! Not supported yet (requests fail with a clear error or the setting is ignored, logged once
//! at build): `oauth2` (fails), secret references `*_ref` (fail), `tls_config.server_name`
//! (ignored), `proxy_connect_header` (ignored).

use std::sync::Once;
use std::time::Duration;

use am_config::http_config::{HttpAuth, HttpClientConfig};
use am_config::secret::ValueSource;
use am_config::tls_config::{TlsConfig, TlsVersion};
use am_tls::pem::{read_secret_source, read_source};
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};

/// Largest response body kept for error messages.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum HttpClientError {
    /// A TLS file could not be read.
    #[error("unable to read {what} file {path}: {source}")]
    ReadFile {
        /// Which setting (`CA`, `client certificate`, `client key`).
        what: &'static str,
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A setting reqwest refused (bad PEM, bad proxy URL).
    #[error("{what}: {message}")]
    Invalid {
        /// Which setting.
        what: &'static str,
        /// reqwest's message.
        message: String,
    },
}

/// A built client plus the per-request settings (authentication, headers).
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    auth: Option<HttpAuth>,
    headers: Option<std::collections::BTreeMap<String, am_config::http_config::Header>>,
    user_agent: String,
    transport: Option<std::sync::Arc<dyn HttpTransport>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("user_agent", &self.user_agent)
            .field("custom_transport", &self.transport.is_some())
            .finish_non_exhaustive()
    }
}

/// One outgoing request as a [`HttpTransport`] sees it (headers already include
/// authentication, `User-Agent` and `Content-Type`).
#[derive(Clone, Debug)]
pub struct HttpRequest {
    /// The target URL.
    pub url: String,
    /// Request headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// Whole-request timeout.
    pub timeout: Option<Duration>,
}

/// Where requests go instead of the network: the seam that lets a node run against an
/// in-memory receiver (deterministic tests under simulated time). Production clients have none
/// and use reqwest.
pub trait HttpTransport: Send + Sync + std::fmt::Debug {
    /// Delivers `request`; transport failures are returned as text.
    fn send(
        &self,
        request: HttpRequest,
    ) -> futures::future::BoxFuture<'_, Result<HttpResponse, String>>;
}

/// What a request returned: the status, and the body when the status is not 2xx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The body (at most 64 KiB, lossy UTF-8) of a non-2xx response; empty otherwise.
    pub error_body: String,
}

/// Installs rustls' `ring` provider as the process default (once; an already installed
/// provider is kept).
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl From<am_tls::SourceError> for HttpClientError {
    fn from(e: am_tls::SourceError) -> HttpClientError {
        match e {
            am_tls::SourceError::Read { what, path, source } => {
                HttpClientError::ReadFile { what, path, source }
            }
            am_tls::SourceError::Reference { what, .. } => HttpClientError::Invalid {
                what,
                message: e.to_string(),
            },
        }
    }
}

fn invalid(what: &'static str) -> impl Fn(reqwest::Error) -> HttpClientError {
    move |e| HttpClientError::Invalid {
        what,
        message: e.to_string(),
    }
}

fn tls_version(v: TlsVersion) -> Option<reqwest::tls::Version> {
    match v.as_str() {
        "TLS10" => Some(reqwest::tls::Version::TLS_1_0),
        "TLS11" => Some(reqwest::tls::Version::TLS_1_1),
        "TLS12" => Some(reqwest::tls::Version::TLS_1_2),
        "TLS13" => Some(reqwest::tls::Version::TLS_1_3),
        _ => None,
    }
}

fn apply_tls(
    mut b: reqwest::ClientBuilder,
    tls: &TlsConfig,
) -> Result<reqwest::ClientBuilder, HttpClientError> {
    if let Some(ca) = &tls.ca {
        let certs = reqwest::Certificate::from_pem_bundle(&read_source(ca, "CA")?)
            .map_err(invalid("CA"))?;
        // Like Go: a configured CA replaces the system pool.
        b = b.tls_built_in_root_certs(false);
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    if let (Some(cert), Some(key)) = (&tls.cert, &tls.key) {
        let mut blob = read_source(cert, "client certificate")?;
        let key = read_secret_source(key, "client key")?;
        blob.push(b'\n');
        blob.extend_from_slice(&key);
        let id = reqwest::Identity::from_pem(&blob).map_err(invalid("client certificate"))?;
        b = b.identity(id);
    }
    if tls.insecure_skip_verify {
        b = b.danger_accept_invalid_certs(true);
    }
    if let Some(v) = tls.min_version.and_then(tls_version) {
        b = b.min_tls_version(v);
    }
    if let Some(v) = tls.max_version.and_then(tls_version) {
        b = b.max_tls_version(v);
    }
    if !tls.server_name.is_empty() {
        tracing::warn!(
            server_name = %tls.server_name,
            "tls_config.server_name is not supported by this alertmesh version yet; ignored"
        );
    }
    Ok(b)
}

impl HttpClient {
    /// Builds the client for `config`; `user_agent` goes on every request.
    ///
    /// # Errors
    /// Unreadable or invalid TLS material, an invalid proxy URL.
    pub fn new(config: &HttpClientConfig, user_agent: &str) -> Result<HttpClient, HttpClientError> {
        install_crypto_provider();
        let mut b = reqwest::Client::builder().use_rustls_tls();
        b = apply_tls(b, &config.tls_config)?;
        b = b.redirect(if config.follow_redirects {
            reqwest::redirect::Policy::limited(10)
        } else {
            reqwest::redirect::Policy::none()
        });
        if !config.enable_http2 {
            b = b.http1_only();
        }
        let proxy = &config.proxy;
        if !proxy.proxy_from_environment {
            b = b.no_proxy();
        }
        if let Some(url) = &proxy.proxy_url {
            let mut p = reqwest::Proxy::all(url.as_str()).map_err(invalid("proxy_url"))?;
            if !proxy.no_proxy.is_empty() {
                p = p.no_proxy(reqwest::NoProxy::from_string(&proxy.no_proxy));
            }
            b = b.proxy(p);
        }
        if !proxy.proxy_connect_header.is_empty() {
            tracing::warn!("proxy_connect_header is not supported by this alertmesh version yet");
        }
        b = b.pool_idle_timeout(Duration::from_secs(5 * 60));
        let client = b.build().map_err(invalid("http client"))?;
        Ok(HttpClient {
            client,
            auth: config.auth.clone(),
            headers: config.http_headers.clone(),
            user_agent: user_agent.to_owned(),
            transport: None,
        })
    }

    /// This client with requests delivered through `transport` instead of the network.
    pub fn with_transport(mut self, transport: std::sync::Arc<dyn HttpTransport>) -> HttpClient {
        self.transport = Some(transport);
        self
    }

    /// Headers of one request: `User-Agent`, `Content-Type`, `http_headers`, authentication.
    fn request_headers(&self, content_type: &str) -> Result<HeaderMap, String> {
        let mut h = HeaderMap::new();
        let value = |v: &str| HeaderValue::from_str(v).map_err(|e| e.to_string());
        h.insert(USER_AGENT, value(&self.user_agent)?);
        h.insert(CONTENT_TYPE, value(content_type)?);
        for (name, header) in self.headers.iter().flatten() {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
            for v in &header.values {
                h.append(name.clone(), value(v)?);
            }
            for v in &header.secrets {
                h.append(name.clone(), value(v.expose())?);
            }
            for f in &header.files {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| format!("unable to read header file {f}: {e}"))?;
                h.append(name.clone(), value(text.trim())?);
            }
        }
        if let Some(auth) = self.authorization()? {
            h.insert(AUTHORIZATION, value(&auth)?);
        }
        Ok(h)
    }

    /// The `Authorization` header value, reading credential files now (as upstream does on
    /// every request).
    fn authorization(&self) -> Result<Option<String>, String> {
        fn secret(
            inline: Option<&str>,
            file: Option<&str>,
            reference: Option<&str>,
            what: &str,
        ) -> Result<String, String> {
            if let Some(r) = reference {
                return Err(format!("secret reference {r:?} is not supported"));
            }
            if let Some(f) = file {
                return std::fs::read_to_string(f)
                    .map(|s| s.trim().to_owned())
                    .map_err(|e| format!("unable to read {what} file {f}: {e}"));
            }
            Ok(inline.unwrap_or_default().trim().to_owned())
        }
        fn parts<T>(
            src: &Option<ValueSource<T>>,
            expose: impl Fn(&T) -> &str,
        ) -> (Option<&str>, Option<&str>, Option<&str>) {
            match src {
                None => (None, None, None),
                Some(v) => (v.inline().map(expose), v.file(), v.reference()),
            }
        }
        match &self.auth {
            None => Ok(None),
            Some(HttpAuth::Basic(b)) => {
                use base64::Engine as _;
                let (i, f, r) = parts(&b.username, String::as_str);
                let user = secret(i, f, r, "basic auth username")?;
                let (i, f, r) = parts(&b.password, |s| s.expose());
                let pass = secret(i, f, r, "basic auth password")?;
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                Ok(Some(format!("Basic {token}")))
            }
            Some(HttpAuth::Authorization(a)) => {
                let (i, f, r) = parts(&a.credentials, |s| s.expose());
                let cred = secret(i, f, r, "authorization credentials")?;
                Ok(Some(format!("{} {}", a.kind, cred)))
            }
            Some(HttpAuth::OAuth2(_)) => {
                Err("oauth2 is not supported by this alertmesh version yet".to_owned())
            }
        }
    }

    /// POSTs `body` to `url`. Transport errors come back as text with the URL removed
    /// (upstream's `RedactURL`); `timeout` bounds the whole request.
    ///
    /// # Errors
    /// Header construction or transport failure.
    pub async fn post(
        &self,
        url: &str,
        content_type: &str,
        body: Vec<u8>,
        timeout: Option<Duration>,
    ) -> Result<HttpResponse, String> {
        let headers = self.request_headers(content_type)?;
        if let Some(transport) = &self.transport {
            let request = HttpRequest {
                url: url.to_owned(),
                headers,
                body,
                timeout,
            };
            return transport.send(request).await;
        }
        let mut req = self.client.post(url).headers(headers).body(body);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let resp = req.send().await.map_err(redact)?;
        let status = resp.status().as_u16();
        if status / 100 == 2 {
            // Drain so the connection can be reused.
            let _ = resp.bytes().await;
            return Ok(HttpResponse {
                status,
                error_body: String::new(),
            });
        }
        let mut body = Vec::new();
        let mut resp = resp;
        while let Ok(Some(chunk)) = resp.chunk().await {
            let room = MAX_ERROR_BODY.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if room <= chunk.len() {
                break;
            }
        }
        Ok(HttpResponse {
            status,
            error_body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// A transport error's text without the request URL (upstream's `Post "<redacted>": ...`).
fn redact(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = format!("Post \"<redacted>\": {e}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> HttpClientConfig {
        let text = format!(
            "route: {{receiver: r}}\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: http://x/\n        http_config:\n{yaml}"
        );
        let c = am_config::load_str(&text, None, &am_config::LoadOptions::default()).unwrap();
        c.receivers[0].webhook_configs[0].http_config.clone()
    }

    #[test]
    fn unreadable_ca_fails_the_build() {
        let c = config("          tls_config: {ca_file: /nonexistent/ca.pem}\n");
        let e = HttpClient::new(&c, "ua").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("unable to read CA file /nonexistent/ca.pem:"),
            "{e}"
        );
    }

    #[test]
    fn credentials_are_read_per_request() {
        let dir = tempfile::tempdir().unwrap();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "s3cret\n").unwrap();
        let c = config(&format!(
            "          basic_auth: {{username: u, password_file: {}}}\n",
            pw.display()
        ));
        let client = HttpClient::new(&c, "ua").unwrap();
        // base64("u:s3cret")
        assert_eq!(
            client.authorization().unwrap().as_deref(),
            Some("Basic dTpzM2NyZXQ=")
        );
        std::fs::write(&pw, "other").unwrap();
        assert_eq!(
            client.authorization().unwrap().as_deref(),
            Some("Basic dTpvdGhlcg==")
        );
        std::fs::remove_file(&pw).unwrap();
        assert!(
            client
                .authorization()
                .unwrap_err()
                .contains("unable to read")
        );
        let c = config("          authorization: {type: Token, credentials: abc}\n");
        let client = HttpClient::new(&c, "ua").unwrap();
        assert_eq!(
            client.authorization().unwrap().as_deref(),
            Some("Token abc")
        );
    }
}
