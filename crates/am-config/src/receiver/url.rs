//! URL-like configuration values: [`HttpUrl`] (upstream's `config.URL`: http or https with a
//! host), [`SecretUrl`] (upstream's `config.SecretURL`, printed as `<secret>`) and [`HostPort`]
//! (upstream's `config.HostPort`, the SMTP smarthost). Mirrors `config/config.go`.
//!
//! Upstream checks URLs with Go's `net/url`; the scheme and host rules are reproduced here
//! with Go's messages, then the `url` crate parses the text for the notifiers.

use std::fmt;

use am_model::go_quote::quote;
use serde::Serialize;

use crate::secret::REDACTED;

/// An absolute `http`/`https` URL with a host. Prints as written.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpUrl {
    text: String,
    url: url::Url,
}

impl HttpUrl {
    /// Parses like upstream's `parseURL`: Go's `url.Parse`, then scheme `http`/`https` and a
    /// non-empty host. Error messages are Go's (`unsupported scheme "ftp" for URL`,
    /// `missing host for URL`, `parse "...": ...`).
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_inner(text, &quote(text))
    }

    /// Like [`HttpUrl::parse`], but error messages never contain the URL text.
    pub fn parse_redacted(text: &str) -> Result<Self, String> {
        Self::parse_inner(text, &quote(REDACTED))
    }

    fn parse_inner(text: &str, shown: &str) -> Result<Self, String> {
        let (scheme, host) = go_url_parse(text, shown)?;
        if scheme != "http" && scheme != "https" {
            return Err(format!("unsupported scheme {} for URL", quote(&scheme)));
        }
        if host.is_empty() {
            return Err("missing host for URL".to_string());
        }
        let url = url::Url::parse(text).map_err(|e| format!("parse {shown}: {e}"))?;
        Ok(Self {
            text: text.to_string(),
            url,
        })
    }

    /// The URL as written in the configuration (with a trailing `/` when one was added).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed URL.
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    /// This URL with `/` appended to its path when it does not end with one (upstream does this
    /// for the OpsGenie, WeChat and VictorOps API URLs).
    pub fn with_trailing_slash(&self) -> HttpUrl {
        let cut = self.text.find(['?', '#']).unwrap_or(self.text.len());
        let (base, tail) = self.text.split_at(cut);
        if base.ends_with('/') {
            return self.clone();
        }
        let text = format!("{base}/{tail}");
        let mut url = self.url.clone();
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        HttpUrl { text, url }
    }
}

impl fmt::Debug for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpUrl({:?})", self.text)
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for HttpUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// The checks of Go's `url.Parse` that matter for configuration values, with Go's messages
/// (`shown` is the quoted text to print): returns the lowercased scheme and the host.
pub(crate) fn go_url_parse(text: &str, shown: &str) -> Result<(String, String), String> {
    if text.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(format!(
            "parse {shown}: net/url: invalid control character in URL"
        ));
    }
    let no_frag = text.split('#').next().unwrap_or_default();
    let (scheme, rest) = go_scheme(no_frag).map_err(|e| format!("parse {shown}: {e}"))?;
    let rest = rest.split('?').next().unwrap_or_default();
    let host = match rest.strip_prefix("//") {
        Some(authority) => {
            let authority = authority.split('/').next().unwrap_or_default();
            let host = authority.rsplit('@').next().unwrap_or_default();
            check_go_host(host).map_err(|e| format!("parse {shown}: {e}"))?;
            host
        }
        None => "",
    };
    Ok((scheme.to_ascii_lowercase(), host.to_string()))
}

/// Go's `getScheme`: the scheme (possibly empty) and the rest.
fn go_scheme(s: &str) -> Result<(&str, &str), &'static str> {
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme"),
            b':' => return Ok((&s[..i], &s[i + 1..])),
            _ => return Ok(("", s)),
        }
    }
    Ok(("", s))
}

/// The host checks of Go's `parseHost` that matter for configuration: the port must be
/// numeric and the host must not contain characters Go refuses.
fn check_go_host(host: &str) -> Result<(), String> {
    let (name, port) = if host.starts_with('[') {
        match host.find(']') {
            Some(i) => (&host[..=i], &host[i + 1..]),
            None => return Err("missing ']' in host".to_string()),
        }
    } else {
        match host.rfind(':') {
            Some(i) => (&host[..i], &host[i..]),
            None => (host, ""),
        }
    };
    if !port.is_empty()
        && (!port.starts_with(':') || !port[1..].bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("invalid port {} after host", quote(port)));
    }
    for c in name.chars() {
        let ok =
            c.is_ascii_alphanumeric() || !c.is_ascii() || "-_.~!$&'()*+,;=:[]<>\"%".contains(c);
        if !ok {
            return Err(format!(
                "invalid character {} in host name",
                quote(&c.to_string())
            ));
        }
    }
    Ok(())
}

/// A URL that must not be revealed: prints as `<secret>`. Like upstream, the literal text
/// `<secret>` is accepted when loading (so that a printed configuration loads again); it
/// yields a `SecretUrl` without a URL.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(Option<HttpUrl>);

impl SecretUrl {
    /// Parses like upstream's `SecretURL`; errors never contain the URL.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == REDACTED {
            return Ok(Self(None));
        }
        HttpUrl::parse_redacted(text).map(|u| Self(Some(u)))
    }

    /// The URL; `None` when the configuration held the `<secret>` placeholder.
    pub fn url(&self) -> Option<&HttpUrl> {
        self.0.as_ref()
    }
}

impl From<HttpUrl> for SecretUrl {
    fn from(url: HttpUrl) -> Self {
        Self(Some(url))
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for SecretUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

/// Where a URL-valued secret comes from (`api_url` / `api_url_file` and similar pairs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretUrlSource {
    /// Written in the configuration.
    Inline(SecretUrl),
    /// Read from this file when notifying.
    File(std::path::PathBuf),
}

/// A `host:port` address (the SMTP smarthost), split like Go's `net.SplitHostPort`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPort {
    host: String,
    port: String,
}

impl HostPort {
    /// Parses `host:port`; errors are Go's (`address x: missing port in address`,
    /// `address "x:": port cannot be empty`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let err = |why: &str| format!("address {text}: {why}");
        let Some(i) = text.rfind(':') else {
            return Err(err("missing port in address"));
        };
        let (host, j, k) = if text.starts_with('[') {
            let Some(end) = text.find(']') else {
                return Err(err("missing ']' in address"));
            };
            if end + 1 == text.len() {
                return Err(err("missing port in address"));
            } else if end + 1 != i {
                if text.as_bytes()[end + 1] == b':' {
                    return Err(err("too many colons in address"));
                }
                return Err(err("missing port in address"));
            }
            (&text[1..end], 1, end + 1)
        } else {
            let host = &text[..i];
            if host.contains(':') {
                return Err(err("too many colons in address"));
            }
            (host, 0, 0)
        };
        if text[j..].contains('[') {
            return Err(err("unexpected '[' in address"));
        }
        if text[k..].contains(']') {
            return Err(err("unexpected ']' in address"));
        }
        let port = &text[i + 1..];
        if port.is_empty() {
            return Err(format!("address {}: port cannot be empty", quote(text)));
        }
        Ok(Self {
            host: host.to_string(),
            port: port.to_string(),
        })
    }

    /// The host (without IPv6 brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, as written (may be a service name).
    pub fn port(&self) -> &str {
        &self.port
    }
}

impl fmt::Display for HostPort {
    /// `host:port`, as upstream prints it (IPv6 hosts lose their brackets, as upstream's do).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

impl Serialize for HostPort {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_url_rules() {
        assert_eq!(
            HttpUrl::parse("https://x.example/a").unwrap().as_str(),
            "https://x.example/a"
        );
        assert_eq!(HttpUrl::parse("HTTP://x").unwrap().url().scheme(), "http");
        assert_eq!(
            HttpUrl::parse("ftp://x").unwrap_err(),
            "unsupported scheme \"ftp\" for URL"
        );
        assert_eq!(
            HttpUrl::parse("x.example").unwrap_err(),
            "unsupported scheme \"\" for URL"
        );
        assert_eq!(
            HttpUrl::parse("http:/x").unwrap_err(),
            "missing host for URL"
        );
        assert_eq!(
            HttpUrl::parse("http://").unwrap_err(),
            "missing host for URL"
        );
        assert_eq!(
            HttpUrl::parse(":x").unwrap_err(),
            "parse \":x\": missing protocol scheme"
        );
        assert_eq!(
            HttpUrl::parse("http://h:8a/").unwrap_err(),
            "parse \"http://h:8a/\": invalid port \":8a\" after host"
        );
        assert_eq!(
            HttpUrl::parse("http://a b/").unwrap_err(),
            "parse \"http://a b/\": invalid character \" \" in host name"
        );
        assert!(HttpUrl::parse("http://u:p@h:80/p?q#f").is_ok());
        assert!(
            HttpUrl::parse_redacted("http://a b/")
                .unwrap_err()
                .contains("<secret>")
        );
    }

    #[test]
    fn trailing_slash() {
        let u = HttpUrl::parse("https://api.example/v2?x=1")
            .unwrap()
            .with_trailing_slash();
        assert_eq!(u.as_str(), "https://api.example/v2/?x=1");
        assert_eq!(u.url().path(), "/v2/");
        let same = HttpUrl::parse("https://api.example/").unwrap();
        assert_eq!(same.with_trailing_slash(), same);
    }

    #[test]
    fn secret_url_placeholder_and_redaction() {
        assert_eq!(SecretUrl::parse("<secret>").unwrap().url(), None);
        let s = SecretUrl::parse("https://hooks.example/abc").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"<secret>\"");
        assert_eq!(format!("{s:?}"), "<secret>");
        assert!(
            !SecretUrl::parse("http://a b/tok")
                .unwrap_err()
                .contains("tok")
        );
    }

    #[test]
    fn host_port() {
        let hp = HostPort::parse("smtp.example:587").unwrap();
        assert_eq!((hp.host(), hp.port()), ("smtp.example", "587"));
        assert_eq!(HostPort::parse("[::1]:25").unwrap().host(), "::1");
        assert_eq!(
            HostPort::parse("x").unwrap_err(),
            "address x: missing port in address"
        );
        assert_eq!(
            HostPort::parse("a:b:c").unwrap_err(),
            "address a:b:c: too many colons in address"
        );
        assert_eq!(
            HostPort::parse("x:").unwrap_err(),
            "address \"x:\": port cannot be empty"
        );
        assert_eq!(HostPort::parse(":25").unwrap().to_string(), ":25");
    }
}
