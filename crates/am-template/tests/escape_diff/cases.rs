//! Cases of the html/template escaping differential test: handwritten templates for every
//! context, branch and call rule, a grid of contexts × values × action forms, and seeded random
//! templates.
//!
//! The local Go oracle is Go 1.19 while the implementation follows Go 1.23, so the generated
//! templates avoid what changed in between (checked by unit tests instead): JS template
//! literals and HTML-like comments, braces, `<`, `-` and `#` in JS code, `<script`/`</script`
//! in JS literals, empty values in unquoted attributes, `<`/`>` in CSS values, and `\b`/`\f`
//! in JS values.

use am_testkit::TestRng;
use serde::Serialize;
use serde_json::{Value as Json, json};

/// One request: templates parsed in order into one set, then executed in order.
#[derive(Clone, Debug, Serialize)]
pub struct Case {
    #[serde(skip)]
    pub id: String,
    pub templates: Vec<Tmpl>,
    pub execs: Vec<String>,
    pub data: Json,
    pub missingkey: String,
}

/// A named template text.
#[derive(Clone, Debug, Serialize)]
pub struct Tmpl {
    pub name: String,
    pub text: String,
}

/// The data all cases run on.
pub fn data() -> Json {
    json!({
        "S": "<b>\"Tom\" & 'Jerry'</b> `x` =y +z",
        "U": "javascript:alert('x')",
        "H": "http://example.com/a b?q=1&r=<x>#frag",
        "Q": "a b&c=d/é?#",
        "P": "plain",
        "E": "",
        "N": 42.5,
        "I": 7,
        "B": true,
        "F": false,
        "Nil": null,
        "L": ["a<", "b&", "c\""],
        "M": {"k<": "v>", "a": "b"},
        "Html": {"$html": "<i>safe</i> & <b title=\"t\">bold</b>"},
        "Url": {"$url": "javascript:ok(1)?a=b c"},
        "Js": {"$js": "alert(1)"},
        "JsStr": {"$jsstr": "it's \\\"q\\\" </x>"},
        "Css": {"$css": "color: red"},
        "Attr": {"$attr": "onclick=\"x\""},
        "Srcset": {"$srcset": "/a.png 1x, /b.png 2x"},
        "Uni": "日本語 \u{2028}\u{2029} \u{0} ☃ é \u{fdd0}",
        "Ctl": "a\tb\nc\rd\u{b}e",
        "Sp": "a b",
        "Sl": "/path/to?x=1",
        "Big": 1e21,
        "Small": 0.0000001,
        "NegZero": -0.0,
        "Nested": {"a": [1, 2.5, null, {"$html": "<b>"}], "b": {"c": "</script>"}},
    })
}

fn single(id: impl Into<String>, text: &str) -> Case {
    Case {
        id: id.into(),
        templates: vec![Tmpl {
            name: "main".into(),
            text: text.into(),
        }],
        execs: vec!["main".into()],
        data: data(),
        missingkey: String::new(),
    }
}

fn multi(id: &str, templates: &[(&str, &str)], execs: &[&str]) -> Case {
    Case {
        id: id.into(),
        templates: templates
            .iter()
            .map(|(n, t)| Tmpl {
                name: (*n).into(),
                text: (*t).into(),
            })
            .collect(),
        execs: execs.iter().map(|e| (*e).to_string()).collect(),
        data: data(),
        missingkey: String::new(),
    }
}

/// Contexts, with `@` where the action goes.
const SLOTS: &[&str] = &[
    "<p>@</p>",
    "<p title=\"@\">x</p>",
    "<p title='@'>x</p>",
    "<a href=\"@\">x</a>",
    "<a href='/x?q=@&amp;r=1'>x</a>",
    "<a href=\"/p/@#f\">x</a>",
    "<a href=\"http://h/@?x=1\">x</a>",
    "<img src=\"@\">",
    "<a href=\" @\">",
    "<form action=\"@\"></form>",
    "<img srcset=\"@\">",
    "<img srcset=\"/a.png 1x, @\">",
    "<script>var x = @;</script>",
    "<script>var s = \"@\";</script>",
    "<script>var s = 'x@y';</script>",
    "<script>var r = /@/;</script>",
    "<script>var x = 1 / @;</script>",
    "<a onclick=\"f(@)\">x</a>",
    "<a onclick='f(\"@\")'>x</a>",
    "<button onclick=\"alert(&quot;@&quot;)\">x</button>",
    "<script>// @\nvar y;</script>",
    "<script>/* @ */var y;</script>",
    "<script type=\"text/template\">@</script>",
    "<script type=\"application/json\">@</script>",
    "<style>p { color: @ }</style>",
    "<p style=\"color: @\">x</p>",
    "<style>p { font-family: \"@\" }</style>",
    "<style>p { font-family: '@' }</style>",
    "<p style=\"background: url(@)\">x</p>",
    "<p style=\"background: url('@')\">x</p>",
    "<style>p { background: url(\"/i?x=@\") }</style>",
    "<style>/* @ */p{}</style>",
    "<title>@</title>",
    "<textarea>@</textarea>",
    "<!-- @ -->x",
    "<p data-x=\"@\" data-href=\"@\">",
    "<p xlink:href=\"@\">",
];

/// Unquoted attribute slots: values here must not be empty (Go 1.23 prints `ZgotmplZ`).
const UNQUOTED_SLOTS: &[&str] = &["<p title=@>x</p>", "<a href=@>x</a>", "<p class=@ id=x>"];

const FIELDS: &[&str] = &[
    "S", "U", "H", "Q", "P", "E", "N", "I", "B", "Nil", "L", "M", "Html", "Url", "Js", "JsStr",
    "Css", "Attr", "Srcset", "Uni", "Ctl", "Sp", "Sl", "Big", "Small", "NegZero", "Nested",
];

/// Fields that may appear where the generated cases must avoid version differences.
fn field_ok(slot: &str, field: &str) -> bool {
    let unquoted = UNQUOTED_SLOTS.contains(&slot);
    if unquoted && matches!(field, "E" | "Nil") {
        return false;
    }
    true
}

fn grid() -> Vec<Case> {
    let forms: &[(&str, &str)] = &[
        ("plain", "{{.F}}"),
        ("html", "{{.F | html}}"),
        ("htmlargs", "{{html .F .P}}"),
        ("urlquery", "{{.F | urlquery}}"),
        ("printf", "{{printf \"%v|\" .F}}"),
    ];
    let mut out = Vec::new();
    for (si, slot) in SLOTS.iter().chain(UNQUOTED_SLOTS).enumerate() {
        for field in FIELDS {
            if !field_ok(slot, field) {
                continue;
            }
            for (fname, form) in forms {
                // The full grid would be large; every slot gets every field with the plain
                // form and a rotating subset of the other forms.
                let rotate = (si + field.len()) % forms.len();
                if *fname != "plain" && forms[rotate].0 != *fname {
                    continue;
                }
                let action = form.replace('F', field);
                let text = slot.replace('@', &action);
                out.push(single(format!("grid/{si}/{field}/{fname}"), &text));
            }
        }
    }
    out
}

/// Handwritten cases: branches, ranges, calls, recursion and errors.
fn handwritten() -> Vec<Case> {
    let mut v = Vec::new();
    let texts: &[(&str, &str)] = &[
        ("text-lt", "a < b <c d <!DOCTYPE html> <!doctype x> 1<2 <3"),
        ("comment-strip", "a<!-- x -->b<!--y-->c<!-- unterminated"),
        ("comment-action", "a<!-- {{.S}} -->b"),
        (
            "if-same",
            "<a href=\"{{if .B}}/x{{else}}/y{{end}}?q={{.S}}\">",
        ),
        ("if-urlpart-ambig", "<a href=\"{{if .B}}/x?{{end}}{{.S}}\">"),
        ("if-diff", "{{if .B}}<a href=\"{{else}}<b>{{end}}x\">"),
        ("if-nudge", "<p title={{if .B}}{{.P}}{{end}}>"),
        (
            "if-jsctx",
            "<script>var x = {{if .B}}a{{else}}1{{end}} / 2;</script>",
        ),
        (
            "if-jsctx-unknown",
            "<script>{{if .B}}x{{else}}({{end}}/ 2 /</script>",
        ),
        (
            "with",
            "{{with .S}}<p title=\"{{.}}\">{{.}}</p>{{else}}none{{end}}",
        ),
        (
            "range",
            "<ul>{{range .L}}<li title='{{.}}'>{{.}}</li>{{end}}</ul>",
        ),
        (
            "range-else",
            "{{range .E}}x{{else}}<i>empty {{.S}}</i>{{end}}",
        ),
        (
            "range-map",
            "{{range $k, $v := .M}}<a href=\"/{{$k}}?v={{$v}}\">{{$k}}</a>{{end}}",
        ),
        ("range-reentry", "{{range .L}}<a href=\"{{.}}{{end}}\">"),
        ("range-reentry2", "<p>{{range .L}}{{.}}<a {{end}}>"),
        (
            "range-break",
            "{{range .L}}{{if .}}{{break}}{{end}}<b>{{.}}</b>{{end}}",
        ),
        (
            "range-continue",
            "{{range .L}}{{if .}}{{continue}}{{end}}<b>{{.}}</b>{{end}}",
        ),
        (
            "range-break-bad",
            "{{range .L}}<a{{if .}}{{break}}{{end}}>{{end}}",
        ),
        (
            "range-continue-bad",
            "{{range .L}}{{if .}}{{continue}}{{end}}<a{{end}}",
        ),
        (
            "break-mixed",
            "{{range .L}}{{if .}}{{break}}{{end}}<a{{if .}}{{continue}}{{end}}>{{end}}",
        ),
        ("ends-in-tag", "<a href=\"x"),
        ("ends-in-attr", "<a title={{.P}}"),
        ("ends-in-script", "<script>var x"),
        ("ends-in-cmt", "<!-- x"),
        ("bad-attr-name", "<a b\"c=1>"),
        ("bad-attr-lt", "<a b<c>"),
        ("bad-tag", "<a =foo>"),
        ("unquoted-bad", "<a href=x\"y>"),
        ("unquoted-bad2", "<a title=a=b {{.S}}>"),
        (
            "slash-ambig",
            "<script>{{if .B}}x{{else}}({{end}}/foo/</script>",
        ),
        (
            "js-partial-escape",
            "<script>var s = \"ab\\{{.S}}\";</script>",
        ),
        ("js-charset", "<script>var r = /[{{.S}}]/;</script>"),
        ("js-charset-ok", "<script>var r = /[a]{{.S}}/;</script>"),
        (
            "css-partial-escape",
            "<style>p { font-family: \"a\\{{.S}}\" }</style>",
        ),
        ("predef-middle", "{{.S | html | printf \"%s\"}}"),
        ("predef-unquoted", "<p title={{.S | html}}>"),
        (
            "predef-urlquery-middle",
            "{{.S | urlquery | printf \"%s\"}}",
        ),
        (
            "predef-quoted-ok",
            "<p title=\"{{.S | html}}\">{{.S | urlquery}}</p>",
        ),
        ("predef-js", "<script>var x = {{.S | html}};</script>"),
        ("attr-name-action", "<p {{.P}}=\"1\" {{.Attr}}>"),
        ("attr-name-partial", "<p on{{.P}}=\"x\">"),
        ("attr-value-action", "<p {{.S}}>"),
        ("after-name", "<input checked {{.P}}>"),
        ("decl", "{{$x := .S}}<p title=\"{{$x}}\">{{$x}}</p>"),
        ("assign", "{{$x := 1}}{{$x = .S}}<b>{{$x}}</b>"),
        (
            "typed-html-attr",
            "<p title=\"{{.Html}}\" class={{.Html}}>{{.Html}}</p>",
        ),
        (
            "typed-html-rcdata",
            "<textarea>{{.Html}}</textarea><title>{{.Html}}</title>",
        ),
        (
            "typed-url",
            "<a href=\"{{.Url}}\">{{.Url}}</a><a href=\"/?q={{.Url}}\">",
        ),
        (
            "typed-js",
            "<script>var a = {{.Js}}, b = {{.JsStr}}, c = \"{{.JsStr}}\";</script>",
        ),
        ("typed-css", "<p style=\"{{.Css}}\">"),
        (
            "typed-srcset",
            "<img srcset=\"{{.Srcset}}\" src=\"{{.Srcset}}\">",
        ),
        (
            "safe-funcs",
            "{{safeHtml .S}}<a href=\"{{safeUrl .U}}\">{{.S | safeHtml}}</a>",
        ),
        ("safe-attr", "<p {{safeAttr \"title\"}}=\"x\">"),
        (
            "js-values",
            "<script>var a = [{{.N}}, {{.I}}, {{.B}}, {{.Nil}}, {{.L}}, {{.M}}, {{.S}}, {{.Uni}}];</script>",
        ),
        (
            "js-div-after-action",
            "<script>var x = {{.I}} / 2 / {{.I}};</script>",
        ),
        (
            "js-regexp-after-keyword",
            "<script>return /a/.test({{.S}})</script>",
        ),
        (
            "js-strings",
            "<script>var a = 'x\\'{{.S}}', b = \"\\\"{{.S}}\";</script>",
        ),
        (
            "js-comments",
            "<script>var x = 1; // c {{.S}}\n/* b {{.S}} */ var y = /x/;</script>",
        ),
        (
            "js-block-comment-newline",
            "<script>a/* x\ny */b/* z */c</script>",
        ),
        (
            "css-comments",
            "<style>p { /* c */ color: red } // x\n q{}</style>",
        ),
        (
            "style-attr-decoded",
            "<p style=\"font-family: &quot;{{.S}}&quot;\">",
        ),
        (
            "onclick-entities",
            "<a onclick=\"x = &#39;{{.S}}&#39;; y = &#x22;{{.S}}&#34;\">",
        ),
        (
            "script-type-js",
            "<script type=\"text/javascript\">var x = {{.S}};</script>",
        ),
        (
            "script-type-module",
            "<script type=module>var x = {{.S}};</script>",
        ),
        (
            "script-type-other",
            "<script type=\"text/x-template\"><b>{{.S}}</b></script><p>{{.S}}</p>",
        ),
        (
            "script-end-case",
            "<SCRIPT>var x = {{.S}};</ScRiPt ><p>{{.S}}</p>",
        ),
        ("title-end", "<title>{{.S}}</title ><b>{{.S}}</b>"),
        ("textarea-tag", "<textarea><b>{{.S}}</b></textarea>"),
        (
            "tag-names",
            "<my-tag a=\"{{.S}}\"><x:y href=\"{{.U}}\">{{.S}}</x:y></my-tag>",
        ),
        ("end-tag-action", "</p {{.S}}>"),
        ("url-space", "<a href=\"  {{.U}}\">"),
        ("url-query-after", "<a href=\"{{.H}}?q={{.S}}#{{.S}}\">"),
        ("url-mailto", "<a href=\"mailto:{{.S}}\">"),
        (
            "url-data-attr",
            "<p data-src=\"{{.U}}\" data-uri=\"{{.U}}\" imgurl=\"{{.U}}\">",
        ),
        ("xmlns", "<svg xmlns:xlink=\"{{.U}}\">"),
        ("srcdoc", "<iframe srcdoc=\"{{.S}}\"></iframe>"),
        ("doctype", "<!DOCTYPE html><html><body>{{.S}}</body></html>"),
        (
            "many-contexts",
            "<html><head><title>{{.S}}</title><style>b{color:{{.P}}}</style></head><body><a href=\"/{{.Q}}?x={{.Q}}\" onclick=\"f({{.S}})\" title='{{.S}}'>{{.S}}</a><script>var v = {{.M}};</script></body></html>",
        ),
        (
            "missing-field",
            "<p>{{.Missing}}</p><a href=\"{{.Missing}}\">",
        ),
        (
            "nil-values",
            "<p title=\"{{.Nil}}\">{{.Nil}}</p><script>var n = {{.Nil}};</script>",
        ),
        ("print-nil", "{{print .Nil}}{{html .Nil}}{{urlquery .Nil}}"),
        ("comments-in-attr", "<p title=\"<!-- x -->{{.S}}\">"),
        ("cdata-like", "<p>a<![CDATA[x]]>{{.S}}</p>"),
        ("lt-before-action", "<p>a<{{.S}}</p>"),
        ("lt-slash", "a</ b</{{.S}}"),
        ("template-comment", "a{{/* c */}}<b>{{.S}}</b>"),
        ("trim-markers", "<p>  {{- .S -}}  </p>"),
    ];
    for (id, text) in texts {
        v.push(single(format!("hand/{id}"), text));
    }
    let calls: &[(&str, &[(&str, &str)], &[&str])] = &[
        (
            "call-text",
            &[
                ("main", "<b>{{template \"t\" .S}}</b>"),
                ("t", "{{.}}<i>x</i>"),
            ],
            &["main"],
        ),
        (
            "call-attr",
            &[
                (
                    "main",
                    "<a title=\"{{template \"t\" .S}}\" href=\"{{template \"t\" .U}}\">{{template \"t\" .S}}</a>",
                ),
                ("t", "{{.}}"),
            ],
            &["main"],
        ),
        (
            "call-js",
            &[
                ("main", "<script>var x = {{template \"t\" .S}};</script>"),
                ("t", "{{.}}"),
            ],
            &["main"],
        ),
        (
            "call-ctx-change",
            &[
                ("main", "{{template \"open\" .}}{{.S}}\">x</a>"),
                ("open", "<a href=\"/x?q="),
            ],
            &["main"],
        ),
        (
            "call-ends-bad",
            &[("main", "{{template \"open\" .}}"), ("open", "<a href=\"")],
            &["main"],
        ),
        (
            "call-missing",
            &[("main", "<b>{{template \"nope\" .}}</b>")],
            &["main"],
        ),
        (
            "call-recursive",
            &[
                ("main", "{{template \"r\" .L}}"),
                ("r", "{{if .}}<b>{{index . 0}}</b>{{end}}"),
            ],
            &["main"],
        ),
        (
            "call-self-recursive",
            &[(
                "main",
                "{{define \"rec\"}}{{if .}}<i>{{.}}</i>{{template \"rec\" \"\"}}{{end}}{{end}}{{template \"rec\" .S}}",
            )],
            &["main"],
        ),
        (
            "call-recursive-ctx",
            &[(
                "main",
                "{{define \"rec\"}}{{if .}}<a href=\"{{template \"rec\" \"\"}}\">{{end}}{{end}}<p>{{template \"rec\" .S}}</p>",
            )],
            &["main"],
        ),
        (
            "call-recursive-changes",
            &[(
                "main",
                "{{define \"rec\"}}<a{{if .}}{{template \"rec\" \"\"}}{{end}}{{end}}{{template \"rec\" .S}}>",
            )],
            &["main"],
        ),
        (
            "call-twice-contexts",
            &[
                (
                    "main",
                    "{{template \"t\" .S}}<p title=\"{{template \"t\" .S}}\"><p title='{{template \"t\" .S}}'>{{template \"t\" .S}}",
                ),
                ("t", "<b>{{.}}</b>"),
            ],
            &["main"],
        ),
        (
            "exec-two",
            &[
                ("a", "<b>{{template \"t\" .S}}</b>"),
                ("b", "<p title=\"{{template \"t\" .S}}\">"),
                ("t", "x{{.}}"),
            ],
            &["a", "b", "t", "a"],
        ),
        (
            "exec-callee-first",
            &[("a", "<b>{{template \"t\" .S}}</b>"), ("t", "<i>{{.}}</i>")],
            &["t", "a"],
        ),
        (
            "exec-error-then-other",
            &[("a", "<a href=\"{{.S}}"), ("b", "<b>{{.S}}</b>")],
            &["a", "b", "a"],
        ),
        ("exec-undefined", &[("a", "x")], &["nope", "a"]),
        (
            "define-block",
            &[(
                "main",
                "{{block \"blk\" .}}<b>{{.S}}</b>{{end}}|{{template \"blk\" .}}",
            )],
            &["main", "blk"],
        ),
        (
            "define-in-attr",
            &[(
                "main",
                "{{define \"v\"}}{{.}}\" data-x=\"{{.}}{{end}}<p title=\"{{template \"v\" .S}}\">",
            )],
            &["main"],
        ),
        (
            "call-in-range",
            &[
                (
                    "main",
                    "{{range .L}}<a href=\"/{{template \"seg\" .}}\">{{end}}",
                ),
                ("seg", "{{.}}"),
            ],
            &["main"],
        ),
        (
            "call-in-branch-diff",
            &[
                ("main", "{{if .B}}{{template \"o\"}}{{end}}{{.S}}"),
                ("o", "<a title=\""),
            ],
            &["main"],
        ),
        (
            "call-attr-exec-error",
            &[
                ("main", "<p title=\"{{template \"t\" .}}\">"),
                ("t", "{{index .L 10}}"),
            ],
            &["main"],
        ),
        (
            "call-js-exec-error",
            &[
                ("main", "<script>var x = {{template \"t\" .}};</script>"),
                ("t", "{{.S.Foo}}"),
            ],
            &["main"],
        ),
        (
            "call-in-comment",
            &[
                ("main", "<!-- {{template \"t\" .S}} -->x"),
                ("t", "<b>{{.}}</b>"),
            ],
            &["main"],
        ),
        (
            "email-like",
            &[
                (
                    "main",
                    "<!DOCTYPE html>\n<html>\n<head><title>{{ template \"subject\" . }}</title>\n<style>td { padding: 2px; }</style></head>\n<body>\n{{ range .L }}<tr><td><a href=\"{{ $.H }}\" style=\"color: #888;\">{{ . }}</a></td></tr>\n{{ end }}\n<p>{{ .Html }}</p>\n</body></html>",
                ),
                ("subject", "[{{ .P | toUpper }}] {{ .S }}"),
            ],
            &["main"],
        ),
    ];
    for (id, templates, execs) in calls {
        v.push(multi(&format!("call/{id}"), templates, execs));
    }
    let mut missing = single(
        "hand/missingkey-zero",
        "<p title=\"{{.Missing}}\">{{.Missing}}</p>",
    );
    missing.missingkey = "zero".into();
    v.push(missing);
    let mut missing = single("hand/missingkey-error", "<p>{{.Missing}}</p>");
    missing.missingkey = "error".into();
    v.push(missing);
    v
}

/// Pieces of random templates (no JS or CSS: the grid covers those, and their Go 1.23
/// changes make random JS/CSS text differ from the Go 1.19 oracle).
const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<a href=\"",
    "<a href='",
    "<a href=",
    "\">",
    "'>",
    ">",
    " ",
    "x",
    "?q=",
    "#f",
    "<b title=\"",
    "\"",
    "'",
    ";",
    "<!--",
    "-->",
    "<textarea>",
    "</textarea>",
    "<img srcset=\"",
    ", ",
    "=",
    "&amp;",
    "&quot;",
    "\n",
    "<title>",
    "</title>",
    "<i ",
    "data-url=\"",
    " alt=",
    "/",
    "<",
    "<br/>",
];
const ACTIONS: &[&str] = &[
    "{{.S}}",
    "{{.U}}",
    "{{.P}}",
    "{{.N}}",
    "{{.Html}}",
    "{{.Url}}",
    "{{.Q}}",
    "{{.S | html}}",
    "{{.S | urlquery}}",
    "{{.L}}",
    "{{template \"t\" .S}}",
];

fn random_template(rng: &mut TestRng, depth: usize, call: bool) -> String {
    let mut s = String::new();
    let n = 1 + rng.below(6);
    for _ in 0..n {
        match rng.below(10) {
            0..=4 => s.push_str(rng.pick(PIECES)),
            5..=7 => {
                let a = rng.pick(ACTIONS);
                if call || !a.contains("template") {
                    s.push_str(a);
                }
            }
            _ if depth < 2 => {
                let inner = random_template(rng, depth + 1, call);
                match rng.below(4) {
                    0 => s.push_str(&format!("{{{{if .B}}}}{inner}{{{{end}}}}")),
                    1 => {
                        let other = random_template(rng, depth + 1, call);
                        s.push_str(&format!(
                            "{{{{if .F}}}}{inner}{{{{else}}}}{other}{{{{end}}}}"
                        ));
                    }
                    2 => s.push_str(&format!("{{{{range .L}}}}{inner}{{{{end}}}}")),
                    _ => s.push_str(&format!("{{{{with .P}}}}{inner}{{{{end}}}}")),
                }
            }
            _ => s.push_str(rng.pick(PIECES)),
        }
    }
    s
}

fn random_cases() -> Vec<Case> {
    let mut rng = TestRng::new(0x68746d6c_65736361);
    let mut out = Vec::new();
    while out.len() < 400 {
        let text = random_template(&mut rng, 0, true);
        let callee = random_template(&mut rng, 1, false);
        let id = format!("random/{}", out.len());
        let mut case = multi(&id, &[("main", &text), ("t", &callee)], &["main"]);
        if rng.chance(20) {
            case.execs.push("t".into());
        }
        out.push(case);
    }
    out
}

/// Every case.
pub fn all() -> Vec<Case> {
    let mut v = handwritten();
    v.extend(grid());
    v.extend(random_cases());
    v
}
