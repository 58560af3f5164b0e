//! The per-alertname limit (`--alerts.per-alertname-limit`), with the semantics of upstream
//! 0.31+ `store/store.go` (`Alerts.Set` with `perAlertLimit`) and `limit/bucket.go`: one bucket
//! per `alertname` holding up to `limit` fingerprints, each with its `ends_at` as priority.
//!
//! `upsert(fp, ends_at)` accepts a fingerprint already in the bucket (updating its priority),
//! accepts a new one while the bucket has room, and otherwise evicts the entry with the
//! earliest `ends_at` if that `ends_at` lies before `now` ("expired"; Go's zero time always is)
//! and accepts; else it refuses. Evicting every expired entry at once (instead of one per
//! insert as upstream does) gives the same decisions: an expired entry stays expired.
//! Buckets whose entries all expired are dropped by [`Limits::gc`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::BuildHasher;

use hashbrown::HashMap;
use jiff::Timestamp;
use parking_lot::Mutex;
use smol_str::SmolStr;

const SHARDS: usize = 16;

/// Fingerprints of one alertname, with their priorities.
#[derive(Default)]
struct Bucket {
    /// Current priority of every member.
    members: HashMap<u64, Timestamp, nohash_hasher::BuildNoHashHasher<u64>>,
    /// Min-heap of `(priority, fp)`, with stale entries (superseded priorities, evicted
    /// members) removed lazily.
    heap: BinaryHeap<Reverse<(Timestamp, u64)>>,
}

impl Bucket {
    fn upsert(&mut self, fp: u64, ends_at: Timestamp, capacity: usize, now: Timestamp) -> bool {
        if capacity == 0 {
            return false;
        }
        if let Some(p) = self.members.get_mut(&fp) {
            *p = ends_at;
            self.heap.push(Reverse((ends_at, fp)));
            self.maybe_rebuild();
            return true;
        }
        if self.members.len() >= capacity {
            self.evict_expired(now);
            if self.members.len() >= capacity {
                return false;
            }
        }
        self.members.insert(fp, ends_at);
        self.heap.push(Reverse((ends_at, fp)));
        true
    }

    fn evict_expired(&mut self, now: Timestamp) {
        while let Some(&Reverse((p, fp))) = self.heap.peek() {
            if self.members.get(&fp) != Some(&p) {
                self.heap.pop();
            } else if p < now {
                self.heap.pop();
                self.members.remove(&fp);
            } else {
                break;
            }
        }
    }

    fn maybe_rebuild(&mut self) {
        if self.heap.len() > 2 * self.members.len() + 32 {
            self.heap = self
                .members
                .iter()
                .map(|(&fp, &p)| Reverse((p, fp)))
                .collect();
        }
    }

    fn stale(&self, now: Timestamp) -> bool {
        self.members.values().all(|&p| p < now)
    }
}

/// All buckets, sharded by alertname.
pub(crate) struct Limits {
    capacity: usize,
    hasher: foldhash::fast::FixedState,
    shards: Box<[Mutex<HashMap<SmolStr, Bucket, foldhash::fast::FixedState>>]>,
}

impl Limits {
    /// Limits allowing `capacity` fingerprints per alertname (`capacity > 0`).
    pub(crate) fn new(capacity: usize) -> Limits {
        Limits {
            capacity,
            hasher: foldhash::fast::FixedState::default(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// Records `fp` of alert `name` with priority `ends_at`; false when the alert is limited.
    pub(crate) fn upsert(&self, name: &str, fp: u64, ends_at: Timestamp, now: Timestamp) -> bool {
        let shard = &self.shards[self.hasher.hash_one(name) as usize % SHARDS];
        let mut buckets = shard.lock();
        let bucket = match buckets.get_mut(name) {
            Some(b) => b,
            None => buckets.entry(SmolStr::new(name)).or_default(),
        };
        bucket.upsert(fp, ends_at, self.capacity, now)
    }

    /// Drops buckets whose entries have all expired (upstream `gcLimitBuckets`).
    pub(crate) fn gc(&self, now: Timestamp) {
        for shard in self.shards.iter() {
            shard.lock().retain(|_, b| !b.stale(now));
        }
    }

    /// Number of buckets (tests).
    #[cfg(test)]
    pub(crate) fn buckets(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use am_model::alert::ZERO_TIME;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn full_bucket_refuses_new_until_an_entry_expires() {
        let l = Limits::new(2);
        assert!(l.upsert("A", 1, t(100), t(0)));
        assert!(l.upsert("A", 2, t(50), t(0)));
        assert!(!l.upsert("A", 3, t(100), t(0)), "full, nothing expired");
        assert!(
            l.upsert("B", 3, t(100), t(0)),
            "other alertname has its own bucket"
        );
        assert!(
            l.upsert("A", 1, t(200), t(0)),
            "known fingerprint always passes"
        );
        assert!(
            !l.upsert("A", 3, t(100), t(50)),
            "expiry is strictly before now"
        );
        assert!(
            l.upsert("A", 3, t(100), t(51)),
            "fp 2 expired and is evicted"
        );
        assert!(!l.upsert("A", 2, t(300), t(51)), "evicted fp is new again");
        // Moving fp 1's priority earlier makes it the expired one.
        assert!(l.upsert("A", 1, t(10), t(60)));
        assert!(l.upsert("A", 2, t(300), t(60)));
    }

    #[test]
    fn zero_end_is_always_expired() {
        let l = Limits::new(1);
        assert!(l.upsert("A", 1, ZERO_TIME, t(0)));
        assert!(l.upsert("A", 2, t(10), t(0)));
        assert!(!l.upsert("A", 1, t(10), t(0)));
    }

    #[test]
    fn many_updates_keep_heap_bounded_and_gc_drops_stale_buckets() {
        let l = Limits::new(3);
        for k in 0..1000 {
            assert!(l.upsert("A", k % 3, t(k as i64), t(0)));
        }
        {
            let shard = l.shards[l.hasher.hash_one("A") as usize % SHARDS].lock();
            let b = shard.get("A").unwrap();
            assert!(b.heap.len() <= 2 * 3 + 33, "heap len {}", b.heap.len());
        }
        assert!(l.upsert("B", 1, t(5), t(0)));
        l.gc(t(500));
        assert_eq!(l.buckets(), 1, "B expired, A did not");
        l.gc(t(2000));
        assert_eq!(l.buckets(), 0);
    }
}
