//! The command-line surface of `alertmeshctl`: global flags and the command tree. It mirrors
//! amtool's (upstream `cli/root.go` and the per-command files `cli/alert*.go`, `cli/silence*.go`,
//! `cli/check_config.go`, `cli/config.go`, `cli/routing.go`, `cli/test_routing.go`,
//! `cli/cluster.go`, `cli/template*.go`), so scripts written for amtool keep working.
//!
//! Only the parsing lives here; `main.rs` dispatches to the command implementations.

use std::path::PathBuf;
use std::time::Duration;

use am_model::duration::GoDuration;
use clap::{Args, Parser, Subcommand, ValueEnum};

const ROOT_LONG_ABOUT: &str = "\
View and modify the current Alertmanager state.

alertmeshctl speaks to alertmesh and to Prometheus Alertmanager alike, and accepts amtool's \
commands and flags.";

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "alertmeshctl",
    version,
    about = "View and modify the current Alertmanager state (amtool-compatible)",
    long_about = ROOT_LONG_ABOUT,
    propagate_version = true
)]
pub struct Cli {
    /// Flags accepted before or after any command.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// amtool's global flags.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Verbose running information
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,

    /// Alertmanager to talk to
    #[arg(long = "alertmanager.url", value_name = "URL", value_parser = parse_url, global = true)]
    pub alertmanager_url: Option<url::Url>,

    /// Output formatter
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Simple, global = true)]
    pub output: OutputFormat,

    /// Timeout for the executed command
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout, global = true)]
    pub timeout: Duration,

    /// HTTP client configuration file for alertmeshctl to connect to Alertmanager
    #[arg(long = "http.config.file", value_name = "FILENAME", global = true)]
    pub http_config_file: Option<PathBuf>,

    /// Check the Alertmanager version (default); use --no-version-check to disable
    #[arg(
        long = "version-check",
        overrides_with = "no_version_check",
        global = true
    )]
    pub version_check: bool,

    /// Do not check the Alertmanager version
    #[arg(
        long = "no-version-check",
        overrides_with = "version_check",
        global = true
    )]
    pub no_version_check: bool,

    /// Format of date output (a Go time layout)
    #[arg(
        long = "date.format",
        value_name = "LAYOUT",
        default_value = "2006-01-02 15:04:05 MST",
        global = true
    )]
    pub date_format: String,

    /// Experimental features to enable, comma separated; the flag can be repeated. Valid options:
    /// receiver-name-in-metrics, classic-mode, utf8-strict-mode, auto-gomemlimit, auto-gomaxprocs
    #[arg(long = "enable-feature", value_name = "FEATURES", global = true)]
    pub enable_feature: Vec<String>,
}

/// `-o/--output` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per item
    Simple,
    /// Every field
    Extended,
    /// JSON, as the API returns it
    Json,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add or query alerts
    Alert(AlertCmd),
    /// Add, expire or view silences
    Silence(SilenceCmd),
    /// Validate alertmanager config files
    ///
    /// Validates the syntax and schema of alertmanager config files and their templates.
    /// Template globs that match no file are not an error. With no FILE, reads standard input.
    #[command(name = "check-config")]
    CheckConfig(CheckConfigArgs),
    /// View cluster status and peers
    Cluster(ClusterCmd),
    /// View current config
    Config(ConfigCmd),
    /// Render template files
    Template(TemplateCmd),
}

/// `check-config` arguments.
#[derive(Debug, Args)]
pub struct CheckConfigArgs {
    /// Files to be validated
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `alert`, whose default subcommand is `query`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AlertCmd {
    /// The subcommand (default: query).
    #[command(subcommand)]
    pub command: Option<AlertSub>,
    /// Arguments of the default `query` subcommand.
    #[command(flatten)]
    pub query: AlertQueryArgs,
}

/// `alert` subcommands.
#[derive(Debug, Subcommand)]
pub enum AlertSub {
    /// View and search through current alerts (default)
    Query(AlertQueryArgs),
    /// Add a new alert
    Add(AlertAddArgs),
}

/// `alert query` arguments.
#[derive(Debug, Args)]
pub struct AlertQueryArgs {
    /// Show inhibited alerts
    #[arg(short = 'i', long)]
    pub inhibited: bool,
    /// Show silenced alerts
    #[arg(short = 's', long)]
    pub silenced: bool,
    /// Show active alerts
    #[arg(short = 'a', long)]
    pub active: bool,
    /// Show unprocessed alerts
    #[arg(short = 'u', long)]
    pub unprocessed: bool,
    /// Show alerts matching receiver (supports regex syntax)
    #[arg(short = 'r', long)]
    pub receiver: Option<String>,
    /// Query filter (matchers; a first argument without an operator means alertname=<arg>)
    #[arg(value_name = "MATCHER")]
    pub matcher_groups: Vec<String>,
}

/// `alert add` arguments.
#[derive(Debug, Args)]
pub struct AlertAddArgs {
    /// Set the URL of the source that generated the alert
    #[arg(long = "generator-url")]
    pub generator_url: Option<String>,
    /// Set when the alert should start (RFC3339)
    #[arg(long)]
    pub start: Option<String>,
    /// Set when the alert should end (RFC3339)
    #[arg(long)]
    pub end: Option<String>,
    /// Set an annotation to be included with the alert (name=value, repeatable)
    #[arg(long)]
    pub annotation: Vec<String>,
    /// Labels to be included with the alert (name=value; a first bare word is the alertname)
    #[arg(value_name = "LABEL")]
    pub labels: Vec<String>,
}

/// `silence`, whose default subcommand is `query`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SilenceCmd {
    /// The subcommand (default: query).
    #[command(subcommand)]
    pub command: Option<SilenceSub>,
    /// Arguments of the default `query` subcommand.
    #[command(flatten)]
    pub query: SilenceQueryArgs,
}

/// `silence` subcommands.
#[derive(Debug, Subcommand)]
pub enum SilenceSub {
    /// Add a new alertmanager silence
    Add(SilenceAddArgs),
    /// Query Alertmanager silences (default)
    Query(SilenceQueryArgs),
    /// Expire an alertmanager silence
    Expire(SilenceExpireArgs),
    /// Update silences
    Update(SilenceUpdateArgs),
    /// Import silences from a JSON file (the output of `silence query -o json`)
    Import(SilenceImportArgs),
}

/// `silence add` arguments.
#[derive(Debug, Args)]
pub struct SilenceAddArgs {
    /// Username for the CreatedBy field (default: $USER)
    #[arg(short = 'a', long)]
    pub author: Option<String>,
    /// Require a comment to be set (the default; a kingpin boolean flag)
    #[arg(
        long = "require-comment",
        hide = true,
        overrides_with = "no_require_comment"
    )]
    pub require_comment: bool,
    /// Do not require a comment
    #[arg(
        long = "no-require-comment",
        hide = true,
        overrides_with = "require_comment"
    )]
    pub no_require_comment: bool,
    /// Duration of silence
    #[arg(short = 'd', long, default_value = "1h")]
    pub duration: String,
    /// When the silence starts and ends, and its comment.
    #[command(flatten)]
    pub window: SilenceWindowArgs,
    /// Matchers (a first bare word means alertname=<word>)
    #[arg(value_name = "MATCHER")]
    pub matcher_groups: Vec<String>,
}

/// The `--start`, `--end` and `--comment` flags of `silence add` and `silence update`.
#[derive(Debug, Args)]
pub struct SilenceWindowArgs {
    /// Set when the silence should start (RFC3339)
    #[arg(long)]
    pub start: Option<String>,
    /// Set when the silence should end, overriding --duration (RFC3339)
    #[arg(long)]
    pub end: Option<String>,
    /// A comment to help describe the silence
    #[arg(short = 'c', long)]
    pub comment: Option<String>,
}

/// `silence query` arguments.
#[derive(Debug, Args)]
pub struct SilenceQueryArgs {
    /// Show expired silences instead of active
    #[arg(long)]
    pub expired: bool,
    /// Only show silence ids
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Show silences that belong to this creator
    #[arg(long = "created-by")]
    pub created_by: Option<String>,
    /// Get a single silence by its ID
    #[arg(long)]
    pub id: Option<String>,
    /// Show silences that will expire or have expired within a duration
    #[arg(long, value_parser = parse_timeout)]
    pub within: Option<Duration>,
    /// Query filter (matchers)
    #[arg(value_name = "MATCHER")]
    pub matcher_groups: Vec<String>,
}

/// `silence expire` arguments.
#[derive(Debug, Args)]
pub struct SilenceExpireArgs {
    /// Ids of silences to expire
    #[arg(value_name = "SILENCE_ID")]
    pub ids: Vec<String>,
}

/// `silence update` arguments.
#[derive(Debug, Args)]
pub struct SilenceUpdateArgs {
    /// Only show silence ids
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Duration of silence
    #[arg(short = 'd', long)]
    pub duration: Option<String>,
    /// When the silence starts and ends, and its comment.
    #[command(flatten)]
    pub window: SilenceWindowArgs,
    /// Silence IDs to update
    #[arg(value_name = "SILENCE_ID")]
    pub ids: Vec<String>,
}

/// `silence import` arguments.
#[derive(Debug, Args)]
pub struct SilenceImportArgs {
    /// Force adding new silences even if they already exist
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Number of concurrent workers to use for import
    #[arg(short = 'w', long, default_value_t = 8)]
    pub worker: usize,
    /// JSON file with silences (standard input when omitted)
    #[arg(value_name = "INPUT_FILE")]
    pub input_file: Option<PathBuf>,
}

/// `cluster`, whose default subcommand is `show`.
#[derive(Debug, Args)]
pub struct ClusterCmd {
    /// The subcommand (default: show).
    #[command(subcommand)]
    pub command: Option<ClusterSub>,
}

/// `cluster` subcommands.
#[derive(Debug, Subcommand)]
pub enum ClusterSub {
    /// View cluster status and peers (default)
    Show,
}

/// `config`, whose default subcommand is `show`.
#[derive(Debug, Args)]
pub struct ConfigCmd {
    /// The subcommand (default: show).
    #[command(subcommand)]
    pub command: Option<ConfigSub>,
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigSub {
    /// View current config (default)
    Show,
    /// Show the routing tree, or test which receivers a label set routes to
    Routes(RoutesCmd),
}

/// `config routes`, whose default subcommand is `show`.
#[derive(Debug, Args)]
pub struct RoutesCmd {
    /// Config file to be tested (default: the running Alertmanager's configuration)
    #[arg(long = "config.file", value_name = "FILE", global = true)]
    pub config_file: Option<PathBuf>,
    /// The subcommand (default: show).
    #[command(subcommand)]
    pub command: Option<RoutesSub>,
}

/// `config routes` subcommands.
#[derive(Debug, Subcommand)]
pub enum RoutesSub {
    /// Print the routing tree (default)
    Show,
    /// Test which receivers a label set is routed to
    Test(RoutesTestArgs),
}

/// `config routes test` arguments.
#[derive(Debug, Args)]
pub struct RoutesTestArgs {
    /// Fail unless the label set routes to exactly these receivers (comma separated)
    #[arg(long = "verify.receivers", value_name = "RECEIVERS")]
    pub verify_receivers: Option<String>,
    /// Print out the matching routes tree
    #[arg(long)]
    pub tree: bool,
    /// Labels to be tested against the configured routes (name=value)
    #[arg(value_name = "LABEL")]
    pub labels: Vec<String>,
}

/// `template` command.
#[derive(Debug, Args)]
pub struct TemplateCmd {
    /// The subcommand.
    #[command(subcommand)]
    pub command: TemplateSub,
}

/// `template` subcommands.
#[derive(Debug, Subcommand)]
pub enum TemplateSub {
    /// Render a given definition in a template file to standard output
    Render(TemplateRenderArgs),
}

/// `template render` arguments.
#[derive(Debug, Args)]
pub struct TemplateRenderArgs {
    /// Glob of paths that will be expanded and used for rendering (repeatable)
    #[arg(long = "template.glob", value_name = "GLOB", required = true)]
    pub template_glob: Vec<String>,
    /// The template that will be rendered
    #[arg(long = "template.text", value_name = "TEXT", required = true)]
    pub template_text: String,
    /// The type of the template
    #[arg(long = "template.type", value_enum, default_value_t = TemplateType::Text)]
    pub template_type: TemplateType,
    /// JSON file with the data (template.Data layout) to render with; a sample alert when omitted
    #[arg(long = "template.data", value_name = "FILE")]
    pub template_data: Option<PathBuf>,
}

/// `--template.type` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplateType {
    /// text/template semantics
    Text,
    /// html/template semantics (contextual escaping)
    Html,
}

/// A duration flag in Go's `time.ParseDuration` syntax (kingpin's `DurationVar`); negative
/// durations are rejected because no flag of ours has a use for them.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    text.parse::<GoDuration>()
        .map(Duration::from)
        .map_err(|e| e.to_string())
}

fn parse_url(text: &str) -> Result<url::Url, String> {
    url::Url::parse(text).map_err(|e| format!("invalid URL {text:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_use_go_duration_syntax() {
        assert_eq!(parse_timeout("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_timeout("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_timeout("+300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_timeout("0"), Ok(Duration::ZERO));
        assert_eq!(
            parse_timeout("1d"),
            Err(r#"time: unknown unit "d" in duration "1d""#.to_owned())
        );
        assert_eq!(
            parse_timeout("5"),
            Err(r#"time: missing unit in duration "5""#.to_owned())
        );
        for bad in ["", "-5s", "s", "1..5s", "5 s", "1h-5m", "."] {
            assert!(parse_timeout(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
