//! `--http.config.file` (upstream `cli/root.go` → prometheus/common
//! `config.LoadHTTPConfigFile` / `NewClientFromConfig`): basic auth, bearer tokens, the
//! `authorization` block and the TLS settings a CLI needs (CA, client certificate,
//! `insecure_skip_verify`, `server_name` is not supported). Relative file paths are resolved
//! against the parent of the file's directory, as prometheus/common does.

use std::path::{Path, PathBuf};

use am_config::http_config::RawHttpClientConfig;
use am_config::yaml::Document;
use anyhow::{Context as _, anyhow};

/// The `Authorization` a request carries.
#[derive(Clone, Debug)]
pub enum Auth {
    /// HTTP basic authentication.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// A full `Authorization` header value (`Bearer <token>`).
    Header(String),
}

/// What an http config file yields: authentication and a client builder with its TLS
/// settings.
pub struct HttpSettings {
    /// Authentication, if any.
    pub auth: Option<Auth>,
    /// A builder with the TLS settings applied.
    pub builder: reqwest::ClientBuilder,
}

/// Loads `path`.
///
/// # Errors
/// The file cannot be read or parsed, or a referenced file cannot be read; the message
/// starts with `failed to load HTTP config file:` like amtool's.
pub fn load(path: &Path) -> anyhow::Result<HttpSettings> {
    let fail = |e: String| anyhow!("failed to load HTTP config file: {e}");
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("{e}")))?;
    let raw: RawHttpClientConfig = Document::parse(&text)
        .and_then(|d| d.deserialize())
        .map_err(|e| fail(e.to_string()))?;
    // prometheus/common joins relative paths to the parent of the file's directory.
    let base = path
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let resolve = |p: &str| -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let read = |p: &str| -> anyhow::Result<String> {
        let full = resolve(p);
        let text = std::fs::read_to_string(&full)
            .with_context(|| format!("unable to read file {}", full.display()))?;
        Ok(text.trim().to_owned())
    };
    let mut auth = None;
    if let Some(basic) = &raw.basic_auth {
        let username = match (&basic.username, &basic.username_file) {
            (Some(u), _) => u.clone(),
            (None, Some(f)) => read(f)?,
            (None, None) => String::new(),
        };
        let password = match (&basic.password, &basic.password_file) {
            (Some(p), _) => p.clone(),
            (None, Some(f)) => read(f)?,
            (None, None) => String::new(),
        };
        auth = Some(Auth::Basic { username, password });
    }
    if let Some(authz) = &raw.authorization {
        let kind = authz.kind.clone().unwrap_or_else(|| "Bearer".into());
        let credentials = match (&authz.credentials, &authz.credentials_file) {
            (Some(c), _) => c.clone(),
            (None, Some(f)) => read(f)?,
            (None, None) => String::new(),
        };
        auth = Some(Auth::Header(format!("{kind} {credentials}")));
    }
    if let Some(token) = &raw.bearer_token {
        auth = Some(Auth::Header(format!("Bearer {token}")));
    } else if let Some(file) = &raw.bearer_token_file {
        auth = Some(Auth::Header(format!("Bearer {}", read(file)?)));
    }
    let mut builder = default_builder();
    if raw.follow_redirects == Some(false) {
        builder = builder.redirect(reqwest::redirect::Policy::none());
    }
    if let Some(tls) = &raw.tls_config {
        if tls.insecure_skip_verify == Some(true) {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let ca = match (&tls.ca, &tls.ca_file) {
            (Some(pem), _) => Some(pem.clone()),
            (None, Some(f)) => Some(read(f)?),
            _ => None,
        };
        if let Some(pem) = ca {
            for cert in reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| anyhow!("failed to create a new HTTP client: {e}"))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        let cert = match (&tls.cert, &tls.cert_file) {
            (Some(pem), _) => Some(pem.clone()),
            (None, Some(f)) => Some(read(f)?),
            _ => None,
        };
        let key = match (&tls.key, &tls.key_file) {
            (Some(pem), _) => Some(pem.clone()),
            (None, Some(f)) => Some(read(f)?),
            _ => None,
        };
        if let (Some(cert), Some(key)) = (cert, key) {
            let identity = reqwest::Identity::from_pem(format!("{cert}\n{key}\n").as_bytes())
                .map_err(|e| anyhow!("failed to create a new HTTP client: {e}"))?;
            builder = builder.identity(identity);
        }
    }
    Ok(HttpSettings { auth, builder })
}

/// The builder used without an http config (redirects followed, system roots).
pub fn default_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().user_agent("alertmeshctl")
}
