//! Lexer tests: token streams, trim markers, comments and Go's lexer error texts.
use super::*;

fn kinds(s: &str) -> Vec<(ItemType, String)> {
    let opts = LexOptions {
        emit_comment: true,
        break_ok: true,
        continue_ok: true,
    };
    lex(s, "", "", opts)
        .into_iter()
        .map(|i| (i.typ, i.val))
        .collect()
}

#[test]
fn text_and_actions() {
    use ItemType::*;
    let got = kinds("a {{ .X | f 1 }} b");
    let want = vec![
        (Text, "a ".to_string()),
        (LeftDelim, "{{".into()),
        (Space, " ".into()),
        (Field, ".X".into()),
        (Space, " ".into()),
        (Pipe, "|".into()),
        (Space, " ".into()),
        (Identifier, "f".into()),
        (Space, " ".into()),
        (Number, "1".into()),
        (Space, " ".into()),
        (RightDelim, "}}".into()),
        (Text, " b".into()),
        (Eof, "".into()),
    ];
    assert_eq!(got, want);
}

#[test]
fn trim_markers() {
    use ItemType::*;
    let got = kinds("a  {{- 3 -}}  b");
    assert_eq!(
        got,
        vec![
            (Text, "a".to_string()),
            (LeftDelim, "{{".into()),
            (Number, "3".into()),
            (RightDelim, "}}".into()),
            (Text, "b".into()),
            (Eof, "".into()),
        ]
    );
    // Without the space, "-3" is a number.
    let got = kinds("{{-3}}");
    assert_eq!(got[1], (Number, "-3".to_string()));
}

#[test]
fn comments_and_errors() {
    use ItemType::*;
    let got = kinds("x {{- /* c */ -}} y");
    assert_eq!(got[0], (Text, "x".to_string()));
    assert_eq!(got[1], (Comment, "/* c */".to_string()));
    assert_eq!(got[2], (Text, "y".to_string()));
    let got = kinds("{{/* c */ x}}");
    assert_eq!(
        got.last(),
        Some(&(Error, "comment ends before closing delimiter".to_string()))
    );
    let got = kinds("{{ 3 )}}");
    assert_eq!(
        got.last(),
        Some(&(Error, "unexpected right paren".to_string()))
    );
    let got = kinds("{{ \u{1} }}");
    assert_eq!(
        got.last(),
        Some(&(
            Error,
            "unrecognized character in action: U+0001".to_string()
        ))
    );
    let got = kinds("{{ .x€ }}");
    assert_eq!(
        got.last(),
        Some(&(Error, "bad character U+20AC '€'".to_string()))
    );
}

#[test]
fn item_display_truncates() {
    let it = Item {
        typ: ItemType::String,
        pos: 0,
        val: "\"abcdefghijklmnop\"".into(),
        line: 1,
    };
    assert_eq!(it.to_string(), r#""\"abcdefghi"..."#);
    let kw = Item {
        typ: ItemType::End,
        pos: 0,
        val: "end".into(),
        line: 1,
    };
    assert_eq!(kw.to_string(), "<end>");
}
