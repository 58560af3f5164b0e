//! The alertmesh server as a library: command-line flags, logging, startup configuration and
//! the process lifecycle. `main.rs` only calls [`run`]. Mirrors upstream's
//! `cmd/alertmanager/main.go`; the HTTP API, the notification engine and the cluster are filled
//! in by later work.

pub mod build_info;
pub mod civil_time;
pub mod flags;
