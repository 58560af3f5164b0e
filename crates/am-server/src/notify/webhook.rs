//! The webhook integration (upstream `notify/webhook/webhook.go`, v0.28): POSTs the
//! notification as JSON (`template.Data` fields, then `version: "4"`, `groupKey` and
//! `truncatedAlerts`) to `url` or to the URL read from `url_file` on every notification,
//! keeping at most `max_alerts` alerts. 2xx is success, 5xx is retried, anything else fails.

use std::sync::Arc;

use am_config::receiver::WebhookConfig;
use am_config::receiver::url::SecretUrlSource;
use am_model::alert::Alert;
use am_template::alertmanager::{Template, TemplateData};
use futures::future::BoxFuture;

use super::data::template_data;
use super::error::{NotifyError, check_status};
use super::http::HttpClient;
use super::integration::{Notifier, NotifyContext};
use super::json::{write_key, write_kv, write_str, write_time};

/// The webhook notifier.
#[derive(Clone, Debug)]
pub struct WebhookNotifier {
    config: WebhookConfig,
    template: Arc<Template>,
    client: HttpClient,
}

/// Upstream `truncateAlerts`: the first `max_alerts` alerts (all when 0) and how many were cut.
pub fn truncate_alerts(max_alerts: u64, alerts: &[Alert]) -> (&[Alert], u64) {
    let len = alerts.len() as u64;
    if max_alerts != 0 && len > max_alerts {
        // max_alerts < len <= usize::MAX, so the conversion cannot fail.
        let keep = usize::try_from(max_alerts).unwrap_or(alerts.len());
        (&alerts[..keep], len - max_alerts)
    } else {
        (alerts, 0)
    }
}

/// The request body: upstream's `Message` as Go's `json.Encoder` writes it (field order of
/// the struct, sorted map keys, HTML-escaped strings, trailing newline).
pub fn payload(data: &TemplateData, group_key: &str, truncated: u64) -> String {
    let mut o = String::with_capacity(512 + data.alerts.len() * 384);
    o.push('{');
    write_key(&mut o, "receiver");
    write_str(&mut o, &data.receiver);
    o.push(',');
    write_key(&mut o, "status");
    write_str(&mut o, &data.status);
    o.push(',');
    write_key(&mut o, "alerts");
    o.push('[');
    for (i, a) in data.alerts.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push('{');
        write_key(&mut o, "status");
        write_str(&mut o, &a.status);
        o.push(',');
        write_key(&mut o, "labels");
        write_kv(&mut o, &a.labels);
        o.push(',');
        write_key(&mut o, "annotations");
        write_kv(&mut o, &a.annotations);
        o.push(',');
        write_key(&mut o, "startsAt");
        write_time(&mut o, &a.starts_at);
        o.push(',');
        write_key(&mut o, "endsAt");
        write_time(&mut o, &a.ends_at);
        o.push(',');
        write_key(&mut o, "generatorURL");
        write_str(&mut o, &a.generator_url);
        o.push(',');
        write_key(&mut o, "fingerprint");
        write_str(&mut o, &a.fingerprint);
        o.push('}');
    }
    o.push_str("],");
    write_key(&mut o, "groupLabels");
    write_kv(&mut o, &data.group_labels);
    o.push(',');
    write_key(&mut o, "commonLabels");
    write_kv(&mut o, &data.common_labels);
    o.push(',');
    write_key(&mut o, "commonAnnotations");
    write_kv(&mut o, &data.common_annotations);
    o.push(',');
    write_key(&mut o, "externalURL");
    write_str(&mut o, &data.external_url);
    o.push(',');
    write_key(&mut o, "version");
    write_str(&mut o, "4");
    o.push(',');
    write_key(&mut o, "groupKey");
    write_str(&mut o, group_key);
    o.push(',');
    write_key(&mut o, "truncatedAlerts");
    o.push_str(&truncated.to_string());
    o.push_str("}\n");
    o
}

impl WebhookNotifier {
    /// A notifier for `config`, using `client` (built from its `http_config`).
    pub fn new(config: WebhookConfig, template: Arc<Template>, client: HttpClient) -> Self {
        WebhookNotifier {
            config,
            template,
            client,
        }
    }

    fn url(&self) -> Result<String, NotifyError> {
        match &self.config.url {
            SecretUrlSource::Inline(u) => match u.url() {
                Some(u) => Ok(u.as_str().to_owned()),
                None => Err(NotifyError::fatal(
                    "webhook url is the <secret> placeholder",
                )),
            },
            SecretUrlSource::File(path) => std::fs::read_to_string(path)
                .map(|s| s.trim().to_owned())
                .map_err(|e| NotifyError::fatal(format!("read url_file: {e}"))),
        }
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let (alerts, truncated) = truncate_alerts(self.config.max_alerts, alerts);
        let data = template_data(
            &self.template,
            &ctx.receiver,
            &ctx.group_labels,
            alerts,
            ctx.now,
        );
        let body = payload(&data, &ctx.group_key, truncated);
        let url = self.url()?;
        let timeout = (!self.config.timeout.is_zero() && self.config.timeout.0 > 0)
            .then(|| self.config.timeout.to_std());
        let request = self
            .client
            .post(&url, "application/json", body.into_bytes(), timeout);
        let resp = match request.await {
            Ok(resp) => resp,
            Err(mut message) => {
                if timeout.is_some() && message.contains("timed out") {
                    let shown = self.config.timeout;
                    message.push_str(&format!(": configured webhook timeout reached ({shown})"));
                }
                return Err(NotifyError::retryable(message));
            }
        };
        check_status(resp.status, &[], &resp.error_body)
    }
}

impl Notifier for WebhookNotifier {
    fn notify<'a>(
        &'a self,
        ctx: &'a NotifyContext,
        alerts: &'a [Alert],
    ) -> BoxFuture<'a, Result<(), NotifyError>> {
        Box::pin(self.send(ctx, alerts))
    }
}
