//! The sans-IO silence state: upstream's `Silences` (`silence/silence.go` v0.28) without locks,
//! clock, broadcast or files. Every method that depends on time takes `now`.
//!
//! Two counters describe changes: [`Silences::version`] grows whenever a silence ID is added
//! (upstream's `version`, used by the silencer to know that new silences may match) and also
//! when a merge or load replaces silences wholesale; [`Silences::generation`] grows on every
//! change of any kind (including in-place updates, expiry and GC).

use std::collections::HashMap;
use std::sync::Arc;

use am_model::alert::is_zero;
use am_model::matcher::ParseMode;
use jiff::{SignedDuration, Timestamp};

use super::pb::{self, DecodeError};
use super::validate::validate_silence;
use super::{Silence, SilenceError, SilenceQuery, SilenceState};

/// Limits on silences (`--silences.max-silences`, `--silences.max-silence-size-bytes`);
/// 0 means no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Maximum number of stored silences, expired ones included.
    pub max_silences: usize,
    /// Maximum encoded size of one `MeshSilence` in bytes.
    pub max_silence_size_bytes: usize,
}

/// Construction options for [`Silences`].
#[derive(Debug, Clone, Copy)]
pub struct SilencesOptions {
    /// `--data.retention`: silences are garbage collected this long after they end.
    pub retention: SignedDuration,
    /// Size and count limits.
    pub limits: Limits,
    /// Label name validation (`compat.IsValidLabelName`): UTF-8 unless `classic-mode`.
    pub label_name_mode: ParseMode,
}

impl Default for SilencesOptions {
    /// Upstream's defaults: 120h retention, no limits, UTF-8 label names.
    fn default() -> Self {
        SilencesOptions {
            retention: SignedDuration::from_hours(120),
            limits: Limits::default(),
            label_name_mode: ParseMode::Fallback,
        }
    }
}

/// One stored silence with its GC time (upstream's `MeshSilence`).
#[derive(Debug, Clone)]
struct Entry {
    silence: Arc<Silence>,
    expires_at: Timestamp,
}

/// The silence state (sans-IO core).
#[derive(Debug, Clone)]
pub struct Silences {
    st: HashMap<String, Entry>,
    version: u64,
    generation: u64,
    opts: SilencesOptions,
    /// Locally written silences awaiting broadcast to the cluster (`None`: not clustered).
    outbox: Option<Vec<pb::MeshSilence>>,
}

/// Upstream's `canUpdate`: whether `prev` may be changed into `next` in place without
/// rewriting history.
fn can_update(prev: &Silence, next: &Silence, now: Timestamp) -> bool {
    if prev.matchers != next.matchers {
        return false;
    }
    match prev.state_at(now) {
        SilenceState::Active => {
            unix_seconds(next.starts_at) == unix_seconds(prev.starts_at) && next.ends_at >= now
        }
        SilenceState::Pending => next.starts_at >= now,
        SilenceState::Expired => false,
    }
}

/// Go's `Time.Unix()`: seconds, rounded towards negative infinity.
fn unix_seconds(t: Timestamp) -> i128 {
    t.as_nanosecond().div_euclid(1_000_000_000)
}

impl Silences {
    /// An empty state.
    pub fn new(opts: SilencesOptions) -> Silences {
        Silences {
            st: HashMap::new(),
            version: 0,
            generation: 0,
            opts,
            outbox: None,
        }
    }

    /// Starts collecting every locally written silence (set, update, expire) for gossip;
    /// merges, loads and GC never add to it (upstream broadcasts only local writes).
    pub fn enable_outbox(&mut self) {
        self.outbox.get_or_insert_with(Vec::new);
    }

    /// Takes the silences written since the last call (empty when the outbox is disabled).
    pub fn take_outbox(&mut self) -> Vec<pb::MeshSilence> {
        self.outbox.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The options in effect.
    pub fn options(&self) -> &SilencesOptions {
        &self.opts
    }

    /// Changes the limits (e.g. after a flag reload); existing silences are kept.
    pub fn set_limits(&mut self, limits: Limits) {
        self.opts.limits = limits;
    }

    /// Grows when silence IDs are added (or a merge/load may have changed matchers).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Grows on every change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Number of stored silences (all states).
    pub fn len(&self) -> usize {
        self.st.len()
    }

    /// Whether no silences are stored.
    pub fn is_empty(&self) -> bool {
        self.st.is_empty()
    }

    fn expiry_of(&self, s: &Silence) -> Timestamp {
        s.ends_at
            .checked_add(self.opts.retention)
            .unwrap_or(Timestamp::MAX)
    }

    /// `updated_at` for a local change: `now`, or just after the previous update when the clock
    /// has not moved, so peers (LWW on `updated_at`) accept the change.
    fn next_update(prev: &Silence, now: Timestamp) -> Timestamp {
        if now > prev.updated_at {
            now
        } else {
            prev.updated_at
                .checked_add(SignedDuration::from_nanos(1))
                .unwrap_or(now)
        }
    }

    fn check_size(&self, s: &Silence, expires_at: Timestamp) -> Result<(), SilenceError> {
        let limit = self.opts.limits.max_silence_size_bytes;
        if limit > 0 {
            let size = pb::mesh_size(s, expires_at);
            if size > limit {
                return Err(SilenceError::TooLarge { size, limit });
            }
        }
        Ok(())
    }

    fn put(&mut self, s: Silence, expires_at: Timestamp) {
        if let Some(outbox) = &mut self.outbox {
            outbox.push(pb::MeshSilence::from_model(&s, expires_at));
        }
        let id = s.id.clone();
        let added = self
            .st
            .insert(
                id,
                Entry {
                    silence: Arc::new(s),
                    expires_at,
                },
            )
            .is_none();
        if added {
            self.version += 1;
        }
        self.generation += 1;
    }

    /// Creates or updates a silence (upstream's `Set`) and returns its ID:
    /// - a zero `starts_at` means now; the silence is validated ([`SilenceError::Invalid`]);
    /// - a non-empty unknown ID is [`SilenceError::NotFound`];
    /// - an existing silence that `canUpdate` allows is updated in place (same ID);
    /// - otherwise a new silence with a fresh UUIDv4 is created, `starts_at` clamped to `now`,
    ///   after checking `max_silences`; the previous silence, if not expired, is expired.
    ///
    /// # Errors
    /// See above, plus [`SilenceError::TooLarge`] for `max_silence_size_bytes`.
    pub fn set(&mut self, mut s: Silence, now: Timestamp) -> Result<String, SilenceError> {
        if is_zero(s.starts_at) {
            s.starts_at = now;
        }
        validate_silence(&s, self.opts.label_name_mode)?;
        let prev = if s.id.is_empty() {
            None
        } else {
            let e = self.st.get(&s.id).ok_or(SilenceError::NotFound)?;
            Some(Arc::clone(&e.silence))
        };

        if let Some(prev) = &prev
            && can_update(prev, &s, now)
        {
            s.updated_at = Self::next_update(prev, now);
            let expires_at = self.expiry_of(&s);
            self.check_size(&s, expires_at)?;
            let id = s.id.clone();
            self.put(s, expires_at);
            return Ok(id);
        }

        let limit = self.opts.limits.max_silences;
        if limit > 0 && self.st.len() + 1 > limit {
            return Err(SilenceError::TooMany {
                count: self.st.len(),
                limit,
            });
        }
        s.id = uuid::Uuid::new_v4().to_string();
        if s.starts_at < now {
            s.starts_at = now;
        }
        s.updated_at = now;
        let expires_at = self.expiry_of(&s);
        self.check_size(&s, expires_at)?;
        if let Some(prev) = &prev
            && prev.state_at(now) != SilenceState::Expired
        {
            self.expire(&prev.id, now)?;
        }
        let id = s.id.clone();
        self.put(s, expires_at);
        Ok(id)
    }

    /// Expires a silence now (upstream's `Expire`): active → `ends_at = now`; pending →
    /// `starts_at = ends_at = now`; already expired → nothing happens.
    ///
    /// # Errors
    /// [`SilenceError::NotFound`] for an unknown ID.
    pub fn expire(&mut self, id: &str, now: Timestamp) -> Result<(), SilenceError> {
        let prev = Arc::clone(&self.st.get(id).ok_or(SilenceError::NotFound)?.silence);
        let mut s = Silence::clone(&prev);
        match prev.state_at(now) {
            SilenceState::Expired => return Ok(()),
            SilenceState::Active => s.ends_at = now,
            SilenceState::Pending => {
                s.starts_at = now;
                s.ends_at = now;
            }
        }
        s.updated_at = Self::next_update(&prev, now);
        let expires_at = self.expiry_of(&s);
        self.put(s, expires_at);
        Ok(())
    }

    /// The silence with this ID, if stored.
    pub fn get(&self, id: &str) -> Option<Arc<Silence>> {
        self.st.get(id).map(|e| Arc::clone(&e.silence))
    }

    /// When the silence with this ID may be garbage collected.
    pub fn expires_at(&self, id: &str) -> Option<Timestamp> {
        self.st.get(id).map(|e| e.expires_at)
    }

    /// All stored silences with their GC time, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&Arc<Silence>, Timestamp)> + '_ {
        self.st.values().map(|e| (&e.silence, e.expires_at))
    }

    /// Silences selected by `q` at `now`: in the order of `q.ids` when given, else sorted by ID.
    pub fn query(&self, q: &SilenceQuery, now: Timestamp) -> Vec<Arc<Silence>> {
        let base: Vec<&Arc<Silence>> = match &q.ids {
            Some(ids) => ids
                .iter()
                .filter_map(|id| self.st.get(id).map(|e| &e.silence))
                .collect(),
            None => {
                let mut all: Vec<_> = self.st.values().map(|e| &e.silence).collect();
                all.sort_unstable_by(|a, b| a.id.cmp(&b.id));
                all
            }
        };
        base.into_iter()
            .filter(|s| q.accepts(s, now))
            .map(Arc::clone)
            .collect()
    }

    /// How many silences are in `state` at `now`.
    pub fn count_state(&self, state: SilenceState, now: Timestamp) -> usize {
        self.st
            .values()
            .filter(|e| e.silence.state_at(now) == state)
            .count()
    }

    /// Removes silences whose GC time (`ends_at + retention`) is not after `now`; returns how
    /// many were removed.
    ///
    /// # Errors
    /// [`SilenceError::ZeroExpiry`] when an entry has no GC time (such entries are kept; the
    /// others are still collected, unlike upstream, which stops at the first one).
    pub fn gc(&mut self, now: Timestamp) -> Result<usize, SilenceError> {
        let before = self.st.len();
        let mut zero = false;
        self.st.retain(|_, e| {
            if is_zero(e.expires_at) {
                zero = true;
                return true;
            }
            e.expires_at > now
        });
        let n = before - self.st.len();
        if n > 0 {
            self.generation += 1;
        }
        if zero {
            return Err(SilenceError::ZeroExpiry);
        }
        Ok(n)
    }

    /// The state in Go's on-disk / gossip format: length-delimited `MeshSilence` messages
    /// (sorted by ID here; upstream writes them in map order).
    pub fn snapshot(&self) -> Vec<u8> {
        let mut entries: Vec<&Entry> = self.st.values().collect();
        entries.sort_unstable_by(|a, b| a.silence.id.cmp(&b.silence.id));
        let mut out = Vec::with_capacity(entries.len() * 160);
        for e in entries {
            pb::write_delimited(
                &mut out,
                &pb::MeshSilence::from_model(&e.silence, e.expires_at),
            );
        }
        out
    }

    /// The `MeshSilence` of one stored silence (what a local change broadcasts).
    pub fn mesh_silence(&self, id: &str) -> Option<pb::MeshSilence> {
        let e = self.st.get(id)?;
        Some(pb::MeshSilence::from_model(&e.silence, e.expires_at))
    }

    /// Replaces the whole state with a snapshot (upstream's `loadSnapshot`). Returns the number
    /// of silences loaded. Silences that cannot be used (unknown matcher type, bad regex or
    /// timestamp) are skipped with a warning instead of breaking every later query.
    ///
    /// # Errors
    /// A [`DecodeError`] when the bytes are not a valid state; the state is then unchanged.
    pub fn load(&mut self, bytes: &[u8]) -> Result<usize, DecodeError> {
        let msgs = pb::read_delimited(bytes)?;
        let mut st = HashMap::with_capacity(msgs.len());
        for m in msgs {
            if let Some((s, expires_at)) = Self::decode_entry(m) {
                st.insert(
                    s.id.clone(),
                    Entry {
                        silence: Arc::new(s),
                        expires_at,
                    },
                );
            }
        }
        self.st = st;
        self.version += 1;
        self.generation += 1;
        Ok(self.st.len())
    }

    fn decode_entry(m: pb::MeshSilence) -> Option<(Silence, Timestamp)> {
        let sil = m.silence?;
        let converted = sil.to_model().and_then(|s| {
            pb::timestamp_from_pb(m.expires_at.as_ref()).map(|expires_at| (s, expires_at))
        });
        match converted {
            Ok(v) => Some(v),
            Err(err) => {
                tracing::warn!(id = %sil.id, %err, "ignoring unusable silence");
                None
            }
        }
    }

    /// Merges one silence received from a peer (upstream's `state.merge`): ignored when its GC
    /// time is before `now`; stored when its ID is unknown or its `updated_at` is newer than
    /// ours. Returns whether the state changed (then the message should be re-broadcast).
    pub fn merge(&mut self, m: pb::MeshSilence, now: Timestamp) -> bool {
        let Some((s, expires_at)) = Self::decode_entry(m) else {
            return false;
        };
        if expires_at < now {
            return false;
        }
        if let Some(prev) = self.st.get(&s.id)
            && prev.silence.updated_at >= s.updated_at
        {
            return false;
        }
        let id = s.id.clone();
        self.st.insert(
            id,
            Entry {
                silence: Arc::new(s),
                expires_at,
            },
        );
        // A replaced silence may carry different matchers or revive an expired one, so the
        // silencer must re-evaluate from scratch: count it like an addition.
        self.version += 1;
        self.generation += 1;
        true
    }

    /// Merges a gossip state blob (several delimited `MeshSilence`s); returns how many changed
    /// the state.
    ///
    /// # Errors
    /// A [`DecodeError`]; nothing is merged then.
    pub fn merge_bytes(&mut self, bytes: &[u8], now: Timestamp) -> Result<usize, DecodeError> {
        let msgs = pb::read_delimited(bytes)?;
        let mut changed = 0;
        for m in msgs {
            changed += usize::from(self.merge(m, now));
        }
        Ok(changed)
    }
}
