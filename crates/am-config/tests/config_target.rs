//! The configuration from the published HA tutorial (docs: target-deployment.md) uses
//! `subject:` and `body:` in `email_configs`, which upstream's strict loader rejects. We must
//! reject it too, naming every occurrence with its line and suggesting the right spelling.

use std::path::Path;

use am_config::{LoadOptions, load_file, load_str};

#[test]
fn published_config_is_rejected_with_hints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/target-deployment.yml");
    let errors = load_file(&path, &LoadOptions::default()).unwrap_err();
    let printed: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    let expected = [
        (21, 0, "subject"),
        (22, 0, "body"),
        (30, 1, "subject"),
        (31, 1, "body"),
        (41, 2, "subject"),
        (42, 2, "body"),
    ];
    assert_eq!(printed.len(), expected.len(), "{}", printed.join("\n"));
    for (line, (want_line, receiver, field)) in printed.iter().zip(expected) {
        let prefix =
            format!("target-deployment.yml:{want_line}: receivers[{receiver}].email_configs[0]: ");
        assert!(line.contains(&prefix), "want {prefix:?} in {line:?}");
        assert!(
            line.contains(&format!("unknown field \"{field}\"")),
            "{line}"
        );
        let hint = if field == "subject" {
            "headers: {Subject: ...}"
        } else {
            "text:"
        };
        assert!(line.contains(hint), "want hint {hint:?} in {line:?}");
    }
}

#[test]
fn corrected_config_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/target-deployment.yml");
    let text = std::fs::read_to_string(path).unwrap();
    let fixed = text
        .replace("subject: '", "headers: {Subject: '")
        .replace("notification'", "notification'}")
        .replace("alertname }}'", "alertname }}'}")
        .replace("body: |", "text: |");
    let config = match load_str(&fixed, Some("fixed.yml"), &LoadOptions::default()) {
        Ok(c) => c,
        Err(e) => panic!("{e}\n{fixed}"),
    };
    assert_eq!(config.receivers.len(), 3);
    assert_eq!(config.inhibit_rules.len(), 1);
    assert_eq!(config.route.routes.len(), 2);
    assert_eq!(config.route.routes[0].receiver, "critical-alerts");
    assert_eq!(config.route.routes[1].repeat_interval.as_secs(), 12 * 3600);
}
