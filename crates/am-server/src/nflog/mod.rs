//! The notification log: which alerts were last notified to which receiver integration for
//! which aggregation group, with expiry, garbage collection, snapshots in upstream's exact
//! on-disk format and last-writer-wins merging of peers' entries. Mirrors upstream
//! `nflog/nflog.go` and `nflog/nflogpb` (v0.28).
//!
//! [`Nflog`] is the sans-IO core (every method takes `now`); [`NflogHandle`] shares it between
//! tasks behind a short-held lock and records the `alertmanager_nflog_*` metrics.

mod handle;
pub mod pb;

use std::collections::HashMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use am_model::group_key::nflog_state_key;

pub use handle::{LoadFileError, MaintenanceError, NflogHandle, QueryError, SnapshotWriter};
pub use pb::DecodeError;
use pb::{PbEntry, PbMeshEntry, PbReceiver, PbTimestamp};

/// Identifies one integration of a receiver (`nflogpb.Receiver`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ReceiverKey {
    /// The receiver's configured name.
    pub group_name: String,
    /// The integration kind (`webhook`, `email`, …).
    pub integration: String,
    /// Index of the integration within its kind in the receiver.
    pub idx: u32,
}

impl ReceiverKey {
    /// A receiver key from its parts.
    pub fn new(group_name: impl Into<String>, integration: impl Into<String>, idx: u32) -> Self {
        ReceiverKey {
            group_name: group_name.into(),
            integration: integration.into(),
            idx,
        }
    }

    /// The state-map key of this receiver's entry for `group_key` (upstream `stateKey`).
    pub fn state_key(&self, group_key: &str) -> String {
        nflog_state_key(group_key, &self.group_name, &self.integration, self.idx)
    }
}

/// One log entry: the last successful notification of a group to a receiver integration
/// (`nflogpb.MeshEntry` flattened).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The aggregation group key.
    pub group_key: String,
    /// The notified receiver integration.
    pub receiver: ReceiverKey,
    /// When the notification succeeded.
    pub timestamp: Timestamp,
    /// Alert hashes (`LabelSet::alert_hash`) of the firing alerts notified.
    pub firing_alerts: Vec<u64>,
    /// Alert hashes of the resolved alerts notified.
    pub resolved_alerts: Vec<u64>,
    /// When the entry is garbage-collected (and ignored when merged from a peer).
    pub expires_at: Timestamp,
}

impl Entry {
    /// The state-map key (upstream `stateKey(groupKey, receiver)`).
    pub fn state_key(&self) -> String {
        self.receiver.state_key(&self.group_key)
    }

    /// Whether every hash in `subset` was firing at the last notification
    /// (`Entry.IsFiringSubset`).
    pub fn is_firing_subset<'a>(&self, subset: impl IntoIterator<Item = &'a u64>) -> bool {
        is_subset(&self.firing_alerts, subset)
    }

    /// Whether every hash in `subset` was resolved at the last notification
    /// (`Entry.IsResolvedSubset`).
    pub fn is_resolved_subset<'a>(&self, subset: impl IntoIterator<Item = &'a u64>) -> bool {
        is_subset(&self.resolved_alerts, subset)
    }

    /// The protobuf form (as written to snapshots and gossip).
    pub fn to_pb(&self) -> PbMeshEntry {
        PbMeshEntry {
            entry: Some(PbEntry {
                group_key: self.group_key.as_bytes().to_vec(),
                receiver: Some(PbReceiver {
                    group_name: self.receiver.group_name.clone(),
                    integration: self.receiver.integration.clone(),
                    idx: self.receiver.idx,
                }),
                group_hash: Vec::new(),
                resolved: false,
                timestamp: Some(PbTimestamp::from_timestamp(self.timestamp)),
                firing_alerts: self.firing_alerts.clone(),
                resolved_alerts: self.resolved_alerts.clone(),
            }),
            expires_at: Some(PbTimestamp::from_timestamp(self.expires_at)),
        }
    }

    /// Converts a decoded message; `offset` only labels errors. Entries without entry or
    /// receiver are invalid (upstream `ErrInvalidState`); the deprecated `group_hash` and
    /// `resolved` fields are dropped.
    pub fn from_pb(msg: PbMeshEntry, offset: usize) -> Result<Entry, DecodeError> {
        let Some(entry) = msg.entry else {
            return Err(DecodeError::InvalidState { offset });
        };
        let Some(receiver) = entry.receiver else {
            return Err(DecodeError::InvalidState { offset });
        };
        Ok(Entry {
            group_key: match String::from_utf8(entry.group_key) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            },
            receiver: ReceiverKey {
                group_name: receiver.group_name,
                integration: receiver.integration,
                idx: receiver.idx,
            },
            timestamp: pb::decode_time(entry.timestamp, offset)?,
            firing_alerts: entry.firing_alerts,
            resolved_alerts: entry.resolved_alerts,
            expires_at: pb::decode_time(msg.expires_at, offset)?,
        })
    }

    /// This entry as one varint-length-delimited message (a gossip broadcast payload).
    pub fn encode_delimited(&self) -> Vec<u8> {
        let mut out = Vec::new();
        pb::write_delimited(&mut out, &self.to_pb());
        out
    }
}

/// Whether every hash of `subset` is in `set` (a hash set for all but tiny lists).
fn is_subset<'a>(set: &[u64], subset: impl IntoIterator<Item = &'a u64>) -> bool {
    if set.len() <= 16 {
        return subset.into_iter().all(|h| set.contains(h));
    }
    let index: std::collections::HashSet<u64, nohash_hasher::BuildNoHashHasher<u64>> =
        set.iter().copied().collect();
    subset.into_iter().all(|h| index.contains(h))
}

/// Decodes a snapshot or gossip payload into `(state key, entry)` pairs, a later duplicate
/// key replacing an earlier one like upstream's `decodeState` map.
pub fn decode_entries(bytes: &[u8]) -> Result<Vec<(String, Entry)>, DecodeError> {
    let msgs = pb::read_delimited(bytes)?;
    let mut index: HashMap<String, usize> = HashMap::with_capacity(msgs.len());
    let mut out: Vec<(String, Entry)> = Vec::with_capacity(msgs.len());
    for (offset, msg) in msgs {
        let entry = Entry::from_pb(msg, offset)?;
        let key = entry.state_key();
        match index.get(&key) {
            Some(&i) => out[i].1 = entry,
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, entry));
            }
        }
    }
    Ok(out)
}

/// Errors of [`Nflog::gc`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GcError {
    /// An entry has Go's zero time as expiry (upstream aborts the GC cycle).
    #[error("unexpected zero expiration timestamp for entry {key}")]
    ZeroExpiry {
        /// The entry's state key.
        key: String,
        /// Entries deleted before the bad one was met.
        deleted: usize,
    },
}

/// The sans-IO notification log (upstream `nflog.Log` without clock, locks or broadcast).
#[derive(Debug, Clone)]
pub struct Nflog {
    retention: SignedDuration,
    entries: HashMap<String, Arc<Entry>>,
}

impl Nflog {
    /// An empty log whose entries live at most `retention` (`--data.retention`).
    pub fn new(retention: SignedDuration) -> Self {
        Nflog {
            retention,
            entries: HashMap::new(),
        }
    }

    /// The configured retention.
    pub fn retention(&self) -> SignedDuration {
        self.retention
    }

    /// Number of entries (expired ones included until the next [`Nflog::gc`]).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the log has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records a successful notification at `now` (upstream `Log.Log`). Nothing happens when
    /// the existing entry is newer than `now` (clock drift between peers). The entry expires
    /// at `now + retention`, or at `now + expiry` when `expiry` is positive and shorter than
    /// the retention. Like upstream, an existing entry with the *same* timestamp is kept.
    /// Returns the entry to broadcast to peers, `None` when skipped.
    pub fn log(
        &mut self,
        receiver: &ReceiverKey,
        group_key: &str,
        firing_alerts: Vec<u64>,
        resolved_alerts: Vec<u64>,
        expiry: SignedDuration,
        now: Timestamp,
    ) -> Option<Arc<Entry>> {
        let key = receiver.state_key(group_key);
        if let Some(prev) = self.entries.get(&key)
            && prev.timestamp > now
        {
            return None;
        }
        let ttl = if expiry.is_positive() && self.retention > expiry {
            expiry
        } else {
            self.retention
        };
        let entry = Arc::new(Entry {
            group_key: group_key.to_owned(),
            receiver: receiver.clone(),
            timestamp: now,
            firing_alerts,
            resolved_alerts,
            expires_at: now.checked_add(ttl).unwrap_or(Timestamp::MAX),
        });
        self.merge_keyed(key, Arc::clone(&entry), now);
        Some(entry)
    }

    /// The last entry for `(receiver, group_key)`, expired or not (upstream `Query` with
    /// `QReceiver` and `QGroupKey`).
    pub fn query(&self, receiver: &ReceiverKey, group_key: &str) -> Option<&Entry> {
        self.entries
            .get(&receiver.state_key(group_key))
            .map(|e| &**e)
    }

    /// The entry under a state key, shared.
    pub(crate) fn get_arc(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries.get(key).cloned()
    }

    /// Every entry, shared (cheap: copies pointers).
    pub(crate) fn entry_arcs(&self) -> Vec<Arc<Entry>> {
        self.entries.values().cloned().collect()
    }

    /// Replaces the whole state with decoded entries.
    pub(crate) fn replace(&mut self, decoded: Vec<(String, Entry)>) {
        self.entries = decoded.into_iter().map(|(k, e)| (k, Arc::new(e))).collect();
    }

    /// Deletes entries whose expiry is not after `now` (upstream `GC`); returns how many.
    /// An entry with a zero expiry makes the cycle fail, as upstream does (upstream stops at
    /// it, in map order; here the other expired entries are still deleted).
    pub fn gc(&mut self, now: Timestamp) -> Result<usize, GcError> {
        let mut zero = None;
        let mut expired = Vec::new();
        for (k, e) in &self.entries {
            if am_model::alert::is_zero(e.expires_at) {
                zero.get_or_insert_with(|| k.clone());
            } else if e.expires_at <= now {
                expired.push(k.clone());
            }
        }
        let deleted = expired.len();
        for k in expired {
            self.entries.remove(&k);
        }
        match zero {
            Some(key) => Err(GcError::ZeroExpiry { key, deleted }),
            None => Ok(deleted),
        }
    }

    /// Merges one entry received from a peer (upstream `state.merge`): entries already expired
    /// at `now` are dropped; otherwise the entry replaces the local one when there is none or
    /// the local one's timestamp is strictly older. Returns whether it was taken.
    pub fn merge(&mut self, entry: Entry, now: Timestamp) -> bool {
        let key = entry.state_key();
        self.merge_keyed(key, Arc::new(entry), now)
    }

    pub(crate) fn merge_keyed(&mut self, key: String, entry: Arc<Entry>, now: Timestamp) -> bool {
        if entry.expires_at < now {
            return false;
        }
        match self.entries.get_mut(&key) {
            Some(prev) if prev.timestamp >= entry.timestamp => false,
            Some(prev) => {
                *prev = entry;
                true
            }
            None => {
                self.entries.insert(key, entry);
                true
            }
        }
    }

    /// Decodes a gossip payload and merges every entry (upstream `Log.Merge`). Nothing is
    /// merged when the payload does not decode. Returns how many entries were taken (upstream
    /// re-broadcasts the payload when any was).
    pub fn merge_bytes(&mut self, bytes: &[u8], now: Timestamp) -> Result<usize, DecodeError> {
        let mut taken = 0;
        for (key, e) in decode_entries(bytes)? {
            taken += usize::from(self.merge_keyed(key, Arc::new(e), now));
        }
        Ok(taken)
    }

    /// The whole log in upstream's snapshot/full-state format: the concatenation of every
    /// entry as a varint-length-delimited `MeshEntry` (upstream's order is random; here
    /// sorted by group key, then receiver).
    pub fn snapshot(&self) -> Vec<u8> {
        encode_sorted(self.entry_arcs())
    }

    /// Replaces the state with a snapshot's entries (upstream `loadSnapshot`: no expiry check,
    /// a later duplicate replaces an earlier one). On error the state is unchanged.
    pub fn load(&mut self, bytes: &[u8]) -> Result<usize, DecodeError> {
        let decoded = decode_entries(bytes)?;
        self.replace(decoded);
        Ok(self.entries.len())
    }

    /// Every entry, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.values().map(|e| &**e)
    }
}

/// Encodes entries as a snapshot, sorted by group key, then receiver.
pub(crate) fn encode_sorted(mut entries: Vec<Arc<Entry>>) -> Vec<u8> {
    entries.sort_unstable_by(|a, b| {
        let ka = (
            &a.group_key,
            &a.receiver.group_name,
            &a.receiver.integration,
        );
        let kb = (
            &b.group_key,
            &b.receiver.group_name,
            &b.receiver.integration,
        );
        ka.cmp(&kb).then(a.receiver.idx.cmp(&b.receiver.idx))
    });
    let mut out = Vec::with_capacity(entries.len() * 128);
    for e in &entries {
        pb::write_delimited(&mut out, &e.to_pb());
    }
    out
}

#[cfg(test)]
mod go_tests;
#[cfg(test)]
mod tests;
