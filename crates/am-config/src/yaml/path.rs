//! YAML paths such as `route.routes[2].matchers[0]`, used to name where an error is.

use std::fmt;

/// One step in a [`YamlPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// The location of a node in a YAML document, printed the way operators read it:
/// `route.routes[2].matchers[0]`. The root prints as an empty string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct YamlPath(Vec<Segment>);

impl YamlPath {
    /// The document root.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// Builds a path from a dotted string such as `route.routes[2].matchers[0]`.
    /// Keys may not contain `.` or `[` (a convenience for tests and for hand-written paths).
    pub fn parse(text: &str) -> Self {
        let mut out = Self::root();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (key, rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !key.is_empty() {
                out.0.push(Segment::Key(key.to_string()));
            }
            for idx in rest.split('[').filter(|s| !s.is_empty()) {
                if let Ok(i) = idx.trim_end_matches(']').parse() {
                    out.0.push(Segment::Index(i));
                }
            }
        }
        out
    }

    /// This path extended by a mapping key.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.into()));
        next
    }

    /// This path extended by a sequence index.
    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    /// The segments, root first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// True for the document root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_operators_read_it() {
        let p = YamlPath::root()
            .key("route")
            .key("routes")
            .index(2)
            .key("matchers")
            .index(0);
        assert_eq!(p.to_string(), "route.routes[2].matchers[0]");
        assert_eq!(YamlPath::parse("route.routes[2].matchers[0]"), p);
        assert_eq!(YamlPath::root().index(1).to_string(), "[1]");
        assert!(YamlPath::parse("").is_root());
    }
}
