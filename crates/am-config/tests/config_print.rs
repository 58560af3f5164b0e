//! Printing a configuration (upstream's `Config.String()`): secrets hidden, routes printed as
//! written, and printing then reloading gives the same configuration.

use std::path::Path;

use am_config::{LoadOptions, Route, load_file, load_str};

fn strip_spec(route: &Route) -> Route {
    let mut route = route.clone();
    route.spec = Default::default();
    route.routes = route.routes.iter().map(strip_spec).collect();
    route
}

#[test]
fn print_then_reload_gives_the_same_config() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich.yml");
    let first = load_file(&path, &LoadOptions::default()).unwrap();
    let printed = first.to_yaml();
    let second = match load_str(&printed, Some("printed.yml"), &LoadOptions::default()) {
        Ok(c) => c,
        Err(e) => panic!("printed config does not reload:\n{e}\n---\n{printed}"),
    };
    assert_eq!(strip_spec(&second.route), strip_spec(&first.route));
    assert_eq!(second.inhibit_rules, first.inhibit_rules);
    assert_eq!(second.time_intervals, first.time_intervals);
    assert_eq!(second.templates, first.template_paths);
    assert_eq!(second.receivers.len(), first.receivers.len());
    // Secrets reload as the literal `<secret>` and print the same way again, so the second
    // print is identical to the first one.
    assert_eq!(second.to_yaml(), printed);
}

#[test]
fn secrets_are_hidden() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich.yml");
    let printed = load_file(&path, &LoadOptions::default()).unwrap().to_yaml();
    for secret in [
        "hunter2",
        "abcdef0123456789",
        "hooks.example.net",
        "hooks.internal",
    ] {
        assert!(!printed.contains(secret), "{secret} printed:\n{printed}");
    }
    assert!(
        printed.contains("smtp_auth_password: <secret>"),
        "{printed}"
    );
}

#[test]
fn routes_print_as_written() {
    let src = "\
route:
  receiver: a
  group_by: [x]
  routes:
    - match_re: {svc: ''}
      group_by: []
      routes:
        - matchers: ['b=\"2\", a=~\"1\"']
          repeat_interval: 90m
receivers: [{name: a}]
";
    let config = load_str(src, None, &LoadOptions::default()).unwrap();
    let printed = config.to_yaml();
    let route_part = &printed[printed.find("route:").unwrap()..printed.find("receivers:").unwrap()];
    let want = "\
route:
  receiver: a
  group_by:
  - x
  continue: false
  routes:
  - match_re:
      svc: null
    continue: false
    routes:
    - matchers:
      - a=~\"1\"
      - b=\"2\"
      continue: false
      repeat_interval: 1h30m
";
    assert_eq!(route_part, want);
    assert!(printed.ends_with("templates: []\n"), "{printed}");
    // The resolved tree still has the inherited values.
    let leaf = &config.route.routes[0].routes[0];
    assert_eq!(leaf.group_by.labels(), ["x"]);
    assert_eq!(leaf.receiver, "a");
}
