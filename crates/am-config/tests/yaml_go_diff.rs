//! Differential test against Go `gopkg.in/yaml.v2` `UnmarshalStrict` (Debian's packaged
//! source, built in GOPATH mode): handwritten and generated snippets are decoded into the
//! same small struct by both; accept/reject and the decoded values must agree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use am_config::yaml::from_str;
use am_testkit::{GoOracle, TestRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct Inner {
    name: String,
    port: i64,
}

/// Mirrors `Sample` in tests/go/yaml/main.go.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct Sample {
    s: String,
    b: bool,
    i: i64,
    i8: i8,
    u: u64,
    #[serde(skip_serializing)]
    f: f64,
    l: Option<Vec<String>>,
    li: Option<Vec<i64>>,
    m: Option<BTreeMap<String, String>>,
    n: Option<Inner>,
    nl: Option<Vec<Inner>>,
    os: Option<String>,
}

const HANDWRITTEN: &[&str] = &[
    "",
    "# nothing\n",
    "---\n",
    "s: hello\n",
    "s: yes\nb: yes\n",
    "s: 'it''s'\n",
    "s: \"tab\\there \\u00e9 \\x41\"\n",
    "s: |\n  line 1\n  line 2\n",
    "s: |-\n  kept\n\n",
    "s: |+\n  kept\n\n",
    "s: >\n  folded\n  text\n\n  para\n",
    "s: plain\n  continued\n  lines\n",
    "s: ~\n",
    "s:\n",
    "s: 2001-12-14\n",
    "s: [a]\n",
    "s: {a: b}\n",
    "s: !!str 5\n",
    "s: !custom x\n",
    "b: !!str yes\n",
    "i: !!int \"5\"\n",
    "i: !!int abc\n",
    "i: \"5\"\n",
    "i: '5'\n",
    "b: 'true'\n",
    "b: True\nu: 0x10\n",
    "f: !!float 3\n",
    "f: 3\n",
    "f: .5\n",
    "f: -.inf\n",
    "f: .NaN\n",
    "f: 1e400\n",
    "f: 6.02e+23\n",
    "l: [a, yes, 1, ~, '']\n",
    "l:\n- a\n- b\n",
    "l:\n  - a\n  -\n  - c\n",
    "l: []\n",
    "l: a\n",
    "l: [a, [b]]\n",
    "li: [1, 0x2, 0o3, 04, 1_5]\n",
    "li: [1, '2']\n",
    "m: {a: 1, b: yes, c: ~, 1: one}\n",
    "m: {}\n",
    "m: {a: [1]}\n",
    "m: {a: 1, a: 2}\n",
    "n: {name: x, port: 80}\n",
    "n: {name: x, extra: 1}\n",
    "n: {port: '80'}\n",
    "n: [x]\n",
    "n: ~\n",
    "n: {}\n",
    "nl: [{name: a}, ~, {port: 1}]\n",
    "nl: [x]\n",
    "os: ''\n",
    "os: ~\n",
    "os: yes\n",
    "s: a\ns: b\n",
    "zz: 1\n",
    "S: 1\n",
    "5\n",
    "[1, 2]\n",
    "just text\n",
    "s: a\n---\ns: b\n",
    "--- \ns: a\n...\n",
    "a: &x 1\n",
    "n: &n {name: x}\nnl: [*n, *n]\n",
    "base: &b {name: x, port: 1}\n",
    "n:\n  <<: {name: x, port: 1}\n  port: 2\n",
    "n:\n  <<: [{name: a}, {name: b, port: 3}]\n",
    "m:\n  <<: {a: x}\n  b: y\n",
    // In a map, a key brought in by a merge cannot be set again, by the map itself or by
    // another merged map; in a struct it can.
    "m:\n  <<: {a: x}\n  a: y\n",
    "m:\n  a: y\n  <<: {a: x}\n",
    "m:\n  <<: [{a: x}, {b: z, a: y}]\n",
    "m:\n  <<: [{a: x}, {b: y}]\n  c: z\n",
    "m:\n  <<: {<<: {a: x}, a: y}\n",
    "n:\n  <<: [{name: a}, {name: b}]\n  name: c\n",
    "n:\n  <<: {<<: {name: x}, name: y}\n",
    "n: {<<: 1}\n",
    "s: *undefined\n",
    "l: &l [a, *l]\n",
    "s: a\n\tb: c\n",
    "s:\n\t- a\n",
    "s: [a, b\n",
    "s: 'unterminated\n",
    "s: a\n  b: c\n",
    "s: a: b\n",
    "? s\n: x\n",
    "? [a]\n: x\n",
    "{s: x, b: on}\n",
    "s: x # comment\nb: y #c\n",
    "s: \"a#b\"\n",
    "s: a#b\n",
    "i: 1.5\n",
    "i: -1.5\n",
    "i: 1e3\n",
    "i: 9223372036854775807\n",
    "i: 9223372036854775808\n",
    "i: -9223372036854775808\n",
    "i: 0b101\n",
    "i: -0b101\n",
    "i: +7\n",
    "i: 1__0\n",
    "i: _1\n",
    "i: 08\n",
    "i: 0x\n",
    "i8: 127\n",
    "i8: 128\n",
    "i8: -129\n",
    "i8: 99.9\n",
    "u: 18446744073709551615\n",
    "u: 18446744073709551614\n",
    "u: 1.8e19\n",
    "u: -1\n",
    "u: 1e19\n",
    "u: 3.7\n",
    "b: 1\n",
    "b: ~\n",
    "b: y\nu: 0\n",
    "%YAML 1.1\n---\ns: x\n",
    "\u{feff}s: bom\n",
    "s: crlf\r\nb: yes\r\n",
    "s: a:b\n",
    "s: -a\n",
    "s: :a\n",
    "s: ?a\n",
    "s: a,b\n",
    "l: [a:b, 'c', \"d\"]\n",
    "l: [a, b,]\n",
    "l: [\n  a,\n  b\n]\n",
    "m: {a: 1,\n  b: 2}\n",
    "m:\n  'a b': 1\n  \"c\\td\": 2\n",
    "n:\n    name: deep\n    port: 1\n",
    "nl:\n- name: a\n  port: 1\n- name: b\n",
    "nl:\n  - name: a\n    port: 1\n",
    "l: !!seq [a]\nm: !!map {a: b}\n",
    "s: &a !!str 5\nos: *a\n",
    "l: [&x a, *x]\n",
    "s: \"multi\n  line\"\n",
    "s: 'multi\n\n  line'\n",
    "s: >-\n  a\n   b\n  c\n",
    "s: |2\n    indented\n",
    "s: x\n...\n",
    "s: x\n... # end\n---\ns: y\n",
    "s: 'a'b\n",
    "s: \"a\" b\n",
    "s: [a]b\n",
    "- s: x\n",
    "s: x\n- y\n",
    "s:\n- a\n",
    "l:\n- - a\n",
    "? s\n",
    "s: @x\n",
    "s: `x\n",
    "s: %x\n",
    "s: x\n  # indented comment\nb: true\n",
    "s: \"\\q\"\n",
    "s: \"\\U0001F600\"\n",
    "s: !!binary aGVsbG8=\n",
    "n: &n\n  name: a\nnl:\n  - <<: *n\n    port: 2\n",
    "i: 0o\n",
    "i: 1.e2\n",
    "i: -.5\n",
    "f: +.5\n",
    "f: 1E5\n",
    "f: 1e\n",
    "f: .5.\n",
    "f: ._5\n",
    "f: 1_000.5\n",
    "li: [0b1_0, -0x_1, 0x-1]\n",
];

/// Values per field for generated documents; some are deliberately invalid.
const POOLS: &[(&str, &[&str])] = &[
    (
        "s",
        &[
            "x", "yes", "123", "'q'", "\"\"", "~", "[a]", "0x1F", "1.0", "no", "{a: 1}", "a b",
        ],
    ),
    (
        "b",
        &[
            "yes", "No", "on", "OFF", "true", "'true'", "1", "~", "y", "maybe", "[true]",
        ],
    ),
    (
        "i",
        &[
            "0x1F", "0o17", "017", "08", "1_000", "-5", "1.5", "1e3", "'5'", "abc", "~", ".5",
        ],
    ),
    ("i8", &["127", "128", "-128", "0x7f", "1.9", "-0x80", "x"]),
    (
        "u",
        &[
            "0",
            "-1",
            "18446744073709551615",
            "1e19",
            "3.7",
            "~",
            "0b11",
            "'1'",
        ],
    ),
    (
        "f",
        &[
            "1", "1.5", ".inf", "-.Inf", "1e400", "'1.5'", "0x10", "6.02e23", "~", "1_0.5", "x",
        ],
    ),
    (
        "l",
        &[
            "[a, b]",
            "[]",
            "~",
            "[a, [b]]",
            "a",
            "{a: b}",
            "[yes, 1, ~]",
        ],
    ),
    ("li", &["[1, 0x2]", "['3']", "[1.5]", "[]", "[a]", "~"]),
    (
        "m",
        &[
            "{a: 1}",
            "{}",
            "~",
            "{a: [1]}",
            "{a: b, c: yes}",
            "[a]",
            "{1: x}",
        ],
    ),
    (
        "n",
        &[
            "{name: x, port: 80}",
            "{name: x, extra: 1}",
            "~",
            "{}",
            "[x]",
            "{port: '80'}",
        ],
    ),
    (
        "nl",
        &["[{name: a}, ~]", "[]", "[{port: x}]", "[{nmae: a}]", "~"],
    ),
    ("os", &["~", "''", "x", "yes", "[x]"]),
    ("zz", &["1"]),
];

fn generated(count: usize) -> Vec<String> {
    let mut rng = TestRng::new(0x5eed);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut doc = String::new();
        let fields = 1 + rng.below(4);
        for _ in 0..fields {
            let (key, values) = rng.pick(POOLS);
            let value = rng.pick(values);
            doc.push_str(&format!("{key}: {value}\n"));
        }
        out.push(doc);
    }
    out
}

/// What Go says about one document.
#[derive(Debug, Deserialize)]
struct GoResult {
    ok: bool,
    #[serde(default)]
    err: String,
    value: Option<Value>,
    fbits: u64,
}

fn build_oracle() -> Option<GoOracle> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/yaml");
    GoOracle::build(&src, "yamloracle")
}

fn same_float(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

#[test]
fn agrees_with_go_yaml_v2() {
    let Some(oracle) = build_oracle() else {
        return;
    };
    let mut cases: Vec<String> = HANDWRITTEN.iter().map(|s| s.to_string()).collect();
    cases.extend(generated(120));
    let go: Vec<GoResult> = oracle.run_json(&cases);
    assert_eq!(go.len(), cases.len());

    let mut failures = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for (case, go) in cases.iter().zip(&go) {
        let ours = from_str::<Sample>(case);
        match (&ours, go.ok) {
            (Ok((sample, _)), true) => {
                accepted += 1;
                let value = serde_json::to_value(sample).expect("serialize");
                let go_f = f64::from_bits(go.fbits);
                if Some(&value) != go.value.as_ref() || !same_float(sample.f, go_f) {
                    failures.push(format!(
                        "{case:?}: values differ\n  go:   {} f={go_f}\n  ours: {value} f={}",
                        go.value
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        sample.f
                    ));
                }
            }
            (Err(errors), false) => {
                rejected += 1;
                // For decoding (not syntax) errors, both name the same lines.
                if let Some(list) = go.err.strip_prefix("yaml: unmarshal errors:\n") {
                    let go_lines: BTreeSet<u32> = list
                        .lines()
                        .filter_map(|l| {
                            l.trim()
                                .strip_prefix("line ")?
                                .split(':')
                                .next()?
                                .parse()
                                .ok()
                        })
                        .collect();
                    let our_lines: BTreeSet<u32> = errors.0.iter().filter_map(|e| e.line).collect();
                    if go_lines != our_lines {
                        failures.push(format!(
                            "{case:?}: error lines differ\n  go:   {}\n  ours: {errors}",
                            go.err
                        ));
                    }
                }
            }
            (Ok((sample, _)), false) => {
                failures.push(format!(
                    "{case:?}: go rejects ({}), we accept {sample:?}",
                    go.err
                ));
            }
            (Err(e), true) => failures.push(format!("{case:?}: go accepts, we reject: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Both outcomes are well represented, so the comparison means something.
    assert!(
        accepted >= 40 && rejected >= 40,
        "accepted {accepted}, rejected {rejected}"
    );
}

/// Where we deliberately differ from yaml.v2, checked so that the list stays true.
#[test]
fn documented_divergences() {
    let Some(oracle) = build_oracle() else {
        return;
    };
    let cases = [
        // yaml.v2 applies `<<` in document order, so a merge after a key overrides it in a
        // struct; we follow the YAML merge-key spec: explicit keys always win.
        "n:\n  name: x\n  <<: {name: y}\n",
        // saphyr rejects a tab right after `:` before a plain value; libyaml accepts it.
        "s:\tx\n",
        // 2^64 resolves to a float; Go converts it to uint64 with an out-of-range
        // conversion (9223372036854775808 on amd64); we reject it as out of range.
        "u: 18446744073709551616\n",
    ]
    .map(str::to_string);
    let go: Vec<GoResult> = oracle.run_json(&cases);
    assert!(
        go[0].ok && go[0].value.as_ref().is_some_and(|v| v["n"]["name"] == "y"),
        "{:?}",
        go[0]
    );
    let (ours, _) = from_str::<Sample>(&cases[0]).expect("merge");
    assert_eq!(ours.n.map(|n| n.name).as_deref(), Some("x"));
    assert!(go[1].ok, "{:?}", go[1]);
    assert!(from_str::<Sample>(&cases[1]).is_err());
    assert!(go[2].ok, "{:?}", go[2]);
    assert!(from_str::<Sample>(&cases[2]).is_err());
}
