//! The v1 API's JSON shapes as Alertmanager 0.26 served them (upstream `api/v1/api.go`,
//! `types.Silence`, `pkg/labels` matcher JSON; removed upstream in 0.27). Times are Go
//! `time.Time` JSON (RFC3339Nano, UTC here). The status data carries our extra `cluster` key
//! with the same content as `clusterStatus` (see the target deployment's `jq .data.cluster`).

use am_model::labels::LabelSet;
use serde::{Deserialize, Serialize};

use crate::time::GoTime;
use crate::v2::{AlertState, PostableAlert, SilenceState, VersionInfo};

/// `"success"` or `"error"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The request succeeded.
    Success,
    /// The request failed.
    Error,
}

/// `errorType` of a failed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorType {
    /// Internal error (HTTP 500).
    #[serde(rename = "server_error")]
    Internal,
    /// Bad request data (HTTP 400).
    #[serde(rename = "bad_data")]
    BadData,
}

/// The response envelope `{"status","data","errorType","error"}` (empty fields omitted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Outcome.
    pub status: Status,
    /// Payload on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// Kind of failure.
    #[serde(rename = "errorType", skip_serializing_if = "Option::is_none")]
    pub error_type: Option<ErrorType>,
    /// Failure message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl<T> Envelope<T> {
    /// A success envelope.
    pub fn success(data: T) -> Self {
        Envelope {
            status: Status::Success,
            data: Some(data),
            error_type: None,
            error: None,
        }
    }

    /// An error envelope.
    pub fn error(error_type: ErrorType, message: impl Into<String>) -> Self {
        Envelope {
            status: Status::Error,
            data: None,
            error_type: Some(error_type),
            error: Some(message.into()),
        }
    }
}

/// v1 alert status (`types.AlertStatus`: no `mutedBy`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertStatus {
    /// State.
    pub state: AlertState,
    /// Silence IDs.
    #[serde(rename = "silencedBy")]
    pub silenced_by: Vec<String>,
    /// Inhibiting fingerprints.
    #[serde(rename = "inhibitedBy")]
    pub inhibited_by: Vec<String>,
}

/// A v1 alert (GET /api/v1/alerts): `model.Alert` fields, then status, receivers, fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// Labels.
    pub labels: LabelSet,
    /// Annotations.
    pub annotations: LabelSet,
    /// Start.
    #[serde(rename = "startsAt")]
    pub starts_at: GoTime,
    /// End.
    #[serde(rename = "endsAt")]
    pub ends_at: GoTime,
    /// Generator URL (always present).
    #[serde(rename = "generatorURL")]
    pub generator_url: String,
    /// Status.
    pub status: AlertStatus,
    /// Receiver names.
    pub receivers: Vec<String>,
    /// `%016x` fingerprint.
    pub fingerprint: String,
}

/// A v1 silence matcher (`{"name","value","isRegex","isEqual"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Value or regex.
    pub value: String,
    /// Regex match.
    #[serde(rename = "isRegex")]
    pub is_regex: bool,
    /// Positive match (defaults to true when absent).
    #[serde(rename = "isEqual", default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

/// v1 silence status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilenceStatus {
    /// State.
    pub state: SilenceState,
}

/// A v1 silence (`types.Silence`); `status` is absent in POST bodies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Silence {
    /// ID ("" for a new silence).
    #[serde(default)]
    pub id: String,
    /// Matchers.
    pub matchers: Vec<Matcher>,
    /// Start.
    #[serde(rename = "startsAt")]
    pub starts_at: GoTime,
    /// End.
    #[serde(rename = "endsAt")]
    pub ends_at: GoTime,
    /// Last update.
    #[serde(rename = "updatedAt", default = "zero_time")]
    pub updated_at: GoTime,
    /// Author.
    #[serde(rename = "createdBy", default)]
    pub created_by: String,
    /// Comment (omitted when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// Status (GET only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SilenceStatus>,
}

fn zero_time() -> GoTime {
    GoTime(am_model::alert::ZERO_TIME)
}

/// `data` of POST /api/v1/silences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilenceId {
    /// The silence ID.
    #[serde(rename = "silenceId")]
    pub silence_id: String,
}

/// A cluster member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerStatus {
    /// Peer name.
    pub name: String,
    /// `ip:port`.
    pub address: String,
}

/// v1 cluster block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterStatus {
    /// This node's name.
    pub name: String,
    /// `ready`, `settling`, `disabled`.
    pub status: String,
    /// Members (`null` when none, as Go's nil slice).
    pub peers: Option<Vec<PeerStatus>>,
}

/// `data` of GET /api/v1/status; `cluster` repeats `clusterStatus` (alertmesh extension).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusData {
    /// Config as YAML.
    #[serde(rename = "configYAML")]
    pub config_yaml: String,
    /// Config as JSON (Go's `config.Config` JSON form).
    #[serde(rename = "configJSON")]
    pub config_json: serde_json::Value,
    /// Build info (Go map: keys sorted, which equals this struct's field order).
    #[serde(rename = "versionInfo")]
    pub version_info: VersionInfo,
    /// Process start.
    pub uptime: GoTime,
    /// Cluster block (`null` without a peer).
    #[serde(rename = "clusterStatus")]
    pub cluster_status: Option<ClusterStatus>,
    /// Same content as `clusterStatus`.
    #[serde(default)]
    pub cluster: Option<ClusterStatus>,
}

impl StatusData {
    /// Builds the status data, filling both `clusterStatus` and `cluster`.
    pub fn new(
        config_yaml: String,
        config_json: serde_json::Value,
        version_info: VersionInfo,
        uptime: jiff::Timestamp,
        cluster: Option<ClusterStatus>,
    ) -> Self {
        StatusData {
            config_yaml,
            config_json,
            version_info,
            uptime: GoTime(uptime),
            cluster_status: cluster.clone(),
            cluster,
        }
    }
}

/// Decodes a POST /api/v1/alerts body into v2 postable alerts the way 0.26's v1 handler did:
/// strict RFC3339 times, label/annotation names checked while decoding
/// (`"0a" is not a valid label name`), no `generatorURL` check, missing labels left empty so
/// [`PostableAlert::to_alert`] reports "at least one label pair required".
///
/// # Errors
/// The JSON error text, for a `bad_data` envelope with HTTP 400.
pub fn decode_alerts(body: &[u8]) -> Result<Vec<PostableAlert>, String> {
    crate::v2::decode_alerts_v1(body)
}
