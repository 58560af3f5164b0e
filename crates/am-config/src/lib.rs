//! `alertmanager.yml`: the YAML layer (a Go yaml.v2-compatible reader that keeps paths and lines),
//! the raw schema mirroring the file, and the validated `Config` that the rest of alertmesh uses.
//! Mirrors upstream's `config` package.
//!
//! Loading is two-step ("parse, don't validate"): `yaml` turns text into `raw` structs, then
//! `validate` produces types that cannot be invalid. Every error names the file, the line and the
//! YAML path (`alertmanager.yml:14: route.routes[2].matchers[0]: ...`).

pub mod error;
pub mod yaml;

// Receivers and everything they inherit from `global`.
pub mod global;
pub mod http_config;
pub mod receiver;
pub mod secret;
pub mod tls_config;

// The rest of the file and the load/print entry points.
pub mod config;
pub mod feature;
pub mod inhibit;
pub mod load;
pub mod print;
pub mod raw;
pub mod route;
pub mod time_interval;
pub mod validate;

pub use config::Config;
pub use feature::{FeatureError, Features};
pub use inhibit::InhibitRule;
pub use load::{LoadOptions, load_file, load_str};
pub use route::{GroupBy, Route};
pub use time_interval::NamedTimeInterval;
