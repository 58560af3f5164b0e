//! Alertmanager's template data, functions and `Template` API against Go: a Go oracle
//! (`tests/go/alertmanager`) decodes the same JSON with `encoding/json` into Go types shaped
//! like Alertmanager v0.28's `template.Data` (named `template.*`, with the `KV`/`Pairs`
//! `String` methods 0.28 has), and executes the same text with `text/template` or
//! `html/template` and Alertmanager's functions; outputs and error texts must match.
//! `humanizeDuration` (prometheus/common, not packaged locally) is checked against values
//! worked out from its documented algorithm instead.

use std::path::Path;
use std::sync::Arc;

use am_template::alertmanager::{Clock, Template, TemplateData, TemplateOptions};
use am_template::gotime;
use am_testkit::GoOracle;
use serde::{Deserialize, Serialize};

const NOW: &str = "2024-03-10T09:00:00.5Z";

#[derive(Serialize)]
struct Request<'a> {
    data: &'a serde_json::Value,
    text: &'a str,
    html: bool,
    now: &'a str,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Reply {
    out: String,
    err: String,
}

fn oracle() -> Option<GoOracle> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/alertmanager");
    GoOracle::build(&src, "amtemplate-oracle")
}

fn template() -> Template {
    let now = gotime::parse_rfc3339(NOW).expect("NOW parses");
    let clock: Clock = Arc::new(move || now.clone());
    Template::from_globs::<&str>(&[], TemplateOptions::new(clock)).expect("defaults parse")
}

fn ours(t: &Template, data: &serde_json::Value, text: &str, html: bool) -> Reply {
    let value = match TemplateData::from_json(data.to_string().as_bytes()) {
        // The oracle executes a `template.Data` value, as amtool does.
        Ok(d) => d.to_struct_value(),
        Err(e) => {
            return Reply {
                out: String::new(),
                err: e.to_string(),
            };
        }
    };
    let result = if html {
        t.execute_html_string(text, &value)
    } else {
        t.execute_text_string(text, &value)
    };
    match result {
        Ok(out) => Reply {
            out,
            err: String::new(),
        },
        Err(e) => Reply {
            out: String::new(),
            err: e.to_string(),
        },
    }
}

fn data_sets() -> Vec<(String, serde_json::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alertmanager_data");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("data dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            (
                name.unwrap_or_default(),
                serde_json::from_str(&text).expect("valid JSON"),
            )
        })
        .collect()
}

/// Compares a batch of (data, text, html) cases with the oracle; returns the mismatches.
fn compare(oracle: &GoOracle, cases: &[(String, serde_json::Value, String, bool)]) -> Vec<String> {
    let requests: Vec<Request<'_>> = cases
        .iter()
        .map(|(_, data, text, html)| Request {
            data,
            text,
            html: *html,
            now: NOW,
        })
        .collect();
    let replies: Vec<Reply> = oracle.run_json(&requests);
    assert_eq!(replies.len(), cases.len(), "one reply per request");
    let t = template();
    let mut failures = Vec::new();
    for ((label, data, text, html), want) in cases.iter().zip(replies) {
        let have = ours(&t, data, text, *html);
        if have != want {
            failures.push(format!(
                "{label} html={html} {text:?}\n  go:   {want:?}\n  ours: {have:?}"
            ));
        }
    }
    failures
}

/// Printing the data and calling the types' methods and fields.
const DATA_TEXTS: &[&str] = &[
    "{{ . }}",
    "{{ printf \"%+v\" . }}",
    "{{ .Alerts }}|{{ .Alerts.Firing }}|{{ .Alerts.Resolved }}",
    "{{ .GroupLabels }}|{{ .CommonLabels }}|{{ .CommonAnnotations }}",
    "{{ printf \"%s|%q|%x|%v|%d\" .CommonLabels .CommonLabels .GroupLabels .GroupLabels .GroupLabels }}",
    "{{ printf \"%#v\" .CommonLabels }}|{{ printf \"%T %T %T\" . .Alerts .Alerts.Firing }}",
    "{{ range .Alerts }}{{ .Labels.SortedPairs }}|{{ .Labels.SortedPairs.Names }}|{{ .Annotations.Values }}|{{ printf \"%+v\" .Labels.SortedPairs }}\n{{ end }}",
    "{{ range .Alerts }}{{ range .Labels.SortedPairs }}{{ . }} {{ printf \"%+v %#v\" . . }};{{ end }}\n{{ end }}",
    "{{ range $k, $v := .CommonLabels }}{{ $k }}={{ $v }};{{ end }}|{{ .CommonLabels.alertname }}|{{ index .CommonLabels \"job\" }}|{{ .CommonLabels.nothing }}|{{ len .CommonLabels }}",
    "{{ with .CommonLabels.Remove .GroupLabels.Names }}{{ . }}{{ else }}none{{ end }}|{{ .CommonLabels.Remove (stringSlice) }}|{{ .GroupLabels.String }}",
    "{{ if .Alerts.Firing }}firing{{ end }}{{ if .CommonAnnotations }} annotated{{ end }}{{ if not .Alerts }} none{{ end }}",
    "{{ range .Alerts }}{{ .StartsAt }}|{{ .EndsAt }}|{{ .StartsAt.Unix }}|{{ .EndsAt.IsZero }}|{{ .StartsAt.UTC.Format \"Mon Jan 2 15:04:05\" }}\n{{ end }}",
    "{{ range .Alerts }}{{ date \"2006-01-02T15:04:05.000Z07:00\" .StartsAt }}|{{ tz \"Europe/Berlin\" .StartsAt }}|{{ tz \"America/New_York\" .StartsAt | date \"15:04 MST\" }}|{{ since .StartsAt }}\n{{ end }}",
    "{{ range .Alerts }}{{ (index .Labels \"alertname\") | toUpper }} {{ title .Status }} {{ toLower .Fingerprint }}\n{{ end }}",
    "{{ title .Receiver }}|{{ toUpper .Receiver }}|{{ trimSpace \"  x \\n\" }}|{{ .GroupLabels.Values | join \", \" }}",
    "{{ match \"^team\" .Receiver }}|{{ match \"(?i)OPS\" .Receiver }}|{{ reReplaceAll \"([a-z]+)-([a-z]+)\" \"${2}_$1\" .Receiver }}|{{ reReplaceAll \"(?P<word>[aeiou])\" \"<$word>\" .ExternalURL }}",
    "{{ range .Alerts }}{{ if eq (index .Labels \"severity\") \"critical\" }}!{{ end }}{{ end }}{{ if .Alerts }}{{ eq (index (index .Alerts 0).Labels.SortedPairs 0) (index (index .Alerts 0).Labels.SortedPairs 0) }}{{ end }}",
    "{{ safeHtml \"<b>x</b>\" }}|{{ .Receiver | html }}|{{ urlquery .Receiver }}",
    "{{ .Alerts.Firing.Firing }}",
    "{{ .NoSuchField }}",
    "{{ .CommonLabels.SortedPairs.Nope }}",
    "{{ tz \"No/Such_Zone\" (index .Alerts 0).StartsAt }}",
    "{{ match \"(\" .Receiver }}",
    "{{ reReplaceAll \"[\" \"\" .Receiver }}",
    "{{ .CommonLabels.Remove \"alertname\" }}",
    "{{ join \",\" .CommonLabels.Names 3 }}",
];

/// HTML templates: escaping of the data in several contexts.
const HTML_TEXTS: &[&str] = &[
    "<p>{{ .Receiver }}</p>{{ range .Alerts }}<a href=\"{{ .GeneratorURL }}\" title='{{ .Labels.alertname }}'>{{ .Annotations.summary }}</a>{{ end }}",
    "<script>var n = {{ .GroupLabels.Names }}, r = {{ .Receiver }}, u = \"{{ .ExternalURL }}\";</script>",
    "{{ range .Alerts }}{{ .Annotations }} {{ safeHtml (index .Annotations \"z\") }}<br>{{ end }}",
    "<a href=\"{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}\">{{ .Status | title }}</a>",
];

#[test]
fn data_and_functions_match_go() {
    let Some(oracle) = oracle() else {
        return;
    };
    let mut cases = Vec::new();
    for (name, data) in data_sets() {
        for text in DATA_TEXTS {
            cases.push((name.clone(), data.clone(), (*text).to_owned(), false));
        }
    }
    let failures = compare(&oracle, &cases);
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn html_escaping_of_data_matches_go() {
    let Some(oracle) = oracle() else {
        return;
    };
    let mut cases = Vec::new();
    for (name, data) in data_sets() {
        for text in HTML_TEXTS {
            cases.push((name.clone(), data.clone(), (*text).to_owned(), true));
        }
    }
    let failures = compare(&oracle, &cases);
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Objects in JavaScript contexts: Go's `jsValEscaper` prints `Stringer`s (`KV`, `Pairs`) as
/// JSON strings of their `String()` and marshals the structs with their JSON field names.
#[test]
fn objects_in_javascript_match_go() {
    let Some(oracle) = oracle() else {
        return;
    };
    let mut cases = Vec::new();
    for (name, data) in data_sets() {
        for text in [
            "<script>var d = {{ .CommonLabels }}, p = {{ .GroupLabels.SortedPairs }};</script>",
            "<script>var a = {{ .Alerts }};</script>",
        ] {
            cases.push((name.clone(), data.clone(), text.to_owned(), true));
        }
    }
    let failures = compare(&oracle, &cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// JSON shapes `encoding/json` treats specially: case-insensitive keys, repeated keys (maps
/// merge, list elements are decoded in place), `null`, unknown keys, and type errors.
#[test]
fn data_json_decodes_like_go() {
    let Some(oracle) = oracle() else {
        return;
    };
    // `%#v` is avoided: it would show Go's nil maps (`template.KV(nil)`) for keys missing from
    // the JSON, which are empty maps here.
    let text = "{{ printf \"%+v\" . }}|{{ range .Alerts }}{{ len .Labels }} {{ len .Annotations }};{{ end }}";
    let docs = [
        r#"{"receiver": "a", "Receiver": "b", "RECEIVER": null}"#,
        r#"{"groupLabels": {"a": "1"}, "GroupLabels": {"b": "2"}, "commonLabels": {"x": "y"}, "commonLabels": null}"#,
        r#"{"alerts": [{"status": "a", "labels": {"k": "v"}}], "Alerts": [{"fingerprint": "f", "annotations": {}}, {"status": "b", "labels": {}, "annotations": {}}]}"#,
        r#"{"alerts": [{"status": "a", "labels": {}, "annotations": {}}, {"status": "b", "labels": {}, "annotations": {}}], "alerts": [{"labels": {"x": "1"}, "annotations": {}}]}"#,
        r#"{"alerts": [null, {"labels": {"a": null}, "annotations": {"s": ""}}]}"#,
        "{\"\u{17f}tatus\": \"long s\", \"unknown\": [1, {\"x\": null}], \"externalurl\": \"u\"}",
        r#"{"alerts": [{"StartsAt": "2024-02-29T23:59:59.123+05:30", "ENDSAT": null, "labels": {}, "annotations": {}}]}"#,
        r#"{"receiver": 1}"#,
        r#"{"alerts": [{"labels": {"a": 1}}]}"#,
        r#"{"alerts": [5, {"status": "x"}]}"#,
        r#"{"alerts": {}}"#,
        r#"{"groupLabels": ["a"], "status": true}"#,
        r#"[1]"#,
        r#"null"#,
    ];
    let cases: Vec<_> = docs
        .iter()
        .map(|doc| {
            let data: serde_json::Value = serde_json::from_str(doc).unwrap_or_else(|e| {
                panic!("test document {doc}: {e}");
            });
            ((*doc).to_owned(), data, text.to_owned(), false)
        })
        .collect();
    // serde_json::Value drops repeated keys; send the documents verbatim instead.
    let requests: Vec<String> = docs
        .iter()
        .map(|doc| {
            format!(
                r#"{{"data": {doc}, "text": {}, "html": false, "now": "{NOW}"}}"#,
                serde_json::to_string(text).expect("json")
            )
        })
        .collect();
    let replies: Vec<Reply> = oracle
        .run_lines(&requests)
        .iter()
        .map(|l| serde_json::from_str(l).expect("reply"))
        .collect();
    assert_eq!(replies.len(), cases.len());
    let t = template();
    let mut failures = Vec::new();
    for (doc, want) in docs.iter().zip(replies) {
        let have = match TemplateData::from_json(doc.as_bytes()) {
            Ok(d) => match t.execute_text_string(text, &d.to_struct_value()) {
                Ok(out) => Reply {
                    out,
                    err: String::new(),
                },
                Err(e) => Reply {
                    out: String::new(),
                    err: e.to_string(),
                },
            },
            Err(e) => Reply {
                out: String::new(),
                err: e.to_string(),
            },
        };
        if have != want {
            failures.push(format!("{doc}\n  go:   {want:?}\n  ours: {have:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Go 1.23's `Time.UnmarshalJSON` (Alertmanager 0.28's toolchain) parses the unquoted text;
    // the local Go 1.19 quotes it in the message.
    let err = TemplateData::from_json(br#"{"alerts": [{"startsAt": "yesterday"}]}"#)
        .expect_err("bad time");
    assert_eq!(
        err.to_string(),
        r#"parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006""#
    );
    let err = TemplateData::from_json(br#"{"alerts": [{"endsAt": 5}]}"#).expect_err("bad time");
    assert_eq!(
        err.to_string(),
        "Time.UnmarshalJSON: input is not a JSON string"
    );
}

/// Randomized strings through `title`, `toUpper`, `toLower`, `trimSpace` and `reReplaceAll`.
#[test]
fn string_functions_match_go_on_random_text() {
    let Some(oracle) = oracle() else {
        return;
    };
    let alphabet: Vec<char> =
        "aZ09 _-.:'’\t\nßǆǅÆæİıσΣςΟΔfiﬁᾳᾈ^`·,;!?ÿŸ\u{301}\u{a0}\u{2028}Ωω中文"
            .chars()
            .collect();
    let mut rng = am_testkit::TestRng::new(0x5eed_a1e7);
    let mut cases = Vec::new();
    for i in 0..300 {
        let len = rng.below(12);
        let s: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let data = serde_json::json!({ "receiver": s });
        let text = "{{ title .Receiver }}|{{ toUpper .Receiver }}|{{ toLower .Receiver }}|{{ trimSpace .Receiver }}|{{ reReplaceAll \"([a-zß]*)(Σ|.)\" \"[$2$1]\" .Receiver }}";
        cases.push((format!("random {i}"), data, text.to_owned(), false));
    }
    let failures = compare(&oracle, &cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn humanize_duration_follows_prometheus_common() {
    let t = template();
    let data = TemplateData::default().to_value();
    let cases: &[(&str, &str)] = &[
        ("{{ humanizeDuration 0 }}", "0s"),
        ("{{ humanizeDuration 0.25 }}", "250ms"),
        ("{{ humanizeDuration 1 }}", "1s"),
        ("{{ humanizeDuration 59.999 }}", "60s"),
        ("{{ humanizeDuration 9.87654 }}", "9.877s"),
        ("{{ humanizeDuration 61.5 }}", "1m 1s"),
        ("{{ humanizeDuration 3599 }}", "59m 59s"),
        ("{{ humanizeDuration 90061 }}", "1d 1h 1m 1s"),
        ("{{ humanizeDuration -3600 }}", "-1h 0m 0s"),
        ("{{ humanizeDuration 0.000001234 }}", "1.234us"),
        ("{{ humanizeDuration 1e-10 }}", "100ps"),
        ("{{ humanizeDuration \"120\" }}", "2m 0s"),
        ("{{ humanizeDuration \"-0.5\" }}", "-500ms"),
    ];
    for (text, want) in cases {
        let got = t.execute_text_string(text, &data);
        assert_eq!(got.as_deref(), Ok(*want), "{text}");
    }
    let errors: &[(&str, &str)] = &[
        (
            "{{ humanizeDuration \"x\" }}",
            "strconv.ParseFloat: parsing \"x\": invalid syntax",
        ),
        ("{{ humanizeDuration true }}", "can't convert bool to float"),
        (
            "{{ humanizeDuration .Alerts }}",
            "can't convert template.Alerts to float",
        ),
    ];
    for (text, want) in errors {
        let err = t
            .execute_text_string(text, &data)
            .expect_err("humanizeDuration fails")
            .to_string();
        assert!(
            err.ends_with(&format!("error calling humanizeDuration: {want}")),
            "{text}: {err}"
        );
    }
    // since returns a time.Duration, which humanizeDuration takes as seconds.
    let start = gotime::parse_rfc3339("2024-03-10T08:58:20Z").expect("time");
    let alert = am_template::alertmanager::AlertData {
        status: "firing".into(),
        starts_at: start,
        ..Default::default()
    };
    let data = TemplateData {
        alerts: vec![alert],
        ..Default::default()
    }
    .to_value();
    let got = t.execute_text_string(
        "{{ range .Alerts }}{{ since .StartsAt }} {{ since .StartsAt | humanizeDuration }}{{ end }}",
        &data,
    );
    assert_eq!(got.as_deref(), Ok("1m40.5s 1m 40s"));
}
