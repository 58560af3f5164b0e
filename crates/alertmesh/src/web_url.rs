//! The URL alertmesh is reachable under and the path prefix of its HTTP routes, derived from
//! `--web.external-url`, `--web.route-prefix` and the first `--web.listen-address` the way
//! upstream's `extURL` and route-prefix handling in `cmd/alertmanager/main.go` do.

/// The external URL and route prefix in effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebUrls {
    /// The external URL with its path normalised: no trailing `/`, a leading `/` when not empty
    /// (`http://host:9093`, `https://example.com/alertmanager`).
    pub external_url: String,
    /// The path of the external URL as normalised above (empty for the root).
    pub external_path: String,
    /// The prefix of every HTTP route: `/` or `/something` without a trailing slash.
    pub route_prefix: String,
}

/// Why the external URL could not be determined; the wording follows upstream.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebUrlError {
    /// The listen address has no port or too many colons.
    #[error("address {address}: {reason}")]
    ListenAddress {
        /// The listen address as given.
        address: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The host name could not be read.
    #[error("cannot determine the host name: {0}")]
    Hostname(String),
    /// The URL has no scheme or one other than http and https.
    #[error("{url:?}: invalid {scheme:?} scheme, only 'http' and 'https' are supported")]
    Scheme {
        /// The URL as given.
        url: String,
        /// Its scheme (empty when missing).
        scheme: String,
    },
}

/// Derives the external URL and route prefix. `listen_address` is the first
/// `--web.listen-address`; `hostname` supplies the host name when no external URL is given.
/// Returns the URLs and, separately, whether the listen address had no port (upstream logs a
/// warning then and carries on).
///
/// # Errors
/// See [`WebUrlError`].
pub fn derive(
    external_url: Option<&str>,
    route_prefix: Option<&str>,
    listen_address: &str,
    hostname: impl FnOnce() -> Result<String, String>,
) -> Result<(WebUrls, bool), WebUrlError> {
    let mut missing_port = false;
    let url = match external_url.filter(|u| !u.is_empty()) {
        Some(url) => url.to_owned(),
        None => {
            let host = hostname().map_err(WebUrlError::Hostname)?;
            let port = port_of(listen_address)?;
            missing_port = port.is_empty();
            format!("http://{host}:{port}/")
        }
    };
    let (scheme, after_scheme) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None => ("", url.as_str()),
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(WebUrlError::Scheme {
            url: url.clone(),
            scheme: scheme.to_owned(),
        });
    }
    let authority_end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let (authority, tail) = after_scheme.split_at(authority_end);
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let (path, query) = tail.split_at(path_end);
    let mut external_path = path.trim_end_matches('/').to_owned();
    if !external_path.is_empty() && !external_path.starts_with('/') {
        external_path.insert(0, '/');
    }
    let external_url = format!("{scheme}://{authority}{external_path}{query}");
    let prefix = route_prefix
        .filter(|p| !p.is_empty())
        .unwrap_or(&external_path);
    let route_prefix = format!("/{}", prefix.trim_matches('/'));
    Ok((
        WebUrls {
            external_url,
            external_path,
            route_prefix,
        },
        missing_port,
    ))
}

/// The port of `host:port`, `[v6]:port` or `:port`, like Go's `net.SplitHostPort`.
fn port_of(address: &str) -> Result<&str, WebUrlError> {
    let error = |reason| WebUrlError::ListenAddress {
        address: address.to_owned(),
        reason,
    };
    if let Some(rest) = address.strip_prefix('[') {
        let (_, after) = rest
            .split_once(']')
            .ok_or_else(|| error("missing ']' in address"))?;
        return after
            .strip_prefix(':')
            .ok_or_else(|| error("missing port in address"));
    }
    let (host, port) = address
        .rsplit_once(':')
        .ok_or_else(|| error("missing port in address"))?;
    if host.contains(':') {
        return Err(error("too many colons in address"));
    }
    Ok(port)
}

/// The machine's host name, as Go's `os.Hostname` reads it on Linux.
///
/// # Errors
/// Neither `/proc/sys/kernel/hostname` nor `/etc/hostname` is readable and non-empty.
pub fn system_hostname() -> Result<String, String> {
    let mut last_error = String::from("no host name found");
    for path in ["/proc/sys/kernel/hostname", "/etc/hostname"] {
        match std::fs::read_to_string(path) {
            Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
            Ok(_) => {}
            Err(e) => last_error = format!("{path}: {e}"),
        }
    }
    Err(last_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> Result<String, String> {
        Ok("box".to_owned())
    }

    fn urls(external: Option<&str>, prefix: Option<&str>, listen: &str) -> WebUrls {
        derive(external, prefix, listen, host).unwrap().0
    }

    #[test]
    fn derived_from_hostname_and_port() {
        let u = urls(None, None, ":9093");
        assert_eq!(u.external_url, "http://box:9093");
        assert_eq!(u.external_path, "");
        assert_eq!(u.route_prefix, "/");
        assert_eq!(
            urls(Some(""), None, "[::1]:80").external_url,
            "http://box:80"
        );
        assert!(derive(None, None, "0.0.0.0:", host).unwrap().1);
    }

    #[test]
    fn explicit_url_path_becomes_the_prefix() {
        let u = urls(Some("https://example.com/alertmanager/"), None, ":9093");
        assert_eq!(u.external_url, "https://example.com/alertmanager");
        assert_eq!(u.external_path, "/alertmanager");
        assert_eq!(u.route_prefix, "/alertmanager");
        let u = urls(
            Some("http://example.com/a/b/?x=1"),
            Some("/inner/"),
            ":9093",
        );
        assert_eq!(u.external_url, "http://example.com/a/b?x=1");
        assert_eq!(u.route_prefix, "/inner");
        assert_eq!(
            urls(Some("http://example.com"), Some("///"), ":1").route_prefix,
            "/"
        );
    }

    #[test]
    fn errors() {
        let err = |external: Option<&str>, listen: &str| {
            derive(external, None, listen, host)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(Some("ftp://example.com"), ":9093"),
            r#""ftp://example.com": invalid "ftp" scheme, only 'http' and 'https' are supported"#
        );
        assert_eq!(
            err(Some("example.com"), ":9093"),
            r#""example.com": invalid "" scheme, only 'http' and 'https' are supported"#
        );
        assert_eq!(
            err(None, "localhost"),
            "address localhost: missing port in address"
        );
        assert_eq!(
            err(None, "::1:80"),
            "address ::1:80: too many colons in address"
        );
        let failing = || Err("boom".to_owned());
        assert!(matches!(
            derive(None, None, ":1", failing),
            Err(WebUrlError::Hostname(_))
        ));
    }
}
