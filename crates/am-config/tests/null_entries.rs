//! Null entries in the top-level lists and in `routes:` (`routes: [~]`). yaml.v2 gives a
//! null struct element its zero value without calling its `UnmarshalYAML`, and a null
//! pointer element `nil`; upstream v0.28 therefore accepts a nameless receiver or time
//! interval, treats a null inhibition rule like `{}`, and crashes on a null child route,
//! which we refuse with an error at its path.

use am_config::error::ConfigErrors;
use am_config::{Config, LoadOptions, load_str};

fn load(src: &str) -> Result<Config, ConfigErrors> {
    load_str(src, Some("null.yml"), &LoadOptions::default())
}

fn accepted(src: &str) -> Config {
    load(src).unwrap_or_else(|e| panic!("should load:\n{src}\n{e}"))
}

fn rejected(src: &str) -> Vec<String> {
    match load(src) {
        Ok(_) => panic!("should not load:\n{src}"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn null_child_route_is_refused_at_its_path() {
    let src =
        "route:\n  receiver: a\n  routes:\n    - receiver: a\n    - ~\nreceivers:\n  - name: a\n";
    let errors = rejected(src);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("null.yml:5: route.routes[1]: route must not be empty"),
        "{errors:?}"
    );
    // Deeper in the tree, and in flow style.
    let src = "route:\n  receiver: a\n  routes: [{routes: [{}, ~]}]\nreceivers: [{name: a}]\n";
    let errors = rejected(src);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(": route.routes[0].routes[1]: route must not be empty"),
        "{errors:?}"
    );
    // An empty mapping is a route that matches everything, and is fine.
    let config = accepted("route:\n  receiver: a\n  routes: [{}]\nreceivers: [{name: a}]\n");
    assert_eq!(config.route.routes.len(), 1);
    assert_eq!(config.route.routes[0].receiver, "a");
}

#[test]
fn null_receiver_is_a_nameless_receiver() {
    let config = accepted("route: {receiver: a}\nreceivers:\n  - name: a\n  - ~\n");
    let names: Vec<&str> = config.receivers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["a", ""]);
    assert!(config.receivers[1].webhook_configs.is_empty());
    assert!(
        config.to_yaml().contains("- name: \"\"\n"),
        "{}",
        config.to_yaml()
    );
    // Two of them share the name "".
    let errors = rejected("route: {receiver: a}\nreceivers:\n  - name: a\n  - ~\n  - ~\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .starts_with("null.yml:5: receivers[2]: notification config name \"\" is not unique"),
        "{errors:?}"
    );
    // An explicit entry without a name still needs one.
    let errors = rejected("route: {receiver: a}\nreceivers:\n  - name: a\n  - {}\n");
    assert!(errors[0].contains("missing name in receiver"), "{errors:?}");
}

#[test]
fn null_inhibit_rule_is_an_empty_rule() {
    let base = "route: {receiver: a}\nreceivers: [{name: a}]\n";
    let null = accepted(&format!("{base}inhibit_rules: [~]\n"));
    let empty = accepted(&format!("{base}inhibit_rules: [{{}}]\n"));
    assert_eq!(null.inhibit_rules.len(), 1);
    assert_eq!(null.inhibit_rules, empty.inhibit_rules);
}

#[test]
fn null_time_interval_is_a_nameless_interval() {
    let base =
        "route:\n  receiver: a\n  routes: [{mute_time_intervals: ['']}]\nreceivers: [{name: a}]\n";
    for list in ["time_intervals", "mute_time_intervals"] {
        let config = accepted(&format!("{base}{list}: [~]\n"));
        assert_eq!(config.time_intervals.len(), 1, "{list}");
        assert_eq!(config.time_intervals[0].name, "", "{list}");
        assert!(config.time_intervals[0].intervals.is_empty(), "{list}");
    }
    // Nameless intervals collide with each other, across the two lists too.
    let errors = rejected(&format!(
        "{base}mute_time_intervals: [~]\ntime_intervals:\n  - name: x\n  - ~\n"
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("time_intervals[1]: time interval \"\" is not unique"),
        "{errors:?}"
    );
    // An explicit entry without a name still needs one.
    let errors = rejected(&format!("{base}time_intervals: [{{time_intervals: []}}]\n"));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("missing name in time interval")),
        "{errors:?}"
    );
}
