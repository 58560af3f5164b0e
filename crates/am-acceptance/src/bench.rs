//! The engine benchmark's load generator (no upstream counterpart): pre-generated
//! `POST /api/v2/alerts` bodies of 100 distinct alerts each, sent over N keep-alive HTTP/1.1
//! connections (hyper client), full `GET` timings that stream the body, and POST latency while a
//! large GET runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// Alerts per POST body.
pub const BATCH: usize = 100;

/// Builds the POST bodies for alerts `0..count` (the last body may hold fewer than [`BATCH`]):
/// `{alertname="HighLatency<i%50>", instance="host-<i>:9100", job="node", severity="warning"}`
/// plus a `summary` annotation, starting now and ending in one hour (nothing resolves).
pub fn alert_bodies(count: usize) -> Vec<Bytes> {
    let now = jiff::Timestamp::now();
    let starts = now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let ends = (now + jiff::SignedDuration::from_hours(1))
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let mut bodies = Vec::with_capacity(count.div_ceil(BATCH));
    let mut i = 0;
    while i < count {
        let end = (i + BATCH).min(count);
        let mut s = String::with_capacity(260 * (end - i));
        s.push('[');
        for k in i..end {
            if k > i {
                s.push(',');
            }
            s.push_str(&format!(
                r#"{{"labels":{{"alertname":"HighLatency{}","instance":"host-{k}:9100","job":"node","severity":"warning"}},"annotations":{{"summary":"Latency is high on host-{k}:9100"}},"startsAt":"{starts}","endsAt":"{ends}","generatorURL":"http://127.0.0.1:9090/graph"}}"#,
                k % 50
            ));
        }
        s.push(']');
        bodies.push(Bytes::from(s));
        i = end;
    }
    bodies
}

/// One keep-alive connection to `addr` (`127.0.0.1:PORT`).
pub async fn connect(addr: &str) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    if !addr.starts_with("127.0.0.1:") {
        bail!("refusing non-local address {addr}");
    }
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .with_context(|| format!("connect {addr}"))?;
    stream.set_nodelay(true)?;
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(send)
}

/// POSTs one body to `/api/v2/alerts`, requiring 200; returns the latency.
pub async fn post_alerts(
    send: &mut SendRequest<Full<Bytes>>,
    host: &str,
    body: Bytes,
) -> anyhow::Result<Duration> {
    send.ready().await?;
    let req = hyper::Request::post("/api/v2/alerts")
        .header("host", host)
        .header("content-type", "application/json")
        .body(Full::new(body))?;
    let t = Instant::now();
    let resp = send.send_request(req).await?;
    let status = resp.status();
    let body = resp.into_body().collect().await?.to_bytes();
    let took = t.elapsed();
    if status != 200 {
        bail!(
            "POST /api/v2/alerts: {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok(took)
}

/// Sends all `bodies` over `connections` connections; returns (elapsed, per-request latencies).
pub async fn ingest(
    addr: &str,
    bodies: Arc<Vec<Bytes>>,
    connections: usize,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for _ in 0..connections {
        senders.push(connect(addr).await?);
    }
    let t = Instant::now();
    let mut tasks = Vec::new();
    for mut send in senders {
        let (bodies, next, host) = (Arc::clone(&bodies), Arc::clone(&next), addr.to_string());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                lat.push(post_alerts(&mut send, &host, body.clone()).await?);
            }
            anyhow::Ok(lat)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok((t.elapsed(), all))
}

/// Result of a streamed GET.
#[derive(Debug, Clone, Copy, Default)]
pub struct GetResult {
    /// Time to the last byte.
    pub elapsed: Duration,
    /// Body size.
    pub bytes: u64,
    /// Occurrences of `"fingerprint":` in the body (alerts in it).
    pub alerts: u64,
}

/// GETs `path`, streaming and counting the body without keeping it.
pub async fn get_streamed(addr: &str, path: &str) -> anyhow::Result<GetResult> {
    const NEEDLE: &[u8] = b"\"fingerprint\":";
    let mut send = connect(addr).await?;
    let req = hyper::Request::get(path)
        .header("host", addr)
        .body(Full::new(Bytes::new()))?;
    let t = Instant::now();
    let resp = send.send_request(req).await?;
    let status = resp.status();
    let mut body = resp.into_body();
    let mut res = GetResult::default();
    let mut carry: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame?;
        let Some(chunk) = frame.data_ref() else {
            continue;
        };
        res.bytes += chunk.len() as u64;
        carry.extend_from_slice(chunk);
        res.alerts += carry.windows(NEEDLE.len()).filter(|w| *w == NEEDLE).count() as u64;
        let keep = carry.len().min(NEEDLE.len() - 1);
        carry.drain(..carry.len() - keep);
    }
    res.elapsed = t.elapsed();
    if status != 200 {
        bail!("GET {path}: {status}");
    }
    Ok(res)
}

/// Percentile (0..=100) of latencies in milliseconds; 0 when empty.
pub fn percentile_ms(lat: &mut [Duration], p: f64) -> f64 {
    if lat.is_empty() {
        return 0.0;
    }
    lat.sort();
    let idx = ((p / 100.0) * (lat.len() - 1) as f64).round() as usize;
    lat[idx.min(lat.len() - 1)].as_secs_f64() * 1000.0
}

/// POST latencies (re-posting `bodies` round-robin on one connection) while a full
/// `GET /api/v2/alerts` runs; returns (GET result, latencies).
pub async fn posts_during_get(
    addr: &str,
    bodies: Arc<Vec<Bytes>>,
) -> anyhow::Result<(GetResult, Vec<Duration>)> {
    let get_addr = addr.to_string();
    let get = tokio::spawn(async move { get_streamed(&get_addr, "/api/v2/alerts").await });
    let mut send = connect(addr).await?;
    let mut lat = Vec::new();
    let mut i = 0usize;
    while !get.is_finished() {
        let body = bodies[i % bodies.len()].clone();
        lat.push(post_alerts(&mut send, addr, body).await?);
        i += 1;
    }
    Ok((get.await??, lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_hold_distinct_alerts() {
        let bodies = alert_bodies(250);
        assert_eq!(bodies.len(), 3);
        let all: Vec<serde_json::Value> = bodies
            .iter()
            .flat_map(|b| serde_json::from_slice::<Vec<serde_json::Value>>(b).unwrap())
            .collect();
        assert_eq!(all.len(), 250);
        let mut instances: Vec<_> = all
            .iter()
            .map(|a| a["labels"]["instance"].clone())
            .collect();
        instances.dedup();
        assert_eq!(instances.len(), 250);
        assert_eq!(all[51]["labels"]["alertname"], "HighLatency1");
        assert_eq!(all[249]["labels"]["instance"], "host-249:9100");
    }

    #[test]
    fn percentiles() {
        let mut v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&mut v, 99.0), 99.0);
        assert_eq!(percentile_ms(&mut v, 0.0), 1.0);
        assert_eq!(percentile_ms(&mut [], 99.0), 0.0);
    }
}
