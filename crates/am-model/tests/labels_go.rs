//! Differential test of `labels` and `go_quote` against Go: Debian's prometheus/common `model`
//! (fingerprint, `LabelSet.String()`), Go's `strconv` (`Quote`, `Unquote`, `IsPrint`) and
//! cespare/xxhash (Alertmanager's alert hash), through the oracle in `tests/go/labels/main.go`.
//!
//! Inputs come from a fixed-seed generator, so every run checks the same cases.
//!
//! The Go toolchain here (1.19) knows Unicode 13.0; our printable table is Unicode 15.0 (the
//! version of the Go that builds Alertmanager 0.28). The two tables may differ only on the code
//! points Unicode 14.0 and 15.0 assigned ([`NEW_IN_UNICODE_14_15`], from `DerivedAge.txt`), and
//! the generator avoids those code points.

use std::path::Path;

use am_model::go_quote::{UnquoteError, is_print, quote, unquote};
use am_model::group_key::{group_key, group_key_hash};
use am_model::labels::LabelSet;
use am_testkit::{GoOracle, TestRng};
use serde_json::{Value, json};

/// Code points assigned in Unicode 14.0 or 15.0 (DerivedAge.txt 15.0.0), merged ranges.
const NEW_IN_UNICODE_14_15: &[(u32, u32)] = &[
    (0x61D, 0x61D),
    (0x870, 0x88E),
    (0x890, 0x891),
    (0x898, 0x89F),
    (0x8B5, 0x8B5),
    (0x8C8, 0x8D2),
    (0xC3C, 0xC3C),
    (0xC5D, 0xC5D),
    (0xCDD, 0xCDD),
    (0xCF3, 0xCF3),
    (0xECE, 0xECE),
    (0x170D, 0x170D),
    (0x1715, 0x1715),
    (0x171F, 0x171F),
    (0x180F, 0x180F),
    (0x1AC1, 0x1ACE),
    (0x1B4C, 0x1B4C),
    (0x1B7D, 0x1B7E),
    (0x1DFA, 0x1DFA),
    (0x20C0, 0x20C0),
    (0x2C2F, 0x2C2F),
    (0x2C5F, 0x2C5F),
    (0x2E53, 0x2E5D),
    (0x9FFD, 0x9FFF),
    (0xA7C0, 0xA7C1),
    (0xA7D0, 0xA7D1),
    (0xA7D3, 0xA7D3),
    (0xA7D5, 0xA7D9),
    (0xA7F2, 0xA7F4),
    (0xFBC2, 0xFBC2),
    (0xFD40, 0xFD4F),
    (0xFDCF, 0xFDCF),
    (0xFDFE, 0xFDFF),
    (0x10570, 0x1057A),
    (0x1057C, 0x1058A),
    (0x1058C, 0x10592),
    (0x10594, 0x10595),
    (0x10597, 0x105A1),
    (0x105A3, 0x105B1),
    (0x105B3, 0x105B9),
    (0x105BB, 0x105BC),
    (0x10780, 0x10785),
    (0x10787, 0x107B0),
    (0x107B2, 0x107BA),
    (0x10EFD, 0x10EFF),
    (0x10F70, 0x10F89),
    (0x11070, 0x11075),
    (0x110C2, 0x110C2),
    (0x1123F, 0x11241),
    (0x116B9, 0x116B9),
    (0x11740, 0x11746),
    (0x11AB0, 0x11ABF),
    (0x11B00, 0x11B09),
    (0x11F00, 0x11F10),
    (0x11F12, 0x11F3A),
    (0x11F3E, 0x11F59),
    (0x12F90, 0x12FF2),
    (0x1342F, 0x1342F),
    (0x13439, 0x13455),
    (0x16A70, 0x16ABE),
    (0x16AC0, 0x16AC9),
    (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE),
    (0x1B11F, 0x1B122),
    (0x1B132, 0x1B132),
    (0x1B155, 0x1B155),
    (0x1CF00, 0x1CF2D),
    (0x1CF30, 0x1CF46),
    (0x1CF50, 0x1CFC3),
    (0x1D1E9, 0x1D1EA),
    (0x1D2C0, 0x1D2D3),
    (0x1DF00, 0x1DF1E),
    (0x1DF25, 0x1DF2A),
    (0x1E030, 0x1E06D),
    (0x1E08F, 0x1E08F),
    (0x1E290, 0x1E2AE),
    (0x1E4D0, 0x1E4F9),
    (0x1E7E0, 0x1E7E6),
    (0x1E7E8, 0x1E7EB),
    (0x1E7ED, 0x1E7EE),
    (0x1E7F0, 0x1E7FE),
    (0x1F6DC, 0x1F6DF),
    (0x1F774, 0x1F776),
    (0x1F77B, 0x1F77F),
    (0x1F7D9, 0x1F7D9),
    (0x1F7F0, 0x1F7F0),
    (0x1F979, 0x1F979),
    (0x1F9CC, 0x1F9CC),
    (0x1FA75, 0x1FA77),
    (0x1FA7B, 0x1FA7C),
    (0x1FA87, 0x1FA88),
    (0x1FAA9, 0x1FAAF),
    (0x1FAB7, 0x1FABD),
    (0x1FABF, 0x1FABF),
    (0x1FAC3, 0x1FAC5),
    (0x1FACE, 0x1FACF),
    (0x1FAD7, 0x1FADB),
    (0x1FAE0, 0x1FAE8),
    (0x1FAF0, 0x1FAF8),
    (0x2A6DE, 0x2A6DF),
    (0x2B735, 0x2B739),
    (0x31350, 0x323AF),
];

fn is_new_in_14_15(c: u32) -> bool {
    NEW_IN_UNICODE_14_15
        .iter()
        .any(|&(a, b)| (a..=b).contains(&c))
}

/// Characters chosen to hit every branch of Go's quoting.
const SPECIAL: &[char] = &[
    '"',
    '\\',
    '\'',
    '`',
    '\n',
    '\r',
    '\t',
    '\0',
    '\x07',
    '\x08',
    '\x0b',
    '\x0c',
    '\x1b',
    '\x7f',
    ' ',
    '=',
    ',',
    '{',
    '}',
    '\u{80}',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{e9}',
    '\u{ff}',
    '\u{301}',
    '\u{378}',
    '\u{5ff}',
    '\u{200b}',
    '\u{200d}',
    '\u{2028}',
    '\u{2029}',
    '\u{3000}',
    '\u{e000}',
    '\u{f8ff}',
    '\u{fdd0}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fffe}',
    '\u{ffff}',
    '\u{1d173}',
    '\u{1f600}',
    '\u{1f469}',
    '\u{1f3fd}',
    '\u{e0001}',
    '\u{e0100}',
    '\u{f0000}',
    '\u{10ffff}',
    '\u{2fffe}',
    '\u{30000}',
];

fn gen_char(rng: &mut TestRng) -> char {
    loop {
        let c = match rng.below(10) {
            0..=3 => Some(char::from(b' ' + rng.below(95) as u8)),
            4..=5 => Some(rng.pick(SPECIAL)),
            6 => Some(char::from(rng.below(0x100) as u8)),
            7 => char::from_u32(0x100 + rng.below(0xff00) as u32),
            _ => char::from_u32(rng.below(0x11_0000) as u32),
        };
        if let Some(c) = c.filter(|&c| !is_new_in_14_15(u32::from(c))) {
            return c;
        }
    }
}

fn gen_string(rng: &mut TestRng, max_len: usize) -> String {
    let len = rng.below(max_len + 1);
    (0..len).map(|_| gen_char(rng)).collect()
}

/// Label names: mostly legacy names, some sharing prefixes (Go sorts `a0=…` before `a=…`),
/// some arbitrary UTF-8 (including the empty name).
fn gen_name(rng: &mut TestRng) -> String {
    const NAMES: &[&str] = &[
        "a",
        "a0",
        "a_",
        "aa",
        "A",
        "_",
        "alertname",
        "job",
        "instance",
        "__name__",
        "a=",
        "a ",
        "a\"",
        "a.b",
        "é",
        "",
    ];
    match rng.below(4) {
        0 | 1 => rng.pick(NAMES).to_owned(),
        2 => {
            const FIRST: &[u8] = b"abcxyzABCZ_";
            const REST: &[u8] = b"abcxyzABCZ_0189";
            let mut s = String::from(char::from(rng.pick(FIRST)));
            for _ in 0..rng.below(6) {
                s.push(char::from(rng.pick(REST)));
            }
            s
        }
        _ => gen_string(rng, 6),
    }
}

/// Runs the Go oracle on the given requests and returns one reply per request.
fn run_oracle(requests: &[Value]) -> Option<Vec<Value>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/labels");
    let replies: Vec<Value> = GoOracle::build(&src, "labels-oracle")?.run_json(requests);
    assert_eq!(replies.len(), requests.len(), "one reply per request");
    Some(replies)
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing {key} in {v}"))
}

/// Go-quoted literals mutated into a mix of valid and malformed inputs for `Unquote`.
fn unquote_candidates(rng: &mut TestRng, quoted: &[String]) -> Vec<String> {
    const ESCAPES: &[&str] = &[
        "\\a",
        "\\b",
        "\\f",
        "\\n",
        "\\r",
        "\\t",
        "\\v",
        "\\\\",
        "\\\"",
        "\\'",
        "\\q",
        "\\",
        "\\x",
        "\\x4",
        "\\x41",
        "\\xff",
        "\\xc3\\xa9",
        "\\xe2\\x82",
        "\\u00e9",
        "\\u12",
        "\\ud800",
        "\\uFFFD",
        "\\U0001F600",
        "\\U00110000",
        "\\U0000",
        "\\101",
        "\\377",
        "\\400",
        "\\08",
        "\\7",
        "\\0",
        "\n",
        "\r",
        "\t",
        "`",
        "'",
        "\"",
    ];
    let mut out = Vec::new();
    for q in quoted {
        out.push(q.clone());
        let inner = &q[1..q.len() - 1];
        let chars: Vec<char> = inner.chars().collect();
        let cut = rng.below(chars.len() + 1);
        let (left, right): (String, String) =
            (chars[..cut].iter().collect(), chars[cut..].iter().collect());
        let esc = rng.pick(ESCAPES);
        let esc2 = rng.pick(ESCAPES);
        out.push(format!("\"{left}{esc}{right}{esc2}\""));
        out.push(format!("\"{left}{esc}{right}"));
        out.push(format!("\"{left}\"{right}\""));
        out.push(format!("`{left}{esc}{right}`"));
        out.push(format!("'{esc}'"));
        out.push(format!("'{}'", left.chars().next().unwrap_or('x')));
        out.push(format!("{q}x"));
    }
    out.extend(
        [
            "", "\"", "'", "`", "``", "''", "'''", "\"\\\"", "x\"\"", "`a\r\nb`",
        ]
        .map(String::from),
    );
    out
}

#[test]
fn labels_and_quoting_match_go() {
    let mut rng = TestRng::new(0x5eed_1abe_15e7_0001);
    let sets: Vec<Vec<(String, String)>> = (0..2000)
        .map(|_| {
            let n = rng.below(8);
            let mut pairs: Vec<(String, String)> = (0..n)
                .map(|_| (gen_name(&mut rng), gen_string(&mut rng, 12)))
                .collect();
            if n > 0 && rng.below(5) == 0 {
                // A repeated name: the later value must win, as in a Go map.
                let (name, _) = pairs[0].clone();
                pairs.push((name, gen_string(&mut rng, 4)));
            }
            pairs
        })
        .collect();
    let mut requests: Vec<Value> = sets
        .iter()
        .map(|pairs| json!({"op": "labels", "labels": pairs}))
        .collect();
    requests.push(json!({"op": "isprint_ranges"}));
    let Some(replies) = run_oracle(&requests) else {
        return;
    };

    let mut go_quoted = Vec::new();
    for (pairs, reply) in sets.iter().zip(&replies) {
        let set: LabelSet = pairs.iter().cloned().collect();
        let ctx = format!("label set {pairs:?}");
        assert_eq!(
            set.fingerprint().to_string(),
            str_field(reply, "fingerprint"),
            "{ctx}"
        );
        assert_eq!(set.to_string(), str_field(reply, "string"), "{ctx}");
        assert_eq!(
            format!("{:016x}", set.alert_hash()),
            str_field(reply, "alert_hash"),
            "{ctx}"
        );
        assert_eq!(
            group_key_hash(&group_key("{}", &set)),
            str_field(reply, "group_key_hash"),
            "{ctx}"
        );
        let quoted: Vec<String> = set.iter().map(|(_, v)| quote(v)).collect();
        let want: Vec<String> = serde_json::from_value(reply["quoted"].clone()).unwrap();
        assert_eq!(quoted, want, "{ctx}");
        go_quoted.extend(want);
    }

    // Printable table: equal to Go 1.19's except for Unicode 14/15 additions.
    let ranges: Vec<(u32, u32)> = serde_json::from_value(replies[sets.len()].clone()).unwrap();
    let mut go_print = vec![false; 0x11_0000];
    for (a, b) in ranges {
        go_print[a as usize..=b as usize]
            .iter_mut()
            .for_each(|p| *p = true);
    }
    let mut newly_printable = 0;
    for cp in 0..0x11_0000u32 {
        let Some(c) = char::from_u32(cp) else {
            assert!(!go_print[cp as usize], "surrogate {cp:x}");
            continue;
        };
        let (ours, go) = (is_print(c), go_print[cp as usize]);
        if ours != go {
            assert!(
                ours && is_new_in_14_15(cp),
                "is_print(U+{cp:04X}) = {ours}, Go says {go}"
            );
            newly_printable += 1;
        }
    }
    eprintln!("{newly_printable} code points printable only since Unicode 14/15");
    // Unicode 14 and 15 added 5327 code points; all but a few format characters print. A Go
    // toolchain of 1.21 or later (Unicode 15) agrees with us everywhere.
    assert!(
        newly_printable == 0 || (5000..=5327).contains(&newly_printable),
        "{newly_printable} code points differ from Go"
    );

    check_unquote(&mut rng, &go_quoted);
}

fn check_unquote(rng: &mut TestRng, go_quoted: &[String]) {
    let candidates = unquote_candidates(rng, go_quoted);
    let requests: Vec<Value> = candidates
        .iter()
        .map(|s| json!({"op": "unquote", "s": s}))
        .collect();
    let replies = run_oracle(&requests).expect("oracle ran before");
    let (mut accepted, mut rejected, mut non_utf8) = (0, 0, 0);
    for (s, reply) in candidates.iter().zip(&replies) {
        let ours = unquote(s);
        let go_ok = reply["ok"].as_bool().expect("ok");
        let go_valid = reply["valid_utf8"].as_bool().expect("valid_utf8");
        match (go_ok, go_valid) {
            (false, _) => {
                rejected += 1;
                assert_eq!(ours, Err(UnquoteError::Syntax(s.clone())), "unquote({s:?})");
            }
            (true, false) => {
                non_utf8 += 1;
                assert_eq!(
                    ours,
                    Err(UnquoteError::InvalidUtf8(s.clone())),
                    "unquote({s:?})"
                );
            }
            (true, true) => {
                accepted += 1;
                assert_eq!(
                    ours.as_deref(),
                    Ok(str_field(reply, "out")),
                    "unquote({s:?})"
                );
            }
        }
    }
    eprintln!("unquote: {accepted} accepted, {rejected} rejected, {non_utf8} non-UTF-8");
    // The mutations must exercise all three outcomes substantially.
    assert!(
        accepted > 2000 && rejected > 2000 && non_utf8 > 100,
        "{accepted} {rejected} {non_utf8}"
    );
}
