//! Alertmanager's label and annotation sets as templates see them (upstream
//! `template/template.go`, v0.28): [`Kv`] (Go's `template.KV`, a `map[string]string` that may be
//! nil) and the template objects of `KV`, `Pairs` and `Pair`:
//!
//! - `KV` methods `SortedPairs` (`alertname` first, the other keys sorted), `Remove []string`,
//!   `Names`, `Values`, `String` (`a=b, c=d`);
//! - `Pairs` methods `Names`, `Values`, `String`; `Pair` fields `Name Value`.
//!
//! `KV` and `Pairs` are `fmt.Stringer`s: `gofmt` prints them through `String` for the string
//! verbs; their `fmt_go` is what `fmt` prints otherwise (`map[a:b]`, `[{a b}]`, `%#v`).

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::LazyLock;

use crate::func::{ParamType, Signature};
use crate::gofmt::format_value;
use crate::value::{MapValue, Object, SliceValue, Value};

/// A label or annotation set (Go's `template.KV`, a `map[string]string`).
///
/// It dereferences to its entries. Like a Go map it can be nil: [`Kv::default`] and
/// [`Kv::nil`] are nil (Go's zero value, and what `encoding/json` leaves for a missing key or
/// stores for `null`), while [`Kv::new`], collecting, and any mutable access give an allocated
/// map (`KV{}`). Only `fmt`'s `%#v` (`template.KV(nil)`) and JSON (`null`) tell them apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kv {
    entries: BTreeMap<String, String>,
    allocated: bool,
}

impl Kv {
    /// An empty, allocated set (Go's `KV{}`).
    pub fn new() -> Kv {
        Kv {
            entries: BTreeMap::new(),
            allocated: true,
        }
    }

    /// A nil set (Go's `KV(nil)`).
    pub fn nil() -> Kv {
        Kv::default()
    }

    /// Whether this is a nil map.
    pub fn is_nil(&self) -> bool {
        !self.allocated
    }
}

impl Deref for Kv {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.entries
    }
}

impl DerefMut for Kv {
    /// Mutable access allocates the map (as assigning `make(KV)` would first).
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.allocated = true;
        &mut self.entries
    }
}

impl From<BTreeMap<String, String>> for Kv {
    fn from(entries: BTreeMap<String, String>) -> Kv {
        Kv {
            entries,
            allocated: true,
        }
    }
}

impl FromIterator<(String, String)> for Kv {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Kv {
        Kv::from(iter.into_iter().collect::<BTreeMap<_, _>>())
    }
}

impl Extend<(String, String)> for Kv {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        (**self).extend(iter);
    }
}

impl IntoIterator for Kv {
    type Item = (String, String);
    type IntoIter = std::collections::btree_map::IntoIter<String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Kv {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

/// A `template.KV` value.
pub fn kv_value(kv: &Kv) -> Value {
    Value::object(KvObject {
        map: kv_map(kv.iter().map(|(k, v)| (k.clone(), Value::str(v))).collect()),
        nil: kv.is_nil(),
    })
}

fn kv_map(entries: BTreeMap<String, Value>) -> MapValue {
    MapValue {
        entries,
        elem_zero: Value::str(""),
        type_name: "template.KV".to_owned(),
    }
}

static NO_ARGS: LazyLock<Signature> = LazyLock::new(|| Signature::new(Vec::new()));
static STRING_SLICE_ARG: LazyLock<Signature> =
    LazyLock::new(|| Signature::new(vec![ParamType::StringSlice]));

/// Prints a slice as `fmt` does: `[a b]`, or `T{a, b}` with `%#v`.
pub(super) fn fmt_slice(out: &mut String, slice: &SliceValue, verb: char, plus: bool, sharp: bool) {
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

/// Prints a struct as `fmt` does: `{a b}`, `{Name:a Value:b}` (`%+v`) or
/// `pkg.T{Name:"a", Value:"b"}` (`%#v`).
pub(super) fn fmt_struct(
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

/// Go's `template.KV`.
#[derive(Debug)]
struct KvObject {
    map: MapValue,
    /// A nil map (only `%#v` shows it).
    nil: bool,
}

impl KvObject {
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
                // Upstream builds the result in a new `KV{}`: never nil.
                Ok(Value::object(KvObject {
                    map: kv_map(entries),
                    nil: false,
                }))
            }
            _ => Err(format!("template.KV has no method {name}")),
        }
    }
    fn as_map(&self) -> Option<&MapValue> {
        Some(&self.map)
    }
    /// The map as `fmt`'s `printValue` prints it (`gofmt` calls `String` first for the string
    /// verbs): `map[a:b]`, `template.KV{"a":"b"}`, or `template.KV(nil)`.
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        if sharp && self.nil {
            out.push_str("template.KV(nil)");
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
    fn is_nil(&self) -> bool {
        self.nil
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
    /// The slice as `fmt`'s `printValue` prints it (`gofmt` calls `String` first for the string
    /// verbs).
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
        fmt_slice(out, &self.slice, verb, plus, sharp);
    }
    fn is_truthy(&self) -> bool {
        !self.slice.items.is_empty()
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
