//! `/-/healthy`, `/-/ready`, `/-/reload` and `/metrics` (upstream `ui/web.go` v0.28 and
//! `promhttp.Handler()`).

use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::layers::{St, text};

pub(crate) fn routes() -> Router<St> {
    Router::new()
        .route("/-/healthy", get(healthy).head(head_ok))
        .route("/-/ready", get(ready).head(ready_head))
        .route("/-/reload", post(reload))
        .route("/metrics", get(metrics))
}

async fn healthy() -> Response {
    (StatusCode::OK, "OK").into_response()
}

async fn head_ok() -> StatusCode {
    StatusCode::OK
}

fn is_ready(s: &St) -> bool {
    s.deps.ready.load(Ordering::Acquire)
}

async fn ready(State(s): State<St>) -> Response {
    if is_ready(&s) {
        (StatusCode::OK, "OK").into_response()
    } else {
        text(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable".to_owned(),
        )
    }
}

async fn ready_head(State(s): State<St>) -> StatusCode {
    if is_ready(&s) {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

async fn reload(State(s): State<St>) -> Response {
    match s.deps.reloader.reload().await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("failed to reload config: {e}\n"),
        ),
    }
}

async fn metrics(State(s): State<St>) -> Response {
    let registry = s.deps.registry.clone();
    let body = tokio::task::spawn_blocking(move || registry.encode())
        .await
        .unwrap_or_default();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
