//! JS escaping: regexp/division detection, MIME types and escapers, including the Go 1.22+
//! JSON escapes (`\b`, `\f`) and the Go 1.23 template-literal escaper.

use super::*;
use crate::value::SliceValue;
use std::sync::Arc;

#[test]
fn next_js_ctx_rules() {
    let n = |s: &str| next_js_ctx(s.as_bytes(), JsCtx::Unknown);
    assert_eq!(n(""), JsCtx::Unknown);
    assert_eq!(n("   "), JsCtx::Unknown);
    assert_eq!(n("x"), JsCtx::DivOp);
    assert_eq!(n("x "), JsCtx::DivOp);
    assert_eq!(n(")"), JsCtx::DivOp);
    assert_eq!(n("]"), JsCtx::DivOp);
    assert_eq!(n("}"), JsCtx::Regexp);
    assert_eq!(n("("), JsCtx::Regexp);
    assert_eq!(n("="), JsCtx::Regexp);
    assert_eq!(n("x+"), JsCtx::Regexp);
    assert_eq!(n("x++"), JsCtx::DivOp);
    assert_eq!(n("x---"), JsCtx::Regexp);
    assert_eq!(n("1."), JsCtx::DivOp);
    assert_eq!(n("."), JsCtx::Regexp);
    assert_eq!(n("a."), JsCtx::Regexp);
    assert_eq!(n("return"), JsCtx::Regexp);
    assert_eq!(n("x.return"), JsCtx::Regexp);
    assert_eq!(n("returns"), JsCtx::DivOp);
    assert_eq!(n("typeof\u{3000}"), JsCtx::Regexp);
    assert_eq!(n("x\u{2028}"), JsCtx::DivOp);
}

#[test]
fn js_mime_types() {
    assert!(is_js_type("text/javascript"));
    assert!(is_js_type(" Text/JavaScript ; charset=utf-8"));
    assert!(is_js_type("module"));
    assert!(is_js_type("application/ld+json"));
    assert!(!is_js_type("text/template"));
    assert!(!is_js_type(""));
}

#[test]
fn string_escapers() {
    assert_eq!(
        js_str_escape("a'b\"c`d</e>&+\\", ContentType::Plain),
        "a\\u0027b\\u0022c\\u0060d\\u003c\\/e\\u003e\\u0026\\u002b\\\\"
    );
    assert_eq!(js_str_escape("\\n", ContentType::JsStr), "\\n");
    assert_eq!(
        js_str_escape(
            "\0\x07\x08\t\n\x0b\x0c\r\x1f\u{2028}\u{2029}",
            ContentType::Plain
        ),
        "\\u0000\\u0007\\u0008\\t\\n\\u000b\\f\\r\\u001f\\u2028\\u2029"
    );
    assert_eq!(
        js_replace("${a}`", JsTable::BqStr),
        "\\u0024\\u007ba\\u007d\\u0060"
    );
    assert_eq!(js_regexp_escape(""), "(?:)");
    assert_eq!(js_regexp_escape("a.b*c$"), "a\\.b\\*c\\$");
}

#[test]
fn value_escaper() {
    assert_eq!(
        js_val_escape(&Value::str("a\u{8}b\u{c}<")),
        "\"a\\bb\\f\\u003c\""
    );
    assert_eq!(js_val_escape(&Value::Int(3)), " 3 ");
    assert_eq!(js_val_escape(&Value::Float(-0.5)), " -0.5 ");
    assert_eq!(js_val_escape(&Value::Float(1e21)), " 1e+21 ");
    assert_eq!(js_val_escape(&Value::Float(1e-7)), " 1e-7 ");
    assert_eq!(js_val_escape(&Value::Float(100.0)), " 100 ");
    assert_eq!(
        js_val_escape(&Value::Float(f64::NAN)),
        " /* json: unsupported value: NaN */null "
    );
    assert_eq!(js_val_escape(&Value::Bool(false)), " false ");
    assert_eq!(js_val_escape(&Value::Nil), " null ");
    assert_eq!(js_val_escape(&Value::Duration(90_000_000_000)), "\"1m30s\"");
    assert_eq!(
        js_val_escape(&Value::Typed(ContentKind::Js, Arc::from("f()"))),
        "f()"
    );
    assert_eq!(
        js_val_escape(&Value::Typed(ContentKind::JsStr, Arc::from("a\\'"))),
        "\"a\\'\""
    );
    assert_eq!(
        js_val_escape(&Value::Typed(ContentKind::Html, Arc::from("<b>"))),
        "\"\\u003cb\\u003e\""
    );
    let slice = Value::Slice(Arc::new(SliceValue {
        items: vec![Value::Duration(5), Value::str("x"), Value::Nil],
        type_name: "[]interface {}".into(),
    }));
    assert_eq!(js_val_escape(&slice), "[5,\"x\",null]");
    assert_eq!(
        js_val_escape_many(&[Value::Int(1), Value::Int(2)]),
        "\"1 2\""
    );
}
