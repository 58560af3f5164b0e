//! Integrations: a [`Notifier`] (what sends) with its identity in the configuration (receiver,
//! kind, index per kind) and `send_resolved`. Mirrors upstream `notify.Integration`,
//! `notify.Notifier` (`notify/notify.go`) and `receiver.BuildReceiverIntegrations`
//! (`config/receiver/receiver.go`, v0.28) for the kinds alertmesh supports; the others get a
//! notifier that always fails.

use std::sync::Arc;

use am_config::receiver::Receiver;
use am_model::alert::Alert;
use am_model::labels::LabelSet;
use am_template::alertmanager::Template;
use futures::future::BoxFuture;
use jiff::Timestamp;

use super::email::EmailNotifier;
use super::error::NotifyError;
use super::http::{HttpClient, HttpClientError};
use super::webhook::WebhookNotifier;

/// What a notifier knows about the notification besides the alerts (upstream's context
/// values: receiver name, group key, group labels, `now`, and the deadline).
#[derive(Clone, Debug)]
pub struct NotifyContext {
    /// The receiver's name.
    pub receiver: String,
    /// The aggregation group's key (`route key:group labels`).
    pub group_key: String,
    /// The aggregation group's labels.
    pub group_labels: LabelSet,
    /// The flush time.
    pub now: Timestamp,
    /// When the pipeline gives up (requests are cancelled then).
    pub deadline: tokio::time::Instant,
}

/// Sends one notification (upstream `notify.Notifier`).
pub trait Notifier: Send + Sync {
    /// Sends `alerts`; the error says whether retrying may help.
    fn notify<'a>(
        &'a self,
        ctx: &'a NotifyContext,
        alerts: &'a [Alert],
    ) -> BoxFuture<'a, Result<(), NotifyError>>;
}

/// A notifier plus its place in the configuration (upstream `notify.Integration`).
#[derive(Clone)]
pub struct Integration {
    /// The integration kind (`webhook`, `email`, ...), the `integration` metrics label.
    pub name: &'static str,
    /// Index among the receiver's integrations of this kind.
    pub idx: usize,
    /// The receiver's name.
    pub receiver: String,
    /// Whether resolved alerts are sent.
    pub send_resolved: bool,
    /// The sender.
    pub notifier: Arc<dyn Notifier>,
}

impl std::fmt::Debug for Integration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}[{}]", self.receiver, self.name, self.idx)
    }
}

impl Integration {
    /// `kind[idx]`, as upstream's `Integration.String`.
    pub fn label(&self) -> String {
        format!("{}[{}]", self.name, self.idx)
    }
}

/// Settings shared by all integrations built from a configuration.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The `User-Agent` header (`Alertmanager/<version>`).
    pub user_agent: String,
    /// Deliver HTTP requests through this transport instead of the network (in-process tests
    /// under simulated time); `None` in production.
    pub transport: Option<Arc<dyn super::http::HttpTransport>>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            user_agent: format!("Alertmanager/{}", env!("CARGO_PKG_VERSION")),
            transport: None,
        }
    }
}

/// A receiver's integration could not be built.
#[derive(Debug, thiserror::Error)]
#[error("receiver {receiver:?}: {kind}[{idx}]: {source}")]
pub struct BuildError {
    /// The receiver.
    pub receiver: String,
    /// The integration kind.
    pub kind: &'static str,
    /// Index within the kind.
    pub idx: usize,
    /// Why.
    #[source]
    pub source: HttpClientError,
}

/// A notifier for a kind alertmesh cannot send yet: every attempt fails, not retryable.
#[derive(Clone, Debug)]
pub struct UnsupportedNotifier {
    kind: &'static str,
}

impl UnsupportedNotifier {
    /// For integration kind `kind`.
    pub fn new(kind: &'static str) -> UnsupportedNotifier {
        UnsupportedNotifier { kind }
    }
}

impl Notifier for UnsupportedNotifier {
    fn notify<'a>(
        &'a self,
        _ctx: &'a NotifyContext,
        _alerts: &'a [Alert],
    ) -> BoxFuture<'a, Result<(), NotifyError>> {
        let err = NotifyError::fatal(format!(
            "{} integration is not supported by this alertmesh version yet",
            self.kind
        ));
        Box::pin(std::future::ready(Err(err)))
    }
}

/// Upstream `BuildReceiverIntegrations`: one integration per `*_configs` entry, in upstream's
/// kind order, indexed per kind.
///
/// # Errors
/// An HTTP client that cannot be built (unreadable or invalid TLS files, bad proxy URL).
pub fn build_receiver(
    receiver: &Receiver,
    template: &Arc<Template>,
    options: &BuildOptions,
) -> Result<Vec<Integration>, BuildError> {
    let mut out = Vec::new();
    let name = &receiver.name;
    let mut push = |kind: &'static str, idx: usize, send_resolved: bool, n: Arc<dyn Notifier>| {
        out.push(Integration {
            name: kind,
            idx,
            receiver: name.clone(),
            send_resolved,
            notifier: n,
        });
    };
    macro_rules! unsupported {
        ($($list:ident => $kind:literal),* $(,)?) => {$(
            for (idx, c) in receiver.$list.iter().enumerate() {
                push($kind, idx, c.send_resolved, Arc::new(UnsupportedNotifier::new($kind)));
            }
        )*};
    }
    for (idx, c) in receiver.webhook_configs.iter().enumerate() {
        let client =
            HttpClient::new(&c.http_config, &options.user_agent).map_err(|source| BuildError {
                receiver: name.clone(),
                kind: "webhook",
                idx,
                source,
            })?;
        let client = match &options.transport {
            Some(t) => client.with_transport(Arc::clone(t)),
            None => client,
        };
        let n = WebhookNotifier::new(c.clone(), Arc::clone(template), client);
        push("webhook", idx, c.send_resolved, Arc::new(n));
    }
    for (idx, c) in receiver.email_configs.iter().enumerate() {
        let n = EmailNotifier::new(c.clone(), Arc::clone(template));
        push("email", idx, c.send_resolved, Arc::new(n));
    }
    unsupported!(
        pagerduty_configs => "pagerduty",
        opsgenie_configs => "opsgenie",
        wechat_configs => "wechat",
        slack_configs => "slack",
        victorops_configs => "victorops",
        pushover_configs => "pushover",
        sns_configs => "sns",
        telegram_configs => "telegram",
        discord_configs => "discord",
        webex_configs => "webex",
        msteams_configs => "msteams",
        msteamsv2_configs => "msteamsv2",
        jira_configs => "jira",
        rocketchat_configs => "rocketchat",
    );
    Ok(out)
}
