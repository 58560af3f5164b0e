//! API v2 alert operations (upstream `api/v2/api.go` v0.28: `getAlertsHandler`,
//! `postAlertsHandler`, `getAlertGroupsHandler`, `alertFilter`; `dispatch.Dispatcher.Groups`).
//!
//! GET /alerts streams: a blocking task scans the store in chunks (short shard locks),
//! keeps the fingerprints (and non-trivial statuses) of the alerts passing the filters, sorts
//! them, then re-reads them 1024 at a time and writes JSON with am-api's hand-written writer
//! into ~256 KiB chunks sent through a bounded channel, so memory stays flat and tokio workers
//! stay free for POSTs.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use am_api::v2::{AlertStatus, decode_postable_alerts, write_gettable_alert};
use am_model::alert::Alert;
use am_model::labels::{Fingerprint, LabelSet};
use am_model::matcher::{GoRegex, Matcher};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;

use super::RuntimeView;
use super::layers::{St, json, json_string};
use super::query::Query;
use super::status::{
    StateFlags, StatusComputer, ended, labels_match, parse_filter, receiver_regex,
};
use crate::dispatch::alert_order;
use crate::provider::CHUNK;

/// Threads rendering GET /alerts JSON.
const WORKERS: usize = 2;
/// Size at which a body chunk is sent.
const FLUSH_BYTES: usize = 256 << 10;
/// How long GET /alerts/groups waits for the dispatcher to catch up before using its last
/// published snapshot.
const GROUPS_WAIT: Duration = Duration::from_secs(1);

pub(crate) fn routes() -> Router<St> {
    Router::new()
        .route("/alerts", get(get_alerts).post(post_alerts))
        .route("/alerts/groups", get(get_groups))
}

/// Parsed filter parameters shared by GET /alerts and /alerts/groups.
pub(crate) struct AlertQuery {
    pub(crate) matchers: Vec<Matcher>,
    pub(crate) receiver: Option<GoRegex>,
    pub(crate) flags: StateFlags,
}

pub(crate) fn parse_alert_query(s: &St, q: &Query) -> Result<AlertQuery, String> {
    let matchers = parse_filter(&q.all("filter"), s.deps.options.matcher_mode)?;
    let receiver = receiver_regex(q.last("receiver"))?;
    Ok(AlertQuery {
        matchers,
        receiver,
        flags: StateFlags {
            active: q.flag("active"),
            silenced: q.flag("silenced"),
            inhibited: q.flag("inhibited"),
        },
    })
}

/// A streamed JSON response fed by `produce` running on the blocking pool.
pub(crate) fn stream_json(produce: impl FnOnce(&mut Sink) + Send + 'static) -> Response {
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    tokio::task::spawn_blocking(move || {
        let mut sink = Sink {
            tx,
            buf: Vec::with_capacity(FLUSH_BYTES + 4096),
            closed: false,
        };
        produce(&mut sink);
        sink.flush();
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Output buffer of [`stream_json`].
pub(crate) struct Sink {
    tx: mpsc::Sender<Bytes>,
    pub(crate) buf: Vec<u8>,
    closed: bool,
}

impl Sink {
    /// Sends the buffer if it is large enough; false once the client went away.
    pub(crate) fn maybe_flush(&mut self) -> bool {
        if self.buf.len() >= FLUSH_BYTES {
            self.flush();
        }
        !self.closed
    }

    fn flush(&mut self) {
        if self.buf.is_empty() || self.closed {
            return;
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(FLUSH_BYTES + 4096),
        ));
        if self.tx.blocking_send(chunk).is_err() {
            self.closed = true;
        }
    }
}

fn receivers_of<'t>(rt: &'t RuntimeView, labels: &LabelSet) -> Vec<&'t str> {
    rt.tree.receivers(labels)
}

async fn get_alerts(State(s): State<St>, RawQuery(q): RawQuery) -> Response {
    let q = Query::parse(q.as_deref());
    let aq = match parse_alert_query(&s, &q) {
        Ok(a) => a,
        Err(e) => return json_string(StatusCode::BAD_REQUEST, &e),
    };
    let now = s.deps.clock.now();
    let rt = s.deps.runtime.current();
    stream_json(move |sink| write_alerts(&s, &rt, &aq, now, sink))
}

fn write_alerts(s: &St, rt: &RuntimeView, aq: &AlertQuery, now: Timestamp, sink: &mut Sink) {
    let sc = StatusComputer {
        silencer: &s.deps.silencer,
        inhibitor: &rt.inhibitor,
        now,
    };
    let t_start = std::time::Instant::now();
    // Pass 1: which alerts, with their status (only non-trivial statuses are kept).
    let mut keep: Vec<(u64, u32)> = Vec::new();
    let mut statuses: Vec<AlertStatus> = Vec::new();
    s.deps.store.scan_chunks(|chunk| {
        for a in &chunk {
            if ended(a, now) || !labels_match(&aq.matchers, &a.labels) {
                continue;
            }
            if let Some(re) = &aq.receiver
                && !receivers_of(rt, &a.labels).iter().any(|r| re.is_match(r))
            {
                continue;
            }
            let fp = a.fingerprint();
            let st = sc.status(fp, &a.labels);
            if !aq.flags.pass(&st) {
                continue;
            }
            let idx = if st.silenced_by.is_empty() && st.inhibited_by.is_empty() {
                0
            } else {
                statuses.push(st);
                statuses.len() as u32
            };
            keep.push((fp.0, idx));
        }
    });
    keep.sort_unstable_by_key(|k| k.0);
    keep.dedup_by_key(|k| k.0);
    let t_scan = t_start.elapsed();

    // Pass 2: re-read in fingerprint order and write, chunks rendered by WORKERS threads
    // (worker w renders chunks w, w+WORKERS, …) and forwarded in order.
    let active = AlertStatus::new(Vec::new(), Vec::new(), Vec::new());
    let render = |part: &[(u64, u32)]| -> Vec<u8> {
        let mut out = Vec::with_capacity(part.len() * 512);
        let fps: Vec<Fingerprint> = part.iter().map(|k| Fingerprint(k.0)).collect();
        for (alert, k) in s.deps.store.get_many(&fps).into_iter().zip(part) {
            let Some(alert) = alert else { continue };
            let status = match k.1 {
                0 => &active,
                i => &statuses[i as usize - 1],
            };
            let receivers = receivers_of(rt, &alert.labels);
            out.push(b',');
            write_gettable_alert(&mut out, &alert, Fingerprint(k.0), &receivers, status);
        }
        out
    };
    sink.buf.push(b'[');
    let parts: Vec<&[(u64, u32)]> = keep.chunks(CHUNK).collect();
    let mut first = true;
    std::thread::scope(|scope| {
        let mut rxs = Vec::with_capacity(WORKERS);
        for w in 0..WORKERS {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
            rxs.push(rx);
            let (parts, render) = (&parts, &render);
            scope.spawn(move || {
                for part in parts.iter().skip(w).step_by(WORKERS) {
                    if tx.send(render(part)).is_err() {
                        return;
                    }
                }
            });
        }
        for j in 0..parts.len() {
            let Ok(chunk) = rxs[j % WORKERS].recv() else {
                break;
            };
            let skip = usize::from(first && !chunk.is_empty());
            first &= chunk.is_empty();
            sink.buf.extend_from_slice(&chunk[skip..]);
            if !sink.maybe_flush() {
                break;
            }
        }
        // Dropping the receivers stops workers that are still rendering.
        drop(rxs);
    });
    sink.buf.extend_from_slice(b"]\n");
    tracing::debug!(scan = ?t_scan, total = ?t_start.elapsed(), "GET /api/v2/alerts written");
}

/// Upstream's per-alert POST rules, the received/invalid counters, then [`super::Ingest`].
pub(crate) fn ingest_postable(
    s: &St,
    alerts: Vec<am_api::v2::PostableAlert>,
    version: &str,
) -> Result<(), (StatusCode, String)> {
    let now = s.deps.clock.now();
    let rt = s.deps.runtime.current();
    let resolve_timeout =
        SignedDuration::try_from(rt.config.global.resolve_timeout.0).unwrap_or(SignedDuration::MAX);
    let firing = s.metrics.received.with(&["firing", version]);
    let resolved = s.metrics.received.with(&["resolved", version]);
    let invalid = s.metrics.invalid.with(&[version]);
    let mut valid = Vec::with_capacity(alerts.len());
    let mut errors: Vec<String> = Vec::new();
    for pa in &alerts {
        match pa.to_alert_with(now, resolve_timeout, s.deps.options.label_names) {
            Ok(a) => {
                if a.ends_at > now {
                    firing.inc();
                } else {
                    resolved.inc();
                }
                valid.push(a);
            }
            Err(e) => {
                // Upstream counts firing/resolved before validating; keep that order.
                count_unvalidated(pa, now, resolve_timeout, &firing, &resolved);
                invalid.inc();
                errors.push(e);
            }
        }
    }
    if !valid.is_empty() {
        s.deps
            .ingest
            .ingest(valid, now)
            .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
    }
    if !errors.is_empty() {
        return Err((StatusCode::BAD_REQUEST, errors.join("; ")));
    }
    Ok(())
}

fn count_unvalidated(
    pa: &am_api::v2::PostableAlert,
    now: Timestamp,
    resolve_timeout: SignedDuration,
    firing: &crate::metrics::Counter,
    resolved: &crate::metrics::Counter,
) {
    let ends = if am_model::alert::is_zero(pa.ends_at.0) {
        now.checked_add(resolve_timeout).unwrap_or(Timestamp::MAX)
    } else {
        pa.ends_at.0
    };
    if ends > now {
        firing.inc();
    } else {
        resolved.inc();
    }
}

/// Bodies larger than this are decoded and ingested on the blocking pool.
pub(crate) const BLOCKING_BODY: usize = 256 << 10;

/// Runs `f` inline for small bodies, on the blocking pool for large ones.
pub(crate) async fn run_sized<T: Send + 'static>(
    len: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    if len <= BLOCKING_BODY {
        return Some(f());
    }
    tokio::task::spawn_blocking(f).await.ok()
}

async fn post_alerts(State(s): State<St>, body: Bytes) -> Response {
    let len = body.len();
    let handle = move || {
        let alerts = match decode_postable_alerts(&body) {
            Ok(a) => a,
            Err(e) => {
                let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
                return json(status, &e.body);
            }
        };
        match ingest_postable(&s, alerts, "v2") {
            Ok(()) => StatusCode::OK.into_response(),
            Err((status, msg)) => json_string(status, &msg),
        }
    };
    run_sized(len, handle)
        .await
        .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn get_groups(State(s): State<St>, RawQuery(q): RawQuery) -> Response {
    let q = Query::parse(q.as_deref());
    let aq = match parse_alert_query(&s, &q) {
        Ok(a) => a,
        Err(e) => return json_string(StatusCode::BAD_REQUEST, &e),
    };
    let show_muted = q.flag("muted");
    let rt = s.deps.runtime.current();
    let snap = match &rt.dispatcher {
        Some(d) => match tokio::time::timeout(GROUPS_WAIT, d.groups()).await {
            Ok(g) => Some(g),
            Err(_) => Some(d.groups_snapshot()),
        },
        None => None,
    };
    let now = s.deps.clock.now();
    stream_json(move |sink| {
        sink.buf.push(b'[');
        if let Some(snap) = snap {
            write_groups(&s, &rt, &snap, &aq, show_muted, now, sink);
        }
        sink.buf.extend_from_slice(b"]\n");
    })
}

struct OutGroup<'a> {
    info: &'a crate::dispatch::GroupInfo,
    muted_by: Vec<String>,
    alerts: Vec<(Alert, Fingerprint, Arc<AlertStatus>)>,
}

fn write_groups(
    s: &St,
    rt: &RuntimeView,
    snap: &crate::dispatch::GroupsSnapshot,
    aq: &AlertQuery,
    show_muted: bool,
    now: Timestamp,
    sink: &mut Sink,
) {
    let sc = StatusComputer {
        silencer: &s.deps.silencer,
        inhibitor: &rt.inhibitor,
        now,
    };
    let mut receivers: HashMap<u64, Vec<String>> = HashMap::new();
    let mut statuses: HashMap<u64, Arc<AlertStatus>> = HashMap::new();
    let mut out: Vec<OutGroup<'_>> = Vec::new();
    for g in &snap.groups {
        if let Some(re) = &aq.receiver
            && !re.is_match(&g.receiver)
        {
            continue;
        }
        let mut alerts = Vec::new();
        for part in g.fingerprints.chunks(CHUNK) {
            for (a, fp) in s.deps.store.get_many(part).into_iter().zip(part) {
                let Some(a) = a else { continue };
                if ended(&a, now) {
                    continue;
                }
                let st = statuses
                    .entry(fp.0)
                    .or_insert_with(|| Arc::new(sc.status(*fp, &a.labels)))
                    .clone();
                if !aq.flags.pass(&st) || !labels_match(&aq.matchers, &a.labels) {
                    continue;
                }
                receivers.entry(fp.0).or_default().push(g.receiver.clone());
                alerts.push((a, *fp, st));
            }
        }
        if alerts.is_empty() {
            continue;
        }
        alerts.sort_by(|x, y| alert_order(&x.0, &y.0));
        out.push(OutGroup {
            info: g,
            muted_by: Vec::new(),
            alerts,
        });
    }
    for r in receivers.values_mut() {
        r.sort();
    }
    let mut first = true;
    for mut g in out {
        let route_id = snap
            .tree
            .get(g.info.route)
            .map(|n| n.id.as_str())
            .unwrap_or("");
        let (muted_by, is_muted) = rt.group_marker.muted(route_id, &g.info.group_key);
        if !show_muted && is_muted {
            continue;
        }
        g.muted_by = muted_by;
        if !first {
            sink.buf.push(b',');
        }
        first = false;
        am_api::v2::write_alert_group_start(&mut sink.buf);
        for (i, (a, fp, st)) in g.alerts.iter().enumerate() {
            if i > 0 {
                sink.buf.push(b',');
            }
            let recv = receivers.get(&fp.0).map(Vec::as_slice).unwrap_or(&[]);
            if g.muted_by.is_empty() {
                write_gettable_alert(&mut sink.buf, a, *fp, recv, st);
            } else {
                let mut st = (**st).clone();
                st.muted_by = g.muted_by.clone();
                st.state = am_api::v2::AlertState::Suppressed;
                write_gettable_alert(&mut sink.buf, a, *fp, recv, &st);
            }
        }
        am_api::v2::write_alert_group_end(&mut sink.buf, &g.info.labels, &g.info.receiver);
        if !sink.maybe_flush() {
            return;
        }
    }
}
