//! The alert store: every alert the node currently knows, keyed by fingerprint. Mirrors
//! upstream `provider/mem/mem.go` (merge on put, GC of resolved alerts) and `store/store.go`
//! (the map itself, and the 0.31+ per-alertname limit), v0.28 semantics otherwise.
//!
//! Built for a million active alerts: 64 independently locked shards, each keeping its alerts
//! as compact byte blobs in one arena ([`codec`] describes the format), label and annotation
//! names interned in an append-only table, and [`Alert`](am_model::alert::Alert)s materialized
//! only when read. Scans and GC work in chunks of at most [`CHUNK`] alerts per lock hold so
//! that writers never wait long.
//!
//! Upstream's subscriber fan-out (`Subscribe`, listeners) is not here: the caller forwards what
//! [`AlertStore::put`] / [`AlertStore::put_batch`] return to the dispatcher and inhibitor.

mod codec;
mod intern;
mod limit;
mod shard;
mod store;

#[cfg(test)]
mod tests;

pub use codec::AlertTimes;
pub use store::{AlertCounts, AlertStore, CHUNK};

use am_model::labels::Fingerprint;
use smol_str::SmolStr;

/// Limits applied by the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreLimits {
    /// `--alerts.per-alertname-limit`: most alerts (fingerprints) per `alertname`; 0 = no
    /// limit.
    pub per_alertname: usize,
}

/// Why [`AlertStore::put`] refused an alert.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PutError {
    /// The alert's `alertname` already has `limit` alerts whose `ends_at` has not passed
    /// (upstream `store.ErrLimited`, counted in `alertmanager_alerts_limited_total`).
    #[error("alert limited: alertname {alertname:?} already has {limit} alerts")]
    Limited {
        /// The `alertname` label value.
        alertname: SmolStr,
        /// The configured limit.
        limit: usize,
    },
    /// The shard holding the fingerprint cannot grow any more (more than 4 GiB of alerts).
    #[error("alert store full: cannot store alert {fingerprint}")]
    Full {
        /// The refused alert's fingerprint.
        fingerprint: Fingerprint,
    },
}
