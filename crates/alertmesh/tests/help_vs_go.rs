//! Differential check of `--help` against Debian's Go Alertmanager 0.25
//! (`/usr/bin/prometheus-alertmanager`): every flag Go lists must be listed by alertmesh with the
//! same default, apart from the documented exceptions below. Both help texts use kingpin's
//! layout (`--name=DEFAULT`, `--name=NAME-IN-CAPS` without a default, nothing for booleans), so
//! one parser reads both.

use std::collections::BTreeMap;
use std::process::Command;

/// Flags only Debian's build has (a Debian patch, not upstream Alertmanager).
const ONLY_IN_DEBIAN: &[&str] = &["web.ui-path"];

/// Flags whose default Debian patches to FHS paths; upstream's defaults (`alertmanager.yml`,
/// `data/`) are checked by the flag unit tests instead.
const DEBIAN_DEFAULTS: &[&str] = &["config.file", "storage.path"];

/// Flags added upstream between 0.25 and 0.28, which the 0.25 oracle cannot know.
const ADDED_AFTER_0_25: &[&str] = &[
    "silences.max-silences",           // 0.28
    "silences.max-silence-size-bytes", // 0.28
    "auto-gomemlimit.ratio",           // 0.28
    "cluster.label",                   // 0.26
    "enable-feature",                  // 0.27
    "alerts.per-alertname-limit",      // after 0.28 (upstream HEAD)
    "dispatch.maintenance-interval",   // after 0.28 (upstream HEAD)
    "dispatch.start-delay",            // after 0.28 (upstream HEAD)
    "cluster.peer-name",               // 0.30
];

/// Reads `name → shown value` from a kingpin-style help text (`None` for boolean flags).
fn flags_in_help(help: &str) -> BTreeMap<String, Option<String>> {
    let mut flags = BTreeMap::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        let trimmed = trimmed.strip_prefix("-h, ").unwrap_or(trimmed);
        let Some(rest) = trimmed.strip_prefix("--") else {
            continue;
        };
        // Only flag rows: the flag column starts at a fixed small indent.
        if line.len() - line.trim_start().len() > 6 {
            continue;
        }
        let spec = rest.split_whitespace().next().unwrap_or_default();
        let (name, value) = match spec.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (spec, None),
        };
        flags.insert(name.to_owned(), value);
    }
    flags
}

fn help_of(binary: &str) -> String {
    let output = Command::new(binary)
        .arg("--help")
        .output()
        .expect("cannot run --help");
    assert!(output.status.success(), "{binary} --help failed");
    String::from_utf8(output.stdout).expect("help is UTF-8")
}

#[test]
fn parser_reads_kingpin_rows() {
    let help = "Flags:\n  -h, --help       Show.\n      --a.b=\"x\"  Text --not.a.flag=1\n\
                \x20     --c=C ...\n                   --continued=9 description line\n";
    let flags = flags_in_help(help);
    assert_eq!(flags.len(), 3, "{flags:?}");
    assert_eq!(flags["help"], None);
    assert_eq!(flags["a.b"].as_deref(), Some("\"x\""));
    assert_eq!(flags["c"].as_deref(), Some("C"));
}

#[test]
fn help_lists_every_go_flag_with_the_same_default() {
    let Some(go_binary) = am_testkit::require_tool("prometheus-alertmanager") else {
        return;
    };
    let go = flags_in_help(&help_of(go_binary.to_str().unwrap()));
    let ours = flags_in_help(&help_of(env!("CARGO_BIN_EXE_alertmesh")));
    assert!(go.len() > 30, "parsed too few Go flags: {go:?}");
    // The parser really reads values out of Go's output.
    assert_eq!(go["cluster.pushpull-interval"].as_deref(), Some("1m0s"));
    assert_eq!(go["cluster.peer"].as_deref(), Some("CLUSTER.PEER"));
    assert_eq!(go["web.systemd-socket"], None);

    let mut problems = Vec::new();
    for (name, go_value) in &go {
        if ONLY_IN_DEBIAN.contains(&name.as_str()) {
            continue;
        }
        match ours.get(name) {
            None => problems.push(format!("--{name} is missing")),
            Some(_) if DEBIAN_DEFAULTS.contains(&name.as_str()) => {}
            Some(value) if value != go_value => problems.push(format!(
                "--{name}: Go shows {go_value:?}, alertmesh shows {value:?}"
            )),
            Some(_) => {}
        }
    }
    for name in ours.keys() {
        if !go.contains_key(name) && !ADDED_AFTER_0_25.contains(&name.as_str()) {
            problems.push(format!(
                "--{name} is not in Go 0.25 and not a documented later flag"
            ));
        }
    }
    for name in ADDED_AFTER_0_25 {
        if !ours.contains_key(*name) {
            problems.push(format!("--{name} (added after 0.25) is missing"));
        }
    }
    assert!(
        problems.is_empty(),
        "help differs from Go's:\n{}",
        problems.join("\n")
    );
}
