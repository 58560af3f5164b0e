//! The email integration's encoders against Go's standard library (the code upstream's
//! notifier calls): `mime.QEncoding.Encode` for header values, `quotedprintable.Writer` for
//! bodies and `mail.ParseAddressList` for `from` / `to`, on seeded random inputs, all cases in
//! one run of `tests/go/email_encode`.

use std::path::Path;

use am_server::notify::email::{address, message};
use am_testkit::oracle::GoOracle;
use am_testkit::rng::TestRng;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Request {
    op: &'static str,
    #[serde(rename = "in")]
    input: String,
}

#[derive(Deserialize)]
struct Reply {
    out: String,
    list: Option<Vec<String>>,
    err: String,
}

fn random_text(rng: &mut TestRng, pieces: &[&str], max: usize) -> String {
    let n = rng.below(max + 1);
    (0..n).map(|_| rng.pick(pieces)).collect()
}

const TEXT_PIECES: &[&str] = &[
    "a",
    "b",
    "Z",
    "0",
    " ",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "=",
    "?",
    "_",
    ".",
    "é",
    "✓",
    "😀",
    "segment ",
    "long-word-",
    "\u{1}",
    "~",
    "<b>",
    "  \n",
];

const ADDR_PIECES: &[&str] = &[
    "a",
    "bob",
    "x.org",
    "@",
    "@",
    ".",
    ",",
    ", ",
    " ",
    "<",
    ">",
    "\"",
    "(",
    ")",
    ":",
    ";",
    "\\",
    "é",
    "Name ",
    "ops@example.org",
    "<dev@example.org>",
    "\"Q, N\" ",
    "=?utf-8?q?J=C3=B6?= ",
    "[",
    "]",
];

const ENTRIES: &[&str] = &[
    "a@x.org",
    "Name <b@y.org>",
    "\"Q, N\" <c@z.org>",
    "d@w.org (Comment)",
    "Team: e@x.org, F <f@y.org>;",
    "Empty: ;",
    "=?utf-8?q?J=C3=B6?= <g@x.org>",
    "Jörg Ü <h@x.org>",
    "\"quoted local\"@x.org",
    "first.last@sub.example.org",
    "<bare@angle.org>",
    "i@x.org (=?koi8-r?q?abc?= x)",
    "=?ISO-8859-1?q?J=F6rg?= <j@x.org>",
    "=?x-unknown?b?SGk=?= <k@x.org>",
];

/// A plausible list (entries and separators), sometimes with one random piece inserted.
fn address_list(rng: &mut TestRng) -> String {
    let n = 1 + rng.below(3);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str(rng.pick(&[", ", ",", " , ", ",, "]));
        }
        s.push_str(rng.pick(ENTRIES));
    }
    if rng.chance(40) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.insert_str(at, rng.pick(ADDR_PIECES));
    }
    s
}

#[test]
fn encoders_match_go() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/email_encode");
    let Some(oracle) = GoOracle::build(&src, "email_encode") else {
        return;
    };
    let mut rng = TestRng::new(0x5eed_e4a1);
    let mut requests = Vec::new();
    for _ in 0..1500 {
        requests.push(Request {
            op: "q",
            input: random_text(&mut rng, TEXT_PIECES, 40),
        });
        requests.push(Request {
            op: "qp",
            input: random_text(&mut rng, TEXT_PIECES, 120),
        });
        requests.push(Request {
            op: "addr",
            input: random_text(&mut rng, ADDR_PIECES, 8),
        });
        requests.push(Request {
            op: "addr",
            input: address_list(&mut rng),
        });
    }
    let replies: Vec<Reply> = oracle.run_json(&requests);
    assert_eq!(replies.len(), requests.len());
    let (mut ok_addr, mut err_addr) = (0, 0);
    for (req, want) in requests.iter().zip(&replies) {
        let input = &req.input;
        match req.op {
            "q" => assert_eq!(message::q_encode(input), want.out, "q {input:?}"),
            "qp" => {
                let got = message::quoted_printable(input.as_bytes());
                assert_eq!(String::from_utf8(got).unwrap(), want.out, "qp {input:?}");
            }
            _ => match address::parse_address_list(input) {
                Ok(list) => {
                    ok_addr += 1;
                    assert_eq!(want.err, "", "addr {input:?}: Go fails, we parse {list:?}");
                    assert_eq!(Some(&list), want.list.as_ref(), "addr {input:?}");
                }
                Err(e) => {
                    err_addr += 1;
                    assert_eq!(e.0, want.err, "addr {input:?}");
                }
            },
        }
    }
    // The generator must exercise both outcomes.
    assert!(
        ok_addr > 100 && err_addr > 100,
        "{ok_addr} ok / {err_addr} errors"
    );
}
