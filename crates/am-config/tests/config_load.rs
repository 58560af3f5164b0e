//! Loading a rich, valid configuration: every top-level section, inheritance of route
//! options (v0.28 rules), matcher merging and sorting, template path resolution.

use std::path::{Path, PathBuf};
use std::time::Duration;

use am_config::{Config, GroupBy, LoadOptions, Route, load_file, load_str};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn rich() -> Config {
    match load_file(&fixture("rich.yml"), &LoadOptions::default()) {
        Ok(config) => config,
        Err(e) => panic!("rich.yml should load:\n{e}"),
    }
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn labels(names: &[&str]) -> GroupBy {
    GroupBy::Labels(names.iter().map(|s| s.to_string()).collect())
}

fn matchers(route: &Route) -> Vec<String> {
    route.matchers.iter().map(ToString::to_string).collect()
}

#[test]
fn top_level_sections() {
    let config = rich();
    assert_eq!(config.global.resolve_timeout.as_duration(), secs(120));
    assert_eq!(config.global.smtp_from, "alerts@example.net");
    let names: Vec<&str> = config.receivers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ops-webhook", "db-mail", "pager", "chat"]);
    assert_eq!(config.inhibit_rules.len(), 2);
    assert_eq!(
        config.templates,
        ["templates/*.tmpl", "/srv/shared/extra.tmpl"]
    );
    let intervals: Vec<&str> = config
        .time_intervals
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(intervals, ["weekend", "office-hours"]);
    assert_eq!(
        config
            .time_interval("office-hours")
            .map(|t| t.intervals.len()),
        Some(1)
    );
    assert!(config.receiver("pager").is_some() && config.receiver("nobody").is_none());
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    assert_eq!(config.route.count(), 7);
}

#[test]
fn templates_are_joined_to_the_config_directory() {
    let config = rich();
    let dir = fixture("");
    let dir = dir.to_str().unwrap().trim_end_matches('/');
    assert_eq!(
        config.template_paths,
        [
            format!("{dir}/templates/*.tmpl"),
            "/srv/shared/extra.tmpl".to_string()
        ]
    );
    // Loading from a string keeps the globs as written.
    let text = std::fs::read_to_string(fixture("rich.yml")).unwrap();
    let config = load_str(&text, None, &LoadOptions::default()).unwrap();
    assert_eq!(config.template_paths, config.templates);
    assert_eq!(config.original, text);
}

#[test]
fn root_route_defaults_and_explicit_values() {
    let root = rich().route;
    assert_eq!(root.receiver, "ops-webhook");
    assert_eq!(root.group_by, labels(&["alertname", "cluster"]));
    assert_eq!(root.group_wait, secs(45));
    assert_eq!(root.group_interval, secs(300), "default group_interval");
    assert_eq!(root.repeat_interval, secs(3 * 3600));
    assert!(root.matchers.is_empty() && !root.continue_matching);
    assert_eq!(root.routes.len(), 3);
}

#[test]
fn children_inherit_receiver_grouping_and_timings() {
    let root = rich().route;
    let db = &root.routes[0];
    assert_eq!(db.receiver, "db-mail");
    assert_eq!(db.group_by, labels(&["alertname", "cluster"]));
    assert_eq!(
        (db.group_wait, db.group_interval, db.repeat_interval),
        (secs(45), secs(600), secs(3 * 3600))
    );
    assert!(db.continue_matching);
    assert_eq!(db.mute_time_intervals, ["weekend"]);
    // match + match_re merged and sorted; match_re values are anchored like upstream.
    assert_eq!(
        matchers(db),
        [
            r#"service=~"^(?:pg|mysql)$""#,
            r#"team="database""#,
            r#"tier="backend""#
        ]
    );

    let pager = &db.routes[0];
    assert_eq!(pager.receiver, "pager");
    assert_eq!(pager.group_by, GroupBy::All);
    assert_eq!(pager.group_interval, secs(600), "inherited from db-mail");
    assert!(
        pager.mute_time_intervals.is_empty(),
        "mute intervals are not inherited"
    );
    assert_eq!(pager.active_time_intervals, ["office-hours"]);
    assert!(!pager.continue_matching, "continue is not inherited");
    // Two strings, one holding two matchers, all sorted by name.
    assert_eq!(
        matchers(pager),
        [
            r#"env=~"prod|staging""#,
            r#"instance!~"canary-.*""#,
            r#"severity="critical""#
        ]
    );

    let warn = &db.routes[1];
    assert_eq!(warn.receiver, "db-mail");
    assert_eq!(
        warn.group_by,
        labels(&["alertname", "cluster"]),
        "explicit [] inherits in 0.28"
    );
    assert_eq!(matchers(warn), [r#"severity="warning""#]);

    let chat = &root.routes[1];
    assert_eq!(chat.group_by, labels(&["alertname"]));
    assert_eq!(
        (chat.group_wait, chat.group_interval, chat.repeat_interval),
        (secs(5), secs(300), secs(3 * 3600))
    );

    let all = &root.routes[2];
    assert_eq!(all.group_by, GroupBy::All);
    let ui = &all.routes[0];
    assert_eq!(ui.group_by, GroupBy::All, "... is inherited");
    assert_eq!(ui.repeat_interval, secs(24 * 3600));
    assert_eq!(ui.group_wait, secs(45));
}

#[test]
fn inhibit_rules_merge_the_three_forms() {
    let config = rich();
    let rule = &config.inhibit_rules[0];
    let show =
        |m: &am_model::matcher::Matchers| m.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(show(&rule.source_matchers), [r#"severity="critical""#]);
    assert_eq!(show(&rule.target_matchers), [r#"severity="warning""#]);
    assert_eq!(rule.equal, ["alertname", "cluster"]);
    let rule = &config.inhibit_rules[1];
    assert_eq!(
        show(&rule.source_matchers),
        [
            r#"alertname=~"^(?:Node(Down|Unreachable))$""#,
            r#"env="prod""#
        ]
    );
    assert_eq!(show(&rule.target_matchers), [r#"severity=~"warning|info""#]);
    assert_eq!(rule.equal, ["instance"]);
}

#[test]
fn receivers_inherit_from_global() {
    let config = rich();
    let mail = config.receiver("db-mail").unwrap();
    assert_eq!(mail.email_configs.len(), 1);
    let printed = serde_json::to_value(&mail.email_configs[0]).unwrap();
    assert_eq!(printed["from"], "alerts@example.net");
    assert_eq!(printed["smarthost"], "mail.example.net:587");
    assert_eq!(printed["auth_password"], "<secret>");
}

#[test]
fn minimal_config_uses_upstream_defaults() {
    let src = "route:\n  receiver: x\nreceivers:\n  - name: x\n";
    let config = load_str(src, None, &LoadOptions::default()).unwrap();
    let root = &config.route;
    assert_eq!(root.group_by, GroupBy::Labels(vec![]));
    assert_eq!(
        (root.group_wait, root.group_interval, root.repeat_interval),
        (secs(30), secs(300), secs(4 * 3600))
    );
    assert_eq!(config.global.resolve_timeout.as_duration(), secs(300));
    assert!(config.templates.is_empty() && config.inhibit_rules.is_empty());
}

#[test]
fn classic_only_matchers_load_with_a_warning_in_fallback_mode() {
    // `foo=bar baz` is not valid for the UTF-8 parser (unquoted space) but the classic parser
    // reads it; upstream loads it and logs a warning.
    let src = "route:\n  receiver: x\n  routes:\n    - receiver: x\n      matchers: ['foo=bar baz']\nreceivers:\n  - name: x\n";
    let config = load_str(src, Some("am.yml"), &LoadOptions::default()).unwrap();
    assert_eq!(matchers(&config.route.routes[0]), [r#"foo="bar baz""#]);
    assert_eq!(config.warnings.len(), 1);
    let warning = config.warnings[0].to_string();
    assert!(
        warning.starts_with("am.yml:5: route.routes[0].matchers[0]: "),
        "{warning}"
    );
    let strict = LoadOptions {
        matcher_mode: am_model::matcher::ParseMode::Utf8Strict,
    };
    let err = load_str(src, Some("am.yml"), &strict)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("am.yml:5: route.routes[0].matchers[0]: "),
        "{err}"
    );
}
