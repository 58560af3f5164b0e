//! Printing one operand by kind, as Go's `pp.printArg` / `pp.printValue` do for the values
//! templates hold (Go's `fmt/print.go`): Stringers (`time.Time`, `time.Duration`) for the
//! string verbs, `GoString` for `%#v`, `%!verb(type=value)` for verbs a kind does not support,
//! containers element by element, and objects through [`Object::fmt_go`].
//!
//! Objects with a `String() string` method are `fmt.Stringer`s (`handleMethods`). Objects whose
//! Go type is a pointer (type name `*T`, such as Alertmanager's `*template.Data`) print from
//! `fmt_go` as Go prints the pointer at top level (`&{...}`, `&pkg.T{...}`); the leading `&` is
//! dropped where Go's template packages dereference first ([`super::sprint`]), and below the top
//! level they print as an address, as Go does.
//!
//! [`Object::fmt_go`]: crate::value::Object::fmt_go

use std::cell::Cell;
use std::sync::Arc;

use super::fmt::{Flags, Printer};
use crate::gotime::{GoTime, duration_string};
use crate::value::{MapValue, Object, SliceValue, Value};

/// What Go prints for a pointer (`%p`, pointers at depth > 0): the address is not modelled, a
/// fixed plausible heap address stands in for it.
const FAKE_POINTER: u64 = 0xc0_0001_0000;

/// The printer state while an object prints itself through `Object::fmt_go`: Go's nested
/// `printValue` calls share one `pp`, so [`super::format_value`] continues with these flags
/// (width, precision, `+`, `-`, `0`, ...) and the remaining output budget.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Nested {
    /// The flags of the verb being printed.
    pub f: Flags,
    /// Whether a `%!verb(...)` operand is being printed (methods are not called).
    pub erroring: bool,
    /// The output limit, counted from the start of the outer buffer.
    pub limit: usize,
    /// Set by nested printers that hit the limit.
    pub overflow: bool,
}

thread_local! {
    /// The innermost [`Nested`] state, while an object's `fmt_go` runs.
    pub(crate) static NESTED: Cell<Option<Nested>> = const { Cell::new(None) };
}

/// Sets [`NESTED`] for the life of the guard and restores the previous state when dropped
/// (also when unwinding), handing back what the nested printers reported.
struct NestedGuard {
    /// The state to restore; taken once restored.
    outer: Option<Option<Nested>>,
}

impl NestedGuard {
    fn enter(state: Option<Nested>) -> NestedGuard {
        NestedGuard {
            outer: Some(NESTED.replace(state)),
        }
    }

    /// Restores the outer state; returns the state the guarded code left.
    fn exit(mut self) -> Option<Nested> {
        let outer = self.outer.take().flatten();
        NESTED.replace(outer)
    }
}

impl Drop for NestedGuard {
    fn drop(&mut self) {
        if let Some(outer) = self.outer.take() {
            NESTED.set(outer);
        }
    }
}

/// Whether an object's Go type is a pointer (`*T`).
fn is_pointer(o: &dyn Object) -> bool {
    o.type_name().starts_with('*')
}

/// Whether an object has Go's `String() string` method (is a `fmt.Stringer`).
fn is_stringer(o: &dyn Object) -> bool {
    o.method("String")
        .is_some_and(|sig| sig.params.is_empty() && sig.variadic.is_none() && !sig.returns_error)
}

impl Printer {
    /// Go's `printArg`: one top-level operand.
    pub fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        match verb {
            'T' => {
                let name = arg.type_name().to_string();
                self.fmt_s(&name);
                return;
            }
            'p' => {
                self.fmt_pointer(arg, 'p');
                return;
            }
            _ => {}
        }
        if self.handle_methods(arg, verb) {
            return;
        }
        self.print_value(arg, verb, 0);
    }

    /// `print_arg` with `%v` after dereferencing a pointer operand, as text/template's
    /// `printableValue` and html/template's `indirectToStringerOrError` do before `fmt.Sprint`:
    /// `*template.Data` prints as `{...}`, not `&{...}`.
    pub fn print_arg_indirect(&mut self, arg: &Value) {
        match arg {
            Value::Object(o) if is_pointer(o.as_ref()) => {
                if !self.handle_methods(arg, 'v') {
                    self.print_object(o, 'v', true);
                }
            }
            _ => self.print_arg(arg, 'v'),
        }
    }

    /// An object through its `fmt_go`, with [`NESTED`] set so that the fields it prints with
    /// [`super::format_value`] share this printer's flags and budget; `deref` drops the `&` a
    /// pointer object prints.
    fn print_object(&mut self, o: &Arc<dyn Object>, verb: char, deref: bool) {
        let guard = NestedGuard::enter(Some(Nested {
            f: self.f,
            erroring: self.erroring,
            limit: self.limit,
            overflow: false,
        }));
        let start = self.buf.len();
        o.fmt_go(&mut self.buf, verb, self.f.plus_v, self.f.sharp_v);
        let inner = guard.exit();
        if inner.is_some_and(|n| n.overflow) || self.buf.len() > self.limit {
            self.overflow = true;
        }
        if deref && is_pointer(o.as_ref()) && self.buf[start..].starts_with('&') {
            self.buf.remove(start);
        }
    }

    /// Go's `handleMethods` for the method sets of our kinds: `GoString` for `%#v`, `String` for
    /// `%v %s %x %X %q`.
    fn handle_methods(&mut self, v: &Value, verb: char) -> bool {
        if self.erroring {
            return false;
        }
        if verb == 'w' {
            // `%w` outside `fmt.Errorf`, or with an operand that is not an error.
            self.bad_verb(verb, Some(v));
            return true;
        }
        let text = match v {
            Value::Time(t) if self.f.sharp_v => {
                let s = t.go_syntax();
                self.fmt_s(&s);
                return true;
            }
            Value::Time(t) => t.go_string(),
            Value::Duration(d) if !self.f.sharp_v => duration_string(*d),
            Value::Object(o)
                if !self.f.sharp_v
                    && matches!(verb, 'v' | 's' | 'x' | 'X' | 'q')
                    && is_stringer(o.as_ref()) =>
            {
                // `String` runs outside this `fmt` call.
                let guard = NestedGuard::enter(None);
                let text = o.call_method("String", &[]);
                drop(guard);
                match text {
                    Ok(Value::String(s)) => s.to_string(),
                    Ok(other) => super::sprint(std::slice::from_ref(&other)),
                    Err(e) => {
                        // Go recovers a panicking String method.
                        self.buf.push_str("%!");
                        self.buf.push(verb);
                        self.buf.push_str("(PANIC=String method: ");
                        self.buf.push_str(&e);
                        self.buf.push(')');
                        return true;
                    }
                }
            }
            _ => return false,
        };
        if matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            self.fmt_string(&text, verb);
            true
        } else {
            false
        }
    }

    /// `%!verb(type=value)`, or `%!verb(<nil>)`.
    pub fn bad_verb(&mut self, verb: char, v: Option<&Value>) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match v {
            Some(v) => {
                self.buf.push_str(v.type_name());
                self.buf.push('=');
                self.print_value(v, 'v', 0);
            }
            None => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
        self.erroring = false;
    }

    /// Go's `printValue`; `depth > 0` for container elements (which get method handling).
    pub fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > 0 && self.handle_methods(v, verb) {
            return;
        }
        match v {
            Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, v),
            Value::Int(i) => self.fmt_int(*i as u64, true, verb, v),
            Value::Uint(u) => self.fmt_int(*u, false, verb, v),
            Value::Duration(d) => self.fmt_int(*d as u64, true, verb, v),
            Value::Float(x) => self.fmt_float_verb(*x, verb, v),
            Value::String(s) | Value::Typed(_, s) => self.fmt_string_of(s, verb, v),
            Value::Time(t) => self.print_time_struct(t, verb, depth),
            Value::Slice(s) => self.print_slice(s, verb, depth),
            Value::Map(m) => self.print_map(m, verb, depth),
            // A pointer below the top level prints as an address.
            Value::Object(o) if depth > 0 && is_pointer(o.as_ref()) => self.fmt_pointer(v, verb),
            Value::Object(o) => self.print_object(o, verb, false),
        }
    }

    fn fmt_bool(&mut self, b: bool, verb: char, v: &Value) {
        match verb {
            't' | 'v' => self.fmt_boolean(b),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// Go's `pp.fmtInteger`.
    fn fmt_int(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(u, true),
            'v' | 'd' => self.fmt_integer(u, 10, signed, verb, false),
            'b' => self.fmt_integer(u, 2, signed, verb, false),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, false),
            'x' => self.fmt_integer(u, 16, signed, verb, false),
            'X' => self.fmt_integer(u, 16, signed, verb, true),
            'c' => self.fmt_c(u),
            'q' => self.fmt_qc(u),
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// Hex with or without `0x`, ignoring the `#` flag (Go's `fmt0x64`).
    fn fmt_0x64(&mut self, u: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer(u, 16, false, 'v', false);
        self.f.sharp = sharp;
    }

    /// Go's `pp.fmtFloat`.
    fn fmt_float_verb(&mut self, x: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(x, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(x, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(x, verb as u8, 6),
            'F' => self.fmt_float(x, b'f', 6),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// Go's `pp.fmtString` for a string operand `v` (used for bad verbs).
    fn fmt_string_of(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' | 's' | 'x' | 'X' | 'q' => self.fmt_string(s, verb),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// Go's `pp.fmtString` for the verbs strings support.
    pub fn fmt_string(&mut self, s: &str, verb: char) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'x' => self.fmt_sbx(s.as_bytes(), false),
            'X' => self.fmt_sbx(s.as_bytes(), true),
            'q' => self.fmt_q(s),
            _ => self.fmt_s(s),
        }
    }

    /// `%p` and pointers printed with integer verbs.
    fn fmt_pointer(&mut self, v: &Value, verb: char) {
        let u = match v {
            Value::Slice(_) | Value::Map(_) => FAKE_POINTER,
            // Named maps and slices, and pointers; not structs. A nil map (`KV(nil)`) is 0.
            Value::Object(o)
                if is_pointer(o.as_ref()) || o.as_map().is_some() || o.as_slice().is_some() =>
            {
                if o.is_nil() { 0 } else { FAKE_POINTER }
            }
            _ => {
                self.bad_verb(verb, Some(v));
                return;
            }
        };
        match verb {
            'v' if self.f.sharp_v => {
                self.buf.push('(');
                self.buf.push_str(v.type_name());
                self.buf.push_str(")(");
                if u == 0 {
                    self.buf.push_str("nil");
                } else {
                    self.fmt_0x64(u, true);
                }
                self.buf.push(')');
            }
            'v' if u == 0 => self.pad("<nil>"),
            'v' | 'p' => {
                let with_0x = !self.f.sharp;
                self.fmt_0x64(u, with_0x);
            }
            'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_int(u, false, verb, v),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// A `time.Time` printed with a verb its `String` method does not serve: Go falls back to
    /// the struct `{wall ext loc}` (no monotonic reading; `loc` is nil for UTC).
    fn print_time_struct(&mut self, t: &GoTime, verb: char, depth: usize) {
        let wall = Value::Uint(u64::try_from(t.nanosecond()).unwrap_or(0));
        let ext = Value::Int(t.unix().wrapping_add(crate::gotime::UNIX_TO_INTERNAL));
        if self.f.sharp_v {
            self.buf.push_str("time.Time");
        }
        self.buf.push('{');
        let sep = if self.f.sharp_v { ", " } else { " " };
        let names = self.f.plus_v || self.f.sharp_v;
        if names {
            self.buf.push_str("wall:");
        }
        self.print_named_int(&wall, "uint64", verb, depth + 1);
        self.buf.push_str(sep);
        if names {
            self.buf.push_str("ext:");
        }
        self.print_named_int(&ext, "int64", verb, depth + 1);
        self.buf.push_str(sep);
        if names {
            self.buf.push_str("loc:");
        }
        if t.location().is_utc() {
            match verb {
                'v' if self.f.sharp_v => self.buf.push_str("(*time.Location)(nil)"),
                // A nil *time.Location: Go pads "<nil>" like a string.
                'v' => self.pad("<nil>"),
                'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_int(0, false, verb, &Value::Uint(0)),
                _ => {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(*time.Location=");
                    self.pad("<nil>");
                    self.buf.push(')');
                }
            }
        } else {
            match verb {
                'b' | 'o' | 'd' | 'x' | 'X' => {
                    self.fmt_int(FAKE_POINTER, false, verb, &Value::Uint(0))
                }
                _ => self.fmt_0x64(FAKE_POINTER, true),
            }
        }
        self.buf.push('}');
    }

    /// An integer whose Go type name differs from our `Value`'s (`uint64`, `int64`).
    fn print_named_int(&mut self, v: &Value, type_name: &str, verb: char, _depth: usize) {
        let (u, signed) = match v {
            Value::Int(i) => (*i as u64, true),
            Value::Uint(u) => (*u, false),
            _ => return,
        };
        match verb {
            'v' | 'd' | 'b' | 'o' | 'O' | 'x' | 'X' | 'c' | 'q' | 'U' => {
                self.fmt_int(u, signed, verb, v);
            }
            _ => {
                self.erroring = true;
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push('(');
                self.buf.push_str(type_name);
                self.buf.push('=');
                self.fmt_int(u, signed, 'v', v);
                self.buf.push(')');
                self.erroring = false;
            }
        }
    }

    fn print_slice(&mut self, s: &SliceValue, verb: char, depth: usize) {
        let is_bytes = matches!(s.type_name.as_str(), "[]uint8" | "[]byte")
            && s.items
                .iter()
                .all(|v| matches!(v, Value::Uint(u) if *u < 256));
        if is_bytes && matches!(verb, 's' | 'q' | 'x' | 'X' | 'v' | 'd') {
            let bytes: Vec<u8> = s
                .items
                .iter()
                .map(|v| match v {
                    Value::Uint(u) => u8::try_from(*u).unwrap_or(0),
                    _ => 0,
                })
                .collect();
            self.fmt_bytes(&bytes, verb, &s.type_name);
            return;
        }
        if self.f.sharp_v {
            self.buf.push_str(&s.type_name);
            self.buf.push('{');
            for (i, item) in s.items.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.print_value(item, verb, depth + 1);
            }
            self.buf.push('}');
        } else {
            self.buf.push('[');
            for (i, item) in s.items.iter().enumerate() {
                if i > 0 {
                    self.buf.push(' ');
                }
                self.print_value(item, verb, depth + 1);
            }
            self.buf.push(']');
        }
    }

    /// Go's `pp.fmtBytes`.
    fn fmt_bytes(&mut self, bytes: &[u8], verb: char, type_name: &str) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.buf.push_str(type_name);
                    self.buf.push('{');
                    for (i, &c) in bytes.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.fmt_0x64(u64::from(c), true);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, &c) in bytes.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer(u64::from(c), 10, false, verb, false);
                    }
                    self.buf.push(']');
                }
            }
            's' => {
                let s = String::from_utf8_lossy(bytes).into_owned();
                self.fmt_s(&s);
            }
            'x' => self.fmt_sbx(bytes, false),
            'X' => self.fmt_sbx(bytes, true),
            _ => {
                let s = String::from_utf8_lossy(bytes).into_owned();
                self.fmt_q(&s);
            }
        }
    }

    fn print_map(&mut self, m: &MapValue, verb: char, depth: usize) {
        if self.f.sharp_v {
            self.buf.push_str(&m.type_name);
            self.buf.push('{');
        } else {
            self.buf.push_str("map[");
        }
        for (i, (k, v)) in m.entries.iter().enumerate() {
            if i > 0 {
                if self.f.sharp_v {
                    self.buf.push_str(", ");
                } else {
                    self.buf.push(' ');
                }
            }
            self.print_value(&Value::str(k), verb, depth + 1);
            self.buf.push(':');
            self.print_value(v, verb, depth + 1);
        }
        self.buf.push(if self.f.sharp_v { '}' } else { ']' });
    }
}
