//! Test fixture: an [`ApiDeps`] over real components, a settable clock and request helpers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use am_config::load::{LoadOptions, load_str};
use am_model::alert::Alert;
use am_model::labels::Fingerprint;
use arc_swap::ArcSwap;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use jiff::Timestamp;
use parking_lot::Mutex;
use tower::ServiceExt as _;

use crate::api::{
    ApiDeps, ApiOptions, BoxFuture, Ingest, NoCluster, Reloader, RuntimeSource, RuntimeView,
};
use crate::clock::Clock;
use crate::dispatch::{
    AlertSource, DispatcherHandle, DispatcherOptions, Flush, FlushFuture, FlushHandler, RouteTree,
};
use crate::inhibit::Inhibitor;
use crate::metrics::Registry;
use crate::notify::deps::GroupMarker;
use crate::provider::{AlertStore, StoreLimits};
use crate::silence::{Silencer, Silences, SilencesHandle, SilencesOptions};

pub(crate) const CONFIG: &str = r#"
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
  - matchers: [severity="critical"]
    receiver: crit
    continue: true
  - matchers: [team="a"]
    receiver: team-a
receivers:
- name: default
- name: crit
- name: team-a
inhibit_rules:
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [alertname]
"#;

/// A clock tests set by hand.
pub(crate) struct ManualClock(pub(crate) Mutex<Timestamp>);

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock()
    }
}

struct StoreSource(Arc<AlertStore>);

impl AlertSource for StoreSource {
    fn get(&self, fp: Fingerprint) -> Option<Alert> {
        self.0.get(fp)
    }
}

struct NoFlush;

impl FlushHandler for NoFlush {
    fn flush(&self, _: Flush, _: Vec<Alert>, _: Timestamp) -> FlushFuture {
        Box::pin(async { true })
    }
}

/// Stores alerts, feeds the inhibitor and the dispatcher (what the app does).
struct StoreIngest {
    store: Arc<AlertStore>,
    runtime: Arc<ArcSwap<RuntimeView>>,
}

impl Ingest for StoreIngest {
    fn ingest(&self, alerts: Vec<Alert>, now: Timestamp) -> Result<(), String> {
        let rt = self.runtime.current();
        let mut stored = Vec::with_capacity(alerts.len());
        for a in alerts {
            if let Ok(a) = self.store.put(a, now) {
                rt.inhibitor.observe(&a, now);
                stored.push(a);
            }
        }
        if let Some(d) = &rt.dispatcher {
            d.try_send(stored);
        }
        Ok(())
    }
}

/// Counts reloads; fails when `fail` is set.
pub(crate) struct FakeReloader {
    pub(crate) calls: AtomicUsize,
    pub(crate) fail: AtomicBool,
}

impl Reloader for FakeReloader {
    fn reload(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.fail.load(Ordering::SeqCst) {
                Err("bad yaml at line 3".to_owned())
            } else {
                Ok(())
            }
        })
    }
}

pub(crate) struct Fixture {
    pub(crate) router: Router,
    pub(crate) deps: ApiDeps,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) reloader: Arc<FakeReloader>,
    pub(crate) runtime: Arc<ArcSwap<RuntimeView>>,
}

pub(crate) fn t0() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().expect("valid timestamp")
}

impl Fixture {
    /// A fixture with default options (call inside a tokio runtime: spawns a dispatcher).
    pub(crate) fn new() -> Fixture {
        Fixture::with(ApiOptions::default(), CONFIG)
    }

    pub(crate) fn with(options: ApiOptions, config: &str) -> Fixture {
        let registry = Registry::new();
        let clock = Arc::new(ManualClock(Mutex::new(t0())));
        let config = Arc::new(load_str(config, None, &LoadOptions::default()).expect("config"));
        let store = Arc::new(AlertStore::new(StoreLimits::default(), &registry));
        let silences = SilencesHandle::new(
            Silences::new(SilencesOptions::default()),
            &registry,
            clock.clone(),
        );
        let tree = Arc::new(RouteTree::new(&config.route));
        let dispatcher = DispatcherHandle::spawn(
            tree.clone(),
            Arc::new(StoreSource(store.clone())),
            Arc::new(NoFlush),
            clock.clone(),
            t0(),
            DispatcherOptions::default(),
            &registry,
        );
        let view = RuntimeView {
            inhibitor: Arc::new(Inhibitor::new(&config.inhibit_rules)),
            config,
            tree,
            dispatcher: Some(Arc::new(dispatcher)),
            group_marker: GroupMarker::new(),
        };
        let runtime = Arc::new(ArcSwap::from_pointee(view));
        let reloader = Arc::new(FakeReloader {
            calls: AtomicUsize::new(0),
            fail: AtomicBool::new(false),
        });
        let deps = ApiDeps {
            store: store.clone(),
            silencer: Silencer::new(silences.clone()),
            silences,
            runtime: runtime.clone(),
            ingest: Arc::new(StoreIngest {
                store,
                runtime: runtime.clone(),
            }),
            reloader: reloader.clone(),
            cluster: Arc::new(NoCluster),
            ready: Arc::new(AtomicBool::new(true)),
            clock: clock.clone(),
            registry,
            version: am_api::v2::VersionInfo {
                version: "0.28.0".into(),
                ..Default::default()
            },
            started_at: t0(),
            options,
        };
        Fixture {
            router: crate::api::router(deps.clone()),
            deps,
            clock,
            reloader,
            runtime,
        }
    }

    pub(crate) fn advance(&self, secs: i64) {
        let mut t = self.clock.0.lock();
        *t = t
            .checked_add(jiff::SignedDuration::from_secs(secs))
            .expect("in range");
    }

    /// Sends a request and returns status, headers and the whole body.
    pub(crate) async fn call(
        &self,
        method: &str,
        uri: &str,
        body: &str,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        (
            status,
            headers,
            String::from_utf8(bytes.to_vec()).expect("utf-8"),
        )
    }

    /// GET returning parsed JSON (asserting 200).
    pub(crate) async fn get_json(&self, uri: &str) -> serde_json::Value {
        let (st, _, body) = self.call("GET", uri, "").await;
        assert_eq!(st, StatusCode::OK, "{uri}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}"))
    }
}
