//! Dynamic values that templates operate on: the subset of Go's `reflect.Value` that `text/template`
//! (`exec.go`, `funcs.go`) and `html/template` need for Alertmanager data.
//!
//! Go's static types are reduced to a few variants; each value still knows its Go type name
//! (`type_name`) and reflect kind (`kind_name`) because Go's error texts and `%T` print them.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::func::Signature;
use crate::gotime::GoTime;

/// The `html/template` typed string kinds (`template.HTML`, `template.JS`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentKind {
    /// `template.HTML`
    Html,
    /// `template.HTMLAttr`
    HtmlAttr,
    /// `template.JS`
    Js,
    /// `template.JSStr`
    JsStr,
    /// `template.CSS`
    Css,
    /// `template.URL`
    Url,
    /// `template.Srcset`
    Srcset,
}

impl ContentKind {
    /// Go type name, as `%T` prints it.
    pub fn type_name(self) -> &'static str {
        match self {
            ContentKind::Html => "template.HTML",
            ContentKind::HtmlAttr => "template.HTMLAttr",
            ContentKind::Js => "template.JS",
            ContentKind::JsStr => "template.JSStr",
            ContentKind::Css => "template.CSS",
            ContentKind::Url => "template.URL",
            ContentKind::Srcset => "template.Srcset",
        }
    }
}

/// A template value (Go's `reflect.Value` restricted to what Alertmanager templates use).
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Go's invalid value / untyped nil; prints `<no value>` as a top-level action result.
    #[default]
    Nil,
    /// `bool`
    Bool(bool),
    /// `int` (template integer constants, `len` results, ...)
    Int(i64),
    /// `uint`
    Uint(u64),
    /// `float64`
    Float(f64),
    /// `string`
    String(Arc<str>),
    /// `html/template` typed string (`template.HTML`, ...); a string kind for comparisons.
    Typed(ContentKind, Arc<str>),
    /// `time.Time`
    Time(GoTime),
    /// `time.Duration` in nanoseconds.
    Duration(i64),
    /// A slice (`[]string`, `[]interface {}`, ...).
    Slice(Arc<SliceValue>),
    /// A map with string keys (`map[string]string`, ...).
    Map(Arc<MapValue>),
    /// A struct or named type with fields and methods.
    Object(Arc<dyn Object>),
}

/// Elements of a slice value plus its Go type name.
#[derive(Clone, Debug, Default)]
pub struct SliceValue {
    /// The elements, in order.
    pub items: Vec<Value>,
    /// Go type name, e.g. `[]string`.
    pub type_name: String,
}

/// Entries of a string-keyed map value (Go iterates and prints map keys sorted).
#[derive(Clone, Debug)]
pub struct MapValue {
    /// The entries, sorted by key (byte order, as Go sorts strings).
    pub entries: BTreeMap<String, Value>,
    /// The element type's zero value (returned for missing keys under `missingkey=zero` and by `index`).
    pub elem_zero: Value,
    /// Go type name, e.g. `map[string]string`.
    pub type_name: String,
}

impl Default for MapValue {
    fn default() -> Self {
        MapValue {
            entries: BTreeMap::new(),
            elem_zero: Value::Nil,
            type_name: "map[string]interface {}".to_string(),
        }
    }
}

/// A struct-like or named Go type exposed to templates (Alertmanager's `Data`, `Alert`, `KV`, ...).
pub trait Object: Send + Sync + fmt::Debug {
    /// Go type name, for errors and `%T` (e.g. `template.Data`).
    fn type_name(&self) -> &str;
    /// Exported struct field by name.
    fn field(&self, name: &str) -> Option<Value>;
    /// Signature of the method `name` (parameters drive argument conversion), if it exists.
    fn method(&self, name: &str) -> Option<&Signature>;
    /// Calls the method `name` with already converted arguments.
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String>;
    /// Named map types (`KV`) also behave as maps.
    fn as_map(&self) -> Option<&MapValue> {
        None
    }
    /// Named slice types (`Alerts`, `Pairs`) also behave as slices.
    fn as_slice(&self) -> Option<&SliceValue> {
        None
    }
    /// Appends how `fmt` prints the value with `%v` (`plus`: `%+v`, `sharp`: `%#v`); Stringers print
    /// their `String()` result here.
    fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool);
    /// Whether this is a nil value of a nillable named type (a nil `KV` map): `%p` prints `0x0`
    /// and JSON marshals it as `null`.
    fn is_nil(&self) -> bool {
        false
    }
    /// Go's `truth`: false for empty named maps/slices; structs are always true.
    fn is_truthy(&self) -> bool {
        true
    }
    /// Go `==` for comparable struct types (used by `eq`); `None` means the type is not comparable
    /// (structs containing maps or slices, named maps and slices).
    fn go_equal(&self, other: &dyn Object) -> Option<bool> {
        let _ = other;
        None
    }
}

impl Value {
    /// A `string` value.
    pub fn str(s: impl AsRef<str>) -> Value {
        Value::String(Arc::from(s.as_ref()))
    }

    /// A `[]string` slice.
    pub fn strings(items: Vec<String>) -> Value {
        Value::Slice(Arc::new(SliceValue {
            items: items.into_iter().map(Value::from).collect(),
            type_name: "[]string".to_string(),
        }))
    }

    /// A slice with the given Go type name (e.g. `[]interface {}`).
    pub fn slice(type_name: impl Into<String>, items: Vec<Value>) -> Value {
        Value::Slice(Arc::new(SliceValue {
            items,
            type_name: type_name.into(),
        }))
    }

    /// A `map[string]string`.
    pub fn string_map<I, K, V>(entries: I) -> Value
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: AsRef<str>,
    {
        Value::Map(Arc::new(MapValue {
            entries: entries
                .into_iter()
                .map(|(k, v)| (k.into(), Value::str(v)))
                .collect(),
            elem_zero: Value::str(""),
            type_name: "map[string]string".to_string(),
        }))
    }

    /// A map with the given Go type name and element zero value.
    pub fn map(
        type_name: impl Into<String>,
        elem_zero: Value,
        entries: BTreeMap<String, Value>,
    ) -> Value {
        Value::Map(Arc::new(MapValue {
            entries,
            elem_zero,
            type_name: type_name.into(),
        }))
    }

    /// An object value.
    pub fn object(obj: impl Object + 'static) -> Value {
        Value::Object(Arc::new(obj))
    }

    /// Whether this is Go's invalid value (untyped nil).
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Go's `truth` (text/template `isTrue`): false for the zero value of the type, nil,
    /// and empty strings, slices and maps.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) | Value::Typed(_, s) => !s.is_empty(),
            Value::Time(_) => true,
            Value::Duration(d) => *d != 0,
            Value::Slice(s) => !s.items.is_empty(),
            Value::Map(m) => !m.entries.is_empty(),
            Value::Object(o) => {
                if let Some(m) = o.as_map() {
                    !m.entries.is_empty()
                } else if let Some(s) = o.as_slice() {
                    !s.items.is_empty()
                } else {
                    o.is_truthy()
                }
            }
        }
    }

    /// Go's `reflect.Kind` name (`invalid`, `bool`, `int`, `string`, `slice`, `map`, `struct`,
    /// `ptr` for objects of pointer type `*T`, ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Uint(_) => "uint",
            Value::Float(_) => "float64",
            Value::String(_) | Value::Typed(..) => "string",
            Value::Time(_) => "struct",
            Value::Duration(_) => "int64",
            Value::Slice(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => {
                if o.type_name().starts_with('*') {
                    "ptr"
                } else if o.as_map().is_some() {
                    "map"
                } else if o.as_slice().is_some() {
                    "slice"
                } else {
                    "struct"
                }
            }
        }
    }

    /// Go type name, as `%T` prints it (`<nil>` for nil).
    pub fn type_name(&self) -> &str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Uint(_) => "uint",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Typed(k, _) => k.type_name(),
            Value::Time(_) => "time.Time",
            Value::Duration(_) => "time.Duration",
            Value::Slice(s) => &s.type_name,
            Value::Map(m) => &m.type_name,
            Value::Object(o) => o.type_name(),
        }
    }

    /// The string contents of string-kinded values (`string` and typed strings).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Typed(_, s) => Some(s),
            _ => None,
        }
    }

    /// The map view of maps and named map objects.
    pub fn as_map(&self) -> Option<&MapValue> {
        match self {
            Value::Map(m) => Some(m),
            Value::Object(o) => o.as_map(),
            _ => None,
        }
    }

    /// The slice view of slices and named slice objects.
    pub fn as_slice(&self) -> Option<&SliceValue> {
        match self {
            Value::Slice(s) => Some(s),
            Value::Object(o) => o.as_slice(),
            _ => None,
        }
    }

    /// The zero value of this value's type (Go's `reflect.Zero(v.Type())`), as far as it is modelled.
    pub fn zero_of_type(&self) -> Value {
        match self {
            Value::Nil => Value::Nil,
            Value::Bool(_) => Value::Bool(false),
            Value::Int(_) => Value::Int(0),
            Value::Uint(_) => Value::Uint(0),
            Value::Float(_) => Value::Float(0.0),
            Value::String(_) => Value::str(""),
            Value::Typed(k, _) => Value::Typed(*k, Arc::from("")),
            Value::Time(_) => Value::Time(GoTime::default()),
            Value::Duration(_) => Value::Duration(0),
            Value::Slice(s) => Value::slice(s.type_name.clone(), Vec::new()),
            Value::Map(m) => Value::Map(Arc::new(MapValue {
                entries: BTreeMap::new(),
                elem_zero: m.elem_zero.clone(),
                type_name: m.type_name.clone(),
            })),
            Value::Object(_) => Value::Nil,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Arc::from(s))
    }
}

impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<usize> for Value {
    fn from(i: usize) -> Self {
        Value::Int(i64::try_from(i).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Value {
    fn from(u: u64) -> Self {
        Value::Uint(u)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<GoTime> for Value {
    fn from(t: GoTime) -> Self {
        Value::Time(t)
    }
}

impl From<Vec<String>> for Value {
    fn from(items: Vec<String>) -> Self {
        Value::strings(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthiness_follows_go_zero_values() {
        assert!(!Value::Nil.is_truthy());
        assert!(!Value::from("").is_truthy());
        assert!(Value::from("x").is_truthy());
        assert!(!Value::Int(0).is_truthy());
        assert!(Value::Int(-1).is_truthy());
        assert!(!Value::Float(0.0).is_truthy());
        assert!(!Value::strings(vec![]).is_truthy());
        assert!(Value::strings(vec!["a".into()]).is_truthy());
        assert!(!Value::string_map(Vec::<(String, String)>::new()).is_truthy());
        assert!(Value::Time(GoTime::default()).is_truthy());
    }

    #[test]
    fn type_and_kind_names() {
        assert_eq!(Value::strings(vec![]).type_name(), "[]string");
        assert_eq!(
            Value::string_map([("a", "b")]).type_name(),
            "map[string]string"
        );
        assert_eq!(
            Value::Typed(ContentKind::Html, "x".into()).type_name(),
            "template.HTML"
        );
        assert_eq!(
            Value::Typed(ContentKind::Html, "x".into()).kind_name(),
            "string"
        );
        assert_eq!(Value::Nil.type_name(), "<nil>");
        assert_eq!(Value::Duration(1).kind_name(), "int64");
    }
}
