//! Merge keys (`<<`) and the target type: yaml.v2's strict mode refuses a key that a merge
//! brought into a Go map and that is then set again (explicitly or by another merged map),
//! but not the same in a struct.

use std::collections::BTreeMap;

use am_config::yaml::from_str;
use am_config::{LoadOptions, load_str};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Team {
    team: Option<String>,
    tier: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Doc<T> {
    base: T,
    x: T,
}

/// Decodes `src` with `x` (and `base`) as a map and as a struct; returns the map errors as
/// `line: message` and the struct's `team`.
fn both(src: &str) -> (Vec<String>, Option<String>) {
    let map_errors = match from_str::<Doc<BTreeMap<String, String>>>(src) {
        Ok(_) => Vec::new(),
        Err(e) => {
            e.0.iter()
                .map(|e| format!("{}: {}: {}", e.line.unwrap_or(0), e.path, e.message))
                .collect()
        }
    };
    let (doc, _) = from_str::<Doc<Team>>(src).unwrap_or_else(|e| panic!("struct: {e}\n{src}"));
    assert!(doc.base.team.is_some(), "{src}");
    (map_errors, doc.x.team)
}

#[test]
fn merged_key_set_again() {
    // Explicit key after the merge: the explicit write is refused.
    let (errors, team) = both("base: &b {team: a}\nx:\n  <<: *b\n  team: b\n");
    assert_eq!(errors, [r#"4: x: key "team" already set in map"#]);
    assert_eq!(team.as_deref(), Some("b"));
    // Explicit key before the merge: the merged write (at the anchor) is refused.
    let (errors, team) = both("base: &b {team: a}\nx:\n  team: b\n  <<: *b\n");
    assert_eq!(errors, [r#"1: x: key "team" already set in map"#]);
    assert!(team.is_some());
    // Two merged maps with the same key: yaml.v2 applies the last first, so the first
    // map's write is refused.
    let src = "base: &b {team: a}\nx:\n  <<: [*b, {team: c, tier: t}]\n";
    let (errors, team) = both(src);
    assert_eq!(errors, [r#"1: x: key "team" already set in map"#]);
    assert_eq!(team.as_deref(), Some("a"));
    // A merged map that itself set a merged key again carries the conflict along.
    let src = "base: &b {<<: {team: a}, team: b}\nx: {<<: *b, tier: t}\n";
    let (errors, _) = both(src);
    assert_eq!(
        errors,
        [
            r#"1: base: key "team" already set in map"#,
            r#"1: x: key "team" already set in map"#
        ]
    );
}

#[test]
fn merges_without_conflicts_are_fine_in_maps() {
    let src = "base: &b {team: a}\nx:\n  <<: *b\n  tier: t\n";
    let (errors, team) = both(src);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(team.as_deref(), Some("a"));
    let (doc, _) = from_str::<Doc<Team>>(src).expect("struct");
    assert_eq!(doc.x.tier.as_deref(), Some("t"));
    let (doc, _) = from_str::<Doc<BTreeMap<String, String>>>(src).expect("map");
    let pairs: Vec<(&str, &str)> = doc
        .x
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(pairs, [("team", "a"), ("tier", "t")]);
}

#[test]
fn configuration_maps_and_structs() {
    let opts = LoadOptions::default();
    // `match:` is a map: refused, at the explicit key, like amtool.
    let src = "route:\n  receiver: r\n  routes:\n    - match: &m {team: a}\n    - match:\n        <<: *m\n        team: b\nreceivers: [{name: r}]\n";
    let errors = load_str(src, Some("m.yml"), &opts).expect_err("match map");
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert!(
        errors.0[0]
            .to_string()
            .starts_with(r#"m.yml:7: route.routes[1].match: key "team" already set in map"#),
        "{errors}"
    );
    // Email `headers:` is a map too.
    let src = "route: {receiver: r}\nreceivers:\n  - name: r\n    email_configs:\n      - to: a@example.org\n        from: b@example.org\n        smarthost: mail:25\n        headers: &h {X-Team: a}\n      - to: a@example.org\n        from: b@example.org\n        smarthost: mail:25\n        headers: {<<: *h, X-Team: b}\n";
    let errors = load_str(src, Some("h.yml"), &opts).expect_err("headers map");
    assert!(
        errors.to_string().contains(
            r#"h.yml:12: receivers[0].email_configs[1].headers: key "X-Team" already set in map"#
        ),
        "{errors}"
    );
    // A route is a struct: the explicit key simply wins.
    let src = "route:\n  receiver: r\n  routes:\n    - &c {receiver: r, group_wait: 5s}\n    - <<: *c\n      group_wait: 1m\nreceivers: [{name: r}]\n";
    let config = load_str(src, Some("s.yml"), &opts).expect("struct merge");
    assert_eq!(config.route.routes[1].group_wait.as_secs(), 60);
}
