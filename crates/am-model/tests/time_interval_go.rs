//! Differential test of `am_model::time_interval` against upstream's `timeinterval` package
//! (Debian's alertmanager 0.25 sources), through the Go oracle in `tests/go/timeinterval`.
//!
//! A fixed-seed generator writes a few hundred interval definitions (valid and invalid, as
//! JSON text, which is also YAML) and a few thousand instants chosen around month ends, leap
//! days and DST transitions of the zones in use. One oracle process parses every definition
//! with `yaml.UnmarshalStrict` and evaluates `ContainsTime` on every instant. We compare:
//! accept/reject; the error message (for errors upstream raises itself); the JSON upstream
//! marshals the parsed interval to; and, instant by instant, `contains` (explicitly empty
//! lists, which never match, included).
//!
//! Known differences, excluded explicitly:
//! - Month length in months with a UTC offset change (DST): 0.25 to 0.28 compute it from
//!   elapsed hours, one day short after a spring-forward transition; upstream fixed this after
//!   0.28 (#5447) and we follow the fix. The oracle therefore also reports `wall`: the same
//!   wall-clock reading evaluated in UTC, where the month length is the calendar one, which is
//!   exactly the fixed behaviour. We compare against `wall`, and check that `raw` (0.25 as is)
//!   only differs from `wall` for intervals with `days_of_month` in such months.
//! - Error texts that depend on the YAML library or the file system (unknown fields, wrong
//!   types, location names that are directories or not tz files): only accept/reject.

use std::path::Path;

use am_model::time_interval::TimeInterval;
use am_testkit::{GoOracle, TestRng};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

#[path = "time_interval_go/generate.rs"]
mod generate;
use generate::{Flags, at, gen_definition, gen_instants};

const SEED: u64 = 0x7ea1_0c0d_e5ee_d001;
const DEFINITIONS: usize = 400;

/// Whether `tz` changes its UTC offset during the (local) month that contains `instant`, the
/// only case where upstream 0.25-0.28 get the month length wrong.
fn month_has_offset_change(tz: &TimeZone, instant: Timestamp) -> bool {
    let date = tz.to_datetime(instant).date();
    let first = date.first_of_month();
    let start = at(tz, first.at(0, 0, 0, 0)) - SignedDuration::from_hours(48);
    let end = at(tz, first.last_of_month().at(23, 59, 59, 0)) + SignedDuration::from_hours(48);
    tz.following(start)
        .next()
        .is_some_and(|t| t.timestamp() < end)
}

fn strip_position(message: &str) -> &str {
    // serde_json appends " at line L column C".
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

fn run_oracle(oracle: &GoOracle, instants: &[Timestamp], definitions: &[String]) -> Vec<Value> {
    let seconds: Vec<i64> = instants.iter().map(|t| t.as_second()).collect();
    let mut requests = vec![json!({ "instants": seconds })];
    requests.extend(definitions.iter().map(|d| json!({ "yaml": d })));
    let lines: Vec<Value> = oracle.run_json(&requests);
    assert_eq!(lines.len(), definitions.len());
    lines
}

#[test]
fn matches_upstream_timeinterval_package() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/timeinterval");
    let Some(oracle) = GoOracle::build(&src, "timeinterval-oracle") else {
        return;
    };

    let mut rng = TestRng::new(SEED);
    let instants = gen_instants(&mut rng);
    let (definitions, flags): (Vec<String>, Vec<Flags>) =
        (0..DEFINITIONS).map(|_| gen_definition(&mut rng)).unzip();
    let results = run_oracle(&oracle, &instants, &definitions);

    let mut failures = Vec::new();
    let (mut accepted, mut messages, mut compared, mut inside_count, mut dst_excluded) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut with_empty_list = 0usize;
    for ((definition, flags), go) in definitions.iter().zip(&flags).zip(&results) {
        let ours = serde_json::from_str::<TimeInterval>(definition);
        let go_ok = go["ok"].as_bool().unwrap();
        let ti = match (ours, go_ok) {
            (Ok(ti), true) => ti,
            (Err(e), false) => {
                let go_err = go["err"].as_str().unwrap();
                let ours = e.to_string();
                if !flags.foreign_error && !go_err.starts_with("yaml:") {
                    messages += 1;
                    if strip_position(&ours) != go_err {
                        failures.push(format!(
                            "{definition}\n  error: ours {ours:?}, go {go_err:?}"
                        ));
                    }
                }
                continue;
            }
            (Ok(ti), false) => {
                failures.push(format!(
                    "{definition}\n  we accept ({ti:?}), go: {}",
                    go["err"]
                ));
                continue;
            }
            (Err(e), true) => {
                failures.push(format!("{definition}\n  we refuse ({e}), go accepts"));
                continue;
            }
        };
        accepted += 1;
        let printed = serde_json::to_string(&ti).unwrap();
        if printed != go["json"].as_str().unwrap() {
            failures.push(format!(
                "{definition}\n  json: ours {printed}, go {}",
                go["json"]
            ));
        }
        with_empty_list += usize::from(flags.empty_list);
        let tz = ti
            .location
            .as_ref()
            .map_or(TimeZone::UTC, |l| l.time_zone().clone());
        let raw = go["raw"].as_str().unwrap().as_bytes();
        let wall = go["wall"].as_str().unwrap().as_bytes();
        for (i, instant) in instants.iter().enumerate() {
            compared += 1;
            let inside = ti.contains(*instant);
            inside_count += usize::from(inside);
            if inside != (wall[i] == b'1') {
                failures.push(format!(
                    "{definition}\n  at {instant} ({}): ours {inside}, go {}",
                    tz.to_datetime(*instant),
                    wall[i] as char
                ));
            }
            if raw[i] != wall[i] {
                dst_excluded += 1;
                if ti.days_of_month.as_ref().is_none_or(Vec::is_empty)
                    || !month_has_offset_change(&tz, *instant)
                {
                    failures.push(format!(
                        "{definition}\n  at {instant}: go 0.25 differs from its wall-clock \
                         evaluation outside the DST month-length case",
                    ));
                }
            }
        }
        if failures.len() > 20 {
            break;
        }
    }
    eprintln!(
        "{} definitions ({accepted} accepted, {messages} error messages compared), {} instants, \
         {compared} contains() compared ({inside_count} inside), \
         {dst_excluded} where 0.25's DST month-length bug was excluded, \
         {with_empty_list} accepted with an explicitly empty list",
        definitions.len(),
        instants.len()
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The generator must exercise both outcomes, or the comparison proves little.
    assert!(
        accepted > DEFINITIONS / 4 && accepted < DEFINITIONS * 9 / 10,
        "{accepted} accepted"
    );
    assert!(
        with_empty_list > 0,
        "no accepted definition with an empty list"
    );
    assert!(
        messages > DEFINITIONS / 10,
        "{messages} error messages compared"
    );
    assert!(
        inside_count > compared / 50 && inside_count < compared / 2,
        "{inside_count} of {compared} inside"
    );
}
