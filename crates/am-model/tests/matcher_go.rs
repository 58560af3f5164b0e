//! Differential test of the matcher layer against Go, through the oracle in
//! `tests/go/matcher/main.go`, built against Debian's Alertmanager 0.25 sources and Go's `regexp`:
//!
//! - classic parser: `labels.ParseMatchers` / `labels.ParseMatcher` must accept and reject the
//!   same inputs with the same error text, produce the same matchers and render the same
//!   `Matchers.String()`;
//! - regexes: `labels.NewMatcher(=~)` (anchored) and `regexp.Compile` (unanchored) must accept
//!   and reject the same patterns with the same error text and agree on every probe string.
//!
//! Inputs come from a fixed-seed generator plus hand-picked patterns, so every run checks the
//! same cases, all in one Go process.
//!
//! Where 0.25 and 0.28 differ, only the common part is compared: 0.28's `Matcher.String()` quotes
//! names with reserved characters, which classic names (`[a-zA-Z_:][a-zA-Z0-9_:]*`) never have, so
//! the rendering is comparable for everything the classic parser accepts. The oracle's Go (1.19)
//! lacks `(?<name>…)`, which the Go that builds 0.28 accepts, so patterns containing `(?<` are
//! skipped; the generator avoids giant patterns (where 1.19 says `regexp/syntax: internal error`
//! and newer Go `expression too large`) and code points newer than Unicode 13.
//! The UTF-8 parser (0.27+) has no oracle here; the unit tables in `src/matcher/parse_utf8.rs`
//! cover it.

use std::path::Path;

use am_model::matcher::parse::{ParseMode, parse_matcher, parse_matchers};
use am_model::matcher::regex::ErrorCode;
use am_model::matcher::{GoRegex, Matchers};
use am_testkit::{GoOracle, TestRng};
use serde_json::{Value, json};

const NAMES: &[&str] = &[
    "a", "foo", "_x", "a:b", ":x", "x1", "1a", "ä", "a b", "", "job", "a.b", "A_B", "a-b", "{a",
];
const OPS: &[&str] = &[
    "=", "!=", "=~", "!~", "==", "!", "~", "=!", " = ", "\t!~ ", "=~~", "! =",
];
#[rustfmt::skip]
const VALUE_PARTS: &[&str] = &[
    "", "b", "bar", "\"", "\\", "\\\"", "\\\\", "\\n", "\n", ",", "{", "}", " ", "\t", "\u{b}",
    "\u{a0}", "é", "🙂", ".*", "(", ")", "[a-z]+", "a|b", "\\d", "'", "`", "=", "!", "~", "x\"y",
    "\"quoted\"", "\\x41", "{2}", "\r", "\u{2028}", "a{1001}", "\\Q.\\E",
];
const NOISE: &[&str] = &[
    "{", "}", ",", "\"", "\\", " ", "=", "~", "!", "\n", "é", "\u{85}",
];

fn classic_matcher(rng: &mut TestRng) -> String {
    let mut s = String::new();
    if rng.below(4) == 0 {
        s.push_str(rng.pick(&[" ", "\t", "\n", "\u{b}", "  "]));
    }
    s.push_str(rng.pick(NAMES));
    s.push_str(rng.pick(OPS));
    for _ in 0..rng.below(5) {
        s.push_str(rng.pick(VALUE_PARTS));
    }
    if rng.below(4) == 0 {
        s.push_str(rng.pick(&[" ", "\t", "\u{b}", "\u{a0}", "\n "]));
    }
    s
}

fn classic_list(rng: &mut TestRng) -> String {
    let mut s = String::new();
    let braces = rng.below(4);
    if braces & 1 == 1 {
        s.push('{');
    }
    for i in 0..rng.below(4) {
        if i > 0 {
            s.push_str(rng.pick(&[",", ", ", " ,", ",,"]));
        }
        s.push_str(&classic_matcher(rng));
    }
    if rng.below(5) == 0 {
        s.push(',');
    }
    if braces & 2 == 2 {
        s.push('}');
    }
    for _ in 0..rng.below(3).saturating_sub(1) {
        let at = s.char_indices().map(|(i, _)| i).collect::<Vec<_>>();
        let pos = if at.is_empty() { 0 } else { rng.pick(&at) };
        s.insert_str(pos, rng.pick(NOISE));
    }
    s
}

/// Regex fragments: every construct of Go's syntax, plus broken ones.
#[rustfmt::skip]
const FRAGMENTS: &[&str] = &[
    "a", "b", "k", "K", "s", "é", "ß", "0", "x", ".", "^", "$", "|", "(", ")", "(?:", "(?i)",
    "(?s)", "(?m)", "(?U)", "(?i:", "(?-i)", "(?i-s:", "(?-)", "(?x)", "(?P<n>", "(?P<1>", "(?P<>",
    "(?P=n)", "(?", "*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{2,}", "{,2}", "{1001}",
    "{01}", "{3,1}", "{99}", "{", "}", "[", "]", "[a-z]", "[^a-z]", "[^\\d]", "[]a]", "[^]a]",
    "[a-]", "[-a]", "[z-a]", "[\\d-z]", "[a-\\d]", "[[:alpha:]]", "[[:^space:]]", "[[:word:]]",
    "[[:foo:]]", "[[:alpha:]", "[\\pL]", "[\\P{Greek}]", "[\\p{^Lu}x]", "[k]", "[^k]",
    "[\\x{212a}]", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\pL", "\\pN", "\\PL", "\\p{Greek}",
    "\\p{Latin}", "\\p{Lu}", "\\p{^Ll}", "\\P{^Ll}", "\\p{Han}", "\\pC", "\\p{Cs}", "\\p{Cc}",
    "\\p{Zs}", "\\p{Any}", "\\p{greek}", "\\p{L&}", "\\p{Letter}", "\\pZ", "\\p", "\\p{", "\\b",
    "\\B", "\\A", "\\z", "\\Z", "\\C", "\\Q", "\\Qa.b\\E", "\\Q*\\E", "\\E", "\\x41", "\\x{263a}",
    "\\x{110000}", "\\x{}", "\\xZ", "\\101", "\\0", "\\012", "\\1", "\\8", "\\a", "\\f", "\\t",
    "\\n", "\\r", "\\v", "\\.", "\\*", "\\\\", "\\-", "\\<", "\\y", "\\é", "\\", "\n", " ",
    "\u{212a}", "ſ", "٣",
];

/// Patterns worth checking by hand: each Go/Rust difference we know of.
#[rustfmt::skip]
const PATTERNS: &[&str] = &[
    "", "\\d+", "\\w+", "\\s", "\\S+", "\\bfoo\\b", "(?i)\\w", "(?i)\\W", "(?i)[^k]", "(?i)k",
    "(?i)[[:lower:]]+", "(?i)\\p{Lu}", "(?i)\\P{Lu}", "(?i)[\\P{Lu}]", "\\p{Greek}+", "\\pC",
    "[^\\n]", "[^a]", "a{,3}", "a{2}{3}", "a**", "a*?*", "(?i)*", "a(?i)*", "a*(?i)*", "x{1000}",
    "(a{100}){11}", "(a{10}){100}", "((a{2}){2}){250}", "a{0}{1001}", "\\Qa)\\E", "\\Q", "\\Q\\E*",
    "a)|(b", "foo)(", ")", "(?i)straße", "(?s).", ".", "(?m)^a$", "^$", "\\A\\z", "(?U)a+",
    "[[:alpha:]-z]", "[a-b-c]", "\\x{D800}", "[\\x{D7FF}-\\x{E000}]", "\\pN+", "\\p{Nd}+",
    "(?P<name>x)", "(?P<1>x)", "(?P<a-b>x)", "(?P<n>x)(?P<n>y)", "(?i-m)a", "(?--i)a", "(?i-)a",
    "[\\Q]\\E]", "\\8", "\\08", "\\0777", "\\x{10FFFF}", "[\\s\\S]", "(?i)ſ", "(?i)[a-z]+",
];

/// Strings every regex is tried on.
#[rustfmt::skip]
const PROBES: &[&str] = &[
    "", "a", "A", "b", "k", "K", "\u{212a}", "s", "S", "ſ", "ß", "ẞ", "0", "9", "٣", "٣٤", "x1",
    "abc", "ABC", " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{85}", "\u{2028}", "é",
    "É", "α", "Ω", "ω", "_", "-", "a\nb", "\n\n", "aaa", "aa", "a b", "{", "}", ",", "\u{378}",
    "\u{e000}", "\u{ad}", "\u{1f600}", "\\", "\"", "ab\n", "\u{342}", "a.b", "axb", "foo",
    "foo bar", "straße", "STRASSE", "a)", "x", "xy", "\u{0}", "\u{7f}", "ab", "aK", "中", "Ǆ", "ǅ",
    "ǆ", "KK", "*", "a*", "\u{263a}",
];

fn gen_pattern(rng: &mut TestRng) -> String {
    let count = 1 + rng.below(6);
    rng.concat(FRAGMENTS, count)
}

/// Runs the Go oracle on the given requests and returns one reply per request.
fn run_oracle(requests: &[Value]) -> Option<Vec<Value>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/matcher");
    let replies: Vec<Value> = GoOracle::build(&src, "matcher-oracle")?.run_json(requests);
    assert_eq!(replies.len(), requests.len(), "one reply per request");
    Some(replies)
}

/// Our classic parse result in the oracle's shape.
fn ours_classic(result: Result<Matchers, String>) -> Value {
    match result {
        Ok(ms) => json!({
            "ok": true,
            "err": "",
            "matchers": ms.iter().map(|m| json!({
                "type": m.match_type().to_string(),
                "name": m.name(),
                "value": m.value(),
            })).collect::<Vec<_>>(),
            "rendered": ms.to_string(),
        }),
        Err(e) => json!({"ok": false, "err": e, "matchers": null, "rendered": ""}),
    }
}

fn go_classic(reply: &Value) -> Value {
    json!({
        "ok": reply["ok"],
        "err": reply["err"],
        "matchers": reply["matchers"],
        "rendered": reply["rendered"],
    })
}

#[test]
fn classic_parser_agrees_with_go() {
    let mut rng = TestRng::new(0x5eed_0a11_7e57_0001);
    let mut lists: Vec<String> = (0..2500).map(|_| classic_list(&mut rng)).collect();
    lists.extend(
        [
            "",
            "{}",
            "{",
            "}",
            "{a=b}",
            "a=b,",
            "a=b,,c=d",
            " , ",
            "{a=\"b,c\",d!~\"e\\\"f\"}",
            "a=\"b\\\",c=d\"",
            "a=b}",
            "{a=b",
            "a:b=~\"x|y\"",
            "a=\"\\\\\",b=c",
            "a=\"\\,\"\",b=c",
        ]
        .map(str::to_owned),
    );
    let singles: Vec<String> = (0..1500).map(|_| classic_matcher(&mut rng)).collect();

    let mut requests: Vec<Value> = lists
        .iter()
        .map(|s| json!({"op": "list", "input": s}))
        .collect();
    requests.extend(singles.iter().map(|s| json!({"op": "one", "input": s})));
    let Some(replies) = run_oracle(&requests) else {
        return;
    };

    let mut failures = Vec::new();
    let mut accepted = 0;
    for (input, reply) in lists.iter().zip(&replies) {
        let ours = parse_matchers(input, ParseMode::Classic)
            .map(|p| p.matchers)
            .map_err(|e| e.to_string());
        accepted += usize::from(ours.is_ok());
        let (ours, theirs) = (ours_classic(ours), go_classic(reply));
        if ours != theirs {
            failures.push(format!("list {input:?}\n  ours: {ours}\n  go:   {theirs}"));
        }
    }
    for (input, reply) in singles.iter().zip(&replies[lists.len()..]) {
        let ours = parse_matcher(input, ParseMode::Classic)
            .map(|p| p.matchers)
            .map_err(|e| e.to_string());
        accepted += usize::from(ours.is_ok());
        let (ours, theirs) = (ours_classic(ours), go_classic(reply));
        if ours != theirs {
            failures.push(format!("one {input:?}\n  ours: {ours}\n  go:   {theirs}"));
        }
    }
    // The generator must exercise both outcomes substantially.
    assert!(
        accepted > requests.len() / 5,
        "only {accepted} inputs accepted"
    );
    assert!(
        accepted < requests.len() * 4 / 5,
        "{accepted} inputs accepted"
    );
    assert!(
        failures.is_empty(),
        "{} of {} classic inputs disagree with Go:\n{}",
        failures.len(),
        requests.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

fn compile_result(result: Result<GoRegex, String>) -> (bool, String, Vec<bool>) {
    match result {
        Ok(re) => (
            true,
            String::new(),
            PROBES.iter().map(|p| re.is_match(p)).collect(),
        ),
        Err(e) => (false, e, Vec::new()),
    }
}

fn go_result(reply: &Value, ok: &str, err: &str, matches: &str) -> (bool, String, Vec<bool>) {
    let matches = reply[matches]
        .as_array()
        .map(|a| a.iter().map(|b| b.as_bool() == Some(true)).collect())
        .unwrap_or_default();
    (
        reply[ok].as_bool() == Some(true),
        reply[err].as_str().unwrap_or_default().to_owned(),
        matches,
    )
}

#[test]
fn regexes_agree_with_go() {
    let mut rng = TestRng::new(0x5eed_0a11_7e57_0002);
    let mut patterns: Vec<String> = PATTERNS.iter().map(|s| (*s).to_owned()).collect();
    patterns.extend((0..1500).map(|_| gen_pattern(&mut rng)));
    // Go 1.19 predates `(?<name>…)`; see the module comment.
    patterns.retain(|p| !p.contains("(?<"));

    let requests: Vec<Value> = patterns
        .iter()
        .map(|p| json!({"op": "regex", "input": p, "probes": PROBES}))
        .collect();
    let Some(replies) = run_oracle(&requests) else {
        return;
    };

    let mut failures = Vec::new();
    let mut too_large = Vec::new();
    let mut compiled = 0;
    let mut some_match = 0;
    for (pattern, reply) in patterns.iter().zip(&replies) {
        let anchored = GoRegex::new_anchored(pattern);
        if anchored.as_ref().is_err_and(|e| e.code == ErrorCode::Large) && reply["ok"] == true {
            // Our size cap is below Go's (see `regex::SIZE_LIMIT`); counted separately.
            too_large.push(pattern.clone());
            continue;
        }
        let ours = compile_result(anchored.map_err(|e| e.to_string()));
        let theirs = go_result(reply, "ok", "err", "anchored");
        compiled += usize::from(ours.0);
        some_match += usize::from(ours.2.iter().any(|&m| m));
        if ours != theirs {
            failures.push(describe("anchored", pattern, &ours, &theirs));
        }
        let ours = compile_result(GoRegex::new(pattern).map_err(|e| e.to_string()));
        let theirs = go_result(reply, "raw_ok", "raw_err", "unanchored");
        if ours != theirs {
            failures.push(describe("unanchored", pattern, &ours, &theirs));
        }
    }
    // Only huge repetitions of big Unicode classes may hit the cap.
    assert!(
        too_large.len() <= 3,
        "too many patterns over our size cap: {too_large:?}"
    );
    assert!(
        too_large
            .iter()
            .all(|p| p.contains('{') && p.to_lowercase().contains("\\p")),
        "unexpectedly over our size cap: {too_large:?}"
    );
    assert!(
        compiled > patterns.len() / 5,
        "only {compiled} patterns compiled"
    );
    assert!(
        compiled < patterns.len() * 4 / 5,
        "{compiled} patterns compiled"
    );
    assert!(
        some_match > compiled / 4,
        "only {some_match} patterns matched a probe"
    );
    assert!(
        failures.is_empty(),
        "{} of {} patterns disagree with Go:\n{}",
        failures.len(),
        patterns.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

fn describe(
    what: &str,
    pattern: &str,
    ours: &(bool, String, Vec<bool>),
    theirs: &(bool, String, Vec<bool>),
) -> String {
    let diff: Vec<String> = PROBES
        .iter()
        .zip(ours.2.iter().zip(&theirs.2))
        .filter(|(_, (a, b))| a != b)
        .map(|(p, (a, _))| format!("{p:?}: ours {a}"))
        .collect();
    format!(
        "{what} {pattern:?}\n  ours: ok={} err={:?}\n  go:   ok={} err={:?}\n  probes: {}",
        ours.0,
        ours.1,
        theirs.0,
        theirs.1,
        diff.join(", ")
    )
}
