//! `template render`: renders a template text against template data with the built-in and the
//! given template files, as amtool does (upstream `cli/template_render.go`, v0.28). Without
//! `--template.data`, a sample notification with one firing and one resolved alert is used.
//! The result is printed without a trailing newline; errors leave standard output empty.

use std::io::Write;
use std::path::Path;

use am_template::alertmanager::{
    AlertData, Clock, Kv, Template, TemplateData, TemplateOptions, system_clock,
};
use am_template::gotime::GoTime;

use crate::cli::{TemplateRenderArgs, TemplateType};

/// Runs the command, writing the rendered text to `out`.
///
/// # Errors
/// Unreadable or malformed template files or data, or a template that fails; the messages are
/// amtool's.
pub fn run(args: &TemplateRenderArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let clock = system_clock();
    let template = Template::from_globs(&args.template_glob, TemplateOptions::new(clock.clone()))?;
    let data = match &args.template_data {
        None => sample_data(&clock),
        Some(path) => TemplateData::from_json(&read(path)?)?,
    };
    let value = data.to_struct_value();
    let rendered = match args.template_type {
        TemplateType::Text => template.execute_text_string(&args.template_text, &value)?,
        TemplateType::Html => template.execute_html_string(&args.template_text, &value)?,
    };
    out.write_all(rendered.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Reads the data file, with Go's wording for the usual failures.
fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        let shown = path.display();
        match e.kind() {
            std::io::ErrorKind::NotFound => {
                anyhow::anyhow!("open {shown}: no such file or directory")
            }
            std::io::ErrorKind::PermissionDenied => {
                anyhow::anyhow!("open {shown}: permission denied")
            }
            std::io::ErrorKind::IsADirectory => anyhow::anyhow!("read {shown}: is a directory"),
            _ => anyhow::anyhow!("open {shown}: {e}"),
        }
    })
}

fn kv(pairs: &[(&str, &str)]) -> Kv {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// amtool's sample data: receiver `receiver`, status `alertstatus`, a firing alert that
/// started five minutes ago and a resolved one that started ten minutes ago, both ending now.
fn sample_data(clock: &Clock) -> TemplateData {
    let now: GoTime = clock();
    const MINUTE: i64 = 60_000_000_000;
    let common_labels = [
        ("commonlabelkey1", "commonlabelvalue1"),
        ("commonlabelkey2", "commonlabelvalue2"),
    ];
    let common_annotations = [
        ("commonannotationkey1", "commonannotationvalue1"),
        ("commonannotationkey2", "commonannotationvalue2"),
    ];
    let with_common = |own: &[(&str, &str)], common: &[(&str, &str)]| {
        let mut set = kv(own);
        set.extend(kv(common));
        set
    };
    let firing = AlertData {
        status: "firing".to_owned(),
        labels: with_common(
            &[
                ("label1", "value1"),
                ("label2", "value2"),
                ("instance", "foo.bar:1234"),
            ],
            &common_labels,
        ),
        annotations: with_common(
            &[("annotation1", "value1"), ("annotation2", "value2")],
            &common_annotations,
        ),
        starts_at: now.add(-5 * MINUTE),
        ends_at: now.clone(),
        generator_url: "https://generatorurl.com".to_owned(),
        fingerprint: "fingerprint1".to_owned(),
    };
    let resolved = AlertData {
        status: "resolved".to_owned(),
        labels: with_common(&[("foo", "bar"), ("baz", "qux")], &common_labels),
        annotations: with_common(&[("aaa", "bbb"), ("ccc", "ddd")], &common_annotations),
        starts_at: now.add(-10 * MINUTE),
        ends_at: now.clone(),
        generator_url: "https://generatorurl.com".to_owned(),
        fingerprint: "fingerprint2".to_owned(),
    };
    TemplateData {
        receiver: "receiver".to_owned(),
        status: "alertstatus".to_owned(),
        alerts: vec![firing, resolved],
        group_labels: kv(&[
            ("grouplabelkey1", "grouplabelvalue1"),
            ("grouplabelkey2", "grouplabelvalue2"),
        ]),
        common_labels: kv(&common_labels),
        common_annotations: kv(&common_annotations),
        external_url: "https://example.com".to_owned(),
    }
}
