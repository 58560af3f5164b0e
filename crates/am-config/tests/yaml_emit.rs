//! `emit` prints YAML that reads back (through `Document::parse` + `deserialize`) to the
//! same `serde_json::Value`.

use am_config::yaml::{Document, emit};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{Map, Number, Value, json};

fn reread(text: &str) -> Value {
    Document::parse(text)
        .and_then(|d| d.deserialize::<Value>())
        .unwrap_or_else(|e| panic!("emitted YAML does not parse: {e}\n---\n{text}"))
}

/// Strings biased towards the awkward cases: YAML 1.1 words, numbers, indicators, quotes,
/// whitespace at the edges, line breaks, control and non-ASCII characters.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "~",
            "null",
            "NULL",
            "true",
            "0x1F",
            "0o17",
            "017",
            "08",
            "1_000",
            "1e3",
            ".5",
            "-.inf",
            ".NaN",
            "+1",
            "-",
            "--- x",
            "...",
            "<<",
            "a: b",
            "a #b",
            "#c",
            "- x",
            "? x",
            "[x]",
            "{x}",
            "*a",
            "&a",
            "!t",
            "|",
            ">",
            "'q'",
            "\"d\"",
            "%x",
            "@x",
            "`x",
            "x:",
            "2001-12-14",
            "\t",
            "a\tb",
            "\n",
            "\n\n",
            "x\n",
            "x\n\n",
            " x\ny",
            "x\n y",
            "x\n \ny",
            "a\r\nb",
            "\u{85}",
            "é ü 中文",
            "\u{feff}x",
            "\u{2028}",
            "\0",
            "\u{7f}",
            "{{ .CommonLabels.alertname }}",
        ])
        .prop_map(str::to_string),
        "[ -~]{0,12}",
        "[a-z \n\t:#'\"\\-]{0,16}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        prop::sample::select(vec![0.0, -0.0, 1.0, 0.1, 1e16, 1e-7, 123456.789, -2.5e300])
            .prop_filter_map("finite", Number::from_f64),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        tricky_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((tricky_string(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x0a1e_57a7),
        ..ProptestConfig::default()
    })]

    #[test]
    fn emit_round_trips(v in value()) {
        let text = emit(&v);
        prop_assert_eq!(reread(&text), v, "emitted:\n{}", text);
    }
}

#[test]
fn round_trips_an_alertmanager_like_config() {
    let v = json!({
        "global": {"resolve_timeout": "5m", "smtp_require_tls": true, "smtp_hello": "localhost"},
        "route": {
            "receiver": "team-X",
            "group_by": ["alertname", "..."],
            "routes": [{"matchers": ["severity=\"critical\"", "team=~\"a|b\""], "continue": true}],
        },
        "receivers": [{
            "name": "team-X",
            "email_configs": [{"to": "x@example.org", "headers": {"Subject": "{{ template \"x\" . }}"},
                               "html": "<p>\n  hi\n</p>\n"}],
        }],
        "templates": [],
        "inhibit_rules": null,
    });
    let text = emit(&v);
    assert_eq!(reread(&text), v, "{text}");
    assert!(
        text.contains("  group_by:\n  - alertname\n  - '...'\n") || text.contains("  - \"...\"\n"),
        "{text}"
    );
    assert!(
        text.contains("    html: |\n      <p>\n        hi\n      </p>\n"),
        "{text}"
    );
}
