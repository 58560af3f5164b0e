//! Differential test of the template engine (`parse` + `exec`) against Go's `text/template`.
//!
//! Every case of `tests/engine_go/cases.txt` is parsed and executed by our engine and by the Go
//! oracle in `tests/go/engine` (one process for all cases) with the same data, and the output,
//! parse error or execution error must be identical. Cases marked `go123` are where the local
//! Go 1.19 differs from Go 1.23 (Alertmanager 0.28's toolchain, which we follow): range over
//! integers, `{{else with}}`, the Go 1.20+ lexer's `unexpected right paren`, Go 1.23's `call`
//! errors naming the callee. For those the expected result is written in the case itself, and
//! Go's answer is only required to differ.

use std::collections::BTreeMap;
use std::path::Path;

use am_template::exec::{Limits, TemplateSet};
use am_template::func::{Func, FuncMap, ParamType, Signature};
use am_template::value::{ContentKind, Value};
use am_testkit::oracle::GoOracle;
use serde::{Deserialize, Serialize};

/// The data every case runs with (special single-key objects select Go types, see the oracle).
const DATA: &str = r#"{
 "Str": "hello", "Empty": "", "Int": 3, "Neg": -2, "Uint": {"$uint": 7}, "Float": 1.5,
 "True": true, "False": false,
 "List": {"$strs": ["a", "b", "c"]}, "NoList": {"$strs": []}, "IList": [1, "x", null, 2.5],
 "Map": {"$smap": {"z": "26", "a": "1", "m": "13"}}, "Html": {"$html": "<b>"},
 "Nested": {"Inner": {"X": "deep"}}, "Dur": {"$dur": 90000000000}, "Nil": null
}"#;

struct Case {
    line: usize,
    text: String,
    opt: String,
    /// Expected result where Go 1.19 differs from Go 1.23.
    want: Option<String>,
}

fn load_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engine_go/cases.txt");
    let text = std::fs::read_to_string(&path).expect("read cases");
    let mut cases: Vec<Case> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let mut want: Option<Vec<&str>> = None;
    let mut in_want = false;
    let flush = |cases: &mut Vec<Case>, body: &mut Vec<&str>, want: &mut Option<Vec<&str>>| {
        if let Some(case) = cases.last_mut() {
            case.text = body.join("\n");
            case.want = want.take().map(|w| w.join("\n"));
        }
        body.clear();
    };
    for (i, line) in text.lines().enumerate() {
        if let Some(flags) = line.strip_prefix("===") {
            flush(&mut cases, &mut body, &mut want);
            in_want = false;
            let mut case = Case {
                line: i + 1,
                text: String::new(),
                opt: String::new(),
                want: None,
            };
            for flag in flags.split_whitespace() {
                if let Some(o) = flag.strip_prefix("opt=") {
                    case.opt = o.to_string();
                } else if flag == "go123" {
                    want = Some(Vec::new());
                } else {
                    panic!("line {}: unknown flag {flag}", i + 1);
                }
            }
            cases.push(case);
        } else if cases.is_empty() {
            // Header comments.
        } else if line == "--- want" && want.is_some() {
            in_want = true;
        } else if in_want {
            if let Some(w) = want.as_mut() {
                w.push(line);
            }
        } else {
            body.push(line);
        }
    }
    flush(&mut cases, &mut body, &mut want);
    cases
}

/// Converts the oracle's JSON data conventions into template values.
fn to_value(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Nil,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) if !n.to_string().contains(['.', 'e', 'E']) => Value::Int(i),
            _ => Value::Float(n.as_f64().unwrap_or_default()),
        },
        J::String(s) => Value::str(s),
        J::Array(a) => Value::slice("[]interface {}", a.iter().map(to_value).collect()),
        J::Object(o) => {
            if let (1, Some((k, e))) = (o.len(), o.iter().next()) {
                let strs = |e: &J| -> Vec<String> {
                    e.as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|s| s.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                match k.as_str() {
                    "$dur" => return Value::Duration(e.as_i64().unwrap_or_default()),
                    "$uint" => return Value::Uint(e.as_u64().unwrap_or_default()),
                    "$html" => {
                        return Value::Typed(
                            ContentKind::Html,
                            e.as_str().unwrap_or_default().into(),
                        );
                    }
                    "$strs" => return Value::strings(strs(e)),
                    "$smap" => {
                        let m = e.as_object().cloned().unwrap_or_default();
                        return Value::string_map(m.iter().map(|(k, v)| {
                            (k.clone(), v.as_str().unwrap_or_default().to_string())
                        }));
                    }
                    _ => {}
                }
            }
            let m: BTreeMap<String, Value> =
                o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect();
            Value::map("map[string]interface {}", Value::Nil, m)
        }
    }
}

/// The functions the oracle defines, with the same Go signatures.
fn funcs() -> FuncMap {
    let mut f = FuncMap::new();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    f.insert(
        "upper",
        Func::new("upper", Signature::new(vec![ParamType::String]), move |a| {
            Ok(Value::from(text(&a[0]).to_uppercase()))
        }),
    );
    f.insert(
        "join",
        Func::new(
            "join",
            Signature::new(vec![ParamType::String, ParamType::StringSlice]),
            move |a| {
                let items: Vec<String> = a[1]
                    .as_slice()
                    .map(|s| s.items.iter().map(text).collect())
                    .unwrap_or_default();
                Ok(Value::from(items.join(&text(&a[0]))))
            },
        ),
    );
    f.insert(
        "fails",
        Func::new("fails", Signature::new(vec![]).with_error(), |_| {
            Err("it failed".into())
        }),
    );
    f.insert(
        "list",
        Func::new(
            "list",
            Signature::new(vec![]).with_variadic(ParamType::String),
            move |a| Ok(Value::strings(a.iter().map(text).collect())),
        ),
    );
    f.insert(
        "double",
        Func::new(
            "double",
            Signature::new(vec![ParamType::Int]),
            |a| match a[0] {
                Value::Int(i) => Ok(Value::Int(i.wrapping_mul(2))),
                _ => Err("not an int".into()),
            },
        ),
    );
    f
}

#[derive(Serialize)]
struct Request<'a> {
    text: &'a str,
    opt: &'a str,
    data: &'a serde_json::Value,
}

#[derive(Deserialize, Debug, PartialEq, Eq)]
struct Reply {
    out: String,
    parse_err: String,
    exec_err: String,
}

/// Our result in the oracle's shape (output is dropped on errors, as Go's partial output is
/// not part of the contract).
fn render(case: &Case, data: &Value) -> Reply {
    let mut set = TemplateSet::new();
    set.add_funcs(funcs());
    if !case.opt.is_empty() {
        set.set_option(&case.opt).expect("option");
    }
    if let Err(e) = set.parse("t", &case.text) {
        return Reply {
            out: String::new(),
            parse_err: e.to_string(),
            exec_err: String::new(),
        };
    }
    match set.execute("t", data, &Limits::default()) {
        Ok(out) => Reply {
            out,
            parse_err: String::new(),
            exec_err: String::new(),
        },
        Err(e) => Reply {
            out: String::new(),
            parse_err: String::new(),
            exec_err: e.to_string(),
        },
    }
}

fn summary(r: &Reply) -> String {
    if !r.parse_err.is_empty() {
        format!("ERR: {}", r.parse_err)
    } else if !r.exec_err.is_empty() {
        format!("ERR: {}", r.exec_err)
    } else {
        r.out.clone()
    }
}

#[test]
fn engine_matches_go_text_template() {
    let cases = load_cases();
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    let json: serde_json::Value = serde_json::from_str(DATA).expect("data");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/engine");
    let Some(oracle) = GoOracle::build(&dir, "engine_oracle") else {
        return;
    };
    let requests: Vec<Request<'_>> = cases
        .iter()
        .map(|c| Request {
            text: &c.text,
            opt: &c.opt,
            data: &json,
        })
        .collect();
    let replies: Vec<Reply> = oracle.run_json(&requests);
    assert_eq!(replies.len(), cases.len(), "oracle reply count");
    let data = to_value(&json);
    let mut failures = Vec::new();
    for (case, go) in cases.iter().zip(&replies) {
        let ours = summary(&render(case, &data));
        let theirs = summary(go);
        match &case.want {
            Some(want) => {
                if &ours != want || theirs == *want {
                    failures.push(format!(
                        "line {} {:?}\n  want (go 1.23): {want:?}\n  ours: {ours:?}\n  go 1.19: {theirs:?}",
                        case.line, case.text
                    ));
                }
            }
            None => {
                if ours != theirs {
                    failures.push(format!(
                        "line {} {:?}\n  go:   {theirs:?}\n  ours: {ours:?}",
                        case.line, case.text
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
