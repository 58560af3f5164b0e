//! A YAML reader with Go `yaml.v2` (`UnmarshalStrict`) semantics that remembers where every node
//! is, so that both decoding errors and later validation errors can name a path and a line.
//! Mirrors `gopkg.in/yaml.v2` (`decode.go`, `resolve.go`) as Alertmanager uses it to load its
//! configuration, plus a printer ([`emit`]) in the layout of yaml.v2's `Marshal`.
//!
//! - [`tree`]: text → [`Node`] tree (aliases, merge keys, duplicate keys, first document only).
//! - `merge`: duplicate and merge keys of one mapping, and the merged keys set twice that
//!   yaml.v2 refuses in a map but not in a struct ([`MergedDuplicate`]).
//! - `de`/`access`: a serde `Deserializer` over the tree that collects every problem.
//! - `resolve`: YAML 1.1 scalar resolution (`yes` is a boolean, `0x1F` an integer).
//! - `suggest`: "did you mean" hints and a table of well-known mistakes.

mod access;
mod de;
mod de_error;
mod emit;
mod merge;
mod path;
mod resolve;
mod suggest;
pub mod tree;

use serde::de::DeserializeOwned;

pub use de_error::Error;
pub use emit::emit;
pub use merge::MergedDuplicate;
pub use path::{Segment, YamlPath};
pub use tree::{MAX_ALIAS_NODES, MAX_DEPTH, Node, NodeKind, ScalarStyle};

use crate::error::{ConfigError, ConfigErrors};

/// A parsed YAML document (its first document, as yaml.v2's `Unmarshal` reads).
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    root: Node,
}

impl Document {
    /// Parses YAML text. Syntax errors, duplicate keys, bad merge keys, cyclic or excessive
    /// aliases and too-deep nesting are reported with their line.
    ///
    /// # Errors
    /// Every problem found, in document order.
    pub fn parse(src: &str) -> Result<Document, ConfigErrors> {
        match tree::parse(src)? {
            (root, problems) if problems.is_empty() => Ok(Document { root }),
            (_, problems) => Err(ConfigErrors(problems)),
        }
    }

    /// Like [`Document::parse`], but problems that leave a usable tree (duplicate keys,
    /// whose later occurrences are dropped, and merge keys with a non-map value, which are
    /// ignored) are returned beside the document, so that a loader can report them together
    /// with decoding errors.
    ///
    /// # Errors
    /// Syntax errors, cyclic or excessive aliases and too-deep nesting.
    pub fn parse_lenient(src: &str) -> Result<(Document, Vec<ConfigError>), ConfigErrors> {
        let (root, problems) = tree::parse(src)?;
        Ok((Document { root }, problems))
    }

    /// The 1-based line of the node at `path`; for a path ending in a key, the line of the
    /// key. When the node does not exist, the line of its nearest existing ancestor.
    pub fn line_of(&self, path: &YamlPath) -> Option<u32> {
        let mut node = &self.root;
        let mut line = node.line;
        for segment in path.segments() {
            match (segment, &node.kind) {
                (Segment::Key(key), NodeKind::Map(..)) => match node.entry(key) {
                    Some((k, v)) => {
                        line = k.line;
                        node = v;
                    }
                    None => break,
                },
                (Segment::Index(i), NodeKind::Seq(items)) => match items.get(*i) {
                    Some(item) => {
                        line = item.line;
                        node = item;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        Some(line)
    }

    /// The node at `path`, if it exists.
    pub fn node_at(&self, path: &YamlPath) -> Option<&Node> {
        let mut node = &self.root;
        for segment in path.segments() {
            node = match (segment, &node.kind) {
                (Segment::Key(key), NodeKind::Map(..)) => node.get(key)?,
                (Segment::Index(i), NodeKind::Seq(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The root node (null for an empty document).
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Decodes the document into `T` like yaml.v2's `UnmarshalStrict`: unknown fields,
    /// values of the wrong type and errors raised by nested `Deserialize` impls are all
    /// reported, each with the path and line of its node.
    ///
    /// # Errors
    /// Every problem found, in document order (never empty).
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, ConfigErrors> {
        self.deserialize_at(&YamlPath::root())
    }

    /// Decodes the node at `path` (null when it does not exist) into `T`, naming paths
    /// relative to the document root.
    ///
    /// # Errors
    /// Every problem found, in document order (never empty).
    pub fn deserialize_at<T: DeserializeOwned>(&self, path: &YamlPath) -> Result<T, ConfigErrors> {
        let missing;
        let node = match self.node_at(path) {
            Some(node) => node,
            None => {
                missing = Node::null(self.line_of(path).unwrap_or(1), 1);
                &missing
            }
        };
        de_error::Collector::default().run(path, |collector| {
            let seed = std::marker::PhantomData::<T>;
            access::deserialize_node(seed, node, path.clone(), collector)
        })
    }
}

/// Parses and decodes `src`, returning the value and the document (for line look-ups by
/// later validation).
///
/// # Errors
/// Syntax errors, or every decoding problem, in document order.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<(T, Document), ConfigErrors> {
    let (document, mut problems) = Document::parse_lenient(src)?;
    match document.deserialize() {
        Ok(value) if problems.is_empty() => Ok((value, document)),
        Ok(_) => Err(ConfigErrors(problems)),
        Err(ConfigErrors(errors)) => {
            // Duplicate keys and decoding problems are reported together, like yaml.v2.
            problems.extend(errors);
            problems.sort_by_key(|e| e.line.unwrap_or(u32::MAX));
            Err(ConfigErrors(problems))
        }
    }
}
