//! Handwritten cases of the escaping differential test: every context, branch, range and
//! call rule, typed values, predefined escapers, and the error messages.

use crate::cases::{Case, multi, single};

/// A case with several templates: id, (name, text) pairs, and the names executed in order.
type Call<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// Handwritten cases: branches, ranges, calls, recursion and errors.
pub fn handwritten() -> Vec<Case> {
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
        (
            "css-url-escaped-query",
            "<style>p { background: url(/x\\3f{{.S}}) }</style>",
        ),
        (
            "css-url-escaped-hash",
            "<p style=\"background: url('/x\\23 {{.S}}')\">",
        ),
        ("url-entity-query", "<a href=\"/x&#63;{{.S}}\">"),
        ("unknown-entity-js", "<a onclick=\"a = b &hellip; {{.S}}\">"),
        ("cdata-like", "<p>a<![CDATA[x]]>{{.S}}</p>"),
        ("lt-before-action", "<p>a<{{.S}}</p>"),
        ("lt-slash", "a</ b</{{.S}}"),
        ("template-comment", "a{{/* c */}}<b>{{.S}}</b>"),
        ("trim-markers", "<p>  {{- .S -}}  </p>"),
    ];
    for (id, text) in texts {
        v.push(single(format!("hand/{id}"), text));
    }
    let calls: &[Call<'_>] = &[
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
