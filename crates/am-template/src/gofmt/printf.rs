//! The `Printf` format-string interpreter (Go's `pp.doPrintf`): flags `#0+- `, width and
//! precision (numbers or `*`), explicit argument indexes `%[n]`, and Go's error forms
//! `%!v(MISSING)`, `%!v(BADINDEX)`, `%!(BADWIDTH)`, `%!(BADPREC)`, `%!(NOVERB)` and
//! `%!(EXTRA type=value, ...)`.

use super::fmt::{Flags, Printer};
use crate::value::Value;

/// Widths and precisions above this are treated as absent (Go's `tooLarge`).
const TOO_LARGE: usize = 1_000_000;

/// Parses a decimal number at `s[start..]` (Go's `parsenum`): `(num, present, next index)`. A
/// number that keeps growing past the limit makes the rest of the format be skipped, as in Go.
fn parse_num(s: &[u8], start: usize) -> (usize, bool, usize) {
    let mut num = 0usize;
    let mut present = false;
    let mut i = start;
    while i < s.len() && s[i].is_ascii_digit() {
        if num > TOO_LARGE {
            return (0, false, s.len());
        }
        num = num * 10 + usize::from(s[i] - b'0');
        present = true;
        i += 1;
    }
    (num, present, i)
}

/// Go's `parseArgNumber` on `s` starting with `[`: `(zero-based index, bytes consumed, ok)`.
fn parse_arg_number(s: &[u8]) -> (i64, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (width, ok, newi) = parse_num(s, 1);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (i64::try_from(width).unwrap_or(i64::MAX) - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// Go's `intFromArg`: an integer operand for `*`.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= args.len() {
        return (0, false, arg_num);
    }
    let (num, is_int) = match &args[arg_num] {
        Value::Int(i) | Value::Duration(i) => (*i, true),
        Value::Uint(u) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if num.unsigned_abs() > TOO_LARGE as u64 {
        return (0, false, arg_num + 1);
    }
    (num, is_int, arg_num + 1)
}

struct State {
    reordered: bool,
    good_arg_num: bool,
}

impl State {
    /// Go's `argNumber`: handles an optional `[n]` at `format[i..]`.
    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if format.get(i) != Some(&b'[') {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }
}

impl Printer {
    /// Go's `doPrintf`.
    pub fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fmt = format.as_bytes();
        let end = fmt.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut st = State {
            reordered: false,
            good_arg_num: true,
        };
        let mut i = 0;
        while i < end {
            if self.overflow || self.buf.len() > self.limit {
                self.overflow = true;
                return;
            }
            st.good_arg_num = true;
            let lasti = i;
            while i < end && fmt[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1; // the '%'
            self.f = Flags::default();
            // Flags.
            while i < end {
                match fmt[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }
            // Argument index, width.
            (arg_num, i, after_index) = st.arg_number(arg_num, fmt, i, args.len());
            if i < end && fmt[i] == b'*' {
                i += 1;
                let (w, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    self.f.minus = true;
                }
                self.f.wid = usize::try_from(w.unsigned_abs()).unwrap_or(0);
                after_index = false;
            } else {
                let (w, present, next) = parse_num(fmt, i);
                self.f.wid = w;
                self.f.wid_present = present;
                i = next;
                if after_index && present {
                    st.good_arg_num = false;
                }
            }
            // Precision.
            if i + 1 < end && fmt[i] == b'.' {
                i += 1;
                if after_index {
                    st.good_arg_num = false;
                }
                (arg_num, i, after_index) = st.arg_number(arg_num, fmt, i, args.len());
                if i < end && fmt[i] == b'*' {
                    i += 1;
                    let (p, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    self.f.prec_present = ok;
                    self.f.prec = usize::try_from(p).unwrap_or(0);
                    if p < 0 {
                        self.f.prec = 0;
                        self.f.prec_present = false;
                    }
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, present, next) = parse_num(fmt, i);
                    self.f.prec = p;
                    self.f.prec_present = true;
                    if !present {
                        self.f.prec = 0;
                    }
                    i = next;
                }
            }
            if !after_index {
                (arg_num, i, _) = st.arg_number(arg_num, fmt, i, args.len());
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('\u{fffd}');
            i += verb.len_utf8();
            match verb {
                '%' => self.buf.push('%'),
                _ if !st.good_arg_num => {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(BADINDEX)");
                }
                _ if arg_num >= args.len() => {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(MISSING)");
                }
                _ => {
                    if verb == 'v' {
                        self.f.sharp_v = self.f.sharp;
                        self.f.sharp = false;
                        self.f.plus_v = self.f.plus;
                        self.f.plus = false;
                    }
                    self.print_arg(&args[arg_num], verb);
                    arg_num += 1;
                }
            }
        }
        if !st.reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }
}
