//! Per-key broadcast channels (`cluster/channel.go`): a broadcast is Part-encoded; small ones
//! (≤ 700 bytes) go to the gossip queue, larger ones to a bounded queue (200) drained by one
//! task per key that sends each message over TCP to every other member, concurrently, and waits
//! for all before the next one; docs/PROTOCOL.md §3.2.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, watch};

use super::delegate::AmShared;
use super::membership::Membership;
use super::metrics::OversizeMetrics;
use super::proto::Part;

/// Encoded size above which a message takes the TCP path (`MaxGossipPacketSize / 2`).
pub const OVERSIZE_THRESHOLD: usize = 700;
/// Capacity of the per-key oversize queue.
pub const OVERSIZE_QUEUE: usize = 200;

/// `OversizedMessage`: strictly more than [`OVERSIZE_THRESHOLD`] bytes.
pub fn is_oversized(encoded: &[u8]) -> bool {
    encoded.len() > OVERSIZE_THRESHOLD
}

/// Broadcasts one state's updates to the cluster (Go's `ClusterChannel`). Cheap to clone; usable
/// from any thread.
#[derive(Clone, Debug)]
pub struct Channel {
    inner: Arc<ChannelInner>,
}

#[derive(Debug)]
struct ChannelInner {
    key: String,
    shared: Arc<AmShared>,
    oversize: mpsc::Sender<Vec<u8>>,
    metrics: OversizeMetrics,
}

impl Channel {
    /// A channel for `key` and the receiving end of its oversize queue (to hand to
    /// [`run_oversize`]).
    pub(crate) fn new(
        key: &str,
        shared: Arc<AmShared>,
        metrics: OversizeMetrics,
    ) -> (Channel, mpsc::Receiver<Vec<u8>>) {
        let (tx, rx) = mpsc::channel(OVERSIZE_QUEUE);
        let ch = Channel {
            inner: Arc::new(ChannelInner {
                key: key.to_string(),
                shared,
                oversize: tx,
                metrics,
            }),
        };
        (ch, rx)
    }

    /// The state key.
    pub fn key(&self) -> &str {
        &self.inner.key
    }

    /// Enqueues `data` for the cluster (Go's `Channel.Broadcast`).
    pub fn broadcast(&self, data: Vec<u8>) {
        let b = Part {
            key: self.inner.key.clone(),
            data,
        }
        .encode_to_bytes();
        if is_oversized(&b) {
            if let Err(mpsc::error::TrySendError::Full(_) | mpsc::error::TrySendError::Closed(_)) =
                self.inner.oversize.try_send(b)
            {
                tracing::debug!(key = self.inner.key, "oversized gossip channel full");
                self.inner.metrics.dropped.inc();
            }
        } else {
            self.inner.shared.queue_broadcast(b);
        }
    }
}

/// Go's `handleOverSizedMessages`: sends each queued message to every member except `self_name`
/// concurrently and waits for all, until `stop` turns true or the channel closes.
pub(crate) async fn run_oversize(
    key: String,
    mut rx: mpsc::Receiver<Vec<u8>>,
    ml: Arc<dyn Membership>,
    self_name: String,
    metrics: OversizeMetrics,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let msg = tokio::select! {
            m = rx.recv() => match m {
                Some(m) => m,
                None => return,
            },
            _ = super::peer::stopped(&mut stop) => return,
        };
        let targets: Vec<String> = ml
            .members()
            .into_iter()
            .map(|n| n.name)
            .filter(|n| *n != self_name)
            .collect();
        let sends = targets.into_iter().map(|node| {
            let ml = ml.clone();
            let msg = msg.clone();
            let metrics = metrics.clone();
            let key = key.clone();
            async move {
                metrics.sent.inc();
                let start = Instant::now();
                match ml.send_reliable(node.clone(), msg).await {
                    Ok(()) => metrics.duration.observe(start.elapsed().as_secs_f64()),
                    Err(err) => {
                        tracing::debug!(key, node, %err, "failed to send reliable");
                        metrics.failure.inc();
                    }
                }
            }
        });
        futures::future::join_all(sends).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alertmanager::membership::alive_node;
    use crate::alertmanager::metrics::ClusterMetrics;
    use crate::memberlist::NodeInfo;
    use futures::future::BoxFuture;
    use parking_lot::Mutex;
    use std::net::SocketAddr;
    use std::time::Duration;

    struct Fake {
        names: Vec<&'static str>,
        sent: Mutex<Vec<(String, Vec<u8>)>>,
        fail: &'static str,
    }

    impl Membership for Fake {
        fn join(&self, _addrs: Vec<SocketAddr>) -> BoxFuture<'_, Result<usize, String>> {
            Box::pin(async { Ok(0) })
        }
        fn send_reliable(&self, node: String, msg: Vec<u8>) -> BoxFuture<'_, Result<(), String>> {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                if node == self.fail {
                    return Err("refused".into());
                }
                self.sent.lock().push((node, msg));
                Ok(())
            })
        }
        fn members(&self) -> Vec<NodeInfo> {
            self.names
                .iter()
                .map(|n| alive_node(n, self.bound_addr()))
                .collect()
        }
        fn num_members(&self) -> usize {
            self.names.len()
        }
        fn health_score(&self) -> usize {
            0
        }
        fn leave(&self, _timeout: Duration) -> BoxFuture<'_, ()> {
            Box::pin(async {})
        }
        fn bound_addr(&self) -> SocketAddr {
            "127.0.0.1:1".parse().unwrap()
        }
    }

    fn setup() -> (
        Channel,
        mpsc::Receiver<Vec<u8>>,
        Arc<AmShared>,
        am_metrics::Registry,
    ) {
        let reg = am_metrics::Registry::new();
        let shared = AmShared::new(ClusterMetrics::register(&reg, "me"), 3);
        let (ch, rx) = Channel::new(
            "nfl",
            shared.clone(),
            OversizeMetrics::register(&reg, "nfl"),
        );
        (ch, rx, shared, reg)
    }

    #[test]
    fn threshold_is_strictly_greater_than_700_encoded() {
        let (ch, mut rx, shared, _) = setup();
        // 700 encoded bytes: key tag+len (2) + "nfl" (3) + data tag (1) + 2-byte len + 692.
        ch.broadcast(vec![0; 692]);
        assert_eq!(shared.queued(), 1);
        assert!(rx.try_recv().is_err());
        ch.broadcast(vec![0; 693]);
        assert_eq!(shared.queued(), 1);
        let got = rx.try_recv().unwrap();
        assert_eq!(got.len(), 701);
        assert_eq!(Part::decode_bytes(&got).unwrap().data.len(), 693);
        // Small messages are Part-encoded in the gossip queue.
        ch.broadcast(b"x".to_vec());
        assert_eq!(shared.queued(), 2);
    }

    #[test]
    fn full_oversize_queue_drops_and_counts() {
        let (ch, _rx, _, reg) = setup();
        for _ in 0..(OVERSIZE_QUEUE + 3) {
            ch.broadcast(vec![1; 800]);
        }
        let text = reg.encode();
        assert!(
            text.contains("alertmanager_oversized_gossip_message_dropped_total{key=\"nfl\"} 3"),
            "{text}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn oversize_task_sends_to_every_other_member() {
        let (ch, rx, _, reg) = setup();
        let fake = Arc::new(Fake {
            names: vec!["me", "a", "b", "c"],
            sent: Mutex::new(Vec::new()),
            fail: "c",
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let metrics = OversizeMetrics::register(&reg, "nfl");
        let task = tokio::spawn(run_oversize(
            "nfl".into(),
            rx,
            fake.clone(),
            "me".into(),
            metrics,
            stop_rx,
        ));
        ch.broadcast(vec![7; 1000]);
        ch.broadcast(vec![8; 1000]);
        let start = tokio::time::Instant::now();
        while fake.sent.lock().len() < 4 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // Concurrent per message (10ms a round), sequential between messages: two rounds, not
        // the 60ms of one send at a time.
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(20) && took < Duration::from_millis(30),
            "{took:?}"
        );
        let mut sent: Vec<(String, u8)> = fake
            .sent
            .lock()
            .iter()
            .map(|(n, m)| (n.clone(), Part::decode_bytes(m).unwrap().data[0]))
            .collect();
        sent.sort();
        let want: Vec<(String, u8)> = vec![
            ("a".into(), 7),
            ("a".into(), 8),
            ("b".into(), 7),
            ("b".into(), 8),
        ];
        assert_eq!(sent, want);
        stop_tx.send_replace(true);
        task.await.unwrap();
        let text = reg.encode();
        assert!(text.contains("alertmanager_oversized_gossip_message_sent_total{key=\"nfl\"} 6"));
        assert!(
            text.contains("alertmanager_oversized_gossip_message_failure_total{key=\"nfl\"} 2")
        );
        assert!(text.contains(
            "alertmanager_oversize_gossip_message_duration_seconds_count{key=\"nfl\"} 4"
        ));
    }
}
