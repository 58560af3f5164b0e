//! serde access objects for sequences, mappings, structs and enums over the [`Node`] tree.
//! The struct access is where `UnmarshalStrict`'s unknown-field check lives (Go yaml.v2
//! `decode.go: mappingStruct`): unknown keys are recorded and skipped, never fatal.

use serde::de::{self, DeserializeSeed, Visitor};

use super::YamlPath;
use super::de::{NodeDeserializer, field_name};
use super::de_error::{Collector, Error};
use super::suggest;
use super::tree::{Node, NodeKind};

type Result<T> = std::result::Result<T, Error>;

/// The items of a sequence.
pub(crate) struct SeqAccess<'a> {
    items: std::slice::Iter<'a, Node>,
    index: usize,
    path: YamlPath,
    collector: &'a Collector,
}

impl<'a> SeqAccess<'a> {
    pub(crate) fn new(items: &'a [Node], path: YamlPath, collector: &'a Collector) -> Self {
        Self {
            items: items.iter(),
            index: 0,
            path,
            collector,
        }
    }
}

impl<'a> de::SeqAccess<'a> for SeqAccess<'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        for node in self.items.by_ref() {
            let path = self.path.index(self.index);
            self.index += 1;
            if !self.collector.is_pruned(&path) {
                return deserialize_node(seed, node, path, self.collector).map(Some);
            }
        }
        Ok(None)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a mapping decoded as a map: every key is handed to the visitor.
pub(crate) struct MapAccess<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    pending: Option<(&'a Node, YamlPath)>,
    path: YamlPath,
    collector: &'a Collector,
}

impl<'a> MapAccess<'a> {
    pub(crate) fn new(
        entries: &'a [(Node, Node)],
        path: YamlPath,
        collector: &'a Collector,
    ) -> Self {
        Self {
            entries: entries.iter(),
            pending: None,
            path,
            collector,
        }
    }
}

/// Runs `seed` on a node. Errors raised by the seed itself after the node's deserializer
/// returned (a `Deserialize` impl rejecting the string it read) get the node's location too.
pub(crate) fn deserialize_node<'a, T: DeserializeSeed<'a>>(
    seed: T,
    node: &'a Node,
    path: YamlPath,
    collector: &'a Collector,
) -> Result<T::Value> {
    let line = node.line;
    let located = path.clone();
    seed.deserialize(NodeDeserializer::new(node, path, collector))
        .map_err(|e| e.located(&located, line))
}

fn take_pending<'a>(pending: &mut Option<(&'a Node, YamlPath)>) -> Result<(&'a Node, YamlPath)> {
    pending
        .take()
        .ok_or_else(|| Error::new("a map value was requested before its key"))
}

impl<'a> de::MapAccess<'a> for MapAccess<'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        for (key, value) in self.entries.by_ref() {
            let key_path = self
                .path
                .key(key.key_text().unwrap_or_else(|| "?".to_string()));
            if !self.collector.is_pruned(&key_path) {
                self.pending = Some((value, key_path.clone()));
                return deserialize_node(seed, key, key_path, self.collector).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        let (node, path) = take_pending(&mut self.pending)?;
        deserialize_node(seed, node, path, self.collector)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The entries of a mapping decoded as a struct: keys that are not fields are recorded as
/// unknown-field errors (with a suggestion) and skipped.
pub(crate) struct StructAccess<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    fields: &'static [&'static str],
    pending: Option<(&'a Node, YamlPath)>,
    path: YamlPath,
    collector: &'a Collector,
}

impl<'a> StructAccess<'a> {
    pub(crate) fn new(
        entries: &'a [(Node, Node)],
        fields: &'static [&'static str],
        path: YamlPath,
        collector: &'a Collector,
    ) -> Self {
        Self {
            entries: entries.iter(),
            fields,
            pending: None,
            path,
            collector,
        }
    }

    /// The field name of a key, or None after recording why it is not one.
    fn field_of(&self, key: &'a Node) -> Option<&'a str> {
        let error = match &key.kind {
            NodeKind::Scalar { text, .. } if self.fields.contains(&text.as_str()) => {
                return Some(text);
            }
            NodeKind::Scalar { text, .. } => {
                let (message, hint) = suggest::unknown_field(text, self.fields);
                Error::new(message).with_hint(hint)
            }
            NodeKind::Null => Error::new("unknown field null (an empty key)"),
            NodeKind::Seq(_) | NodeKind::Map(..) => {
                Error::new(format!("invalid map key: {}", key.describe()))
            }
        };
        self.collector
            .record(error.located(&self.path, key.line), false);
        None
    }

    /// Checks the keys the visitor did not read (after it failed) for unknown fields.
    pub(crate) fn drain(&mut self) {
        while let Some((key, _)) = self.entries.next() {
            self.field_of(key);
        }
    }
}

impl<'a> de::MapAccess<'a> for StructAccess<'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        while let Some((key, value)) = self.entries.next() {
            if let Some(name) = self.field_of(key) {
                let path = self.path.key(name);
                if !self.collector.is_pruned(&path) {
                    self.pending = Some((value, path));
                    return seed.deserialize(field_name(name)).map(Some);
                }
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        let (node, path) = take_pending(&mut self.pending)?;
        deserialize_node(seed, node, path, self.collector)
    }
}

/// An enum written as a plain name (`unit`) or a single-key mapping (`{name: value}`).
pub(crate) struct EnumAccess<'a> {
    name: &'a str,
    value: Option<&'a Node>,
    path: YamlPath,
    collector: &'a Collector,
}

impl<'a> EnumAccess<'a> {
    pub(crate) fn new(
        name: &'a str,
        value: Option<&'a Node>,
        path: YamlPath,
        collector: &'a Collector,
    ) -> Self {
        Self {
            name,
            value,
            path,
            collector,
        }
    }

    fn value(&self) -> Result<&'a Node> {
        self.value.ok_or_else(|| {
            Error::new(format!(
                "{:?} needs a value: write it as {}: <value>",
                self.name, self.name
            ))
        })
    }

    fn value_deserializer(&self) -> Result<NodeDeserializer<'a>> {
        Ok(NodeDeserializer::new(
            self.value()?,
            self.path.key(self.name),
            self.collector,
        ))
    }
}

impl<'a> de::EnumAccess<'a> for EnumAccess<'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(field_name(self.name))?;
        Ok((variant, self))
    }
}

impl<'a> de::VariantAccess<'a> for EnumAccess<'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        match self.value {
            Some(node) if !node.is_null() => {
                Err(Error::new(format!("{:?} takes no value", self.name)))
            }
            _ => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value> {
        deserialize_node(
            seed,
            self.value()?,
            self.path.key(self.name),
            self.collector,
        )
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self.value_deserializer()?, visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(self.value_deserializer()?, "", fields, visitor)
    }
}
