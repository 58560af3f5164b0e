//! The v1 API as Alertmanager 0.26 served it (upstream `api/v1/api.go` @v0.26.0; removed in
//! 0.27, where every `/api/v1/*` path answers 410 — [`gone_routes`]). Envelope
//! `{"status","data","errorType","error"}`, Go `time.Time` JSON, CORS headers on every
//! response. `data.cluster` repeats `data.clusterStatus` (alertmesh extension for the
//! published `jq .data.cluster` checks).

use am_api::time::GoTime;
use am_api::v1::{
    Alert as V1Alert, AlertStatus as V1Status, ClusterStatus, Envelope, ErrorType, Matcher,
    PeerStatus, Silence as V1Silence, SilenceId, SilenceStatus, StatusData, decode_alerts,
};
use am_model::alert::ZERO_TIME;
use am_model::matcher::parse::parse_matchers_classic;
use am_model::matcher::{GoRegex, MatchType, Matcher as ModelMatcher};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get, options};
use jiff::Timestamp;
use serde::Serialize;

use super::layers::{St, json_bytes, text};
use super::query::Query;
use super::status::{StatusComputer, ended, match_filter_labels, receiver_regex};
use super::v2_alerts::{ingest_postable, run_sized};
use crate::silence::{Silence, SilenceError, SilenceQuery, SilenceState, build_matchers};

const CORS: [(&str, &str); 5] = [
    (
        "access-control-allow-headers",
        "Accept, Authorization, Content-Type, Origin",
    ),
    ("access-control-allow-methods", "GET, POST, DELETE, OPTIONS"),
    ("access-control-allow-origin", "*"),
    ("access-control-expose-headers", "Date"),
    ("cache-control", "no-cache, no-store, must-revalidate"),
];

pub(crate) fn routes() -> Router<St> {
    Router::new()
        .route("/status", get(status))
        .route("/receivers", get(receivers))
        .route("/alerts", get(list_alerts).post(add_alerts))
        .route("/silences", get(list_silences).post(set_silence))
        .route("/silence/{sid}", get(get_silence).delete(del_silence))
        .route("/{*path}", options(|| async { StatusCode::OK }))
        .layer(middleware::from_fn(cors))
}

/// 0.27+ behaviour: every v1 path answers 410 with the deprecation notice.
pub(crate) fn gone_routes() -> Router<St> {
    let gone = || async {
        let body = br#"{"status":"deprecated","error":"The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 - please use the equivalent route in the v2 API"}"#;
        json_bytes(StatusCode::GONE, body.to_vec())
    };
    Router::new().route("/{*path}", any(gone))
}

async fn cors(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    for (k, v) in CORS {
        resp.headers_mut().insert(k, HeaderValue::from_static(v));
    }
    resp
}

fn respond<T: Serialize>(data: T) -> Response {
    encode(StatusCode::OK, &Envelope::success(data))
}

fn respond_empty() -> Response {
    json_bytes(StatusCode::OK, br#"{"status":"success"}"#.to_vec())
}

fn respond_error(typ: ErrorType, msg: &str) -> Response {
    let status = match typ {
        ErrorType::BadData => StatusCode::BAD_REQUEST,
        ErrorType::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    };
    encode(status, &Envelope::<()>::error(typ, msg))
}

fn encode<T: Serialize>(status: StatusCode, v: &T) -> Response {
    match am_api::json::to_vec(v) {
        Ok(b) => json_bytes(status, b),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn status(State(s): State<St>) -> Response {
    let rt = s.deps.runtime.current();
    let cluster = s.deps.cluster.status().map(|c| ClusterStatus {
        name: c.name,
        status: c.status,
        peers: (!c.peers.is_empty()).then(|| {
            c.peers
                .into_iter()
                .map(|p| PeerStatus {
                    name: p.name,
                    address: p.address,
                })
                .collect()
        }),
    });
    respond(StatusData::new(
        rt.config.to_yaml(),
        rt.config.to_value(),
        s.deps.version.clone(),
        s.deps.started_at,
        cluster,
    ))
}

async fn receivers(State(s): State<St>) -> Response {
    let rt = s.deps.runtime.current();
    let names: Vec<&str> = rt
        .config
        .receivers
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    respond(names)
}

fn bool_param(q: &Query, name: &str) -> Result<bool, String> {
    match q.first(name) {
        "" | "true" => Ok(true),
        "false" => Ok(false),
        v => Err(format!(
            "parameter {} can either be 'true' or 'false', not {}",
            am_model::go_quote::quote(name),
            am_model::go_quote::quote(v)
        )),
    }
}

fn classic_filter(q: &Query) -> Result<Vec<ModelMatcher>, String> {
    match q.first("filter") {
        "" => Ok(Vec::new()),
        f => parse_matchers_classic(f)
            .map(|m| m.into_vec())
            .map_err(|e| e.to_string()),
    }
}

async fn list_alerts(State(s): State<St>, RawQuery(q): RawQuery) -> Response {
    let q = Query::parse(q.as_deref());
    let matchers = match classic_filter(&q) {
        Ok(m) => m,
        Err(e) => return respond_error(ErrorType::BadData, &e),
    };
    let mut flags = [true; 4];
    for (i, name) in ["active", "silenced", "inhibited", "unprocessed"]
        .iter()
        .enumerate()
    {
        match bool_param(&q, name) {
            Ok(b) => flags[i] = b,
            Err(e) => return respond_error(ErrorType::BadData, &e),
        }
    }
    let [show_active, show_silenced, show_inhibited, _unprocessed] = flags;
    let receiver = q.first("receiver");
    let re = match receiver_regex((!receiver.is_empty()).then_some(receiver)) {
        Ok(r) => r,
        Err(_) => {
            return respond_error(
                ErrorType::BadData,
                &format!("failed to parse receiver param: {receiver}"),
            );
        }
    };
    let shown = [show_active, show_silenced, show_inhibited];
    let res = tokio::task::spawn_blocking(move || v1_alerts(&s, &matchers, re.as_ref(), shown))
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
    match res {
        Ok(list) => respond(list),
        Err(e) => respond_error(ErrorType::Internal, &e),
    }
}

/// The filtered, fingerprint-sorted v1 alert list (runs on the blocking pool).
fn v1_alerts(
    s: &St,
    matchers: &[ModelMatcher],
    re: Option<&GoRegex>,
    [show_active, show_silenced, show_inhibited]: [bool; 3],
) -> Result<Vec<serde_json::Value>, String> {
    let rt = s.deps.runtime.current();
    let now = s.deps.clock.now();
    let sc = StatusComputer {
        silencer: &s.deps.silencer,
        inhibitor: &rt.inhibitor,
        now,
    };
    let mut out: Vec<(u64, serde_json::Value)> = Vec::new();
    let mut err: Option<String> = None;
    s.deps.store.scan(|a| {
        if err.is_some() {
            return;
        }
        let receivers: Vec<String> = rt
            .tree
            .receivers(&a.labels)
            .iter()
            .map(|r| r.to_string())
            .collect();
        if let Some(re) = re
            && !receivers.iter().any(|r| re.is_match(r))
        {
            return;
        }
        if !match_filter_labels(matchers, |n| a.labels.get(n)) || ended(a, now) {
            return;
        }
        let fp = a.fingerprint();
        let st = sc.status(fp, &a.labels);
        if (!show_active && st.state == am_api::v2::AlertState::Active)
            || (!show_silenced && !st.silenced_by.is_empty())
            || (!show_inhibited && !st.inhibited_by.is_empty())
        {
            return;
        }
        let alert = V1Alert {
            labels: a.labels.clone(),
            annotations: a.annotations.clone(),
            starts_at: GoTime(a.starts_at),
            ends_at: GoTime(a.ends_at),
            generator_url: a.generator_url.to_string(),
            status: V1Status {
                state: st.state,
                silenced_by: st.silenced_by,
                inhibited_by: st.inhibited_by,
            },
            receivers,
            fingerprint: fp.to_string(),
        };
        match serde_json::to_value(&alert) {
            Ok(mut v) => {
                // Go's nil annotation map (none posted) marshals as null.
                if a.annotations.is_empty() {
                    v["annotations"] = serde_json::Value::Null;
                }
                out.push((fp.0, v));
            }
            Err(e) => err = Some(e.to_string()),
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    out.sort_by_key(|(fp, _)| *fp);
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

async fn add_alerts(State(s): State<St>, body: Bytes) -> Response {
    let len = body.len();
    let handle = move || {
        let alerts = match decode_alerts(&body) {
            Ok(a) => a,
            Err(e) => return respond_error(ErrorType::BadData, &e),
        };
        match ingest_postable(&s, alerts, "v1") {
            Ok(()) => respond_empty(),
            Err((StatusCode::BAD_REQUEST, msg)) => respond_error(ErrorType::BadData, &msg),
            Err((_, msg)) => respond_error(ErrorType::Internal, &msg),
        }
    };
    run_sized(len, handle)
        .await
        .unwrap_or_else(|| respond_error(ErrorType::Internal, "request handler failed"))
}

fn match_type(m: &Matcher) -> MatchType {
    match (m.is_equal, m.is_regex) {
        (true, false) => MatchType::Equal,
        (false, false) => MatchType::NotEqual,
        (true, true) => MatchType::Regexp,
        (false, true) => MatchType::NotRegexp,
    }
}

fn to_v1(s: &Silence, now: Timestamp) -> V1Silence {
    let state = match s.state_at(now) {
        SilenceState::Active => am_api::v2::SilenceState::Active,
        SilenceState::Pending => am_api::v2::SilenceState::Pending,
        SilenceState::Expired => am_api::v2::SilenceState::Expired,
    };
    V1Silence {
        id: s.id.clone(),
        matchers: s
            .matchers
            .iter()
            .map(|m| Matcher {
                name: m.name().to_owned(),
                value: m.value().to_owned(),
                is_regex: m.match_type().is_regex(),
                is_equal: m.match_type().is_equal(),
            })
            .collect(),
        starts_at: GoTime(s.starts_at),
        ends_at: GoTime(s.ends_at),
        updated_at: GoTime(s.updated_at),
        created_by: s.created_by.clone(),
        comment: s.comment.clone(),
        status: Some(SilenceStatus { state }),
    }
}

async fn set_silence(State(s): State<St>, body: Bytes) -> Response {
    let sil: V1Silence = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return respond_error(ErrorType::BadData, &e.to_string()),
    };
    let now = s.deps.clock.now();
    if sil.starts_at == sil.ends_at {
        return respond_error(
            ErrorType::BadData,
            "start time must not be equal to end time",
        );
    }
    if sil.ends_at.0 < now {
        return respond_error(ErrorType::BadData, "end time can't be in the past");
    }
    let raw = sil
        .matchers
        .iter()
        .map(|m| (match_type(m), m.name.as_str(), m.value.as_str()));
    let matchers = match build_matchers(raw, s.deps.options.matcher_mode) {
        Ok(m) => m,
        Err(e) => return respond_error(ErrorType::BadData, &SilenceError::Invalid(e).to_string()),
    };
    let new = Silence {
        id: sil.id,
        matchers,
        starts_at: sil.starts_at.0,
        ends_at: sil.ends_at.0,
        updated_at: ZERO_TIME,
        created_by: sil.created_by,
        comment: sil.comment,
    };
    match s.deps.silences.set(new, now) {
        Ok(id) => respond(SilenceId { silence_id: id }),
        Err(e) => respond_error(ErrorType::BadData, &e.to_string()),
    }
}

async fn get_silence(State(s): State<St>, Path(sid): Path<String>) -> Response {
    match s.deps.silences.get(&sid) {
        Some(sil) => respond(to_v1(&sil, s.deps.clock.now())),
        None => text(
            StatusCode::NOT_FOUND,
            "Error getting silence: <nil>\n".to_owned(),
        ),
    }
}

async fn del_silence(State(s): State<St>, Path(sid): Path<String>) -> Response {
    match s.deps.silences.expire(&sid, s.deps.clock.now()) {
        Ok(()) => respond_empty(),
        Err(e) => respond_error(ErrorType::BadData, &e.to_string()),
    }
}

async fn list_silences(State(s): State<St>, RawQuery(q): RawQuery) -> Response {
    let q = Query::parse(q.as_deref());
    let matchers = match classic_filter(&q) {
        Ok(m) => m,
        Err(e) => return respond_error(ErrorType::BadData, &e),
    };
    let now = s.deps.clock.now();
    let mut groups: [Vec<V1Silence>; 3] = Default::default();
    for sil in s.deps.silences.query(&SilenceQuery::default(), now) {
        let filtered = match_filter_labels(&matchers, |n| {
            sil.matchers
                .iter()
                .rev()
                .find(|m| m.name() == n)
                .map(|m| m.value())
        });
        if !filtered {
            continue;
        }
        let idx = match sil.state_at(now) {
            SilenceState::Active => 0,
            SilenceState::Pending => 1,
            SilenceState::Expired => 2,
        };
        groups[idx].push(to_v1(&sil, now));
    }
    let [mut active, mut pending, mut expired] = groups;
    active.sort_by_key(|s| s.ends_at);
    pending.sort_by_key(|s| s.starts_at);
    expired.sort_by_key(|s| std::cmp::Reverse(s.ends_at));
    active.extend(pending);
    active.extend(expired);
    respond(active)
}
