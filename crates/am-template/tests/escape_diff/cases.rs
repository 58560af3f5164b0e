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

pub fn single(id: impl Into<String>, text: &str) -> Case {
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

pub fn multi(id: &str, templates: &[(&str, &str)], execs: &[&str]) -> Case {
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
    let mut v = crate::hand::handwritten();
    v.extend(grid());
    v.extend(random_cases());
    v
}
