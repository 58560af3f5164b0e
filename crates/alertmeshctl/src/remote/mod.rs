//! The commands that talk to a running Alertmanager (upstream `cli/alert*.go`,
//! `cli/silence*.go`, `cli/cluster.go`, `cli/config.go`, `cli/routing.go`,
//! `cli/test_routing.go`, `cli/utils.go`, v0.28): shared context (client, formatter, matcher
//! parsing) and dispatch to the per-command modules.

pub mod alert;
pub mod client;
pub mod format;
pub mod http_config;
pub mod routes;
pub mod silence;

use std::io::Write;

use am_api::v2::Matcher as ApiMatcher;
use am_model::go_quote::quote;
use am_model::matcher::parse::{ParseMode, parse_matcher};
use am_model::matcher::{MatchType, Matcher};
use anyhow::anyhow;

use crate::cli::{GlobalArgs, OutputFormat};
use client::Client;
use format::Formatter;

/// An error amtool reports through `kingpin.Fatalf` without a trailing newline in the format,
/// so no blank line follows the message (every other command error gets one).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NoBlankLine(pub String);

/// Everything a remote command needs.
pub struct Ctx {
    /// The API client.
    pub client: Client,
    /// Output kind.
    pub output: OutputFormat,
    /// Go layout for dates.
    pub date_format: String,
    /// Matcher parser (`--enable-feature`).
    pub mode: ParseMode,
    /// Where output goes.
    pub out: Box<dyn Write>,
}

impl Ctx {
    /// Builds the context from the global flags.
    ///
    /// # Errors
    /// Both URL credentials and an http config file, or an unusable http config file.
    pub fn new(global: &GlobalArgs, mode: ParseMode) -> anyhow::Result<Ctx> {
        let url = global.alertmanager_url.as_ref();
        let has_user = url.is_some_and(|u| !u.username().is_empty() || u.password().is_some());
        let (auth, builder) = match &global.http_config_file {
            Some(path) => {
                if has_user {
                    return Err(NoBlankLine(
                        "basic authentication and http.config.file are mutually exclusive".into(),
                    )
                    .into());
                }
                let settings =
                    http_config::load(path).map_err(|e| NoBlankLine(format!("{e:#}")))?;
                (settings.auth, settings.builder)
            }
            None => (None, http_config::default_builder()),
        };
        let client = Client::new(url, auth, builder, global.timeout)
            .map_err(|e| NoBlankLine(format!("{e:#}")))?;
        Ok(Ctx {
            client,
            output: global.output,
            date_format: global.date_format.clone(),
            mode,
            out: Box::new(std::io::stdout()),
        })
    }

    /// The formatter for `-o`.
    pub fn formatter(&self) -> Formatter<'_> {
        Formatter {
            kind: self.output,
            date_format: &self.date_format,
        }
    }

    /// Writes `text` to the output.
    ///
    /// # Errors
    /// The output cannot be written.
    pub fn print(&mut self, text: &str) -> anyhow::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()?;
        Ok(())
    }

    /// `compat.Matcher(s, "cli")`: one matcher; warnings of the fallback parser go to stderr.
    ///
    /// # Errors
    /// The parser's error.
    pub fn matcher(&self, input: &str) -> anyhow::Result<Matcher> {
        let parsed = parse_matcher(input, self.mode).map_err(|e| anyhow!("{e}"))?;
        for w in &parsed.warnings {
            eprintln!("level=WARN msg={}", quote(w));
        }
        parsed
            .matchers
            .0
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("no matchers"))
    }

    /// amtool's rule for the first matcher argument: when it does not parse, it is the
    /// alertname (`alertname="<arg>"`, quoted as Go's `strconv.Quote`).
    pub fn default_alertname(&self, args: &mut [String]) {
        if let Some(first) = args.first_mut()
            && parse_matcher(first, self.mode).is_err()
        {
            *first = format!("alertname={}", quote(first));
        }
    }

    /// `name=value` arguments as labels (`labels must be specified as key=value pairs`).
    ///
    /// # Errors
    /// An argument is not a matcher or not an equality matcher (`what` names the kind).
    pub fn label_pairs(
        &self,
        args: &[String],
        what: &str,
    ) -> anyhow::Result<am_model::labels::LabelSet> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for arg in args {
            let m = self.matcher(arg)?;
            if m.match_type() != MatchType::Equal {
                anyhow::bail!("{what} must be specified as key=value pairs");
            }
            pairs.retain(|(k, _)| k != m.name());
            pairs.push((m.name().to_owned(), m.value().to_owned()));
        }
        Ok(am_model::labels::LabelSet::new(pairs))
    }
}

/// `TypeMatcher`: a parsed matcher as the API's `{name, value, isRegex, isEqual}`.
pub fn api_matcher(m: &Matcher) -> ApiMatcher {
    ApiMatcher {
        is_equal: m.match_type().is_equal(),
        is_regex: m.match_type().is_regex(),
        name: m.name().to_owned(),
        value: m.value().to_owned(),
    }
}

/// Runs a future on a fresh single-threaded runtime.
///
/// # Errors
/// The runtime cannot start, or the future's error.
pub fn block_on<T>(fut: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(fut)
}

/// Parses `time.Parse(time.RFC3339, s)` into a wire time.
///
/// # Errors
/// Go's wording of the parse error.
pub fn parse_rfc3339(s: &str) -> anyhow::Result<am_api::DateTime> {
    let t = am_template::gotime::parse_rfc3339(s).map_err(|e| anyhow!("{e}"))?;
    t.timestamp()
        .map(am_api::DateTime)
        .ok_or_else(|| anyhow!("time {s:?} is out of range"))
}
