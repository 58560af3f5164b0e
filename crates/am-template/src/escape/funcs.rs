//! The escaper functions the rewritten templates call (Go's `funcMap` in
//! `html/template/escape.go`, and `stringify` in `content.go`): every one takes `...any` and
//! returns a string.

use super::attr::ContentType;
use super::{css, html, js, url};
use crate::func::{Func, FuncMap, ParamType, Signature};
use crate::value::Value;

/// Go's `filterFailsafe`: emitted in place of unsafe values.
pub const FILTER_FAILSAFE: &str = "ZgotmplZ";

/// Go's `stringify`: a single string or typed string passes with its content type; otherwise
/// the non-nil arguments are printed with `fmt.Sprint` as plain text.
pub fn stringify(args: &[Value]) -> (String, ContentType) {
    if let [one] = args {
        match one {
            Value::String(s) => return (s.to_string(), ContentType::Plain),
            Value::Typed(k, s) => return (s.to_string(), ContentType::from(*k)),
            _ => {}
        }
    }
    let non_nil: Vec<Value> = args.iter().filter(|a| !a.is_nil()).cloned().collect();
    (crate::gofmt::sprint(&non_nil), ContentType::Plain)
}

/// Text/template's `evalArgs` (`_eval_args_`): a single string as is, else `fmt.Sprint`.
pub fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    crate::gofmt::sprint(args)
}

fn with_stringified(f: fn(&str, ContentType) -> String) -> impl Fn(&[Value]) -> String {
    move |args| {
        let (s, t) = stringify(args);
        f(&s, t)
    }
}

/// The escaper functions, by the names the escaper inserts into pipelines.
pub fn escaper_funcs() -> FuncMap {
    type Imp = Box<dyn Fn(&[Value]) -> String + Send + Sync>;
    let entries: Vec<(&str, Imp)> = vec![
        (
            "_html_template_attrescaper",
            Box::new(with_stringified(html::attr_escape)),
        ),
        ("_html_template_commentescaper", Box::new(|_| String::new())),
        (
            "_html_template_cssescaper",
            Box::new(with_stringified(|s, _| css::css_escape(s))),
        ),
        (
            "_html_template_cssvaluefilter",
            Box::new(with_stringified(css::css_value_filter)),
        ),
        (
            "_html_template_htmlnamefilter",
            Box::new(with_stringified(html::html_name_filter)),
        ),
        (
            "_html_template_htmlescaper",
            Box::new(with_stringified(html::html_escape)),
        ),
        (
            "_html_template_jsregexpescaper",
            Box::new(with_stringified(|s, _| js::js_regexp_escape(s))),
        ),
        (
            "_html_template_jsstrescaper",
            Box::new(with_stringified(js::js_str_escape)),
        ),
        (
            "_html_template_jstmpllitescaper",
            Box::new(with_stringified(|s, _| {
                js::js_replace(s, js::JsTable::BqStr)
            })),
        ),
        (
            "_html_template_jsvalescaper",
            Box::new(|args: &[Value]| match args {
                [one] => js::js_val_escape(one),
                _ => js::js_val_escape_many(args),
            }),
        ),
        (
            "_html_template_nospaceescaper",
            Box::new(with_stringified(html::nospace_escape)),
        ),
        (
            "_html_template_rcdataescaper",
            Box::new(with_stringified(html::rcdata_escape)),
        ),
        (
            "_html_template_srcsetescaper",
            Box::new(with_stringified(url::srcset_escape)),
        ),
        (
            "_html_template_urlescaper",
            Box::new(with_stringified(|s, t| url::url_process(s, t, false))),
        ),
        (
            "_html_template_urlfilter",
            Box::new(with_stringified(url::url_filter)),
        ),
        (
            "_html_template_urlnormalizer",
            Box::new(with_stringified(|s, t| url::url_process(s, t, true))),
        ),
        ("_eval_args_", Box::new(eval_args)),
    ];
    let mut map = FuncMap::new();
    for (name, imp) in entries {
        let sig = Signature::new(Vec::new()).with_variadic(ParamType::Any);
        map.insert(
            name,
            Func::new(name, sig, move |args: &[Value]| Ok(Value::str(imp(args)))),
        );
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::ContentKind;

    fn call(name: &str, args: &[Value]) -> String {
        let funcs = escaper_funcs();
        let f = funcs.get(name).expect("registered");
        let v = (f.call)(args).expect("escapers do not fail");
        v.as_str().expect("a string").to_string()
    }

    #[test]
    fn stringify_rules() {
        assert_eq!(
            stringify(&[Value::str("a")]),
            ("a".into(), ContentType::Plain)
        );
        assert_eq!(
            stringify(&[Value::Typed(ContentKind::Html, "<b>".into())]),
            ("<b>".into(), ContentType::Html)
        );
        assert_eq!(
            stringify(&[Value::Nil]),
            (String::new(), ContentType::Plain)
        );
        assert_eq!(
            stringify(&[Value::Int(3)]),
            ("3".into(), ContentType::Plain)
        );
        assert_eq!(
            stringify(&[Value::Int(3), Value::Nil, Value::Int(4)]),
            ("3 4".into(), ContentType::Plain)
        );
    }

    #[test]
    fn registered_escapers() {
        assert_eq!(
            call("_html_template_htmlescaper", &[Value::str("<&>")]),
            "&lt;&amp;&gt;"
        );
        assert_eq!(call("_html_template_htmlescaper", &[Value::Nil]), "");
        assert_eq!(
            call("_html_template_urlfilter", &[Value::str("javascript:x")]),
            "#ZgotmplZ"
        );
        assert_eq!(
            call("_html_template_commentescaper", &[Value::str("x")]),
            ""
        );
        assert_eq!(
            call("_html_template_jsvalescaper", &[Value::str("a<b")]),
            "\"a\\u003cb\""
        );
        assert_eq!(call("_eval_args_", &[Value::str("x")]), "x");
        assert_eq!(call("_eval_args_", &[Value::Nil]), "<nil>");
    }
}
