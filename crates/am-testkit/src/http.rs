//! A tiny blocking HTTP/1.1 client for tests that talk to a local Alertmanager-compatible server
//! (no upstream counterpart: test infrastructure only).
//!
//! One request per connection (`Connection: close`), so the response ends at EOF; chunked
//! responses are decoded. Only `127.0.0.1`/`localhost` URLs are accepted, so a test can never
//! send traffic off the machine.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A response: status code, lower-cased header names with values, and the body.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// Headers in arrival order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The (de-chunked) body.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as UTF-8 text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, String> {
        serde_json::from_slice(&self.body)
            .map_err(|e| format!("invalid JSON body ({e}): {}", self.text()))
    }

    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Errors of [`request`].
#[derive(Debug)]
pub enum HttpError {
    /// The URL is not `http://127.0.0.1:PORT/...` or `http://localhost:PORT/...`.
    BadUrl(String),
    /// Connecting, writing or reading failed.
    Io(std::io::Error),
    /// The response could not be parsed.
    Protocol(String),
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::BadUrl(u) => write!(f, "unsupported url {u:?} (only local http)"),
            HttpError::Io(e) => write!(f, "i/o error: {e}"),
            HttpError::Protocol(m) => write!(f, "bad http response: {m}"),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<std::io::Error> for HttpError {
    fn from(e: std::io::Error) -> Self {
        HttpError::Io(e)
    }
}

/// Splits `http://host:port/path` into (`host:port`, `/path`), accepting local hosts only.
pub fn split_local_url(url: &str) -> Result<(String, String), HttpError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| HttpError::BadUrl(url.to_string()))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    if host != "127.0.0.1" && host != "localhost" {
        return Err(HttpError::BadUrl(url.to_string()));
    }
    Ok((authority.to_string(), path.to_string()))
}

/// Sends one request and reads the whole response. `body` is sent with `content_type`.
pub fn request(
    method: &str,
    url: &str,
    body: Option<(&str, &[u8])>,
    timeout: Duration,
) -> Result<Response, HttpError> {
    let (authority, path) = split_local_url(url)?;
    let addr = authority.replace("localhost", "127.0.0.1");
    let sock_addr: std::net::SocketAddr = addr
        .parse()
        .map_err(|_| HttpError::BadUrl(url.to_string()))?;
    let mut stream = TcpStream::connect_timeout(&sock_addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nAccept: */*\r\n"
    );
    match body {
        Some((ctype, bytes)) => {
            head.push_str(&format!(
                "Content-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
                bytes.len()
            ));
            stream.write_all(head.as_bytes())?;
            stream.write_all(bytes)?;
        }
        None => {
            head.push_str("Content-Length: 0\r\n\r\n");
            stream.write_all(head.as_bytes())?;
        }
    }
    stream.flush()?;
    read_response(BufReader::new(stream), method == "HEAD")
}

/// Reads a response from a stream that ends at EOF (or at Content-Length).
fn read_response<R: BufRead>(mut r: R, head_only: bool) -> Result<Response, HttpError> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| HttpError::Protocol(format!("status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(HttpError::Protocol("eof in headers".into()));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let find = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if head_only {
    } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = read_chunked(&mut r)?;
    } else if let Some(len) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(len, 0);
        r.read_exact(&mut body)?;
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Decodes a chunked body (trailers ignored).
pub fn read_chunked<R: BufRead>(r: &mut R) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let size_str = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_str, 16)
            .map_err(|_| HttpError::Protocol(format!("chunk size {line:?}")))?;
        if size == 0 {
            // Trailers until the empty line.
            loop {
                line.clear();
                if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        line.clear();
        r.read_line(&mut line)?;
    }
}

/// A client bound to one base URL (`http://127.0.0.1:PORT`), with a per-request timeout.
#[derive(Debug, Clone)]
pub struct HttpClient {
    base: String,
    timeout: Duration,
}

impl HttpClient {
    /// A client for `base` (no trailing slash needed) with a 30 s timeout.
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            timeout: Duration::from_secs(30),
        }
    }

    /// The same client with another per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// GET `path` (e.g. `/api/v2/alerts?active=true`).
    pub fn get(&self, path: &str) -> Result<Response, HttpError> {
        request("GET", &format!("{}{path}", self.base), None, self.timeout)
    }

    /// GET `path` and parse the body as JSON, requiring status 200.
    pub fn get_json(&self, path: &str) -> Result<serde_json::Value, String> {
        let resp = self.get(path).map_err(|e| format!("GET {path}: {e}"))?;
        if resp.status != 200 {
            return Err(format!(
                "GET {path}: status {}: {}",
                resp.status,
                resp.text()
            ));
        }
        resp.json()
    }

    /// POST a JSON value to `path`.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<Response, HttpError> {
        let bytes = serde_json::to_vec(body).map_err(|e| HttpError::Protocol(e.to_string()))?;
        self.post_bytes(path, "application/json", &bytes)
    }

    /// POST raw bytes to `path`.
    pub fn post_bytes(&self, path: &str, ctype: &str, body: &[u8]) -> Result<Response, HttpError> {
        request(
            "POST",
            &format!("{}{path}", self.base),
            Some((ctype, body)),
            self.timeout,
        )
    }

    /// DELETE `path`.
    pub fn delete(&self, path: &str) -> Result<Response, HttpError> {
        request(
            "DELETE",
            &format!("{}{path}", self.base),
            None,
            self.timeout,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_local_urls() {
        assert!(split_local_url("http://example.com/x").is_err());
        assert!(split_local_url("https://127.0.0.1:1/").is_err());
        let (a, p) = split_local_url("http://127.0.0.1:9093/api/v2/alerts").unwrap();
        assert_eq!(
            (a.as_str(), p.as_str()),
            ("127.0.0.1:9093", "/api/v2/alerts")
        );
    }

    #[test]
    fn decodes_chunked_responses() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        let resp = read_response(&raw[..], false).unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, b"abcde");
    }
}
