//! Alertmanager API v2 (upstream `api/v2`, v0.28.0): wire models, request-body decoding with
//! go-swagger's 400/422 split, conversions to and from the domain model, and fast JSON writers.

mod convert;
mod decode;
mod models;
mod uri;
mod writer;

pub use convert::{LabelNameValidation, ZERO_DATETIME};
pub(crate) use decode::decode_alerts_v1;
pub use decode::{BodyError, decode_postable_alerts, decode_postable_silence};
pub use models::{
    AlertGroup, AlertState, AlertStatus, AlertmanagerConfig, AlertmanagerStatus, ApiError,
    ClusterStatus, GettableAlert, GettableSilence, Matcher, PeerStatus, PostSilenceResponse,
    PostableAlert, PostableSilence, Receiver, SilenceState, SilenceStatus, VersionInfo,
};
pub use uri::is_request_uri;
pub use writer::{
    AlertRef, write_alert_group, write_alert_group_end, write_alert_group_start,
    write_gettable_alert,
};
