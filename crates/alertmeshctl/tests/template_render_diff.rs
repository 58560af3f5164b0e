//! `alertmeshctl template render` against `amtool template render` (Debian's 0.25, given
//! upstream's built-in templates with `--template.glob` because Debian builds it without them):
//! same standard output, exit status and error message for the same flags, with user template
//! files (including one redefining `__subject`, which the built-in templates call), each data set
//! of `am-template/tests/alertmanager_data`, the sample data, and failures.
//!
//! Upstream v0.28.0's template files come from the local Alertmanager mirror when present
//! (`AM_UPSTREAM_MIRROR`), else Debian's 0.25 files with 0.28's one e-mail change applied; the
//! cases only use names both versions define. The sample data differs between the versions in
//! the alerts' `Status` (`alertstatus` in 0.25, `firing`/`resolved` since 0.26), which no case
//! prints.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Standard output, exit code, and the error message without the program name.
type Outcome = (String, Option<i32>, String);

fn run(program: &str, args: &[String]) -> Outcome {
    let out = Command::new(program).args(args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    let message = stderr
        .split_once("error: ")
        .map_or(stderr.clone(), |(_, m)| m.to_owned());
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
        message,
    )
}

fn upstream_templates(dir: &Path) {
    let mirror = std::env::var("AM_UPSTREAM_MIRROR")
        .unwrap_or_else(|_| "/work/.mirror/prometheus+alertmanager/repo".to_owned());
    let from_mirror = ["default.tmpl", "email.tmpl"].iter().all(|f| {
        Command::new("git")
            .args(["-C", &mirror, "show", &format!("v0.28.0:template/{f}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .is_some_and(|o| std::fs::write(dir.join(f), o.stdout).is_ok())
    });
    if !from_mirror {
        let debian = Path::new("/usr/share/prometheus/alertmanager");
        let default = std::fs::read_to_string(debian.join("default.tmpl")).expect("default.tmpl");
        let email = std::fs::read_to_string(debian.join("email.tmpl")).expect("email.tmpl");
        std::fs::write(dir.join("default.tmpl"), default).expect("write");
        std::fs::write(
            dir.join("email.tmpl"),
            email.replace("\"http://schema.org/", "\"https://schema.org/"),
        )
        .expect("write");
    }
}

fn data_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../am-template/tests/alertmanager_data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("data sets")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

const USER_TEMPLATES: &str = r#"{{ define "my.alerts" }}{{ range .Alerts.Firing -}}
* {{ .Labels.alertname }}: {{ .Annotations.summary | toUpper }} {{ .Labels.SortedPairs.Names }}
{{ end }}{{ end }}
{{ define "my.html" }}<p title="{{ .CommonLabels.alertname }}">{{ range .Alerts -}}
<a href="{{ .GeneratorURL }}">{{ .Labels.alertname }} &amp; {{ .Annotations.summary }}</a>
{{- end }}</p><script>var r = {{ .Receiver }};</script>{{ end }}
{{ define "my.funcs" -}}
{{ .Receiver | title }}|{{ join "," (stringSlice "a" "b") }}|{{ match "^team" .Receiver }}|
{{- reReplaceAll "(e+)" "<$1>" .Receiver }}|{{ len (.CommonLabels.Remove (stringSlice "alertname")) }}|
{{- .GroupLabels.Values | join "+" | toLower }}
{{- end }}
File-level text of {{ .Receiver }}.
"#;

const OVERRIDE_TEMPLATES: &str = r#"{{ define "__subject" }}custom subject for {{ .Receiver }} ({{ len .Alerts }}){{ end }}
{{ define "__text_alert_list" }}{{ range . }}- {{ .Labels.alertname }}
{{ end }}{{ end }}
"#;

#[test]
fn render_matches_amtool() {
    if am_testkit::require_tool("amtool").is_none() {
        return;
    }
    let root = am_testkit::tempdir();
    let upstream = root.path().join("upstream");
    let user = root.path().join("user");
    let overrides = root.path().join("override");
    let broken = root.path().join("broken");
    for d in [&upstream, &user, &overrides, &broken] {
        std::fs::create_dir(d).expect("mkdir");
    }
    upstream_templates(&upstream);
    std::fs::write(user.join("user.tmpl"), USER_TEMPLATES).expect("write");
    std::fs::write(overrides.join("override.tmpl"), OVERRIDE_TEMPLATES).expect("write");
    std::fs::write(broken.join("broken.tmpl"), "{{ define \"x\" }}{{ .Foo }").expect("write");

    let glob = |d: &Path| format!("--template.glob={}/*.tmpl", d.display());
    let text = |t: &str| format!("--template.text={t}");
    let mut cases: Vec<Vec<String>> = Vec::new();
    let texts = [
        (r#"{{ template "my.alerts" . }}"#, "text", &user),
        (r#"{{ template "my.html" . }}"#, "html", &user),
        (r#"{{ template "my.funcs" . }}"#, "text", &user),
        (r#"{{ template "user.tmpl" . }}"#, "text", &user),
        (
            r#"{{ template "slack.default.title" . }}"#,
            "text",
            &overrides,
        ),
        (
            r#"{{ template "email.default.subject" . }}"#,
            "html",
            &overrides,
        ),
        (
            r#"{{ template "opsgenie.default.description" . }}"#,
            "text",
            &overrides,
        ),
        (
            r#"{{ template "email.default.html" . }}"#,
            "html",
            &overrides,
        ),
        (r#"{{ template "nope" . }}"#, "text", &user),
        (r#"{{ .Foo.Bar }}"#, "text", &user),
        (
            r#"{{ .CommonLabels.nothing }}|{{ index .GroupLabels "x" }}"#,
            "text",
            &user,
        ),
        ("", "text", &user),
    ];
    for data in data_files() {
        for (t, kind, dir) in &texts {
            cases.push(vec![
                glob(dir),
                text(t),
                format!("--template.type={kind}"),
                format!("--template.data={}", data.display()),
            ]);
        }
    }
    // The sample data.
    for t in [
        "{{ .Receiver }} {{ .Status }} {{ .ExternalURL }} {{ .GroupLabels.Names }} \
         {{ .CommonLabels.Values }} {{ .CommonAnnotations.Names }}",
        "{{ range .Alerts }}{{ .Labels.Names }} {{ .Annotations.Values }} {{ .GeneratorURL }} \
         {{ .Fingerprint }}\n{{ end }}",
        r#"{{ template "my.funcs" . }}"#,
    ] {
        cases.push(vec![glob(&user), text(t)]);
    }
    // Failures.
    cases.push(vec!["--template.glob=[".to_owned(), text("x")]);
    cases.push(vec![glob(&broken), text("x")]);
    cases.push(vec![
        glob(&user),
        text("{{ .Receiver }"),
        "--template.type=html".to_owned(),
    ]);
    cases.push(vec![
        glob(&user),
        text("x"),
        format!(
            "--template.data={}",
            root.path().join("missing.json").display()
        ),
    ]);

    let ours = env!("CARGO_BIN_EXE_alertmeshctl");
    let mut failures = Vec::new();
    for case in &cases {
        let mut with_upstream = vec![glob(&upstream)];
        with_upstream.extend(case.iter().cloned());
        let mut args = vec!["template".to_owned(), "render".to_owned()];
        let want = run("amtool", &[args.clone(), with_upstream].concat());
        args.extend(case.iter().cloned());
        let have = run(ours, &args);
        if want != have {
            failures.push(format!("{case:?}\n  amtool: {want:?}\n  ours:   {have:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn sample_data_has_a_firing_and_a_resolved_alert() {
    let out = Command::new(env!("CARGO_BIN_EXE_alertmeshctl"))
        .args([
            "template",
            "render",
            "--template.glob=/nonexistent/*.tmpl",
            "--template.text={{ range .Alerts }}{{ .Status }} {{ .EndsAt.Sub .StartsAt }};{{ end }}\
             {{ len .Alerts.Firing }}{{ len .Alerts.Resolved }}",
        ])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "firing 5m0s;resolved 10m0s;11"
    );
}
