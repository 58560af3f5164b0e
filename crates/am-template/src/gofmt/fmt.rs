//! The raw formatter behind `Printf`: flags, width, precision, padding and the per-kind
//! formatting of booleans, integers, code points, strings and floats (Go's `fmt/format.go`,
//! Go 1.23: zero padding only ever applies on the left).

use super::float::format_float;
use super::quote::{can_backquote, is_print, quote, quote_ascii, quote_rune};

/// Flags of one verb (Go's `fmtFlags` plus width and precision).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Flags {
    pub wid: usize,
    pub prec: usize,
    pub wid_present: bool,
    pub prec_present: bool,
    pub minus: bool,
    pub plus: bool,
    pub sharp: bool,
    pub space: bool,
    pub zero: bool,
    /// `%+v`: struct field names (`plus` is cleared).
    pub plus_v: bool,
    /// `%#v`: Go syntax (`sharp` is cleared).
    pub sharp_v: bool,
}

/// Output buffer plus the current verb's flags (Go's `pp` and `fmt`).
#[derive(Debug, Default)]
pub(crate) struct Printer {
    pub buf: String,
    pub f: Flags,
    /// Set while printing the operand of a `%!verb(...)` error: methods are not called.
    pub erroring: bool,
    /// Output size limit; padding beyond it is not generated and `overflow` is set.
    pub limit: usize,
    pub overflow: bool,
}

const LDIGITS: &[u8; 16] = b"0123456789abcdef";
const UDIGITS: &[u8; 16] = b"0123456789ABCDEF";

impl Printer {
    pub fn new(limit: usize) -> Printer {
        Printer {
            limit,
            ..Printer::default()
        }
    }

    /// Appends `n` padding characters (zeros when zero padding applies, spaces otherwise).
    pub fn write_padding(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        if self.buf.len().saturating_add(n) > self.limit {
            self.overflow = true;
            return;
        }
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        self.buf.extend(std::iter::repeat_n(c, n));
    }

    /// Appends `s` padded to the width (counted in characters) on the left or, with `-`, right.
    pub fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(width);
        } else {
            self.write_padding(width);
            self.buf.push_str(s);
        }
    }

    /// `pad` with zero padding disabled.
    fn pad_spaces(&mut self, s: &str) {
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(s);
        self.f.zero = old;
    }

    /// `true` / `false`.
    pub fn fmt_boolean(&mut self, v: bool) {
        self.pad(if v { "true" } else { "false" });
    }

    /// `%U`: `U+0078`, with `#` also ` 'x'` when printable.
    pub fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = format!("U+{u:0prec$X}");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && is_print(c)
        {
            s.push_str(" '");
            s.push(c);
            s.push('\'');
        }
        self.pad_spaces(&s);
    }

    /// Integers in base 2, 8, 10 or 16 (`upper`: `X` digits); `verb` `O` adds `0o`.
    pub fn fmt_integer(&mut self, u: u64, base: u32, signed: bool, verb: char, upper: bool) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative { u.wrapping_neg() } else { u };
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid;
                self.write_padding(w);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let digits = if upper { UDIGITS } else { LDIGITS };
        let mut rev: Vec<u8> = Vec::with_capacity(24);
        let b = u64::from(base);
        loop {
            rev.push(digits[usize::try_from(u % b).unwrap_or(0)]);
            u /= b;
            if u == 0 {
                break;
            }
        }
        if prec > self.limit {
            self.overflow = true;
            return;
        }
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(if upper { b'X' } else { b'x' });
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s = String::from_utf8(rev).unwrap_or_default();
        self.pad_spaces(&s);
    }

    /// `%c`: the character, U+FFFD for invalid code points.
    pub fn fmt_c(&mut self, c: u64) {
        let ch = u32::try_from(c)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}');
        let mut buf = [0u8; 4];
        self.pad(ch.encode_utf8(&mut buf));
    }

    /// `%q` of an integer: a quoted character literal.
    pub fn fmt_qc(&mut self, c: u64) {
        let s = quote_rune(c, self.f.plus);
        self.pad(&s);
    }

    /// Truncates `s` to the precision (in characters), if any.
    fn truncate<'a>(&self, s: &'a str) -> &'a str {
        if self.f.prec_present
            && let Some((i, _)) = s.char_indices().nth(self.f.prec)
        {
            return &s[..i];
        }
        s
    }

    /// `%s`.
    pub fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    /// `%x` / `%X` of a string or byte slice: hex of the bytes, `#` adds `0x`, space separates.
    pub fn fmt_sbx(&mut self, bytes: &[u8], upper: bool) {
        let digits = if upper { UDIGITS } else { LDIGITS };
        let mut length = bytes.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                let w = self.f.wid;
                self.write_padding(w);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            let n = self.f.wid - width;
            self.write_padding(n);
        }
        let x = if upper { 'X' } else { 'x' };
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(x);
        }
        for (i, &c) in bytes[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(x);
                }
            }
            self.buf.push(char::from(digits[usize::from(c >> 4)]));
            self.buf.push(char::from(digits[usize::from(c & 0xf)]));
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            let n = self.f.wid - width;
            self.write_padding(n);
        }
    }

    /// `%q` of a string: double-quoted (ASCII-only with `+`), or backquoted with `#` when possible.
    pub fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        let quoted = if self.f.sharp && can_backquote(s) {
            format!("`{s}`")
        } else if self.f.plus {
            quote_ascii(s)
        } else {
            quote(s)
        };
        self.pad(&quoted);
    }

    /// Floats: `verb` is a `strconv` format (`e E f g G x X b`), `prec` the default precision.
    pub fn fmt_float(&mut self, v: f64, verb: u8, prec: i64) {
        let prec = if self.f.prec_present {
            i64::try_from(self.f.prec).unwrap_or(i64::MAX)
        } else {
            prec
        };
        if prec > i64::try_from(self.limit).unwrap_or(i64::MAX) {
            self.overflow = true;
            return;
        }
        let formatted = format_float(v, verb, prec);
        // Reserve the sign position: num[0] is the sign, num[1..] the unsigned number.
        let mut num: Vec<u8> = Vec::with_capacity(formatted.len() + 1);
        if formatted.starts_with(['-', '+']) {
            num.extend_from_slice(formatted.as_bytes());
        } else {
            num.push(b'+');
            num.extend_from_slice(formatted.as_bytes());
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num.get(1).is_some_and(|&c| c == b'I' || c == b'N') {
            // Infinities and NaN are never zero padded; NaN only gets a sign when asked.
            let start = usize::from(num[1] == b'N' && !self.f.space && !self.f.plus);
            let s = String::from_utf8_lossy(&num[start..]).into_owned();
            self.pad_spaces(&s);
            return;
        }
        if self.f.sharp && verb != b'b' {
            let mut digits: i64 = match verb {
                b'v' | b'g' | b'G' | b'x' => {
                    if prec == -1 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != b'x' && verb != b'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    c => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        let text = String::from_utf8_lossy(&num).into_owned();
        if self.f.plus || num[0] != b'+' {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > num.len() {
                self.buf.push(char::from(num[0]));
                let n = self.f.wid - num.len();
                self.write_padding(n);
                self.buf.push_str(&text[1..]);
                return;
            }
            self.pad(&text);
            return;
        }
        self.pad(&text[1..]);
    }
}
