//! The parse tree of a Go regular expression, shaped like Go's `regexp/syntax.Regexp` after
//! parsing (non-capturing groups vanish, concatenations and alternations are flattened), with
//! each node's height for Go's nesting limit and Go's check on nested counted repetitions.

use regex_syntax::hir::ClassUnicode;

/// Go's `maxHeight`: the deepest parse tree accepted.
pub(crate) const MAX_HEIGHT: u32 = 1000;

/// Zero-width assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    BeginLine,
    EndLine,
    BeginText,
    EndText,
    WordBoundary,
    NoWordBoundary,
}

/// Repetition operators; `Counted` is Go's `OpRepeat` (`{n}`, `{n,}`, `{n,m}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RepeatOp {
    Star,
    Plus,
    Quest,
    Counted { min: u32, max: Option<u32> },
}

/// What a node of the parse tree is.
#[derive(Debug)]
pub(crate) enum Kind {
    Empty,
    /// A Go rune (may be a surrogate, which matches nothing), case-insensitive when `fold`.
    Literal {
        rune: u32,
        fold: bool,
    },
    /// A final character set (folding and negation already applied).
    Class(ClassUnicode),
    AnyChar,
    AnyCharNotNl,
    Look(Look),
    Capture {
        index: u32,
        sub: Box<Node>,
    },
    Repeat {
        op: RepeatOp,
        greedy: bool,
        sub: Box<Node>,
    },
    Concat(Vec<Node>),
    Alternate(Vec<Node>),
}

/// A parse tree node and its height (a leaf has height 1).
#[derive(Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    pub height: u32,
}

impl Node {
    pub(crate) fn leaf(kind: Kind) -> Node {
        Node { kind, height: 1 }
    }
}

/// Go's `repeatIsValid`: nested counted repetitions may not multiply beyond `n` copies.
pub(crate) fn repeat_is_valid(node: &Node, mut n: u32) -> bool {
    match &node.kind {
        Kind::Repeat { op, sub, .. } => {
            if let RepeatOp::Counted { min, max } = *op {
                if max == Some(0) {
                    return true;
                }
                let m = max.unwrap_or(min);
                if m > n {
                    return false;
                }
                n = n.checked_div(m).unwrap_or(n);
            }
            repeat_is_valid(sub, n)
        }
        Kind::Capture { sub, .. } => repeat_is_valid(sub, n),
        Kind::Concat(subs) | Kind::Alternate(subs) => subs.iter().all(|s| repeat_is_valid(s, n)),
        _ => true,
    }
}

/// A concatenation of `items` (flattened; one item stands for itself; none is empty).
pub(crate) fn concat(items: Vec<Node>) -> Node {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.kind {
            Kind::Concat(subs) => out.extend(subs),
            kind => out.push(Node {
                kind,
                height: item.height,
            }),
        }
    }
    match out.len() {
        0 => Node::leaf(Kind::Empty),
        1 => out.pop().unwrap_or_else(|| Node::leaf(Kind::Empty)),
        _ => {
            // Go merges a run of literals into one node; a concatenation of literals only is a
            // single leaf there.
            let mut folds = out.iter().map(|n| match n.kind {
                Kind::Literal { fold, .. } => Some(fold),
                _ => None,
            });
            let first = folds.next().flatten();
            let all_literal = first.is_some() && folds.all(|f| f == first);
            let height = if all_literal {
                1
            } else {
                1 + out.iter().map(|n| n.height).max().unwrap_or(0)
            };
            Node {
                kind: Kind::Concat(out),
                height,
            }
        }
    }
}

/// The alternation of a group's finished branches plus its current items.
pub(crate) fn finish_group(mut alternates: Vec<Node>, items: Vec<Node>) -> Node {
    alternates.push(concat(items));
    if alternates.len() == 1 {
        return alternates.pop().unwrap_or_else(|| Node::leaf(Kind::Empty));
    }
    let mut out = Vec::with_capacity(alternates.len());
    for alt in alternates {
        match alt.kind {
            Kind::Alternate(subs) => out.extend(subs),
            kind => out.push(Node {
                kind,
                height: alt.height,
            }),
        }
    }
    let height = 1 + out.iter().map(|n| n.height).max().unwrap_or(0);
    Node {
        kind: Kind::Alternate(out),
        height,
    }
}
