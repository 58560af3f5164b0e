//! A local webhook receiver for acceptance tests: records every POST body with its monotonic
//! arrival time (no upstream counterpart; the payload it receives is upstream's
//! `notify/webhook/webhook.go` message).
//!
//! Plain std networking: one accept thread, one thread per connection, HTTP/1.1 keep-alive
//! (Go's and reqwest's clients reuse connections), `Content-Length` or chunked request bodies.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// One received webhook request.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request path, e.g. `/hook/team-a`.
    pub path: String,
    /// Raw body.
    pub body: Vec<u8>,
    /// Body parsed as JSON (`Null` when it is not JSON).
    pub json: serde_json::Value,
    /// Arrival time (monotonic).
    pub at: Instant,
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    cond: Condvar,
    stop: AtomicBool,
}

impl Shared {
    /// The received list (a panicked holder does not poison it for the test).
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Received>> {
        self.received.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A webhook server on `127.0.0.1:<free port>`; stops accepting when dropped.
pub struct WebhookCollector {
    shared: Arc<Shared>,
    port: u16,
    started: Instant,
}

impl WebhookCollector {
    /// Binds a free local port and starts recording.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared::default());
        let acc = Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("webhook-{port}"))
            .spawn(move || {
                for conn in listener.incoming() {
                    if acc.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let s = Arc::clone(&acc);
                    let _ = std::thread::Builder::new()
                        .name("webhook-conn".into())
                        .spawn(move || serve_conn(conn, &s));
                }
            })?;
        Ok(Self {
            shared,
            port,
            started: Instant::now(),
        })
    }

    /// The base URL, `http://127.0.0.1:PORT`; append a path per receiver.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// When the collector was started (for relative arrival times).
    pub fn started(&self) -> Instant {
        self.started
    }

    /// A copy of everything received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().clone()
    }

    /// Number of requests received so far.
    pub fn count(&self) -> usize {
        self.shared.lock().len()
    }

    /// Waits until at least `n` requests have arrived or `timeout` passes; returns everything
    /// received (`Err` with what did arrive on timeout).
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Result<Vec<Received>, Vec<Received>> {
        self.wait_until(timeout, |got| got.len() >= n)
    }

    /// Waits until `pred` holds for the received list or `timeout` passes; returns the list
    /// (`Err` on timeout).
    pub fn wait_until(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&[Received]) -> bool,
    ) -> Result<Vec<Received>, Vec<Received>> {
        let deadline = Instant::now() + timeout;
        let mut got = self.shared.lock();
        loop {
            if pred(&got) {
                return Ok(got.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(got.clone());
            }
            got = self
                .shared
                .cond
                .wait_timeout(got, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl Drop for WebhookCollector {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so its thread ends.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Serves requests on one connection until EOF, error or stop.
fn serve_conn(conn: TcpStream, shared: &Shared) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(120)));
    let Ok(mut writer) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    while !shared.stop.load(Ordering::SeqCst) {
        let Some((path, body, close)) = read_request(&mut reader) else {
            return;
        };
        let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        {
            let mut got = shared.lock();
            got.push(Received {
                path,
                body,
                json,
                at: Instant::now(),
            });
        }
        shared.cond.notify_all();
        let resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        if writer.write_all(resp.as_bytes()).is_err() || close {
            return;
        }
    }
}

/// Reads one request: (path, body, connection-close requested).
fn read_request<R: BufRead>(r: &mut R) -> Option<(String, Vec<u8>, bool)> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut len = 0usize;
    let mut chunked = false;
    let mut close = false;
    loop {
        line.clear();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        match k.as_str() {
            "content-length" => len = v.parse().ok()?,
            "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
            "connection" => close = v.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let body = if chunked {
        crate::http::read_chunked(r).ok()?
    } else {
        let mut b = vec![0; len];
        r.read_exact(&mut b).ok()?;
        b
    };
    Some((path, body, close))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpClient;

    #[test]
    fn records_posts_in_order() {
        let hook = WebhookCollector::start().unwrap();
        let client = HttpClient::new(&hook.url());
        for i in 0..3 {
            let r = client
                .post_json("/r", &serde_json::json!({ "i": i }))
                .unwrap();
            assert_eq!(r.status, 200);
        }
        let got = hook.wait_for(3, Duration::from_secs(5)).unwrap();
        let is: Vec<_> = got.iter().map(|g| g.json["i"].as_i64().unwrap()).collect();
        assert_eq!(is, [0, 1, 2]);
        assert!(got.iter().all(|g| g.path == "/r"));
        assert!(hook.wait_for(4, Duration::from_millis(50)).is_err());
    }
}
