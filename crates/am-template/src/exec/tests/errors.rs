//! Executor error texts (as Go prints them) and execution limits.

use super::*;

#[test]
fn call_errors_match_go() {
    let errs = [
        (
            "{{upper}}",
            "template: t:1:2: executing \"t\" at <upper>: wrong number of args for upper: want 1 got 0",
        ),
        (
            "{{upper 1 2}}",
            "template: t:1:2: executing \"t\" at <upper>: wrong number of args for upper: want 1 got 2",
        ),
        (
            "{{printf}}",
            "template: t:1:2: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0",
        ),
        (
            "{{upper 1}}",
            "template: t:1:8: executing \"t\" at <1>: expected string; found 1",
        ),
        (
            "{{upper .Int}}",
            "template: t:1:8: executing \"t\" at <.Int>: wrong type for value; expected string; got int",
        ),
        (
            "{{upper .Html}}",
            "template: t:1:8: executing \"t\" at <.Html>: wrong type for value; expected string; got template.HTML",
        ),
        (
            "{{upper nil}}",
            "template: t:1:8: executing \"t\" at <nil>: cannot assign nil to string",
        ),
        (
            "{{upper .Missing}}",
            "template: t:1:8: executing \"t\" at <.Missing>: invalid value; expected string",
        ),
        (
            "{{double 1.5}}",
            "template: t:1:9: executing \"t\" at <1.5>: expected integer; found 1.5",
        ),
        (
            "{{fails}}",
            "template: t:1:2: executing \"t\" at <fails>: error calling fails: it failed",
        ),
        (
            "{{.P.Fail}}",
            "template: t:1:4: executing \"t\" at <.P.Fail>: error calling Fail: boom",
        ),
        (
            "{{.P.Nope}}",
            "template: t:1:4: executing \"t\" at <.P.Nope>: can't evaluate field Nope in type interface {}",
        ),
        (
            "{{.P.Name 1}}",
            "template: t:1:4: executing \"t\" at <.P.Name>: Name has arguments but cannot be invoked as function",
        ),
        (
            "{{.Map.a 1}}",
            "template: t:1:6: executing \"t\" at <.Map.a>: a is not a method but has arguments",
        ),
        (
            "{{.Str.X}}",
            "template: t:1:6: executing \"t\" at <.Str.X>: can't evaluate field X in type interface {}",
        ),
        (
            "{{nil}}",
            "template: t:1:2: executing \"t\" at <nil>: nil is not a command",
        ),
        (
            "{{1 2}}",
            "template: t:1:2: executing \"t\" at <1>: can't give argument to non-function 1",
        ),
        (
            "{{index .List 5}}",
            "template: t:1:2: executing \"t\" at <index .List 5>: error calling index: index out of range: 5",
        ),
        (
            "{{index 1 1}}",
            "template: t:1:2: executing \"t\" at <index 1 1>: error calling index: can't index item of type int",
        ),
        (
            "{{len 3}}",
            "template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int",
        ),
        (
            "{{slice .List 2 1}}",
            "template: t:1:2: executing \"t\" at <slice .List 2 1>: error calling slice: invalid slice index: 2 > 1",
        ),
        (
            "{{call .Str}}",
            "template: t:1:2: executing \"t\" at <call .Str>: error calling call: non-function .Str of type string",
        ),
        (
            "{{18446744073709551615}}",
            "template: t:1:2: executing \"t\" at <18446744073709551615>: 18446744073709551615 overflows int",
        ),
        (
            "{{$x := .List}}{{$x.Foo}}",
            "template: t:1:19: executing \"t\" at <$x.Foo>: can't evaluate field Foo in type []string",
        ),
        (
            "{{(.P).Foo}}",
            "template: t:1:3: executing \"t\" at <.P>: can't evaluate field Foo in type main.Person",
        ),
    ];
    for (t, want) in errs {
        assert_eq!(run(t), Err(want.to_string()), "template {t:?}");
    }
}

#[test]
fn limits_stop_hostile_templates() {
    let mut set = TemplateSet::new();
    set.parse(
        "t",
        "{{define \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}",
    )
    .expect("parse");
    let err = set
        .execute("t", &Value::Nil, &Limits::default())
        .expect_err("recursion");
    assert!(matches!(err, TemplateError::Limit { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("exceeded maximum template depth (1000)"),
        "{err}"
    );

    let mut set = TemplateSet::new();
    set.parse("t", "{{range 100000000000}}{{end}}")
        .expect("parse");
    let err = set
        .execute("t", &Value::Nil, &Limits::default())
        .expect_err("steps");
    assert!(err.to_string().contains("steps"), "{err}");

    let limits = Limits {
        max_output_bytes: 100,
        ..Limits::default()
    };
    let mut set = TemplateSet::new();
    set.parse("t", "{{range 1000}}xx{{end}}").expect("parse");
    let err = set.execute("t", &Value::Nil, &limits).expect_err("output");
    assert!(
        err.to_string()
            .contains("output exceeds the limit of 100 bytes"),
        "{err}"
    );

    let mut set = TemplateSet::new();
    set.parse("t", "{{$x := printf \"%999999d\" 1}}")
        .expect("parse");
    let err = set.execute("t", &Value::Nil, &limits).expect_err("printf");
    assert!(matches!(err, TemplateError::Limit { .. }), "{err}");

    // Deep nesting inside a recursive template hits the nesting guard, not the stack.
    let mut set = TemplateSet::new();
    let body = format!(
        "{}{{{{template \"a\" .}}}}{}",
        "{{if 1}}".repeat(500),
        "{{end}}".repeat(500)
    );
    set.parse(
        "t",
        &format!("{{{{define \"a\"}}}}{body}{{{{end}}}}{{{{template \"a\"}}}}"),
    )
    .expect("parse");
    let err = set
        .execute("t", &Value::Nil, &Limits::default())
        .expect_err("nesting");
    assert!(matches!(err, TemplateError::Limit { .. }), "{err}");
}

#[test]
fn set_option_parses_go_options() {
    let mut set = TemplateSet::new();
    set.set_option("missingkey=zero").expect("zero");
    assert_eq!(set.missing_key(), MissingKey::Zero);
    assert!(set.set_option("missingkey=bogus").is_err());
    assert!(set.set_option("").is_err());
}

#[test]
fn slice_value_helpers_are_consistent() {
    let v = Value::Slice(Arc::new(SliceValue {
        items: vec![Value::Int(1)],
        type_name: "[]int".into(),
    }));
    let mut set = TemplateSet::new();
    set.parse("t", "{{range .}}{{.}}{{end}}{{index . 0}}")
        .expect("parse");
    assert_eq!(
        set.execute("t", &v, &Limits::default()).as_deref(),
        Ok("11")
    );
}

#[test]
fn panicking_functions_become_errors() {
    let mut set = TemplateSet::new();
    let mut funcs = FuncMap::new();
    funcs.insert(
        "boom",
        Func::new("boom", Signature::new(vec![]), |_| panic!("kaboom")),
    );
    set.add_funcs(funcs);
    set.parse("t", "a{{boom}}").expect("parse");
    let err = set
        .execute("t", &Value::Nil, &Limits::default())
        .expect_err("panic");
    assert_eq!(
        err.to_string(),
        "template: t:1:3: executing \"t\" at <boom>: error calling boom: kaboom"
    );
}
