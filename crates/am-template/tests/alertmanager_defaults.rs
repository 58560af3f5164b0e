//! The built-in templates (`src/alertmanager/defaults/*.tmpl`, written for alertmesh) against
//! Alertmanager's own: every default template name, rendered as text and as HTML with each data
//! set in `tests/alertmanager_data/`, must give the bytes `amtool template render` gives with
//! upstream's `default.tmpl` and `email.tmpl`.
//!
//! The oracle is Debian's `amtool` 0.25 (built without embedded templates, so the upstream
//! files are passed with `--template.glob`). Upstream v0.28.0's files are taken from the local
//! Alertmanager git mirror when there is one (`AM_UPSTREAM_MIRROR`, default
//! `/work/.mirror/prometheus+alertmanager/repo`); without it the test falls back to Debian's
//! 0.25 files (`/usr/share/prometheus/alertmanager`), with the one change 0.28 made to the
//! e-mail body (`https://schema.org`) applied, and skips the names 0.25 does not define (the
//! markdown list, Discord content, Microsoft Teams, Jira and Rocket.Chat templates; their
//! expected outputs are also pinned in `alertmanager_api.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use am_template::alertmanager::{Clock, Template, TemplateData, TemplateOptions};
use am_template::gotime::GoTime;

/// Every template name upstream v0.28.0 defines, with the argument it is called with.
const NAMES: &[(&str, &str)] = &[
    ("__alertmanager", "."),
    ("__alertmanagerURL", "."),
    ("__subject", "."),
    ("__description", "."),
    ("__text_alert_list", ".Alerts"),
    ("__text_alert_list_markdown", ".Alerts"),
    ("slack.default.title", "."),
    ("slack.default.username", "."),
    ("slack.default.fallback", "."),
    ("slack.default.callbackid", "."),
    ("slack.default.pretext", "."),
    ("slack.default.titlelink", "."),
    ("slack.default.iconemoji", "."),
    ("slack.default.iconurl", "."),
    ("slack.default.text", "."),
    ("slack.default.footer", "."),
    ("pagerduty.default.description", "."),
    ("pagerduty.default.client", "."),
    ("pagerduty.default.clientURL", "."),
    ("pagerduty.default.instances", ".Alerts.Firing"),
    ("opsgenie.default.message", "."),
    ("opsgenie.default.description", "."),
    ("opsgenie.default.source", "."),
    ("wechat.default.message", "."),
    ("wechat.default.to_user", "."),
    ("wechat.default.to_party", "."),
    ("wechat.default.to_tag", "."),
    ("wechat.default.agent_id", "."),
    ("victorops.default.state_message", "."),
    ("victorops.default.entity_display_name", "."),
    ("victorops.default.monitoring_tool", "."),
    ("pushover.default.title", "."),
    ("pushover.default.message", "."),
    ("pushover.default.url", "."),
    ("sns.default.subject", "."),
    ("sns.default.message", "."),
    ("telegram.default.message", "."),
    ("discord.default.content", "."),
    ("discord.default.title", "."),
    ("discord.default.message", "."),
    ("webex.default.message", "."),
    ("msteams.default.summary", "."),
    ("msteams.default.title", "."),
    ("msteams.default.text", "."),
    ("msteamsv2.default.title", "."),
    ("msteamsv2.default.text", "."),
    ("jira.default.summary", "."),
    ("jira.default.description", "."),
    ("jira.default.priority", "."),
    ("rocketchat.default.title", "."),
    ("rocketchat.default.alias", "."),
    ("rocketchat.default.titlelink", "."),
    ("rocketchat.default.emoji", "."),
    ("rocketchat.default.iconurl", "."),
    ("rocketchat.default.text", "."),
    ("email.default.subject", "."),
    ("email.default.html", "."),
];

/// Names added after Alertmanager 0.25.
const NEW_IN_028: &[&str] = &[
    "__text_alert_list_markdown",
    "discord.default.content",
    "msteams.",
    "msteamsv2.",
    "jira.",
    "rocketchat.",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alertmanager_data")
}

fn data_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/alertmanager_data")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "data sets missing");
    files
}

/// Upstream's template files in a temporary directory, and whether they are v0.28.0's.
fn upstream_templates() -> (impl AsRef<Path>, bool) {
    let dir = am_testkit::tempdir();
    let mirror = std::env::var("AM_UPSTREAM_MIRROR")
        .unwrap_or_else(|_| "/work/.mirror/prometheus+alertmanager/repo".to_owned());
    let from_mirror = ["default.tmpl", "email.tmpl"].iter().all(|f| {
        Command::new("git")
            .args(["-C", &mirror, "show", &format!("v0.28.0:template/{f}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .is_some_and(|o| std::fs::write(dir.path().join(f), o.stdout).is_ok())
    });
    if !from_mirror {
        eprintln!("no Alertmanager mirror: comparing with Debian's 0.25 templates");
        let debian = Path::new("/usr/share/prometheus/alertmanager");
        let default = std::fs::read_to_string(debian.join("default.tmpl")).expect("default.tmpl");
        let email = std::fs::read_to_string(debian.join("email.tmpl")).expect("email.tmpl");
        std::fs::write(dir.path().join("default.tmpl"), default).expect("write");
        let email = email.replace(
            "itemtype=\"http://schema.org/EmailMessage\"",
            "itemtype=\"https://schema.org/EmailMessage\"",
        );
        std::fs::write(dir.path().join("email.tmpl"), email).expect("write");
    }
    (dir, from_mirror)
}

fn names_to_check(v028: bool) -> Vec<(&'static str, &'static str)> {
    NAMES
        .iter()
        .copied()
        .filter(|(n, _)| v028 || !NEW_IN_028.iter().any(|p| n.starts_with(p)))
        .collect()
}

fn marker(name: &str) -> String {
    format!("@@@@ {name} @@@@")
}

/// One template text rendering every name, each preceded by a marker line.
fn combined_text(names: &[(&str, &str)]) -> String {
    names
        .iter()
        .map(|(n, arg)| format!("{}{{{{ template \"{n}\" {arg} }}}}", marker(n)))
        .collect()
}

fn split_output<'a>(out: &'a str, names: &[(&str, &str)]) -> Vec<(String, &'a str)> {
    let mut parts = Vec::new();
    for (i, (n, _)) in names.iter().enumerate() {
        let m = marker(n);
        let start = out
            .find(&m)
            .unwrap_or_else(|| panic!("marker of {n} missing"))
            + m.len();
        let end = match names.get(i + 1) {
            Some((next, _)) => out.find(&marker(next)).expect("next marker"),
            None => out.len(),
        };
        parts.push(((*n).to_owned(), &out[start..end]));
    }
    parts
}

fn amtool(glob_dir: &Path, text: &str, html: bool, data: Option<&Path>) -> Result<String, String> {
    let mut cmd = Command::new("amtool");
    cmd.arg("template")
        .arg("render")
        .arg(format!("--template.glob={}/*.tmpl", glob_dir.display()))
        .arg(format!("--template.text={text}"))
        .arg(format!(
            "--template.type={}",
            if html { "html" } else { "text" }
        ));
    if let Some(d) = data {
        cmd.arg(format!("--template.data={}", d.display()));
    }
    let out = cmd.output().expect("run amtool");
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).expect("utf-8"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

fn ours() -> Template {
    let clock: Clock = Arc::new(GoTime::zero);
    Template::from_globs::<&str>(&[], TemplateOptions::new(clock))
        .expect("built-in templates parse")
}

fn render_ours(t: &Template, text: &str, html: bool, data: &Path) -> Result<String, String> {
    let bytes = std::fs::read(data).expect("data file");
    let value = TemplateData::from_json(&bytes)
        .expect("data decodes")
        .to_value();
    let result = if html {
        t.execute_html_string(text, &value)
    } else {
        t.execute_text_string(text, &value)
    };
    result.map_err(|e| e.to_string())
}

#[test]
fn every_default_template_matches_upstream() {
    if am_testkit::require_tool("amtool").is_none() {
        return;
    }
    let (upstream, v028) = upstream_templates();
    let names = names_to_check(v028);
    let text = combined_text(&names);
    let t = ours();
    let mut compared = 0;
    let mut failures = Vec::new();
    for data in data_files() {
        for html in [false, true] {
            let expected = amtool(upstream.as_ref(), &text, html, Some(&data))
                .unwrap_or_else(|e| panic!("amtool failed on {}: {e}", data.display()));
            let got = match render_ours(&t, &text, html, &data) {
                Ok(got) => got,
                Err(e) => {
                    failures.push(format!("{} html={html}: error {e}", data.display()));
                    continue;
                }
            };
            let want = split_output(&expected, &names);
            let have = split_output(&got, &names);
            for ((name, w), (_, h)) in want.iter().zip(have.iter()) {
                compared += 1;
                if w != h {
                    failures.push(format!(
                        "{name} with {} (html={html}):\n--- upstream\n{w:?}\n--- ours\n{h:?}",
                        data.display()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= names.len() * 16, "only {compared} comparisons");
    eprintln!("compared {compared} renderings (v0.28 files: {v028})");
}

/// Strips the position part of an execution error (`template: NAME:LINE:COL: executing
/// "NAME" at <NODE>: `), which names our template file and line.
fn error_tail(message: &str) -> &str {
    message.find(">: ").map_or(message, |i| &message[i + 3..])
}

#[test]
fn errors_of_default_templates_match_upstream() {
    if am_testkit::require_tool("amtool").is_none() {
        return;
    }
    let (upstream, _) = upstream_templates();
    let t = ours();
    let data = data_dir().join("resolved.json");
    for (text, whole) in [
        // __text_alert_list wants a list of alerts; the message prints the data, and 0.25's KV
        // has no String method (0.28 prints `a=b, c=d`), so only the start is compared.
        (r#"{{ template "pagerduty.default.instances" . }}"#, false),
        (r#"{{ template "__text_alert_list" .Receiver }}"#, true),
        (
            r#"{{ template "__text_alert_list_markdown" .Status }}"#,
            true,
        ),
        (r#"{{ template "email.default.nonexistent" . }}"#, true),
    ] {
        let want = amtool(upstream.as_ref(), text, false, Some(&data)).expect_err("upstream fails");
        let have = render_ours(&t, text, false, &data).expect_err("ours fails");
        let want = error_tail(want.strip_prefix("amtool: error: ").unwrap_or(&want));
        let have = error_tail(&have);
        if whole {
            assert_eq!(have, want, "{text}");
        } else {
            let prefix = "range can't iterate over {db resolved [{resolved ";
            assert!(
                want.starts_with(prefix) && have.starts_with(prefix),
                "{text}: {have}"
            );
        }
    }
}
