//! The data notification templates see: Alertmanager's `template.Data`, `Alert` and `Alerts`
//! (upstream `template/template.go`, v0.28); `KV`, `Pairs` and `Pair` are in [`super::kv`].
//!
//! [`TemplateData`] and [`AlertData`] are plain Rust structs (what the server fills from its
//! alerts, or what [`TemplateData::from_json`] reads as amtool does); [`TemplateData::to_value`]
//! turns them into template [`Value`]s whose objects carry Go's field names, method sets, type
//! names and `fmt` printing:
//!
//! - `Data` fields `Receiver Status Alerts GroupLabels CommonLabels CommonAnnotations
//!   ExternalURL`. Upstream's notifiers execute templates with a `*template.Data`
//!   ([`TemplateData::to_value`]): `%T` prints `*template.Data`, `printf "%v"` `&{...}` (but
//!   `{{ . }}` dereferences it: `{...}`), and errors say `can't evaluate field X in type
//!   *template.Data`. amtool's `template render` passes the struct itself
//!   ([`TemplateData::to_struct_value`]);
//! - `Alert` fields `Status Labels Annotations StartsAt EndsAt GeneratorURL Fingerprint`;
//! - `Alerts` (a named slice) methods `Firing`, `Resolved` (both return `[]template.Alert`).
//!
//! Not modelled: a nil `Alerts` (Go's zero value, and what `encoding/json` leaves when the
//! `alerts` key is missing or `null`) is an empty one here, so `%#v` prints `template.Alerts{}`
//! where Go prints `template.Alerts(nil)` (and JSON `[]` where Go has `null`).

use std::sync::LazyLock;

use super::kv::{fmt_slice, fmt_struct};
use crate::func::Signature;
use crate::gotime::GoTime;
use crate::value::{Object, SliceValue, Value};

pub use super::decode::DataError;
pub use super::kv::{Kv, kv_value};

/// Go's `template.Data`: what a notification template is executed with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TemplateData {
    /// `Receiver`: the receiver's name (regex-quoted by [`TemplateData::build`], as upstream).
    pub receiver: String,
    /// `Status`: `firing` when any alert fires, else `resolved`.
    pub status: String,
    /// `Alerts`.
    pub alerts: Vec<AlertData>,
    /// `GroupLabels`: the labels the route groups by.
    pub group_labels: Kv,
    /// `CommonLabels`: labels all alerts share.
    pub common_labels: Kv,
    /// `CommonAnnotations`: annotations all alerts share.
    pub common_annotations: Kv,
    /// `ExternalURL`: the Alertmanager's external URL.
    pub external_url: String,
}

/// Go's `template.Alert`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertData {
    /// `Status`: `firing` or `resolved`.
    pub status: String,
    /// `Labels`.
    pub labels: Kv,
    /// `Annotations`.
    pub annotations: Kv,
    /// `StartsAt`.
    pub starts_at: GoTime,
    /// `EndsAt` (Go's zero time for firing alerts in notifications).
    pub ends_at: GoTime,
    /// `GeneratorURL`.
    pub generator_url: String,
    /// `Fingerprint`: the label set's fingerprint as 16 hex digits.
    pub fingerprint: String,
}

impl TemplateData {
    /// Reads template data from JSON as amtool's `--template.data` does (Go's `encoding/json`
    /// into `template.Data`: case-insensitive keys, RFC 3339 times, and label maps left nil
    /// when their key is missing or `null`). amtool then executes the templates with
    /// [`TemplateData::to_struct_value`].
    ///
    /// # Errors
    /// Malformed JSON or values of the wrong type, with Go's messages.
    pub fn from_json(bytes: &[u8]) -> Result<TemplateData, DataError> {
        super::decode::from_json(bytes)
    }

    /// Assembles the data of one notification as upstream's `Template.Data` does: the receiver
    /// name is regex-quoted (`regexp.QuoteMeta`), the status is `firing` when any alert fires,
    /// and the common labels and annotations are those every alert has with the same value.
    pub fn build(
        receiver: &str,
        group_labels: Kv,
        alerts: Vec<AlertData>,
        external_url: &str,
    ) -> TemplateData {
        let status = if alerts.iter().any(|a| a.status == "firing") {
            "firing"
        } else {
            "resolved"
        };
        let (common_labels, common_annotations) = match alerts.split_first() {
            None => (Kv::new(), Kv::new()),
            // `common` collects into allocated maps, as upstream's `KV{}` are.
            Some((first, rest)) => (
                common(&first.labels, rest.iter().map(|a| &a.labels)),
                common(&first.annotations, rest.iter().map(|a| &a.annotations)),
            ),
        };
        TemplateData {
            receiver: quote_meta(receiver),
            status: status.to_owned(),
            alerts,
            group_labels,
            common_labels,
            common_annotations,
            external_url: external_url.to_owned(),
        }
    }

    /// The template value notifications are executed with: a `*template.Data` (upstream's
    /// notifiers pass the pointer `Template.Data` returns), so `%T` prints `*template.Data`,
    /// `printf "%v"` `&{...}`, and errors name `*template.Data`.
    pub fn to_value(&self) -> Value {
        self.object(true)
    }

    /// The template value `amtool template render` executes templates with: a `template.Data`
    /// struct value (`%T` prints `template.Data`, `printf "%v"` `{...}`).
    pub fn to_struct_value(&self) -> Value {
        self.object(false)
    }

    fn object(&self, pointer: bool) -> Value {
        Value::object(DataObject {
            pointer,
            receiver: Value::str(&self.receiver),
            status: Value::str(&self.status),
            alerts: alerts_value(&self.alerts),
            group_labels: kv_value(&self.group_labels),
            common_labels: kv_value(&self.common_labels),
            common_annotations: kv_value(&self.common_annotations),
            external_url: Value::str(&self.external_url),
        })
    }
}

impl AlertData {
    /// The template value (a `template.Alert` object).
    pub fn to_value(&self) -> Value {
        Value::object(AlertObject {
            status: Value::str(&self.status),
            labels: kv_value(&self.labels),
            annotations: kv_value(&self.annotations),
            starts_at: Value::Time(self.starts_at.clone()),
            ends_at: Value::Time(self.ends_at.clone()),
            generator_url: Value::str(&self.generator_url),
            fingerprint: Value::str(&self.fingerprint),
        })
    }
}

/// Entries of `first` that every other set has with the same value (a missing key counts as
/// the empty value, as Go's map lookup does).
fn common<'a>(first: &Kv, others: impl Iterator<Item = &'a Kv> + Clone) -> Kv {
    first
        .iter()
        .filter(|(k, v)| {
            others
                .clone()
                .all(|o| o.get(*k).map_or("", String::as_str) == v.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Go's `regexp.QuoteMeta`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A `template.Alerts` value.
pub fn alerts_value(alerts: &[AlertData]) -> Value {
    Value::object(AlertsObject {
        slice: SliceValue {
            items: alerts.iter().map(AlertData::to_value).collect(),
            type_name: "template.Alerts".to_owned(),
        },
    })
}

static NO_ARGS: LazyLock<Signature> = LazyLock::new(|| Signature::new(Vec::new()));

/// Go's `template.Data`, or a `*template.Data` pointing to it. As a pointer, `fmt_go` prints
/// it as `fmt` prints the pointer at top level (`&{...}`, `&template.Data{...}`); `gofmt` drops
/// the `&` where Go dereferences first.
#[derive(Debug)]
struct DataObject {
    /// `*template.Data` rather than `template.Data`.
    pointer: bool,
    receiver: Value,
    status: Value,
    alerts: Value,
    group_labels: Value,
    common_labels: Value,
    common_annotations: Value,
    external_url: Value,
}

impl DataObject {
    fn fields(&self) -> [(&'static str, &Value); 7] {
        [
            ("Receiver", &self.receiver),
            ("Status", &self.status),
            ("Alerts", &self.alerts),
            ("GroupLabels", &self.group_labels),
            ("CommonLabels", &self.common_labels),
            ("CommonAnnotations", &self.common_annotations),
            ("ExternalURL", &self.external_url),
        ]
    }
}

impl Object for DataObject {
    fn type_name(&self) -> &str {
        if self.pointer {
            "*template.Data"
        } else {
            "template.Data"
        }
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }
    fn method(&self, _name: &str) -> Option<&Signature> {
        None
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("{} has no method {name}", self.type_name()))
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        if self.pointer {
            out.push('&');
        }
        fmt_struct(out, "template.Data", &self.fields(), verb, plus, sharp);
    }
    /// Pointers compare by identity (`eq . .` is true); the struct holds maps and slices, so
    /// it is not comparable.
    fn go_equal(&self, other: &dyn Object) -> Option<bool> {
        if !self.pointer {
            return None;
        }
        let me = (self as *const DataObject).cast::<()>();
        let them = (other as *const dyn Object).cast::<()>();
        Some(std::ptr::eq(me, them))
    }
}

/// Go's `template.Alert`.
#[derive(Debug)]
struct AlertObject {
    status: Value,
    labels: Value,
    annotations: Value,
    starts_at: Value,
    ends_at: Value,
    generator_url: Value,
    fingerprint: Value,
}

impl AlertObject {
    fn fields(&self) -> [(&'static str, &Value); 7] {
        [
            ("Status", &self.status),
            ("Labels", &self.labels),
            ("Annotations", &self.annotations),
            ("StartsAt", &self.starts_at),
            ("EndsAt", &self.ends_at),
            ("GeneratorURL", &self.generator_url),
            ("Fingerprint", &self.fingerprint),
        ]
    }
}

impl Object for AlertObject {
    fn type_name(&self) -> &str {
        "template.Alert"
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }
    fn method(&self, _name: &str) -> Option<&Signature> {
        None
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("template.Alert has no method {name}"))
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        fmt_struct(out, "template.Alert", &self.fields(), verb, plus, sharp);
    }
}

/// Go's `template.Alerts`.
#[derive(Debug)]
struct AlertsObject {
    slice: SliceValue,
}

impl AlertsObject {
    fn with_status(&self, status: &str) -> Value {
        let items = self
            .slice
            .items
            .iter()
            .filter(|item| match item {
                Value::Object(o) => {
                    o.field("Status")
                        .and_then(|s| s.as_str().map(|s| s == status))
                        == Some(true)
                }
                _ => false,
            })
            .cloned()
            .collect();
        Value::slice("[]template.Alert", items)
    }
}

impl Object for AlertsObject {
    fn type_name(&self) -> &str {
        &self.slice.type_name
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<&Signature> {
        matches!(name, "Firing" | "Resolved").then(|| &*NO_ARGS)
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        match name {
            "Firing" => Ok(self.with_status("firing")),
            "Resolved" => Ok(self.with_status("resolved")),
            _ => Err(format!("template.Alerts has no method {name}")),
        }
    }
    fn as_slice(&self) -> Option<&SliceValue> {
        Some(&self.slice)
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        fmt_slice(out, &self.slice, verb, plus, sharp);
    }
    fn is_truthy(&self) -> bool {
        !self.slice.items.is_empty()
    }
}

#[cfg(test)]
#[path = "data_tests.rs"]
mod tests;
