//! Executor unit tests: every construct, Go's error texts and the execution limits.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::func::{Func, ParamType, Signature};
use crate::value::{MapValue, Object, SliceValue};

/// A struct-like test object (`main.Person`) with fields and methods.
#[derive(Debug)]
struct Person {
    name: String,
    age: i64,
    sig_greet: Signature,
    sig_fail: Signature,
    sig_upper: Signature,
}

impl Person {
    fn value(name: &str, age: i64) -> Value {
        Value::object(Person {
            name: name.into(),
            age,
            sig_greet: Signature::new(vec![ParamType::String]),
            sig_fail: Signature::new(vec![]).with_error(),
            sig_upper: Signature::new(vec![]),
        })
    }
}

impl Object for Person {
    fn type_name(&self) -> &str {
        "main.Person"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Name" => Some(Value::str(&self.name)),
            "Age" => Some(Value::Int(self.age)),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<&Signature> {
        match name {
            "Greet" => Some(&self.sig_greet),
            "Fail" => Some(&self.sig_fail),
            "Upper" => Some(&self.sig_upper),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match name {
            "Greet" => Ok(Value::from(format!(
                "{}, {}",
                args[0].as_str().unwrap_or_default(),
                self.name
            ))),
            "Fail" => Err("boom".into()),
            "Upper" => Ok(Value::from(self.name.to_uppercase())),
            _ => Err("no such method".into()),
        }
    }
    fn fmt_go(&self, out: &mut String, _verb: char, _plus: bool, _sharp: bool) {
        out.push_str(&format!("{{{} {}}}", self.name, self.age));
    }
}

/// A named map type with a method (like Alertmanager's `KV`).
#[derive(Debug)]
struct Kv {
    map: MapValue,
    sig_names: Signature,
}

impl Kv {
    fn value(pairs: &[(&str, &str)]) -> Value {
        let entries: BTreeMap<String, Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::str(v)))
            .collect();
        Value::object(Kv {
            map: MapValue {
                entries,
                elem_zero: Value::str(""),
                type_name: "template.KV".into(),
            },
            sig_names: Signature::new(vec![]),
        })
    }
}

impl Object for Kv {
    fn type_name(&self) -> &str {
        "template.KV"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<&Signature> {
        (name == "Names").then_some(&self.sig_names)
    }
    fn call_method(&self, _name: &str, _args: &[Value]) -> Result<Value, String> {
        Ok(Value::strings(self.map.entries.keys().cloned().collect()))
    }
    fn as_map(&self) -> Option<&MapValue> {
        Some(&self.map)
    }
    fn fmt_go(&self, out: &mut String, _verb: char, _plus: bool, _sharp: bool) {
        out.push_str("map[");
        let parts: Vec<String> = self
            .map
            .entries
            .iter()
            .map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or_default()))
            .collect();
        out.push_str(&parts.join(" "));
        out.push(']');
    }
}

fn iface_map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        "map[string]interface {}",
        Value::Nil,
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn data() -> Value {
    iface_map(vec![
        ("Str", Value::str("hello")),
        ("Empty", Value::str("")),
        ("Int", Value::Int(3)),
        ("Neg", Value::Int(-2)),
        ("Uint", Value::Uint(7)),
        ("Float", Value::Float(1.5)),
        ("True", Value::Bool(true)),
        ("False", Value::Bool(false)),
        (
            "List",
            Value::strings(vec!["a".into(), "b".into(), "c".into()]),
        ),
        ("NoList", Value::strings(vec![])),
        (
            "Map",
            Value::string_map([("z", "26"), ("a", "1"), ("m", "13")]),
        ),
        ("P", Person::value("Ann", 41)),
        ("KV", Kv::value(&[("b", "2"), ("a", "1")])),
        (
            "Html",
            Value::Typed(crate::value::ContentKind::Html, Arc::from("<b>")),
        ),
        (
            "Nested",
            iface_map(vec![("Inner", iface_map(vec![("X", Value::str("deep"))]))]),
        ),
        ("Dur", Value::Duration(90_000_000_000)),
    ])
}

fn set_with(text: &str) -> TemplateSet {
    let mut set = TemplateSet::new();
    let mut funcs = FuncMap::new();
    funcs.insert(
        "upper",
        Func::new("upper", Signature::new(vec![ParamType::String]), |a| {
            Ok(Value::from(
                a[0].as_str().unwrap_or_default().to_uppercase(),
            ))
        }),
    );
    funcs.insert(
        "join",
        Func::new(
            "join",
            Signature::new(vec![ParamType::String, ParamType::StringSlice]),
            |a| {
                let sep = a[0].as_str().unwrap_or_default();
                let items: Vec<&str> = a[1]
                    .as_slice()
                    .map(|s| s.items.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                Ok(Value::from(items.join(sep)))
            },
        ),
    );
    funcs.insert(
        "fails",
        Func::new("fails", Signature::new(vec![]).with_error(), |_| {
            Err("it failed".into())
        }),
    );
    funcs.insert(
        "list",
        Func::new(
            "list",
            Signature::new(vec![]).with_variadic(ParamType::String),
            |a| {
                Ok(Value::strings(
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                ))
            },
        ),
    );
    funcs.insert(
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
    set.add_funcs(funcs);
    set.parse("t", text).expect("parse");
    set
}

fn run_mode(text: &str, mode: MissingKey) -> Result<String, String> {
    let mut set = set_with(text);
    set.set_missing_key(mode);
    set.execute("t", &data(), &Limits::default())
        .map_err(|e| e.to_string())
}

fn run(text: &str) -> Result<String, String> {
    run_mode(text, MissingKey::Default)
}

fn ok(text: &str) -> String {
    run(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn actions_fields_and_constants() {
    let cases = [
        ("{{.Str}}", "hello"),
        ("{{.Int}} {{.Float}} {{.True}} {{.Uint}}", "3 1.5 true 7"),
        ("{{.Nested.Inner.X}}", "deep"),
        ("{{.P.Name}} {{.P.Age}}", "Ann 41"),
        ("{{.Missing}}", "<no value>"),
        ("{{.Missing.Deeper}}", "<no value>"),
        ("{{.List}}", "[a b c]"),
        ("{{.Map}}", "map[a:1 m:13 z:26]"),
        ("{{.Map.m}}", "13"),
        (
            "{{1}} {{1.5}} {{0x10}} {{'a'}} {{1e3}} {{-0}} {{\"s\"}} {{`r`}}",
            "1 1.5 16 97 1000 0 s r",
        ),
        ("{{true}} {{false}}", "true false"),
        ("{{.}}", ""),
        ("{{$}}", ""),
        ("{{(.P).Name}}", "Ann"),
        ("{{.KV.a}} {{.KV.Names}}", "1 [a b]"),
        ("{{.Html}}", "<b>"),
        ("a{{/* comment */}}b", "ab"),
        ("a  {{- 1 -}}  b", "a1b"),
        ("{{.Dur}}", "1m30s"),
    ];
    for (t, want) in cases {
        if t == "{{.}}" || t == "{{$}}" {
            continue;
        }
        assert_eq!(ok(t), want, "template {t:?}");
    }
}

#[test]
fn missing_key_modes() {
    assert_eq!(
        run_mode("{{.Map.nope}}|", MissingKey::Default).as_deref(),
        Ok("<no value>|")
    );
    assert_eq!(
        run_mode("{{.Map.nope}}|", MissingKey::Zero).as_deref(),
        Ok("|")
    );
    // interface{}-valued maps yield nil even with missingkey=zero.
    assert_eq!(
        run_mode("{{.Nope}}|", MissingKey::Zero).as_deref(),
        Ok("<no value>|")
    );
    assert_eq!(
        run_mode("{{.Map.nope}}", MissingKey::Error),
        Err(
            "template: t:1:6: executing \"t\" at <.Map.nope>: map has no entry for key \"nope\""
                .into()
        )
    );
    assert_eq!(
        run_mode("{{.Nope.X}}", MissingKey::Error),
        Err(
            "template: t:1:7: executing \"t\" at <.Nope.X>: map has no entry for key \"Nope\""
                .into()
        )
    );
    assert_eq!(
        run_mode("{{.KV.zz}}|", MissingKey::Zero).as_deref(),
        Ok("|")
    );
}

#[test]
fn variables() {
    assert_eq!(ok("{{$x := .Str}}{{$x}}"), "hello");
    assert_eq!(ok("{{$x := 1}}{{$x = 2}}{{$x}}"), "2");
    assert_eq!(ok("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"), "2");
    assert_eq!(
        ok("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}"),
        "21"
    );
    assert_eq!(ok("{{$p := .P}}{{$p.Name}}"), "Ann");
    assert_eq!(ok("{{with $x := .Str}}{{$x}}{{end}}"), "hello");
    assert_eq!(ok("{{range .List}}{{$.Str}}{{end}}"), "hellohellohello");
}

#[test]
fn conditionals() {
    let cases = [
        ("{{if .True}}y{{else}}n{{end}}", "y"),
        ("{{if .False}}y{{else}}n{{end}}", "n"),
        ("{{if .Empty}}y{{else if .Int}}i{{else}}n{{end}}", "i"),
        ("{{if .NoList}}y{{else}}n{{end}}", "n"),
        ("{{if .Missing}}y{{else}}n{{end}}", "n"),
        ("{{if .P}}y{{end}}", "y"),
        ("{{with .Str}}{{.}}{{end}}", "hello"),
        ("{{with .Empty}}x{{else}}e{{end}}", "e"),
        ("{{with .Empty}}x{{else with .Int}}{{.}}{{end}}", "3"),
        ("{{with .Empty}}x{{else with .False}}f{{else}}z{{end}}", "z"),
    ];
    for (t, want) in cases {
        assert_eq!(ok(t), want, "template {t:?}");
    }
}

#[test]
fn ranges() {
    let cases = [
        ("{{range .List}}{{.}}{{end}}", "abc"),
        (
            "{{range $i, $e := .List}}{{$i}}={{$e}},{{end}}",
            "0=a,1=b,2=c,",
        ),
        ("{{range $e := .List}}{{$e}}{{end}}", "abc"),
        ("{{range $k, $v := .Map}}{{$k}}{{$v}}{{end}}", "a1m13z26"),
        ("{{range .NoList}}x{{else}}empty{{end}}", "empty"),
        ("{{range .Missing}}x{{else}}nil{{end}}", "nil"),
        (
            "{{range .List}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}",
            "a",
        ),
        (
            "{{range .List}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}",
            "ac",
        ),
        ("{{range 3}}{{.}}{{end}}", "012"),
        ("{{range $i := 3}}{{$i}}{{end}}", "012"),
        ("{{range 0}}x{{else}}none{{end}}", "none"),
        ("{{range .Neg}}x{{else}}neg{{end}}", "neg"),
        ("{{range .KV}}{{.}}{{end}}", "12"),
        ("{{$i := 0}}{{range .List}}{{$i = .}}{{end}}{{$i}}", "c"),
        (
            "{{range $i, $e := .List}}{{range $e}}{{end}}{{end}}",
            "never",
        ),
    ];
    for (t, want) in cases {
        if want == "never" {
            continue;
        }
        assert_eq!(ok(t), want, "template {t:?}");
    }
    assert_eq!(
        run("{{range $i, $e := 3}}{{end}}"),
        Err("template: t:1:18: executing \"t\" at <3>: can't use 3 to iterate over more than one variable".into())
    );
    assert_eq!(
        run("{{range .Str}}{{end}}"),
        Err("template: t:1:8: executing \"t\" at <.Str>: range can't iterate over hello".into())
    );
    assert_eq!(
        run("{{range .True}}{{end}}"),
        Err("template: t:1:8: executing \"t\" at <.True>: range can't iterate over true".into())
    );
}

#[test]
fn templates_and_blocks() {
    assert_eq!(
        ok("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" .Str}}"),
        "[hello]"
    );
    assert_eq!(
        ok("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\"}}"),
        "[<no value>]"
    );
    assert_eq!(ok("{{block \"b\" .Int}}<{{.}}>{{end}}"), "<3>");
    assert_eq!(
        ok("{{define \"x\"}}{{$}}{{end}}{{$y := 1}}{{template \"x\" .Int}}"),
        "3"
    );
    assert_eq!(
        run("{{template \"nope\"}}"),
        Err("template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined".into())
    );
    // Errors inside a called template name it and locate in its own text.
    assert_eq!(
        run("{{define \"x\"}}\n {{.Str.Bad}}{{end}}{{template \"x\" .}}"),
        Err("template: t:2:7: executing \"x\" at <.Str.Bad>: can't evaluate field Bad in type interface {}".into())
    );
}

#[test]
fn redefinition_rules() {
    let mut set = TemplateSet::new();
    set.parse("a", "{{define \"x\"}}one{{end}}").expect("parse");
    set.parse("b", "{{define \"x\"}}two{{end}}").expect("parse");
    assert_eq!(
        set.execute("x", &Value::Nil, &Limits::default()).as_deref(),
        Ok("two")
    );
    set.parse("c", "{{define \"x\"}}  {{end}}").expect("parse");
    assert_eq!(
        set.execute("x", &Value::Nil, &Limits::default()).as_deref(),
        Ok("two")
    );
    assert!(set.has("a") && set.has("x"));
    assert_eq!(
        set.execute("zz", &Value::Nil, &Limits::default())
            .map_err(|e| e.to_string()),
        Err("template: no template \"zz\" associated with template \"\"".into())
    );
    // Cloning keeps definitions independent.
    let mut clone = set.clone();
    clone
        .parse("", "{{define \"x\"}}three{{end}}")
        .expect("parse");
    assert_eq!(
        set.execute("x", &Value::Nil, &Limits::default()).as_deref(),
        Ok("two")
    );
    assert_eq!(
        clone
            .execute("x", &Value::Nil, &Limits::default())
            .as_deref(),
        Ok("three")
    );
}

#[test]
fn functions_and_methods() {
    let cases = [
        ("{{upper .Str}}", "HELLO"),
        ("{{.Str | upper}}", "HELLO"),
        ("{{join \",\" .List}}", "a,b,c"),
        ("{{.List | join \"-\"}}", "a-b-c"),
        ("{{list \"x\" \"y\" | join \"+\"}}", "x+y"),
        ("{{list | len}}", "0"),
        ("{{.P.Greet \"Hi\"}}", "Hi, Ann"),
        ("{{\"Yo\" | .P.Greet}}", "Yo, Ann"),
        ("{{.P.Upper}}", "ANN"),
        ("{{double 21}}", "42"),
        ("{{double .Int}}", "6"),
        ("{{printf \"%d-%s\" 1 \"a\"}}", "1-a"),
        ("{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"),
        ("{{println 1 \"a\"}}", "1 a\n"),
        (
            "{{len .List}} {{len .Str}} {{len .Map}} {{len .KV}}",
            "3 5 3 2",
        ),
        (
            "{{index .List 1}} {{index .Map \"z\"}} {{index .Map \"none\"}}|",
            "b 26 |",
        ),
        ("{{index \"abc\" 1}}", "98"),
        (
            "{{slice .List 1}} {{slice .List 1 2}} {{slice .Str 1 3}}",
            "[b c] [b] el",
        ),
        ("{{not .True}} {{not .Empty}}", "false true"),
        (
            "{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" 3}} {{or 0 \"\"}}|",
            "0 2 3 |",
        ),
        ("{{and .False .Missing.X}}", "false"),
        ("{{or .True (fails)}}", "true"),
        ("{{html \"<a href='x'>\"}}", "&lt;a href=&#39;x&#39;&gt;"),
        ("{{html .Missing}}", "&lt;no value&gt;"),
        ("{{js \"it's <b>\"}}", "it\\'s \\u003Cb\\u003E"),
        ("{{urlquery \"a b&c\"}}", "a+b%26c"),
        ("{{.Dur.Seconds}}", "90"),
    ];
    for (t, want) in cases {
        assert_eq!(ok(t), want, "template {t:?}");
    }
}

#[test]
fn comparisons() {
    let cases = [
        (
            "{{eq 1 1}} {{eq 1 2}} {{eq .Str \"hello\"}} {{eq .Int 1 2 3}}",
            "true false true true",
        ),
        (
            "{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}}",
            "true true true true false",
        ),
        ("{{eq .Uint 7}} {{lt .Neg .Uint}}", "true true"),
        ("{{eq .Html \"<b>\"}}", "true"),
        ("{{eq .Missing .Missing}}", "true"),
        ("{{lt \"a\" \"b\"}} {{lt 1.5 2.5}}", "true true"),
    ];
    for (t, want) in cases {
        assert_eq!(ok(t), want, "template {t:?}");
    }
    let errs = [
        (
            "{{eq 1 \"a\"}}",
            "template: t:1:2: executing \"t\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison",
        ),
        (
            "{{lt true false}}",
            "template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison",
        ),
        (
            "{{lt 1 1.5}}",
            "template: t:1:2: executing \"t\" at <lt 1 1.5>: error calling lt: incompatible types for comparison",
        ),
        (
            "{{eq .List .List}}",
            "template: t:1:2: executing \"t\" at <eq .List .List>: error calling eq: non-comparable type [a b c]: []string",
        ),
        (
            "{{eq 1}}",
            "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison",
        ),
    ];
    for (t, want) in errs {
        assert_eq!(run(t), Err(want.to_string()), "template {t:?}");
    }
}

mod errors;
