//! The notification pipeline's metrics (upstream `notify.Metrics`, `notify/notify.go` v0.28):
//! attempted and failed notifications per integration (failed also per reason), notification
//! requests, request latency, and alerts suppressed by inhibition, silences or time intervals.

use crate::metrics::{Counter, CounterVec, Histogram, HistogramVec, Registry};

use super::error::Reason;

/// Integration kinds upstream pre-registers so that every series exists from the start.
pub const INTEGRATION_NAMES: [&str; 16] = [
    "email",
    "pagerduty",
    "wechat",
    "pushover",
    "slack",
    "opsgenie",
    "webhook",
    "victorops",
    "sns",
    "telegram",
    "discord",
    "webex",
    "msteams",
    "msteamsv2",
    "jira",
    "rocketchat",
];

/// `reason` label of `alertmanager_notifications_suppressed_total` for silenced alerts.
pub const SUPPRESSED_SILENCE: &str = "silence";
/// ... for inhibited alerts.
pub const SUPPRESSED_INHIBITION: &str = "inhibition";
/// ... for groups inside a mute time interval.
pub const SUPPRESSED_MUTE_TIME_INTERVAL: &str = "mute_time_interval";
/// ... for groups outside their active time intervals.
pub const SUPPRESSED_ACTIVE_TIME_INTERVAL: &str = "active_time_interval";

/// Handles on the notification metrics. Cheap to clone.
#[derive(Clone, Debug)]
pub struct NotifyMetrics {
    notifications: CounterVec,
    failed: CounterVec,
    requests: CounterVec,
    requests_failed: CounterVec,
    suppressed: CounterVec,
    latency: HistogramVec,
}

impl NotifyMetrics {
    /// Registers the families in `registry` (registering again returns the same families) and
    /// pre-creates the series of every integration kind and failure reason.
    pub fn new(registry: &Registry) -> NotifyMetrics {
        let m = NotifyMetrics {
            notifications: registry.counter_vec(
                "alertmanager_notifications_total",
                "The total number of attempted notifications.",
                &["integration"],
            ),
            failed: registry.counter_vec(
                "alertmanager_notifications_failed_total",
                "The total number of failed notifications.",
                &["integration", "reason"],
            ),
            requests: registry.counter_vec(
                "alertmanager_notification_requests_total",
                "The total number of attempted notification requests.",
                &["integration"],
            ),
            requests_failed: registry.counter_vec(
                "alertmanager_notification_requests_failed_total",
                "The total number of failed notification requests.",
                &["integration"],
            ),
            suppressed: registry.counter_vec(
                "alertmanager_notifications_suppressed_total",
                "The total number of notifications suppressed for being silenced, inhibited, \
                 outside of active time intervals or within muted time intervals.",
                &["reason"],
            ),
            latency: registry.histogram_vec(
                "alertmanager_notification_latency_seconds",
                "The latency of notifications in seconds.",
                &["integration"],
                &[1.0, 5.0, 10.0, 15.0, 20.0],
            ),
        };
        for name in INTEGRATION_NAMES {
            m.notifications.with(&[name]);
            m.requests.with(&[name]);
            m.requests_failed.with(&[name]);
            m.latency.with(&[name]);
            for reason in Reason::ALL {
                m.failed.with(&[name, reason.as_str()]);
            }
        }
        m
    }

    /// Metrics registered in a private registry (tests, tools).
    pub fn detached() -> NotifyMetrics {
        NotifyMetrics::new(&Registry::new())
    }

    /// `alertmanager_notifications_total{integration}`.
    pub fn notifications(&self, integration: &str) -> Counter {
        self.notifications.with(&[integration])
    }

    /// `alertmanager_notifications_failed_total{integration,reason}`.
    pub fn failed(&self, integration: &str, reason: Reason) -> Counter {
        self.failed.with(&[integration, reason.as_str()])
    }

    /// `alertmanager_notification_requests_total{integration}`.
    pub fn requests(&self, integration: &str) -> Counter {
        self.requests.with(&[integration])
    }

    /// `alertmanager_notification_requests_failed_total{integration}`.
    pub fn requests_failed(&self, integration: &str) -> Counter {
        self.requests_failed.with(&[integration])
    }

    /// `alertmanager_notification_latency_seconds{integration}`.
    pub fn latency(&self, integration: &str) -> Histogram {
        self.latency.with(&[integration])
    }

    /// `alertmanager_notifications_suppressed_total{reason}`.
    pub fn suppressed(&self, reason: &str) -> Counter {
        self.suppressed.with(&[reason])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_pre_registered() {
        let r = Registry::new();
        let m = NotifyMetrics::new(&r);
        let text = r.encode();
        for line in [
            "alertmanager_notifications_total{integration=\"webhook\"} 0",
            "alertmanager_notifications_failed_total{integration=\"rocketchat\",reason=\"contextDeadlineExceeded\"} 0",
            "alertmanager_notification_requests_failed_total{integration=\"email\"} 0",
            "alertmanager_notification_latency_seconds_bucket{integration=\"jira\",le=\"20\"} 0",
        ] {
            assert!(text.contains(line), "{line} missing in\n{text}");
        }
        m.failed("webhook", Reason::ServerError).inc();
        m.suppressed(SUPPRESSED_SILENCE).inc_by_u64(3);
        // Registering again (a reload) keeps the values.
        let again = NotifyMetrics::new(&r);
        assert_eq!(again.failed("webhook", Reason::ServerError).get(), 1.0);
        let text = r.encode();
        assert!(text.contains("alertmanager_notifications_suppressed_total{reason=\"silence\"} 3"));
    }
}
