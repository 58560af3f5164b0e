//! Unit tests of the template data objects: `*template.Data` versus `template.Data`, nil and
//! allocated `KV`s, and how `fmt` prints them. Expected texts were produced by Go 1.19 with
//! Alertmanager's `template` package plus 0.28's `KV.String` (the local oracle of
//! `tests/diff_go.rs`).

use super::*;
use crate::alertmanager::{Template, TemplateOptions, system_clock};

const DOC: &str = r#"{"receiver": "r", "groupLabels": {"g": "x"},
    "alerts": [{"status": "firing", "labels": {"a": "1"}}]}"#;

fn render(text: &str, data: &Value) -> Result<String, String> {
    let t = Template::new(TemplateOptions::new(system_clock()));
    t.execute_text_string(text, data).map_err(|e| e.to_string())
}

fn data() -> TemplateData {
    TemplateData::from_json(DOC.as_bytes()).expect("test document")
}

const ZERO: &str = "0001-01-01 00:00:00 +0000 UTC";

#[test]
fn notification_data_is_a_pointer() {
    let v = data().to_value();
    let plain = format!("{{r  [{{firing a=1  {ZERO} {ZERO}  }}] g=x   }}");
    assert_eq!(
        render("{{ printf \"%T\" . }}", &v).as_deref(),
        Ok("*template.Data")
    );
    // `{{ . }}` dereferences the pointer, `printf` does not.
    assert_eq!(render("{{ . }}", &v), Ok(plain.clone()));
    assert_eq!(render("{{ printf \"%v\" . }}", &v), Ok(format!("&{plain}")));
    assert_eq!(
        render("{{ printf \"%-4v|\" . }}", &v),
        Ok(format!(
            "&{{r         [{{firing a=1       {ZERO} {ZERO}          }}] g=x                }}|"
        ))
    );
    assert_eq!(
        render("{{ printf \"%#v\" . }}", &v),
        Ok(format!(
            "&template.Data{{Receiver:\"r\", Status:\"\", Alerts:template.Alerts{{template.Alert{{\
             Status:\"firing\", Labels:template.KV{{\"a\":\"1\"}}, Annotations:template.KV(nil), \
             StartsAt:{t}, EndsAt:{t}, GeneratorURL:\"\", Fingerprint:\"\"}}}}, \
             GroupLabels:template.KV{{\"g\":\"x\"}}, CommonLabels:template.KV(nil), \
             CommonAnnotations:template.KV(nil), ExternalURL:\"\"}}",
            t = "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)"
        ))
    );
    assert_eq!(
        render("{{ .Nope }}", &v),
        Err(
            "template: :1:3: executing \"\" at <.Nope>: can't evaluate field Nope in type \
             *template.Data"
                .to_owned()
        )
    );
    // Pointers are comparable (by identity).
    assert_eq!(render("{{ eq . . }}", &v).as_deref(), Ok("true"));
}

#[test]
fn amtool_data_is_a_struct() {
    let v = data().to_struct_value();
    assert_eq!(
        render("{{ printf \"%T %v\" . . }}", &v),
        Ok(format!(
            "template.Data {{r  [{{firing a=1  {ZERO} {ZERO}  }}] g=x   }}"
        ))
    );
    assert_eq!(
        render("{{ .Nope }}", &v),
        Err(
            "template: :1:3: executing \"\" at <.Nope>: can't evaluate field Nope in type \
             template.Data"
                .to_owned()
        )
    );
    assert!(
        render("{{ eq . . }}", &v).is_err(),
        "a struct with maps is not comparable"
    );
}

#[test]
fn kv_prints_as_stringer_and_nil_only_with_sharp_v() {
    let v = data().to_value();
    assert_eq!(
        render(
            "{{ printf \"%30v|%-6s|%5q\" .GroupLabels .GroupLabels .GroupLabels }}",
            &v
        ),
        Ok(format!("{}g=x|g=x   |\"g=x\"", " ".repeat(27)))
    );
    assert_eq!(
        render(
            "{{ printf \"%#v|%v|%d|\" .CommonLabels .CommonLabels .CommonLabels }}",
            &v
        )
        .as_deref(),
        Ok("template.KV(nil)||map[]|")
    );
    // `Remove` builds a new, allocated map.
    assert_eq!(
        render(
            "{{ printf \"%#v\" (.CommonLabels.Remove (stringSlice \"x\")) }}",
            &v
        )
        .as_deref(),
        Ok("template.KV{}")
    );
}

#[test]
fn kv_nil_and_allocated() {
    assert!(Kv::default().is_nil());
    assert!(Kv::nil().is_nil());
    assert!(!Kv::new().is_nil());
    let collected: Kv = [("a".to_owned(), "1".to_owned())].into_iter().collect();
    assert!(!collected.is_nil());
    assert_eq!(collected.get("a").map(String::as_str), Some("1"));
    let mut kv = Kv::nil();
    kv.insert("k".to_owned(), "v".to_owned());
    assert!(!kv.is_nil(), "inserting allocates");
    assert_ne!(Kv::nil(), Kv::new());
}

#[test]
fn json_leaves_missing_and_null_maps_nil() {
    let d = TemplateData::from_json(
        br#"{"groupLabels": {}, "commonLabels": {"a": "1"}, "commonLabels": null,
            "alerts": [{"labels": {}}]}"#,
    )
    .expect("document");
    assert!(!d.group_labels.is_nil(), "an object allocates the map");
    assert!(d.common_labels.is_nil(), "null makes it nil");
    assert!(d.common_annotations.is_nil(), "a missing key leaves it nil");
    assert!(!d.alerts[0].labels.is_nil());
    assert!(d.alerts[0].annotations.is_nil());
}

#[test]
fn built_data_has_allocated_maps() {
    let alert = AlertData {
        status: "firing".to_owned(),
        labels: [("a".to_owned(), "1".to_owned())].into_iter().collect(),
        annotations: Kv::new(),
        ..AlertData::default()
    };
    for alerts in [Vec::new(), vec![alert]] {
        let d = TemplateData::build("r", Kv::new(), alerts, "");
        assert!(!d.common_labels.is_nil() && !d.common_annotations.is_nil());
        assert_eq!(
            render("{{ printf \"%#v\" .CommonAnnotations }}", &d.to_value()).as_deref(),
            Ok("template.KV{}")
        );
    }
}
