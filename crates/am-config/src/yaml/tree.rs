//! YAML text → [`Node`] tree, built from `saphyr-parser` events. Mirrors the parser half of Go
//! `gopkg.in/yaml.v2` (`decode.go`: `parser`, `alias`, `merge`) with the checks of
//! `UnmarshalStrict`: aliases are expanded (under a budget against "billion laughs"), merge
//! keys (`<<`) are applied (see `merge`), duplicate keys are errors, and only the first
//! document is read.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle as ParserStyle, ScanError, Span, Tag};

use super::YamlPath;
use super::merge::{self, MergedDuplicate};
use crate::error::{ConfigError, ConfigErrors};

/// Deepest nesting of sequences and mappings accepted (aliases included), so that decoding
/// and dropping the tree cannot overflow the stack.
pub const MAX_DEPTH: usize = 200;

/// Most nodes that alias expansion may add to a document (yaml.v2 stops "excessive aliasing"
/// at a similar scale).
pub const MAX_ALIAS_NODES: usize = 400_000;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Unquoted; subject to YAML 1.1 resolution (`yes` is a boolean, `10` an integer).
    Plain,
    /// `'single quoted'`.
    SingleQuoted,
    /// `"double quoted"`.
    DoubleQuoted,
    /// A `|` block.
    Literal,
    /// A `>` block.
    Folded,
}

/// What a [`Node`] holds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// An absent value, `~`, `null`, `Null` or `NULL` written plain (or tagged `!!null`).
    Null,
    /// Any other scalar, with its text after unescaping and folding.
    Scalar {
        /// The scalar's text.
        text: String,
        /// How it was written.
        style: ScalarStyle,
        /// An explicit tag: `!!str`/`!!int`/… for core tags, otherwise as written (`!foo`).
        tag: Option<String>,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order, with merge keys applied and duplicates removed.
    Map(
        /// The entries, one per key, as a struct target reads them (explicit keys win over
        /// merged ones, earlier merged maps over later ones).
        Vec<(Node, Node)>,
        /// Keys set more than once through merge keys, which a map target refuses (see
        /// [`MergedDuplicate`]).
        Vec<MergedDuplicate>,
    ),
}

/// A YAML node and where it starts (1-based line and column). Nodes copied in by an alias
/// or a merge key keep the position of the anchored original.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The content.
    pub kind: NodeKind,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl Node {
    /// A null node at a position.
    pub fn null(line: u32, col: u32) -> Self {
        Self {
            kind: NodeKind::Null,
            line,
            col,
        }
    }

    /// The text of a scalar node (None for null, sequences and mappings).
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for a null node.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The value for `key` when this is a mapping with a scalar key of that text.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value nodes for `key` when this is a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Map(entries, _) => entries
                .iter()
                .find(|(k, _)| k.key_text().as_deref() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// How this node reads as a mapping key: scalar text, `null` for null, and a short
    /// description for (rare) sequence or mapping keys.
    pub fn key_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text.clone()),
            NodeKind::Null => Some("null".to_string()),
            NodeKind::Seq(_) | NodeKind::Map(..) => None,
        }
    }

    /// "a string", "a sequence", … for messages.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(..) => "a mapping",
        }
    }
}

/// Node count and height of a finished subtree, used for the alias budget and depth cap.
#[derive(Clone, Copy, Debug)]
struct Stats {
    size: usize,
    height: usize,
}

const LEAF: Stats = Stats { size: 1, height: 0 };

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// A sequence or mapping still being read.
struct Frame {
    body: Body,
    line: u32,
    col: u32,
    anchor: usize,
    stats: Stats,
}

/// Builds the tree of the first document of `src`. Problems that still leave a usable tree
/// (duplicate keys, whose later occurrences are dropped, and bad merge values, which are
/// ignored) come back beside it, so a caller can report them with decoding errors.
pub(crate) fn parse(src: &str) -> Result<(Node, Vec<ConfigError>), ConfigErrors> {
    let line_starts = std::iter::once(0)
        .chain(
            src.char_indices()
                .filter(|&(_, c)| c == '\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let mut builder = Builder {
        src,
        line_starts,
        stack: Vec::new(),
        anchors: HashMap::new(),
        open_anchors: HashSet::new(),
        alias_nodes: 0,
        errors: Vec::new(),
        root: None,
    };
    match builder.run() {
        Ok(()) => Ok((
            builder.root.unwrap_or_else(|| Node::null(1, 1)),
            builder.errors,
        )),
        Err(fatal) => {
            let mut errors = builder.errors;
            errors.push(fatal);
            errors.sort_by_key(|e| e.line);
            Err(ConfigErrors(errors))
        }
    }
}

struct Builder<'s> {
    src: &'s str,
    /// Byte offset of each line's start.
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    /// Finished anchored nodes by saphyr's anchor id (a redefined anchor gets a new id).
    anchors: HashMap<usize, (Node, Stats)>,
    /// Anchors on containers that are still open: an alias to one is a cycle.
    open_anchors: HashSet<usize>,
    alias_nodes: usize,
    /// Non-fatal problems (duplicate keys, bad merges), reported together.
    errors: Vec<ConfigError>,
    root: Option<Node>,
}

fn position(span: &Span) -> (u32, u32) {
    let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
    let col = u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX);
    (line, col)
}

fn tag_text(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

impl Builder<'_> {
    fn run(&mut self) -> Result<(), ConfigError> {
        let mut parser = Parser::new_from_str(self.src);
        while let Some(event) = parser.next_event() {
            let (event, span) = event.map_err(|e| self.syntax_error(&e))?;
            let (line, col) = position(&span);
            match event {
                Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => {}
                // yaml.v2's Unmarshal reads the first document only.
                Event::StreamEnd | Event::DocumentEnd => break,
                Event::Alias(id) => {
                    let (node, stats) = self.alias(id, &span, line)?;
                    self.push(node, stats);
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let tag = tag.map(|t| tag_text(&t));
                    let style = match style {
                        ParserStyle::Plain => ScalarStyle::Plain,
                        ParserStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                        ParserStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                        ParserStyle::Literal => ScalarStyle::Literal,
                        ParserStyle::Folded => ScalarStyle::Folded,
                    };
                    let null = is_null_text(&text)
                        && match tag.as_deref() {
                            None => style == ScalarStyle::Plain,
                            Some(t) => t == "!!null",
                        };
                    let kind = if null {
                        NodeKind::Null
                    } else {
                        NodeKind::Scalar {
                            text: text.into_owned(),
                            style,
                            tag,
                        }
                    };
                    let (line, col) = match style {
                        ScalarStyle::Literal | ScalarStyle::Folded => self.block_header(line, col),
                        _ => (line, col),
                    };
                    let node = Node { kind, line, col };
                    if anchor > 0 {
                        self.anchors.insert(anchor, (node.clone(), LEAF));
                    }
                    self.push(node, LEAF);
                }
                Event::SequenceStart(anchor, _) => {
                    self.open(Body::Seq(Vec::new()), anchor, line, col)?
                }
                Event::MappingStart(anchor, _) => {
                    self.open(
                        Body::Map {
                            entries: Vec::new(),
                            key: None,
                        },
                        anchor,
                        line,
                        col,
                    )?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(),
            }
        }
        Ok(())
    }

    fn open(&mut self, body: Body, anchor: usize, line: u32, col: u32) -> Result<(), ConfigError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error_here(
                line,
                format!("document nesting is too deep (more than {MAX_DEPTH} levels)"),
            ));
        }
        if anchor > 0 {
            self.open_anchors.insert(anchor);
        }
        self.stack.push(Frame {
            body,
            line,
            col,
            anchor,
            stats: LEAF,
        });
        Ok(())
    }

    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let kind = match frame.body {
            Body::Seq(items) => NodeKind::Seq(items),
            Body::Map { entries, key } => {
                let mut entries = entries;
                if let Some(key) = key {
                    // Cannot happen with a well-formed event stream; keep the key anyway.
                    let (l, c) = (key.line, key.col);
                    entries.push((key, Node::null(l, c)));
                }
                let mut problems = Vec::new();
                let (entries, duplicates) = merge::finish_map(entries, &mut problems);
                for problem in problems {
                    let error = self.error_here(problem.line, problem.message);
                    self.errors.push(match problem.hint {
                        Some(hint) => error.with_hint(hint),
                        None => error,
                    });
                }
                NodeKind::Map(entries, duplicates)
            }
        };
        let node = Node {
            kind,
            line: frame.line,
            col: frame.col,
        };
        let stats = Stats {
            size: frame.stats.size,
            height: frame.stats.height + 1,
        };
        if frame.anchor > 0 {
            self.open_anchors.remove(&frame.anchor);
            self.anchors.insert(frame.anchor, (node.clone(), stats));
        }
        self.push(node, stats);
    }

    fn push(&mut self, node: Node, stats: Stats) {
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        top.stats.size = top.stats.size.saturating_add(stats.size);
        top.stats.height = top.stats.height.max(stats.height);
        match &mut top.body {
            Body::Seq(items) => items.push(node),
            Body::Map { entries, key } => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    fn alias(&mut self, id: usize, span: &Span, line: u32) -> Result<(Node, Stats), ConfigError> {
        if self.open_anchors.contains(&id) {
            let name = self.source_text(span);
            let name = name.trim_start_matches('*');
            return Err(self.error_here(line, format!("anchor '{name}' value contains itself")));
        }
        let Some((node, stats)) = self.anchors.get(&id) else {
            let name = self.source_text(span);
            return Err(self.error_here(line, format!("unknown anchor '{name}' referenced")));
        };
        let (node, stats) = (node.clone(), *stats);
        self.alias_nodes = self.alias_nodes.saturating_add(stats.size);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(self.error_here(
                line,
                format!(
                    "document contains excessive aliasing (aliases expand to more than \
                     {MAX_ALIAS_NODES} nodes)"
                ),
            ));
        }
        if self.stack.len() + stats.height > MAX_DEPTH {
            return Err(self.error_here(
                line,
                format!("document nesting is too deep (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok((node, stats))
    }

    /// The line text (without its line break), 1-based.
    fn line_text(&self, line: u32) -> &str {
        let index = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(index) else {
            return "";
        };
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.src.len());
        self.src[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The position of a block scalar's `|`/`>` indicator, where yaml.v2 places the node:
    /// saphyr reports where the content starts. The header is the nearest non-blank line
    /// above the content (blank lines may separate them).
    fn block_header(&self, line: u32, col: u32) -> (u32, u32) {
        let mut header = line.saturating_sub(1);
        while header >= 1 && self.line_text(header).trim().is_empty() {
            header -= 1;
        }
        if header == 0 {
            return (line, col);
        }
        let text = self.line_text(header);
        let code = text.find(" #").map_or(text, |i| &text[..i]);
        match code.rfind(['|', '>']) {
            Some(i) => (
                header,
                u32::try_from(code[..i].chars().count() + 1).unwrap_or(col),
            ),
            None => (line, col),
        }
    }

    /// The source text of a span (spans count characters, not bytes).
    fn source_text(&self, span: &Span) -> String {
        self.src
            .chars()
            .skip(span.start.index())
            .take(span.len())
            .collect()
    }

    /// The path of the node being read: the open containers and their current positions.
    fn current_path(&self) -> YamlPath {
        let mut path = YamlPath::root();
        for frame in &self.stack {
            match &frame.body {
                Body::Seq(items) => path = path.index(items.len()),
                Body::Map { key: Some(key), .. } => {
                    path = path.key(key.key_text().unwrap_or_else(|| "?".to_string()));
                }
                Body::Map { key: None, .. } => {}
            }
        }
        path
    }

    fn error_here(&self, line: u32, message: impl Into<String>) -> ConfigError {
        let mut error = ConfigError::at(self.current_path(), message);
        error.line = Some(line);
        error
    }

    /// A syntax error from the scanner or parser, at its line (path left at the root: the
    /// parser's position is not a reliable path while the text is malformed).
    fn syntax_error(&self, error: &ScanError) -> ConfigError {
        let mut line = error.marker().line().max(1);
        let mut message = error.info().to_string();
        let leading_tab = |l: &str| {
            l.chars()
                .take_while(|c| c.is_whitespace())
                .any(|c| c == '\t')
        };
        let is_tab_error = message.contains("tab");
        if is_tab_error {
            // The scanner may report the start of the token; point at the offending line.
            if let Some(offset) = self.src.lines().skip(line - 1).position(leading_tab) {
                line += offset;
            }
        }
        if message == "recursion limit exceeded" {
            // saphyr's own flow-nesting limit (255 levels), reached while scanning ahead.
            message = format!("document nesting is too deep (more than {MAX_DEPTH} levels)");
        }
        if message.contains("unknown anchor") {
            let name: String = self
                .src
                .chars()
                .skip(error.marker().index())
                .skip_while(|&c| c == '*')
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect();
            message = format!("unknown anchor '{name}' referenced");
        }
        let text = self.line_text(u32::try_from(line).unwrap_or(u32::MAX));
        let mut out = ConfigError::at(YamlPath::root(), message);
        out.line = Some(u32::try_from(line).unwrap_or(u32::MAX));
        if is_tab_error || leading_tab(text) {
            out = out.with_hint("YAML does not allow tabs for indentation; use spaces");
        }
        out
    }
}
