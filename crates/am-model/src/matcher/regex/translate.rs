//! Turns a Go parse tree into `regex-syntax` HIR with the same language. The HIR is printed and
//! compiled by the `regex` crate; everything Go-specific was settled while parsing, so the
//! mapping here is one to one.

use regex_syntax::hir::{self, Class, ClassUnicode, ClassUnicodeRange, Dot, Hir, Repetition};

use super::tree::{Kind, Look, MAX_HEIGHT, Node, RepeatOp};

/// The `regex` crate's nesting limit for our printed patterns. Each tree level prints as at most
/// two levels of groups, so this admits every tree our parser accepts.
pub(super) const NEST_LIMIT: u32 = 2 * MAX_HEIGHT + 16;

/// The HIR for `node`. Recursion depth is bounded by the tree height (at most `MAX_HEIGHT`).
pub(super) fn to_hir(node: &Node) -> Hir {
    match &node.kind {
        Kind::Empty => Hir::empty(),
        Kind::Literal { rune, fold } => literal(*rune, *fold),
        Kind::Class(class) => Hir::class(Class::Unicode(class.clone())),
        Kind::AnyChar => Hir::dot(Dot::AnyChar),
        Kind::AnyCharNotNl => Hir::dot(Dot::AnyCharExceptLF),
        Kind::Look(look) => Hir::look(match look {
            Look::BeginLine => hir::Look::StartLF,
            Look::EndLine => hir::Look::EndLF,
            Look::BeginText => hir::Look::Start,
            Look::EndText => hir::Look::End,
            // Go's word boundaries are ASCII-only.
            Look::WordBoundary => hir::Look::WordAscii,
            Look::NoWordBoundary => hir::Look::WordAsciiNegate,
        }),
        Kind::Capture { index, sub } => Hir::capture(hir::Capture {
            index: *index,
            name: None,
            sub: Box::new(to_hir(sub)),
        }),
        Kind::Repeat { op, greedy, sub } => {
            let (min, max) = match *op {
                RepeatOp::Star => (0, None),
                RepeatOp::Plus => (1, None),
                RepeatOp::Quest => (0, Some(1)),
                RepeatOp::Counted { min, max } => (min, max),
            };
            Hir::repetition(Repetition {
                min,
                max,
                greedy: *greedy,
                sub: Box::new(to_hir(sub)),
            })
        }
        Kind::Concat(subs) => Hir::concat(subs.iter().map(to_hir).collect()),
        Kind::Alternate(subs) => Hir::alternation(subs.iter().map(to_hir).collect()),
    }
}

/// A single Go rune: surrogates match nothing; case-insensitive runes match their fold orbit.
fn literal(rune: u32, fold: bool) -> Hir {
    let Some(c) = char::from_u32(rune) else {
        return Hir::fail();
    };
    if !fold {
        let mut buf = [0; 4];
        return Hir::literal(c.encode_utf8(&mut buf).as_bytes());
    }
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    Hir::class(Class::Unicode(class))
}
