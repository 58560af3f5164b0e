//! The parts of Alertmanager that are pure data: label sets and their fingerprints, group and
//! route keys, label matchers (both parsers and the Go-RE2 compatible regex layer), Prometheus
//! durations and time intervals. Nothing here does I/O or reads the clock; callers pass `now`.
//!
//! Module names follow upstream's packages: `labels` mirrors `prometheus/common/model` label sets
//! and `pkg/labels`, `matcher` mirrors `matcher/parse` and `pkg/labels` matchers,
//! `time_interval` mirrors `timeinterval`.

pub mod alert;
pub mod duration;
pub mod go_quote;
pub mod group_key;
pub mod labels;
pub mod matcher;
pub mod time_interval;
