//! A parser for Go's regular expression syntax with the flags `regexp.Compile` uses
//! (`syntax.Perl`), mirroring `regexp/syntax/parse.go` of the Go releases that build
//! Alertmanager 0.28: the same accepted language, the same error codes and the same offending
//! text in each error.
//!
//! Like Go's, the parser is iterative (a stack of open groups), so deep nesting cannot overflow
//! our stack; the tree it builds (`tree` module) is at most [`MAX_HEIGHT`] levels high.

use regex_syntax::hir::ClassUnicode;

use super::class::{
    Group, finish, group_class, perl_group, posix_group, range_class, unicode_table,
};
use super::tree::{Kind, Look, MAX_HEIGHT, Node, RepeatOp, concat, finish_group, repeat_is_valid};
use super::{ErrorCode, RegexError};

/// Go's largest repeat count in `{n,m}`.
const MAX_REPEAT: i64 = 1000;

/// The flags that change meaning as parsing goes (`(?imsU)`).
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    fold: bool,
    multiline: bool,
    dot_nl: bool,
    ungreedy: bool,
}

/// One open group: the finished alternatives and the items of the current one.
struct Frame {
    alternates: Vec<Node>,
    items: Vec<Node>,
    /// `Some(index)` for a capturing group.
    capture: Option<u32>,
    /// The flags in force before the group opened, restored at its `)`.
    saved: Flags,
}

struct Parser<'a> {
    whole: &'a str,
    flags: Flags,
    frames: Vec<Frame>,
    captures: u32,
}

/// Parses `whole` with Go's rules.
pub(super) fn parse(whole: &str) -> Result<Node, RegexError> {
    let mut p = Parser {
        whole,
        flags: Flags::default(),
        frames: vec![Frame {
            alternates: Vec::new(),
            items: Vec::new(),
            capture: None,
            saved: Flags::default(),
        }],
        captures: 0,
    };
    p.run()
}

fn err<T>(code: ErrorCode, expr: &str) -> Result<T, RegexError> {
    Err(RegexError::new(code, expr))
}

/// The character at byte offset `pos` and its length, or `None` at the end.
fn char_at(s: &str, pos: usize) -> Option<(char, usize)> {
    s.get(pos..)?.chars().next().map(|c| (c, c.len_utf8()))
}

fn unhex(c: Option<char>) -> Option<u32> {
    c?.to_digit(16)
}

fn is_octal(b: Option<&u8>) -> bool {
    matches!(b, Some(b'0'..=b'7'))
}

impl Parser<'_> {
    fn run(&mut self) -> Result<Node, RegexError> {
        let s = self.whole;
        let bytes = s.as_bytes();
        let mut pos = 0;
        // Where the previous token started, when it was a repetition operator.
        let mut last_repeat: Option<usize> = None;
        while pos < s.len() {
            let mut repeat = None;
            match bytes[pos] {
                b'(' if bytes.get(pos + 1) == Some(&b'?') => pos = self.perl_flags(pos)?,
                b'(' => {
                    self.captures += 1;
                    self.open(Some(self.captures));
                    pos += 1;
                }
                b'|' => {
                    let frame = self.top();
                    let items = std::mem::take(&mut frame.items);
                    let branch = concat(items);
                    frame.alternates.push(branch);
                    pos += 1;
                }
                b')' => {
                    self.close()?;
                    pos += 1;
                }
                b'^' => {
                    let look = if self.flags.multiline {
                        Look::BeginLine
                    } else {
                        Look::BeginText
                    };
                    self.push(Node::leaf(Kind::Look(look)));
                    pos += 1;
                }
                b'$' => {
                    let look = if self.flags.multiline {
                        Look::EndLine
                    } else {
                        Look::EndText
                    };
                    self.push(Node::leaf(Kind::Look(look)));
                    pos += 1;
                }
                b'.' => {
                    let kind = if self.flags.dot_nl {
                        Kind::AnyChar
                    } else {
                        Kind::AnyCharNotNl
                    };
                    self.push(Node::leaf(kind));
                    pos += 1;
                }
                b'[' => pos = self.class(pos)?,
                op @ (b'*' | b'+' | b'?') => {
                    let op = match op {
                        b'*' => RepeatOp::Star,
                        b'+' => RepeatOp::Plus,
                        _ => RepeatOp::Quest,
                    };
                    repeat = Some(pos);
                    pos = self.repeat(op, pos, pos + 1, last_repeat)?;
                }
                b'{' => match parse_repeat(&s[pos..]) {
                    None => {
                        // Not a repeat: `{` is a literal.
                        self.literal(u32::from('{'));
                        pos += 1;
                    }
                    Some((min, max, len)) => {
                        let after = pos + len;
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return err(ErrorCode::InvalidRepeatSize, &s[pos..after]);
                        }
                        // Both fit in u32 now: 0 <= min <= 1000, -1 <= max <= 1000.
                        let op = RepeatOp::Counted {
                            min: u32::try_from(min).unwrap_or(0),
                            max: u32::try_from(max).ok(),
                        };
                        repeat = Some(pos);
                        pos = self.repeat(op, pos, after, last_repeat)?;
                    }
                },
                b'\\' => pos = self.backslash(pos)?,
                _ => {
                    let (c, len) = char_at(s, pos).unwrap_or(('\0', 1));
                    self.literal(u32::from(c));
                    pos += len;
                }
            }
            last_repeat = repeat;
        }
        if self.frames.len() != 1 {
            return err(ErrorCode::MissingParen, s);
        }
        let frame = self.frames.pop().map(|f| (f.alternates, f.items));
        let (alternates, items) = frame.unwrap_or_default();
        self.check(finish_group(alternates, items))
    }

    fn top(&mut self) -> &mut Frame {
        // `frames` always holds the top-level frame; only `run` pops it, at the very end.
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn push(&mut self, node: Node) {
        self.top().items.push(node);
    }

    fn literal(&mut self, rune: u32) {
        let fold = self.flags.fold;
        self.push(Node::leaf(Kind::Literal { rune, fold }));
    }

    fn check(&self, node: Node) -> Result<Node, RegexError> {
        if node.height > MAX_HEIGHT {
            return err(ErrorCode::NestingDepth, self.whole);
        }
        Ok(node)
    }

    fn open(&mut self, capture: Option<u32>) {
        self.frames.push(Frame {
            alternates: Vec::new(),
            items: Vec::new(),
            capture,
            saved: self.flags,
        });
    }

    fn close(&mut self) -> Result<(), RegexError> {
        if self.frames.len() < 2 {
            return err(ErrorCode::UnexpectedParen, self.whole);
        }
        let Some(frame) = self.frames.pop() else {
            return err(ErrorCode::UnexpectedParen, self.whole);
        };
        self.flags = frame.saved;
        let mut node = self.check(finish_group(frame.alternates, frame.items))?;
        if let Some(index) = frame.capture {
            let height = node.height + 1;
            node = self.check(Node {
                kind: Kind::Capture {
                    index,
                    sub: Box::new(node),
                },
                height,
            })?;
        }
        self.push(node);
        Ok(())
    }

    /// Applies a repetition operator found at `before` (ending at `after`) to the last item.
    /// Returns the position after it, past a lazy `?`.
    fn repeat(
        &mut self,
        op: RepeatOp,
        before: usize,
        mut after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize, RegexError> {
        let s = self.whole;
        let mut greedy = !self.flags.ungreedy;
        if s.as_bytes().get(after) == Some(&b'?') {
            after += 1;
            greedy = !greedy;
        }
        if let Some(last) = last_repeat {
            // Go, like Perl, rejects stacked operators such as `a**` or `a+?*`.
            return err(ErrorCode::InvalidRepeatOp, &s[last..after]);
        }
        let Some(sub) = self.top().items.pop() else {
            return err(ErrorCode::MissingRepeatArgument, &s[before..after]);
        };
        let height = sub.height + 1;
        let node = self.check(Node {
            kind: Kind::Repeat {
                op,
                greedy,
                sub: Box::new(sub),
            },
            height,
        })?;
        if let RepeatOp::Counted { min, max } = op
            && (min >= 2 || max.is_some_and(|m| m >= 2))
            && !repeat_is_valid(&node, 1000)
        {
            return err(ErrorCode::InvalidRepeatSize, &s[before..after]);
        }
        self.push(node);
        Ok(after)
    }

    /// Parses `(?…`: a named capture, a flag change `(?i)` or a group with flags `(?i:`.
    fn perl_flags(&mut self, pos: usize) -> Result<usize, RegexError> {
        let s = self.whole;
        let t = &s[pos..];
        let tb = t.as_bytes();
        let starts_with_p = tb.len() > 4 && tb[2] == b'P' && tb[3] == b'<';
        let starts_with_name = tb.len() > 3 && tb[2] == b'<';
        if starts_with_p || starts_with_name {
            let name_start = if starts_with_p { 4 } else { 3 };
            let Some(end) = t.find('>') else {
                return err(ErrorCode::InvalidNamedCapture, t);
            };
            let name = &t[name_start..end];
            if name.is_empty() || !name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()) {
                return err(ErrorCode::InvalidNamedCapture, &t[..=end]);
            }
            self.captures += 1;
            self.open(Some(self.captures));
            return Ok(pos + end + 1);
        }

        let mut flags = self.flags;
        let mut negate = false;
        let mut saw_flag = false;
        let mut p = pos + 2;
        while let Some((c, len)) = char_at(s, p) {
            p += len;
            match c {
                'i' | 'm' | 's' | 'U' => {
                    let on = !negate;
                    match c {
                        'i' => flags.fold = on,
                        'm' => flags.multiline = on,
                        's' => flags.dot_nl = on,
                        _ => flags.ungreedy = on,
                    }
                    saw_flag = true;
                }
                '-' => {
                    if negate {
                        break;
                    }
                    negate = true;
                    saw_flag = false;
                }
                ':' | ')' => {
                    if negate && !saw_flag {
                        break;
                    }
                    if c == ':' {
                        self.open(None);
                    }
                    self.flags = flags;
                    return Ok(p);
                }
                _ => break,
            }
        }
        err(ErrorCode::InvalidPerlOp, &s[pos..p])
    }

    /// Parses a backslash sequence outside a character class.
    fn backslash(&mut self, pos: usize) -> Result<usize, RegexError> {
        let s = self.whole;
        let look = |look| Node::leaf(Kind::Look(look));
        match s.as_bytes().get(pos + 1) {
            Some(b'A') => self.push(look(Look::BeginText)),
            Some(b'b') => self.push(look(Look::WordBoundary)),
            Some(b'B') => self.push(look(Look::NoWordBoundary)),
            Some(b'z') => self.push(look(Look::EndText)),
            // Go does not support `\C` (any byte).
            Some(b'C') => return err(ErrorCode::InvalidEscape, &s[pos..pos + 2]),
            Some(b'Q') => {
                // \Q ... \E: everything up to \E (or the end) is literal text.
                let rest = &s[pos + 2..];
                let (text, end) = match rest.find(r"\E") {
                    Some(i) => (&rest[..i], pos + 2 + i + 2),
                    None => (rest, s.len()),
                };
                for c in text.chars() {
                    self.literal(u32::from(c));
                }
                return Ok(end);
            }
            Some(b'p' | b'P') => {
                let (class, end) = self.unicode_class(pos)?;
                self.push(Node::leaf(Kind::Class(class)));
                return Ok(end);
            }
            Some(&letter) if perl_group(letter).is_some() => {
                let class = self.group(perl_group(letter));
                self.push(Node::leaf(Kind::Class(class)));
                return Ok(pos + 2);
            }
            _ => {
                let (rune, end) = self.escape(pos)?;
                self.literal(rune);
                return Ok(end);
            }
        }
        Ok(pos + 2)
    }

    fn group(&self, group: Option<Group>) -> ClassUnicode {
        group.map_or_else(ClassUnicode::empty, |g| group_class(&g, self.flags.fold))
    }

    /// Parses a single-character escape at `pos` (which holds the backslash).
    fn escape(&self, pos: usize) -> Result<(u32, usize), RegexError> {
        let s = self.whole;
        let bytes = s.as_bytes();
        let Some((c, len)) = char_at(s, pos + 1) else {
            return err(ErrorCode::TrailingBackslash, "");
        };
        let mut p = pos + 1 + len;
        let bad = |p: usize| err(ErrorCode::InvalidEscape, &s[pos..p]);
        match c {
            // A single non-zero digit would be a backreference, which Go does not support.
            '1'..='7' if !is_octal(bytes.get(p)) => bad(p),
            '0'..='7' => {
                let mut r = u32::from(c) - u32::from('0');
                for _ in 1..3 {
                    if !is_octal(bytes.get(p)) {
                        break;
                    }
                    r = r * 8 + u32::from(bytes[p] - b'0');
                    p += 1;
                }
                Ok((r, p))
            }
            'x' => {
                let Some((c, len)) = char_at(s, p) else {
                    return bad(p);
                };
                p += len;
                if c == '{' {
                    let mut digits = 0;
                    let mut r: u32 = 0;
                    loop {
                        let Some((c, len)) = char_at(s, p) else {
                            return bad(p);
                        };
                        p += len;
                        if c == '}' {
                            break;
                        }
                        let Some(v) = unhex(Some(c)) else {
                            return bad(p);
                        };
                        r = r * 16 + v;
                        if r > 0x10_ffff {
                            return bad(p);
                        }
                        digits += 1;
                    }
                    if digits == 0 {
                        return bad(p);
                    }
                    return Ok((r, p));
                }
                let x = unhex(Some(c));
                let next = char_at(s, p);
                p += next.map_or(0, |(_, len)| len);
                match (x, unhex(next.map(|(c, _)| c))) {
                    (Some(x), Some(y)) => Ok((x * 16 + y, p)),
                    _ => bad(p),
                }
            }
            'a' => Ok((0x07, p)),
            'f' => Ok((0x0c, p)),
            'n' => Ok((0x0a, p)),
            'r' => Ok((0x0d, p)),
            't' => Ok((0x09, p)),
            'v' => Ok((0x0b, p)),
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((u32::from(c), p)),
            _ => bad(p),
        }
    }

    /// Parses `\pX`, `\p{Name}`, `\PX`, `\P{^Name}` at `pos`; returns the set and the end.
    fn unicode_class(&self, pos: usize) -> Result<(ClassUnicode, usize), RegexError> {
        let s = self.whole;
        let t = &s[pos..];
        let mut negated = t.as_bytes().get(1) == Some(&b'P');
        let (end, name) = match char_at(s, pos + 2) {
            Some(('{', _)) => {
                let Some(close) = t.find('}') else {
                    return err(ErrorCode::InvalidCharRange, t);
                };
                (pos + close + 1, &t[3..close])
            }
            other => {
                let end = pos + 2 + other.map_or(0, |(_, len)| len);
                (end, &s[pos + 2..end])
            }
        };
        let seq = &s[pos..end];
        let name = match name.strip_prefix('^') {
            Some(rest) => {
                negated = !negated;
                rest
            }
            None => name,
        };
        let Some(mut class) = unicode_table(name) else {
            return err(ErrorCode::InvalidCharRange, seq);
        };
        finish(&mut class, self.flags.fold, negated);
        Ok((class, end))
    }

    /// Parses a bracketed class starting at `pos` (which holds `[`); returns the end.
    fn class(&mut self, pos: usize) -> Result<usize, RegexError> {
        let s = self.whole;
        let bytes = s.as_bytes();
        let fold = self.flags.fold;
        let mut p = pos + 1;
        let mut class = ClassUnicode::empty();
        let negated = bytes.get(p) == Some(&b'^');
        if negated {
            p += 1;
        }
        // `]` (and `-`) may come first as a literal.
        let mut first = true;
        while first || bytes.get(p) != Some(&b']') {
            first = false;
            let t = &s[p..];
            if t.len() > 2
                && t.starts_with("[:")
                && let Some(i) = t[2..].find(":]")
            {
                let token = &t[..i + 4];
                let Some(group) = posix_group(token) else {
                    return err(ErrorCode::InvalidCharRange, token);
                };
                class.union(&group_class(&group, fold));
                p += token.len();
                continue;
            }
            if t.starts_with(r"\p") || t.starts_with(r"\P") {
                let (set, end) = self.unicode_class(p)?;
                class.union(&set);
                p = end;
                continue;
            }
            if t.len() >= 2
                && t.as_bytes()[0] == b'\\'
                && let Some(group) = perl_group(t.as_bytes()[1])
            {
                class.union(&group_class(&group, fold));
                p += 2;
                continue;
            }
            let start = p;
            let (lo, next) = self.class_char(p, pos)?;
            p = next;
            let mut hi = lo;
            if s.len() - p >= 2 && bytes[p] == b'-' && bytes[p + 1] != b']' {
                let (h, next) = self.class_char(p + 1, pos)?;
                hi = h;
                p = next;
                if hi < lo {
                    return err(ErrorCode::InvalidCharRange, &s[start..p]);
                }
            }
            class.union(&range_class(lo, hi, fold));
        }
        if negated {
            class.negate();
        }
        self.push(Node::leaf(Kind::Class(class)));
        Ok(p + 1)
    }

    fn class_char(&self, p: usize, class_start: usize) -> Result<(u32, usize), RegexError> {
        let s = self.whole;
        match char_at(s, p) {
            None => err(ErrorCode::MissingBracket, &s[class_start..]),
            Some(('\\', _)) => self.escape(p),
            Some((c, len)) => Ok((u32::from(c), p + len)),
        }
    }
}

/// Go's `parseRepeat`: `{min}`, `{min,}` or `{min,max}` at the start of `s`, as
/// `(min, max, length)`; `max` is -1 for "no maximum" and `min` is -1 when a number is too big.
/// `None` when `s` does not have that form (then `{` is a literal).
fn parse_repeat(s: &str) -> Option<(i64, i64, usize)> {
    let b = s.as_bytes();
    let mut p = 1;
    let (mut min, len) = parse_int(&b[p..])?;
    p += len;
    let max;
    match b.get(p)? {
        b',' => {
            p += 1;
            if *b.get(p)? == b'}' {
                max = -1;
            } else {
                let (m, len) = parse_int(&b[p..])?;
                p += len;
                max = m;
                if m < 0 {
                    min = -1;
                }
            }
        }
        _ => max = min,
    }
    (*b.get(p)? == b'}').then_some((min, max, p + 1))
}

/// Go's `parseInt`: decimal digits without a leading zero; -1 when the value is too big.
fn parse_int(b: &[u8]) -> Option<(i64, usize)> {
    let len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if len == 0 || (len >= 2 && b[0] == b'0') {
        return None;
    }
    let mut n: i64 = 0;
    for &d in &b[..len] {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some((n, len))
}
