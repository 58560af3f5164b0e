//! A YAML reader with Go `yaml.v2` (`UnmarshalStrict`) semantics that remembers where every node
//! is, so that both decoding errors and later validation errors can name a path and a line.
//! TODO(yaml helper): tree + serde Deserializer.

mod path;

pub use path::{Segment, YamlPath};
