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
//! Objects with a `String() string` method are Stringers. Objects of pointer type (`*T`, such
//! as Alertmanager's `*template.Data`) print as `&{...}` through `fmt` ([`fmt_sprint`],
//! [`sprintf`], [`sprintln`]) and as `{...}` where the template packages dereference them
//! first ([`print_value`], [`sprint`]).
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
/// otherwise [`sprint`] of the value (`printableValue`: `*template.Data` prints as `{...}`).
pub fn print_value(v: &Value) -> String {
    if v.is_nil() {
        return "<no value>".to_string();
    }
    sprint(std::slice::from_ref(v))
}

/// `fmt.Sprint(args...)` of operands as Go's template packages hand them to it: operands with
/// `%v`, a space between operands when neither is a string, and pointer operands dereferenced
/// first, so `*template.Data` prints as `{...}`. This is what text/template's `evalArgs`
/// (`printableValue`: the `html`, `js` and `urlquery` builtins) and `range` errors
/// (`indirect`), and html/template's `stringify` (`indirectToStringerOrError`) and
/// `jsValEscaper` (`indirectToJSONMarshaler`) print. Only the `print` builtin passes pointers
/// to `fmt` as they are: use [`fmt_sprint`] there.
pub fn sprint(args: &[Value]) -> String {
    sprint_with(args, true)
}

/// Exactly `fmt.Sprint(args...)`: like [`sprint`], but a pointer operand prints as `&{...}`
/// (the `print` builtin; `fmt.Sprintln` and `fmt.Sprintf` never dereference either).
pub fn fmt_sprint(args: &[Value]) -> String {
    sprint_with(args, false)
}

fn sprint_with(args: &[Value], indirect: bool) -> String {
    let mut p = Printer::new(usize::MAX);
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = arg.as_str().is_some();
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        if indirect {
            p.print_arg_indirect(arg);
        } else {
            p.print_arg(arg, 'v');
        }
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
///
/// Called from an `fmt_go` that `fmt` is running, the element shares the outer verb's width,
/// precision and flags (as Go's nested printing does: `%12v` pads every field), and `plus` /
/// `sharp` set to false turn off `%+v` / `%#v`.
pub fn format_value(out: &mut String, v: &Value, verb: char, plus: bool, sharp: bool) {
    let mut p = nested_printer(out, verb, plus, sharp);
    p.print_value(v, verb, 1);
    finish_nested(out, p);
}

/// A printer continuing the state of the `fmt` call running an object's `fmt_go` (see
/// [`format_value`]), or a fresh one outside `fmt`.
fn nested_printer(out: &str, verb: char, plus: bool, sharp: bool) -> Printer {
    match print::NESTED.get() {
        Some(n) => {
            let mut p = Printer::new(n.limit.saturating_sub(out.len()));
            p.f = n.f;
            p.f.plus_v &= plus;
            p.f.sharp_v &= sharp;
            p.erroring = n.erroring;
            p
        }
        None => {
            let mut p = Printer::new(usize::MAX);
            p.f.plus_v = plus && verb == 'v';
            p.f.sharp_v = sharp && verb == 'v';
            p.f.plus = plus && verb != 'v';
            p.f.sharp = sharp && verb != 'v';
            p
        }
    }
}

/// Appends a nested printer's output and reports its overflow to the outer `fmt` call.
fn finish_nested(out: &mut String, p: Printer) {
    if p.overflow
        && let Some(mut n) = print::NESTED.get()
    {
        n.overflow = true;
        print::NESTED.set(Some(n));
    }
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
    let mut p = nested_printer(out, verb, plus, sharp);
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
    finish_nested(out, p);
}

#[cfg(test)]
mod tests;
