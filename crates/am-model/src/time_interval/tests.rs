//! Unit tests for `time_interval`: parsing and validation messages, serde shapes, and
//! `contains` across month ends, leap years, negative days, clamping and DST changes.

use jiff::{Timestamp, ZonedDateTime};

use super::*;

fn interval(json: &str) -> TimeInterval {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn parse_error(json: &str) -> String {
    match serde_json::from_str::<TimeInterval>(json) {
        Ok(ti) => panic!("{json} parsed as {ti:?}"),
        Err(e) => e.to_string(),
    }
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// An instant written as local wall-clock time with a zone, e.g. `2024-03-31T01:30[Europe/Paris]`.
fn local(text: &str) -> Timestamp {
    text.parse::<ZonedDateTime>()
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .timestamp()
}

/// Counts the minutes of the UTC span `[from, from + minutes)` inside the interval.
fn minutes_inside(ti: &TimeInterval, from: Timestamp, minutes: i64) -> usize {
    (0..minutes)
        .filter(|m| ti.contains(from + jiff::SignedDuration::from_mins(*m)))
        .count()
}

#[test]
fn clock_times_parse_like_upstream() {
    let ok = |s: &str, e: &str| TimeRange::parse(s, e).unwrap();
    assert_eq!(ok("00:00", "24:00"), TimeRange::new(0, 1440).unwrap());
    assert_eq!(ok("09:30", "17:05").start_minute(), 570);
    assert_eq!(ok("09:30", "17:05").end_minute(), 1025);
    assert_eq!(ok("23:59", "24:00").start_minute(), 1439);
    for bad in [
        "24:01", "25:00", "9:00", "09:60", "09:00:00", "0900", "09:0a", " 09:00", "09:00\n",
        "２3:00",
    ] {
        assert_eq!(
            TimeRange::parse(bad, "24:00").unwrap_err().to_string(),
            format!("couldn't parse timestamp {bad}, invalid format")
        );
    }
    let reversed = "start time cannot be equal or greater than end time";
    assert_eq!(
        TimeRange::parse("24:00", "24:00").unwrap_err().to_string(),
        reversed
    );
    assert_eq!(
        TimeRange::parse("10:00", "10:00").unwrap_err().to_string(),
        reversed
    );
    assert_eq!(
        TimeRange::parse("10:01", "10:00").unwrap_err().to_string(),
        reversed
    );
    let missing = "both start and end times must be provided";
    assert_eq!(
        TimeRange::parse("", "10:00").unwrap_err().to_string(),
        missing
    );
    assert_eq!(
        TimeRange::new(0, 1441),
        Err(TimeIntervalError::MinuteOutOfRange(1441))
    );
    assert_eq!(TimeRange::new(5, 5), Err(TimeIntervalError::TimesReversed));
}

#[test]
fn weekday_ranges() {
    let r: WeekdayRange = "Monday:FRIDAY".parse().unwrap();
    assert_eq!((r.begin(), r.end()), (1, 5));
    let r: WeekdayRange = "sunday".parse().unwrap();
    assert_eq!((r.begin(), r.end()), (0, 0));
    assert!(r.contains(jiff::civil::Weekday::Sunday));
    assert!(!r.contains(jiff::civil::Weekday::Saturday));
    let err = |s: &str| s.parse::<WeekdayRange>().unwrap_err().to_string();
    assert_eq!(err("friday:monday"), "start day cannot be before end day");
    assert_eq!(err("Mon"), "mon is not a valid weekday");
    assert_eq!(err("1"), "1 is not a valid weekday");
    assert_eq!(err("monday:"), " is not a valid weekday");
    assert_eq!(
        err("monday:Tuesday:wednesday"),
        "couldn't parse range monday:tuesday:wednesday, invalid format"
    );
    assert_eq!(
        WeekdayRange::new(jiff::civil::Weekday::Saturday, jiff::civil::Weekday::Sunday),
        Err(TimeIntervalError::WeekdaysReversed)
    );
}

#[test]
fn day_of_month_ranges_validate_like_upstream() {
    let ok = |s: &str| {
        let r: DayOfMonthRange = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        (r.begin(), r.end())
    };
    assert_eq!(ok("1:5"), (1, 5));
    assert_eq!(ok("-3:-1"), (-3, -1));
    assert_eq!(ok("1:-1"), (1, -1));
    assert_eq!(ok("+7"), (7, 7));
    assert_eq!(ok("05:031"), (5, 31));
    assert_eq!(ok("27:-1"), (27, -1)); // day 27 <= day 28 of a 28-day month
    assert_eq!(ok("-31:-1"), (-31, -1));
    let err = |s: &str| s.parse::<DayOfMonthRange>().unwrap_err().to_string();
    assert_eq!(err("0"), "0 is not a valid day of the month: out of range");
    assert_eq!(err("-0"), "0 is not a valid day of the month: out of range");
    assert_eq!(
        err("32"),
        "32 is not a valid day of the month: out of range"
    );
    assert_eq!(
        err("1:-32"),
        "-32 is not a valid day of the month: out of range"
    );
    assert_eq!(
        err("-1:5"),
        "end day must be negative if start day is negative"
    );
    assert_eq!(err("5:1"), "end day 1 is always before start day 5");
    assert_eq!(err("-1:-3"), "end day -3 is always before start day -1");
    assert_eq!(err("28:-1"), "end day -1 is always before start day 28");
    assert_eq!(err("x"), r#"strconv.Atoi: parsing "x": invalid syntax"#);
    assert_eq!(err("1:"), r#"strconv.Atoi: parsing "": invalid syntax"#);
    assert_eq!(err("1 "), r#"strconv.Atoi: parsing "1 ": invalid syntax"#);
    assert_eq!(err("+"), r#"strconv.Atoi: parsing "+": invalid syntax"#);
    assert_eq!(err("1\t"), r#"strconv.Atoi: parsing "1\t": invalid syntax"#);
    assert_eq!(
        err("1\u{a0}"),
        r#"strconv.Atoi: parsing "1\u00a0": invalid syntax"#
    );
    assert_eq!(
        err("-99999999999999999999"),
        r#"strconv.Atoi: parsing "-99999999999999999999": value out of range"#
    );
    // i64::MIN parses (and is then out of range as a day).
    assert_eq!(
        err("-9223372036854775808"),
        "-9223372036854775808 is not a valid day of the month: out of range"
    );
    assert_eq!(
        err("9223372036854775808"),
        r#"strconv.Atoi: parsing "9223372036854775808": value out of range"#
    );
}

#[test]
fn month_and_year_ranges() {
    let m: MonthRange = "May:august".parse().unwrap();
    assert_eq!((m.begin(), m.end()), (5, 8));
    assert_eq!(m.to_string(), "5:8");
    let m: MonthRange = "0:13".parse().unwrap(); // not range-checked upstream
    assert_eq!((m.begin(), m.end()), (0, 13));
    let err = |s: &str| s.parse::<MonthRange>().unwrap_err().to_string();
    assert_eq!(
        err("December:January"),
        "end month january is before start month december"
    );
    assert_eq!(err("13:2"), "end month february is before start month ");
    assert_eq!(err("foo"), "foo is not a valid month");
    assert_eq!(err("jan:99999999999999999999"), "jan is not a valid month");
    assert_eq!(
        err("may:99999999999999999999"),
        "99999999999999999999 is not a valid month"
    );

    let y: YearRange = "2020:2022".parse().unwrap();
    assert_eq!((y.begin(), y.end()), (2020, 2022));
    assert!(y.contains(2021) && !y.contains(2023) && !y.contains(2019));
    assert_eq!(
        "2030:2020".parse::<YearRange>().unwrap_err().to_string(),
        "end year 2020 is before start year 2030"
    );
    assert_eq!(
        "twenty".parse::<YearRange>().unwrap_err().to_string(),
        r#"strconv.Atoi: parsing "twenty": invalid syntax"#
    );
}

#[test]
fn ranges_print_like_upstream_marshal() {
    let show = |json: &str| serde_json::to_string(&interval(json)).unwrap();
    assert_eq!(
        show(
            r#"{"times": [{"start_time": "17:00", "end_time": "24:00"}],
                "weekdays": ["Monday:Monday", "TUESDAY:friday"],
                "days_of_month": ["1:1", "-3:-1", "1:-1"],
                "months": ["may:August", "12", "december:december"],
                "years": ["2020:2022", "2024"],
                "location": "Europe/Paris"}"#
        ),
        r#"{"times":[{"start_time":"17:00","end_time":"24:00"}],"weekdays":["monday","tuesday:friday"],"days_of_month":["1","-3:-1","1:-1"],"months":["5:8","12","12"],"years":["2020:2022","2024"],"location":"Europe/Paris"}"#
    );
    assert_eq!(show("{}"), "{}");
    assert_eq!(
        show(r#"{"weekdays": [], "location": ""}"#),
        r#"{"location":"UTC"}"#
    );
    // Parsing what we print gives the same interval back.
    let ti = interval(
        r#"{"weekdays": ["Sunday:saturday"], "months": ["FEBRUARY"], "days_of_month": ["+3:-1"],
            "times": [{"start_time": "00:00", "end_time": "00:01"}], "location": "Local"}"#,
    );
    let again: TimeInterval = serde_json::from_str(&serde_json::to_string(&ti).unwrap()).unwrap();
    assert_eq!(again, ti);
}

#[test]
fn deserialize_shapes_and_errors() {
    // Scalars that are not strings read as their text, as yaml.v2 does for Go strings.
    let ti = interval(r#"{"days_of_month": [-1, 15], "years": [2024], "months": [3]}"#);
    assert_eq!(ti.days_of_month.as_ref().unwrap()[0].to_string(), "-1");
    assert_eq!(ti.years.as_ref().unwrap()[0].to_string(), "2024");
    assert_eq!(ti.months.as_ref().unwrap()[0].to_string(), "3");
    // null lists and a null interval place no restriction.
    assert_eq!(
        interval(r#"{"weekdays": null, "location": null}"#),
        TimeInterval::default()
    );
    assert_eq!(interval("null"), TimeInterval::default());
    // Null entries keep upstream's zero values: Sunday, and ranges that match nothing.
    let ti = interval(r#"{"weekdays": [null], "days_of_month": [null], "times": [null]}"#);
    assert_eq!(ti.weekdays.as_ref().unwrap()[0].to_string(), "sunday");
    assert_eq!(ti.days_of_month.as_ref().unwrap()[0].to_string(), "0");
    let times = ti.times.as_ref().unwrap();
    assert_eq!((times[0].start_minute(), times[0].end_minute()), (0, 0));
    assert!(!ti.contains(ts("2024-01-07T12:00:00Z")));

    assert!(parse_error(r#"{"weekday": ["monday"]}"#).contains("unknown field `weekday`"));
    assert!(
        parse_error(r#"{"times": [{"start_time": "01:00", "end_time": "02:00", "x": 1}]}"#)
            .contains("unknown field `x`")
    );
    assert!(
        parse_error(r#"{"times": [{"start_time": "01:00"}]}"#)
            .starts_with("both start and end times must be provided")
    );
    assert!(
        parse_error(r#"{"times": [{"start_time": "24:00", "end_time": "24:00"}]}"#)
            .starts_with("start time cannot be equal or greater than end time")
    );
    assert!(
        parse_error(r#"{"weekdays": ["funday"]}"#).starts_with("funday is not a valid weekday")
    );
    assert!(parse_error(r#"{"weekdays": [["monday"]]}"#).contains("invalid type"));
    assert!(
        parse_error(r#"{"location": "Mars/Olympus"}"#)
            .starts_with("unknown time zone Mars/Olympus")
    );
}

#[test]
fn locations() {
    assert!(
        std::path::Path::new("/usr/share/zoneinfo/Europe/Paris").is_file(),
        "the system tz database (Debian package tzdata) is missing"
    );
    for name in [
        "UTC",
        "Local",
        "Europe/Paris",
        "America/New_York",
        "Etc/GMT+5",
        "EST5EDT",
    ] {
        assert_eq!(Location::new(name).unwrap().to_string(), name);
    }
    assert_eq!(Location::new("").unwrap().name(), "UTC");
    assert_eq!(Location::new("").unwrap(), Location::utc());
    let err = |s: &str| Location::new(s).unwrap_err().to_string();
    // Go opens the file by name: the case must match on Linux.
    assert_eq!(err("europe/paris"), "unknown time zone europe/paris");
    assert_eq!(err("utc"), "unknown time zone utc");
    assert_eq!(err("local"), "unknown time zone local");
    assert_eq!(err("Mars/Olympus"), "unknown time zone Mars/Olympus");
    assert_eq!(err("../zoneinfo/UTC"), "time: invalid location name");
    assert_eq!(
        err("/usr/share/zoneinfo/UTC"),
        "time: invalid location name"
    );
    assert_eq!(err("\\UTC"), "time: invalid location name");
}

#[test]
fn default_location_is_utc() {
    let ti = interval(r#"{"times": [{"start_time": "09:00", "end_time": "17:00"}]}"#);
    assert!(ti.contains(ts("2024-01-01T09:00:00Z")));
    assert!(ti.contains(ts("2024-01-01T16:59:59Z")));
    assert!(!ti.contains(ts("2024-01-01T17:00:00Z")));
    assert!(!ti.contains(ts("2024-01-01T09:30:00+01:00")));
    assert!(TimeInterval::default().contains(ts("1900-01-01T00:00:00Z")));
}

#[test]
fn times_until_midnight_and_or_and() {
    let ti = interval(
        r#"{"times": [{"start_time": "00:00", "end_time": "01:00"},
                      {"start_time": "17:00", "end_time": "24:00"}],
            "weekdays": ["saturday"]}"#,
    );
    assert!(ti.contains(ts("2024-06-01T23:59:59Z"))); // Saturday
    assert!(ti.contains(ts("2024-06-01T00:30:00Z")));
    assert!(!ti.contains(ts("2024-06-02T00:00:00Z"))); // Sunday
    assert!(!ti.contains(ts("2024-06-01T16:59:00Z")));
    assert!(!ti.contains(ts("2024-05-31T23:00:00Z"))); // Friday
    assert_eq!(
        minutes_inside(&ti, ts("2024-06-01T00:00:00Z"), 3 * 1440),
        60 + 7 * 60
    );
}

#[test]
fn explicit_empty_list_matches_nothing() {
    // Upstream checks each list for nil, not for length: `[]` is a list no instant is in,
    // while an absent or null list places no restriction.
    let week = ts("2024-06-03T00:00:00Z"); // a Monday
    let everything = [
        ("times", r#"[{"start_time": "00:00", "end_time": "24:00"}]"#),
        ("weekdays", r#"["sunday:saturday"]"#),
        ("days_of_month", r#"["1:-1"]"#),
        ("months", r#"["1:12"]"#),
        ("years", r#"["2024"]"#),
    ];
    let all = |replace: Option<(&str, &str)>| {
        let fields: Vec<String> = everything
            .iter()
            .map(|&(name, value)| match replace {
                Some((field, other)) if field == name => format!(r#""{name}": {other}"#),
                _ => format!(r#""{name}": {value}"#),
            })
            .collect();
        interval(&format!("{{{}}}", fields.join(", ")))
    };
    assert_eq!(minutes_inside(&all(None), week, 7 * 1440), 7 * 1440);
    for (field, _) in everything {
        let empty = interval(&format!(r#"{{"{field}": []}}"#));
        assert_eq!(minutes_inside(&empty, week, 7 * 1440), 0, "{field}: []");
        let null = interval(&format!(r#"{{"{field}": null}}"#));
        assert_eq!(null, TimeInterval::default(), "{field}: null");
        assert_eq!(
            minutes_inside(&null, week, 7 * 1440),
            7 * 1440,
            "{field}: null"
        );
        // Among lists that contain the whole week, the empty one still vetoes everything.
        let mixed = all(Some((field, "[]")));
        assert_eq!(
            minutes_inside(&mixed, week, 7 * 1440),
            0,
            "{field}: [] mixed"
        );
        let mixed = all(Some((field, "null")));
        assert_eq!(
            minutes_inside(&mixed, week, 7 * 1440),
            7 * 1440,
            "{field}: null mixed"
        );
    }
    // The two still differ after parsing, and printing drops both (upstream's omitempty).
    let empty = interval(r#"{"weekdays": [], "location": "UTC"}"#);
    assert_eq!(empty.weekdays, Some(Vec::new()));
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"location":"UTC"}"#
    );
}

/// Month lengths written out by hand for 2023 (not leap) and 2024 (leap).
const LENGTHS_2023: [i8; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

#[test]
fn last_day_of_every_month() {
    let last = interval(r#"{"days_of_month": ["-1"]}"#);
    let second_last = interval(r#"{"days_of_month": ["-2:-2"]}"#);
    for year in [2023i16, 2024] {
        for (i, &len) in LENGTHS_2023.iter().enumerate() {
            let len = if year == 2024 && i == 1 { 29 } else { len };
            let month = i as i8 + 1;
            let noon = |day: i8| {
                jiff::civil::date(year, month, day)
                    .at(12, 0, 0, 0)
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .unwrap()
                    .timestamp()
            };
            assert!(last.contains(noon(len)), "{year}-{month}-{len}");
            assert!(!last.contains(noon(len - 1)), "{year}-{month}-{}", len - 1);
            assert!(!last.contains(noon(1)));
            assert!(second_last.contains(noon(len - 1)));
            assert!(!second_last.contains(noon(len)));
        }
    }
}

#[test]
fn leap_years() {
    let last = interval(r#"{"days_of_month": ["-1"], "months": ["february"]}"#);
    assert!(last.contains(ts("2024-02-29T00:00:00Z")));
    assert!(!last.contains(ts("2024-02-28T23:59:00Z")));
    assert!(last.contains(ts("2000-02-29T12:00:00Z"))); // divisible by 400: leap
    assert!(!last.contains(ts("2000-02-28T12:00:00Z")));
    assert!(last.contains(ts("1900-02-28T12:00:00Z"))); // divisible by 100: not leap
    assert!(last.contains(ts("2023-02-28T12:00:00Z")));
    assert!(!last.contains(ts("2024-03-01T00:00:00Z")));
    let day29 = interval(r#"{"days_of_month": ["29"]}"#);
    assert!(day29.contains(ts("2024-02-29T12:00:00Z")));
    assert!(!day29.contains(ts("1900-03-01T12:00:00Z")));
}

#[test]
fn days_of_month_clamping() {
    let inside = |days: &str, day: &str| {
        interval(&format!(r#"{{"days_of_month": ["{days}"]}}"#))
            .contains(ts(&format!("{day}T12:00:00Z")))
    };
    // An end past the month's last day is clamped to it.
    assert!(inside("25:31", "2023-02-28"));
    assert!(inside("30:31", "2024-04-30"));
    assert!(!inside("30:31", "2024-05-01"));
    // A start past the month's last day matches nothing that month.
    assert!(!inside("29:31", "2023-02-28"));
    assert!(!inside("31", "2024-04-30"));
    assert!(inside("31", "2024-05-31"));
    // -31 in a 28-day month resolves before day 1: the whole month.
    assert!(inside("-31:-1", "2023-02-01"));
    assert!(inside("-31:-29", "2024-01-01"));
    assert!(inside("-31:-29", "2024-01-03"));
    assert!(!inside("-31:-29", "2024-01-04"));
    assert!(!inside("-31:-29", "2023-02-01")); // resolves to days -2..0
    // Positive start, negative end.
    assert!(inside("1:-1", "2023-02-28"));
    assert!(inside("13:-15", "2024-01-17"));
    assert!(!inside("13:-15", "2024-01-18"));
    assert!(inside("13:-15", "2023-02-14")); // resolves to days 13..14
    assert!(!inside("13:-15", "2023-02-15"));
}

#[test]
fn intervals_in_local_time() {
    let office = interval(
        r#"{"weekdays": ["monday:friday"], "location": "Europe/Paris",
            "times": [{"start_time": "09:00", "end_time": "17:00"}]}"#,
    );
    assert!(office.contains(ts("2024-07-01T07:00:00Z"))); // Monday 09:00 CEST
    assert!(!office.contains(ts("2024-01-01T07:00:00Z"))); // Monday 08:00 CET
    assert!(office.contains(ts("2024-01-01T08:00:00Z")));
    assert!(office.contains(ts("2024-01-05T15:59:00Z"))); // Friday 16:59 CET
    assert!(!office.contains(ts("2024-01-06T08:00:00Z"))); // Saturday
    // Weekday, year and month are read in the location too.
    let monday_tokyo = interval(r#"{"weekdays": ["monday"], "location": "Asia/Tokyo"}"#);
    assert!(monday_tokyo.contains(ts("2024-01-07T15:30:00Z"))); // Sunday in UTC
    assert!(!interval(r#"{"weekdays": ["monday"]}"#).contains(ts("2024-01-07T15:30:00Z")));
    let years = interval(r#"{"years": ["2020:2022"], "location": "Pacific/Kiritimati"}"#);
    assert!(years.contains(ts("2019-12-31T10:00:00Z"))); // 2020-01-01 00:00 at +14
    assert!(!years.contains(ts("2019-12-31T09:59:00Z")));
    assert!(years.contains(ts("2022-12-31T09:59:00Z")));
    assert!(!years.contains(ts("2022-12-31T10:00:00Z")));
    let summer = interval(r#"{"months": ["may:august"], "location": "America/New_York"}"#);
    assert!(summer.contains(ts("2024-09-01T03:59:00Z"))); // Aug 31 23:59 EDT
    assert!(!summer.contains(ts("2024-09-01T04:00:00Z")));
    assert!(!summer.contains(ts("2024-05-01T03:59:00Z")));
    assert!(summer.contains(ts("2024-05-01T04:00:00Z")));
}

#[test]
fn dst_skipped_and_repeated_hours() {
    let paris = |from: &str, to: &str| {
        interval(&format!(
            r#"{{"location": "Europe/Paris", "times": [{{"start_time": "{from}", "end_time": "{to}"}}]}}"#
        ))
    };
    // 2024-03-31: 02:00 CET jumps to 03:00 CEST. The 02:xx hour never happens.
    assert_eq!(
        minutes_inside(&paris("02:00", "03:00"), ts("2024-03-30T20:00:00Z"), 720),
        0
    );
    assert_eq!(
        minutes_inside(&paris("02:00", "03:00"), ts("2024-03-29T20:00:00Z"), 720),
        60
    );
    assert_eq!(
        minutes_inside(&paris("01:00", "04:00"), ts("2024-03-30T20:00:00Z"), 720),
        120
    );
    assert!(paris("03:00", "04:00").contains(local("2024-03-31T03:00[Europe/Paris]")));
    assert!(paris("03:00", "04:00").contains(ts("2024-03-31T01:00:00Z")));
    // 2024-10-27: 03:00 CEST goes back to 02:00 CET. The 02:xx hour happens twice.
    assert_eq!(
        minutes_inside(&paris("02:00", "03:00"), ts("2024-10-26T20:00:00Z"), 720),
        120
    );
    assert!(paris("02:00", "03:00").contains(ts("2024-10-27T00:30:00Z"))); // 02:30 CEST
    assert!(paris("02:00", "03:00").contains(ts("2024-10-27T01:30:00Z"))); // 02:30 CET
    assert!(!paris("02:00", "03:00").contains(ts("2024-10-27T02:00:00Z"))); // 03:00 CET

    let new_york = |from: &str, to: &str| {
        interval(&format!(
            r#"{{"location": "America/New_York", "times": [{{"start_time": "{from}", "end_time": "{to}"}}]}}"#
        ))
    };
    // 2024-03-10: 02:00 EST jumps to 03:00 EDT.
    assert_eq!(
        minutes_inside(
            &new_york("02:00", "03:00"),
            ts("2024-03-10T00:00:00Z"),
            1440
        ),
        0
    );
    // The 10th of March, read in New York, lasts 23 hours.
    let tenth = interval(r#"{"location": "America/New_York", "days_of_month": ["10"]}"#);
    assert_eq!(
        minutes_inside(&tenth, ts("2024-03-09T12:00:00Z"), 2880),
        1380
    );
    // 2024-11-03: 02:00 EDT goes back to 01:00 EST; 01:xx happens twice, the day has 25 hours.
    assert_eq!(
        minutes_inside(
            &new_york("01:00", "02:00"),
            ts("2024-11-03T00:00:00Z"),
            1440
        ),
        120
    );
    let third = interval(r#"{"location": "America/New_York", "days_of_month": ["3"]}"#);
    assert_eq!(
        minutes_inside(&third, ts("2024-11-02T12:00:00Z"), 2880),
        1500
    );
    assert!(new_york("01:00", "02:00").contains(local("2024-11-03T01:30-04:00[America/New_York]")));
    assert!(new_york("01:00", "02:00").contains(local("2024-11-03T01:30-05:00[America/New_York]")));
}

/// Upstream up to 0.28 got the month length wrong in spring-forward months; HEAD fixed it
/// (#5447) and so do we.
#[test]
fn negative_days_across_dst_follow_the_head_fix() {
    let last_ny = interval(r#"{"days_of_month": ["-1"], "location": "America/New_York"}"#);
    assert!(last_ny.contains(ts("2021-03-31T16:00:00Z"))); // 31 Mar 21 12:00 -0400
    assert!(!last_ny.contains(ts("2021-03-30T16:00:00Z")));
    let last_paris = interval(r#"{"days_of_month": ["-1"], "location": "Europe/Paris"}"#);
    assert!(last_paris.contains(local("2024-03-31T12:00[Europe/Paris]")));
    assert!(!last_paris.contains(local("2024-03-30T12:00[Europe/Paris]")));
    assert!(last_paris.contains(local("2024-10-31T23:59[Europe/Paris]")));
    let day31 = interval(r#"{"days_of_month": ["28:31"], "location": "Europe/Paris"}"#);
    assert!(day31.contains(local("2024-03-31T23:59[Europe/Paris]")));
    // Pacific/Apia skipped 30 December 2011 entirely; the month still has 31 days.
    let last_apia = interval(r#"{"days_of_month": ["-1"], "location": "Pacific/Apia"}"#);
    assert!(last_apia.contains(local("2011-12-31T12:00[Pacific/Apia]")));
    assert!(!last_apia.contains(local("2011-12-29T12:00[Pacific/Apia]")));
}
