//! Parser tests: tree shapes (via Go's `String()` form) and Go's parse error texts.

use super::*;

fn funcs(name: &str) -> bool {
    matches!(name, "printf" | "len" | "and" | "eq" | "index" | "html")
}

fn parse_ok(text: &str) -> HashMap<String, Tree> {
    parse("t", text, "", "", ParseOptions::default(), &funcs).expect(text)
}

fn roundtrip(text: &str) -> String {
    parse_ok(text)["t"].root.to_string()
}

fn err(text: &str) -> String {
    parse("t", text, "", "", ParseOptions::default(), &funcs)
        .expect_err(text)
        .to_string()
}

#[test]
fn prints_like_go() {
    let cases = [
        ("", ""),
        ("hello", "hello"),
        ("{{.}}", "{{.}}"),
        ("{{.X.Y}}", "{{.X.Y}}"),
        ("{{$x := 3}}{{$x}}", "{{$x := 3}}{{$x}}"),
        ("{{$x = 3}}", "{{$x := 3}}"),
        (
            "{{printf \"%d\" 1 | printf `%s`}}",
            "{{printf \"%d\" 1 | printf `%s`}}",
        ),
        ("{{(.X).Y.Z}}", "{{(.X).Y.Z}}"),
        ("{{(printf \"a\")}}", "{{(printf \"a\")}}"),
        (
            "{{if .A}}a{{else if .B}}b{{else}}c{{end}}",
            "{{if .A}}a{{else}}{{if .B}}b{{else}}c{{end}}{{end}}",
        ),
        (
            "{{with .A}}a{{else with .B}}b{{end}}",
            "{{with .A}}a{{else}}{{with .B}}b{{end}}{{end}}",
        ),
        (
            "{{range $i, $e := .}}{{$i}}{{break}}{{continue}}{{end}}",
            "{{range $i, $e := .}}{{$i}}{{break}}{{continue}}{{end}}",
        ),
        ("{{template \"x\"}}", "{{template \"x\"}}"),
        ("{{template \"x\" .A}}", "{{template \"x\" .A}}"),
        ("{{block \"b\" .}}in{{end}}", "{{template \"b\" .}}"),
        (
            "{{'a'}} {{1.5}} {{0x10}} {{true}} {{nil}}",
            "{{'a'}} {{1.5}} {{0x10}} {{true}} {{nil}}",
        ),
        ("a {{- /* c */ -}} b", "ab"),
        ("{{ $ }}", "{{$}}"),
    ];
    for (input, want) in cases {
        assert_eq!(roundtrip(input), want, "input {input:?}");
    }
}

#[test]
fn definitions_are_collected() {
    let set = parse_ok("{{define \"a\"}}A{{end}}x{{define `b`}}B{{template \"a\"}}{{end}}");
    assert_eq!(set["a"].root.to_string(), "A");
    assert_eq!(set["b"].root.to_string(), "B{{template \"a\"}}");
    assert_eq!(set["t"].root.to_string(), "x");
    assert_eq!(set["a"].parse_name, "t");
    let set = parse_ok("{{block \"b\" .}}in{{end}}");
    assert_eq!(set["b"].root.to_string(), "in");
}

#[test]
fn field_position_is_last_field() {
    let set = parse_ok("{{.A.B}}");
    let Node::Action(a) = &set["t"].root.nodes[0] else {
        panic!("not an action")
    };
    let Arg::Field(f) = &a.pipe.cmds[0].args[0] else {
        panic!("not a field")
    };
    assert_eq!(f.ident, vec!["A", "B"]);
    assert_eq!(f.pos, 4);
    assert_eq!(set["t"].location(f.pos), "t:1:4");
}

#[test]
fn location_counts_lines_and_columns() {
    let set = parse_ok("ab\ncd{{.X}}");
    assert_eq!(set["t"].location(7), "t:2:4");
    assert_eq!(set["t"].location(1), "t:1:1");
}

#[test]
fn go_error_texts() {
    let cases = [
        ("{{.X", "template: t:1: unclosed action"),
        ("{{.X\n\n}", "template: t:3: unexpected \"}\" in operand"),
        ("{{end}}", "template: t:1: unexpected {{end}}"),
        ("{{else}}", "template: t:1: unexpected {{else}}"),
        ("{{if .X}}", "template: t:1: unexpected EOF"),
        ("{{if}}{{end}}", "template: t:1: missing value for if"),
        ("{{}}", "template: t:1: missing value for command"),
        (
            "{{nosuch 1}}",
            "template: t:1: function \"nosuch\" not defined",
        ),
        ("{{$x}}", "template: t:1: undefined variable \"$x\""),
        (
            "{{.X | 3}}",
            "template: t:1: non executable command in pipeline stage 2",
        ),
        (
            "{{range $a, $b, $c := .}}{{end}}",
            "template: t:1: too many declarations in range",
        ),
        (
            "{{with $a, $b := .}}{{end}}",
            "template: t:1: too many declarations in with",
        ),
        (
            "{{range $a, 3}}{{end}}",
            "template: t:1: range can only initialize variables",
        ),
        ("{{break}}", "template: t:1: {{break}} outside {{range}}"),
        (
            "{{range .}}{{break 1}}{{end}}",
            "template: t:1: unexpected \"1\" in {{break}}",
        ),
        ("{{3.X}}", "template: t:1: bad number syntax: \"3.X\""),
        (
            "{{true.X}}",
            "template: t:1: unexpected . after term \"true\"",
        ),
        (
            "{{\"x\".Y}}",
            "template: t:1: unexpected . after term \"\\\"x\\\"\"",
        ),
        (
            "{{define \"a\"}}a{{end}}{{define \"a\"}}b{{end}}",
            "template: t:1: template: multiple definition of template \"a\"",
        ),
        (
            "{{template .X}}",
            "template: t:1: unexpected \".X\" in template clause",
        ),
        (
            "{{template \"x\" }",
            "template: t:1: unexpected \"}\" in template clause",
        ),
        (
            "{{define \"a\"}}{{else}}{{end}}",
            "template: t:1: unexpected {{else}} in define clause",
        ),
        (
            "{{if 1}}{{else}}{{else}}{{end}}",
            "template: t:1: expected end; found {{else}}",
        ),
        ("{{.X}}{{)}}", "template: t:1: unexpected right paren"),
        ("{{(1}}", "template: t:1: unclosed left paren"),
        (
            "{{'ab'}}",
            "template: t:1: malformed character constant: 'ab'",
        ),
        ("{{\"\\z\"}}", "template: t:1: invalid syntax"),
        ("{{1a}}", "template: t:1: bad number syntax: \"1a\""),
        ("{{.X:3}}", "template: t:1: expected :="),
        ("{{.X = 3}}", "template: t:1: unexpected \"=\" in operand"),
        (
            "{{/* x */ .X}}",
            "template: t:1: comment ends before closing delimiter",
        ),
        ("{{/* x ", "template: t:1: unclosed comment"),
        (
            "line1\n{{.X\n.Y",
            "template: t:3: unclosed action started at t:2",
        ),
        ("{{\"abc\n\"}}", "template: t:1: unterminated quoted string"),
        ("{{`abc}}", "template: t:1: unterminated raw quoted string"),
        ("{{'a}}", "template: t:1: unterminated character constant"),
        (
            "{{99999999999999999999}}",
            "template: t:1: integer overflow: \"99999999999999999999\"",
        ),
        (
            "{{$x := 1}}{{$x := }}",
            "template: t:1: missing value for command",
        ),
        (
            "x\ny\n{{if .X}}\n{{end}}{{end}}",
            "template: t:4: unexpected {{end}}",
        ),
        (
            "{{with .X}}{{else if .Y}}{{end}}",
            "template: t:1: unexpected <if> in input",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(err(input), want, "input {input:?}");
    }
}

#[test]
fn break_is_identifier_when_a_function_of_that_name_exists() {
    let has = |n: &str| n == "break";
    let set = parse("t", "{{break}}", "", "", ParseOptions::default(), &has).expect("parse");
    assert_eq!(set["t"].root.to_string(), "{{break}}");
    let Node::Action(_) = &set["t"].root.nodes[0] else {
        panic!("break should be a function call")
    };
}

#[test]
fn empty_redefinition_keeps_first() {
    let set = parse_ok("{{define \"a\"}}A{{end}}{{define \"a\"}} {{end}}");
    assert_eq!(set["a"].root.to_string(), "A");
}

#[test]
fn nesting_is_limited() {
    let deep_parens = format!(
        "{{{{{}1{}}}}}",
        "(".repeat(MAX_NESTING_DEPTH + 1),
        ")".repeat(MAX_NESTING_DEPTH + 1)
    );
    assert_eq!(
        err(&deep_parens),
        "template: t:1: max expression depth exceeded"
    );
    let deep_ifs = format!(
        "{}{}",
        "{{if 1}}".repeat(MAX_NESTING_DEPTH + 1),
        "{{end}}".repeat(MAX_NESTING_DEPTH + 1)
    );
    assert_eq!(
        err(&deep_ifs),
        "template: t:1: max expression depth exceeded"
    );
    let ok = format!(
        "{}{}",
        "{{if 1}}".repeat(MAX_NESTING_DEPTH),
        "{{end}}".repeat(MAX_NESTING_DEPTH)
    );
    parse_ok(&ok);
}

#[test]
fn custom_delimiters() {
    let set = parse(
        "t",
        "<<.X>> {{.Y}}",
        "<<",
        ">>",
        ParseOptions::default(),
        &funcs,
    )
    .expect("parse");
    assert_eq!(set["t"].root.to_string(), "{{.X}} {{.Y}}");
}

#[test]
fn comments_kept_when_requested() {
    let opts = ParseOptions {
        parse_comments: true,
        skip_func_check: false,
    };
    let set = parse("t", "a{{/* c */}}b", "", "", opts, &funcs).expect("parse");
    assert_eq!(set["t"].root.to_string(), "a{{/* c */}}b");
    assert!(matches!(set["t"].root.nodes[1], Node::Comment(_)));
}

#[test]
fn location_survives_text_replacement() {
    let mut tree = parse_ok("a\nbc{{.X}}")["t"].clone();
    assert_eq!(tree.location(5), "t:2:3");
    tree.text = std::sync::Arc::from("\n\n\nxyz");
    assert_eq!(tree.location(5), "t:4:2");
    let fresh = Tree::new(
        "n",
        "p",
        ListNode::default(),
        std::sync::Arc::from("ab\ncd"),
    );
    assert_eq!(fresh.location(4), "p:2:1");
    assert_eq!(fresh.location(99), "p:2:2");
}
