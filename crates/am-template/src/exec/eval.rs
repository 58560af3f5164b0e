//! Evaluation of pipelines, commands, fields, variables and calls, mirroring Go's
//! `text/template/exec.go` (`evalPipeline`, `evalCommand`, `evalField`, `evalCall`, `evalArg`,
//! `validateType`, `idealConstant`) with Go's error texts.

use std::sync::Arc;

use crate::func::{Func, ParamType, Signature};
use crate::gotime::{
    GoTime, call_duration_method, call_time_method, duration_method_signature,
    time_method_bad_results, time_method_signature,
};
use crate::parse::quote::go_quote;
use crate::parse::{
    Arg, ChainNode, CommandNode, FieldNode, IdentifierNode, NumberNode, PipeNode, VariableNode,
};
use crate::value::{Object, Value};

use super::MissingKey;
use super::builtins::{self, Builtin};
use super::state::{Ctx, R, State, Var, elems_are_iface};

/// What a call invokes.
pub(crate) enum Callee<'f> {
    Func(&'f Func),
    Builtin(Builtin),
    Method(Arc<dyn Object>, String),
    Time(GoTime, String),
    Duration(i64, String),
}

impl<'a> State<'a> {
    /// Go's `evalPipeline`: runs the commands, feeding each result to the next as its final
    /// argument, then declares or assigns the pipeline's variables.
    pub(crate) fn eval_pipeline(&mut self, dot: &Value, pipe: &'a PipeNode) -> R<Value> {
        self.enter()?;
        self.at(Ctx::Pipe(pipe));
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            match self.eval_command(dot, cmd, value.take()) {
                Ok(v) => value = Some(v),
                Err(e) => {
                    self.leave();
                    return Err(e);
                }
            }
        }
        self.leave();
        let value = value.unwrap_or_default();
        for v in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&v.ident[0], value.clone(), false)?;
            } else {
                self.vars.push(Var::new(v.ident[0].as_str(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Arg], has_final: bool) -> R<()> {
        if args.len() > 1 || has_final {
            let first = args.first().map(ToString::to_string).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Value, cmd: &'a CommandNode, fin: Option<Value>) -> R<Value> {
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command"));
        };
        match first {
            Arg::Field(f) => return Ok(self.eval_field_node(dot, first, f, &cmd.args, fin)?.0),
            Arg::Chain(c) => return Ok(self.eval_chain_node(dot, first, c, &cmd.args, fin)?.0),
            Arg::Identifier(id) => {
                return self.eval_function(dot, first, id, Ctx::Cmd(cmd), &cmd.args, fin);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, fin.is_some())?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable(v) => {
                return Ok(self.eval_variable_node(dot, first, v, &cmd.args, fin)?.0);
            }
            _ => {}
        }
        self.at(Ctx::Arg(first));
        self.not_a_function(&cmd.args, fin.is_some())?;
        match first {
            Arg::Bool(b) => Ok(Value::Bool(b.value)),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.errorf("nil is not a command")),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String(s) => Ok(Value::str(&s.text)),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                go_quote(&first.to_string())
            ))),
        }
    }

    /// Go's `idealConstant`: a number whose type comes from its syntax.
    fn ideal_constant(&mut self, arg: &'a Arg, n: &NumberNode) -> R<Value> {
        self.at(Ctx::Arg(arg));
        let is_hex_int = n.text.len() > 2
            && n.text.starts_with('0')
            && matches!(n.text.as_bytes()[1], b'x' | b'X')
            && !n.text.contains(['p', 'P']);
        let is_rune = n.text.starts_with('\'');
        if n.is_complex {
            return Err(self.errorf(format!("complex constant {} is not supported", n.text)));
        }
        if n.is_float && !is_hex_int && !is_rune && n.text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::Float(n.float64));
        }
        if n.is_int {
            return Ok(Value::Int(n.int64));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{} overflows int", n.text)));
        }
        Ok(Value::Nil)
    }

    fn eval_field_node(
        &mut self,
        dot: &Value,
        arg: &'a Arg,
        f: &'a FieldNode,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<(Value, bool)> {
        self.at(Ctx::Arg(arg));
        let iface = self.dot_iface;
        self.eval_field_chain(dot, dot.clone(), iface, arg, &f.ident, args, fin)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Value,
        arg: &'a Arg,
        c: &'a ChainNode,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<(Value, bool)> {
        self.at(Ctx::Arg(arg));
        if c.field.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode"));
        }
        if let Arg::Nil(_) = c.node.as_ref() {
            return Err(self.errorf(format!("indirection through explicit nil in {arg}")));
        }
        let pipe = self.eval_arg(dot, None, &c.node)?;
        self.eval_field_chain(dot, pipe, false, arg, &c.field, args, fin)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Value,
        arg: &'a Arg,
        v: &'a VariableNode,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<(Value, bool)> {
        self.at(Ctx::Arg(arg));
        let (value, iface) = self.var_value(&v.ident[0])?;
        if v.ident.len() == 1 {
            self.not_a_function(args, fin.is_some())?;
            return Ok((value, iface));
        }
        self.eval_field_chain(dot, value, iface, arg, &v.ident[1..], args, fin)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(
        &mut self,
        dot: &Value,
        mut receiver: Value,
        mut iface: bool,
        node: &'a Arg,
        ident: &'a [String],
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<(Value, bool)> {
        let Some((last, init)) = ident.split_last() else {
            return Ok((receiver, iface));
        };
        for name in init {
            (receiver, iface) = self.eval_field(dot, name, node, &[], None, receiver, iface)?;
        }
        self.eval_field(dot, last, node, args, fin, receiver, iface)
    }

    fn eval_function(
        &mut self,
        dot: &Value,
        arg: &'a Arg,
        id: &'a IdentifierNode,
        node: Ctx<'a>,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Value> {
        self.at(Ctx::Arg(arg));
        let set = self.set;
        let name = id.ident.as_str();
        if let Some(f) = set.funcs.get(name) {
            return self.eval_call(dot, Callee::Func(f), f.sig.clone(), node, name, args, fin);
        }
        if let Some(b) = Builtin::from_name(name) {
            return self.eval_call(
                dot,
                Callee::Builtin(b),
                b.signature(),
                node,
                name,
                args,
                fin,
            );
        }
        Err(self.errorf(format!("{} is not a defined function", go_quote(name))))
    }

    /// Go's `evalField`: a method call, struct field or map element named `name` on `receiver`
    /// (`iface`: the receiver's static type is `interface {}`). Returns the value and whether
    /// its static type is `interface {}`.
    #[allow(clippy::too_many_arguments)]
    fn eval_field(
        &mut self,
        dot: &Value,
        name: &'a str,
        node: &'a Arg,
        args: &'a [Arg],
        fin: Option<Value>,
        receiver: Value,
        iface: bool,
    ) -> R<(Value, bool)> {
        if receiver.is_nil() {
            if iface {
                return Err(self.errorf(format!("nil pointer evaluating interface {{}}.{name}")));
            }
            if self.set.missing_key == MissingKey::Error {
                return Err(self.errorf(format!("nil data; no entry for key {}", go_quote(name))));
            }
            return Ok((Value::Nil, false));
        }
        let method = match &receiver {
            Value::Object(o) => o
                .method(name)
                .cloned()
                .map(|sig| (Callee::Method(o.clone(), name.to_string()), sig)),
            Value::Time(t) => time_method_signature(name)
                .map(|sig| (Callee::Time(t.clone(), name.to_string()), sig)),
            Value::Duration(d) => duration_method_signature(name)
                .map(|sig| (Callee::Duration(*d, name.to_string()), sig)),
            _ => None,
        };
        if let Some((callee, sig)) = method {
            let v = self.eval_call(dot, callee, sig, Ctx::Arg(node), name, args, fin)?;
            return Ok((v, false));
        }
        let has_args = args.len() > 1 || fin.is_some();
        if let Some(m) = receiver.as_map() {
            if has_args {
                return Err(self.errorf(format!("{name} is not a method but has arguments")));
            }
            let elem_iface = elems_are_iface(&receiver);
            return match m.entries.get(name) {
                Some(v) => Ok((v.clone(), elem_iface)),
                None => match self.set.missing_key {
                    MissingKey::Default => Ok((Value::Nil, false)),
                    MissingKey::Zero => Ok((m.elem_zero.clone(), elem_iface)),
                    MissingKey::Error => {
                        Err(self.errorf(format!("map has no entry for key {}", go_quote(name))))
                    }
                },
            };
        }
        if let Value::Object(o) = &receiver
            && o.as_slice().is_none()
            && let Some(v) = o.field(name)
        {
            if has_args {
                return Err(self.errorf(format!(
                    "{name} has arguments but cannot be invoked as function"
                )));
            }
            return Ok((v, false));
        }
        let typ = if iface {
            "interface {}"
        } else {
            receiver.type_name()
        };
        Err(self.errorf(format!("can't evaluate field {name} in type {typ}")))
    }

    /// Go's `evalCall`: checks the argument count, evaluates and converts the arguments against
    /// the signature, calls, and reports errors as `error calling NAME: ...`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn eval_call(
        &mut self,
        dot: &Value,
        callee: Callee<'_>,
        sig: Signature,
        node: Ctx<'a>,
        name: &str,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Value> {
        self.step()?;
        let args: &'a [Arg] = if args.is_empty() { args } else { &args[1..] };
        let num_in = args.len() + usize::from(fin.is_some());
        let num_params = sig.params.len();
        let num_fixed = if sig.variadic.is_some() {
            if num_in < num_params {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {num_params} got {}",
                    args.len()
                )));
            }
            num_params
        } else {
            if num_in != num_params {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want {num_params} got {num_in}"
                )));
            }
            args.len()
        };

        if let Callee::Time(..) = callee
            && let Some(msg) = time_method_bad_results(name)
        {
            // Go's goodFunc rejects multi-result methods before evaluating arguments.
            return Err(self.errorf(msg));
        }
        // Go 1.23's `call` names its callee in errors: the argument's text, or the piped value.
        let call_name = match (&callee, args.first(), &fin) {
            (Callee::Builtin(Builtin::Call), Some(a), _) => a.to_string(),
            (Callee::Builtin(Builtin::Call), None, Some(v)) => reflect_string(v),
            _ => String::new(),
        };

        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let want = b == Builtin::Or;
            let mut v = Value::Nil;
            for a in args {
                v = self.eval_arg(dot, Some(ParamType::Value), a)?;
                if v.is_truthy() == want {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }

        let mut argv = Vec::with_capacity(num_in);
        let mut nil_iface_arg = false;
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let (v, iface) = self.eval_arg_typed(dot, Some(sig.params[i]), &args[i])?;
            nil_iface_arg |= iface && v.is_nil();
            argv.push(v);
            i += 1;
        }
        if let Some(elem) = sig.variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, Some(elem), &args[i])?);
                i += 1;
            }
        }
        if let Some(f) = fin {
            let t = match sig.variadic {
                Some(elem) if num_in > num_fixed => elem,
                Some(_) => sig.params[num_in - 1],
                None => sig.params.last().copied().unwrap_or(ParamType::Any),
            };
            argv.push(self.validate_type(f, false, Some(t))?);
        }
        if nil_iface_arg && matches!(callee, Callee::Builtin(Builtin::Len)) {
            // A nil interface value (not an invalid value) reaches len.
            self.at(node);
            return Err(self.errorf(format!("error calling {name}: len of nil pointer")));
        }

        let is_time_method = matches!(callee, Callee::Time(..) | Callee::Duration(..));
        let result = match callee {
            Callee::Func(f) => call_guarded(|| (f.call)(&argv)),
            Callee::Builtin(Builtin::Call) => builtins::call_value(&call_name, &argv),
            Callee::Builtin(b) => builtins::call(b, &argv, self.output_budget()),
            Callee::Method(o, m) => call_guarded(|| o.call_method(&m, &argv)),
            Callee::Time(t, m) => call_time_method(&t, &m, &argv)
                .unwrap_or_else(|| Err(format!("no method {m} on time.Time"))),
            Callee::Duration(d, m) => call_duration_method(d, &m, &argv)
                .unwrap_or_else(|| Err(format!("no method {m} on time.Duration"))),
        };
        // gotime's contract: errors of time methods without an error result are complete texts.
        let complete_error = is_time_method && !sig.returns_error;
        match result {
            Ok(v) => {
                if let Some(s) = v.as_str()
                    && s.len() > self.limits.max_output_bytes
                {
                    return Err(self.limit_error(format!(
                        "result of {name} exceeds the output limit of {} bytes",
                        self.limits.max_output_bytes
                    )));
                }
                Ok(v)
            }
            Err(e) => {
                self.at(node);
                if e == builtins::LIMIT_MARKER {
                    return Err(self.limit_error(format!(
                        "result of {name} exceeds the output limit of {} bytes",
                        self.limits.max_output_bytes
                    )));
                }
                if complete_error {
                    return Err(self.errorf(e));
                }
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }

    /// Go's `validateType`: checks that `value` (`iface`: of static type `interface {}`) is
    /// assignable to `typ` (`None`: any type).
    fn validate_type(&mut self, value: Value, iface: bool, typ: Option<ParamType>) -> R<Value> {
        let Some(typ) = typ else {
            return Ok(value);
        };
        if value.is_nil() {
            if iface && !matches!(typ, ParamType::Any | ParamType::Value) {
                return Err(self.errorf(format!(
                    "wrong type for value; expected {typ}; got interface {{}}"
                )));
            }
            if typ.can_be_nil() {
                return Ok(zero_of_param(typ));
            }
            return Err(self.errorf(format!("invalid value; expected {typ}")));
        }
        let ok = match typ {
            ParamType::Any | ParamType::Value => true,
            ParamType::String => matches!(value, Value::String(_)),
            ParamType::Int => matches!(value, Value::Int(_)),
            ParamType::Float => matches!(value, Value::Float(_)),
            ParamType::Bool => matches!(value, Value::Bool(_)),
            ParamType::Time => matches!(value, Value::Time(_)),
            ParamType::Duration => matches!(value, Value::Duration(_)),
            ParamType::StringSlice => {
                matches!(&value, Value::Slice(s) if s.type_name == "[]string")
            }
        };
        if !ok {
            return Err(self.errorf(format!(
                "wrong type for value; expected {typ}; got {}",
                value.type_name()
            )));
        }
        Ok(value)
    }

    /// Go's `evalArg`: evaluates an argument node for a parameter of type `typ`.
    fn eval_arg(&mut self, dot: &Value, typ: Option<ParamType>, n: &'a Arg) -> R<Value> {
        Ok(self.eval_arg_typed(dot, typ, n)?.0)
    }

    /// `eval_arg`, also reporting whether the value's static type is `interface {}`.
    fn eval_arg_typed(
        &mut self,
        dot: &Value,
        typ: Option<ParamType>,
        n: &'a Arg,
    ) -> R<(Value, bool)> {
        self.at(Ctx::Arg(n));
        let (v, iface) = match n {
            Arg::Dot(_) => (dot.clone(), self.dot_iface),
            Arg::Field(f) => self.eval_field_node(dot, n, f, std::slice::from_ref(n), None)?,
            Arg::Variable(v) => self.eval_variable_node(dot, n, v, &[], None)?,
            Arg::Pipe(p) => (self.eval_pipeline(dot, p)?, false),
            Arg::Identifier(id) => (
                self.eval_function(dot, n, id, Ctx::Arg(n), &[], None)?,
                false,
            ),
            Arg::Chain(c) => self.eval_chain_node(dot, n, c, &[], None)?,
            _ => return Ok((self.eval_constant_arg(dot, typ, n)?, false)),
        };
        Ok((self.validate_type(v, iface, typ)?, iface))
    }

    /// `evalArg` for constants and `nil`, converted by the parameter type.
    fn eval_constant_arg(&mut self, dot: &Value, typ: Option<ParamType>, n: &'a Arg) -> R<Value> {
        let t = typ.unwrap_or(ParamType::Any);
        if let Arg::Nil(_) = n {
            if t.can_be_nil() {
                return Ok(zero_of_param(t));
            }
            return Err(self.errorf(format!("cannot assign nil to {t}")));
        }
        match t {
            ParamType::Bool => match n {
                Arg::Bool(b) => Ok(Value::Bool(b.value)),
                _ => Err(self.errorf(format!("expected bool; found {n}"))),
            },
            ParamType::Float => match n {
                Arg::Number(num) if num.is_float => Ok(Value::Float(num.float64)),
                _ => Err(self.errorf(format!("expected float; found {n}"))),
            },
            ParamType::Int | ParamType::Duration => match n {
                Arg::Number(num) if num.is_int => Ok(if t == ParamType::Int {
                    Value::Int(num.int64)
                } else {
                    Value::Duration(num.int64)
                }),
                _ => Err(self.errorf(format!("expected integer; found {n}"))),
            },
            ParamType::Any | ParamType::Value => self.eval_empty_interface(dot, n),
            ParamType::String => match n {
                Arg::String(s) => Ok(Value::str(&s.text)),
                _ => Err(self.errorf(format!("expected string; found {n}"))),
            },
            ParamType::Time | ParamType::StringSlice => {
                Err(self.errorf(format!("can't handle {n} for arg of type {t}")))
            }
        }
    }

    /// Go's `evalEmptyInterface`: a constant or expression for an `interface{}` parameter.
    fn eval_empty_interface(&mut self, dot: &Value, n: &'a Arg) -> R<Value> {
        self.at(Ctx::Arg(n));
        match n {
            Arg::Bool(b) => Ok(Value::Bool(b.value)),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Field(f) => Ok(self.eval_field_node(dot, n, f, &[], None)?.0),
            Arg::Identifier(id) => self.eval_function(dot, n, id, Ctx::Arg(n), &[], None),
            Arg::Nil(_) => Err(self.errorf("evalEmptyInterface: nil (can't happen)")),
            Arg::Number(num) => self.ideal_constant(n, num),
            Arg::String(s) => Ok(Value::str(&s.text)),
            Arg::Variable(v) => Ok(self.eval_variable_node(dot, n, v, &[], None)?.0),
            Arg::Pipe(p) => self.eval_pipeline(dot, p),
            Arg::Chain(_) => Err(self.errorf(format!(
                "can't handle assignment of {n} to empty interface argument"
            ))),
        }
    }
}

/// Go's `reflect.Value.String()`: the string of string kinds, `<T Value>` otherwise.
fn reflect_string(v: &Value) -> String {
    match v {
        Value::String(s) | Value::Typed(_, s) => s.to_string(),
        Value::Nil => "<invalid Value>".to_string(),
        other => format!("<{} Value>", other.type_name()),
    }
}

/// Runs a function or method, turning a panic into an error as Go's `safeCall` recovers one.
fn call_guarded(f: impl FnOnce() -> Result<Value, String>) -> Result<Value, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(panic) => Err(panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic in template function".to_string())),
    }
}

/// Go's `reflect.Zero(typ)` for parameter types that can be nil.
fn zero_of_param(t: ParamType) -> Value {
    match t {
        ParamType::StringSlice => Value::strings(Vec::new()),
        _ => Value::Nil,
    }
}
