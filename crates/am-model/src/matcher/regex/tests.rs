//! Unit tests of the Go regex layer: each Go/Rust difference, each error code and its text, and
//! the limits.

use super::{ErrorCode, GoRegex};

fn re(pattern: &str) -> GoRegex {
    GoRegex::new_anchored(pattern).unwrap_or_else(|e| panic!("{pattern:?}: {e}"))
}

fn error(pattern: &str) -> String {
    GoRegex::new_anchored(pattern).map_or_else(|e| e.to_string(), |_| "compiled".to_owned())
}

#[test]
fn perl_classes_and_boundaries_are_ascii() {
    assert!(re(r"\d+").is_match("0123456789"));
    assert!(!re(r"\d").is_match("٣"));
    assert!(re(r"\D").is_match("٣"));
    assert!(!re(r"\w+").is_match("héllo"));
    assert!(re(r"\w+").is_match("hello_1"));
    assert!(!re(r"\s").is_match("\u{a0}"));
    assert!(!re(r"\s").is_match("\u{b}"), "Go's \\s has no vertical tab");
    assert!(re(r"[[:space:]]").is_match("\u{b}"), "but [[:space:]] does");
    assert!(re(r"\s\s\s\s\s").is_match("\t\n\x0c\r "));
    assert!(
        re(r".*\bx").is_match("éx"),
        "é is not a word character in Go"
    );
    assert!(!re(r".*\Bx").is_match("éx"));
}

#[test]
fn case_folding_matches_go() {
    assert!(re("(?i)k").is_match("\u{212a}"));
    assert!(re(r"(?i)\w").is_match("\u{212a}"));
    assert!(!re(r"(?i)\W").is_match("\u{212a}"), "fold before negation");
    assert!(!re("(?i)[^k]").is_match("K"));
    assert!(!re("(?i)straße").is_match("STRASSE"), "simple folding only");
    assert!(re("(?i)ſ").is_match("S"));
    assert!(re("(?i:a)b").is_match("Ab") && !re("(?i:a)b").is_match("AB"));
    assert!(
        re("a(?i)b|c").is_match("C"),
        "flags last until the group ends, across |"
    );
    assert!(!re("(?:(?i)a)b").is_match("AB"));
}

#[test]
fn unicode_classes_use_go_tables() {
    assert!(re(r"\pL+").is_match("héllo"));
    assert!(re(r"\p{Greek}").is_match("α"));
    assert!(
        !re(r"\p{Greek}").is_match("\u{342}"),
        "Script, not Script_Extensions"
    );
    assert!(
        !re(r"\pC").is_match("\u{378}"),
        "Go's C leaves out unassigned code points"
    );
    assert!(re(r"\pC").is_match("\u{ad}"));
    assert!(!re(r"\p{Cs}").is_match("a"));
    assert!(re(r"\P{Cs}").is_match("a"));
    assert!(re(r"\p{^Lu}").is_match("a") && !re(r"\p{^Lu}").is_match("A"));
    assert!(re(r"\P{^Lu}").is_match("A"));
    assert!(re(r"[\P{Lu}]").is_match("a"));
    assert!(
        !re(r"(?i)[\P{Lu}]").is_match("a"),
        "fold before negation inside classes too"
    );
    assert_eq!(
        error(r"\p{greek}"),
        r"error parsing regexp: invalid character class range: `\p{greek}`"
    );
    assert_eq!(
        error(r"\p{Letter}"),
        r"error parsing regexp: invalid character class range: `\p{Letter}`"
    );
    assert_eq!(
        error(r"\pX"),
        r"error parsing regexp: invalid character class range: `\pX`"
    );
    assert_eq!(
        error(r"\p{L"),
        r"error parsing regexp: invalid character class range: `\p{L)$`"
    );
}

#[test]
fn go_only_syntax() {
    assert!(re(r"\Qa.b\E+").is_match("a.bbb"));
    assert!(!re(r"\Qa.b\E").is_match("axb"));
    assert_eq!(
        error(r"\Qa)"),
        r"error parsing regexp: missing closing ): `^(?:\Qa))$`"
    );
    assert!(re(r"\101\0").is_match("A\0"));
    assert!(
        re(r"\0101").is_match("\u{8}1"),
        "at most three octal digits"
    );
    assert!(re(r"\08").is_match("\u{0}8"));
    assert!(
        re(r"a{,2}").is_match("a{,2}"),
        "{{,n}} is literal text in Go"
    );
    assert!(re(r"a{01}").is_match("a{01}"));
    assert!(re(r"x{").is_match("x{"));
    assert!(re(r"\x41\x{263a}").is_match("A☺"));
    assert!(!re(r"\x{D800}").is_match(""), "a surrogate matches nothing");
    assert!(re(r"(?P<1a>x)(?<n>y)").is_match("xy"), "Go's capture names");
    assert!(re(r"[]a]+").is_match("]a") && re(r"[^]a]").is_match("b"));
    assert!(re(r"[a-b-c]+").is_match("a-c"));
    assert!(
        re(r"a(?i)*").is_match("aaa"),
        "a repetition after a flag group repeats the atom before"
    );
}

#[test]
fn anchoring_is_textual_like_go() {
    let half = re("a)|(b");
    assert!(half.is_match("a") && half.is_match("xb"), "^(?:a)|(b)$");
    assert!(!half.is_match("xa"));
    assert!(!re("a").is_match("a\n"), "$ is end of text");
    assert!(re("(?m)a$\n").is_match("a\n"));
    assert!(!re(".").is_match("\n") && re("(?s).").is_match("\n"));
    assert!(re("[^a]").is_match("\n"));
    assert_eq!(re("a|b").as_str(), "a|b");
    let unanchored = GoRegex::new("b").unwrap_or_else(|e| panic!("{e}"));
    assert!(unanchored.is_match("abc"));
}

#[test]
fn errors_have_go_codes_and_text() {
    let cases = [
        ("(", "missing closing ): `^(?:()$`"),
        ("a))", "unexpected ): `^(?:a)))$`"),
        ("[a", "missing closing ]: `[a)$`"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
        (r"\8", r"invalid escape sequence: `\8`"),
        (r"\1", r"invalid escape sequence: `\1`"),
        (r"\C", r"invalid escape sequence: `\C`"),
        (r"\Z", r"invalid escape sequence: `\Z`"),
        (r"\x{110000}", r"invalid escape sequence: `\x{110000`"),
        (r"\x{}", r"invalid escape sequence: `\x{}`"),
        (r"\xZ1", r"invalid escape sequence: `\xZ1`"),
        (r"[\b]", r"invalid escape sequence: `\b`"),
        ("(?P<>a)", "invalid named capture: `(?P<>`"),
        ("(?P<a-b>a)", "invalid named capture: `(?P<a-b>`"),
        ("(?P=a)", "invalid or unsupported Perl syntax: `(?P`"),
        ("(?x)a", "invalid or unsupported Perl syntax: `(?x`"),
        ("(?i-)a", "invalid or unsupported Perl syntax: `(?i-)`"),
        ("(?=a)", "invalid or unsupported Perl syntax: `(?=`"),
        ("(?!a)", "invalid or unsupported Perl syntax: `(?!`"),
        // Look-behinds take Go 1.22's `(?<name>` path (the oracle's Go 1.19 says `(?<` instead).
        ("(?<=a)", "invalid named capture: `(?<=a))$`"),
        ("(?<!a)>", "invalid named capture: `(?<!a)>`"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("a+?*", "invalid nested repetition operator: `+?*`"),
        ("a{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
        ("a{1001}", "invalid repeat count: `{1001}`"),
        ("a{2,1}", "invalid repeat count: `{2,1}`"),
        ("a{100000000000}", "invalid repeat count: `{100000000000}`"),
        ("(a{100}){11}", "invalid repeat count: `{11}`"),
        ("((a{10}){10}){11}?", "invalid repeat count: `{11}?`"),
        ("*a", "missing argument to repetition operator: `*`"),
        ("a|*", "missing argument to repetition operator: `*`"),
        ("(?i)+?", "missing argument to repetition operator: `+?`"),
    ];
    for (pattern, want) in cases {
        assert_eq!(
            error(pattern),
            format!("error parsing regexp: {want}"),
            "{pattern:?}"
        );
    }
    // A trailing backslash cannot happen inside the anchoring wrapper; it can unanchored.
    let e = GoRegex::new(r"a\").err().map(|e| (e.code, e.to_string()));
    assert_eq!(
        e,
        Some((
            ErrorCode::TrailingBackslash,
            "error parsing regexp: trailing backslash at end of expression: ``".to_owned()
        ))
    );
}

#[test]
fn limits() {
    // Nesting: Go allows a tree 1000 high.
    let deep = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
    assert!(GoRegex::new(&deep(990)).is_ok_and(|r| r.is_match("a")));
    let e = GoRegex::new(&deep(1001)).err().map(|e| e.code);
    assert_eq!(e, Some(ErrorCode::NestingDepth));
    // Non-capturing groups add no height in Go.
    let flat = format!("{}a{}", "(?:".repeat(5000), ")".repeat(5000));
    assert!(GoRegex::new(&flat).is_ok_and(|r| r.is_match("a")));
    // Unclosed groups are only an error, however many.
    let open = "(".repeat(100_000);
    assert_eq!(
        GoRegex::new(&open).err().map(|e| e.code),
        Some(ErrorCode::MissingParen)
    );
    // The compiled size is capped (shown with a small cap: the real one takes long to reach).
    let e = GoRegex::compile("", r"\pL{100}", 1 << 20)
        .err()
        .map(|e| e.to_string());
    let want = r"error parsing regexp: expression too large: `\pL{100}`";
    assert_eq!(e.as_deref(), Some(want));
    assert!(GoRegex::compile("", r"\pL{10}", 1 << 20).is_ok());
    assert!(re("x{1000}").is_match(&"x".repeat(1000)));
}
