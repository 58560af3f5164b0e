//! Router assembly and the cross-cutting request handling of upstream `api/api.go`
//! (`limitHandler`: GET concurrency limit → 503, `http.TimeoutHandler` → 503) and
//! `cmd/alertmanager/main.go` (`instrumentHandler`: request duration and response size
//! histograms by handler and method; route prefix and the `/` redirect), plus the v2
//! response headers (`Cache-Control: no-store`, rs/cors `Default()`) of `api/v2/api.go`.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::{ApiDeps, normalize_route_prefix};
use crate::metrics::{Counter, CounterVec, Gauge, Histogram, HistogramVec, exponential_buckets};

/// Metrics of the HTTP layer and of the alert-receiving handlers.
pub(crate) struct ApiMetrics {
    duration: HistogramVec,
    size: HistogramVec,
    in_flight: Gauge,
    limit_exceeded: Counter,
    /// `alertmanager_alerts_received_total{status,version}`.
    pub(crate) received: CounterVec,
    /// `alertmanager_alerts_invalid_total{version}`.
    pub(crate) invalid: CounterVec,
}

impl ApiMetrics {
    fn new(r: &crate::metrics::Registry) -> ApiMetrics {
        let m = ApiMetrics::register(r);
        // Upstream creates these series at start (value 0).
        m.received.with(&["firing", "v2"]);
        m.received.with(&["resolved", "v2"]);
        m.invalid.with(&["v2"]);
        m
    }

    fn register(r: &crate::metrics::Registry) -> ApiMetrics {
        ApiMetrics {
            duration: r.histogram_vec(
                "alertmanager_http_request_duration_seconds",
                "Histogram of latencies for HTTP requests.",
                &["handler", "method"],
                &[0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 2.0, 5.0, 20.0, 60.0],
            ),
            size: r.histogram_vec(
                "alertmanager_http_response_size_bytes",
                "Histogram of response size for HTTP requests.",
                &["handler", "method"],
                &exponential_buckets(100.0, 10.0, 7),
            ),
            in_flight: r
                .gauge_vec(
                    "alertmanager_http_requests_in_flight",
                    "Current number of HTTP requests being processed.",
                    &["method"],
                )
                .with(&["get"]),
            limit_exceeded: r
                .counter_vec(
                    "alertmanager_http_concurrency_limit_exceeded_total",
                    "Total number of times an HTTP request failed because the concurrency limit was reached.",
                    &["method"],
                )
                .with(&["get"]),
            received: r.counter_vec(
                "alertmanager_alerts_received_total",
                "The total number of received alerts.",
                &["status", "version"],
            ),
            invalid: r.counter_vec(
                "alertmanager_alerts_invalid_total",
                "The total number of received alerts that were invalid.",
                &["version"],
            ),
        }
    }
}

/// State shared by every handler.
pub(crate) struct Shared {
    pub(crate) deps: ApiDeps,
    pub(crate) metrics: ApiMetrics,
    get_slots: Arc<Semaphore>,
    get_limit: usize,
}

/// Handler state type.
pub(crate) type St = Arc<Shared>;

/// `--web.get-concurrency` resolved like upstream: ≤ 0 means `max(GOMAXPROCS, 8)`.
pub fn effective_get_concurrency(configured: usize) -> usize {
    if configured > 0 {
        return configured;
    }
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(8)
}

pub(crate) fn build(deps: ApiDeps) -> Router {
    let get_limit = effective_get_concurrency(deps.options.get_concurrency);
    let metrics = ApiMetrics::new(&deps.registry);
    let prefix = normalize_route_prefix(&deps.options.route_prefix);
    let max_body = deps.options.max_body_bytes;
    let enable_v1 = deps.options.enable_v1;
    let shared = Arc::new(Shared {
        deps,
        metrics,
        get_slots: Arc::new(Semaphore::new(get_limit)),
        get_limit,
    });

    let v2 = super::v2::routes()
        .merge(super::v2_alerts::routes())
        .layer(middleware::from_fn(v2_headers))
        .layer(cors());
    let v1 = if enable_v1 {
        super::v1::routes()
    } else {
        super::v1::gone_routes()
    };
    let inner: Router<St> = super::ops::routes().nest("/api/v2", v2).nest("/api/v1", v1);
    let app = if prefix == "/" {
        inner
    } else {
        let target = prefix.clone();
        Router::new().nest(&prefix, inner).route(
            "/",
            axum::routing::get(move || async move { redirect(&target) }),
        )
    };
    app.route_layer(middleware::from_fn_with_state(
        shared.clone(),
        limit_and_observe,
    ))
    .layer(DefaultBodyLimit::max(max_body))
    .with_state(shared)
}

fn redirect(target: &str) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(target) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// rs/cors `Default()`: every origin, methods GET/POST/HEAD, the simple headers.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::POST, Method::HEAD])
        .allow_headers([
            header::ORIGIN,
            header::ACCEPT,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-requested-with"),
        ])
}

async fn v2_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Holds a GET slot and the in-flight gauge until the response body is finished or dropped.
struct InFlight {
    _permit: OwnedSemaphorePermit,
    gauge: Gauge,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

/// Observes duration and size when the response body is done (dropped).
struct Observe {
    start: Instant,
    duration: Option<Histogram>,
    size: Option<Histogram>,
    bytes: u64,
    _in_flight: Option<InFlight>,
}

impl Drop for Observe {
    fn drop(&mut self) {
        if let Some(h) = &self.duration {
            h.observe(self.start.elapsed().as_secs_f64());
        }
        if let Some(h) = &self.size {
            h.observe(self.bytes as f64);
        }
    }
}

/// Upstream `limitHandler` + `http.TimeoutHandler` + `instrumentHandler`.
async fn limit_and_observe(State(s): State<St>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_ascii_lowercase();
    let handler = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let in_flight = if req.method() == Method::GET {
        match s.get_slots.clone().try_acquire_owned() {
            Ok(permit) => {
                s.metrics.in_flight.inc();
                Some(InFlight {
                    _permit: permit,
                    gauge: s.metrics.in_flight.clone(),
                })
            }
            Err(_) => {
                s.metrics.limit_exceeded.inc();
                return text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!(
                        "Limit of concurrent GET requests reached ({}), try again later.\n",
                        s.get_limit
                    ),
                );
            }
        }
    } else {
        None
    };
    let timeout = s.deps.options.timeout.filter(|t| !t.is_zero());
    let resp = match timeout {
        Some(t) => match tokio::time::timeout(t, next.run(req)).await {
            Ok(r) => r,
            Err(_) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "Exceeded configured timeout of {}.\n",
                    am_model::duration::GoDuration(t)
                ),
            ),
        },
        None => next.run(req).await,
    };
    let (duration, size) = match &handler {
        Some(h) => (
            Some(s.metrics.duration.with(&[h, &method])),
            Some(s.metrics.size.with(&[h, &method])),
        ),
        None => (None, None),
    };
    let mut obs = Observe {
        start,
        duration,
        size,
        bytes: 0,
        _in_flight: in_flight,
    };
    let (parts, body) = resp.into_parts();
    let body = body.map_frame(move |frame| {
        // Borrow the whole guard so the closure owns it (it drops with the body).
        let obs = &mut obs;
        if let Some(d) = frame.data_ref() {
            obs.bytes += d.len() as u64;
        }
        frame
    });
    Response::from_parts(parts, Body::new(body))
}

/// A `text/plain` response like Go's `http.Error`.
pub(crate) fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// A JSON response from already encoded bytes.
pub(crate) fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A JSON response of a serializable value (Go's encoding rules).
pub(crate) fn json<T: serde::Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match am_api::json::to_vec(value) {
        Ok(mut b) => {
            // go-swagger's JSON producer ends the body with a newline.
            b.push(b'\n');
            json_bytes(status, b)
        }
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// A v2 handler error: the message as a JSON string (`responses.*.schema: string`).
pub(crate) fn json_string(status: StatusCode, msg: &str) -> Response {
    json(status, msg)
}
