//! API v2 status, receivers and silences operations (upstream `api/v2/api.go` v0.28:
//! `getStatusHandler`, `getReceiversHandler`, `getSilencesHandler`, `getSilenceHandler`,
//! `postSilencesHandler`, `deleteSilenceHandler`, `SortSilences`,
//! `CheckSilenceMatchesFilterLabels`).

use std::cmp::Ordering;

use am_api::DateTime;
use am_api::v2::{
    AlertmanagerConfig, AlertmanagerStatus, ClusterStatus, GettableSilence, Matcher as WireMatcher,
    PostSilenceResponse, Receiver, SilenceState as WireState, SilenceStatus,
    decode_postable_silence,
};
use am_model::matcher::Matcher;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;

use super::layers::{St, json, json_string};
use super::query::Query;
use super::status::parse_filter;
use crate::silence::{Silence, SilenceError, SilenceQuery, SilenceState, build_matchers};

pub(crate) fn routes() -> Router<St> {
    Router::new()
        .route("/status", get(get_status))
        .route("/receivers", get(get_receivers))
        .route("/silences", get(get_silences).post(post_silences))
        .route("/silence/{id}", get(get_silence).delete(delete_silence))
}

/// The v2 cluster block: `{status:"disabled", peers:[]}` without HA, peers sorted by name.
pub(crate) fn cluster_block(s: &St) -> ClusterStatus {
    match s.deps.cluster.status() {
        None => ClusterStatus {
            name: String::new(),
            peers: Vec::new(),
            status: "disabled".to_owned(),
        },
        Some(mut c) => {
            c.peers.sort_by(|a, b| a.name.cmp(&b.name));
            c
        }
    }
}

async fn get_status(State(s): State<St>) -> Response {
    let rt = s.deps.runtime.current();
    let status = AlertmanagerStatus {
        cluster: cluster_block(&s),
        config: AlertmanagerConfig {
            original: rt.config.to_yaml(),
        },
        uptime: DateTime(s.deps.started_at),
        version_info: s.deps.version.clone(),
    };
    json(StatusCode::OK, &status)
}

async fn get_receivers(State(s): State<St>) -> Response {
    let rt = s.deps.runtime.current();
    let list: Vec<Receiver> = rt
        .config
        .receivers
        .iter()
        .map(|r| Receiver {
            name: r.name.clone(),
        })
        .collect();
    json(StatusCode::OK, &list)
}

/// The wire form of a silence at `now`.
pub(crate) fn gettable_silence(s: &Silence, now: Timestamp) -> GettableSilence {
    GettableSilence {
        id: s.id.clone(),
        status: SilenceStatus {
            state: wire_state(s.state_at(now)),
        },
        updated_at: DateTime(s.updated_at),
        comment: s.comment.clone(),
        created_by: s.created_by.clone(),
        ends_at: DateTime(s.ends_at),
        matchers: s.matchers.iter().map(WireMatcher::from_model).collect(),
        starts_at: DateTime(s.starts_at),
    }
}

fn wire_state(s: SilenceState) -> WireState {
    match s {
        SilenceState::Active => WireState::Active,
        SilenceState::Pending => WireState::Pending,
        SilenceState::Expired => WireState::Expired,
    }
}

/// A silence matches the filter if every filter matcher has an identical (name, type, value)
/// matcher in the silence.
pub(crate) fn silence_matches_filter(s: &Silence, filter: &[Matcher]) -> bool {
    filter.iter().all(|f| {
        s.matchers.iter().any(|m| {
            m.name() == f.name() && m.match_type() == f.match_type() && m.value() == f.value()
        })
    })
}

/// Upstream `SortSilences`: active (soonest end first), pending (soonest start first),
/// expired (latest end first).
pub(crate) fn sort_silences(list: &mut [GettableSilence]) {
    fn rank(s: WireState) -> u8 {
        match s {
            WireState::Active => 1,
            WireState::Pending => 2,
            WireState::Expired => 3,
        }
    }
    list.sort_by(|a, b| {
        let (sa, sb) = (a.status.state, b.status.state);
        if sa != sb {
            return rank(sa).cmp(&rank(sb));
        }
        match sa {
            WireState::Active => a.ends_at.0.cmp(&b.ends_at.0),
            WireState::Pending => a.starts_at.0.cmp(&b.starts_at.0),
            WireState::Expired => b.ends_at.0.cmp(&a.ends_at.0),
        }
    });
}

async fn get_silences(State(s): State<St>, RawQuery(q): RawQuery) -> Response {
    let q = Query::parse(q.as_deref());
    let filter = match parse_filter(&q.all("filter"), s.deps.options.matcher_mode) {
        Ok(f) => f,
        Err(e) => return json_string(StatusCode::BAD_REQUEST, &e),
    };
    let now = s.deps.clock.now();
    let mut list: Vec<GettableSilence> = s
        .deps
        .silences
        .query(&SilenceQuery::default(), now)
        .iter()
        .filter(|sil| silence_matches_filter(sil, &filter))
        .map(|sil| gettable_silence(sil, now))
        .collect();
    sort_silences(&mut list);
    json(StatusCode::OK, &list)
}

/// strfmt's UUID check: 32 hex digits, optionally grouped 8-4-4-4-12 by hyphens.
pub(crate) fn is_uuid(s: &str) -> bool {
    let groups = [8usize, 4, 4, 4, 12];
    let b = s.as_bytes();
    let mut i = 0;
    for (n, len) in groups.iter().enumerate() {
        if n > 0 && b.get(i) == Some(&b'-') {
            i += 1;
        }
        for _ in 0..*len {
            match b.get(i) {
                Some(c) if c.is_ascii_hexdigit() => i += 1,
                _ => return false,
            }
        }
    }
    i == b.len()
}

fn bad_uuid(id: &str) -> Response {
    let body = serde_json::json!({
        "code": 601,
        "message": format!("silenceID in path must be of type uuid: {}", am_model::go_quote::quote(id)),
    });
    json(StatusCode::UNPROCESSABLE_ENTITY, &body)
}

async fn get_silence(State(s): State<St>, Path(id): Path<String>) -> Response {
    if !is_uuid(&id) {
        return bad_uuid(&id);
    }
    match s.deps.silences.get(&id) {
        Some(sil) => json(StatusCode::OK, &gettable_silence(&sil, s.deps.clock.now())),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn delete_silence(State(s): State<St>, Path(id): Path<String>) -> Response {
    if !is_uuid(&id) {
        return bad_uuid(&id);
    }
    match s.deps.silences.expire(&id, s.deps.clock.now()) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(SilenceError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => json_string(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn post_silences(State(s): State<St>, body: Bytes) -> Response {
    let ps = match decode_postable_silence(&body) {
        Ok(p) => p,
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            return json(status, &e.body);
        }
    };
    let now = s.deps.clock.now();
    let (starts_at, ends_at) = (ps.starts_at.0, ps.ends_at.0);
    if starts_at.cmp(&ends_at) != Ordering::Less {
        return json_string(
            StatusCode::BAD_REQUEST,
            "Failed to create silence: start time must be before end time",
        );
    }
    if ends_at < now {
        return json_string(
            StatusCode::BAD_REQUEST,
            "Failed to create silence: end time can't be in the past",
        );
    }
    let raw = ps
        .matchers
        .iter()
        .map(|m| (m.match_type(), m.name.as_str(), m.value.as_str()));
    let matchers = match build_matchers(raw, s.deps.options.matcher_mode) {
        Ok(m) => m,
        Err(e) => {
            return json_string(
                StatusCode::BAD_REQUEST,
                &SilenceError::Invalid(e).to_string(),
            );
        }
    };
    let sil = Silence {
        id: ps.id.clone(),
        matchers,
        starts_at,
        ends_at,
        updated_at: am_model::alert::ZERO_TIME,
        created_by: ps.created_by.clone(),
        comment: ps.comment.clone(),
    };
    match s.deps.silences.set(sil, now) {
        Ok(id) => json(StatusCode::OK, &PostSilenceResponse { silence_id: id }),
        Err(SilenceError::NotFound) => {
            json_string(StatusCode::NOT_FOUND, &SilenceError::NotFound.to_string())
        }
        Err(e) => json_string(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}
