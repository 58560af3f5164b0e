//! Prometheus text exposition format 0.0.4, written the way `prometheus/common/expfmt`
//! (`text_create.go`) writes it: HELP escaping, label value escaping, Go float formatting,
//! histogram `_bucket`/`_sum`/`_count` series, series sorted by label values.

use std::fmt::Write as _;

use super::Kind;

/// Formats `v` like Go's `strconv.FormatFloat(v, 'g', -1, 64)` as used by expfmt
/// (`1`, `0.5`, `123456`, `1e+06`, `1.5e-05`, `+Inf`, `-Inf`, `NaN`).
pub fn format_float(v: f64) -> String {
    let mut s = String::new();
    push_float(&mut s, v);
    s
}

fn push_float(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    if v == 0.0 {
        // expfmt special-cases zero (so negative zero prints as `0` too).
        out.push('0');
        return;
    }
    // Shortest round-trip digits, e.g. "1.234e6".
    let sci = format!("{:e}", v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        // %e form with at least two exponent digits.
        out.push_str(mantissa);
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let _ = write!(out, "{:02}", exp.unsigned_abs());
    } else {
        let _ = write!(out, "{}", v);
    }
}

fn push_help(out: &mut String, help: &str) {
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn push_label_value(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// One series: label pairs already sorted by name.
struct Series<T> {
    labels: Vec<(String, String)>,
    value: T,
}

/// Builds the sorted series list of a family: label pairs sorted by name, series sorted by
/// label count then values (client_golang's `metricSorter`).
fn sorted<T>(names: &[String], children: Vec<(Vec<String>, T)>) -> Vec<Series<T>> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|a, b| names[*a].cmp(&names[*b]));
    let mut series: Vec<Series<T>> = children
        .into_iter()
        .map(|(values, value)| Series {
            labels: order
                .iter()
                .map(|i| {
                    let v = values.get(*i).cloned().unwrap_or_default();
                    (names[*i].clone(), v)
                })
                .collect(),
            value,
        })
        .collect();
    series.sort_by(|a, b| {
        a.labels.len().cmp(&b.labels.len()).then_with(|| {
            let av = a.labels.iter().map(|(_, v)| v);
            let bv = b.labels.iter().map(|(_, v)| v);
            av.cmp(bv)
        })
    });
    series
}

fn push_sample(
    out: &mut String,
    name: &str,
    suffix: &str,
    labels: &[(String, String)],
    extra: Option<(&str, f64)>,
    value: f64,
) {
    out.push_str(name);
    out.push_str(suffix);
    if !labels.is_empty() || extra.is_some() {
        out.push('{');
        let mut first = true;
        for (n, v) in labels {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(n);
            out.push_str("=\"");
            push_label_value(out, v);
            out.push('"');
        }
        if let Some((n, v)) = extra {
            if !first {
                out.push(',');
            }
            out.push_str(n);
            out.push_str("=\"");
            push_float(out, v);
            out.push('"');
        }
        out.push('}');
    }
    out.push(' ');
    push_float(out, value);
    out.push('\n');
}

fn header(out: &mut String, name: &str, help: &str, typ: &str) {
    out.push_str("# HELP ");
    out.push_str(name);
    out.push(' ');
    push_help(out, help);
    out.push_str("\n# TYPE ");
    out.push_str(name);
    out.push(' ');
    out.push_str(typ);
    out.push('\n');
}

/// Appends one family; nothing when it has no series.
pub(super) fn family(out: &mut String, name: &str, help: &str, kind: &Kind) {
    match kind {
        Kind::Counter(core) => {
            let series = sorted(&core.names, core.snapshot());
            if series.is_empty() {
                return;
            }
            header(out, name, help, "counter");
            for s in series {
                push_sample(out, name, "", &s.labels, None, s.value.get());
            }
        }
        Kind::Gauge(core) => {
            let series = sorted(&core.names, core.snapshot());
            if series.is_empty() {
                return;
            }
            header(out, name, help, "gauge");
            for s in series {
                push_sample(out, name, "", &s.labels, None, s.value.get());
            }
        }
        Kind::Func { typ, names, f } => {
            let series = sorted(names, f());
            if series.is_empty() {
                return;
            }
            header(out, name, help, typ);
            for s in series {
                push_sample(out, name, "", &s.labels, None, s.value);
            }
        }
        Kind::Histogram(core, bounds) => {
            let series = sorted(&core.names, core.snapshot());
            if series.is_empty() {
                return;
            }
            header(out, name, help, "histogram");
            for s in series {
                let h = &s.value.0;
                // Read the count first and make buckets consistent with it.
                let counts: Vec<u64> = h
                    .counts
                    .iter()
                    .map(|c| c.load(std::sync::atomic::Ordering::Relaxed))
                    .collect();
                let total: u64 = counts.iter().sum();
                let mut cum = 0u64;
                for (i, b) in bounds.iter().enumerate() {
                    cum += counts[i];
                    push_sample(
                        out,
                        name,
                        "_bucket",
                        &s.labels,
                        Some(("le", *b)),
                        cum as f64,
                    );
                }
                push_sample(
                    out,
                    name,
                    "_bucket",
                    &s.labels,
                    Some(("le", f64::INFINITY)),
                    total as f64,
                );
                push_sample(out, name, "_sum", &s.labels, None, s.value.sample_sum());
                push_sample(out, name, "_count", &s.labels, None, total as f64);
            }
        }
    }
}
