//! The template data of a notification (upstream `notify.GetTemplateData` and
//! `template.Template.Data`, v0.28): alerts converted to `template.Alert`s with their status at
//! the flush time, the group labels, and the receiver name regex-quoted by
//! [`Template::data`].

use am_model::alert::{Alert, is_zero};
use am_model::labels::LabelSet;
use am_template::alertmanager::{AlertData, Kv, Template, TemplateData};
use am_template::gotime::{GoTime, Location};
use jiff::Timestamp;

/// A label set as a `template.KV`.
pub fn kv(labels: &LabelSet) -> Kv {
    labels
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A timestamp as a Go `time.Time` in UTC (Go's zero time for [`am_model::alert::ZERO_TIME`]).
pub fn go_time(t: Timestamp) -> GoTime {
    if is_zero(t) {
        GoTime::zero()
    } else {
        GoTime::from_timestamp(t, Location::utc())
    }
}

/// One alert as templates and the webhook payload see it; `now` decides firing vs resolved.
pub fn alert_data(alert: &Alert, now: Timestamp) -> AlertData {
    AlertData {
        status: if alert.resolved_at(now) {
            "resolved"
        } else {
            "firing"
        }
        .to_owned(),
        labels: kv(&alert.labels),
        annotations: kv(&alert.annotations),
        starts_at: go_time(alert.starts_at),
        ends_at: go_time(alert.ends_at),
        generator_url: alert.generator_url.to_string(),
        fingerprint: alert.fingerprint().to_string(),
    }
}

/// Upstream `GetTemplateData`: the data for `alerts` sent to `receiver` for a group with
/// `group_labels`, evaluated at `now`.
pub fn template_data(
    template: &Template,
    receiver: &str,
    group_labels: &LabelSet,
    alerts: &[Alert],
    now: Timestamp,
) -> TemplateData {
    let alerts = alerts.iter().map(|a| alert_data(a, now)).collect();
    template.data(receiver, kv(group_labels), alerts)
}
