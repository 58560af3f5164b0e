//! memberlist's `TransmitLimitedQueue` (`queue.go` in hashicorp/memberlist v0.5.1), shared by
//! the membership layer (node messages, named by node) and the Alertmanager layer (unnamed
//! `simpleBroadcast`s). Messages are handed out smallest transmit count first, then longest,
//! then newest, and each is retired after `mult × ⌈log10(n + 1)⌉` transmissions.
//! See docs/PROTOCOL.md §2.5.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

/// Ordering key: transmits ascending, then length descending, then id descending (newest first).
type Key = (usize, Reverse<usize>, Reverse<u64>);

#[derive(Debug)]
struct Entry {
    msg: Vec<u8>,
    name: Option<String>,
}

/// A broadcast queue that limits how often each message is transmitted and prefers fresh
/// messages (memberlist `TransmitLimitedQueue`). Not synchronised: wrap it in a mutex when it is
/// shared between threads.
#[derive(Debug)]
pub struct TransmitLimitedQueue {
    retransmit_mult: usize,
    items: BTreeMap<Key, Entry>,
    names: HashMap<String, Key>,
    id_gen: u64,
}

/// `mult × ⌈log10(num_nodes + 1)⌉` computed on integers (⌈log10(n + 1)⌉ is the number of decimal
/// digits of `n`, and 0 for `n == 0`; identical to Go's float formula, checked up to 2·10⁷).
pub fn retransmit_limit(mult: usize, num_nodes: usize) -> usize {
    let mut digits = 0usize;
    let mut n = num_nodes;
    while n > 0 {
        digits += 1;
        n /= 10;
    }
    mult.saturating_mul(digits)
}

impl TransmitLimitedQueue {
    /// An empty queue with the given retransmit multiplier.
    pub fn new(retransmit_mult: usize) -> Self {
        TransmitLimitedQueue {
            retransmit_mult,
            items: BTreeMap::new(),
            names: HashMap::new(),
            id_gen: 0,
        }
    }

    /// Changes the retransmit multiplier (applies to later `get_broadcasts` calls).
    pub fn set_retransmit_mult(&mut self, m: usize) {
        self.retransmit_mult = m;
    }

    /// The retransmit multiplier.
    pub fn retransmit_mult(&self) -> usize {
        self.retransmit_mult
    }

    /// Queues `msg` with zero transmits. `name`: `Some(key)` invalidates (drops) a queued
    /// broadcast with the same key (memberlist node messages); `None` never invalidates
    /// (Alertmanager's `simpleBroadcast`).
    pub fn queue_broadcast(&mut self, name: Option<String>, msg: Vec<u8>) {
        self.queue_with_transmits(name, msg, 0);
    }

    fn queue_with_transmits(&mut self, name: Option<String>, msg: Vec<u8>, transmits: usize) {
        // Go treats an empty name as "not named".
        let name = name.filter(|n| !n.is_empty());
        // Go wraps at MaxInt64 back to 1; u64 never gets there in practice, but stay total.
        self.id_gen = if self.id_gen == u64::MAX - 1 {
            1
        } else {
            self.id_gen + 1
        };
        let key = (transmits, Reverse(msg.len()), Reverse(self.id_gen));
        if let Some(n) = &name
            && let Some(old) = self.names.get(n).copied()
        {
            self.delete(&old);
        }
        if let Some(n) = &name {
            self.names.insert(n.clone(), key);
        }
        self.items.insert(key, Entry { msg, name });
    }

    /// Like Go, the id generator starts over when the queue is idle. Unlike Go, this is not done
    /// in the middle of `get_broadcasts` (Go resets while bumped items wait for reinsertion, so
    /// a later message can get the same id and replace one of them in the B-tree).
    fn reset_ids_if_idle(&mut self) {
        if self.items.is_empty() {
            self.id_gen = 0;
        }
    }

    fn delete(&mut self, key: &Key) -> Option<Entry> {
        let entry = self.items.remove(key)?;
        if let Some(n) = &entry.name {
            self.names.remove(n);
        }
        self.reset_ids_if_idle();
        Some(entry)
    }

    /// Go's `GetBroadcasts(overhead, limit)`: hands out messages whose lengths plus `overhead`
    /// each fit in `limit` bytes in total, bumping their transmit count and retiring those that
    /// reach `mult × ⌈log10(num_nodes + 1)⌉`.
    pub fn get_broadcasts(
        &mut self,
        overhead: usize,
        limit: usize,
        num_nodes: usize,
    ) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let (Some(min_tr), Some(max_tr)) = (
            self.items.first_key_value().map(|(k, _)| k.0),
            self.items.last_key_value().map(|(k, _)| k.0),
        ) else {
            return out;
        };
        let transmit_limit = retransmit_limit(self.retransmit_mult, num_nodes);
        let mut used = 0usize;
        let mut reinsert: Vec<(Key, Entry)> = Vec::new();
        let mut tier = min_tr;
        while tier <= max_tr {
            let free = limit
                .checked_sub(used)
                .and_then(|r| r.checked_sub(overhead))
                .unwrap_or(0);
            if free == 0 {
                break;
            }
            // First entry of this tier with len <= free (entries are longest first).
            let start: Key = (tier, Reverse(free), Reverse(u64::MAX));
            let found = self
                .items
                .range(start..)
                .next()
                .filter(|(k, _)| k.0 == tier)
                .map(|(k, _)| *k);
            let Some(key) = found else {
                tier += 1;
                continue;
            };
            let Some(entry) = self.items.remove(&key) else {
                break;
            };
            if let Some(n) = &entry.name {
                self.names.remove(n);
            }
            used += overhead + entry.msg.len();
            if key.0 + 1 >= transmit_limit {
                out.push(entry.msg);
            } else {
                out.push(entry.msg.clone());
                // Reinsert after the walk so it is not picked again in a later tier; it keeps
                // its id, like Go's item.
                reinsert.push(((key.0 + 1, key.1, key.2), entry));
            }
        }
        for (key, entry) in reinsert {
            if let Some(n) = &entry.name {
                self.names.insert(n.clone(), key);
            }
            self.items.insert(key, entry);
        }
        self.reset_ids_if_idle();
        out
    }

    /// Drops messages from the tail of the order (most transmitted, shortest, oldest) until at
    /// most `max` remain; returns how many were dropped.
    pub fn prune(&mut self, max: usize) -> usize {
        let mut dropped = 0;
        while self.items.len() > max {
            let Some(key) = self.items.last_key_value().map(|(k, _)| *k) else {
                break;
            };
            self.delete(&key);
            dropped += 1;
        }
        dropped
    }

    /// Number of queued messages (Go's `NumQueued`).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// True when a broadcast queued with `name` is still pending (used by `leave_done`).
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Drops everything (Go's `Reset`).
    pub fn reset(&mut self) {
        self.items.clear();
        self.names.clear();
        self.id_gen = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    fn strs(v: Vec<Vec<u8>>) -> Vec<String> {
        v.into_iter()
            .map(|b| String::from_utf8(b).expect("utf8"))
            .collect()
    }

    /// The queue contents in hand-out order as (transmits, message).
    fn view(q: &TransmitLimitedQueue) -> Vec<(usize, String)> {
        q.items
            .iter()
            .map(|(k, e)| (k.0, String::from_utf8(e.msg.clone()).expect("utf8")))
            .collect()
    }

    #[test]
    fn retransmit_limit_is_mult_times_digits() {
        let cases = [
            (3, 0, 0),
            (3, 1, 3),
            (3, 3, 3),
            (3, 9, 3),
            (3, 10, 6),
            (4, 99, 8),
            (4, 100, 12),
            (4, 999, 12),
            (4, 1000, 16),
            (0, 50, 0),
        ];
        for (mult, n, want) in cases {
            assert_eq!(retransmit_limit(mult, n), want, "mult {mult} n {n}");
        }
    }

    #[test]
    fn order_is_fewest_transmits_then_longest_then_newest() {
        let mut q = TransmitLimitedQueue::new(1);
        q.queue_with_transmits(None, m("aa"), 1);
        q.queue_with_transmits(None, m("b"), 0);
        q.queue_with_transmits(None, m("cccc"), 0);
        q.queue_with_transmits(None, m("dd"), 0);
        q.queue_with_transmits(None, m("ee"), 0);
        q.queue_with_transmits(None, m("f"), 2);
        assert_eq!(
            view(&q),
            vec![
                (0, "cccc".into()),
                (0, "ee".into()),
                (0, "dd".into()),
                (0, "b".into()),
                (1, "aa".into()),
                (2, "f".into()),
            ]
        );
        // With room for everything, get_broadcasts hands them out in that order.
        let got = strs(q.get_broadcasts(0, 1000, 1_000_000));
        assert_eq!(got, vec!["cccc", "ee", "dd", "b", "aa", "f"]);
    }

    #[test]
    fn messages_retire_at_the_retransmit_limit() {
        // mult 2, 10 nodes → 2 × 2 = 4 transmits.
        let mut q = TransmitLimitedQueue::new(2);
        q.queue_broadcast(None, m("x"));
        for round in 0..4 {
            assert_eq!(q.get_broadcasts(0, 100, 10), vec![m("x")], "round {round}");
        }
        assert!(q.is_empty());
        assert!(q.get_broadcasts(0, 100, 10).is_empty());

        // Alertmanager's case: mult 3, 3 members → 3 transmits.
        let mut q = TransmitLimitedQueue::new(3);
        q.queue_broadcast(None, m("y"));
        let sent: usize = (0..10).map(|_| q.get_broadcasts(0, 100, 3).len()).sum();
        assert_eq!(sent, 3);

        // No nodes → limit 0 → a message goes out once and is retired (Go's arithmetic).
        let mut q = TransmitLimitedQueue::new(4);
        q.queue_broadcast(None, m("z"));
        assert_eq!(q.get_broadcasts(0, 100, 0).len(), 1);
        assert!(q.is_empty());
    }

    #[test]
    fn one_call_sends_each_message_at_most_once() {
        let mut q = TransmitLimitedQueue::new(4);
        q.queue_broadcast(None, m("a"));
        q.queue_broadcast(None, m("b"));
        let got = strs(q.get_broadcasts(0, 1000, 10));
        assert_eq!(got, vec!["b", "a"]);
        assert_eq!(view(&q), vec![(1, "b".into()), (1, "a".into())]);
    }

    #[test]
    fn fit_by_size_with_overhead() {
        let mut q = TransmitLimitedQueue::new(4);
        q.queue_broadcast(None, m("12345678"));
        q.queue_broadcast(None, m("123"));
        q.queue_broadcast(None, m("1"));
        // limit 9, overhead 2: free 7 → "123" (used 5), free 2 → "1" (used 8), free -1 → stop.
        let got = strs(q.get_broadcasts(2, 9, 10));
        assert_eq!(got, vec!["123", "1"]);
        // limit 10, overhead 2: free 8 → the 8-byte one exactly fits, then nothing is free.
        let got = strs(q.get_broadcasts(2, 10, 10));
        assert_eq!(got, vec!["12345678"]);
        // Lower tiers first even when a higher tier holds larger messages.
        let got = strs(q.get_broadcasts(2, 100, 10));
        assert_eq!(got, vec!["12345678", "123", "1"]);
        // Overhead larger than the limit: nothing.
        assert!(q.get_broadcasts(20, 10, 10).is_empty());
    }

    #[test]
    fn skips_to_later_tier_when_nothing_fits() {
        let mut q = TransmitLimitedQueue::new(4);
        q.queue_with_transmits(None, m("long-message"), 0);
        q.queue_with_transmits(None, m("s"), 2);
        let got = strs(q.get_broadcasts(0, 5, 10));
        assert_eq!(got, vec!["s"]);
        assert_eq!(view(&q), vec![(0, "long-message".into()), (3, "s".into())]);
    }

    #[test]
    fn named_broadcasts_invalidate_older_ones() {
        let mut q = TransmitLimitedQueue::new(4);
        q.queue_broadcast(Some("node-a".into()), m("alive a 1"));
        q.queue_broadcast(Some("node-b".into()), m("alive b 1"));
        q.queue_broadcast(None, m("user"));
        q.queue_broadcast(None, m("user"));
        assert_eq!(q.len(), 4);
        assert!(q.contains("node-a"));
        q.queue_broadcast(Some("node-a".into()), m("dead a"));
        assert_eq!(q.len(), 4);
        let got = strs(q.get_broadcasts(0, 1000, 10));
        assert!(got.contains(&"dead a".to_string()));
        assert!(!got.contains(&"alive a 1".to_string()));
        assert_eq!(got.iter().filter(|s| *s == "user").count(), 2);
        // The name follows the message through tiers and disappears when it retires.
        assert!(q.contains("node-a"));
        for _ in 0..7 {
            q.get_broadcasts(0, 1000, 10);
        }
        assert!(!q.contains("node-a"));
        assert!(!q.contains("node-b"));
        assert!(q.is_empty());
        // A renamed-after-bump message is still invalidated.
        q.queue_broadcast(Some("n".into()), m("one"));
        q.get_broadcasts(0, 1000, 10);
        q.queue_broadcast(Some("n".into()), m("two"));
        assert_eq!(view(&q), vec![(0, "two".into())]);
        // An empty name is "no name".
        q.queue_broadcast(Some(String::new()), m("e1"));
        q.queue_broadcast(Some(String::new()), m("e2"));
        assert_eq!(q.len(), 3);
    }

    #[test]
    fn prune_drops_from_the_tail() {
        let mut q = TransmitLimitedQueue::new(4);
        q.queue_with_transmits(None, m("t2"), 2);
        q.queue_with_transmits(None, m("old-long"), 0);
        q.queue_with_transmits(None, m("s1"), 0);
        q.queue_with_transmits(None, m("s2"), 0);
        q.queue_with_transmits(Some("n".into()), m("named"), 1);
        assert_eq!(q.prune(10), 0);
        assert_eq!(q.prune(3), 2);
        assert_eq!(
            view(&q),
            vec![(0, "old-long".into()), (0, "s2".into()), (0, "s1".into())]
        );
        assert!(!q.contains("n"));
        assert_eq!(q.prune(1), 2);
        assert_eq!(view(&q), vec![(0, "old-long".into())]);
        assert_eq!(q.prune(0), 1);
        assert!(q.is_empty());
    }

    /// A naive model of Go's algorithm (sort everything, scan linearly) to cross-check the
    /// B-tree range search.
    fn model_get(
        items: &mut Vec<(usize, usize, u64, Vec<u8>)>,
        overhead: usize,
        limit: usize,
        tl: usize,
    ) -> Vec<Vec<u8>> {
        items.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
        let max_tr = items.last().map(|i| i.0).unwrap_or(0);
        let mut used = 0i64;
        let mut out = Vec::new();
        let mut sent = vec![false; items.len()];
        let mut tier = items.first().map(|i| i.0).unwrap_or(0);
        while !items.is_empty() && tier <= max_tr {
            let free = limit as i64 - used - overhead as i64;
            if free <= 0 {
                break;
            }
            let pick = (0..items.len())
                .find(|&i| !sent[i] && items[i].0 == tier && items[i].1 as i64 <= free);
            match pick {
                None => tier += 1,
                Some(i) => {
                    sent[i] = true;
                    used += (overhead + items[i].1) as i64;
                    out.push(items[i].3.clone());
                }
            }
        }
        let mut next = Vec::new();
        for (i, mut it) in items.drain(..).enumerate() {
            if sent[i] {
                if it.0 + 1 >= tl {
                    continue;
                }
                it.0 += 1;
            }
            next.push(it);
        }
        *items = next;
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn matches_naive_model(
            ops in proptest::collection::vec((0usize..3, 1usize..40, 0usize..60, 0usize..4), 1..60),
            mult in 1usize..4,
            nodes in 0usize..30,
        ) {
            let mut q = TransmitLimitedQueue::new(mult);
            let mut model: Vec<(usize, usize, u64, Vec<u8>)> = Vec::new();
            let mut next_id = 0u64;
            for (i, (op, len, limit, overhead)) in ops.into_iter().enumerate() {
                if op < 2 {
                    let mut msg = vec![b'x'; len];
                    msg[0] = (i % 251) as u8;
                    next_id += 1;
                    q.queue_broadcast(None, msg.clone());
                    model.push((0, len, next_id, msg));
                } else {
                    let got = q.get_broadcasts(overhead, limit, nodes);
                    let want = model_get(&mut model, overhead, limit, retransmit_limit(mult, nodes));
                    proptest::prop_assert_eq!(got, want);
                    proptest::prop_assert_eq!(q.len(), model.len());
                    if model.is_empty() {
                        // The id counter restarts at idle, as in the queue.
                        next_id = 0;
                    }
                }
            }
        }
    }
}
