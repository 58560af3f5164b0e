//! The Alertmanager cluster metrics (`cluster/cluster.go` `register`, `delegate.go`
//! `newDelegate`, `channel.go` `NewChannel`) with upstream names, help texts and labels
//! (docs/PROTOCOL.md §3.9). Scrape-time gauges are registered by `peer.rs`.

use am_metrics::{Counter, CounterVec, Histogram, HistogramVec, Registry};

/// `msg_type` label values.
pub const FULL_STATE: &str = "full_state";
/// `msg_type` label value for gossip updates.
pub const UPDATE: &str = "update";

/// Buckets of `alertmanager_cluster_pings_seconds`.
pub const PING_BUCKETS: [f64; 7] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5];

/// Counters of the delegate and of the peer bookkeeping.
#[derive(Clone, Debug)]
pub struct ClusterMetrics {
    /// `alertmanager_cluster_messages_received_total{msg_type}`.
    pub received: CounterVec,
    /// `alertmanager_cluster_messages_received_size_total{msg_type}`.
    pub received_size: CounterVec,
    /// `alertmanager_cluster_messages_sent_total{msg_type}`.
    pub sent: CounterVec,
    /// `alertmanager_cluster_messages_sent_size_total{msg_type}`.
    pub sent_size: CounterVec,
    /// `alertmanager_cluster_messages_pruned_total`.
    pub pruned: Counter,
    /// `alertmanager_cluster_alive_messages_total{peer}`.
    pub alive: CounterVec,
    /// `alertmanager_cluster_pings_seconds{peer}`.
    pub pings: HistogramVec,
    /// `alertmanager_cluster_reconnections_total`.
    pub reconnections: Counter,
    /// `alertmanager_cluster_reconnections_failed_total`.
    pub reconnections_failed: Counter,
    /// `alertmanager_cluster_refresh_join_total`.
    pub refresh_join: Counter,
    /// `alertmanager_cluster_refresh_join_failed_total`.
    pub refresh_join_failed: Counter,
    /// `alertmanager_cluster_peers_joined_total`.
    pub peers_joined: Counter,
    /// `alertmanager_cluster_peers_left_total`.
    pub peers_left: Counter,
    /// `alertmanager_cluster_peers_update_total`.
    pub peers_update: Counter,
}

impl ClusterMetrics {
    /// Registers the counters (and `alertmanager_cluster_peer_info{peer=name}` = 1).
    pub fn register(reg: &Registry, name: &str) -> ClusterMetrics {
        reg.gauge_vec(
            "alertmanager_cluster_peer_info",
            "A metric with a constant '1' value labeled by peer name.",
            &["peer"],
        )
        .with(&[name])
        .set(1.0);
        let m = ClusterMetrics {
            received: reg.counter_vec(
                "alertmanager_cluster_messages_received_total",
                "Total number of cluster messages received.",
                &["msg_type"],
            ),
            received_size: reg.counter_vec(
                "alertmanager_cluster_messages_received_size_total",
                "Total size of cluster messages received.",
                &["msg_type"],
            ),
            sent: reg.counter_vec(
                "alertmanager_cluster_messages_sent_total",
                "Total number of cluster messages sent.",
                &["msg_type"],
            ),
            sent_size: reg.counter_vec(
                "alertmanager_cluster_messages_sent_size_total",
                "Total size of cluster messages sent.",
                &["msg_type"],
            ),
            pruned: reg.counter(
                "alertmanager_cluster_messages_pruned_total",
                "Total number of cluster messages pruned.",
            ),
            alive: reg.counter_vec(
                "alertmanager_cluster_alive_messages_total",
                "Total number of received alive messages.",
                &["peer"],
            ),
            pings: reg.histogram_vec(
                "alertmanager_cluster_pings_seconds",
                "Histogram of latencies for ping messages.",
                &["peer"],
                &PING_BUCKETS,
            ),
            reconnections: reg.counter(
                "alertmanager_cluster_reconnections_total",
                "A counter of the number of cluster peer reconnections.",
            ),
            reconnections_failed: reg.counter(
                "alertmanager_cluster_reconnections_failed_total",
                "A counter of the number of failed cluster peer reconnection attempts.",
            ),
            refresh_join: reg.counter(
                "alertmanager_cluster_refresh_join_total",
                "A counter of the number of cluster peer joined via refresh.",
            ),
            refresh_join_failed: reg.counter(
                "alertmanager_cluster_refresh_join_failed_total",
                "A counter of the number of failed cluster peer joined attempts via refresh.",
            ),
            peers_joined: reg.counter(
                "alertmanager_cluster_peers_joined_total",
                "A counter of the number of peers that have joined.",
            ),
            peers_left: reg.counter(
                "alertmanager_cluster_peers_left_total",
                "A counter of the number of peers that have left.",
            ),
            peers_update: reg.counter(
                "alertmanager_cluster_peers_update_total",
                "A counter of the number of peers that have updated metadata.",
            ),
        };
        // All four msg_type series exist from the start.
        for v in [FULL_STATE, UPDATE] {
            for c in [&m.received, &m.received_size, &m.sent, &m.sent_size] {
                c.with(&[v]);
            }
        }
        m
    }
}

/// Per-key metrics of a [`super::Channel`]'s oversize path (const label `key`).
#[derive(Clone, Debug)]
pub struct OversizeMetrics {
    /// `alertmanager_oversized_gossip_message_sent_total{key}` (one per peer attempted).
    pub sent: Counter,
    /// `alertmanager_oversized_gossip_message_failure_total{key}`.
    pub failure: Counter,
    /// `alertmanager_oversized_gossip_message_dropped_total{key}`.
    pub dropped: Counter,
    /// `alertmanager_oversize_gossip_message_duration_seconds{key}`.
    pub duration: Histogram,
}

impl OversizeMetrics {
    /// Registers (or reuses) the families and returns the `key` series.
    pub fn register(reg: &Registry, key: &str) -> OversizeMetrics {
        OversizeMetrics {
            sent: reg
                .counter_vec(
                    "alertmanager_oversized_gossip_message_sent_total",
                    "Number of oversized gossip message sent.",
                    &["key"],
                )
                .with(&[key]),
            failure: reg
                .counter_vec(
                    "alertmanager_oversized_gossip_message_failure_total",
                    "Number of oversized gossip message sends that failed.",
                    &["key"],
                )
                .with(&[key]),
            dropped: reg
                .counter_vec(
                    "alertmanager_oversized_gossip_message_dropped_total",
                    "Number of oversized gossip messages that were dropped due to a full message queue.",
                    &["key"],
                )
                .with(&[key]),
            duration: reg
                .histogram_vec(
                    "alertmanager_oversize_gossip_message_duration_seconds",
                    "Duration of oversized gossip message requests.",
                    &["key"],
                    &am_metrics::DEFAULT_BUCKETS,
                )
                .with(&[key]),
        }
    }
}
