//! Silences: storage, lifecycle, snapshots and the silencer. Mirrors upstream's `silence`
//! package (`silence/silence.go`, `silence/silencepb`) at v0.28.
//!
//! Layout:
//! - this file: the [`Silence`] model, [`SilenceState`], [`SilenceError`], [`SilenceQuery`];
//! - [`validate`]: upstream's validation rules and error texts;
//! - [`pb`]: hand-written protobuf messages and the Go on-disk/gossip format;
//! - [`state`]: the sans-IO [`Silences`] state (set/expire/query/GC/limits/merge/snapshots);
//! - [`handle`]: [`SilencesHandle`], the shared `&self` wrapper publishing [`SilenceSnapshot`]s,
//!   with metrics and maintenance;
//! - [`silencer`]: [`Silencer`], which decides whether an alert is silenced, with a
//!   per-fingerprint cache.

pub mod handle;
pub mod pb;
pub mod silencer;
pub mod state;
pub mod validate;

#[cfg(test)]
mod go_diff_tests;
#[cfg(test)]
mod silencer_tests;
#[cfg(test)]
mod tests;

use am_model::labels::LabelSet;
use am_model::matcher::Matcher;
use jiff::Timestamp;

pub use self::handle::{
    Broadcast, MaintenanceError, OnceBroadcast, SilenceSnapshot, SilencesHandle,
};
pub use self::silencer::Silencer;
pub use self::state::{Limits, Silences, SilencesOptions};
pub use self::validate::{MatcherInvalid, ValidationError, build_matcher, build_matchers};

/// One silence (upstream's `silencepb.Silence` without the deprecated comment list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    /// The UUID; empty when creating a new silence.
    pub id: String,
    /// Matchers that must all match for the silence to apply.
    pub matchers: Vec<Matcher>,
    /// Start of the silence ([`am_model::alert::ZERO_TIME`] on input means "now").
    pub starts_at: Timestamp,
    /// End of the silence.
    pub ends_at: Timestamp,
    /// Last modification; set by [`Silences::set`] and [`Silences::expire`].
    pub updated_at: Timestamp,
    /// Author.
    pub created_by: String,
    /// Comment.
    pub comment: String,
}

/// The state of a silence at some instant (upstream's `types.SilenceState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SilenceState {
    /// `now > ends_at`.
    Expired,
    /// `starts_at <= now <= ends_at`.
    Active,
    /// `now < starts_at`.
    Pending,
}

impl SilenceState {
    /// The API / metric label form: `expired`, `active` or `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceState::Expired => "expired",
            SilenceState::Active => "active",
            SilenceState::Pending => "pending",
        }
    }

    /// All three states.
    pub const ALL: [SilenceState; 3] = [
        SilenceState::Active,
        SilenceState::Pending,
        SilenceState::Expired,
    ];
}

impl std::fmt::Display for SilenceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Silence {
    /// The state at `now` (upstream's `getState`).
    pub fn state_at(&self, now: Timestamp) -> SilenceState {
        if now < self.starts_at {
            SilenceState::Pending
        } else if now > self.ends_at {
            SilenceState::Expired
        } else {
            SilenceState::Active
        }
    }

    /// Whether all matchers match `labels` (missing labels count as `""`).
    pub fn matches(&self, labels: &LabelSet) -> bool {
        self.matchers.iter().all(|m| m.matches_labels(labels))
    }
}

/// Why a silence operation failed. `Display` gives upstream's texts (the API's 400/404 bodies).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SilenceError {
    /// Unknown silence ID (upstream's `ErrNotFound`; the API answers 404).
    #[error("silence not found")]
    NotFound,
    /// The silence failed validation.
    #[error("invalid silence: {0}")]
    Invalid(#[from] ValidationError),
    /// `--silences.max-silences` would be exceeded (counts every stored silence, expired ones
    /// included).
    #[error("exceeded maximum number of silences: {count} (limit: {limit})")]
    TooMany {
        /// Silences currently stored.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// `--silences.max-silence-size-bytes` would be exceeded (size of the encoded
    /// `MeshSilence`).
    #[error("silence exceeded maximum size: {size} bytes (limit: {limit} bytes)")]
    TooLarge {
        /// Encoded size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// GC found a silence without expiry time (upstream stops GC with this error).
    #[error("unexpected zero expiration timestamp")]
    ZeroExpiry,
}

/// Which silences a query returns; all conditions must hold (upstream's `QIDs`, `QState`,
/// `QMatches`). The default query returns everything.
#[derive(Debug, Clone, Default)]
pub struct SilenceQuery {
    /// Only these IDs (in this order; unknown ones are skipped).
    pub ids: Option<Vec<String>>,
    /// Only silences in one of these states at `now`.
    pub states: Option<Vec<SilenceState>>,
    /// Only silences whose matchers all match this label set.
    pub matches: Option<LabelSet>,
}

impl SilenceQuery {
    /// Whether `s` passes the state and label filters (not the ID filter).
    pub fn accepts(&self, s: &Silence, now: Timestamp) -> bool {
        if let Some(states) = &self.states
            && !states.contains(&s.state_at(now))
        {
            return false;
        }
        if let Some(labels) = &self.matches
            && !s.matches(labels)
        {
            return false;
        }
        true
    }
}
