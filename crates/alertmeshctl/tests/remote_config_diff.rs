//! `cluster show`, `config show`, `config routes [show]`, `config routes test`, amtool's
//! configuration file and `--http.config.file` of alertmeshctl, compared with amtool 0.25 on a
//! real Go Alertmanager 0.25 (upstream `cli/cluster.go`, `cli/config.go`, `cli/routing.go`,
//! `cli/test_routing.go`, `cli/root.go`, `cli/config/config.go`).
//!
//! Differences between amtool 0.25 and the 0.28 we follow:
//! - `config show -o extended` prints Go pointer addresses for the configuration text and
//!   the version fields in amtool; we print the values.
//! - amtool 0.25 asks for /api/v2/status first to compare versions even with
//!   `--no-version-check`; we never check (the fake server answers any number of requests).
//! - `config routes test` with a non-equality label: 0.28 says `Labels must be specified as
//!   key=value pairs`, 0.25 `Failed to parse labels: labels must be …`.
//! - Debian's amtool reads `~/.config/prometheus/amtool.yml`; upstream (and we) read
//!   `~/.config/amtool/config.yml`. The tests write both.

mod common;

use common::{fake_server, run_with, tools};

const CONFIG: &str = r#"
route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: team-a
      matchers: ['team="a"']
      continue: true
      routes:
        - receiver: team-a-crit
          matchers: ['severity="critical"']
    - receiver: team-b
      match_re:
        team: b.*
    - receiver: db
      match:
        service: database
        env: prod
receivers:
  - name: default
  - name: team-a
  - name: team-a-crit
  - name: team-b
  - name: db
"#;

#[test]
fn cluster_and_config_show_match_amtool() {
    let Some(t) = tools(CONFIG) else { return };
    for args in [
        &["cluster"][..],
        &["cluster", "show", "-o", "extended"][..],
        &["cluster", "-o", "json"][..],
        &["config"][..],
        &["config", "show", "-o", "json"][..],
    ] {
        t.same(args);
    }
    // Extended: the config, then version lines where amtool prints pointers, then uptime.
    let theirs = t.amtool(&["config", "-o", "extended"]);
    let ours = t.ctl(&["config", "-o", "extended"]);
    let config = t.ctl(&["config"]).stdout;
    assert!(ours.stdout.starts_with(&config), "{ours:?}");
    assert!(theirs.stdout.starts_with("0x"), "{theirs:?}");
    let ours = common::Run {
        stdout: ours.stdout.replacen(&config, "<config>\n", 1),
        ..ours
    };
    let theirs = common::Run {
        stdout: format!(
            "<config>\n{}",
            theirs.stdout.split_once('\n').map_or("", |(_, rest)| rest)
        ),
        ..theirs
    };
    let strip = |s: &str| {
        s.lines()
            .map(|l| match l.split_once(' ') {
                Some((k, _))
                    if [
                        "buildUser",
                        "goVersion",
                        "revision",
                        "version",
                        "branch",
                        "buildDate",
                    ]
                    .contains(&k) =>
                {
                    k.to_owned()
                }
                _ => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&ours.stdout), strip(&theirs.stdout));
    assert!(theirs.stdout.contains("\nversion 0x"), "{theirs:?}");
    assert!(ours.stdout.contains("\nversion 0.25.0\n"), "{ours:?}");
}

#[test]
fn routes_match_amtool() {
    let Some(t) = tools(CONFIG) else { return };
    let file = t.server.config_path();
    let file_flag = format!("--config.file={}", file.display());
    let cases: Vec<Vec<&str>> = vec![
        vec!["config", "routes"],
        vec!["config", "routes", "show"],
        vec!["config", "routes", "test"],
        vec!["config", "routes", "test", "team=a"],
        vec!["config", "routes", "test", "team=a", "severity=critical"],
        vec![
            "config",
            "routes",
            "test",
            "--tree",
            "team=a",
            "severity=critical",
        ],
        vec!["config", "routes", "test", "--tree", "team=bx"],
        vec![
            "config",
            "routes",
            "test",
            "--tree",
            "service=database",
            "env=prod",
        ],
        vec!["config", "routes", "test", "--tree", "nothing=here"],
        vec![
            "config",
            "routes",
            "test",
            "--verify.receivers=team-a,team-b",
            "team=a",
        ],
        vec![
            "config",
            "routes",
            "test",
            "--verify.receivers=team-a-crit,default",
            "team=a",
            "severity=critical",
        ],
        vec![
            "config",
            "routes",
            "test",
            "--verify.receivers=team-a",
            "team=a",
        ],
        vec!["config", "routes", "test", "team"],
        vec![
            "config",
            "routes",
            "test",
            "--config.file=/nonexistent",
            "team=a",
        ],
        vec!["config", "routes", "--config.file=/nonexistent"],
    ];
    for args in &cases {
        t.same(args);
    }
    // The same from the local file (amtool warns that it overrides the URL).
    for args in &cases[..12] {
        let mut with_file = args.clone();
        with_file.push(&file_flag);
        let r = t.same(&with_file);
        assert!(
            r.stderr
                .starts_with("Warning: --config.file flag overrides"),
            "{r:?}"
        );
    }
    let mismatch = t.same(&cases[9]);
    assert_eq!(mismatch.code, 1);
    assert!(
        mismatch
            .stdout
            .ends_with("WARNING: Expected receivers did not match resolved receivers.\n")
    );
    // 0.28's wording for a label that is not name=value.
    let args = ["config", "routes", "test", "team=~a"];
    let theirs = t.amtool(&args);
    let ours = t.ctl(&args);
    assert_eq!(ours.code, theirs.code);
    assert_eq!(
        ours.stderr,
        "amtool: error: Labels must be specified as key=value pairs\n\n"
    );
    assert_eq!(
        theirs.stderr,
        "amtool: error: Failed to parse labels: labels must be specified as key=value pairs\n\n"
    );
}

#[test]
fn config_file_defaults_match_amtool() {
    let Some(t) = tools(CONFIG) else { return };
    let home = am_testkit::tempdir();
    let yaml = format!(
        "alertmanager.url: {}\noutput: extended\nauthor: from-config\ncomment_required: false\n",
        t.server.url()
    );
    for dir in [".config/amtool", ".config/prometheus"] {
        std::fs::create_dir_all(home.path().join(dir)).expect("mkdir");
    }
    std::fs::write(home.path().join(".config/amtool/config.yml"), &yaml).expect("write");
    std::fs::write(home.path().join(".config/prometheus/amtool.yml"), &yaml).expect("write");
    let ctl = common::ctl_bin();
    for args in [
        &["silence", "add", "Foo"][..],
        &["silence", "add", "Bar", "-a", "flag-wins"][..],
    ] {
        let theirs = run_with(&t.amtool, args, home.path(), "");
        let ours = run_with(&ctl, args, home.path(), "");
        assert_eq!((ours.code, theirs.code), (0, 0), "{ours:?} {theirs:?}");
    }
    for args in [
        &["silence"][..],
        &["silence", "-o", "simple"][..],
        &["cluster"][..],
    ] {
        let theirs = run_with(&t.amtool, args, home.path(), "");
        let ours = run_with(&ctl, args, home.path(), "");
        assert_eq!(
            common::ids(&ours.stdout).lines().count(),
            theirs.stdout.lines().count()
        );
        assert_eq!((ours.code, &ours.stderr), (theirs.code, &theirs.stderr));
    }
    let ours = run_with(&ctl, &["silence", "-o", "json"], home.path(), "");
    assert_eq!(
        ours.stdout.matches(r#""createdBy":"from-config""#).count(),
        2,
        "{ours:?}"
    );
    assert_eq!(
        ours.stdout.matches(r#""createdBy":"flag-wins""#).count(),
        2,
        "{ours:?}"
    );
    let extended = run_with(&ctl, &["silence"], home.path(), "");
    assert!(extended.stdout.starts_with("ID  "), "{extended:?}");
    assert!(extended.stdout.contains("Updated At"), "{extended:?}");
}

#[test]
fn http_config_and_url_credentials_send_the_same_authorization() {
    let Some(t) = tools(CONFIG) else { return };
    const STATUS: &str = r#"{"cluster":{"peers":[],"status":"disabled"},"config":{"original":"x"},"uptime":"2024-01-01T00:00:00.000Z","versionInfo":{"branch":"b","buildDate":"d","buildUser":"u","goVersion":"g","revision":"r","version":"v"}}"#;
    let dir = am_testkit::tempdir();
    let conf = dir.path().join("conf");
    std::fs::create_dir_all(&conf).expect("mkdir");
    // Relative files resolve against the parent of the config file's directory.
    std::fs::write(dir.path().join("token"), "s3cret\n").expect("write");
    let files = [
        (
            "basic.yml",
            "basic_auth:\n  username: alice\n  password: 'p@ss:word'\n",
        ),
        ("bearer.yml", "bearer_token_file: token\n"),
        (
            "authz.yml",
            "authorization:\n  type: Token\n  credentials: abc\n",
        ),
    ];
    let ctl = common::ctl_bin();
    for (name, text) in files {
        let path = conf.join(name);
        std::fs::write(&path, text).expect("write");
        let mut seen = Vec::new();
        for bin in [&t.amtool, &ctl] {
            let (url, rx) = fake_server(200, STATUS, 2);
            let args = [
                format!("--alertmanager.url={url}/prefix"),
                format!("--http.config.file={}", path.display()),
                "--no-version-check".to_owned(),
                "config".to_owned(),
            ];
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = run_with(bin, &args, t.home.path(), "");
            assert_eq!((r.code, r.stdout.as_str()), (0, "x\n"), "{name}: {r:?}");
            let req = rx.try_iter().last().expect("request");
            seen.push((
                req.line.clone(),
                req.header("authorization").map(str::to_owned),
            ));
        }
        assert_eq!(seen[0], seen[1], "{name}");
        assert_eq!(seen[1].0, "GET /prefix/api/v2/status HTTP/1.1");
        assert!(seen[1].1.is_some(), "{name}");
    }
    // Credentials in the URL.
    let mut seen = Vec::new();
    for bin in [&t.amtool, &ctl] {
        let (url, rx) = fake_server(200, STATUS, 2);
        let url = url.replace("http://", "http://bob:pa%3Ass@");
        let r = run_with(
            bin,
            &[&format!("--alertmanager.url={url}"), "cluster"],
            t.home.path(),
            "",
        );
        assert_eq!(r.code, 0, "{r:?}");
        let req = rx.try_iter().last().expect("request");
        seen.push(req.header("authorization").map(str::to_owned));
    }
    assert_eq!(seen[0], seen[1]);
    // Both at once is refused.
    let path = conf.join("basic.yml");
    let args = [
        "--alertmanager.url=http://u:p@127.0.0.1:1".to_owned(),
        format!("--http.config.file={}", path.display()),
        "cluster".to_owned(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ours = run_with(&ctl, &args, t.home.path(), "");
    let theirs = run_with(&t.amtool, &args, t.home.path(), "");
    assert_eq!(ours, theirs);
    // Status codes the spec does not list for an operation.
    let (url, _rx) = fake_server(503, r#""busy""#, 2);
    let flag = format!("--alertmanager.url={url}");
    let ours = run_with(
        &ctl,
        &[
            &flag,
            "silence",
            "expire",
            "4a0c5b2e-0000-4000-8000-000000000000",
        ],
        t.home.path(),
        "",
    );
    assert_eq!(ours.code, 1);
    assert_eq!(
        ours.stderr,
        "amtool: error: [DELETE /silence/{silenceID}] deleteSilence (status 503): {}\n\n"
    );
}
