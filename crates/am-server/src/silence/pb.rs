//! The protobuf messages of upstream's `silence/silencepb/silence.proto` (v0.28), written by hand
//! with `prost`, and the varint-length-delimited stream of `MeshSilence` messages that is both
//! the on-disk snapshot (`<storage>/silences`) and the gossip state (`silence.state`).
//!
//! Upstream uses gogoproto with non-nullable `stdtime` timestamps: they are always written (Go's
//! zero time as `-62135596800` seconds) and a missing one decodes to Go's zero time. We model
//! them as `Option<Timestamp>` (always `Some` when encoding) and map `None` to
//! [`am_model::alert::ZERO_TIME`].

use am_model::alert::ZERO_TIME;
use am_model::matcher::{MatchType, Matcher as ModelMatcher};
use prost::Message;

/// `google.protobuf.Timestamp`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Non-negative nanoseconds within the second.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// `silencepb.Matcher`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Matcher {
    /// `Type`: 0 `EQUAL`, 1 `REGEXP`, 2 `NOT_EQUAL`, 3 `NOT_REGEXP`.
    #[prost(int32, tag = "1")]
    pub r#type: i32,
    /// The label name.
    #[prost(string, tag = "2")]
    pub name: String,
    /// The value or regular expression.
    #[prost(string, tag = "3")]
    pub pattern: String,
}

/// `silencepb.Comment` (deprecated; upgraded to `created_by`/`comment` on load and merge).
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Comment {
    /// Author of the comment.
    #[prost(string, tag = "1")]
    pub author: String,
    /// The comment text.
    #[prost(string, tag = "2")]
    pub comment: String,
    /// When it was written.
    #[prost(message, optional, tag = "3")]
    pub timestamp: Option<Timestamp>,
}

/// `silencepb.Silence`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Silence {
    /// The silence ID (a UUID).
    #[prost(string, tag = "1")]
    pub id: String,
    /// Matchers that must all match.
    #[prost(message, repeated, tag = "2")]
    pub matchers: Vec<Matcher>,
    /// Start of the silence.
    #[prost(message, optional, tag = "3")]
    pub starts_at: Option<Timestamp>,
    /// End of the silence.
    #[prost(message, optional, tag = "4")]
    pub ends_at: Option<Timestamp>,
    /// Last modification.
    #[prost(message, optional, tag = "5")]
    pub updated_at: Option<Timestamp>,
    /// Deprecated comment list.
    #[prost(message, repeated, tag = "7")]
    pub comments: Vec<Comment>,
    /// Author.
    #[prost(string, tag = "8")]
    pub created_by: String,
    /// Comment.
    #[prost(string, tag = "9")]
    pub comment: String,
}

/// `silencepb.MeshSilence`: a silence plus the time after which it may be garbage collected.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct MeshSilence {
    /// The silence (required: a missing one makes the whole state invalid).
    #[prost(message, optional, tag = "1")]
    pub silence: Option<Silence>,
    /// `ends_at + --data.retention`.
    #[prost(message, optional, tag = "2")]
    pub expires_at: Option<Timestamp>,
}

/// A snapshot or gossip state could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes are not a stream of length-delimited `MeshSilence` messages.
    #[error("decode silence state at byte {offset}: {message}")]
    Protobuf {
        /// Where the failing message starts.
        offset: usize,
        /// prost's description.
        message: String,
    },
    /// A `MeshSilence` without a silence (upstream's `ErrInvalidState`).
    #[error("invalid state")]
    InvalidState,
}

/// A silence in the state could not be turned into a usable [`Silence`](super::Silence).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// A matcher type outside 0..=3.
    #[error("unknown matcher type {0}")]
    MatcherType(i32),
    /// A regex matcher that does not compile.
    #[error("invalid regular expression {pattern:?}: {message}")]
    Regex {
        /// The pattern.
        pattern: String,
        /// Why it does not compile.
        message: String,
    },
    /// A timestamp outside 0001-01-01..=9999-12-31 or with nanos outside `0..1e9` (Go's
    /// `TimestampFromProto` rejects these too).
    #[error("invalid timestamp {seconds}s {nanos}ns")]
    Timestamp {
        /// Seconds.
        seconds: i64,
        /// Nanoseconds.
        nanos: i32,
    },
}

const NANOS: i128 = 1_000_000_000;
/// 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in Unix seconds (Go's valid range).
const MIN_SECONDS: i64 = -62_135_596_800;
const MAX_SECONDS: i64 = 253_402_300_800;

/// Converts a jiff timestamp to a protobuf one (nanos always non-negative).
pub fn timestamp_to_pb(ts: jiff::Timestamp) -> Timestamp {
    let ns = ts.as_nanosecond();
    Timestamp {
        seconds: ns.div_euclid(NANOS) as i64,
        nanos: ns.rem_euclid(NANOS) as i32,
    }
}

/// Converts a protobuf timestamp; `None` (field absent) is Go's zero time.
///
/// # Errors
/// [`ConvertError::Timestamp`] outside Go's valid range.
pub fn timestamp_from_pb(ts: Option<&Timestamp>) -> Result<jiff::Timestamp, ConvertError> {
    let Some(t) = ts else {
        return Ok(ZERO_TIME);
    };
    let bad = ConvertError::Timestamp {
        seconds: t.seconds,
        nanos: t.nanos,
    };
    if !(MIN_SECONDS..MAX_SECONDS).contains(&t.seconds) || !(0..1_000_000_000).contains(&t.nanos) {
        return Err(bad);
    }
    let ns = i128::from(t.seconds) * NANOS + i128::from(t.nanos);
    jiff::Timestamp::from_nanosecond(ns).map_err(|_| bad)
}

/// The protobuf enum value of a match type.
pub fn match_type_to_pb(t: MatchType) -> i32 {
    match t {
        MatchType::Equal => 0,
        MatchType::Regexp => 1,
        MatchType::NotEqual => 2,
        MatchType::NotRegexp => 3,
    }
}

/// The match type of a protobuf enum value.
///
/// # Errors
/// [`ConvertError::MatcherType`] for values other than 0..=3.
pub fn match_type_from_pb(t: i32) -> Result<MatchType, ConvertError> {
    Ok(match t {
        0 => MatchType::Equal,
        1 => MatchType::Regexp,
        2 => MatchType::NotEqual,
        3 => MatchType::NotRegexp,
        other => return Err(ConvertError::MatcherType(other)),
    })
}

impl Silence {
    /// The protobuf form of a silence.
    pub fn from_model(s: &super::Silence) -> Silence {
        Silence {
            id: s.id.clone(),
            matchers: s
                .matchers
                .iter()
                .map(|m| Matcher {
                    r#type: match_type_to_pb(m.match_type()),
                    name: m.name().to_owned(),
                    pattern: m.value().to_owned(),
                })
                .collect(),
            starts_at: Some(timestamp_to_pb(s.starts_at)),
            ends_at: Some(timestamp_to_pb(s.ends_at)),
            updated_at: Some(timestamp_to_pb(s.updated_at)),
            comments: Vec::new(),
            created_by: s.created_by.clone(),
            comment: s.comment.clone(),
        }
    }

    /// Converts to the model, compiling the matchers and applying upstream's upgrade of the
    /// deprecated comment list (the first comment becomes `comment` / `created_by`).
    ///
    /// # Errors
    /// A [`ConvertError`] for an unknown matcher type, a bad regex or a bad timestamp.
    pub fn to_model(&self) -> Result<super::Silence, ConvertError> {
        let matchers = self
            .matchers
            .iter()
            .map(|m| {
                let ty = match_type_from_pb(m.r#type)?;
                ModelMatcher::new(ty, m.name.as_str(), m.pattern.as_str()).map_err(|e| {
                    ConvertError::Regex {
                        pattern: m.pattern.clone(),
                        message: e.to_string(),
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (created_by, comment) = match self.comments.first() {
            Some(c) => (c.author.clone(), c.comment.clone()),
            None => (self.created_by.clone(), self.comment.clone()),
        };
        Ok(super::Silence {
            id: self.id.clone(),
            matchers,
            starts_at: timestamp_from_pb(self.starts_at.as_ref())?,
            ends_at: timestamp_from_pb(self.ends_at.as_ref())?,
            updated_at: timestamp_from_pb(self.updated_at.as_ref())?,
            created_by,
            comment,
        })
    }
}

impl MeshSilence {
    /// The mesh form of a silence with its GC time.
    pub fn from_model(s: &super::Silence, expires_at: jiff::Timestamp) -> MeshSilence {
        MeshSilence {
            silence: Some(Silence::from_model(s)),
            expires_at: Some(timestamp_to_pb(expires_at)),
        }
    }
}

/// The size upstream's size limit compares (`MeshSilence.Size()`, without the length prefix).
pub fn mesh_size(s: &super::Silence, expires_at: jiff::Timestamp) -> usize {
    MeshSilence::from_model(s, expires_at).encoded_len()
}

/// Appends one varint-length-delimited message (`pbutil.WriteDelimited` / `protodelim`).
pub fn write_delimited(out: &mut Vec<u8>, m: &MeshSilence) {
    // Encoding into a Vec cannot run out of space.
    let _ = m.encode_length_delimited(out);
}

/// Decodes a whole stream of delimited `MeshSilence` messages (empty input: no messages).
///
/// # Errors
/// [`DecodeError::Protobuf`] for malformed or truncated data, [`DecodeError::InvalidState`] for
/// a message without a silence.
pub fn read_delimited(bytes: &[u8]) -> Result<Vec<MeshSilence>, DecodeError> {
    let mut rest = bytes;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        let m =
            MeshSilence::decode_length_delimited(&mut rest).map_err(|e| DecodeError::Protobuf {
                offset,
                message: e.to_string(),
            })?;
        if m.silence.is_none() {
            return Err(DecodeError::InvalidState);
        }
        out.push(m);
    }
    Ok(out)
}
