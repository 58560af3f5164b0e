//! Duplicate keys and merge keys (`<<`) of one mapping, as Go `gopkg.in/yaml.v2` applies them
//! in strict mode (`decode.go`: `mapping`, `mappingStruct`, `merge`, `setMapIndex`).
//!
//! yaml.v2 does not build a merged mapping: it decodes the merged maps into the same Go value
//! where the `<<` key stands (a list of maps from its last map to its first), so what happens
//! to a key set twice depends on the target. Into a struct every write lands, with a fresh
//! "already set" record per mapping, so merged and explicit keys never conflict. Into a Go
//! map (`map[string]string`, `interface{}`), strict mode refuses every write of a key that is
//! already in the map: `key "team" already set in map`.
//!
//! The tree keeps one entry per key (explicit keys win, then earlier merged maps), which is
//! what a struct target reads, and records each write a map target would refuse as a
//! [`MergedDuplicate`] for the deserializer to report when it decodes the mapping as a map.

use std::collections::HashMap;

use super::tree::{Node, NodeKind, ScalarStyle};

/// A key that a mapping sets more than once once merge keys are applied (a merged key set
/// again, explicitly or by another merged map). yaml.v2 accepts this in a struct and refuses
/// it in a map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedDuplicate {
    /// The key as text.
    pub key: String,
    /// Line of the write yaml.v2 refuses (the later one in the order it applies them).
    pub line: u32,
    /// Line of the earlier write.
    pub first: u32,
}

/// A problem found while finishing a mapping: its line, message and hint.
pub(crate) struct Problem {
    pub line: u32,
    pub message: String,
    pub hint: Option<String>,
}

/// How duplicate keys are recognised: by scalar text; null keys are all the same.
fn key_id(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Scalar { text, .. } => Some(format!("s{text}")),
        NodeKind::Null => Some("n".to_string()),
        _ => None,
    }
}

fn is_merge_key(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar {
            text,
            style: ScalarStyle::Plain,
            tag: None,
        } => text == "<<",
        NodeKind::Scalar { tag: Some(tag), .. } => tag == "!!merge",
        _ => false,
    }
}

const MERGE_ERROR: &str = "map merge requires map or sequence of maps as the value";

/// A merged map: its entries and its own merged duplicates.
type Source = (Vec<(Node, Node)>, Vec<MergedDuplicate>);

/// An entry of the mapping once duplicate explicit keys are gone.
enum Item {
    /// An explicit key and its value.
    Entry(Node, Node),
    /// A `<<` key: the maps it merges, in the order written.
    Merge(Vec<Source>),
}

/// Records the writes of keys in yaml.v2's order and the ones a map target refuses.
#[derive(Default)]
struct Writes {
    first: HashMap<String, u32>,
    duplicates: Vec<MergedDuplicate>,
}

impl Writes {
    fn write(&mut self, key: &Node) {
        let Some(id) = key_id(key) else {
            return;
        };
        match self.first.get(&id) {
            Some(&first) => self.duplicates.push(MergedDuplicate {
                key: key.key_text().unwrap_or_default(),
                line: key.line,
                first,
            }),
            None => {
                self.first.insert(id, key.line);
            }
        }
    }
}

/// Finishes a mapping read in document order: removes duplicate explicit keys (a problem for
/// each) and applies merge keys (a problem for each non-map merge value). Returns the entries
/// a struct target reads and the merged duplicates a map target refuses.
pub(crate) fn finish_map(
    entries: Vec<(Node, Node)>,
    problems: &mut Vec<Problem>,
) -> (Vec<(Node, Node)>, Vec<MergedDuplicate>) {
    let mut first_seen: HashMap<String, u32> = HashMap::new();
    let mut explicit = Vec::with_capacity(entries.len());
    let mut has_merge = false;
    for (key, value) in entries {
        if is_merge_key(&key) {
            has_merge = true;
            explicit.push((key, value));
            continue;
        }
        if let Some(id) = key_id(&key) {
            if let Some(&first) = first_seen.get(&id) {
                let shown = key.key_text().unwrap_or_default();
                problems.push(Problem {
                    line: key.line,
                    message: format!("key {shown:?} already set in map"),
                    hint: Some(format!("first set on line {first}")),
                });
                continue;
            }
            first_seen.insert(id, key.line);
        }
        explicit.push((key, value));
    }
    if !has_merge {
        return (explicit, Vec::new());
    }

    // Every write in yaml.v2's order, for the duplicates a map target refuses.
    let mut writes = Writes::default();
    let mut items = Vec::with_capacity(explicit.len());
    for (key, value) in explicit {
        if !is_merge_key(&key) {
            writes.write(&key);
            items.push(Item::Entry(key, value));
            continue;
        }
        let sources: Vec<Source> = match value.kind {
            NodeKind::Map(entries, duplicates) => vec![(entries, duplicates)],
            NodeKind::Seq(items) => {
                let mut maps = Vec::with_capacity(items.len());
                for item in items {
                    match item.kind {
                        NodeKind::Map(entries, duplicates) => maps.push((entries, duplicates)),
                        _ => problems.push(merge_problem(item.line)),
                    }
                }
                maps
            }
            _ => {
                problems.push(merge_problem(value.line));
                Vec::new()
            }
        };
        // yaml.v2 decodes a list of maps from the last to the first (so that, in a struct,
        // earlier maps win); each merged map brings its own duplicates along.
        for (entries, duplicates) in sources.iter().rev() {
            writes.duplicates.extend(duplicates.iter().cloned());
            for (k, _) in entries {
                writes.write(k);
            }
        }
        items.push(Item::Merge(sources));
    }

    // The struct view: explicit keys win wherever they stand, then earlier merged maps.
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let sources = match item {
            Item::Entry(key, value) => {
                out.push((key, value));
                continue;
            }
            Item::Merge(sources) => sources,
        };
        for (k, v) in sources.into_iter().flat_map(|(entries, _)| entries) {
            match key_id(&k) {
                Some(id) if first_seen.contains_key(&id) => {}
                Some(id) => {
                    first_seen.insert(id, k.line);
                    out.push((k, v));
                }
                None => out.push((k, v)),
            }
        }
    }
    (out, writes.duplicates)
}

fn merge_problem(line: u32) -> Problem {
    Problem {
        line,
        message: MERGE_ERROR.to_string(),
        hint: None,
    }
}
