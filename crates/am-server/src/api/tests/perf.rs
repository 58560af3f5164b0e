//! Manual measurement (ignored by default): a full GET /api/v2/alerts over many alerts, with
//! POST latency measured while it streams. Run in release mode:
//! `AM_PERF_ALERTS=1000000 cargo test --release -p am-server --lib api::tests::perf -- --ignored --nocapture`.

use std::time::Instant;

use am_model::alert::Alert;
use am_model::labels::LabelSet;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt as _;
use smol_str::SmolStr;
use tower::ServiceExt as _;

use super::fixture::{Fixture, t0};

fn alert(i: usize) -> Alert {
    let now = t0();
    Alert {
        labels: LabelSet::new([
            ("alertname", format!("HighLatency{}", i % 1000)),
            ("instance", format!("host-{i}:9100")),
            ("job", "node".to_owned()),
            ("severity", "warning".to_owned()),
        ]),
        annotations: LabelSet::new([("summary", "latency is high")]),
        starts_at: now,
        ends_at: now + jiff::SignedDuration::from_hours(1),
        generator_url: SmolStr::default(),
        updated_at: now,
        timeout: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "manual performance measurement"]
async fn get_many_alerts() {
    let n: usize = std::env::var("AM_PERF_ALERTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let f = Fixture::new();
    for i in 0..n {
        f.deps.store.put(alert(i), t0()).expect("put");
    }
    let router = f.router.clone();
    let start = Instant::now();
    let get = tokio::spawn(async move {
        let req = Request::get("/api/v2/alerts")
            .body(Body::empty())
            .expect("req");
        let resp = router.oneshot(req).await.expect("resp");
        let mut body = resp.into_body();
        let mut bytes = 0usize;
        while let Some(frame) = body.frame().await {
            if let Ok(d) = frame.expect("frame").into_data() {
                bytes += d.len();
            }
        }
        (bytes, start.elapsed())
    });
    let mut worst = std::time::Duration::ZERO;
    let mut posts = 0;
    while !get.is_finished() {
        let t = Instant::now();
        let body = format!(r#"[{{"labels":{{"alertname":"p{posts}"}}}}]"#);
        let (st, _, _) = f.call("POST", "/api/v2/alerts", &body).await;
        assert!(st.is_success());
        worst = worst.max(t.elapsed());
        posts += 1;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let (bytes, took) = get.await.expect("get task");
    eprintln!(
        "GET {n} alerts: {bytes} bytes in {took:?} ({:.0} MB/s); {posts} POSTs meanwhile, worst {worst:?}",
        bytes as f64 / took.as_secs_f64() / 1e6
    );
    assert!(bytes > n * 100);
}
