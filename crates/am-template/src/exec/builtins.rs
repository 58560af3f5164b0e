//! The builtin template functions of Go's `text/template/funcs.go`: `and`, `or` (short-circuit,
//! handled by the caller), `not`, `len`, `index`, `slice`, `print`, `printf`, `println`,
//! `html`, `js`, `urlquery`, `call` and the comparisons `eq`, `ne`, `lt`, `le`, `gt`, `ge`.

use crate::func::{ParamType, Signature};
use crate::gofmt;
use crate::value::{MapValue, SliceValue, Value};

use super::escapers;

/// Error text a builtin returns when its result would exceed the output budget; the executor
/// turns it into a limit error.
pub(crate) const LIMIT_MARKER: &str = "\u{0}am-template: output limit\u{0}";

/// A builtin function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Call,
    Html,
    Index,
    Slice,
    Js,
    Len,
    Not,
    Or,
    Print,
    Printf,
    Println,
    UrlQuery,
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
    Ne,
}

/// Whether `name` is one of Go's builtin template functions.
pub fn is_builtin(name: &str) -> bool {
    Builtin::from_name(name).is_some()
}

impl Builtin {
    pub(crate) fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "call" => Builtin::Call,
            "html" => Builtin::Html,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "js" => Builtin::Js,
            "len" => Builtin::Len,
            "not" => Builtin::Not,
            "or" => Builtin::Or,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "urlquery" => Builtin::UrlQuery,
            "eq" => Builtin::Eq,
            "ge" => Builtin::Ge,
            "gt" => Builtin::Gt,
            "le" => Builtin::Le,
            "lt" => Builtin::Lt,
            "ne" => Builtin::Ne,
            _ => return None,
        })
    }

    /// The Go signature of the builtin.
    pub(crate) fn signature(self) -> Signature {
        use ParamType::{Any, String, Value as V};
        match self {
            Builtin::And | Builtin::Or => Signature::new(vec![V]).with_variadic(V),
            Builtin::Call | Builtin::Index | Builtin::Slice => {
                Signature::new(vec![V]).with_variadic(V).with_error()
            }
            Builtin::Html | Builtin::Js | Builtin::UrlQuery | Builtin::Print | Builtin::Println => {
                Signature::new(vec![]).with_variadic(Any)
            }
            Builtin::Printf => Signature::new(vec![String]).with_variadic(Any),
            Builtin::Len => Signature::new(vec![V]).with_error(),
            Builtin::Not => Signature::new(vec![V]),
            Builtin::Eq => Signature::new(vec![V]).with_variadic(V).with_error(),
            Builtin::Ge | Builtin::Gt | Builtin::Le | Builtin::Lt | Builtin::Ne => {
                Signature::new(vec![V, V]).with_error()
            }
        }
    }
}

/// Calls builtin `b` with converted arguments; `budget` bounds string results.
pub(crate) fn call(b: Builtin, args: &[Value], budget: usize) -> Result<Value, String> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match b {
        // Short-circuit forms are evaluated by the executor; these are the plain semantics.
        Builtin::And => Ok(args
            .iter()
            .find(|v| !v.is_truthy())
            .or(args.last())
            .cloned()
            .unwrap_or_default()),
        Builtin::Or => Ok(args
            .iter()
            .find(|v| v.is_truthy())
            .or(args.last())
            .cloned()
            .unwrap_or_default()),
        Builtin::Not => Ok(Value::Bool(!arg(0).is_truthy())),
        Builtin::Len => length(&arg(0)),
        Builtin::Index => index(&arg(0), args.get(1..).unwrap_or_default()),
        Builtin::Slice => slice(&arg(0), args.get(1..).unwrap_or_default()),
        Builtin::Call => call_value("", args),
        Builtin::Print => limited(gofmt::fmt_sprint(args), budget),
        Builtin::Println => limited(gofmt::sprintln(args), budget),
        Builtin::Printf => {
            let format = arg(0);
            let format = format.as_str().unwrap_or_default();
            match gofmt::sprintf_limited(format, args.get(1..).unwrap_or_default(), budget) {
                Some(s) => Ok(Value::from(s)),
                None => Err(LIMIT_MARKER.to_string()),
            }
        }
        Builtin::Html => limited(escapers::html_escape_string(&eval_args(args)), budget),
        Builtin::Js => limited(escapers::js_escape_string(&eval_args(args)), budget),
        Builtin::UrlQuery => limited(escapers::url_query_escape(&eval_args(args)), budget),
        Builtin::Eq => {
            let Some((first, rest)) = args.split_first() else {
                return Err("missing argument for comparison".into());
            };
            eq(first, rest).map(Value::Bool)
        }
        Builtin::Ne => eq(&arg(0), &args[1..]).map(|b| Value::Bool(!b)),
        Builtin::Lt => lt(&arg(0), &arg(1)).map(Value::Bool),
        Builtin::Le => le(&arg(0), &arg(1)).map(Value::Bool),
        Builtin::Gt => le(&arg(0), &arg(1)).map(|b| Value::Bool(!b)),
        Builtin::Ge => lt(&arg(0), &arg(1)).map(|b| Value::Bool(!b)),
    }
}

fn limited(s: String, budget: usize) -> Result<Value, String> {
    if s.len() > budget {
        return Err(LIMIT_MARKER.to_string());
    }
    Ok(Value::from(s))
}

/// Go's `evalArgs` for the escaper builtins: a single string argument is used as is; otherwise
/// nil becomes `<no value>` and the arguments are joined with `fmt.Sprint`.
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::str("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    gofmt::sprint(&printable)
}

/// `call` (Go 1.23 texts; `name` is the callee's text): template data never holds function
/// values, so every call fails.
pub(crate) fn call_value(name: &str, args: &[Value]) -> Result<Value, String> {
    match args.first() {
        None | Some(Value::Nil) => Err("call of nil".into()),
        Some(f) => Err(format!("non-function {name} of type {}", f.type_name())),
    }
}

/// `len`.
fn length(v: &Value) -> Result<Value, String> {
    let n = match v {
        Value::Nil => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Value::String(s) | Value::Typed(_, s) => s.len(),
        _ => {
            if let Some(s) = v.as_slice() {
                s.items.len()
            } else if let Some(m) = v.as_map() {
                m.entries.len()
            } else {
                return Err(format!("len of type {}", deref_type_name(v)));
            }
        }
    };
    Ok(Value::from(n))
}

/// The type name after Go's `indirect` (`len` and `index` dereference a pointer before
/// reporting its type; `slice` does not): one leading `*` dropped.
fn deref_type_name(v: &Value) -> &str {
    let name = v.type_name();
    name.strip_prefix('*').unwrap_or(name)
}

/// Go's `indexArg`: an integer index in `0..=cap`.
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x: i128 = match index {
        Value::Int(i) | Value::Duration(i) => i128::from(*i),
        Value::Uint(u) => i128::from(*u as i64),
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ));
        }
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index_map(m: &MapValue, key: &Value) -> Result<Value, String> {
    let k = match key {
        Value::String(s) => s,
        Value::Nil => return Err("value is nil; should be of type string".into()),
        other => {
            return Err(format!(
                "value has type {}; should be string",
                other.type_name()
            ));
        }
    };
    Ok(m.entries
        .get(k.as_ref())
        .cloned()
        .unwrap_or_else(|| m.elem_zero.clone()))
}

/// `index`.
fn index(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    if item.is_nil() {
        return Err("index of untyped nil".into());
    }
    let mut item = item.clone();
    for ix in indexes {
        item = match &item {
            Value::String(s) | Value::Typed(_, s) => {
                let b = s.as_bytes();
                let x = index_arg(ix, b.len())?;
                match b.get(x) {
                    Some(&byte) => Value::Uint(u64::from(byte)),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            // A nil element of an `interface {}` container.
            Value::Nil => return Err("index of nil pointer".into()),
            other => {
                if let Some(sl) = other.as_slice() {
                    let x = index_arg(ix, sl.items.len())?;
                    match sl.items.get(x) {
                        Some(v) => v.clone(),
                        None => return Err("reflect: slice index out of range".into()),
                    }
                } else if let Some(m) = other.as_map() {
                    index_map(m, ix)?
                } else {
                    return Err(format!(
                        "can't index item of type {}",
                        deref_type_name(other)
                    ));
                }
            }
        };
    }
    Ok(item)
}

/// `slice`.
fn slice(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    if item.is_nil() {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let (len, is_string) = match item {
        Value::String(s) | Value::Typed(_, s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            (s.len(), true)
        }
        other => match other.as_slice() {
            Some(sl) => (sl.items.len(), false),
            None => return Err(format!("can't slice item of type {}", other.type_name())),
        },
    };
    let mut idx = [0usize, len, len];
    for (i, ix) in indexes.iter().enumerate() {
        idx[i] = index_arg(ix, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    if is_string {
        let s = item.as_str().unwrap_or_default();
        let bytes = &s.as_bytes()[idx[0]..idx[1]];
        let sub = String::from_utf8_lossy(bytes).into_owned();
        return Ok(match item {
            Value::Typed(k, _) => Value::Typed(*k, sub.into()),
            _ => Value::from(sub),
        });
    }
    let sl = item.as_slice().map(|s| SliceValue {
        items: s.items[idx[0]..idx[1]].to_vec(),
        type_name: s.type_name.clone(),
    });
    Ok(Value::Slice(std::sync::Arc::new(sl.unwrap_or_default())))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Duration(_) => Kind::Int,
        Value::Uint(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::String(_) | Value::Typed(..) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Duration(i) => *i,
        _ => 0,
    }
}

fn uint_of(v: &Value) -> u64 {
    match v {
        Value::Uint(u) => *u,
        _ => 0,
    }
}

fn float_of(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

const ERR_BAD_TYPE: &str = "invalid type for comparison";
const ERR_INCOMPATIBLE: &str = "incompatible types for comparison";

/// Go's `eq`: `a == b || a == c || ...`.
fn eq(a: &Value, rest: &[Value]) -> Result<bool, String> {
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for b in rest {
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => int_of(a) >= 0 && int_of(a) as u64 == uint_of(b),
                (Kind::Uint, Kind::Int) => int_of(b) >= 0 && uint_of(a) == int_of(b) as u64,
                _ => {
                    if !a.is_nil() && !b.is_nil() {
                        return Err(ERR_INCOMPATIBLE.into());
                    }
                    false
                }
            }
        } else {
            match k1 {
                Kind::Bool => matches!((a, b), (Value::Bool(x), Value::Bool(y)) if x == y),
                Kind::Float => float_of(a) == float_of(b),
                Kind::Int => int_of(a) == int_of(b),
                Kind::String => a.as_str() == b.as_str(),
                Kind::Uint => uint_of(a) == uint_of(b),
                Kind::Invalid => eq_non_basic(a, b)?,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `eq` on non-basic kinds: nil checks and Go `==` on comparable values.
fn eq_non_basic(a: &Value, b: &Value) -> Result<bool, String> {
    if a.is_nil() || b.is_nil() {
        // Slices, maps and objects in template data are never nil.
        return Ok(a.is_nil() && b.is_nil());
    }
    if a.kind_name() != b.kind_name() {
        return Err(gofmt::sprintf(
            "non-comparable types %s: %v, %s: %v",
            &[
                a.clone(),
                Value::str(a.type_name()),
                Value::str(b.type_name()),
                b.clone(),
            ],
        ));
    }
    let non_comparable = || {
        gofmt::sprintf(
            "non-comparable type %s: %v",
            &[b.clone(), Value::str(b.type_name())],
        )
    };
    match (a, b) {
        (Value::Time(x), Value::Time(y)) => Ok(x == y),
        (Value::Object(x), Value::Object(y)) => {
            if b.as_map().is_some() || b.as_slice().is_some() {
                return Err(non_comparable());
            }
            if x.type_name() != y.type_name() {
                return Ok(false);
            }
            y.go_equal(x.as_ref()).ok_or_else(non_comparable)
        }
        (Value::Time(_), Value::Object(_)) | (Value::Object(_), Value::Time(_)) => Ok(false),
        _ => Err(non_comparable()),
    }
}

/// Go's `lt`.
fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err(ERR_BAD_TYPE.into());
    }
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err(ERR_BAD_TYPE.into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(int_of(a) < 0 || (int_of(a) as u64) < uint_of(b)),
            (Kind::Uint, Kind::Int) => Ok(int_of(b) >= 0 && uint_of(a) < int_of(b) as u64),
            _ => Err(ERR_INCOMPATIBLE.into()),
        };
    }
    match k1 {
        Kind::Bool | Kind::Invalid => Err(ERR_BAD_TYPE.into()),
        Kind::Float => Ok(float_of(a) < float_of(b)),
        Kind::Int => Ok(int_of(a) < int_of(b)),
        Kind::String => Ok(a.as_str() < b.as_str()),
        Kind::Uint => Ok(uint_of(a) < uint_of(b)),
    }
}

/// Go's `le`: `lt || eq`.
fn le(a: &Value, b: &Value) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_follow_go_kind_rules() {
        assert_eq!(eq(&Value::Int(1), &[Value::Uint(1)]), Ok(true));
        assert_eq!(eq(&Value::Int(-1), &[Value::Uint(u64::MAX)]), Ok(false));
        assert_eq!(
            eq(&Value::Int(1), &[Value::str("1")]),
            Err(ERR_INCOMPATIBLE.into())
        );
        assert_eq!(eq(&Value::Nil, &[Value::str("1")]), Ok(false));
        assert_eq!(eq(&Value::Nil, &[Value::Nil]), Ok(true));
        assert_eq!(
            eq(&Value::Int(1), &[Value::Int(2), Value::Int(1)]),
            Ok(true)
        );
        assert_eq!(lt(&Value::Int(-1), &Value::Uint(0)), Ok(true));
        assert_eq!(
            lt(&Value::Bool(true), &Value::Bool(false)),
            Err(ERR_BAD_TYPE.into())
        );
        assert_eq!(lt(&Value::Nil, &Value::Int(1)), Err(ERR_BAD_TYPE.into()));
        assert_eq!(
            lt(&Value::Float(1.0), &Value::Int(2)),
            Err(ERR_INCOMPATIBLE.into())
        );
        assert_eq!(le(&Value::str("a"), &Value::str("a")), Ok(true));
        assert_eq!(lt(&Value::Float(f64::NAN), &Value::Float(1.0)), Ok(false));
    }

    #[test]
    fn index_and_slice_errors() {
        let s = Value::strings(vec!["a".into(), "b".into()]);
        assert_eq!(
            index(&s, &[Value::Int(1)])
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
            Some("b".into())
        );
        assert_eq!(
            index(&s, &[Value::Int(3)]).err(),
            Some("index out of range: 3".to_string())
        );
        assert_eq!(
            index(&s, &[Value::Int(2)]).err(),
            Some("reflect: slice index out of range".to_string())
        );
        assert_eq!(
            index(&s, &[Value::str("x")]).err(),
            Some("cannot index slice/array with type string".to_string())
        );
        assert_eq!(
            index(&Value::Nil, &[]).err(),
            Some("index of untyped nil".to_string())
        );
        assert_eq!(
            slice(&Value::str("hello"), &[Value::Int(1), Value::Int(3)])
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
            Some("el".into())
        );
        assert_eq!(
            slice(&Value::str("hello"), &[Value::Int(3), Value::Int(1)]).err(),
            Some("invalid slice index: 3 > 1".to_string())
        );
        assert_eq!(
            length(&Value::Int(3)).err(),
            Some("len of type int".to_string())
        );
    }
}
