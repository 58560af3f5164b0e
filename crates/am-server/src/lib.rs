//! The alertmesh daemon as a library: everything a single node does between the HTTP API and
//! a delivered notification. Module names follow upstream Alertmanager's Go packages so that
//! behaviour can be checked against upstream in one step:
//!
//! - [`provider`]: the alert store (`provider/mem`),
//! - [`dispatch`]: the routing tree and aggregation groups (`dispatch`),
//! - [`inhibit`]: inhibition rules (`inhibit`),
//! - [`silence`]: silences and their snapshots (`silence`),
//! - [`nflog`]: the notification log (`nflog`),
//! - [`notify`]: the notification pipeline and integrations (`notify`),
//! - [`api`]: the HTTP API v2, the 0.26 v1 API and the `/-/` endpoints (`api`),
//! - [`metrics`]: the metrics registry and its text exposition,
//! - [`clock`]: injected wall-clock time.
//!
//! Sans-IO cores (store, routing, inhibition, silences, nflog, aggregation groups) take `now`
//! and return decisions; tasks move messages and run timers.

pub mod api;
pub mod app;
pub mod clock;
pub mod dispatch;
pub mod inhibit;
pub use am_metrics as metrics;
pub mod nflog;
pub mod notify;
pub mod persist;
pub mod provider;
pub mod silence;
