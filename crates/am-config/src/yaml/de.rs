//! A serde `Deserializer` over the [`Node`] tree with Go `yaml.v2` `UnmarshalStrict` semantics
//! (`decode.go: decoder`): strings take any scalar's raw text, booleans and numbers follow
//! YAML 1.1 resolution, null decodes to the zero value, unknown struct fields are collected
//! (not fatal), a key set again after a merge key brought it in is refused in a map but not in
//! a struct, and values of the wrong type are recorded and replaced by a zero value so
//! decoding carries on and reports every problem at once.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, Visitor};

use super::access::{EnumAccess, MapAccess, SeqAccess, StructAccess};
use super::de_error::{Collector, Error};
use super::resolve::{Resolved, decode_binary, resolve_plain, resolve_scalar};
use super::tree::{Node, NodeKind, ScalarStyle};
use super::{MergedDuplicate, YamlPath};

type Result<T> = std::result::Result<T, Error>;

/// Deserializes one node; child nodes get their own deserializer with an extended path.
pub(crate) struct NodeDeserializer<'a> {
    node: &'a Node,
    path: YamlPath,
    collector: &'a Collector,
}

impl<'a> NodeDeserializer<'a> {
    /// A deserializer for `node`, which sits at `path`.
    pub(crate) fn new(node: &'a Node, path: YamlPath, collector: &'a Collector) -> Self {
        Self {
            node,
            path,
            collector,
        }
    }

    /// Runs `f`, stamping this node's location on an error that has none yet.
    fn run<T>(self, f: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        f(&self).map_err(|e| e.located(&self.path, self.node.line))
    }

    /// The node's scalar meaning; None for sequences and mappings.
    fn resolved(&self) -> Result<Option<Resolved<'a>>> {
        match &self.node.kind {
            NodeKind::Null => Ok(Some(Resolved::Null)),
            NodeKind::Scalar { text, style, tag } => {
                resolve_scalar(text, *style == ScalarStyle::Plain, tag.as_deref())
                    .map(Some)
                    .map_err(Error::new)
            }
            NodeKind::Seq(_) | NodeKind::Map(..) => Ok(None),
        }
    }

    /// Checks an explicit core tag (`!!int abc` is an error even for a string target).
    fn check_tag(&self) -> Result<()> {
        self.resolved().map(|_| ())
    }

    /// Records that the node is not `expected`; the caller then visits a zero value.
    fn mismatch(&self, expected: &str) {
        let error = match &self.node.kind {
            NodeKind::Scalar { text, style, .. } => {
                // A quoted `"5"` or `'true'` is a string to yaml.v2; say so when the text
                // would have fitted unquoted.
                let fits_unquoted = match resolve_plain(text) {
                    Resolved::Bool(_) => expected.starts_with("a boolean"),
                    Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_) => {
                        expected.contains("integer") || expected.contains("number")
                    }
                    Resolved::Null | Resolved::Str(_) => false,
                };
                let hint = (fits_unquoted && *style != ScalarStyle::Plain)
                    .then(|| "quoted values are strings; remove the quotes".to_string());
                Error::new(format!("invalid value {text:?}: expected {expected}")).with_hint(hint)
            }
            NodeKind::Null => Error::new(format!("expected {expected}, found null")),
            NodeKind::Seq(_) | NodeKind::Map(..) => Error::new(format!(
                "expected {expected}, found {}",
                self.node.describe()
            )),
        };
        self.collector
            .record(error.located(&self.path, self.node.line), true);
    }

    /// Records an out-of-range or otherwise invalid value with a specific message.
    fn invalid(&self, message: String) {
        self.collector.record(
            Error::new(message).located(&self.path, self.node.line),
            true,
        );
    }

    fn text(&self) -> &str {
        self.node.as_scalar().unwrap_or_default()
    }

    /// An integer in `min..=max` as yaml.v2 reads it: integers, floats truncated toward zero,
    /// null as 0. Anything else is recorded and read as 0.
    fn integer(&self, min: i128, max: i128, expected: &str) -> Result<i128> {
        let value = match self.resolved()? {
            Some(Resolved::Null) => return Ok(0),
            Some(Resolved::Int(i)) => i128::from(i),
            Some(Resolved::Uint(u)) => i128::from(u),
            Some(Resolved::Float(f)) if f.is_finite() && f > -9.3e18 && f < 1.85e19 => {
                f.trunc() as i128
            }
            _ => {
                self.mismatch(expected);
                return Ok(0);
            }
        };
        if value < min || value > max {
            self.invalid(format!(
                "invalid value {:?}: expected {expected} between {min} and {max}",
                self.text()
            ));
            return Ok(0);
        }
        Ok(value)
    }

    fn float(&self) -> Result<f64> {
        Ok(match self.resolved()? {
            Some(Resolved::Null) => 0.0,
            Some(Resolved::Int(i)) => i as f64,
            Some(Resolved::Uint(u)) => u as f64,
            Some(Resolved::Float(f)) => f,
            _ => {
                self.mismatch("a number");
                0.0
            }
        })
    }

    /// Records the keys of a mapping decoded as a map that merge keys set more than once:
    /// yaml.v2's strict mode refuses them in a map (`setMapIndex`), not in a struct.
    fn merged_duplicates(&self, duplicates: &[MergedDuplicate]) {
        for duplicate in duplicates {
            let error = Error::new(format!("key {:?} already set in map", duplicate.key))
                .with_hint(Some(format!(
                    "first set on line {}; in a map, a key brought in by a merge (<<) \
                     cannot be set again",
                    duplicate.first
                )));
            self.collector
                .record(error.located(&self.path, duplicate.line), false);
        }
    }

    fn seq_access(&self, items: &'a [Node]) -> SeqAccess<'a> {
        SeqAccess::new(items, self.path.clone(), self.collector)
    }
}

macro_rules! deserialize_integer {
    ($($method:ident => $visit:ident($ty:ty, $expected:literal),)*) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
            self.run(|d| {
                let value = d.integer(i128::from(<$ty>::MIN), i128::from(<$ty>::MAX), $expected)?;
                visitor.$visit(<$ty>::try_from(value).unwrap_or_default())
            })
        }
    )*};
}

impl<'a> de::Deserializer<'a> for NodeDeserializer<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| match &d.node.kind {
            NodeKind::Seq(items) => visitor.visit_seq(d.seq_access(items)),
            NodeKind::Map(entries, duplicates) => {
                // yaml.v2 decodes a mapping into `interface{}` as a Go map.
                d.merged_duplicates(duplicates);
                visitor.visit_map(MapAccess::new(entries, d.path.clone(), d.collector))
            }
            NodeKind::Null | NodeKind::Scalar { .. } => match d.resolved()? {
                Some(Resolved::Bool(b)) => visitor.visit_bool(b),
                Some(Resolved::Int(i)) => visitor.visit_i64(i),
                Some(Resolved::Uint(u)) => visitor.visit_u64(u),
                Some(Resolved::Float(f)) => visitor.visit_f64(f),
                Some(Resolved::Str(s)) => match &d.node.kind {
                    NodeKind::Scalar { tag: Some(tag), .. } if tag == "!!binary" => {
                        visitor.visit_string(decode_binary(s).map_err(Error::new)?)
                    }
                    _ => visitor.visit_borrowed_str(s),
                },
                Some(Resolved::Null) | None => visitor.visit_unit(),
            },
        })
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| match d.resolved()? {
            Some(Resolved::Bool(b)) => visitor.visit_bool(b),
            Some(Resolved::Null) => visitor.visit_bool(false),
            _ => {
                d.mismatch("a boolean (true or false)");
                visitor.visit_bool(false)
            }
        })
    }

    deserialize_integer! {
        deserialize_i8 => visit_i8(i8, "an integer"),
        deserialize_i16 => visit_i16(i16, "an integer"),
        deserialize_i32 => visit_i32(i32, "an integer"),
        deserialize_i64 => visit_i64(i64, "an integer"),
        deserialize_u8 => visit_u8(u8, "an unsigned integer"),
        deserialize_u16 => visit_u16(u16, "an unsigned integer"),
        deserialize_u32 => visit_u32(u32, "an unsigned integer"),
        deserialize_u64 => visit_u64(u64, "an unsigned integer"),
    }

    fn deserialize_i128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| {
            let value = d.integer(i128::from(i64::MIN), i128::from(i64::MAX), "an integer")?;
            visitor.visit_i128(value)
        })
    }

    fn deserialize_u128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| {
            let value = d.integer(0, i128::from(u64::MAX), "an unsigned integer")?;
            visitor.visit_u128(value.unsigned_abs())
        })
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| visitor.visit_f32(d.float()? as f32))
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| visitor.visit_f64(d.float()?))
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| {
            d.check_tag()?;
            let mut chars = d.text().chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => visitor.visit_char(c),
                _ => {
                    d.mismatch("a single character");
                    visitor.visit_char('\0')
                }
            }
        })
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| match &d.node.kind {
            NodeKind::Null => visitor.visit_borrowed_str(""),
            NodeKind::Scalar { text, tag, .. } => {
                d.check_tag()?;
                if tag.as_deref() == Some("!!binary") {
                    return visitor.visit_string(decode_binary(text).map_err(Error::new)?);
                }
                visitor.visit_borrowed_str(text)
            }
            NodeKind::Seq(_) | NodeKind::Map(..) => {
                d.mismatch("a string");
                visitor.visit_borrowed_str("")
            }
        })
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| match &d.node.kind {
            NodeKind::Null => visitor.visit_borrowed_bytes(b""),
            NodeKind::Scalar { text, .. } => visitor.visit_borrowed_bytes(text.as_bytes()),
            NodeKind::Seq(_) | NodeKind::Map(..) => {
                d.mismatch("a string");
                visitor.visit_borrowed_bytes(b"")
            }
        })
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.node.is_null() {
            self.run(|_| visitor.visit_none())
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| {
            if !d.node.is_null() {
                d.mismatch("null");
            }
            visitor.visit_unit()
        })
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| match &d.node.kind {
            NodeKind::Seq(items) => visitor.visit_seq(d.seq_access(items)),
            NodeKind::Null => visitor.visit_seq(d.seq_access(&[])),
            NodeKind::Scalar { .. } | NodeKind::Map(..) => {
                d.mismatch("a sequence");
                visitor.visit_seq(d.seq_access(&[]))
            }
        })
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.run(|d| {
            let entries: &[(Node, Node)] = match &d.node.kind {
                NodeKind::Map(entries, duplicates) => {
                    d.merged_duplicates(duplicates);
                    entries
                }
                NodeKind::Null => &[],
                NodeKind::Scalar { .. } | NodeKind::Seq(_) => {
                    d.mismatch("a mapping");
                    &[]
                }
            };
            visitor.visit_map(MapAccess::new(entries, d.path.clone(), d.collector))
        })
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.run(|d| {
            // Merged keys set again are fine in a struct (see `merge`).
            let entries: &[(Node, Node)] = match &d.node.kind {
                NodeKind::Map(entries, _) => entries,
                NodeKind::Null => &[],
                NodeKind::Scalar { .. } | NodeKind::Seq(_) => {
                    d.mismatch("a mapping");
                    &[]
                }
            };
            let mut access = StructAccess::new(entries, fields, d.path.clone(), d.collector);
            let result = visitor.visit_map(&mut access);
            if result.is_err() {
                // Still report the unknown keys the visitor did not get to.
                access.drain();
            }
            result
        })
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.run(|d| match &d.node.kind {
            NodeKind::Scalar { text, .. } => {
                visitor.visit_enum(EnumAccess::new(text, None, d.path.clone(), d.collector))
            }
            NodeKind::Map(entries, _) if entries.len() == 1 => {
                let (key, value) = &entries[0];
                let Some(name) = key.as_scalar() else {
                    return Err(Error::new("expected a value name as the mapping key"));
                };
                visitor.visit_enum(EnumAccess::new(
                    name,
                    Some(value),
                    d.path.clone(),
                    d.collector,
                ))
            }
            _ => {
                let choices: Vec<String> = variants.iter().map(|v| format!("{v:?}")).collect();
                Err(Error::new(format!(
                    "expected one of {}, found {}",
                    choices.join(", "),
                    d.node.describe()
                )))
            }
        })
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

/// A deserializer for a struct field name that is known to be valid.
pub(crate) fn field_name(name: &str) -> BorrowedStrDeserializer<'_, Error> {
    BorrowedStrDeserializer::new(name)
}
