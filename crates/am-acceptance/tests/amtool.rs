//! Drives a server with the real `amtool` 0.25 (`cli/*.go` upstream): alerts, silences (add,
//! query, update, expire, import), cluster and config commands, checking outputs and exit codes.
//! The same suite runs against Go Alertmanager and against alertmesh (skipped while alertmesh
//! does not serve the API, unless `ALERTMESH_REQUIRE_SERVER=1`).

use std::path::Path;
use std::process::Command;

use am_testkit::{Flavor, Server, flavor_available, require_tool};
use serde_json::Value;

const CONFIG: &str = r#"
global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname]
  routes:
  - receiver: team-a
    matchers: ['team="a"']
receivers:
- name: default
- name: team-a
"#;

struct Amtool<'a> {
    bin: std::path::PathBuf,
    server: &'a Server,
    home: tempfile::TempDir,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("amtool output is not JSON ({e}): {}", self.stdout))
    }
}

impl Amtool<'_> {
    /// Runs amtool with `--alertmanager.url` and a private HOME (no user config file).
    fn run(&self, args: &[&str]) -> Out {
        let out = Command::new(&self.bin)
            .arg(format!("--alertmanager.url={}", self.server.url()))
            .args(args)
            .env("HOME", self.home.path())
            .env("USER", "tester")
            .output()
            .expect("cannot run amtool");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and requires exit code 0.
    fn ok(&self, args: &[&str]) -> Out {
        let out = self.run(args);
        assert_eq!(
            out.code,
            0,
            "amtool {args:?} failed\nstdout: {}\nstderr: {}\nserver stderr:\n{}",
            out.stdout,
            out.stderr,
            self.server.stderr()
        );
        out
    }
}

fn alert_names(table: &str) -> Vec<String> {
    table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

fn suite(flavor: Flavor) {
    let Some(bin) = require_tool("amtool") else {
        return;
    };
    let server = Server::start(flavor, CONFIG).unwrap_or_else(|e| panic!("{e}"));
    let am = Amtool {
        bin,
        server: &server,
        home: am_testkit::tempdir(),
    };

    // Alerts.
    am.ok(&[
        "alert",
        "add",
        "HighLatency",
        "team=a",
        "instance=h1",
        "--annotation=summary=slow",
    ]);
    am.ok(&[
        "alert",
        "add",
        "alertname=DiskFull",
        "team=b",
        "--annotation=summary=full",
    ]);
    // Sorted by fingerprint string, as upstream's GET /api/v2/alerts.
    let table = am.ok(&["alert", "query"]).stdout;
    assert_eq!(alert_names(&table), ["HighLatency", "DiskFull"], "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains("HighLatency") && l.contains("slow") && l.contains("active"))
    );
    let json = am
        .ok(&["alert", "query", "-o", "json", "HighLatency"])
        .json();
    let alerts = json.as_array().expect("array");
    assert_eq!(alerts.len(), 1, "{json:#}");
    let a = &alerts[0];
    assert_eq!(
        a["labels"],
        serde_json::json!({"alertname": "HighLatency", "instance": "h1", "team": "a"})
    );
    assert_eq!(a["annotations"]["summary"], "slow");
    // FNV-1a of the label set, as upstream's model.LabelSet.Fingerprint().
    assert_eq!(a["fingerprint"], "8f2d6fbcc5f4b0fe");
    assert_eq!(a["receivers"], serde_json::json!([{"name": "team-a"}]));
    assert_eq!(a["status"]["state"], "active");
    let filtered = am.ok(&["alert", "query", "team=a", "instance=~h."]).stdout;
    assert_eq!(alert_names(&filtered), ["HighLatency"]);
    assert!(alert_names(&am.ok(&["alert", "query", "team=c"]).stdout).is_empty());
    let by_receiver = am.ok(&["alert", "query", "-r", "default"]).stdout;
    assert_eq!(alert_names(&by_receiver), ["DiskFull"]);

    // Silences: add, query.
    let id = am
        .ok(&[
            "silence",
            "add",
            "alertname=HighLatency",
            "-c",
            "test",
            "-a",
            "me",
            "-d",
            "1h",
        ])
        .stdout
        .trim()
        .to_string();
    assert_eq!(id.len(), 36, "silence id {id:?}");
    assert_eq!(am.ok(&["silence", "query", "-q"]).stdout.trim(), id);
    let table = am.ok(&["silence", "query"]).stdout;
    assert!(
        table.contains(&id) && table.contains(r#"alertname="HighLatency""#),
        "{table}"
    );
    let exported = am.ok(&["silence", "query", "-o", "json"]).stdout;
    let sil = serde_json::from_str::<Value>(&exported).expect("json")[0].clone();
    assert_eq!(sil["id"], id.as_str());
    assert_eq!(sil["createdBy"], "me");
    assert_eq!(sil["comment"], "test");
    assert_eq!(sil["status"]["state"], "active");
    assert_eq!(
        sil["matchers"],
        serde_json::json!([{"isEqual": true, "isRegex": false, "name": "alertname", "value": "HighLatency"}])
    );
    assert_eq!(
        alert_names(&am.ok(&["alert", "query"]).stdout),
        ["DiskFull"]
    );
    let silenced = am.ok(&["alert", "query", "-s"]).stdout;
    assert!(
        silenced
            .lines()
            .any(|l| l.starts_with("HighLatency") && l.contains("suppressed")),
        "{silenced}"
    );

    // Update in place (active silence, same matchers and start): same id.
    am.ok(&["silence", "update", &id, "-d", "2h", "-c", "updated"]);
    let after = am.ok(&["silence", "query", "-o", "json"]).json();
    assert_eq!(after.as_array().map(Vec::len), Some(1), "{after:#}");
    assert_eq!(after[0]["id"], id.as_str());
    assert_eq!(after[0]["comment"], "updated");
    assert_eq!(after[0]["startsAt"], sil["startsAt"]);
    assert_ne!(after[0]["endsAt"], sil["endsAt"]);

    // Expire; then it is only listed with --expired and the alert is active again.
    am.ok(&["silence", "expire", &id]);
    assert_eq!(am.ok(&["silence", "query", "-q"]).stdout.trim(), "");
    assert!(
        am.ok(&["silence", "query", "--expired", "-q"])
            .stdout
            .contains(&id)
    );
    assert_eq!(
        alert_names(&am.ok(&["alert", "query"]).stdout),
        ["HighLatency", "DiskFull"]
    );

    // Import the exported JSON: the old silence is expired, so a new one is created.
    let file = am.home.path().join("silences.json");
    std::fs::write(&file, &exported).expect("write export");
    am.ok(&["silence", "import", path_str(&file)]);
    let imported = am.ok(&["silence", "query", "-o", "json"]).json();
    assert_eq!(imported.as_array().map(Vec::len), Some(1), "{imported:#}");
    assert_ne!(imported[0]["id"], id.as_str());
    assert_eq!(imported[0]["matchers"], sil["matchers"]);
    assert_eq!(imported[0]["comment"], "test");
    assert_eq!(imported[0]["status"]["state"], "active");

    // Errors: unknown id, a silence matching everything.
    let unknown = am.run(&["silence", "expire", "00000000-0000-4000-8000-000000000000"]);
    assert_ne!(unknown.code, 0, "expiring an unknown silence must fail");
    let bad = am.run(&["silence", "add", "foo=~.*", "-c", "x"]);
    assert_ne!(bad.code, 0, "{}", bad.stdout);
    assert!(bad.stderr.contains("400"), "{}", bad.stderr);

    // Cluster and config.
    let cluster = am.ok(&["cluster", "show"]).stdout;
    assert!(cluster.contains("Cluster Status:  disabled"), "{cluster}");
    let cluster = am.ok(&["cluster", "show", "-o", "json"]).json();
    assert_eq!(
        cluster,
        serde_json::json!({"peers": [], "status": "disabled"})
    );
    let config = am.ok(&["config", "show"]).stdout;
    for needle in [
        "resolve_timeout: 5m",
        "receiver: default",
        "- name: team-a",
        "group_by:",
    ] {
        assert!(
            config.contains(needle),
            "config show lacks {needle:?}:\n{config}"
        );
    }
    let routes = am.ok(&["config", "routes"]).stdout;
    assert!(
        routes.contains(r#"{team="a"}  receiver: team-a"#),
        "{routes}"
    );
    let t = am.ok(&[
        "config",
        "routes",
        "test",
        "--verify.receivers=team-a",
        "team=a",
    ]);
    assert_eq!(t.stdout.trim(), "team-a");
    assert_eq!(
        am.ok(&["config", "routes", "test", "team=b"]).stdout.trim(),
        "default"
    );
    let wrong = am.run(&[
        "config",
        "routes",
        "test",
        "--verify.receivers=default",
        "team=a",
    ]);
    assert_eq!(wrong.code, 1, "{} {}", wrong.stdout, wrong.stderr);
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn amtool_against_go() {
    if flavor_available(Flavor::Go) {
        suite(Flavor::Go);
    }
}

#[test]
fn amtool_against_alertmesh() {
    if flavor_available(Flavor::Alertmesh) {
        suite(Flavor::Alertmesh);
    }
}
