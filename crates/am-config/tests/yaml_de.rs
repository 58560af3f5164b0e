//! Decoding YAML into typed structs with yaml.v2 `UnmarshalStrict` semantics: error paths
//! and lines, collected unknown fields, suggestions and hints, YAML 1.1 scalars.

use std::collections::BTreeMap;
use std::fmt;

use am_config::error::{ConfigError, ConfigErrors};
use am_config::yaml::{Document, YamlPath, from_str};
use serde::Deserialize;
use serde::de::{self, Deserializer};

/// A value that must be `name=value`, to check where nested `Deserialize` errors land.
#[derive(Debug, PartialEq)]
struct Matcher(String, String);

impl<'de> Deserialize<'de> for Matcher {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.split_once('=') {
            Some((name, value)) => Ok(Matcher(name.to_string(), value.to_string())),
            None => Err(de::Error::custom(format!("bad matcher {text:?}"))),
        }
    }
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Route {
    receiver: Option<String>,
    group_by: Option<Vec<String>>,
    group_wait: Option<String>,
    matchers: Option<Vec<Matcher>>,
    routes: Option<Vec<Route>>,
    #[serde(rename = "continue", default)]
    continue_: bool,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct EmailConfig {
    to: Option<String>,
    from: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    html: Option<String>,
    text: Option<String>,
    send_resolved: Option<bool>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Receiver {
    name: String,
    email_configs: Option<Vec<EmailConfig>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Config {
    route: Option<Route>,
    receivers: Option<Vec<Receiver>>,
    max_alerts: Option<u64>,
}

fn errors<T: serde::de::DeserializeOwned + fmt::Debug>(src: &str) -> Vec<ConfigError> {
    match from_str::<T>(src) {
        Ok((value, _)) => panic!("expected errors, got {value:?}"),
        Err(ConfigErrors(errors)) => errors,
    }
}

fn summary(errors: &[ConfigError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

#[test]
fn nested_error_carries_innermost_path_and_line() {
    let src = "\
route:
  receiver: team
  routes:
    - receiver: a
    - receiver: b
    - receiver: c
      matchers:
        - severityCRITICAL
";
    let errs = errors::<Config>(src);
    assert_eq!(
        summary(&errs),
        ["line 8: route.routes[2].matchers[0]: bad matcher \"severityCRITICAL\""]
    );
    assert_eq!(errs[0].path, YamlPath::parse("route.routes[2].matchers[0]"));
    assert_eq!(errs[0].file, None);
}

#[test]
fn unknown_fields_are_all_collected_with_their_own_lines() {
    let src = "\
receivers:
  - name: a
    email_configs:
      - to: a@example.org
        subject: hello
  - name: b
    email_configs:
      - to: b@example.org
        body: text
  - name: c
    email_configs:
      - to: c@example.org
        sendresolved: true
";
    let errs = errors::<Config>(src);
    assert_eq!(
        summary(&errs),
        [
            "line 5: receivers[0].email_configs[0]: unknown field \"subject\" \
             (the email subject is set with headers: {Subject: ...})",
            "line 9: receivers[1].email_configs[0]: unknown field \"body\" \
             (the message body is set with text: (plain text) or html:)",
            "line 13: receivers[2].email_configs[0]: unknown field \"sendresolved\" \
             (did you mean \"send_resolved\"?)",
        ]
    );
}

#[test]
fn unknown_fields_are_reported_even_after_a_fatal_nested_error() {
    let src = "\
route:
  recevier: x
  matchers: [bad]
  group_wiat: 1m
extra: 1
";
    let errs = errors::<Config>(src);
    assert_eq!(
        summary(&errs),
        [
            "line 2: route: unknown field \"recevier\" (did you mean \"receiver\"?)",
            "line 3: route.matchers[0]: bad matcher \"bad\"",
            "line 4: route: unknown field \"group_wiat\" (did you mean \"group_wait\"?)",
            "line 5: unknown field \"extra\"",
        ]
    );
}

#[test]
fn type_errors_do_not_stop_decoding() {
    let src = "\
max_alerts: lots
route:
  continue: maybe
  group_by: job
receivers:
  - name: [a]
";
    let errs = errors::<Config>(src);
    assert_eq!(
        summary(&errs),
        [
            "line 1: max_alerts: invalid value \"lots\": expected an unsigned integer",
            "line 3: route.continue: invalid value \"maybe\": expected a boolean (true or false)",
            "line 4: route.group_by: invalid value \"job\": expected a sequence",
            "line 6: receivers[0].name: expected a string, found a sequence",
        ]
    );
}

#[test]
fn quoted_numbers_and_booleans_are_strings() {
    let errs = errors::<Config>("max_alerts: \"5\"\n");
    assert_eq!(
        errs[0].message,
        "invalid value \"5\": expected an unsigned integer"
    );
    assert!(
        errs[0]
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("remove the quotes"),
        "{errs:?}"
    );
    let errs = errors::<EmailConfig>("send_resolved: 'true'\n");
    assert_eq!(
        errs[0].message,
        "invalid value \"true\": expected a boolean (true or false)"
    );
    assert_eq!(
        errs[0].hint.as_deref(),
        Some("quoted values are strings; remove the quotes")
    );
    // No hint when the unquoted text would not fit either.
    let errs = errors::<EmailConfig>("send_resolved: '5'\n");
    assert_eq!(errs[0].hint, None);
    let errs = errors::<Config>("max_alerts: 'x'\n");
    assert_eq!(errs[0].hint, None);
    // Plain and explicitly tagged values are fine.
    let (c, _) = from_str::<Config>("max_alerts: 5\n").expect("plain int");
    assert_eq!(c.max_alerts, Some(5));
    let (c, _) = from_str::<Config>("max_alerts: !!int \"7\"\n").expect("tagged int");
    assert_eq!(c.max_alerts, Some(7));
}

#[test]
fn yaml11_booleans() {
    for (text, want) in [
        ("yes", true),
        ("Yes", true),
        ("YES", true),
        ("y", true),
        ("on", true),
        ("ON", true),
        ("true", true),
        ("True", true),
        ("no", false),
        ("N", false),
        ("off", false),
        ("Off", false),
        ("FALSE", false),
    ] {
        let (c, _) = from_str::<EmailConfig>(&format!("send_resolved: {text}\n")).expect(text);
        assert_eq!(c.send_resolved, Some(want), "{text}");
    }
    for text in ["yEs", "1", "enabled", "\"yes\""] {
        let errs = errors::<EmailConfig>(&format!("send_resolved: {text}\n"));
        assert_eq!(errs.len(), 1, "{text}");
    }
}

#[test]
fn strings_take_the_raw_text_of_any_scalar() {
    let src = "to: yes\nfrom: 0x1F\nhtml: 1.50\ntext: ~\nheaders: {Subject: on, X-N: 007}\n";
    let (c, _) = from_str::<EmailConfig>(src).expect("decodes");
    assert_eq!(c.to.as_deref(), Some("yes"));
    assert_eq!(c.from.as_deref(), Some("0x1F"));
    assert_eq!(c.html.as_deref(), Some("1.50"));
    assert_eq!(c.text, None);
    let headers = c.headers.expect("headers");
    assert_eq!(headers["Subject"], "on");
    assert_eq!(headers["X-N"], "007");
}

#[test]
fn integers_follow_go_rules() {
    #[derive(Debug, Deserialize)]
    struct Ints {
        a: i64,
        b: u8,
        c: i32,
    }
    let (v, _) = from_str::<Ints>("a: 0x10\nb: 0o17\nc: 1_000\n").expect("decodes");
    assert_eq!((v.a, v.b, v.c), (16, 15, 1000));
    // yaml.v2 truncates floats into integers.
    let (v, _) = from_str::<Ints>("a: 1.9\nb: 1e2\nc: -2.5\n").expect("decodes");
    assert_eq!((v.a, v.b, v.c), (1, 100, -2));
    let errs = errors::<Ints>("a: 1\nb: 300\nc: x\n");
    assert_eq!(
        summary(&errs),
        [
            "line 2: b: invalid value \"300\": expected an unsigned integer between 0 and 255",
            "line 3: c: invalid value \"x\": expected an integer",
        ]
    );
}

#[test]
fn null_is_the_zero_value() {
    #[derive(Debug, Deserialize)]
    struct Zero {
        s: String,
        n: u32,
        b: bool,
        l: Vec<String>,
        o: Option<String>,
    }
    let (v, _) = from_str::<Zero>("s:\nn: ~\nb: null\nl:\no: NULL\n").expect("decodes");
    assert_eq!(
        (v.s.as_str(), v.n, v.b, v.l.len(), v.o),
        ("", 0, false, 0, None)
    );
}

#[test]
fn empty_documents_decode_like_empty_mappings() {
    for src in ["", "\n", "# only a comment\n", "---\n"] {
        let (c, doc) = from_str::<Config>(src).expect(src);
        assert_eq!(
            c,
            Config {
                route: None,
                receivers: None,
                max_alerts: None
            },
            "{src:?}"
        );
        assert!(doc.root().is_null(), "{src:?}");
    }
}

#[test]
fn enums_from_strings_and_single_key_maps() {
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Mode {
        Plain,
        Tls { port: u16 },
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Holder {
        modes: Vec<Mode>,
    }
    let (h, _) = from_str::<Holder>("modes: [plain, {tls: {port: 25}}]\n").expect("decodes");
    assert_eq!(h.modes, [Mode::Plain, Mode::Tls { port: 25 }]);
    let errs = errors::<Holder>("modes:\n  - plian\n");
    assert_eq!(errs[0].line, Some(2));
    assert_eq!(errs[0].path, YamlPath::parse("modes[0]"));
    assert_eq!(
        errs[0].message,
        "unknown value \"plian\", expected one of \"plain\", \"tls\""
    );
    assert_eq!(errs[0].hint.as_deref(), Some("did you mean \"plain\"?"));
}

#[test]
fn missing_required_field_names_the_struct() {
    let errs = errors::<Config>("receivers:\n  - email_configs: []\n");
    assert_eq!(
        summary(&errs),
        ["line 2: receivers[0]: missing required field \"name\""]
    );
}

#[test]
fn merged_and_aliased_values_decode() {
    let src = "\
defaults: &defaults
  group_wait: 10s
  receiver: base
route:
  <<: *defaults
  receiver: team
  routes:
    - *defaults
";
    #[derive(Debug, Deserialize)]
    struct Top {
        #[allow(dead_code)]
        defaults: Route,
        route: Route,
    }
    let (top, _) = from_str::<Top>(src).expect("decodes");
    assert_eq!(top.route.receiver.as_deref(), Some("team"));
    assert_eq!(top.route.group_wait.as_deref(), Some("10s"));
    let child = &top.route.routes.as_ref().expect("routes")[0];
    assert_eq!(child.receiver.as_deref(), Some("base"));
}

#[test]
fn errors_in_merged_values_point_at_the_anchor() {
    let src = "\
base: &base
  grop_by: [a]
route:
  <<: *base
  receiver: x
";
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Top {
        #[allow(dead_code)]
        base: serde_json::Value,
        #[allow(dead_code)]
        route: Route,
    }
    let errs = errors::<Top>(src);
    assert_eq!(
        summary(&errs),
        ["line 2: route: unknown field \"grop_by\" (did you mean \"group_by\"?)"]
    );
}

#[test]
fn document_deserialize_at_and_line_of() {
    let src = "route:\n  receiver: a\n  routes:\n    - receiver: b\n      group_wait: 1m\n";
    let doc = Document::parse(src).expect("parses");
    let route: Route = doc
        .deserialize_at(&YamlPath::parse("route.routes[0]"))
        .expect("decodes");
    assert_eq!(route.group_wait.as_deref(), Some("1m"));
    let line = |p: &str| doc.line_of(&YamlPath::parse(p));
    assert_eq!(line(""), Some(1));
    assert_eq!(line("route"), Some(1));
    assert_eq!(line("route.receiver"), Some(2));
    assert_eq!(line("route.routes"), Some(3));
    assert_eq!(line("route.routes[0]"), Some(4));
    assert_eq!(line("route.routes[0].group_wait"), Some(5));
    // Missing nodes fall back to the nearest existing ancestor.
    assert_eq!(line("route.routes[0].matchers[3]"), Some(4));
    assert_eq!(line("route.routes[7]"), Some(3));
    assert_eq!(line("nothing.here"), Some(1));
}

#[test]
fn no_follow_up_errors_after_a_replaced_value() {
    // `foo` is replaced by an empty mapping; its missing `name` is not reported again.
    let errs = errors::<Config>("receivers: [foo]\nroute: {matchers: x}\n");
    assert_eq!(
        summary(&errs),
        [
            "line 1: receivers[0]: invalid value \"foo\": expected a mapping",
            "line 2: route.matchers: invalid value \"x\": expected a sequence",
        ]
    );
}

#[test]
fn duplicate_keys_are_reported_with_decoding_errors() {
    let errs = errors::<Config>("max_alerts: x\nroute: {}\nroute: {}\nbogus: 1\n");
    assert_eq!(
        summary(&errs),
        [
            "line 1: max_alerts: invalid value \"x\": expected an unsigned integer",
            "line 3: key \"route\" already set in map (first set on line 2)",
            "line 4: unknown field \"bogus\"",
        ]
    );
    // Document::parse alone refuses the document.
    assert_eq!(
        Document::parse("a: 1\na: 2\n").map_err(|e| e.0.len()),
        Err(1)
    );
}

#[test]
fn every_failing_value_is_reported_not_just_the_first() {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inhibit {
        source: Matcher,
        target: Option<Matcher>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Top {
        route: Route,
        inhibit_rules: Vec<Inhibit>,
        receivers: Vec<Receiver>,
    }
    let src = "\
route:
  routes:
    - matchers: [a=1, bad1]
    - matchers: [bad2]
inhibit_rules:
  - source: bad3
    target: a=b
  - source: a=b
    target: bad4
receivers:
  - email_configs: []
  - name: ok
    bogus: 1
";
    let errs = errors::<Top>(src);
    assert_eq!(
        summary(&errs),
        [
            "line 3: route.routes[0].matchers[1]: bad matcher \"bad1\"",
            "line 4: route.routes[1].matchers[0]: bad matcher \"bad2\"",
            // The required `source` is not also reported as missing.
            "line 6: inhibit_rules[0].source: bad matcher \"bad3\"",
            "line 9: inhibit_rules[1].target: bad matcher \"bad4\"",
            "line 11: receivers[0]: missing required field \"name\"",
            "line 13: receivers[1]: unknown field \"bogus\"",
        ]
    );
}
