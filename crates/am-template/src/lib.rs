//! Go's `text/template` and `html/template`, byte for byte, for Alertmanager notifications.
//!
//! - `parse`: lexer and parser producing Go's parse tree (`text/template/parse`).
//! - `value`, `func`: the dynamic values templates work on (Go's reflect values) and functions.
//! - `exec`: the executor (`text/template/exec.go`, `funcs.go`), with execution limits.
//! - `gofmt`: Go's `fmt` printing (`%v`, `Sprint`, `Sprintf` verbs) of template values.
//! - `gotime`: Go's `time.Time` / `time.Duration` printing and layouts (`Format`).
//! - `escape`: `html/template` contextual auto-escaping.
//! - `alertmanager`: Alertmanager's template data, function map and default templates
//!   (upstream package `template`).

pub mod alertmanager;
pub mod escape;
pub mod exec;
pub mod func;
pub mod gofmt;
pub mod gotime;
pub mod parse;
pub mod value;
