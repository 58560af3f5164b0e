//! Template functions and method signatures: Go's `template.FuncMap` (`text/template/funcs.go`).
//!
//! Go discovers parameter types by reflection; here every function and method declares a
//! [`Signature`] so the executor can convert and validate arguments exactly as Go's
//! `evalArg`/`validateType` do, with Go's error texts.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::value::Value;

/// Parameter type of a template function or method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `interface {}`: any value, nil allowed.
    Any,
    /// `string` (exactly; typed strings such as `template.HTML` are not assignable).
    String,
    /// `int`
    Int,
    /// `float64`
    Float,
    /// `bool`
    Bool,
    /// `time.Time`
    Time,
    /// `time.Duration`
    Duration,
    /// `[]string`
    StringSlice,
    /// `reflect.Value`: passthrough of any value including nil (Go's builtins use it).
    Value,
}

impl ParamType {
    /// The Go type name as printed in error messages.
    pub fn go_name(self) -> &'static str {
        match self {
            ParamType::Any => "interface {}",
            ParamType::String => "string",
            ParamType::Int => "int",
            ParamType::Float => "float64",
            ParamType::Bool => "bool",
            ParamType::Time => "time.Time",
            ParamType::Duration => "time.Duration",
            ParamType::StringSlice => "[]string",
            ParamType::Value => "reflect.Value",
        }
    }

    /// Whether Go's `canBeNil` holds for the type (a nil argument becomes the type's zero value).
    pub fn can_be_nil(self) -> bool {
        matches!(
            self,
            ParamType::Any | ParamType::StringSlice | ParamType::Value
        )
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.go_name())
    }
}

/// Parameters and results of a function or method.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Signature {
    /// Fixed parameters, in order.
    pub params: Vec<ParamType>,
    /// Element type of the trailing variadic parameter (`...T`), if any.
    pub variadic: Option<ParamType>,
    /// Whether the Go function returns `(T, error)`; an `Err` is then reported as
    /// `error calling NAME: MSG`.
    pub returns_error: bool,
}

impl Signature {
    /// A signature with fixed parameters, no variadic part, and a single result.
    pub fn new(params: Vec<ParamType>) -> Signature {
        Signature {
            params,
            variadic: None,
            returns_error: false,
        }
    }

    /// Adds a variadic trailing parameter of element type `elem`.
    pub fn with_variadic(mut self, elem: ParamType) -> Signature {
        self.variadic = Some(elem);
        self
    }

    /// Marks the function as returning `(T, error)`.
    pub fn with_error(mut self) -> Signature {
        self.returns_error = true;
        self
    }
}

/// The callable part of a [`Func`]: receives converted arguments (variadic ones flattened).
pub type FuncImpl = Arc<dyn Fn(&[Value]) -> Result<Value, String> + Send + Sync>;

/// A named template function.
#[derive(Clone)]
pub struct Func {
    /// The name templates call it by.
    pub name: String,
    /// Parameter and result description.
    pub sig: Signature,
    /// The implementation.
    pub call: FuncImpl,
}

impl Func {
    /// Builds a function from a closure.
    pub fn new<F>(name: impl Into<String>, sig: Signature, call: F) -> Func
    where
        F: Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
    {
        Func {
            name: name.into(),
            sig,
            call: Arc::new(call),
        }
    }
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Func")
            .field("name", &self.name)
            .field("sig", &self.sig)
            .finish_non_exhaustive()
    }
}

/// Go's `template.FuncMap`: functions by name.
#[derive(Clone, Debug, Default)]
pub struct FuncMap(pub HashMap<String, Func>);

impl FuncMap {
    /// An empty map.
    pub fn new() -> FuncMap {
        FuncMap::default()
    }

    /// Adds (or replaces) the function `name`.
    pub fn insert(&mut self, name: impl Into<String>, func: Func) {
        self.0.insert(name.into(), func);
    }

    /// Looks a function up by name.
    pub fn get(&self, name: &str) -> Option<&Func> {
        self.0.get(name)
    }

    /// Whether `name` is defined.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Adds every function of `other`, replacing same-named ones.
    pub fn extend(&mut self, other: FuncMap) {
        self.0.extend(other.0);
    }

    /// Number of functions.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Go's `goodName`: a function name must be a letter or `_` followed by letters, digits or `_`.
pub fn good_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphabetic() || c.is_numeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_map_insert_and_call() {
        let mut m = FuncMap::new();
        m.insert(
            "up",
            Func::new("up", Signature::new(vec![ParamType::String]), |a| {
                Ok(Value::str(a[0].as_str().unwrap_or_default().to_uppercase()))
            }),
        );
        let f = m.get("up").expect("inserted");
        let out = (f.call)(&[Value::str("ab")]).expect("call");
        assert_eq!(out.as_str(), Some("AB"));
        assert!(!m.contains("down"));
    }

    #[test]
    fn names_follow_go_rules() {
        assert!(good_name("toUpper"));
        assert!(good_name("_x1"));
        assert!(!good_name("1x"));
        assert!(!good_name(""));
        assert!(!good_name("a-b"));
    }

    #[test]
    fn param_type_names() {
        assert_eq!(ParamType::Any.to_string(), "interface {}");
        assert_eq!(ParamType::StringSlice.go_name(), "[]string");
        assert!(!ParamType::String.can_be_nil());
    }
}
