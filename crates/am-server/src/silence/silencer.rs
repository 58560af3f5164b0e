//! Whether an alert is silenced: upstream's `Silencer.Mutes` (`silence/silence.go` v0.28) with
//! an incremental per-fingerprint cache.
//!
//! For each fingerprint we remember the *candidates*: the silences that matched its labels and
//! were active or pending at evaluation time, plus the snapshot counters and the time window in
//! which the answer stays valid. A call re-uses the answer while nothing changed and `now` is in
//! the window; when only times changed (in-place update, expiry, GC: same `version`) only the
//! candidates are re-checked; when silences were added (`version` changed) all live silences
//! are matched again. Silence states change with time alone (pending → active → expired), so the
//! window ends at the earliest `starts_at` of a pending candidate or just after the earliest
//! `ends_at` of an active one.

use std::sync::Arc;
use std::time::Instant;

use am_model::labels::{Fingerprint, LabelSet};
use hashbrown::HashMap;
use jiff::{SignedDuration, Timestamp};
use parking_lot::Mutex;

use super::handle::{SilenceSnapshot, SilencesHandle};
use super::{Silence, SilenceState};

const SHARDS: usize = 32;

/// One lock-protected part of the cache, selected by fingerprint.
type Shard = Mutex<HashMap<u64, Cached, foldhash::fast::RandomState>>;

/// The cached answer for one fingerprint.
#[derive(Debug)]
enum Cached {
    /// No silence matched when evaluated at `version`; stays true until silences are added.
    Nothing { version: u64 },
    /// Some silences matched.
    Hit(Box<Hit>),
}

#[derive(Debug)]
struct Hit {
    version: u64,
    generation: u64,
    valid_from: Timestamp,
    valid_until: Timestamp,
    candidates: Vec<Arc<Silence>>,
    active: Vec<String>,
}

/// The outcome of evaluating candidates at one instant.
struct Eval {
    candidates: Vec<Arc<Silence>>,
    active: Vec<String>,
    valid_until: Timestamp,
}

fn evaluate(candidates: impl Iterator<Item = Arc<Silence>>, now: Timestamp) -> Eval {
    let mut kept = Vec::new();
    let mut active = Vec::new();
    let mut valid_until = Timestamp::MAX;
    for s in candidates {
        match s.state_at(now) {
            SilenceState::Expired => continue,
            SilenceState::Pending => valid_until = valid_until.min(s.starts_at),
            SilenceState::Active => {
                let end = s
                    .ends_at
                    .checked_add(SignedDuration::from_nanos(1))
                    .unwrap_or(Timestamp::MAX);
                valid_until = valid_until.min(end);
                active.push(s.id.clone());
            }
        }
        kept.push(s);
    }
    active.sort_unstable();
    Eval {
        candidates: kept,
        active,
        valid_until,
    }
}

/// Decides which silences mute an alert. Cheap to clone (shared cache).
#[derive(Debug, Clone)]
pub struct Silencer {
    silences: SilencesHandle,
    shards: Arc<[Shard]>,
}

impl Silencer {
    /// A silencer reading from `silences`.
    pub fn new(silences: SilencesHandle) -> Silencer {
        Silencer {
            silences,
            shards: (0..SHARDS)
                .map(|_| Mutex::new(HashMap::default()))
                .collect(),
        }
    }

    fn shard(&self, fp: Fingerprint) -> &Shard {
        let h = fp.0 ^ (fp.0 >> 29) ^ (fp.0 >> 47);
        &self.shards[(h as usize) % SHARDS]
    }

    /// The IDs (sorted) of the silences that are active at `now` and match `labels`, the alert
    /// with fingerprint `fp`. Empty when the alert is not silenced.
    pub fn mutes(&self, fp: Fingerprint, labels: &LabelSet, now: Timestamp) -> Vec<String> {
        let snap = self.silences.view();
        let shard = self.shard(fp);
        {
            let cache = shard.lock();
            match cache.get(&fp.0) {
                Some(Cached::Nothing { version }) if *version == snap.version() => {
                    return Vec::new();
                }
                Some(Cached::Hit(h))
                    if h.version == snap.version()
                        && h.generation == snap.generation()
                        && h.valid_from <= now
                        && now < h.valid_until =>
                {
                    return h.active.clone();
                }
                _ => {}
            }
        }
        if snap.live().is_empty() {
            // Nothing can match: no need to remember anything per alert.
            shard.lock().remove(&fp.0);
            return Vec::new();
        }
        let start = Instant::now();
        let reuse = {
            let cache = shard.lock();
            match cache.get(&fp.0) {
                Some(Cached::Hit(h)) if h.version == snap.version() && h.valid_from <= now => {
                    Some(Self::refresh(&snap, &h.candidates, h.generation))
                }
                _ => None,
            }
        };
        let candidates = match reuse {
            Some(c) => c,
            None => snap
                .live()
                .iter()
                .filter(|s| s.state_at(now) != SilenceState::Expired && s.matches(labels))
                .cloned()
                .collect(),
        };
        let eval = evaluate(candidates.into_iter(), now);
        self.silences.observe_query(start);
        let entry = if eval.candidates.is_empty() {
            Cached::Nothing {
                version: snap.version(),
            }
        } else {
            Cached::Hit(Box::new(Hit {
                version: snap.version(),
                generation: snap.generation(),
                valid_from: now,
                valid_until: eval.valid_until,
                candidates: eval.candidates,
                active: eval.active.clone(),
            }))
        };
        shard.lock().insert(fp.0, entry);
        eval.active
    }

    /// The current versions of cached candidates (dropping those garbage collected); when the
    /// generation is unchanged they are used as they are.
    fn refresh(
        snap: &SilenceSnapshot,
        candidates: &[Arc<Silence>],
        generation: u64,
    ) -> Vec<Arc<Silence>> {
        if generation == snap.generation() {
            return candidates.to_vec();
        }
        candidates
            .iter()
            .filter_map(|c| snap.get(&c.id).cloned())
            .collect()
    }

    /// Whether the alert is muted by any silence (upstream's `Mutes` returning bool).
    pub fn is_muted(&self, fp: Fingerprint, labels: &LabelSet, now: Timestamp) -> bool {
        !self.mutes(fp, labels, now).is_empty()
    }

    /// Drops the cache entry of an alert that is gone (e.g. after the store's GC).
    pub fn forget(&self, fp: Fingerprint) {
        self.shard(fp).lock().remove(&fp.0);
    }

    /// Number of cached fingerprints.
    pub fn cached(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len()).sum()
    }

    /// The silences this silencer reads.
    pub fn silences(&self) -> &SilencesHandle {
        &self.silences
    }
}
