//! The HTTP client amtool builds in `NewAlertmanagerClient` (upstream `cli/root.go`) with the
//! go-swagger generated operations of `api/v2/client/*` (v0.28): base URL handling (default
//! `http://localhost:9093`, path prefix + `/api/v2`), basic auth from the URL or an
//! `--http.config.file`, and errors worded like the generated client's.

use std::time::Duration;

use anyhow::Context as _;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::http_config::Auth;

/// One API v2 operation: its method, path template and go-swagger operation id.
#[derive(Clone, Copy, Debug)]
pub struct Op {
    /// HTTP method.
    pub method: &'static str,
    /// Path template as in the spec (`/silence/{silenceID}`).
    pub template: &'static str,
    /// Operation id (`getSilence`).
    pub id: &'static str,
    /// Status codes the spec lists besides 200, and whether they carry a string payload.
    pub errors: &'static [(u16, &'static str, bool)],
}

/// GET /alerts.
pub const GET_ALERTS: Op = Op {
    method: "GET",
    template: "/alerts",
    id: "getAlerts",
    errors: &[
        (400, "BadRequest", true),
        (500, "InternalServerError", true),
    ],
};
/// POST /alerts.
pub const POST_ALERTS: Op = Op {
    method: "POST",
    template: "/alerts",
    id: "postAlerts",
    errors: &[
        (400, "BadRequest", true),
        (500, "InternalServerError", true),
    ],
};
/// GET /silences.
pub const GET_SILENCES: Op = Op {
    method: "GET",
    template: "/silences",
    id: "getSilences",
    errors: &[
        (400, "BadRequest", true),
        (500, "InternalServerError", true),
    ],
};
/// GET /silence/{silenceID}.
pub const GET_SILENCE: Op = Op {
    method: "GET",
    template: "/silence/{silenceID}",
    id: "getSilence",
    errors: &[(404, "NotFound", false), (500, "InternalServerError", true)],
};
/// DELETE /silence/{silenceID}.
pub const DELETE_SILENCE: Op = Op {
    method: "DELETE",
    template: "/silence/{silenceID}",
    id: "deleteSilence",
    errors: &[(404, "NotFound", false), (500, "InternalServerError", true)],
};
/// POST /silences.
pub const POST_SILENCES: Op = Op {
    method: "POST",
    template: "/silences",
    id: "postSilences",
    errors: &[(400, "BadRequest", true), (404, "NotFound", true)],
};
/// GET /status.
pub const GET_STATUS: Op = Op {
    method: "GET",
    template: "/status",
    id: "getStatus",
    errors: &[],
};

/// A failed API call; `Display` is the go-swagger client's error text.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A status code the spec lists for the operation (`[GET /silence/{silenceID}][404] …`).
    #[error("[{method} {template}][{code}] {id}{name} {payload}")]
    Listed {
        /// Method.
        method: &'static str,
        /// Path template.
        template: &'static str,
        /// Status code.
        code: u16,
        /// Operation id.
        id: &'static str,
        /// Response name suffix (`NotFound`).
        name: &'static str,
        /// ` <payload>` or empty.
        payload: String,
    },
    /// A status code the spec does not list for the operation.
    #[error("[{method} {template}] {id} (status {code}): {{}}")]
    Unlisted {
        /// Method.
        method: &'static str,
        /// Path template.
        template: &'static str,
        /// Operation id.
        id: &'static str,
        /// Status code.
        code: u16,
    },
    /// The request could not be made or the response not read (Go's `*url.Error` wording).
    #[error("{method} {url:?}: {reason}")]
    Transport {
        /// Method, capitalised as Go prints it (`Get`).
        method: String,
        /// Full URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The body of a 200 response is not what the spec says.
    #[error("{0}")]
    Decode(String),
}

/// A client for one Alertmanager.
pub struct Client {
    http: reqwest::Client,
    base: url::Url,
    auth: Option<Auth>,
    deadline: tokio::time::Instant,
}

impl Client {
    /// A client for `am_url` (`None`: amtool's default `http://localhost:9093`), with the
    /// authentication from the URL's user info or an http config, and one deadline for the
    /// whole command (`--timeout`).
    ///
    /// # Errors
    /// The TLS settings cannot be used.
    pub fn new(
        am_url: Option<&url::Url>,
        auth: Option<Auth>,
        tls: reqwest::ClientBuilder,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let mut base = match am_url {
            Some(u) => u.clone(),
            None => url::Url::parse("http://localhost:9093").context("default URL")?,
        };
        let mut auth = auth;
        if !base.username().is_empty() || base.password().is_some() {
            auth = Some(Auth::Basic {
                username: percent_decode(base.username()),
                password: base.password().map(percent_decode).unwrap_or_default(),
            });
            let _ = base.set_username("");
            let _ = base.set_password(None);
        }
        let path = format!("{}/api/v2", base.path().trim_end_matches('/'));
        base.set_path(&path);
        base.set_query(None);
        base.set_fragment(None);
        let http = tls.build().context("failed to create a new HTTP client")?;
        let deadline = tokio::time::Instant::now() + timeout;
        Ok(Client {
            http,
            base,
            auth,
            deadline,
        })
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> url::Url {
        let mut u = self.base.clone();
        let full = format!("{}{}", u.path(), path);
        u.set_path(&full);
        if !query.is_empty() {
            let mut sorted: Vec<&(&str, String)> = query.iter().collect();
            // Go's url.Values.Encode sorts by key and keeps each key's values in order.
            sorted.sort_by_key(|(k, _)| *k);
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in sorted {
                ser.append_pair(k, v);
            }
            u.set_query(Some(&ser.finish()));
        }
        u
    }

    /// Performs `op` on `path` with `query` and an optional JSON body, and decodes the 200
    /// response (use `()`-like `serde::de::IgnoredAny` for empty bodies).
    ///
    /// # Errors
    /// [`ApiError`] worded like the generated Go client.
    pub async fn call<T: DeserializeOwned>(
        &self,
        op: Op,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<T, ApiError> {
        let url = self.url(path, query);
        let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::GET);
        let mut req = self
            .http
            .request(method, url.clone())
            .header("Accept", "application/json");
        if let Some(body) = body {
            req = req.header("Content-Type", "application/json").body(body);
        }
        req = match &self.auth {
            Some(Auth::Basic { username, password }) => req.basic_auth(username, Some(password)),
            Some(Auth::Header(value)) => req.header("Authorization", value),
            None => req,
        };
        let transport = |reason: String| ApiError::Transport {
            method: go_method(op.method),
            url: url.to_string(),
            reason,
        };
        let send = async {
            let resp = req
                .send()
                .await
                .map_err(|e| transport(describe(&e, &url)))?;
            let status = resp.status();
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| transport(describe(&e, &url)))?;
            Ok::<_, ApiError>((status, bytes))
        };
        let (status, bytes) = tokio::time::timeout_at(self.deadline, send)
            .await
            .map_err(|_| transport("context deadline exceeded".into()))??;
        if status == StatusCode::OK {
            let text: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            return serde_json::from_slice(text).map_err(|e| ApiError::Decode(e.to_string()));
        }
        let code = status.as_u16();
        match op.errors.iter().find(|(c, _, _)| *c == code) {
            Some((_, name, has_payload)) => {
                let payload = if *has_payload {
                    serde_json::from_slice::<serde_json::Value>(&bytes)
                        .map(|v| match v {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        })
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                let payload = if *has_payload {
                    format!(" {payload}")
                } else {
                    payload
                };
                Err(ApiError::Listed {
                    method: op.method,
                    template: op.template,
                    code,
                    id: op.id,
                    name,
                    payload,
                })
            }
            None => Err(ApiError::Unlisted {
                method: op.method,
                template: op.template,
                id: op.id,
                code,
            }),
        }
    }
}

/// Go's `url.Error` capitalises the method: `Get`, `Post`, `Delete`.
fn go_method(method: &str) -> String {
    let mut chars = method.chars();
    match chars.next() {
        Some(first) => first.to_string() + &chars.as_str().to_ascii_lowercase(),
        None => String::new(),
    }
}

/// Go's wording for the common transport failures; reqwest's chain otherwise.
fn describe(error: &reqwest::Error, url: &url::Url) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            let host = match url.host_str() {
                Some("localhost") | None => "127.0.0.1",
                Some(h) => h,
            };
            let port = url.port_or_known_default().unwrap_or(80);
            return format!("dial tcp {host}:{port}: connect: connection refused");
        }
        source = e.source();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

/// Decodes `%XX` escapes of URL user info (`+` stays a plus).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
