//! The data notification templates see: Alertmanager's `template.Data`, `Alert`, `Alerts`,
//! `KV`, `Pairs` and `Pair` (upstream `template/template.go`, v0.28).
//!
//! [`TemplateData`] and [`AlertData`] are plain Rust structs (what the server fills from its
//! alerts, or what [`TemplateData::from_json`] reads as amtool does); [`TemplateData::to_value`]
//! turns them into template [`Value`]s whose objects carry Go's field names, method sets, type
//! names and `fmt` printing:
//!
//! - `Data` fields `Receiver Status Alerts GroupLabels CommonLabels CommonAnnotations ExternalURL`;
//! - `Alert` fields `Status Labels Annotations StartsAt EndsAt GeneratorURL Fingerprint`;
//! - `Alerts` (a named slice) methods `Firing`, `Resolved` (both return `[]template.Alert`);
//! - `KV` (a named `map[string]string`) methods `SortedPairs` (`alertname` first, the other keys
//!   sorted), `Remove []string`, `Names`, `Values`, `String` (`a=b, c=d`);
//! - `Pairs` methods `Names`, `Values`, `String`; `Pair` fields `Name Value`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::func::{ParamType, Signature};
use crate::gofmt::format_value;
use crate::gotime::GoTime;
use crate::value::{MapValue, Object, SliceValue, Value};

pub use super::decode::DataError;

/// A label or annotation set (Go's `template.KV`, a `map[string]string`).
pub type Kv = BTreeMap<String, String>;

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
    /// into `template.Data`: case-insensitive keys, RFC 3339 times).
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

    /// The template value (a `template.Data` object).
    pub fn to_value(&self) -> Value {
        Value::object(DataObject {
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

/// A `template.KV` value.
pub fn kv_value(kv: &Kv) -> Value {
    Value::object(KvObject::new(kv))
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
static STRING_SLICE_ARG: LazyLock<Signature> =
    LazyLock::new(|| Signature::new(vec![ParamType::StringSlice]));

/// Prints a struct as `fmt` does: `{a b}`, `{Name:a Value:b}` (`%+v`) or
/// `pkg.T{Name:"a", Value:"b"}` (`%#v`).
fn fmt_struct(
    out: &mut String,
    type_name: &str,
    fields: &[(&str, &Value)],
    verb: char,
    plus: bool,
    sharp: bool,
) {
    if sharp {
        out.push_str(type_name);
    }
    out.push('{');
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(if sharp { ", " } else { " " });
        }
        if plus || sharp {
            out.push_str(name);
            out.push(':');
        }
        format_value(out, value, verb, plus, sharp);
    }
    out.push('}');
}

/// Prints a slice: `[a b]`, or `T{a, b}` with `%#v`.
fn fmt_slice(out: &mut String, slice: &SliceValue, verb: char, plus: bool, sharp: bool) {
    if sharp {
        out.push_str(&slice.type_name);
        out.push('{');
    } else {
        out.push('[');
    }
    for (i, item) in slice.items.iter().enumerate() {
        if i > 0 {
            out.push_str(if sharp { ", " } else { " " });
        }
        format_value(out, item, verb, plus, sharp);
    }
    out.push(if sharp { '}' } else { ']' });
}

/// Go's `template.Data`.
#[derive(Debug)]
struct DataObject {
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
        "template.Data"
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
        Err(format!("template.Data has no method {name}"))
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        fmt_struct(out, "template.Data", &self.fields(), verb, plus, sharp);
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

/// Go's `template.KV`.
#[derive(Debug)]
struct KvObject {
    map: MapValue,
}

impl KvObject {
    fn new(kv: &Kv) -> KvObject {
        KvObject {
            map: MapValue {
                entries: kv.iter().map(|(k, v)| (k.clone(), Value::str(v))).collect(),
                elem_zero: Value::str(""),
                type_name: "template.KV".to_owned(),
            },
        }
    }

    /// `SortedPairs`: `alertname` first, then the other names in byte order.
    fn sorted_pairs(&self) -> Vec<(&str, &Value)> {
        let mut pairs: Vec<(&str, &Value)> = Vec::with_capacity(self.map.entries.len());
        if let Some(v) = self.map.entries.get("alertname") {
            pairs.push(("alertname", v));
        }
        pairs.extend(
            self.map
                .entries
                .iter()
                .filter(|(k, _)| k.as_str() != "alertname")
                .map(|(k, v)| (k.as_str(), v)),
        );
        pairs
    }

    fn string(&self) -> String {
        pairs_string(self.sorted_pairs().into_iter())
    }
}

fn pairs_string<'a>(pairs: impl Iterator<Item = (&'a str, &'a Value)>) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value.as_str().unwrap_or_default());
    }
    out
}

impl Object for KvObject {
    fn type_name(&self) -> &str {
        &self.map.type_name
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<&Signature> {
        match name {
            "SortedPairs" | "Names" | "Values" | "String" => Some(&NO_ARGS),
            "Remove" => Some(&STRING_SLICE_ARG),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match name {
            "SortedPairs" => Ok(pairs_value(
                self.sorted_pairs()
                    .into_iter()
                    .map(|(k, v)| (Value::str(k), v.clone())),
            )),
            "Names" => Ok(Value::slice(
                "[]string",
                self.sorted_pairs()
                    .into_iter()
                    .map(|(k, _)| Value::str(k))
                    .collect(),
            )),
            "Values" => Ok(Value::slice(
                "[]string",
                self.sorted_pairs()
                    .into_iter()
                    .map(|(_, v)| v.clone())
                    .collect(),
            )),
            "String" => Ok(Value::str(self.string())),
            "Remove" => {
                let remove: Vec<&str> = args
                    .first()
                    .and_then(Value::as_slice)
                    .map(|s| s.items.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let entries = self
                    .map
                    .entries
                    .iter()
                    .filter(|(k, _)| !remove.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Ok(Value::object(KvObject {
                    map: MapValue {
                        entries,
                        elem_zero: Value::str(""),
                        type_name: "template.KV".to_owned(),
                    },
                }))
            }
            _ => Err(format!("template.KV has no method {name}")),
        }
    }
    fn as_map(&self) -> Option<&MapValue> {
        Some(&self.map)
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        if !sharp && matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            // A Stringer: fmt prints String() with the verb.
            format_value(out, &Value::str(self.string()), verb, false, false);
            return;
        }
        out.push_str(if sharp { "template.KV{" } else { "map[" });
        for (i, (k, v)) in self.map.entries.iter().enumerate() {
            if i > 0 {
                out.push_str(if sharp { ", " } else { " " });
            }
            format_value(out, &Value::str(k), verb, plus, sharp);
            out.push(':');
            format_value(out, v, verb, plus, sharp);
        }
        out.push(if sharp { '}' } else { ']' });
    }
    fn is_truthy(&self) -> bool {
        !self.map.entries.is_empty()
    }
}

/// A `template.Pairs` value from name/value pairs.
fn pairs_value(pairs: impl Iterator<Item = (Value, Value)>) -> Value {
    Value::object(PairsObject {
        slice: SliceValue {
            items: pairs
                .map(|(name, value)| Value::object(PairObject { name, value }))
                .collect(),
            type_name: "template.Pairs".to_owned(),
        },
    })
}

/// Go's `template.Pairs`.
#[derive(Debug)]
struct PairsObject {
    slice: SliceValue,
}

impl PairsObject {
    fn column(&self, field: &str) -> Value {
        Value::slice(
            "[]string",
            self.slice
                .items
                .iter()
                .map(|item| match item {
                    Value::Object(o) => o.field(field).unwrap_or_else(|| Value::str("")),
                    _ => Value::str(""),
                })
                .collect(),
        )
    }
}

impl Object for PairsObject {
    fn type_name(&self) -> &str {
        &self.slice.type_name
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<&Signature> {
        matches!(name, "Names" | "Values" | "String").then(|| &*NO_ARGS)
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        match name {
            "Names" => Ok(self.column("Name")),
            "Values" => Ok(self.column("Value")),
            "String" => Ok(Value::str(self.string())),
            _ => Err(format!("template.Pairs has no method {name}")),
        }
    }
    fn as_slice(&self) -> Option<&SliceValue> {
        Some(&self.slice)
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        if !sharp && matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            format_value(out, &Value::str(self.string()), verb, false, false);
        } else {
            fmt_slice(out, &self.slice, verb, plus, sharp);
        }
    }
    fn is_truthy(&self) -> bool {
        !self.slice.items.is_empty()
    }
}

impl PairsObject {
    fn string(&self) -> String {
        let pairs: Vec<(Value, Value)> = self
            .slice
            .items
            .iter()
            .map(|item| match item {
                Value::Object(o) => (
                    o.field("Name").unwrap_or_default(),
                    o.field("Value").unwrap_or_default(),
                ),
                _ => (Value::Nil, Value::Nil),
            })
            .collect();
        pairs_string(
            pairs
                .iter()
                .map(|(n, v)| (n.as_str().unwrap_or_default(), v)),
        )
    }
}

/// Go's `template.Pair`.
#[derive(Debug)]
struct PairObject {
    name: Value,
    value: Value,
}

impl Object for PairObject {
    fn type_name(&self) -> &str {
        "template.Pair"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Name" => Some(self.name.clone()),
            "Value" => Some(self.value.clone()),
            _ => None,
        }
    }
    fn method(&self, _name: &str) -> Option<&Signature> {
        None
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("template.Pair has no method {name}"))
    }
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        fmt_struct(
            out,
            "template.Pair",
            &[("Name", &self.name), ("Value", &self.value)],
            verb,
            plus,
            sharp,
        );
    }
    fn go_equal(&self, other: &dyn Object) -> Option<bool> {
        if other.type_name() != "template.Pair" {
            return Some(false);
        }
        let same = |field: &str, mine: &Value| {
            other.field(field).as_ref().and_then(Value::as_str) == mine.as_str()
        };
        Some(same("Name", &self.name) && same("Value", &self.value))
    }
}
