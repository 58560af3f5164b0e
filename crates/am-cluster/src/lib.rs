//! Cluster membership and state replication compatible with hashicorp memberlist (v0.5/v0.6
//! as Alertmanager configures it) and Alertmanager's `cluster` package; docs/PROTOCOL.md is
//! the wire and behaviour specification.
//!
//! - [`codec`]: memberlist messages in go-msgpack's exact encoding, packet framing (compound,
//!   LZW, CRC, label) and TCP stream messages; panic-free decoding.
//! - [`memberlist`]: the sans-IO SWIM node ([`memberlist::Memberlist`]: probes, suspicion,
//!   incarnations, gossip, push/pull, leave) and the `TransmitLimitedQueue`.
//! - [`transport`]: UDP+TCP and Alertmanager's TLS transport behind one trait.
//! - [`driver`]: the tokio task that owns a `Memberlist` and does its IO and timers.
//! - [`alertmanager`]: the `Peer` Alertmanager builds on memberlist (states `sil`/`nfl`,
//!   oversized messages over TCP, settle, position, reconnect/refresh, advertise address,
//!   `alertmanager_cluster_*` metrics).
//! - [`sim`]: a deterministic many-node simulator over an in-memory network, for tests.

pub mod alertmanager;
pub mod codec;
pub mod driver;
pub mod memberlist;
pub mod sim;
pub mod transport;
