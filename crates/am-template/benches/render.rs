//! Criterion benchmark for issue 3: rendering the default Slack and email templates for a
//! 50-alert group, and building the template set (parsing the built-in `default.tmpl` and
//! `email.tmpl`), as upstream's `template` package does for every notification.
//!
//! The data is generated deterministically; `benches/go/render/main.go` builds the same data
//! for the Go comparison (`scripts/bench-templates.sh` runs both).

use std::hint::black_box;

use am_template::alertmanager::{
    AlertData, Kv, Template, TemplateData, TemplateOptions, system_clock,
};
use am_template::gotime::{GoTime, Location};
use criterion::{Criterion, criterion_group, criterion_main};

/// Number of alerts in the notification group.
const ALERTS: u64 = 50;

const SLACK_TITLE: &str = r#"{{ template "slack.default.title" . }}"#;
const SLACK_TEXT: &str = r#"{{ template "slack.default.text" . }}"#;
const EMAIL_SUBJECT: &str = r#"{{ template "email.default.subject" . }}"#;
const EMAIL_HTML: &str = r#"{{ template "email.default.html" . }}"#;

fn kv(pairs: Vec<(&str, String)>) -> Kv {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Alert `i` of the group: every third one resolved, 8 labels, 2 or 3 annotations. Must match
/// `makeAlert` in `benches/go/render/main.go`.
fn alert(i: u64) -> AlertData {
    let resolved = i.is_multiple_of(3);
    let severity = if i.is_multiple_of(2) {
        "critical"
    } else {
        "warning"
    };
    let labels = kv(vec![
        ("alertname", "HighRequestLatency".to_owned()),
        ("cluster", "prod-eu-1".to_owned()),
        ("instance", format!("host-{i}.example.com:9100")),
        ("job", "node".to_owned()),
        ("namespace", "payments".to_owned()),
        ("service", format!("api-{}", i % 5)),
        ("severity", severity.to_owned()),
        ("team", "sre".to_owned()),
    ]);
    let mut annotations = vec![
        (
            "summary",
            format!("Request latency above 500ms on host-{i}"),
        ),
        (
            "description",
            format!(
                "The 99th percentile latency of api-{} on host-{i} has been {}ms for more than 10 minutes.",
                i % 5,
                500 + i * 7
            ),
        ),
    ];
    if i.is_multiple_of(2) {
        annotations.push((
            "runbook_url",
            "https://runbooks.example.com/latency?a=1&b=<2>".to_owned(),
        ));
    }
    let starts = 1_700_000_000 + i64::try_from(i).unwrap_or(0) * 60;
    AlertData {
        status: if resolved { "resolved" } else { "firing" }.to_owned(),
        labels,
        annotations: kv(annotations),
        starts_at: GoTime::from_unix(starts, 0, Location::utc()),
        ends_at: if resolved {
            GoTime::from_unix(starts + 3600, 0, Location::utc())
        } else {
            GoTime::zero()
        },
        generator_url: format!(
            "http://prometheus.example.com:9090/graph?g0.expr=latency%7Binstance%3D%22host-{i}%22%7D&g0.tab=1"
        ),
        fingerprint: format!("{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
    }
}

fn options() -> TemplateOptions {
    TemplateOptions {
        external_url: "http://alertmanager.example.com:9093".to_owned(),
        ..TemplateOptions::new(system_clock())
    }
}

fn data(t: &Template) -> TemplateData {
    t.data(
        "team-sre",
        kv(vec![("alertname", "HighRequestLatency".to_owned())]),
        (0..ALERTS).map(alert).collect(),
    )
}

fn defaults() -> Template {
    Template::from_globs(&[] as &[&str], options()).expect("built-in templates parse")
}

fn bench(c: &mut Criterion) {
    let t = defaults();
    let value = data(&t).to_value();

    // Sanity check (and the figures `scripts/bench-templates.sh` compares with Go's).
    let title = t
        .execute_text_string(SLACK_TITLE, &value)
        .expect("slack title");
    let text = t
        .execute_text_string(SLACK_TEXT, &value)
        .expect("slack text");
    let subject = t
        .execute_html_string(EMAIL_SUBJECT, &value)
        .expect("email subject");
    let html = t
        .execute_html_string(EMAIL_HTML, &value)
        .expect("email html");
    eprintln!(
        "output bytes: slack title {} text {}, email subject {} html {}",
        title.len(),
        text.len(),
        subject.len(),
        html.len()
    );

    let mut g = c.benchmark_group("templates");
    g.bench_function("slack_title_text_50", |b| {
        b.iter(|| {
            let title = t.execute_text_string(SLACK_TITLE, black_box(&value));
            let text = t.execute_text_string(SLACK_TEXT, black_box(&value));
            (title, text)
        });
    });
    g.bench_function("email_subject_html_50", |b| {
        b.iter(|| {
            let subject = t.execute_html_string(EMAIL_SUBJECT, black_box(&value));
            let html = t.execute_html_string(EMAIL_HTML, black_box(&value));
            (subject, html)
        });
    });
    g.bench_function("parse_defaults", |b| {
        b.iter(|| Template::from_globs(black_box(&[] as &[&str]), options()));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
