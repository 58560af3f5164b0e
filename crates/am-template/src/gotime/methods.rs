//! The methods of `time.Time` and `time.Duration` that templates can call (`.StartsAt.Format
//! "..."`, `.EndsAt.IsZero`, `(.EndsAt.Sub .StartsAt).Minutes`, ...), with their signatures so
//! the executor converts arguments as Go's `evalArg` does, and the small named types they
//! return (`time.Month`, `time.Weekday`, `*time.Location`).
//!
//! Error contract: for methods whose signature has `returns_error`, `Err(msg)` is the Go error
//! text (the executor reports `error calling NAME: msg`); for every other method `Err(msg)` is
//! the complete message (Go's `goodFunc` rejections such as `function Date has 3 return values;
//! should be 1 or 2`, argument type errors).

use super::duration;
use super::{GoTime, Location};
use crate::func::{ParamType, Signature};
use crate::gofmt::format_stringer_int;
use crate::value::{Object, Value};

/// Go's `goodFunc` rejection for `time.Time` methods templates cannot call because of their
/// results (`Date`, `Clock`, `ISOWeek`, `Zone`, `ZoneBounds`): the complete error message, which
/// Go reports (without an `error calling` prefix) after checking the argument count and before
/// evaluating arguments.
pub fn time_method_bad_results(name: &str) -> Option<String> {
    let second_not_error = |ty: &str| {
        format!(
            "invalid function signature for {name}: second return value should be error; is {ty}"
        )
    };
    match name {
        "Date" | "Clock" => Some(format!(
            "function {name} has 3 return values; should be 1 or 2"
        )),
        "ISOWeek" | "Zone" => Some(second_not_error("int")),
        "ZoneBounds" => Some(second_not_error("time.Time")),
        _ => None,
    }
}

/// The signature of `time.Time` method `name`, or `None` when templates cannot call it.
pub fn time_method_signature(name: &str) -> Option<Signature> {
    use ParamType::{Any, Duration, Int, String, Time};
    let sig = match name {
        "Add" | "Round" | "Truncate" => Signature::new(vec![Duration]),
        "AddDate" => Signature::new(vec![Int, Int, Int]),
        "After" | "Before" | "Equal" | "Compare" | "Sub" => Signature::new(vec![Time]),
        "Format" => Signature::new(vec![String]),
        "In" => Signature::new(vec![Any]),
        "MarshalJSON" | "MarshalText" => Signature::new(vec![]).with_error(),
        "Day" | "GoString" | "Hour" | "IsDST" | "IsZero" | "Local" | "Location" | "Minute"
        | "Month" | "Nanosecond" | "Second" | "String" | "UTC" | "Unix" | "UnixMicro"
        | "UnixMilli" | "UnixNano" | "Weekday" | "Year" | "YearDay" | "Date" | "Clock"
        | "ISOWeek" | "Zone" | "ZoneBounds" => Signature::new(vec![]),
        _ => return None,
    };
    Some(sig)
}

/// The signature of `time.Duration` method `name`, or `None` when there is no such method.
pub fn duration_method_signature(name: &str) -> Option<Signature> {
    match name {
        "Round" | "Truncate" => Some(Signature::new(vec![ParamType::Duration])),
        "Abs" | "Hours" | "Microseconds" | "Milliseconds" | "Minutes" | "Nanoseconds"
        | "Seconds" | "String" => Some(Signature::new(vec![])),
        _ => None,
    }
}

fn check_arity(name: &str, args: &[Value], want: usize) -> Result<(), String> {
    if args.len() == want {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {want} got {}",
            args.len()
        ))
    }
}

fn wrong_type(expected: &str, got: &Value) -> String {
    let got = if got.is_nil() {
        "<nil>"
    } else {
        got.type_name()
    };
    format!("wrong type for value; expected {expected}; got {got}")
}

fn arg_duration(v: &Value) -> Result<i64, String> {
    match v {
        Value::Duration(d) => Ok(*d),
        Value::Int(i) => Ok(*i),
        other => Err(wrong_type("time.Duration", other)),
    }
}

fn arg_int(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(wrong_type("int", other)),
    }
}

fn arg_time(v: &Value) -> Result<&GoTime, String> {
    match v {
        Value::Time(t) => Ok(t),
        other => Err(wrong_type("time.Time", other)),
    }
}

/// `[]byte` as a template value.
fn bytes_value(s: &str) -> Value {
    Value::slice(
        "[]uint8",
        s.bytes().map(|b| Value::Uint(u64::from(b))).collect(),
    )
}

/// `MarshalJSON`/`MarshalText`: RFC 3339 with nanoseconds; errors for years outside 0..=9999
/// and zone offsets of 24 hours or more, as Go 1.23.
fn marshal(t: &GoTime, json: bool) -> Result<Value, String> {
    let what = if json { "MarshalJSON" } else { "MarshalText" };
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return Err(format!("Time.{what}: year outside of range [0,9999]"));
    }
    let (_, offset) = t.zone();
    if offset.unsigned_abs() / 60 >= 24 * 60 {
        return Err(format!(
            "Time.{what}: timezone hour outside of range [0,23]"
        ));
    }
    let s = t.format("2006-01-02T15:04:05.999999999Z07:00");
    Ok(bytes_value(&if json { format!("\"{s}\"") } else { s }))
}

/// Calls `time.Time` method `name` on `t`; `None` when there is no such callable method.
pub fn call_time_method(t: &GoTime, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let sig = time_method_signature(name)?;
    if let Err(e) = check_arity(name, args, sig.params.len()) {
        return Some(Err(e));
    }
    if let Some(msg) = time_method_bad_results(name) {
        return Some(Err(msg));
    }
    Some(time_method(t, name, args))
}

fn time_method(t: &GoTime, name: &str, args: &[Value]) -> Result<Value, String> {
    let v = match name {
        "Add" => Value::Time(t.add(arg_duration(&args[0])?)),
        "Round" => Value::Time(t.round(arg_duration(&args[0])?)),
        "Truncate" => Value::Time(t.truncate(arg_duration(&args[0])?)),
        "AddDate" => {
            Value::Time(t.add_date(arg_int(&args[0])?, arg_int(&args[1])?, arg_int(&args[2])?))
        }
        "After" => Value::Bool(t.after(arg_time(&args[0])?)),
        "Before" => Value::Bool(t.before(arg_time(&args[0])?)),
        "Equal" => Value::Bool(t.equal(arg_time(&args[0])?)),
        "Compare" => Value::Int(t.compare(arg_time(&args[0])?)),
        "Sub" => Value::Duration(t.sub(arg_time(&args[0])?)),
        "Format" => match &args[0] {
            Value::String(s) => Value::str(t.format(s)),
            other => return Err(wrong_type("string", other)),
        },
        "In" => Value::Time(t.in_location(&location_arg(&args[0])?)),
        "MarshalJSON" => return marshal(t, true),
        "MarshalText" => return marshal(t, false),
        "Day" => Value::Int(t.day()),
        "GoString" => Value::str(t.go_syntax()),
        "Hour" => Value::Int(t.hour()),
        "IsDST" => Value::Bool(t.is_dst()),
        "IsZero" => Value::Bool(t.is_zero()),
        "Local" => Value::Time(t.local()),
        "Location" => Value::object(LocationValue(t.location().clone())),
        "Minute" => Value::Int(t.minute()),
        "Month" => Value::object(GoMonth(t.month())),
        "Nanosecond" => Value::Int(t.nanosecond()),
        "Second" => Value::Int(t.second()),
        "String" => Value::str(t.go_string()),
        "UTC" => Value::Time(t.utc()),
        "Unix" => Value::Int(t.unix()),
        "UnixMicro" => Value::Int(t.unix_micro()),
        "UnixMilli" => Value::Int(t.unix_milli()),
        "UnixNano" => Value::Int(t.unix_nano()),
        "Weekday" => Value::object(GoWeekday(t.weekday())),
        "Year" => Value::Int(t.year()),
        "YearDay" => Value::Int(t.year_day()),
        _ => return Err(format!("can't evaluate field {name} in type time.Time")),
    };
    Ok(v)
}

/// The `*time.Location` argument of `In`.
fn location_arg(v: &Value) -> Result<Location, String> {
    match v {
        Value::Nil => Err("time: missing Location in call to Time.In".to_string()),
        Value::Object(o) if o.type_name() == "*time.Location" => {
            let name = match o.call_method("String", &[])? {
                Value::String(s) => s,
                _ => return Err("time: missing Location in call to Time.In".to_string()),
            };
            Location::load(&name).map_err(|e| e.to_string())
        }
        other => Err(wrong_type("*time.Location", other)),
    }
}

/// Calls `time.Duration` method `name` on `d` (nanoseconds); `None` when there is no such
/// method.
pub fn call_duration_method(d: i64, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let sig = duration_method_signature(name)?;
    if let Err(e) = check_arity(name, args, sig.params.len()) {
        return Some(Err(e));
    }
    let v = match name {
        "Round" => arg_duration(&args[0]).map(|m| Value::Duration(duration::round(d, m))),
        "Truncate" => arg_duration(&args[0]).map(|m| Value::Duration(duration::truncate(d, m))),
        "Abs" => Ok(Value::Duration(duration::abs(d))),
        "Hours" => Ok(Value::Float(duration::hours(d))),
        "Minutes" => Ok(Value::Float(duration::minutes(d))),
        "Seconds" => Ok(Value::Float(duration::seconds(d))),
        "Milliseconds" => Ok(Value::Int(duration::milliseconds(d))),
        "Microseconds" => Ok(Value::Int(duration::microseconds(d))),
        "Nanoseconds" => Ok(Value::Int(d)),
        _ => Ok(Value::str(duration::duration_string(d))),
    };
    Some(v)
}

static NO_ARGS: Signature = Signature {
    params: Vec::new(),
    variadic: None,
    returns_error: false,
};

/// `time.Month` (1 = January) as returned by `Time.Month`: prints its name for `%v`/`%s`, its
/// number for `%d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoMonth(pub i64);

impl GoMonth {
    /// `Month.String()`.
    pub fn name(self) -> String {
        match usize::try_from(self.0 - 1) {
            Ok(i) if i < 12 => super::MONTH_NAMES[i].to_string(),
            _ => format!("%!Month({})", self.0),
        }
    }
}

/// `time.Weekday` (0 = Sunday) as returned by `Time.Weekday`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoWeekday(pub i64);

impl GoWeekday {
    /// `Weekday.String()`.
    pub fn name(self) -> String {
        match usize::try_from(self.0) {
            Ok(i) if i < 7 => super::DAY_NAMES[i].to_string(),
            _ => format!("%!Weekday({})", self.0),
        }
    }
}

macro_rules! stringer_int_object {
    ($ty:ty, $go:literal) => {
        impl Object for $ty {
            fn type_name(&self) -> &str {
                $go
            }
            fn field(&self, _name: &str) -> Option<Value> {
                None
            }
            fn method(&self, name: &str) -> Option<&Signature> {
                (name == "String").then_some(&NO_ARGS)
            }
            fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
                if name == "String" {
                    Ok(Value::str(self.name()))
                } else {
                    Err(format!("can't evaluate field {name} in type {}", $go))
                }
            }
            fn fmt_go(&self, out: &mut String, verb: char, plus: bool, sharp: bool) {
                format_stringer_int(out, $go, self.0, &self.name(), verb, plus, sharp);
            }
            fn is_truthy(&self) -> bool {
                self.0 != 0
            }
            fn go_equal(&self, other: &dyn Object) -> Option<bool> {
                if other.type_name() != $go {
                    return Some(false);
                }
                let mut mine = String::new();
                let mut theirs = String::new();
                self.fmt_go(&mut mine, 'd', false, false);
                other.fmt_go(&mut theirs, 'd', false, false);
                Some(mine == theirs)
            }
        }
    };
}

stringer_int_object!(GoMonth, "time.Month");
stringer_int_object!(GoWeekday, "time.Weekday");

/// `*time.Location` as returned by `Time.Location`; `String` gives its name.
#[derive(Clone, Debug, PartialEq)]
pub struct LocationValue(pub Location);

impl Object for LocationValue {
    fn type_name(&self) -> &str {
        "*time.Location"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<&Signature> {
        (name == "String").then_some(&NO_ARGS)
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        if name == "String" {
            Ok(Value::str(self.0.name()))
        } else {
            Err(format!(
                "can't evaluate field {name} in type *time.Location"
            ))
        }
    }
    /// A Stringer: the name for the string verbs. (Go's `%#v` would dump the zone tables; only
    /// the name is shown.)
    fn fmt_go(&self, out: &mut String, verb: char, _plus: bool, sharp: bool) {
        if sharp && verb == 'v' {
            out.push_str("&time.Location{name:");
            out.push_str(&crate::gofmt::quote(self.0.name()));
            out.push('}');
            return;
        }
        crate::gofmt::format_value(out, &Value::str(self.0.name()), verb, false, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(t: &GoTime, name: &str, args: &[Value]) -> Value {
        call_time_method(t, name, args)
            .expect("method exists")
            .expect("call succeeds")
    }

    #[test]
    fn time_methods() {
        let t = GoTime::from_unix(1_700_000_000, 0, Location::utc());
        assert_eq!(
            call(&t, "Format", &[Value::str("2006-01-02")]).as_str(),
            Some("2023-11-14")
        );
        assert!(matches!(call(&t, "Unix", &[]), Value::Int(1_700_000_000)));
        assert!(matches!(
            call(&GoTime::zero(), "IsZero", &[]),
            Value::Bool(true)
        ));
        let later = call(&t, "Add", &[Value::Duration(90_000_000_000)]);
        let Value::Time(later) = later else {
            panic!("Add returns a time")
        };
        assert!(matches!(
            call(&later, "Sub", &[Value::Time(t.clone())]),
            Value::Duration(90_000_000_000)
        ));
        assert_eq!(
            crate::gofmt::print_value(&call(&t, "Month", &[])),
            "November"
        );
        assert_eq!(
            crate::gofmt::sprintf("%d %s", &[call(&t, "Month", &[]), call(&t, "Weekday", &[])]),
            "11 Tuesday"
        );
        assert_eq!(crate::gofmt::print_value(&call(&t, "Location", &[])), "UTC");
        let paris = Location::load("Europe/Paris").unwrap();
        let loc = Value::object(LocationValue(paris));
        let Value::Time(p) = call(&t, "In", &[loc]) else {
            panic!("In returns a time")
        };
        assert_eq!(p.go_string(), "2023-11-14 23:13:20 +0100 CET");
        assert_eq!(
            call_time_method(&t, "Date", &[]).unwrap().unwrap_err(),
            "function Date has 3 return values; should be 1 or 2"
        );
        assert_eq!(
            call_time_method(&t, "Zone", &[]).unwrap().unwrap_err(),
            "invalid function signature for Zone: second return value should be error; is int"
        );
        assert_eq!(
            call_time_method(&t, "Format", &[]).unwrap().unwrap_err(),
            "wrong number of args for Format: want 1 got 0"
        );
        assert!(call_time_method(&t, "NoSuch", &[]).is_none());
        let json = call(&t, "MarshalJSON", &[]);
        assert_eq!(
            crate::gofmt::sprintf("%s", &[json]),
            "\"2023-11-14T22:13:20Z\""
        );
    }

    #[test]
    fn duration_methods() {
        let d = 5_400_000_000_000;
        let get =
            |name: &str, args: &[Value]| call_duration_method(d, name, args).unwrap().unwrap();
        assert!(matches!(get("Hours", &[]), Value::Float(h) if (h - 1.5).abs() < 1e-12));
        assert!(matches!(get("Minutes", &[]), Value::Float(m) if (m - 90.0).abs() < 1e-12));
        assert_eq!(get("String", &[]).as_str(), Some("1h30m0s"));
        assert!(matches!(
            get("Round", &[Value::Duration(3_600_000_000_000)]),
            Value::Duration(7_200_000_000_000)
        ));
        assert!(call_duration_method(d, "Format", &[]).is_none());
    }
}
