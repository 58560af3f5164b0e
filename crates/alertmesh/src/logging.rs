//! Log output in the shape Alertmanager operators know from go-kit/promlog: one line per event on
//! stderr, either logfmt (`ts=2025-01-15T10:00:00.000Z caller=main.rs:42 level=info
//! component=cluster msg="Starting alertmesh" version=…`) or a JSON object with sorted keys.
//! Mirrors `prometheus/common/promlog` as used by Alertmanager ≤ 0.27.
//!
//! Fields of enclosing spans come before the message, like go-kit's `log.With` context, so a
//! component logs under `tracing::info_span!("component", component = "cluster")`.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

use crate::civil_time::civil_from_unix_seconds;
use crate::flags::{LogFormat, LogLevel};

/// Installs the global logger writing to stderr.
///
/// # Errors
/// Fails when a global logger is already installed.
pub fn init(level: LogLevel, format: LogFormat) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_max_level(level_filter(level))
        .fmt_fields(SpanFieldsAsJson)
        .event_format(GoKitFormat { format })
        .with_writer(std::io::stderr)
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))
}

/// The tracing filter for a `--log.level`.
pub fn level_filter(level: LogLevel) -> LevelFilter {
    match level {
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Error => LevelFilter::ERROR,
    }
}

/// Formats events as go-kit style logfmt or JSON lines.
#[derive(Clone, Copy, Debug)]
pub struct GoKitFormat {
    /// Which of the two line formats to write.
    pub format: LogFormat,
}

/// Records span fields as a JSON object, so that events can merge them back in order and with
/// their types (used by [`GoKitFormat`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct SpanFieldsAsJson;

impl<'writer> FormatFields<'writer> for SpanFieldsAsJson {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let mut visitor = FieldCollector::default();
        fields.record(&mut visitor);
        let object: serde_json::Map<String, Value> = visitor.fields.into_iter().collect();
        writer.write_str(&Value::Object(object).to_string())
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        let mut object = parse_object(&current.fields);
        let mut visitor = FieldCollector::default();
        fields.record(&mut visitor);
        object.extend(visitor.fields);
        current.fields = Value::Object(object).to_string();
        Ok(())
    }
}

fn parse_object(text: &str) -> serde_json::Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => object,
        _ => serde_json::Map::new(),
    }
}

/// Collects an event's or span's fields in order; `message` is kept apart as `msg`.
#[derive(Default)]
struct FieldCollector {
    message: Option<String>,
    fields: Vec<(String, Value)>,
}

impl FieldCollector {
    fn push(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.push((field.name().to_owned(), value));
        }
    }
}

impl Visit for FieldCollector {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field, Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, Value::String(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, Value::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.push(field, Value::String(value.to_string()));
    }
}

impl<S, N> FormatEvent<S, N> for GoKitFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let metadata = event.metadata();
        let caller = match (metadata.file(), metadata.line()) {
            (Some(file), Some(line)) => {
                let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
                format!("{base}:{line}")
            }
            _ => metadata.target().to_owned(),
        };
        let mut context = Vec::new();
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<FormattedFields<N>>() {
                    context.extend(parse_object(&fields.fields));
                }
            }
        }
        let mut collector = FieldCollector::default();
        event.record(&mut collector);
        let line = LogLine {
            ts: timestamp(SystemTime::now()),
            caller,
            level: level_name(*metadata.level()),
            context,
            message: collector.message,
            fields: collector.fields,
        };
        let text = match self.format {
            LogFormat::Logfmt => line.to_logfmt(),
            LogFormat::Json => line.to_json(),
        };
        writeln!(writer, "{text}")
    }
}

/// One log line before formatting.
struct LogLine {
    ts: String,
    caller: String,
    level: &'static str,
    context: Vec<(String, Value)>,
    message: Option<String>,
    fields: Vec<(String, Value)>,
}

impl LogLine {
    fn to_logfmt(&self) -> String {
        let mut out = String::new();
        let mut pair = |key: &str, value: &str| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(key);
            out.push('=');
            push_logfmt_value(&mut out, value);
        };
        pair("ts", &self.ts);
        pair("caller", &self.caller);
        pair("level", self.level);
        for (key, value) in &self.context {
            pair(key, &value_text(value));
        }
        if let Some(message) = &self.message {
            pair("msg", message);
        }
        for (key, value) in &self.fields {
            pair(key, &value_text(value));
        }
        out
    }

    /// Go's JSON logger writes a map, so keys come out sorted; later fields win on duplicates.
    fn to_json(&self) -> String {
        let mut object: BTreeMap<&str, Value> = BTreeMap::new();
        object.insert("ts", Value::String(self.ts.clone()));
        object.insert("caller", Value::String(self.caller.clone()));
        object.insert("level", Value::String(self.level.to_owned()));
        for (key, value) in self.context.iter().chain(&self.fields) {
            object.insert(key, value.clone());
        }
        if let Some(message) = &self.message {
            object.insert("msg", Value::String(message.clone()));
        }
        serde_json::to_string(&object).unwrap_or_default()
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "error",
        Level::WARN => "warn",
        Level::INFO => "info",
        Level::DEBUG | Level::TRACE => "debug",
    }
}

/// `2006-01-02T15:04:05.000Z`, UTC, millisecond precision, as promlog writes `ts`.
fn timestamp(now: SystemTime) -> String {
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX);
    let t = civil_from_unix_seconds(seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        since_epoch.subsec_millis()
    )
}

/// Appends a logfmt value, quoted (Go-style escapes) when it contains a space, `=`, `"` or a
/// control character, as go-logfmt does; an empty value is written as nothing.
fn push_logfmt_value(out: &mut String, value: &str) {
    let needs_quotes = value
        .chars()
        .any(|c| c <= ' ' || c == '=' || c == '"' || c.is_control());
    if !needs_quotes {
        out.push_str(value);
        return;
    }
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
