//! How validated HTTP client settings print: prometheus/common's yaml tags (key order,
//! `omitempty`), secrets as `<secret>`, proxy URLs with the password replaced by `xxxxx`.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::{Authorization, BasicAuth, Header, HttpAuth, HttpClientConfig, OAuth2, ProxyConfig};
use crate::receiver::common::MapExt;
use crate::secret::ValueSource;

/// Prints a `ValueSource` triple; `inline_key` is printed as `null` when absent and
/// `always` is set (upstream's keys without `omitempty`).
fn put_source<M: SerializeMap, T: Serialize>(
    m: &mut M,
    source: Option<&ValueSource<T>>,
    keys: [&str; 3],
    always: bool,
) -> Result<(), M::Error> {
    match source.and_then(ValueSource::inline) {
        Some(v) => m.put(keys[0], v)?,
        None if always => m.put(keys[0], &None::<&str>)?,
        None => {}
    }
    let file = source.and_then(ValueSource::file).unwrap_or_default();
    let reference = source.and_then(ValueSource::reference).unwrap_or_default();
    if always {
        m.put(keys[1], file)?;
        m.put(keys[2], reference)
    } else {
        m.put_str(keys[1], file)?;
        m.put_str(keys[2], reference)
    }
}

fn put_proxy<M: SerializeMap>(m: &mut M, p: &ProxyConfig) -> Result<(), M::Error> {
    m.put_opt("proxy_url", p.proxy_url.as_ref())?;
    m.put_str("no_proxy", &p.no_proxy)?;
    m.put_true("proxy_from_environment", p.proxy_from_environment)?;
    m.put_map("proxy_connect_header", &p.proxy_connect_header)
}

impl Serialize for BasicAuth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        let username = self.username.as_ref().and_then(ValueSource::inline);
        m.put("username", username.map_or("", String::as_str))?;
        m.put_str(
            "username_file",
            self.username
                .as_ref()
                .and_then(ValueSource::file)
                .unwrap_or(""),
        )?;
        m.put_str(
            "username_ref",
            self.username
                .as_ref()
                .and_then(ValueSource::reference)
                .unwrap_or(""),
        )?;
        put_source(
            &mut m,
            self.password.as_ref(),
            ["password", "password_file", "password_ref"],
            false,
        )?;
        m.end()
    }
}

impl Serialize for Authorization {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put_str("type", &self.kind)?;
        let keys = ["credentials", "credentials_file", "credentials_ref"];
        put_source(&mut m, self.credentials.as_ref(), keys, false)?;
        m.end()
    }
}

impl Serialize for OAuth2 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("client_id", &self.client_id)?;
        let keys = ["client_secret", "client_secret_file", "client_secret_ref"];
        put_source(&mut m, self.client_secret.as_ref(), keys, true)?;
        m.put_list("scopes", &self.scopes)?;
        m.put("token_url", &self.token_url)?;
        m.put_map("endpoint_params", &self.endpoint_params)?;
        if !self.tls_config.is_zero() {
            m.put("tls_config", &self.tls_config)?;
        }
        put_proxy(&mut m, &self.proxy)?;
        m.end()
    }
}

impl Serialize for Header {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put_list("values", &self.values)?;
        m.put_list("secrets", &self.secrets)?;
        m.put_list("files", &self.files)?;
        m.end()
    }
}

impl Serialize for HttpClientConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        match &self.auth {
            Some(HttpAuth::Basic(b)) => m.put("basic_auth", b)?,
            Some(HttpAuth::Authorization(a)) => m.put("authorization", a)?,
            Some(HttpAuth::OAuth2(o)) => m.put("oauth2", o)?,
            None => {}
        }
        if !self.tls_config.is_zero() {
            m.put("tls_config", &self.tls_config)?;
        }
        m.put("follow_redirects", &self.follow_redirects)?;
        m.put("enable_http2", &self.enable_http2)?;
        put_proxy(&mut m, &self.proxy)?;
        m.put_opt("http_headers", self.http_headers.as_ref())?;
        m.end()
    }
}
