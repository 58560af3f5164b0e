//! The email integration (upstream `notify/email/email.go`, v0.28) with alertmesh's own SMTP
//! client: implicit TLS on port 465, otherwise a plain connection upgraded with `STARTTLS`
//! when `require_tls` (the default) is set, `EHLO` with `hello`, `AUTH` when the server offers
//! it and a user name is configured, then one message to every address of the rendered `to`.
//!
//! - [`smtp`]: the SMTP client; [`auth`]: mechanisms; [`tls`]: rustls settings;
//! - [`message`]: headers, quoted-printable multipart body, dot-stuffing;
//! - [`address`]: Go's `mail.ParseAddressList`.
//!
//! Like upstream, failures after the connection is opened are retryable, template and address
//! errors are not. Unlike upstream, every template is rendered before `MAIL FROM`, so a
//! template error never leaves a half-written message on the server.

pub mod address;
pub mod auth;
pub mod message;
pub mod smtp;
pub mod tls;

use std::sync::Arc;

use am_config::receiver::EmailConfig;
use am_model::alert::Alert;
use am_template::alertmanager::Template;
use futures::future::BoxFuture;
use tokio::net::TcpStream;

use self::auth::{Credentials, Mechanism};
use self::message::{MessageSpec, Part};
use self::smtp::{Client, Io, SmtpError};
use super::data::template_data;
use super::error::NotifyError;
use super::integration::{Notifier, NotifyContext};

/// The email notifier.
#[derive(Clone, Debug)]
pub struct EmailNotifier {
    config: EmailConfig,
    template: Arc<Template>,
    hostname: String,
    implicit_tls_port: String,
}

/// The machine's host name for `Message-Id` (`localhost.localdomain` when unknown, as
/// upstream).
pub fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost.localdomain".to_owned())
}

fn retry(msg: impl std::fmt::Display) -> NotifyError {
    NotifyError::retryable(msg.to_string())
}

fn fatal(msg: impl std::fmt::Display) -> NotifyError {
    NotifyError::fatal(msg.to_string())
}

/// Everything rendered from the templates for one notification.
struct Rendered {
    from: String,
    to: Vec<String>,
    headers: Vec<(String, String)>,
    text: Option<String>,
    html: Option<String>,
}

fn service_port(port: &str) -> Option<u16> {
    port.parse().ok().or(match port {
        "smtp" => Some(25),
        "submission" => Some(587),
        "smtps" | "submissions" => Some(465),
        _ => None,
    })
}

impl EmailNotifier {
    /// A notifier for `config`; like upstream's `New`, `Subject`, `To` and `From` headers are
    /// added when `headers` lacks them.
    pub fn new(mut config: EmailConfig, template: Arc<Template>) -> EmailNotifier {
        let defaults = [
            (
                "Subject",
                am_config::receiver::email::DEFAULT_SUBJECT.to_owned(),
            ),
            ("To", config.to.clone()),
            ("From", config.from.clone()),
        ];
        for (name, value) in defaults {
            config.headers.entry(name.to_owned()).or_insert(value);
        }
        EmailNotifier {
            config,
            template,
            hostname: hostname(),
            implicit_tls_port: "465".to_owned(),
        }
    }

    /// The same notifier with another host name in `Message-Id`.
    pub fn with_hostname(mut self, hostname: impl Into<String>) -> EmailNotifier {
        self.hostname = hostname.into();
        self
    }

    /// The same notifier treating smarthost port `port` (not 465) as the implicit-TLS port, so
    /// tests can exercise implicit TLS on an ephemeral port.
    #[doc(hidden)]
    pub fn with_implicit_tls_port(mut self, port: impl Into<String>) -> EmailNotifier {
        self.implicit_tls_port = port.into();
        self
    }

    fn password(&self) -> Result<String, String> {
        match &self.config.auth_password {
            None => Ok(String::new()),
            Some(src) => src.read().map(|s| s.expose().to_owned()).map_err(|e| {
                let path = src
                    .file()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                format!("could not read {path}: {e}")
            }),
        }
    }

    fn render(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Rendered, NotifyError> {
        let data = template_data(
            &self.template,
            &ctx.receiver,
            &ctx.group_labels,
            alerts,
            ctx.now,
        )
        .to_value();
        let t = &self.template;
        let from = t
            .execute_text_string(&self.config.from, &data)
            .map_err(|e| fatal(format_args!("execute 'from' template: {e}")))?;
        let to = t
            .execute_text_string(&self.config.to, &data)
            .map_err(|e| fatal(format_args!("execute 'to' template: {e}")))?;
        let mut from = address::parse_address_list(&from)
            .map_err(|e| fatal(format_args!("parse 'from' addresses: {e}")))?;
        if from.len() != 1 {
            let n = from.len();
            return Err(fatal(format_args!(
                "must be exactly one 'from' address (got: {n})"
            )));
        }
        let to = address::parse_address_list(&to)
            .map_err(|e| fatal(format_args!("parse 'to' addresses: {e}")))?;
        let mut headers = Vec::with_capacity(self.config.headers.len());
        for (name, value) in &self.config.headers {
            let v = t.execute_text_string(value, &data).map_err(|e| {
                let q = am_model::go_quote::quote(name);
                fatal(format_args!("execute {q} header template: {e}"))
            })?;
            headers.push((name.clone(), v));
        }
        let text = match self.config.text.as_str() {
            "" => None,
            tmpl => Some(
                t.execute_text_string(tmpl, &data)
                    .map_err(|e| fatal(format_args!("execute text template: {e}")))?,
            ),
        };
        let html = match self.config.html.as_str() {
            "" => None,
            tmpl => Some(
                t.execute_html_string(tmpl, &data)
                    .map_err(|e| fatal(format_args!("execute html template: {e}")))?,
            ),
        };
        Ok(Rendered {
            from: from.remove(0),
            to,
            headers,
            text,
            html,
        })
    }

    fn message(&self, ctx: &NotifyContext, r: &Rendered) -> Vec<u8> {
        let mut parts = Vec::with_capacity(2);
        if let Some(text) = &r.text {
            parts.push(Part {
                content_type: "text/plain; charset=UTF-8",
                body: text,
            });
        }
        if let Some(html) = &r.html {
            parts.push(Part {
                content_type: "text/html; charset=UTF-8",
                body: html,
            });
        }
        let message_id = (!self.config.headers.contains_key("Message-Id")).then(|| {
            let nanos = ctx.now.as_nanosecond();
            format!("<{nanos}.{}@{}>", rand::random::<u64>(), self.hostname)
        });
        let boundary = message::random_boundary();
        message::build(&MessageSpec {
            headers: &r.headers,
            message_id,
            date: ctx.now,
            boundary: &boundary,
            parts: &parts,
        })
    }

    async fn connect(&self) -> Result<Client, NotifyError> {
        let host = self.config.smarthost.host();
        let port_text = self.config.smarthost.port();
        let port = service_port(port_text).ok_or_else(|| {
            retry(format_args!(
                "establish connection to server: unknown port {port_text}"
            ))
        })?;
        let implicit = port_text == self.implicit_tls_port;
        let what = if implicit {
            "establish TLS connection to server"
        } else {
            "establish connection to server"
        };
        let tls_setup = if implicit {
            let tls = &self.config.tls_config;
            let config = tls::client_config(tls)
                .map_err(|e| fatal(format_args!("parse TLS configuration: {e}")))?;
            let sni = tls::server_name(tls, host)
                .map_err(|e| fatal(format_args!("parse TLS configuration: {e}")))?;
            Some((config, sni))
        } else {
            None
        };
        let tcp = TcpStream::connect((host, port))
            .await
            .map_err(|e| retry(format_args!("{what}: {e}")))?;
        let _ = tcp.set_nodelay(true);
        let conn: Box<dyn Io> = match tls_setup {
            Some((config, sni)) => {
                let stream = tokio_rustls::TlsConnector::from(config)
                    .connect(sni, tcp)
                    .await
                    .map_err(|e| retry(format_args!("{what}: {e}")))?;
                Box::new(stream)
            }
            None => Box::new(tcp),
        };
        Client::new(conn, host, implicit)
            .await
            .map_err(|e| retry(format_args!("create SMTP client: {e}")))
    }

    /// One notification: connects, sends, and says `QUIT` (also after a failure, best effort).
    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let client = self.connect().await?;
        let (client, result) = self.session(client, ctx, alerts).await;
        if let Some(client) = client {
            let quit = client.quit().await;
            if result.is_ok()
                && let Err(e) = quit
            {
                tracing::warn!(err = %e, "failed to close SMTP connection");
            }
        }
        result
    }

    /// `EHLO` and `STARTTLS`, then the rest; returns the client when it can still say `QUIT`.
    async fn session(
        &self,
        mut client: Client,
        ctx: &NotifyContext,
        alerts: &[Alert],
    ) -> (Option<Client>, Result<(), NotifyError>) {
        let c = &self.config;
        if !c.hello.is_empty()
            && let Err(e) = client.say_hello(&c.hello).await
        {
            return (
                Some(client),
                Err(retry(format_args!("send EHLO command: {e}"))),
            );
        }
        if c.require_tls {
            if client.extension("STARTTLS").await.is_none() {
                let q = am_model::go_quote::quote(&c.smarthost.to_string());
                let e = retry(format_args!(
                    "'require_tls' is true (default) but {q} does not advertise the STARTTLS extension"
                ));
                return (Some(client), Err(e));
            }
            let setup = tls::client_config(&c.tls_config).and_then(|config| {
                tls::server_name(&c.tls_config, c.smarthost.host()).map(|sni| (config, sni))
            });
            let (config, sni) = match setup {
                Ok(v) => v,
                Err(e) => {
                    let e = fatal(format_args!("parse TLS configuration: {e}"));
                    return (Some(client), Err(e));
                }
            };
            client = match client.start_tls(config, sni).await {
                Ok(tls) => tls,
                Err((back, e)) => {
                    return (back, Err(retry(format_args!("send STARTTLS command: {e}"))));
                }
            };
        }
        let result = self.authenticated(&mut client, ctx, alerts).await;
        (Some(client), result)
    }

    async fn authenticated(
        &self,
        client: &mut Client,
        ctx: &NotifyContext,
        alerts: &[Alert],
    ) -> Result<(), NotifyError> {
        let c = &self.config;
        if let Some(mechs) = client.extension("AUTH").await {
            let creds = Credentials {
                username: c.auth_username.clone(),
                secret: c.auth_secret.expose().to_owned(),
                identity: c.auth_identity.clone(),
            };
            let mech = Mechanism::choose(&mechs, &creds, || self.password())
                .map_err(|e| retry(format_args!("find auth mechanism: {e}")))?;
            if let Some(mech) = mech {
                client
                    .auth(&mech)
                    .await
                    .map_err(|e| retry(format_args!("{} auth: {e}", mech.go_type())))?;
            }
        }
        let rendered = self.render(ctx, alerts)?;
        client
            .mail(&rendered.from)
            .await
            .map_err(|e| retry(format_args!("send MAIL command: {e}")))?;
        for to in &rendered.to {
            client
                .rcpt(to)
                .await
                .map_err(|e| retry(format_args!("send RCPT command: {e}")))?;
        }
        client
            .data()
            .await
            .map_err(|e| retry(format_args!("send DATA command: {e}")))?;
        let body = message::dot_stuff(&self.message(ctx, &rendered));
        client
            .send_data(&body)
            .await
            .map_err(|e: SmtpError| retry(format_args!("delivery failure: {e}")))
    }
}

impl Notifier for EmailNotifier {
    fn notify<'a>(
        &'a self,
        ctx: &'a NotifyContext,
        alerts: &'a [Alert],
    ) -> BoxFuture<'a, Result<(), NotifyError>> {
        Box::pin(self.send(ctx, alerts))
    }
}
