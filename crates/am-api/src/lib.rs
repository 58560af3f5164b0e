//! Alertmanager HTTP API wire models shared by the server and `alertmeshctl`:
//! - [`v2`]: the OpenAPI v2 models of Alertmanager 0.28 (`api/v2/openapi.yaml`), body decoding
//!   with go-swagger's status codes, conversions and fast JSON writers;
//! - [`v1`]: the removed v1 API's shapes as 0.26 served them (`api/v1/api.go`);
//! - [`time`]: `strfmt.DateTime` formatting/parsing; [`json`]: Go-compatible JSON escaping.

pub mod json;
pub mod time;
pub mod v1;
pub mod v2;

pub use time::{DateTime, Millis};
