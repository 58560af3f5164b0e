//! API v2 wire models (upstream `api/v2/openapi.yaml` and `api/v2/models/*.go`, v0.28.0).
//!
//! Field order follows Go's marshalling of the go-swagger models: declaration order of each
//! generated struct, and for models that embed another one (`GettableAlert` embeds `Alert`,
//! `GettableSilence`/`PostableSilence` embed `Silence`) the own fields first, then the
//! embedded model's. Label maps are `am_model::labels::LabelSet` (names sorted, like Go maps).

use am_model::labels::LabelSet;
use serde::{Deserialize, Serialize};

use crate::time::DateTime;

/// `alertStatus.state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    /// Not yet processed by the pipeline.
    Unprocessed,
    /// Neither silenced, inhibited nor muted.
    Active,
    /// Silenced, inhibited or muted.
    Suppressed,
}

impl AlertState {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Unprocessed => "unprocessed",
            AlertState::Active => "active",
            AlertState::Suppressed => "suppressed",
        }
    }
}

/// `alertStatus`: the arrays are always present (never `null`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertStatus {
    /// Fingerprints of the alerts inhibiting this one.
    #[serde(rename = "inhibitedBy", default)]
    pub inhibited_by: Vec<String>,
    /// Names of the time intervals muting the alert's group (0.28+).
    #[serde(rename = "mutedBy", default)]
    pub muted_by: Vec<String>,
    /// IDs of the silences muting this alert.
    #[serde(rename = "silencedBy", default)]
    pub silenced_by: Vec<String>,
    /// The state.
    pub state: AlertState,
}

impl AlertStatus {
    /// A status with empty lists: `suppressed` if any list is non-empty, else `active`.
    pub fn new(silenced_by: Vec<String>, inhibited_by: Vec<String>, muted_by: Vec<String>) -> Self {
        let state = if silenced_by.is_empty() && inhibited_by.is_empty() && muted_by.is_empty() {
            AlertState::Active
        } else {
            AlertState::Suppressed
        };
        AlertStatus {
            inhibited_by,
            muted_by,
            silenced_by,
            state,
        }
    }
}

/// `receiver` (also used as the receiver reference of alerts and groups).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    /// Receiver name.
    pub name: String,
}

/// `postableAlert`, one element of the POST /api/v2/alerts body. Absent times are Go's zero
/// time ([`am_model::alert::ZERO_TIME`]); decode bodies with [`crate::v2::decode_postable_alerts`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PostableAlert {
    /// Annotations (omitted when empty).
    #[serde(skip_serializing_if = "LabelSet::is_empty")]
    pub annotations: LabelSet,
    /// End time (zero = not given).
    #[serde(rename = "endsAt")]
    pub ends_at: DateTime,
    /// Start time (zero = not given).
    #[serde(rename = "startsAt")]
    pub starts_at: DateTime,
    /// Generator URL (omitted when empty).
    #[serde(rename = "generatorURL", skip_serializing_if = "String::is_empty")]
    pub generator_url: String,
    /// Labels (required).
    pub labels: LabelSet,
}

/// `gettableAlert`, one element of GET /api/v2/alerts and of `alertGroup.alerts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GettableAlert {
    /// Annotations.
    pub annotations: LabelSet,
    /// End (the resolve deadline while firing).
    #[serde(rename = "endsAt")]
    pub ends_at: DateTime,
    /// `%016x` label fingerprint.
    pub fingerprint: String,
    /// Receivers of all matching routes.
    pub receivers: Vec<Receiver>,
    /// Start.
    #[serde(rename = "startsAt")]
    pub starts_at: DateTime,
    /// Status.
    pub status: AlertStatus,
    /// Last update.
    #[serde(rename = "updatedAt")]
    pub updated_at: DateTime,
    /// Generator URL (omitted when empty).
    #[serde(
        rename = "generatorURL",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub generator_url: String,
    /// Labels.
    pub labels: LabelSet,
}

/// `alertGroup`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertGroup {
    /// The group's alerts.
    pub alerts: Vec<GettableAlert>,
    /// The group labels.
    pub labels: LabelSet,
    /// The group's receiver.
    pub receiver: Receiver,
}

/// `matcher` of a silence. `isEqual` defaults to true when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matcher {
    /// `=`/`=~` (true) or `!=`/`!~` (false).
    #[serde(rename = "isEqual", default = "default_true")]
    pub is_equal: bool,
    /// Regex match.
    #[serde(rename = "isRegex")]
    pub is_regex: bool,
    /// Label name.
    pub name: String,
    /// Value or regex.
    pub value: String,
}

fn default_true() -> bool {
    true
}

/// `silenceStatus.state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SilenceState {
    /// Ended.
    Expired,
    /// In effect.
    Active,
    /// Starts in the future.
    Pending,
}

/// `silenceStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilenceStatus {
    /// The state.
    pub state: SilenceState,
}

/// `postableSilence` (POST /api/v2/silences body); decode with
/// [`crate::v2::decode_postable_silence`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PostableSilence {
    /// Existing silence to update (omitted when empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Comment.
    pub comment: String,
    /// Author.
    #[serde(rename = "createdBy")]
    pub created_by: String,
    /// End.
    #[serde(rename = "endsAt")]
    pub ends_at: DateTime,
    /// Matchers (at least one).
    pub matchers: Vec<Matcher>,
    /// Start.
    #[serde(rename = "startsAt")]
    pub starts_at: DateTime,
}

/// `gettableSilence`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GettableSilence {
    /// Silence ID (UUID).
    pub id: String,
    /// Status.
    pub status: SilenceStatus,
    /// Last update.
    #[serde(rename = "updatedAt")]
    pub updated_at: DateTime,
    /// Comment.
    pub comment: String,
    /// Author.
    #[serde(rename = "createdBy")]
    pub created_by: String,
    /// End.
    #[serde(rename = "endsAt")]
    pub ends_at: DateTime,
    /// Matchers.
    pub matchers: Vec<Matcher>,
    /// Start.
    #[serde(rename = "startsAt")]
    pub starts_at: DateTime,
}

/// Response of POST /api/v2/silences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSilenceResponse {
    /// The created or updated silence's ID.
    #[serde(rename = "silenceID")]
    pub silence_id: String,
}

/// `peerStatus`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerStatus {
    /// `ip:port`.
    pub address: String,
    /// Peer name (ULID).
    pub name: String,
}

/// `clusterStatus`: `{status:"disabled", peers:[]}` without HA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterStatus {
    /// This node's name (omitted when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Members, sorted by name.
    pub peers: Vec<PeerStatus>,
    /// `ready`, `settling` or `disabled`.
    pub status: String,
}

/// `alertmanagerConfig`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertmanagerConfig {
    /// The loaded configuration as YAML (secrets hidden).
    pub original: String,
}

/// `versionInfo` (also the v1 `versionInfo` map's content).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VersionInfo {
    /// Git branch.
    pub branch: String,
    /// Build date.
    #[serde(rename = "buildDate")]
    pub build_date: String,
    /// Build user.
    #[serde(rename = "buildUser")]
    pub build_user: String,
    /// Toolchain version (Go's `goVersion`).
    #[serde(rename = "goVersion")]
    pub go_version: String,
    /// Git revision.
    pub revision: String,
    /// Version.
    pub version: String,
}

/// `alertmanagerStatus` (GET /api/v2/status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertmanagerStatus {
    /// Cluster block.
    pub cluster: ClusterStatus,
    /// Configuration.
    pub config: AlertmanagerConfig,
    /// Process start.
    pub uptime: DateTime,
    /// Build information.
    #[serde(rename = "versionInfo")]
    pub version_info: VersionInfo,
}

/// go-openapi's error body `{"code":…,"message":"…"}` (422/400 from the request binder).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// go-openapi error code (400, 601 format, 602 required, 612 too few items, …).
    pub code: i32,
    /// Message.
    pub message: String,
}
