//! Unit tests of the `fmt` printing against outputs known from Go's documentation and
//! `fmt_test.go` behaviour (the differential test in `tests/gofmt_go.rs` covers the rest).

use super::*;
use crate::gotime::{GoTime, Location};

fn s(v: &str) -> Value {
    Value::str(v)
}

#[test]
fn verbs_on_basic_kinds() {
    let cases: &[(&str, Vec<Value>, &str)] = &[
        (
            "%d|%5d|%-5d|%05d|%+d",
            vec![Value::Int(42); 5],
            "42|   42|42   |00042|+42",
        ),
        (
            "%x %X %o %O %b %#x %#o %#b",
            vec![Value::Int(255); 8],
            "ff FF 377 0o377 11111111 0xff 0377 0b11111111",
        ),
        (
            "%c|%q|%U|%#U",
            vec![Value::Int(0x65e5); 4],
            "日|'日'|U+65E5|U+65E5 '日'",
        ),
        (
            "%v %.2f %e %g %G",
            vec![Value::Float(1e6); 5],
            "1e+06 1000000.00 1.000000e+06 1e+06 1E+06",
        ),
        (
            "%6.2f|%-8.3e|%+.1g|% f",
            vec![Value::Float(-3.15159); 4],
            " -3.15|-3.152e+00|-3|-3.151590",
        ),
        (
            "%s|%q|%x|% X|%#q|%.2s|%5.1s",
            vec![s("héllo"); 7],
            "héllo|\"héllo\"|68c3a96c6c6f|68 C3 A9 6C 6C 6F|`héllo`|hé|    h",
        ),
        (
            "%t %v %s",
            vec![Value::Bool(true); 3],
            "true true %!s(bool=true)",
        ),
        (
            "%d %s",
            vec![s("x"), Value::Int(1)],
            "%!d(string=x) %!s(int=1)",
        ),
        ("%v %d %T", vec![Value::Nil; 3], "<nil> %!d(<nil>) <nil>"),
        ("%v %#v %T", vec![Value::Uint(7); 3], "7 0x7 uint"),
    ];
    for (format, args, want) in cases {
        assert_eq!(sprintf(format, args), *want, "{format}");
    }
}

#[test]
fn argument_errors() {
    let one = vec![Value::Int(1)];
    let cases: &[(&str, &[Value], &str)] = &[
        ("%d %d", &one, "1 %!d(MISSING)"),
        ("", &one, "%!(EXTRA int=1)"),
        ("%", &one, "%!(NOVERB)%!(EXTRA int=1)"),
        ("%[2]d %[1]d", &[Value::Int(1), Value::Int(2)], "2 1"),
        ("%[3]d", &one, "%!d(BADINDEX)"),
        ("%*d", &[Value::Int(4), Value::Int(7)], "   7"),
        ("%-*d|", &[Value::Int(-4), Value::Int(7)], "7   |"),
        ("%*d", &[s("x"), Value::Int(7)], "%!(BADWIDTH)7"),
        (
            "%.*f",
            &[Value::Int(-1), Value::Float(1.5)],
            "%!(BADPREC)1.500000",
        ),
        ("%!", &one, "%!!(int=1)"),
        ("%10d%%", &one, "         1%"),
        ("x%d", &[Value::Nil], "x%!d(<nil>)"),
    ];
    for (format, args, want) in cases {
        assert_eq!(sprintf(format, args), *want, "{format}");
    }
}

#[test]
fn containers_and_time() {
    let slice = Value::strings(vec!["a".into(), "b c".into()]);
    let map = Value::string_map([("z", "1"), ("a", "2")]);
    assert_eq!(sprint(std::slice::from_ref(&slice)), "[a b c]");
    assert_eq!(
        sprintf("%q %#v %d", &[slice.clone(), slice.clone(), slice]),
        "[\"a\" \"b c\"] []string{\"a\", \"b c\"} [%!d(string=a) %!d(string=b c)]"
    );
    assert_eq!(
        sprintf("%v %#v", &[map.clone(), map]),
        "map[a:2 z:1] map[string]string{\"a\":\"2\", \"z\":\"1\"}"
    );
    let t = GoTime::from_unix(1_700_000_000, 0, Location::utc());
    let t = Value::Time(t);
    assert_eq!(print_value(&t), "2023-11-14 22:13:20 +0000 UTC");
    assert_eq!(
        sprintf("%#v", std::slice::from_ref(&t)),
        "time.Date(2023, time.November, 14, 22, 13, 20, 0, time.UTC)"
    );
    assert_eq!(sprintf("%d", &[t]), "{0 63835596800 0}");
    let d = Value::Duration(1_500_000_000);
    assert_eq!(
        sprintf(
            "%v %s %d %#v %f %x",
            &[d.clone(), d.clone(), d.clone(), d.clone(), d.clone(), d]
        ),
        "1.5s 1.5s 1500000000 1500000000 %!f(time.Duration=1500000000) 312e3573"
    );
    assert_eq!(print_value(&Value::Nil), "<no value>");
    assert_eq!(
        sprint(&[
            Value::Int(1),
            Value::Int(2),
            s("a"),
            Value::Int(3),
            s("b"),
            s("c")
        ]),
        "1 2a3bc"
    );
    assert_eq!(
        sprintln(&[Value::Int(1), s("a"), Value::Nil]),
        "1 a <nil>\n"
    );
}

#[test]
fn limits() {
    assert_eq!(
        sprintf_limited("%5d", &[Value::Int(1)], 10).as_deref(),
        Some("    1")
    );
    assert!(sprintf_limited("%9999999d", &[Value::Int(1)], 1000).is_none());
    assert!(sprintf_limited("%.9999999f", &[Value::Float(1.0)], 1000).is_none());
    assert_eq!(
        sprintf("%10000000000d", &[Value::Int(1)]),
        "%!(NOVERB)%!(EXTRA int=1)"
    );
}

/// A named map type with a `String` method (a `fmt.Stringer` like Alertmanager's `KV`).
#[derive(Debug)]
struct Label(crate::value::MapValue);

/// `main.Point{X int; L Label}`, or a pointer to one.
#[derive(Debug)]
struct Point {
    pointer: bool,
    x: Value,
    l: Value,
}

static NO_ARGS: std::sync::LazyLock<crate::func::Signature> =
    std::sync::LazyLock::new(|| crate::func::Signature::new(Vec::new()));

impl crate::value::Object for Label {
    fn type_name(&self) -> &str {
        "main.Label"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<&crate::func::Signature> {
        (name == "String").then_some(&*NO_ARGS)
    }
    fn call_method(&self, _: &str, _: &[Value]) -> Result<Value, String> {
        Ok(s("s"))
    }
    fn as_map(&self) -> Option<&crate::value::MapValue> {
        Some(&self.0)
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        out.push_str(if sharp { "main.Label{" } else { "map[" });
        for (k, v) in &self.0.entries {
            format_value(out, &s(k), verb, plus, sharp);
            out.push(':');
            format_value(out, v, verb, plus, sharp);
        }
        out.push(if sharp { '}' } else { ']' });
    }
}

impl crate::value::Object for Point {
    fn type_name(&self) -> &str {
        if self.pointer {
            "*main.Point"
        } else {
            "main.Point"
        }
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, _: &str) -> Option<&crate::func::Signature> {
        None
    }
    fn call_method(&self, _: &str, _: &[Value]) -> Result<Value, String> {
        Err("no methods".into())
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        if self.pointer {
            out.push('&');
        }
        out.push_str(if sharp { "main.Point{" } else { "{" });
        out.push_str(if plus || sharp { "X:" } else { "" });
        format_value(out, &self.x, verb, plus, sharp);
        out.push_str(if sharp { ", " } else { " " });
        out.push_str(if plus || sharp { "L:" } else { "" });
        format_value(out, &self.l, verb, plus, sharp);
        out.push('}');
    }
}

fn label() -> Value {
    let map = crate::value::MapValue {
        entries: [("k".to_owned(), s("v"))].into_iter().collect(),
        elem_zero: s(""),
        type_name: "main.Label".to_owned(),
    };
    Value::object(Label(map))
}

fn point(pointer: bool) -> Value {
    Value::object(Point {
        pointer,
        x: Value::Int(1),
        l: label(),
    })
}

/// Expected texts from Go 1.19's `fmt` with the same Go types.
#[test]
fn stringers_pointers_and_nested_flags() {
    let l = label();
    assert_eq!(
        sprintf("%v|%6v|%-6s|%q|%d|%#v", &vec![l; 6]),
        "s|     s|s     |\"s\"|map[%!d(string=k):%!d(string=v)]|main.Label{\"k\":\"v\"}"
    );
    let p = point(true);
    assert_eq!(
        sprintf("%v|%+v|%4v|%+d|%T|%#v", &vec![p.clone(); 6]),
        "&{1 s}|&{X:1 L:s}|&{   1    s}|&{+1 map[%!d(string=k):%!d(string=v)]}|*main.Point|\
         &main.Point{X:1, L:main.Label{\"k\":\"v\"}}"
    );
    // fmt.Print keeps the `&`; the template packages dereference first.
    assert_eq!(fmt_sprint(std::slice::from_ref(&p)), "&{1 s}");
    assert_eq!(sprint(std::slice::from_ref(&p)), "{1 s}");
    assert_eq!(print_value(&p), "{1 s}");
    assert_eq!(sprint(&[point(false)]), "{1 s}");
    // Below the top level a pointer is an address.
    assert_eq!(
        sprintf("%v", &[Value::slice("[]*main.Point", vec![p.clone()])]),
        "[0xc000010000]"
    );
    // Nested fields share the output budget.
    assert_eq!(
        sprintf_limited("%4v", std::slice::from_ref(&p), 100).as_deref(),
        Some("&{   1    s}")
    );
    assert!(sprintf_limited("%5000v", &[p], 1000).is_none());
}
