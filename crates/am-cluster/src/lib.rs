//! Cluster membership and state replication compatible with hashicorp memberlist (v0.5/v0.6
//! as Alertmanager configures it) and Alertmanager's `cluster` package. See
//! `docs/PROTOCOL.md` for the wire format. Work in progress (issue 5): only the codec exists.

pub mod alertmanager;
pub mod codec;
pub mod memberlist;
pub mod sim;
pub mod transport;
pub mod driver;
