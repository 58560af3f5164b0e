//! Alertmanager's notification template layer (upstream package `template`, v0.28): the data
//! templates are executed with ([`data`], [`kv`]), how it is read from JSON ([`decode`]), the default
//! function map ([`funcs`]), the built-in templates (`defaults/default.tmpl`,
//! `defaults/email.tmpl`, written for alertmesh to render exactly what upstream's render) and the
//! [`Template`] that bundles a text and an HTML template set ([`template`]).

pub mod data;
pub mod decode;
pub mod funcs;
pub mod glob;
pub mod kv;
pub mod template;

mod case;

pub use data::{AlertData, DataError, Kv, TemplateData};
pub use funcs::{Clock, default_funcs, system_clock};
pub use template::{Template, TemplateOptions};

/// alertmesh's built-in `default.tmpl` (Slack, PagerDuty, OpsGenie, ... default texts).
pub const DEFAULT_TMPL: &str = include_str!("defaults/default.tmpl");

/// alertmesh's built-in `email.tmpl` (`email.default.subject`, `email.default.html`).
pub const EMAIL_TMPL: &str = include_str!("defaults/email.tmpl");
