//! The notification pipeline and integrations (upstream package `notify` and
//! `notify/webhook`, v0.28; `config/receiver` for building integrations and prometheus/common's
//! `config.NewClientFromConfig` for HTTP clients).
//!
//! - [`pipeline`]: [`Pipeline`] and its stages (gossip settle, inhibition, active/mute time
//!   intervals, silences, then per integration: cluster wait, dedup, retry, set-notifies);
//! - [`dedup`]: the `needsUpdate` decision and its reasons;
//! - [`retry`]: exponential backoff and the retry stage;
//! - [`integration`]: [`Notifier`], [`Integration`], building integrations from receivers;
//! - [`webhook`]: the webhook notifier and its payload; [`json`]: Go-compatible JSON output;
//! - [`http`]: HTTP clients from `http_config`; [`data`]: template data;
//! - [`deps`]: the traits the node implements for the pipeline, [`GroupMarker`];
//! - [`error`]: [`NotifyError`] and failure reasons; [`metrics`]: the pipeline's metrics.

pub mod data;
pub mod dedup;
pub mod deps;
pub mod email;
pub mod error;
pub mod http;
pub mod integration;
pub mod json;
pub mod metrics;
pub mod pipeline;
pub mod retry;
pub mod webhook;

#[cfg(test)]
mod tests;

pub use dedup::{LastNotification, NotifyReason, needs_update};
pub use deps::{
    AlertMuter, GroupMarker, NflogReceiver, NotificationLog, Peer, SingleNode, TimeIntervals,
};
pub use error::{NotifyError, Reason};
pub use integration::{BuildError, BuildOptions, Integration, Notifier, NotifyContext};
pub use metrics::NotifyMetrics;
pub use pipeline::{
    FlushContext, IntegrationError, Pipeline, PipelineDeps, PipelineError, flush_timeout,
};
