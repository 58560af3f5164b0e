//! The `Template` API (upstream `template.Template`): loading user template files, executing
//! ad-hoc text, `Template.Data`, and the outputs of the built-in templates that only exist
//! since Alertmanager 0.26 (pinned here so they are checked even where no v0.28 oracle is
//! available; the values follow upstream v0.28.0's `default.tmpl`).

use std::sync::Arc;

use am_template::alertmanager::{
    AlertData, Clock, Kv, Template, TemplateData, TemplateOptions, data::quote_meta,
};
use am_template::exec::Limits;
use am_template::gotime::GoTime;

fn options() -> TemplateOptions {
    let clock: Clock = Arc::new(GoTime::zero);
    TemplateOptions::new(clock)
}

fn kv(pairs: &[(&str, &str)]) -> Kv {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn alert(status: &str, labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> AlertData {
    AlertData {
        status: status.to_owned(),
        labels: kv(labels),
        annotations: kv(annotations),
        generator_url: format!("http://gen/{status}"),
        ..AlertData::default()
    }
}

fn defaults() -> Template {
    Template::from_globs::<&str>(&[], options()).expect("built-in templates")
}

#[test]
fn data_is_assembled_as_upstream() {
    let t = Template::new(TemplateOptions {
        external_url: "http://am.example:9093".to_owned(),
        ..options()
    });
    let data = t.data(
        "team (a|b).*",
        kv(&[("alertname", "X")]),
        vec![
            alert(
                "resolved",
                &[("alertname", "X"), ("a", "1"), ("b", "2")],
                &[("s", "x")],
            ),
            alert(
                "firing",
                &[("alertname", "X"), ("a", "1"), ("b", "3")],
                &[("s", "x"), ("t", "y")],
            ),
        ],
    );
    assert_eq!(data.receiver, r"team \(a\|b\)\.\*");
    assert_eq!(data.status, "firing");
    assert_eq!(data.common_labels, kv(&[("alertname", "X"), ("a", "1")]));
    assert_eq!(data.common_annotations, kv(&[("s", "x")]));
    assert_eq!(data.external_url, "http://am.example:9093");
    let resolved = TemplateData::build("r", Kv::new(), vec![alert("resolved", &[], &[])], "");
    assert_eq!(resolved.status, "resolved");
    let empty = TemplateData::build("r", Kv::new(), Vec::new(), "");
    assert_eq!(empty.status, "resolved");
    assert!(empty.common_labels.is_empty());
    assert_eq!(
        quote_meta("a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o"),
        r"a\.b\+c\*d\?e\(f\)g\|h\[i\]j\{k\}l\^m\$n\\o"
    );
}

#[test]
fn execute_handles_empty_and_whitespace_text() {
    let t = defaults();
    let data = TemplateData::default().to_value();
    assert_eq!(t.execute_text_string("", &data).as_deref(), Ok(""));
    assert_eq!(t.execute_html_string("", &data).as_deref(), Ok(""));
    // The root of the built-in files is whitespace; user text replaces it even when blank.
    assert_eq!(t.execute_text_string(" \n", &data).as_deref(), Ok(" \n"));
    assert_eq!(
        t.execute_text_string("{{ define \"x\" }}X{{ end }}{{ template \"x\" }}", &data)
            .as_deref(),
        Ok("X")
    );
    // Definitions made by one execution do not leak into the next.
    let err = t
        .execute_text_string("{{ template \"x\" }}", &data)
        .expect_err("x is not defined");
    assert_eq!(
        err.to_string(),
        "template: :1:12: executing \"\" at <{{template \"x\"}}>: template \"x\" not defined"
    );
    let err = t
        .execute_text_string("{{ .Receiver }", &data)
        .expect_err("parse error");
    assert_eq!(err.to_string(), "template: :1: unexpected \"}\" in operand");
}

#[test]
fn user_files_are_named_after_their_base_name() {
    let dir = am_testkit::tempdir();
    let base = dir.path().display().to_string();
    std::fs::write(
        dir.path().join("a.tmpl"),
        "{{ define \"__alertmanager\" }}AM{{ end }}top of a",
    )
    .expect("write");
    std::fs::write(dir.path().join("b.tmpl"), "{{ define \"b\" }}B{{ end }}").expect("write");
    std::fs::write(dir.path().join("c.txt"), "{{ define \"c\" }}C{{ end }}").expect("write");
    let globs = [format!("{base}/*.tmpl"), format!("{base}/nothing-*.tmpl")];
    let t = Template::from_globs(&globs, options()).expect("templates load");
    let names = t.names();
    for name in [
        "a.tmpl",
        "b.tmpl",
        "b",
        "__alertmanager",
        "email.default.html",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} missing: {names:?}");
    }
    assert!(!names.iter().any(|n| n == "c"));
    let data = TemplateData::default().to_value();
    let out = t.execute_text_string(
        "{{ template \"a.tmpl\" }}|{{ template \"b\" }}|{{ template \"slack.default.username\" . }}",
        &data,
    );
    // A redefined built-in name changes every template that calls it.
    assert_eq!(out.as_deref(), Ok("top of a|B|AM"));

    let err = Template::from_globs(&[format!("{base}/[")], options()).expect_err("bad glob");
    assert_eq!(err.to_string(), "syntax error in pattern");
    std::fs::write(dir.path().join("d.tmpl"), "\n{{ if }}").expect("write");
    let err = Template::from_globs(&[format!("{base}/d.tmpl")], options()).expect_err("bad file");
    assert_eq!(err.to_string(), "template: d.tmpl:2: missing value for if");
}

#[test]
fn limits_apply_to_executions() {
    let t = Template::new(TemplateOptions {
        limits: Limits {
            max_output_bytes: 100,
            ..Limits::default()
        },
        ..options()
    });
    let data = TemplateData::default().to_value();
    let ok = t.execute_text_string("{{ range 5 }}x{{ end }}", &data);
    assert_eq!(ok.as_deref(), Ok("xxxxx"));
    assert!(
        t.execute_text_string("{{ range 1000 }}x{{ end }}", &data)
            .is_err()
    );
}

fn markdown_data() -> TemplateData {
    TemplateData::build(
        "r",
        kv(&[("alertname", "Disk")]),
        vec![
            alert(
                "firing",
                &[("alertname", "Disk"), ("severity", "info")],
                &[("summary", "s1")],
            ),
            alert(
                "resolved",
                &[("alertname", "Disk"), ("severity", "critical")],
                &[],
            ),
        ],
        "http://am",
    )
}

#[test]
fn templates_new_since_0_26_render_as_upstream() {
    let t = defaults();
    let data = markdown_data().to_value();
    let render = |name: &str, arg: &str| {
        t.execute_text_string(&format!("{{{{ template \"{name}\" {arg} }}}}"), &data)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let firing = "\nLabels:\n  - alertname = Disk\n  - severity = info\n\nAnnotations:\n  - summary = s1\n\nSource: http://gen/firing\n";
    let resolved = "\nLabels:\n  - alertname = Disk\n  - severity = critical\n\nAnnotations:\n\nSource: http://gen/resolved\n";
    assert_eq!(
        render("__text_alert_list_markdown", ".Alerts"),
        format!("{firing}{resolved}\n")
    );
    let text =
        format!("\n\n# Alerts Firing:\n{firing}\n\n\n\n# Alerts Resolved:\n{resolved}\n\n\n");
    for name in [
        "msteams.default.text",
        "msteamsv2.default.text",
        "jira.default.description",
    ] {
        assert_eq!(render(name, "."), text, "{name}");
    }
    let subject = "[FIRING:1] Disk ";
    for name in [
        "msteams.default.summary",
        "msteams.default.title",
        "msteamsv2.default.title",
        "jira.default.summary",
        "rocketchat.default.title",
    ] {
        assert_eq!(render(name, "."), subject, "{name}");
    }
    assert_eq!(render("rocketchat.default.alias", "."), "Alertmanager");
    assert_eq!(
        render("rocketchat.default.titlelink", "."),
        "http://am/#/alerts?receiver=r"
    );
    for name in [
        "discord.default.content",
        "rocketchat.default.emoji",
        "rocketchat.default.iconurl",
        "rocketchat.default.text",
    ] {
        assert_eq!(render(name, "."), "", "{name}");
    }
    // Firing alerts decide the priority; only without any do resolved ones.
    assert_eq!(render("jira.default.priority", "."), "Low");
}

#[test]
fn jira_priority_ranks_severities() {
    let t = defaults();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("firing", "warning"), ("firing", "info")], "Medium"),
        (
            &[
                ("firing", "info"),
                ("firing", "warning"),
                ("resolved", "critical"),
            ],
            "Medium",
        ),
        (&[("firing", "critical"), ("firing", "info")], "High"),
        (&[("firing", "page"), ("resolved", "critical")], "High"),
        (&[("firing", "page"), ("resolved", "info")], "Low"),
        (&[("firing", "Critical")], ""),
        (&[], ""),
    ];
    for (i, (alerts, want)) in cases.iter().enumerate() {
        let alerts = alerts
            .iter()
            .map(|(status, severity)| alert(status, &[("severity", severity)], &[]))
            .collect();
        let data = TemplateData::build("r", Kv::new(), alerts, "").to_value();
        let got = t.execute_text_string("{{ template \"jira.default.priority\" . }}", &data);
        assert_eq!(got.as_deref(), Ok(*want), "case {i}");
    }
}
