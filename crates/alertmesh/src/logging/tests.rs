use std::io;
use std::sync::{Arc, Mutex};

use super::*;

/// Collects everything written by the subscriber.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn capture(level: LogLevel, format: LogFormat, body: impl FnOnce()) -> Vec<String> {
    let sink = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level_filter(level))
        .fmt_fields(SpanFieldsAsJson)
        .event_format(GoKitFormat { format })
        .with_writer(sink.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, body);
    let bytes = sink.0.lock().unwrap().clone();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Splits off `ts=… ` and checks its shape.
fn without_ts(line: &str) -> &str {
    let rest = line
        .strip_prefix("ts=")
        .unwrap_or_else(|| panic!("no ts in {line:?}"));
    let (ts, rest) = rest.split_once(' ').unwrap();
    assert_eq!(ts.len(), "2025-01-15T10:00:00.000Z".len(), "{ts}");
    assert!(
        ts.ends_with('Z') && ts.as_bytes()[10] == b'T' && ts.as_bytes()[19] == b'.',
        "{ts}"
    );
    rest
}

#[test]
fn logfmt_line_has_go_kit_order_and_quoting() {
    let mut line_no = 0;
    let lines = capture(LogLevel::Info, LogFormat::Logfmt, || {
        let span = tracing::info_span!("component", component = "cluster");
        let _guard = span.enter();
        line_no = line!() + 1;
        tracing::info!(
            version = "(version=0.1.0, branch=x)",
            peers = 3,
            ok = true,
            empty = "",
            "Starting alertmesh"
        );
    });
    assert_eq!(lines.len(), 1, "{lines:?}");
    let rest = without_ts(&lines[0]);
    assert_eq!(
        rest,
        format!(
            "caller=tests.rs:{line_no} level=info component=cluster msg=\"Starting alertmesh\" \
             version=\"(version=0.1.0, branch=x)\" peers=3 ok=true empty="
        )
    );
}

#[test]
fn logfmt_escapes_quotes_newlines_and_equals() {
    let lines = capture(LogLevel::Info, LogFormat::Logfmt, || {
        tracing::warn!(err = "a \"b\"\nc", path = "x=y", plain = "a:b/c", "m");
    });
    let rest = without_ts(&lines[0]);
    assert!(
        rest.ends_with(r#"level=warn msg=m err="a \"b\"\nc" path="x=y" plain=a:b/c"#),
        "{rest}"
    );
}

#[test]
fn level_filter_drops_lower_levels() {
    let lines = capture(LogLevel::Warn, LogFormat::Logfmt, || {
        tracing::debug!("d");
        tracing::info!("i");
        tracing::warn!("w");
        tracing::error!("e");
    });
    let levels: Vec<_> = lines
        .iter()
        .map(|l| without_ts(l).split(' ').nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(levels, ["level=warn", "level=error"]);
    let all = capture(LogLevel::Debug, LogFormat::Logfmt, || tracing::debug!("d"));
    assert!(all[0].contains(" level=debug msg=d"), "{all:?}");
}

#[test]
fn json_lines_have_sorted_keys_and_typed_values() {
    let lines = capture(LogLevel::Info, LogFormat::Json, || {
        let span = tracing::info_span!("component", component = "configuration");
        let _guard = span.enter();
        tracing::error!(
            file = "a.yml",
            count = 2,
            "Loading configuration file failed"
        );
    });
    let value: Value = serde_json::from_str(&lines[0]).unwrap();
    let object = value.as_object().unwrap();
    let keys: Vec<_> = object.keys().cloned().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(object["level"], "error");
    assert_eq!(object["msg"], "Loading configuration file failed");
    assert_eq!(object["component"], "configuration");
    assert_eq!(object["file"], "a.yml");
    assert_eq!(object["count"], 2);
    assert!(object["caller"].as_str().unwrap().starts_with("tests.rs:"));
    assert!(lines[0].starts_with("{\"caller\":"), "{}", lines[0]);
}

#[test]
fn span_fields_recorded_later_are_merged() {
    let lines = capture(LogLevel::Info, LogFormat::Logfmt, || {
        let span = tracing::info_span!("peer", component = "cluster", peer = tracing::field::Empty);
        span.record("peer", "01HX");
        let _guard = span.enter();
        tracing::info!("joined");
    });
    assert!(
        lines[0].contains(" component=cluster peer=01HX msg=joined"),
        "{lines:?}"
    );
}

#[test]
fn timestamp_format() {
    let t = UNIX_EPOCH + std::time::Duration::from_millis(1_736_899_200_123);
    assert_eq!(timestamp(t), "2025-01-15T00:00:00.123Z");
}
