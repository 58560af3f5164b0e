//! Differential test of `gofmt` against Go's `fmt`: thousands of generated format strings and
//! argument lists (integers, floats including NaN/Inf/-0/huge/tiny, strings with Unicode,
//! quotes and control characters, booleans, `[]string`, `map[string]string`,
//! `[]interface {}`, nil, `template.HTML`, `time.Duration`, `time.Time` in several zones) run
//! through one Go process (`tests/go/gofmt/main.go`) and compared byte for byte with
//! `sprintf`, `sprint` and `sprintln`. Deterministic: fixed seed.
//!
//! Characters whose printability changed between Unicode 13 (Go 1.19, the local oracle) and
//! Unicode 15 (Go 1.23, the target) are not generated.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use am_template::gofmt::{sprint, sprintf, sprintln};
use am_template::gotime::{GoTime, Location};
use am_template::value::{ContentKind, Value};
use am_testkit::{GoOracle, TestRng};
use serde::Serialize;

#[derive(Serialize, Clone, Debug, Default)]
struct Arg {
    t: &'static str,
    s: String,
    b: bool,
    list: Vec<String>,
    map: BTreeMap<String, String>,
    args: Vec<Arg>,
    zone: String,
    off: i32,
    nsec: i64,
}

#[derive(Serialize, Debug)]
struct Request {
    mode: &'static str,
    format: String,
    args: Vec<Arg>,
}

fn location(zone: &str, off: i32) -> Location {
    match zone {
        "UTC" => Location::utc(),
        "Local" => Location::local(),
        "" => Location::fixed("", off),
        z if z.starts_with('=') => Location::fixed(&z[1..], off),
        z => Location::load(z).expect("zone exists"),
    }
}

fn to_value(a: &Arg) -> Value {
    match a.t {
        "nil" => Value::Nil,
        "int" => Value::Int(a.s.parse().expect("int")),
        "uint" => Value::Uint(a.s.parse().expect("uint")),
        "float" => Value::Float(f64::from_bits(u64::from_str_radix(&a.s, 16).expect("bits"))),
        "string" => Value::str(&a.s),
        "html" => Value::Typed(ContentKind::Html, Arc::from(a.s.as_str())),
        "bool" => Value::Bool(a.b),
        "strings" => Value::strings(a.list.clone()),
        "map" => Value::string_map(a.map.clone()),
        "ifaces" => Value::slice("[]interface {}", a.args.iter().map(to_value).collect()),
        "duration" => Value::Duration(a.s.parse().expect("duration")),
        "time" => Value::Time(GoTime::from_unix(
            a.s.parse().expect("sec"),
            a.nsec,
            location(&a.zone, a.off),
        )),
        other => panic!("unknown arg type {other}"),
    }
}

const STRING_PARTS: &[&str] = &[
    "a",
    "hello",
    " ",
    "x y",
    "é",
    "日本語",
    "😀",
    "Ω",
    "e\u{301}",
    "\"",
    "'",
    "`",
    "\\",
    "\n",
    "\t",
    "\r",
    "\u{0}",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{80}",
    "\u{a0}",
    "\u{ad}",
    "\u{200b}",
    "\u{2028}",
    "\u{feff}",
    "\u{fffd}",
    "\u{e000}",
    "\u{10ffff}",
    "%",
    "%d",
    "<b>",
    "&amp;",
    "0",
    "-1",
    "{{",
    "]",
];

fn gen_string(rng: &mut TestRng) -> String {
    let n = rng.below(5);
    rng.concat(STRING_PARTS, n)
}

fn gen_int(rng: &mut TestRng) -> i64 {
    match rng.below(10) {
        0 => rng.pick(&[
            0,
            1,
            -1,
            i64::MIN,
            i64::MAX,
            255,
            -255,
            0x10ffff,
            0x110000,
            0xd800,
        ]),
        1..=3 => rng.range(-300, 300),
        4 => rng.range(0x20, 0x3000),
        5 => rng.range(0x1f000, 0x1f650),
        6..=7 => rng.range(-1_000_000_000, 1_000_000_000),
        _ => rng.next_u64() as i64,
    }
}

fn gen_float(rng: &mut TestRng) -> f64 {
    match rng.below(12) {
        0 => rng.pick(&[
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            1e21,
            1e20,
            1e-4,
            1e-5,
            0.1,
            2.5,
            0.125,
            1.0 / 3.0,
            100.0,
            123456.0,
            1234567.0,
            1e6,
            -1e-7,
        ]),
        1..=3 => {
            rng.range(-100_000, 100_000) as f64 / rng.pick(&[1.0, 10.0, 100.0, 1000.0, 8.0, 3.0])
        }
        4..=5 => {
            rng.range(-1_000_000_000, 1_000_000_000) as f64 * 10f64.powi(rng.range(-30, 30) as i32)
        }
        6 => f64::from_bits(rng.next_u64()),
        7 => (rng.range(0, 1 << 53) as f64) * 2f64.powi(rng.range(-1100, 1000) as i32),
        _ => rng.range(-1000, 1000) as f64 + rng.pick(&[0.5, 0.25, 0.05, 0.005, 0.0, 0.999_999_9]),
    }
}

const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("Local", 0),
    ("Europe/Paris", 0),
    ("America/New_York", 0),
    ("Asia/Kolkata", 0),
    ("Australia/Lord_Howe", 0),
    ("", 7200),
    ("=XYZ", -34_200),
];

fn gen_arg(rng: &mut TestRng, depth: usize) -> Arg {
    let mut a = Arg::default();
    let kinds: &[&'static str] = if depth > 0 {
        &["int", "string", "float", "bool", "nil", "uint", "duration"]
    } else {
        &[
            "int", "int", "int", "float", "float", "float", "string", "string", "string", "bool",
            "nil", "uint", "strings", "map", "ifaces", "html", "duration", "time",
        ]
    };
    a.t = rng.pick(kinds);
    match a.t {
        "int" | "duration" => a.s = gen_int(rng).to_string(),
        "uint" => a.s = (gen_int(rng) as u64).to_string(),
        "float" => a.s = format!("{:x}", gen_float(rng).to_bits()),
        "string" | "html" => a.s = gen_string(rng),
        "bool" => a.b = rng.chance(50),
        "strings" => a.list = (0..rng.below(4)).map(|_| gen_string(rng)).collect(),
        "map" => {
            a.map = (0..rng.below(4))
                .map(|_| (gen_string(rng), gen_string(rng)))
                .collect();
        }
        "ifaces" => a.args = (0..rng.below(4)).map(|_| gen_arg(rng, depth + 1)).collect(),
        "time" => {
            let (zone, off) = rng.pick(ZONES);
            a.zone = zone.to_string();
            a.off = off;
            a.s = match rng.below(4) {
                0 => "-62135596800".to_string(),
                _ => rng.range(-62_135_596_800, 253_402_300_799).to_string(),
            };
            a.nsec = rng.pick(&[0, 5, 123_000_000, 999_999_999, 100]);
        }
        _ => {}
    }
    a
}

const VERBS: &[char] = &[
    'v', 'v', 'v', 'v', 'd', 'd', 's', 's', 'q', 'x', 'X', 't', 'b', 'c', 'o', 'O', 'U', 'e', 'E',
    'f', 'F', 'g', 'G', 'T', '%', 'z', '!', 'é', 'w', 'p',
];

fn gen_directive(rng: &mut TestRng, nargs: usize, allow_p: bool, allow_w: bool) -> String {
    let mut d = String::from("%");
    for _ in 0..rng.below(3) {
        d.push(rng.pick(&['+', '-', '#', ' ', '0']));
    }
    if rng.chance(6) {
        d.push_str(&format!("[{}]", rng.below(nargs + 2)));
    }
    match rng.below(10) {
        0..=2 => d.push_str(&rng.below(26).to_string()),
        3 => d.push('*'),
        _ => {}
    }
    match rng.below(20) {
        0 => d.push('.'),
        1..=5 => d.push_str(&format!(".{}", rng.below(14))),
        6 => d.push_str(".*"),
        _ => {}
    }
    if rng.chance(4) {
        d.push_str(&format!("[{}]", rng.below(nargs + 2)));
    }
    let mut verb = rng.pick(VERBS);
    while (verb == 'p' && !allow_p) || (verb == 'w' && !allow_w) {
        verb = rng.pick(VERBS);
    }
    d.push(verb);
    d
}

fn gen_printf(rng: &mut TestRng) -> Request {
    let nargs = rng.below(5);
    let mut args: Vec<Arg> = (0..nargs).map(|_| gen_arg(rng, 0)).collect();
    // `*` wants integers: make some arguments small ints.
    for a in &mut args {
        if rng.chance(15) {
            *a = Arg {
                t: "int",
                s: rng.range(-30, 30).to_string(),
                ..Arg::default()
            };
        }
    }
    let allow_p = !args
        .iter()
        .any(|a| matches!(a.t, "strings" | "map" | "ifaces"));
    let allow_w = !args.iter().any(|a| a.t == "ifaces");
    let mut format = String::new();
    for _ in 0..=rng.below(4) {
        if rng.chance(30) {
            format.push_str(&gen_string(rng).replace('%', "%%"));
        } else {
            format.push_str(&gen_directive(rng, nargs, allow_p, allow_w));
        }
    }
    if rng.chance(3) {
        format.push('%');
    }
    // A time.Time printed with a verb its String method does not serve shows its location
    // pointer (an address); only UTC times (nil location) print deterministically then.
    let method_verbs_only = format.split('%').skip(1).all(|d| {
        d.is_empty()
            || d.chars()
                .any(|c| matches!(c, 'v' | 's' | 'q' | 'x' | 'X' | 'T'))
    });
    if !method_verbs_only || format.contains(['w', 'p']) {
        for a in &mut args {
            if a.t == "time" {
                a.zone = "UTC".to_string();
            }
        }
    }
    Request {
        mode: "printf",
        format,
        args,
    }
}

#[test]
fn gofmt_matches_go() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/gofmt");
    let Some(oracle) = GoOracle::build(&src, "gofmt-oracle") else {
        return;
    };
    let mut rng = TestRng::new(0x60f_3a7);
    let mut requests: Vec<Request> = (0..7000).map(|_| gen_printf(&mut rng)).collect();
    for i in 0..2000 {
        let args = (0..rng.below(5)).map(|_| gen_arg(&mut rng, 0)).collect();
        requests.push(Request {
            mode: if i % 4 == 0 { "sprintln" } else { "sprint" },
            format: String::new(),
            args,
        });
    }
    let answers: Vec<String> = oracle.run_json(&requests);
    assert_eq!(answers.len(), requests.len());
    let mut failures = Vec::new();
    for (req, want) in requests.iter().zip(&answers) {
        let args: Vec<Value> = req.args.iter().map(to_value).collect();
        let got = match req.mode {
            "printf" => sprintf(&req.format, &args),
            "sprint" => sprint(&args),
            _ => sprintln(&args),
        };
        if &got != want {
            failures.push(format!(
                "{} {:?} {:?}\n   go: {want:?}\n rust: {got:?}",
                req.mode, req.format, req.args
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ; first ones:\n{}",
        failures.len(),
        requests.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}
