//! Parsing YAML into the node tree: positions, anchors and aliases, merge keys, duplicate
//! keys, multiple documents, syntax errors, and the limits on aliasing and nesting.

use am_config::error::ConfigError;
use am_config::yaml::{Document, MAX_DEPTH, NodeKind, ScalarStyle, YamlPath};
use serde_json::{Value, json};

fn parse_err(src: &str) -> Vec<ConfigError> {
    match Document::parse(src) {
        Ok(doc) => panic!("expected a parse error, got {:?}", doc.root()),
        Err(errors) => errors.0,
    }
}

fn to_json(src: &str) -> Value {
    Document::parse(src)
        .and_then(|d| d.deserialize::<Value>())
        .unwrap_or_else(|e| panic!("{src:?}: {e}"))
}

#[test]
fn nodes_know_their_position() {
    let doc = Document::parse("a: 1\nb:\n  - x\n  -   'y'\nc: |\n  text\n").expect("parses");
    let root = doc.root();
    assert_eq!((root.line, root.col), (1, 1));
    let b = root.get("b").expect("b");
    let NodeKind::Seq(items) = &b.kind else {
        panic!("b is {b:?}")
    };
    assert_eq!((items[0].line, items[0].col), (3, 5));
    assert_eq!((items[1].line, items[1].col), (4, 7));
    let NodeKind::Scalar { text, style, tag } = &items[1].kind else {
        panic!()
    };
    assert_eq!(
        (text.as_str(), *style, tag),
        ("y", ScalarStyle::SingleQuoted, &None)
    );
    let c = root.get("c").expect("c");
    assert_eq!(c.line, 5);
    assert!(
        matches!(&c.kind, NodeKind::Scalar { text, style: ScalarStyle::Literal, .. } if text == "text\n")
    );
    // Block scalars start at their indicator, even with blank lines before the content.
    let doc2 = Document::parse("a: |  # comment > here\n\n  x\nb: >-\n  y\n").expect("parses");
    assert_eq!(doc2.root().get("a").map(|n| (n.line, n.col)), Some((1, 4)));
    assert_eq!(doc2.root().get("b").map(|n| (n.line, n.col)), Some((4, 4)));
    let (key, _) = root.entry("c").expect("c");
    assert_eq!((key.line, key.col), (5, 1));
}

#[test]
fn nulls_and_tags() {
    let doc = Document::parse("a:\nb: ~\nc: NULL\nd: 'null'\ne: !!str null\nf: !custom x\n")
        .expect("parses");
    let root = doc.root();
    for key in ["a", "b", "c"] {
        assert!(root.get(key).expect(key).is_null(), "{key}");
    }
    assert_eq!(root.get("d").and_then(|n| n.as_scalar()), Some("null"));
    assert!(
        matches!(&root.get("e").expect("e").kind, NodeKind::Scalar { tag: Some(t), .. } if t == "!!str")
    );
    assert!(
        matches!(&root.get("f").expect("f").kind, NodeKind::Scalar { tag: Some(t), .. } if t == "!custom")
    );
    assert_eq!(
        to_json("e: !!str null\nn: !!null ''\n"),
        json!({"e": "null", "n": null})
    );
}

#[test]
fn aliases_copy_the_anchored_node() {
    let src = "a: &x {k: v}\nb: *x\nc: &x 2\nd: *x\ne: [&s s, *s]\n";
    assert_eq!(
        to_json(src),
        json!({"a": {"k": "v"}, "b": {"k": "v"}, "c": 2, "d": 2, "e": ["s", "s"]})
    );
    // The copy keeps the anchored node's line.
    let doc = Document::parse(src).expect("parses");
    assert_eq!(doc.line_of(&YamlPath::parse("b.k")), Some(1));
}

#[test]
fn bad_aliases_are_errors() {
    let errs = parse_err("a: *nope\n");
    assert_eq!(errs[0].message, "unknown anchor 'nope' referenced");
    assert_eq!(errs[0].line, Some(1));
    let errs = parse_err("a:\n  b: &x\n    - 1\n    - *x\n");
    assert_eq!(errs[0].message, "anchor 'x' value contains itself");
    assert_eq!(errs[0].line, Some(4));
    // An alias may not refer forward.
    let errs = parse_err("a: *later\nb: &later 1\n");
    assert_eq!(errs[0].message, "unknown anchor 'later' referenced");
}

/// The entries of the mapping at `key` as the tree keeps them (what a struct reads), as
/// `key=value` texts.
fn entries(src: &str, key: &str) -> Vec<String> {
    let doc = Document::parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    let Some(NodeKind::Map(entries, _)) = doc.root().get(key).map(|n| &n.kind) else {
        panic!("{src:?}: {key} is not a mapping");
    };
    entries
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k.key_text().unwrap_or_default(),
                v.as_scalar().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn merge_keys() {
    // A single map; explicit keys win wherever they stand (in a struct; a map refuses the
    // key set twice, see tests/yaml_merge.rs).
    let src = "base: &b {x: 1, y: 2}\nm:\n  y: 20\n  <<: *b\n  z: 3\n";
    assert_eq!(entries(src, "m"), ["y=20", "x=1", "z=3"]);
    // A list of maps: earlier maps win.
    let src = "a: &a {x: a}\nb: &b {x: b, w: b}\nm:\n  <<: [*a, *b]\n";
    assert_eq!(entries(src, "m"), ["x=a", "w=b"]);
    // Inline maps work too, and a quoted "<<" is an ordinary key.
    assert_eq!(to_json("m: {<<: {k: 1}}\n")["m"], json!({"k": 1}));
    assert_eq!(to_json("m: {'<<': {k: 1}}\n")["m"], json!({"<<": {"k": 1}}));
    // Merged maps may themselves contain merges.
    let src = "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b}\n";
    assert_eq!(to_json(src)["c"], json!({"x": 1, "y": 2}));
}

#[test]
fn merging_a_non_map_is_an_error() {
    for (src, line) in [
        ("m:\n  <<: 1\n", 2),
        ("m:\n  <<: [{a: 1}, x]\n", 2),
        ("l: &l [1]\nm:\n  <<: *l\n", 1),
    ] {
        let errs = parse_err(src);
        assert_eq!(
            errs[0].message, "map merge requires map or sequence of maps as the value",
            "{src}"
        );
        assert_eq!(errs[0].line, Some(line), "{src}");
        assert_eq!(errs[0].path, YamlPath::parse("m"), "{src}");
    }
}

#[test]
fn duplicate_keys_are_all_reported() {
    let src = "a: 1\nb:\n  - c: 1\n    d: 2\n    c: 3\na: 4\n'b': 5\n";
    let errs = parse_err(src);
    let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "line 5: b[0]: key \"c\" already set in map (first set on line 3)",
            "line 6: key \"a\" already set in map (first set on line 1)",
            "line 7: key \"b\" already set in map (first set on line 2)",
        ]
    );
    // Two null keys are duplicates too.
    assert_eq!(parse_err("~: 1\nnull: 2\n").len(), 1);
}

#[test]
fn only_the_first_document_is_read() {
    assert_eq!(to_json("a: 1\n---\nb: 2\n"), json!({"a": 1}));
    assert_eq!(to_json("---\na: 1\n...\n---\nb: 2\n"), json!({"a": 1}));
    assert_eq!(to_json("--- 5\n--- 6\n"), json!(5));
    // Like yaml.v2, later documents are not even checked.
    assert_eq!(to_json("a: 1\n---\nb: [unclosed\n"), json!({"a": 1}));
}

#[test]
fn syntax_errors_have_lines() {
    let errs = parse_err("a:\n  b: 1\n\tc: 2\n");
    assert_eq!(errs[0].line, Some(3));
    assert_eq!(
        errs[0].hint.as_deref(),
        Some("YAML does not allow tabs for indentation; use spaces")
    );
    let errs = parse_err("route:\n\treceiver: x\n");
    assert_eq!(errs[0].line, Some(2));
    assert!(errs[0].hint.is_some());
    let errs = parse_err("a: 1\n  b: 2\n");
    assert_eq!(
        (errs[0].line, errs[0].message.as_str()),
        (Some(2), "mapping values are not allowed in this context")
    );
    let errs = parse_err("a: [1, 2\n");
    assert!(errs[0].line.is_some());
    assert!(errs[0].path.is_root());
    // A tab after the indentation is fine.
    assert_eq!(to_json("a: \tb\nc:\t[1]\n"), json!({"a": "b", "c": [1]}));
}

#[test]
fn alias_expansion_is_budgeted() {
    let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        src.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let errs = parse_err(&src);
    assert!(
        errs[0]
            .message
            .starts_with("document contains excessive aliasing"),
        "{errs:?}"
    );
    // Line 6: a5 is the first level past the budget (it expands to over a million nodes).
    assert_eq!(errs[0].line, Some(6));
    // Moderate aliasing is fine.
    let small: String = src.lines().take(3).map(|l| format!("{l}\n")).collect();
    assert!(Document::parse(&small).is_ok());
}

fn nested_flow(depth: usize) -> String {
    format!("{}x{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn nesting_depth_is_capped() {
    let doc = Document::parse(&nested_flow(MAX_DEPTH)).expect("at the limit");
    let value: Value = doc.deserialize().expect("decodes at the limit");
    assert!(value.is_array());
    let errs = parse_err(&nested_flow(MAX_DEPTH + 1));
    assert!(errs[0].message.contains("nesting is too deep"), "{errs:?}");
    // Far deeper input fails the same way instead of overflowing the stack.
    let errs = parse_err(&nested_flow(100_000));
    assert!(errs[0].message.contains("nesting is too deep"), "{errs:?}");
    // Block style counts the same.
    let mut block = String::new();
    for i in 0..=MAX_DEPTH {
        block.push_str(&format!("{}k:\n", " ".repeat(i)));
    }
    assert!(parse_err(&block)[0].message.contains("nesting is too deep"));
    // So do aliases that would nest deeper than the limit.
    let half = MAX_DEPTH / 2 + 1;
    let src = format!(
        "a: &a {}\nb: {}*a{}\n",
        nested_flow(half),
        "[".repeat(half),
        "]".repeat(half)
    );
    assert!(parse_err(&src)[0].message.contains("nesting is too deep"));
}
