//! End-to-end escaping through the executor: the API, the escaper state kept between
//! executions, and Go 1.23 behaviour the Go 1.19 oracle of the differential test lacks.

use super::*;
use crate::exec::Limits;
use crate::value::{ContentKind, Value};

fn data() -> Value {
    Value::string_map([
        ("X", "<a&b>\"'"),
        ("U", "javascript:alert(1)"),
        ("E", ""),
        ("L", "a<b"),
    ])
}

fn render(src: &str, data: &Value) -> Result<String, String> {
    let mut set = TemplateSet::new();
    set.parse("", src).map_err(|e| e.to_string())?;
    escape_set(&mut set).map_err(|e| e.to_string())?;
    set.execute("", data, &Limits::default())
        .map_err(|e| e.to_string())
}

#[track_caller]
fn ok(src: &str, want: &str) {
    assert_eq!(render(src, &data()).as_deref(), Ok(want), "{src:?}");
}

#[track_caller]
fn fails(src: &str, want: &str) {
    assert_eq!(render(src, &data()), Err(want.to_string()), "{src:?}");
}

#[test]
fn contexts_and_typed_values() {
    ok(
        "<p title={{.X}}>{{.X}}</p><a href=\"{{.U}}\">",
        "<p title=&lt;a&amp;b&gt;&#34;&#39;>&lt;a&amp;b&gt;&#34;&#39;</p><a href=\"#ZgotmplZ\">",
    );
    let h = Value::Typed(ContentKind::Html, "<b>x</b>".into());
    assert_eq!(render("{{.}}<!-- c -->!", &h).as_deref(), Ok("<b>x</b>!"));
    let u = Value::Typed(ContentKind::Url, "javascript:ok()".into());
    assert_eq!(
        render("<a href=\"{{.}}\">", &u).as_deref(),
        Ok("<a href=\"javascript:ok%28%29\">")
    );
}

#[test]
fn go_1_23_differences_from_1_19() {
    // Empty values in unquoted attributes (Go 1.19.9 / 1.20.4 and later).
    ok("<p title={{.E}}>", "<p title=ZgotmplZ>");
    // `<` and `>` are not allowed in CSS values (Go 1.21+).
    ok(
        "<p style=\"color: {{.L}}\">",
        "<p style=\"color: ZgotmplZ\">",
    );
    // Actions in JS template literals (Go 1.22+).
    ok(
        "<script>var s = `a${ {{.X}} }b{{.X}}`;</script>",
        "<script>var s = `a${ \"\\u003ca\\u0026b\\u003e\\\"'\" }b\\u003ca\\u0026b\\u003e\\u0022\\u0027`;</script>",
    );
    // `</script` inside JS strings is escaped rather than ending the script (Go 1.21.1+).
    ok(
        "<script>var s = \"</script>{{.X}}\";</script>",
        "<script>var s = \"\\x3C/script>\\u003ca\\u0026b\\u003e\\u0022\\u0027\";</script>",
    );
    // HTML-like comments in scripts are comments (Go 1.21.1+) and are removed.
    ok(
        "<script>var a = 1; <!-- {{.X}}\nvar b;</script>",
        "<script>var a = 1; \nvar b;</script>",
    );
    // ... so a script end tag on the same line does not end the script.
    fails(
        "<script><!-- x --></script>",
        "html/template: ends in a non-text context: {stateJSHTMLOpenCmt delimNone urlPartNone jsCtxRegexp attrNone elementScript <nil>}",
    );
    // The comment escaper is not redundant with the unquoted-attribute escaper (Go 1.21+).
    ok("<a onclick=x/*{{.X}}*/>", "<a onclick=x/*ZgotmplZ*/>");
}

#[test]
fn derived_templates_are_added() {
    let mut set = TemplateSet::new();
    set.parse(
        "",
        "<p title=\"{{template \"t\" .}}\">{{template \"t\" .}}</p>",
    )
    .expect("parses");
    set.parse("t", "{{.X}}").expect("parses");
    escape_set(&mut set).expect("escapes");
    let derived = "t$htmltemplate_stateAttr_delimDoubleQuote";
    assert!(set.has(derived), "{:?}", set.names());
    assert_eq!(
        set.tree(derived).map(|t| t.root.to_string()).as_deref(),
        Some("{{.X | _html_template_attrescaper}}")
    );
    assert_eq!(
        set.tree("t").map(|t| t.root.to_string()).as_deref(),
        Some("{{.X | _html_template_htmlescaper}}")
    );
    let out = set.execute("", &data(), &Limits::default()).expect("runs");
    assert_eq!(
        out,
        "<p title=\"&lt;a&amp;b&gt;&#34;&#39;\">&lt;a&amp;b&gt;&#34;&#39;</p>"
    );
}

#[test]
fn escaper_state_is_kept_between_templates() {
    let mut set = TemplateSet::new();
    set.parse("bad", "<a href=\"{{template \"t\" .}}")
        .expect("parses");
    set.parse("good", "<b>{{.X}}</b>").expect("parses");
    set.parse("t", "{{.X}}").expect("parses");
    let mut esc = HtmlEscaper::new();
    let err = esc
        .escape_template(&mut set, "bad")
        .expect_err("ends in an attribute");
    assert!(
        err.to_string()
            .starts_with("html/template:bad: ends in a non-text context")
    );
    // The same error again, without escaping twice.
    assert_eq!(
        esc.escape_template(&mut set, "bad").expect_err("still bad"),
        err
    );
    esc.escape_template(&mut set, "good").expect("escapes");
    // Edits inferred during the failed attempt were applied by the successful one, as in Go.
    assert!(set.has("t$htmltemplate_stateURL_delimDoubleQuote_attrURL"));
    esc.escape_template(&mut set, "good").expect("idempotent");
    assert_eq!(
        set.execute("good", &data(), &Limits::default()).as_deref(),
        Ok("<b>&lt;a&amp;b&gt;&#34;&#39;</b>")
    );
    let undefined = esc
        .escape_template(&mut set, "nope")
        .expect_err("undefined");
    assert_eq!(
        undefined.to_string(),
        "html/template: \"nope\" is undefined"
    );
}

#[test]
fn escape_set_needs_the_root_template() {
    let mut set = TemplateSet::named("root");
    set.parse("other", "x").expect("parses");
    assert_eq!(
        escape_set(&mut set).map_err(|e| e.to_string()),
        Err("template: \"root\" is an incomplete or empty template".to_string())
    );
}

#[test]
fn error_texts() {
    fails(
        "<a href=\"{{if .X}}/x?{{end}}{{.X}}\">",
        "html/template::1:30: {{.X}} appears in an ambiguous context within a URL",
    );
    fails(
        "{{.X | html | print}}",
        "html/template::1:2: predefined escaper \"html\" disallowed in template",
    );
    fails(
        "{{if .X}}<a{{end}}",
        "html/template::1:5: {{if}} branches end in different contexts: {stateTag delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}, {stateText delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}",
    );
    fails(
        "{{template \"nope\"}}",
        "html/template::1:11: no such template \"nope\"",
    );
}

#[test]
fn long_call_chains() {
    let chain = |n: usize| {
        let mut src = String::from("<p title=\"{{template \"t0\" .}}\">");
        for i in 0..n {
            src.push_str(&format!(
                "{{{{define \"t{i}\"}}}}{{{{.X}}}}{{{{template \"t{}\" .}}}}{{{{end}}}}",
                i + 1
            ));
        }
        src.push_str(&format!("{{{{define \"t{n}\"}}}}.{{{{end}}}}"));
        let mut set = TemplateSet::new();
        set.parse("", &src).expect("parses");
        escape_set(&mut set).map_err(|e| e.to_string())
    };
    assert_eq!(chain(walk::MAX_CALL_DEPTH - 2), Ok(()));
    let err = chain(walk::MAX_CALL_DEPTH + 5).expect_err("too deep");
    assert!(
        err.contains("template calls nested more than 1000 deep"),
        "{err}"
    );
}

#[test]
fn errors_at_the_end_of_long_chains_are_fast() {
    // Each level's body is escaped twice when the first attempt fails (Go's fixed-point
    // search); an error at the end of a chain must not make that exponential.
    let mut src = String::from("{{template \"t0\" .}}");
    for i in 0..200 {
        src.push_str(&format!(
            "{{{{define \"t{i}\"}}}}<b>{{{{template \"t{}\" .}}}}</b>{{{{end}}}}",
            i + 1
        ));
    }
    let mut set = TemplateSet::new();
    set.parse("", &src).expect("parses");
    let err = escape_set(&mut set)
        .expect_err("t200 is missing")
        .to_string();
    let col = src.find("\"t200\"").expect("called");
    assert_eq!(
        err,
        format!("html/template::1:{col}: no such template \"t200\"")
    );
}

#[test]
fn work_is_bounded() {
    let mut set = TemplateSet::new();
    set.parse("", "{{range .}}<b>{{.}}</b>{{end}}{{template \"t\" .}}")
        .expect("parses");
    set.parse("t", "<i>{{.}}</i>").expect("parses");
    let mut esc = HtmlEscaper::new();
    esc.set_max_steps(6);
    let err = esc.escape_template(&mut set, "").expect_err("over budget");
    assert_eq!(
        err.to_string(),
        "html/template::1:19: on range loop re-entry: template too complex to escape (more than 6 steps)"
    );
    let mut esc = HtmlEscaper::new();
    esc.set_max_steps(20);
    esc.escape_template(&mut set, "").expect("within budget");
}

#[test]
fn escaper_state_can_move_between_threads() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<HtmlEscaper>();
    send_and_sync::<EscapeError>();
    send_and_sync::<Context>();
}
