//! Throughput of the hand-written `gettableAlert` writer (target > 300 MB/s) compared with
//! serializing the serde model.

use am_api::v2::{AlertStatus, GettableAlert, write_gettable_alert};
use am_model::alert::Alert;
use am_model::labels::LabelSet;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;

fn alerts(n: usize) -> Vec<Alert> {
    let t = Timestamp::from_second(1_700_000_000).unwrap();
    (0..n)
        .map(|i| Alert {
            labels: LabelSet::new([
                ("alertname", format!("HighLatency{}", i % 100)),
                ("instance", format!("host-{i}:9100")),
                ("job", "node".to_owned()),
                ("severity", "warning".to_owned()),
            ]),
            annotations: LabelSet::new([(
                "summary",
                format!("latency of host-{i} is above 500ms"),
            )]),
            starts_at: t,
            ends_at: t,
            generator_url: "http://prometheus:9090/graph?g0.expr=latency".into(),
            updated_at: t,
            timeout: false,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let alerts = alerts(10_000);
    let status = AlertStatus::new(vec![], vec![], vec![]);
    let receivers = ["team-a"];
    let mut out = Vec::with_capacity(8 << 20);
    for a in &alerts {
        write_gettable_alert(&mut out, a, a.fingerprint(), &receivers, &status);
    }
    let mut g = c.benchmark_group("gettable_alert");
    g.throughput(Throughput::Bytes(out.len() as u64));
    let fps: Vec<_> = alerts.iter().map(Alert::fingerprint).collect();
    g.bench_function("fast_writer", |b| {
        b.iter(|| {
            out.clear();
            for (a, fp) in alerts.iter().zip(&fps) {
                write_gettable_alert(&mut out, a, *fp, &receivers, &status);
                out.push(b',');
            }
            out.len()
        })
    });
    g.bench_function("serde_model", |b| {
        b.iter(|| {
            let mut n = 0;
            for a in &alerts {
                let m = GettableAlert::from_alert(a, &receivers, status.clone());
                n += am_api::json::to_vec(&m).map_or(0, |v| v.len());
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);

/// Decoding + conversion of a POST body of 1000 typical alerts (ingestion path).
fn bench_decode(c: &mut Criterion) {
    let t = Timestamp::from_second(1_700_000_000).unwrap();
    let posted: Vec<_> = alerts(1000)
        .iter()
        .map(am_api::v2::PostableAlert::from_alert)
        .collect();
    let body = am_api::json::to_vec(&posted).unwrap();
    let mut g = c.benchmark_group("post_alerts");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("decode_and_convert", |b| {
        b.iter(|| {
            let decoded = am_api::v2::decode_postable_alerts(&body).unwrap();
            decoded
                .into_iter()
                .filter_map(|a| {
                    a.into_alert(
                        t,
                        jiff::SignedDuration::from_mins(5),
                        am_api::v2::LabelNameValidation::Legacy,
                    )
                    .ok()
                })
                .count()
        })
    });
    g.finish();
}

criterion_group!(decode, bench_decode);
criterion_main!(benches, decode);
