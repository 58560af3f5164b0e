//! Test data for `time_interval_go.rs`: a deterministic generator of time interval
//! definitions (valid and invalid, as JSON text, which is also YAML) and of instants around
//! month ends, leap days and the UTC offset changes of the zones in use.

use am_testkit::TestRng;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// Zones upstream and we both load. Chosen for DST in either hemisphere, half-hour and
/// 45-minute offsets, negative DST (Dublin, Casablanca), a skipped day (Apia, Dec 2011),
/// midnight transitions (Beirut, Santiago) and +14/-12 offsets.
pub const ZONES: &[&str] = &[
    "UTC",
    "",
    "Local",
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Apia",
    "America/Sao_Paulo",
    "Pacific/Chatham",
    "Asia/Tehran",
    "Africa/Casablanca",
    "Europe/Dublin",
    "America/Santiago",
    "Etc/GMT+12",
    "Pacific/Kiritimati",
    "Antarctica/Troll",
    "Asia/Beirut",
    "America/St_Johns",
    "Australia/Sydney",
    "EST5EDT",
    "Etc/UTC",
    "posixrules",
];

/// Names both must refuse.
pub const BAD_ZONES: &[&str] = &[
    "europe/paris",
    "utc",
    "local",
    "Mars/Olympus",
    "../UTC",
    "/etc/localtime",
    "\\UTC",
    "Europe",
    "Europe/Paris/",
    "zone.tab",
    " UTC",
    "UTC ",
];

pub const WEEKDAYS: &[&str] = &[
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

pub const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub fn random_case(rng: &mut TestRng, s: &str) -> String {
    match rng.below(4) {
        0 => s.to_uppercase(),
        1 => s
            .chars()
            .map(|c| {
                if rng.chance(50) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect(),
        _ => s.to_owned(),
    }
}

/// What a definition contains that limits what can be compared.
#[derive(Default)]
pub struct Flags {
    /// Error texts come from the YAML library or the file system.
    pub foreign_error: bool,
    /// An explicitly empty list (such an interval never matches).
    pub empty_list: bool,
}

pub fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

pub fn gen_time_range(rng: &mut TestRng, flags: &mut Flags) -> Value {
    const BAD: &[&str] = &[
        "24:01", "25:00", "9:00", "09:60", "09:00:00", "0900", "", "24:00", "-1:00", "23:5",
    ];
    if rng.chance(2) {
        return Value::Null;
    }
    let a = rng.range(0, 1440);
    let b = rng.range(0, 1440);
    let (mut start, mut end) = (clock(a.min(b)), clock(a.max(b)));
    if rng.chance(4) {
        start = (rng.pick(BAD)).to_owned();
    }
    if rng.chance(4) {
        end = (rng.pick(BAD)).to_owned();
    }
    if rng.chance(3) {
        std::mem::swap(&mut start, &mut end);
    }
    let mut range = serde_json::Map::new();
    if !rng.chance(2) {
        range.insert("start_time".into(), json!(start));
    }
    if !rng.chance(2) {
        range.insert("end_time".into(), json!(end));
    }
    if rng.chance(1) {
        range.insert("start".into(), json!("01:00"));
        flags.foreign_error = true;
    }
    Value::Object(range)
}

pub fn gen_weekday(rng: &mut TestRng) -> Value {
    const BAD: &[&str] = &[
        "mon",
        "1",
        "",
        "monday:",
        ":",
        "monday:tuesday:friday",
        "funday",
    ];
    match rng.below(100) {
        0..=1 => Value::Null,
        2..=7 => json!(rng.pick(BAD)),
        8..=19 => {
            let day = rng.pick(WEEKDAYS);
            json!(random_case(rng, day))
        }
        _ => {
            let a = rng.below(7);
            let b = rng.below(7);
            let (a, b) = if rng.chance(90) {
                (a.min(b), a.max(b))
            } else {
                (a, b)
            };
            json!(random_case(
                rng,
                &format!("{}:{}", WEEKDAYS[a], WEEKDAYS[b])
            ))
        }
    }
}

pub fn gen_day(rng: &mut TestRng) -> Value {
    const BAD: &[&str] = &[
        "0",
        "32",
        "-32",
        "x",
        "1:2:3",
        "+5",
        "05",
        "1:",
        "-0",
        "99999999999999999999",
        "1 ",
    ];
    let day = |rng: &mut TestRng, negative: bool| {
        let d = rng.range(1, 31);
        if negative { -d } else { d }
    };
    match rng.below(100) {
        0..=1 => Value::Null,
        2..=8 => json!(rng.pick(BAD)),
        9..=12 => json!(rng.range(-33, 33)), // a YAML integer
        13..=24 => {
            let negative = rng.chance(40);
            json!(day(rng, negative).to_string())
        }
        _ => {
            let (na, nb) = match rng.below(10) {
                0..=4 => (false, false),
                5..=7 => (true, true),
                8 => (false, true),
                _ => (true, false),
            };
            let (a, b) = (day(rng, na), day(rng, nb));
            let (a, b) = if na == nb && rng.chance(85) {
                (a.min(b), a.max(b))
            } else {
                (a, b)
            };
            json!(format!("{a}:{b}"))
        }
    }
}

pub fn gen_month(rng: &mut TestRng) -> Value {
    const BAD: &[&str] = &["jan", "", "1:2:3", "13:2", "may:", "99999999999999999999"];
    let member = |rng: &mut TestRng, m: usize| {
        if rng.chance(50) {
            random_case(rng, MONTHS[m - 1])
        } else {
            m.to_string()
        }
    };
    match rng.below(100) {
        0..=1 => Value::Null,
        2..=6 => json!(rng.pick(BAD)),
        7..=9 => json!(rng.range(-1, 14).to_string()), // numbers are not range-checked
        10..=24 => {
            let m = rng.range(1, 12) as usize;
            json!(member(rng, m))
        }
        _ => {
            let a = rng.range(1, 12) as usize;
            let b = rng.range(1, 12) as usize;
            let (a, b) = if rng.chance(90) {
                (a.min(b), a.max(b))
            } else {
                (a, b)
            };
            json!(format!("{}:{}", member(rng, a), member(rng, b)))
        }
    }
}

pub fn gen_year(rng: &mut TestRng) -> Value {
    const BAD: &[&str] = &[
        "twenty",
        "",
        "2020:",
        "2020:2021:2022",
        "99999999999999999999",
    ];
    let year = |rng: &mut TestRng| {
        if rng.chance(85) {
            rng.range(1995, 2045)
        } else {
            rng.range(1890, 2110)
        }
    };
    match rng.below(100) {
        0..=1 => Value::Null,
        2..=6 => json!(rng.pick(BAD)),
        7..=9 => json!(year(rng)), // a YAML integer
        10..=29 => json!(year(rng).to_string()),
        _ => {
            let a = year(rng);
            let b = year(rng);
            let (a, b) = if rng.chance(92) {
                (a.min(b), a.max(b))
            } else {
                (a, b)
            };
            json!(format!("{a}:{b}"))
        }
    }
}

pub fn gen_list(
    rng: &mut TestRng,
    flags: &mut Flags,
    item: &mut dyn FnMut(&mut TestRng, &mut Flags) -> Value,
) -> Value {
    if rng.chance(3) {
        return Value::Null;
    }
    if rng.chance(3) {
        flags.empty_list = true;
        return json!([]);
    }
    let n = if rng.chance(60) { 1 } else { rng.range(2, 3) };
    Value::Array((0..n).map(|_| item(rng, flags)).collect())
}

pub fn gen_definition(rng: &mut TestRng) -> (String, Flags) {
    let mut flags = Flags::default();
    if rng.chance(1) {
        return ("null".to_owned(), flags);
    }
    let mut fields: Vec<(&str, Value)> = Vec::new();
    if rng.chance(45) {
        fields.push(("times", gen_list(rng, &mut flags, &mut gen_time_range)));
    }
    if rng.chance(40) {
        fields.push((
            "weekdays",
            gen_list(rng, &mut flags, &mut |r, _| gen_weekday(r)),
        ));
    }
    if rng.chance(45) {
        fields.push((
            "days_of_month",
            gen_list(rng, &mut flags, &mut |r, _| gen_day(r)),
        ));
    }
    if rng.chance(35) {
        fields.push((
            "months",
            gen_list(rng, &mut flags, &mut |r, _| gen_month(r)),
        ));
    }
    if rng.chance(30) {
        fields.push(("years", gen_list(rng, &mut flags, &mut |r, _| gen_year(r))));
    }
    if rng.chance(75) {
        let location = match rng.below(100) {
            0..=1 => Value::Null,
            2..=8 => {
                flags.foreign_error = true;
                json!(rng.pick(BAD_ZONES))
            }
            _ => json!(rng.pick(ZONES)),
        };
        fields.push(("location", location));
    }
    if rng.chance(2) {
        fields.push(("weekday", json!(["monday"])));
        flags.foreign_error = true;
    }
    // Shuffle so that errors surface in varying field order.
    rng.shuffle(&mut fields);
    let object: serde_json::Map<String, Value> =
        fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    (Value::Object(object).to_string(), flags)
}

pub fn zone(name: &str) -> TimeZone {
    match name {
        "" | "UTC" => TimeZone::UTC,
        "Local" => TimeZone::system(),
        _ => TimeZone::get(name).expect(name),
    }
}

pub fn at(tz: &TimeZone, dt: DateTime) -> Timestamp {
    tz.to_timestamp(dt).expect("in range")
}

/// Instants around the interesting places of every zone, plus uniform ones.
pub fn gen_instants(rng: &mut TestRng) -> Vec<Timestamp> {
    let mut out = Vec::new();
    let minute = SignedDuration::from_mins(1);
    for name in ZONES {
        let tz = zone(name);
        // Transitions: just before, at and just after, and an hour on either side.
        let from = Timestamp::from_second(rng.range(946_684_800, 1_700_000_000)).unwrap();
        for transition in tz.following(from).take(12) {
            let t = transition.timestamp();
            for delta in [-61, -60, -1, 0, 1, 59, 60] {
                out.push(t + minute * delta);
            }
        }
        // Month ends in local time (leap years included).
        for _ in 0..14 {
            let year = rng.pick(&[1900i16, 2000, 2011, 2021, 2023, 2024, 2025, 2036, 2048]);
            let month = rng.range(1, 12) as i8;
            let first = Date::new(year, month, 1).unwrap();
            let last = first.last_of_month();
            for (date, h, m) in [
                (last, 23, 59),
                (last, 12, 0),
                (last, 0, 0),
                (last.yesterday().unwrap(), 12, 0),
                (last.tomorrow().unwrap(), 0, 0),
                (first, 0, 0),
                (Date::new(year, month, 28).unwrap(), 23, 59),
            ] {
                out.push(at(&tz, date.at(h, m, 0, 0)));
            }
        }
    }
    // Uniform instants over four centuries, and more of them near today.
    for _ in 0..1200 {
        out.push(Timestamp::from_second(rng.range(-5_364_662_400, 7_258_118_400)).unwrap());
    }
    for _ in 0..1200 {
        out.push(Timestamp::from_second(rng.range(946_684_800, 2_208_988_800)).unwrap());
    }
    out
}
