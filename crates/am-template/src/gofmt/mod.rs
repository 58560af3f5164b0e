//! Go's `fmt` printing of template values, byte for byte: what `{{ . }}` prints
//! (`text/template`'s `printValue`, i.e. `fmt.Fprint`), and the `print`, `println` and `printf`
//! builtins (`fmt.Sprint`, `fmt.Sprintln`, `fmt.Sprintf`). Mirrors Go's `fmt/print.go` and
//! `fmt/format.go`, plus the parts of `strconv` they use (`ftoa.go`, `quote.go`), as of Go 1.23.
//!
//! - `printf`: the format-string interpreter (flags, width, precision, `*`, `%[n]`, errors).
//! - `print`: operands by kind (Stringers, `%#v` Go syntax, containers, bad verbs).
//! - `fmt`: padding and the per-kind formatters.
//! - `float`, `quote`: `strconv.FormatFloat` and `strconv.Quote` equivalents.
//!
//! Differences from Go that cannot be avoided: pointer addresses (`%p`, pointers inside a
//! `time.Time` printed with integer verbs) are a fixed fake address.

mod float;
mod fmt;
mod print;
mod printf;
mod quote;

use crate::value::Value;

pub use float::format_float;
pub use quote::{can_backquote, is_print, quote, quote_ascii, quote_rune};

use self::fmt::{Flags, Printer};

/// What `text/template` prints for a value in an action (`{{ . }}`): `<no value>` for nil,
/// otherwise `fmt.Sprint(v)`.
pub fn print_value(v: &Value) -> String {
    if v.is_nil() {
        return "<no value>".to_string();
    }
    sprint(std::slice::from_ref(v))
}

/// `fmt.Sprint(args...)`: operands with `%v`, a space between operands when neither is a
/// string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::new(usize::MAX);
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = arg.as_str().is_some();
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// `fmt.Sprintln(args...)`: operands with `%v`, separated by spaces, and a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::new(usize::MAX);
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// `fmt.Sprintf(format, args...)`.
///
/// Widths and precisions go up to about ten million like Go's, so one verb can produce that
/// many bytes; use [`sprintf_limited`] to bound the output.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::new(usize::MAX);
    p.do_printf(format, args);
    p.buf
}

/// `fmt.Sprintf` that gives up (returns `None`) as soon as the output would exceed `max_bytes`.
pub fn sprintf_limited(format: &str, args: &[Value], max_bytes: usize) -> Option<String> {
    let mut p = Printer::new(max_bytes);
    p.do_printf(format, args);
    if p.overflow || p.buf.len() > max_bytes {
        None
    } else {
        Some(p.buf)
    }
}

/// Appends how `fmt` prints `v` as an element of a container or field of a struct (Go's
/// `printValue` at depth > 0) with `verb` and the `%+v` (`plus`) / `%#v` (`sharp`) forms. For
/// [`Object::fmt_go`](crate::value::Object::fmt_go) implementations printing their fields.
pub fn format_value(out: &mut String, v: &Value, verb: char, plus: bool, sharp: bool) {
    let mut p = Printer::new(usize::MAX);
    p.f.plus_v = plus && verb == 'v';
    p.f.sharp_v = sharp && verb == 'v';
    p.f.plus = plus && verb != 'v';
    p.f.sharp = sharp && verb != 'v';
    p.print_value(v, verb, 1);
    out.push_str(&p.buf);
}

/// Appends how `fmt` prints a Go value of a named integer type with a `String` method (such
/// as `time.Month`): `text` for `%v %s %q %x %X`, the number for `%d` and `%#v`, and
/// `%!verb(type_name=n)` for verbs integers do not support.
pub fn format_stringer_int(
    out: &mut String,
    type_name: &str,
    n: i64,
    text: &str,
    verb: char,
    plus: bool,
    sharp: bool,
) {
    let mut p = Printer::new(usize::MAX);
    p.f.plus_v = plus && verb == 'v';
    p.f.sharp_v = sharp && verb == 'v';
    p.f.sharp = sharp && verb != 'v';
    p.f.plus = plus && verb != 'v';
    if !p.f.sharp_v && matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
        p.fmt_string(text, verb);
    } else {
        match verb {
            'v' | 'd' | 'b' | 'o' | 'O' | 'x' | 'X' | 'c' | 'q' | 'U' => {
                p.print_value(&Value::Int(n), verb, 0);
            }
            _ => {
                p.buf.push_str("%!");
                p.buf.push(verb);
                p.buf.push('(');
                p.buf.push_str(type_name);
                p.buf.push('=');
                p.buf.push_str(&n.to_string());
                p.buf.push(')');
            }
        }
    }
    out.push_str(&p.buf);
}

#[cfg(test)]
mod tests;
