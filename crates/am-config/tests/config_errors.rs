//! Every validation rule has a failing fixture; each error must carry the right
//! `file:line: path: ` prefix and message, and all errors of a file are reported at once,
//! sorted by line.

use std::path::{Path, PathBuf};

use am_config::{LoadOptions, load_file, load_str};
use am_model::matcher::ParseMode;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Loads `invalid/<name>` and returns its errors as printed, one per line.
fn errors(name: &str, mode: ParseMode) -> Vec<String> {
    let path = fixture("invalid").join(name);
    match load_file(&path, &LoadOptions { matcher_mode: mode }) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

/// Asserts the errors of `invalid/<name>`: one `(suffix of "file:line: path: ", message
/// part)` per error, in order. The file name is matched as a suffix of the printed path.
fn check(name: &str, mode: ParseMode, expected: &[(&str, &str)]) {
    let got = errors(name, mode);
    assert_eq!(
        got.len(),
        expected.len(),
        "{name} ({mode:?}) errors:\n{}",
        got.join("\n")
    );
    for (line, (prefix, message)) in got.iter().zip(expected) {
        let prefix = format!("/{name}:{prefix}: ");
        let at = line
            .find(&prefix)
            .unwrap_or_else(|| panic!("{name}: want prefix {prefix:?} in {line:?}"));
        let rest = &line[at + prefix.len()..];
        assert!(
            rest.contains(message),
            "{name}: want {message:?} in {line:?}"
        );
    }
}

const FALLBACK: ParseMode = ParseMode::Fallback;

#[test]
fn root_route_rules() {
    check(
        "root_no_receiver.yml",
        FALLBACK,
        &[("1: route", "root route must specify a default receiver")],
    );
    check(
        "root_matchers.yml",
        FALLBACK,
        &[("3: route.matchers", "root route must not have any matchers")],
    );
    check(
        "root_intervals.yml",
        FALLBACK,
        &[
            (
                "3: route.mute_time_intervals",
                "root route must not have any mute time intervals",
            ),
            (
                "4: route.active_time_intervals",
                "root route must not have any active time intervals",
            ),
        ],
    );
    check(
        "root_continue.yml",
        FALLBACK,
        &[("3: route.continue", "cannot have continue in root route")],
    );
}

#[test]
fn zero_intervals() {
    check(
        "zero_intervals.yml",
        FALLBACK,
        &[
            (
                "5: route.routes[0].group_interval",
                "group_interval cannot be zero",
            ),
            (
                "7: route.routes[1].repeat_interval",
                "repeat_interval cannot be zero",
            ),
        ],
    );
}

#[test]
fn group_by_rules() {
    let expected = [
        (
            "5: route.routes[0].group_by",
            "cannot have wildcard group_by (`...`) and other labels at the same time",
        ),
        (
            "7: route.routes[1].group_by[2]",
            r#"duplicated label "alertname" in group_by"#,
        ),
        (
            "9: route.routes[2].group_by[1]",
            r#"invalid label name "" in group_by list"#,
        ),
    ];
    check("group_by.yml", FALLBACK, &expected);
    check("group_by.yml", ParseMode::Classic, &expected);
}

#[test]
fn label_names_depend_on_the_matcher_mode() {
    let path = fixture("invalid").join("group_by_classic.yml");
    for mode in [ParseMode::Fallback, ParseMode::Utf8Strict] {
        assert!(
            load_file(&path, &LoadOptions { matcher_mode: mode }).is_ok(),
            "{mode:?}"
        );
    }
    check(
        "group_by_classic.yml",
        ParseMode::Classic,
        &[
            (
                "3: route.group_by[1]",
                r#"invalid label name "service-name" in group_by list"#,
            ),
            (
                "9: inhibit_rules[0].equal[1]",
                r#"invalid label name "data.center" in equal list"#,
            ),
        ],
    );
}

#[test]
fn match_match_re_and_matchers() {
    check(
        "match_forms.yml",
        FALLBACK,
        &[
            (
                "6: route.routes[0].match.bad-name",
                r#"invalid label name "bad-name""#,
            ),
            (
                "9: route.routes[1].match_re.service",
                "error parsing regexp: missing closing ): `^(?:(unclosed)$`",
            ),
            (
                "12: route.routes[2].match_re.service",
                r#"invalid regexp value for "service""#,
            ),
            ("16: route.routes[3].matchers[1]", "just-a-name"),
        ],
    );
}

#[test]
fn undefined_references() {
    check(
        "undefined_refs.yml",
        FALLBACK,
        &[
            (
                "8: route.routes[1].routes[0].receiver",
                r#"undefined receiver "nobody" used in route"#,
            ),
            (
                "9: route.routes[1].routes[0].active_time_intervals[0]",
                r#"undefined time interval "holidays" used in route"#,
            ),
        ],
    );
}

#[test]
fn duplicate_names() {
    check(
        "receivers_dup.yml",
        FALLBACK,
        &[(
            "6: receivers[2].name",
            r#"notification config name "team" is not unique"#,
        )],
    );
    check(
        "intervals_dup.yml",
        FALLBACK,
        &[
            (
                "7: mute_time_intervals[1].name",
                "missing name in mute time interval",
            ),
            (
                "9: time_intervals[0].name",
                r#"time interval "weekend" is not unique"#,
            ),
            (
                "11: time_intervals[2].name",
                r#"time interval "nights" is not unique"#,
            ),
        ],
    );
}

#[test]
fn inhibit_rules() {
    check(
        "inhibit.yml",
        FALLBACK,
        &[
            (
                "7: inhibit_rules[0].source_match.bad name",
                r#"invalid label name "bad name""#,
            ),
            (
                "9: inhibit_rules[0].target_match_re.severity",
                "error parsing regexp: missing closing ]",
            ),
            ("11: inhibit_rules[1].target_matchers[0]", "=warning"),
            (
                "12: inhibit_rules[1].equal[1]",
                r#"invalid label name "" in equal list"#,
            ),
        ],
    );
}

#[test]
fn unknown_fields_are_refused() {
    check(
        "unknown_fields.yml",
        FALLBACK,
        &[
            ("3: route", r#"unknown field "group_wiat""#),
            ("6", r#"unknown field "tracing""#),
        ],
    );
}

#[test]
fn empty_and_routeless_files() {
    check(
        "empty.yml",
        FALLBACK,
        &[("1", "no route provided in config")],
    );
    check(
        "comments_only.yml",
        FALLBACK,
        &[("1", "no route provided in config")],
    );
    check("no_route.yml", FALLBACK, &[("1", "no routes provided")]);
    let err = load_str("", None, &LoadOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "line 1: no route provided in config");
    let err = load_str("~\n", Some("n.yml"), &LoadOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "n.yml:1: no route provided in config");
    let err = load_str(
        "route:\nreceivers: []\n",
        Some("r.yml"),
        &LoadOptions::default(),
    );
    assert_eq!(err.unwrap_err().to_string(), "r.yml:1: no routes provided");
}

#[test]
fn many_errors_at_once_sorted_by_line() {
    check(
        "many.yml",
        FALLBACK,
        &[
            ("3: route.group_interval", "group_interval cannot be zero"),
            (
                "5: route.routes[0].receiver",
                r#"undefined receiver "ghost" used in route"#,
            ),
            (
                "7: route.routes[1].group_by[1]",
                r#"duplicated label "alertname" in group_by"#,
            ),
            (
                "10: receivers[1].name",
                r#"notification config name "team" is not unique"#,
            ),
            (
                "12: inhibit_rules[0].equal[0]",
                r#"invalid label name "" in equal list"#,
            ),
        ],
    );
}

#[test]
fn unreadable_file_names_the_file() {
    let path = fixture("invalid").join("does-not-exist.yml");
    let err = load_file(&path, &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with(&format!("{}: ", path.display())), "{err}");
    assert!(err.contains("no such file or directory"), "{err}");
}

#[test]
fn errors_inside_receivers_keep_their_path() {
    let src = "route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: 'ftp://x'\n";
    let err = load_str(src, Some("w.yml"), &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("w.yml:6: receivers[0].webhook_configs[0].url: "),
        "{err}"
    );
}
