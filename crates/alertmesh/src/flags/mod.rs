//! The command line of the alertmesh server: every flag of Alertmanager 0.28
//! (`cmd/alertmanager/main.go`, the cluster flags whose defaults live in `cluster/cluster.go`, the
//! web flags of `exporter-toolkit/web/kingpinflag` and the log flags of `promslog/flag`), with the
//! same names, defaults and kingpin parsing rules:
//!
//! - `--flag=value` and `--flag value`; repeatable flags (`--web.listen-address`,
//!   `--cluster.peer`, `--enable-feature`) replace their default when given;
//! - boolean flags take no value and have a `--no-<flag>` negation (last one wins);
//! - durations use Go `time.ParseDuration` syntax, integers are read like kingpin reads them;
//!   negative durations are refused (upstream accepts them and misbehaves), except for
//!   `--web.timeout`, where upstream documents "negative or zero" as "no timeout";
//! - `@file` arguments are replaced by the lines of `file` (kingpin's argument files);
//! - errors print as `alertmesh: error: <message>, try --help` and exit with status 1.
//!
//! Flags that only tune the Go runtime (`--auto-gomemlimit.ratio`, the `auto-gomemlimit` and
//! `auto-gomaxprocs` features) are accepted and have no effect.

mod args;
mod help;
mod values;

use std::ffi::OsString;

use clap::{Args, CommandFactory, FromArgMatches, Parser};

pub use am_model::duration::{GoDuration, GoDurationError};
pub use values::{Feature, FeatureError, Features, LogFlagError, LogFormat, LogLevel, NotANumber};

use values::{
    parse_duration, parse_kingpin_float, parse_kingpin_int, parse_log_format, parse_log_level,
    parse_timeout,
};

/// Every server flag, parsed and typed.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "alertmesh",
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Flags {
    /// Show this help and exit.
    #[arg(short = 'h', long = "help")]
    help: bool,

    /// Same as --help (kingpin spelling).
    #[arg(long = "help-long", hide = true)]
    help_long: bool,

    /// Path of the configuration file (alertmanager.yml format).
    #[arg(long = "config.file", default_value = "alertmanager.yml")]
    pub config_file: String,

    /// True when `--config.file` was given on the command line rather than defaulted; only then
    /// is a missing file an error (see `startup_config`).
    #[arg(skip)]
    pub config_file_given: bool,

    /// Directory holding the silence and notification-log snapshots.
    #[arg(long = "storage.path", default_value = "data/")]
    pub storage_path: String,

    /// How long expired silences and notification-log entries are kept.
    #[arg(long = "data.retention", default_value = "120h", value_parser = parse_duration)]
    pub data_retention: GoDuration,

    /// How often silences and the notification log are garbage-collected and written to disk.
    #[arg(long = "data.maintenance-interval", default_value = "15m", value_parser = parse_duration)]
    pub data_maintenance_interval: GoDuration,

    /// Upper bound on the number of silences, expired ones included; zero or negative means
    /// unlimited.
    #[arg(long = "silences.max-silences", default_value = "0", value_parser = parse_kingpin_int)]
    pub silences_max_silences: i64,

    /// Upper bound on the encoded size of one silence in bytes; zero or negative means
    /// unlimited.
    #[arg(
        long = "silences.max-silence-size-bytes",
        default_value = "0",
        value_parser = parse_kingpin_int
    )]
    pub silences_max_silence_size_bytes: i64,

    /// How often resolved alerts are removed from memory.
    #[arg(long = "alerts.gc-interval", default_value = "30m", value_parser = parse_duration)]
    pub alerts_gc_interval: GoDuration,

    /// Most active alerts per `alertname`; zero or negative means unlimited (upstream 0.31).
    #[arg(
        long = "alerts.per-alertname-limit",
        default_value = "0",
        value_parser = parse_kingpin_int
    )]
    pub alerts_per_alertname_limit: i64,

    /// How often empty aggregation groups are removed (upstream 0.30).
    #[arg(long = "dispatch.maintenance-interval", default_value = "30s", value_parser = parse_duration)]
    pub dispatch_maintenance_interval: GoDuration,

    /// Minimum time after start before any aggregation group is flushed; keep it in line with
    /// Prometheus' `--rules.alert.resend-delay` (upstream 0.30).
    #[arg(long = "dispatch.start-delay", default_value = "0s", value_parser = parse_duration)]
    pub dispatch_start_delay: GoDuration,

    /// Web server flags.
    #[command(flatten)]
    pub web: WebFlags,

    /// Go runtime memory-limit ratio; accepted for compatibility and ignored by alertmesh.
    #[arg(long = "auto-gomemlimit.ratio", default_value = "0.9", value_parser = parse_kingpin_float)]
    pub auto_gomemlimit_ratio: f64,

    /// High-availability (gossip) flags.
    #[command(flatten)]
    pub cluster: ClusterFlags,

    /// Experimental features to switch on, comma-separated; may be repeated. Known features:
    /// receiver-name-in-metrics, classic-mode, utf8-strict-mode, auto-gomemlimit (no effect),
    /// auto-gomaxprocs (no effect).
    #[arg(long = "enable-feature", default_value = "", action = clap::ArgAction::Append)]
    pub enable_feature: Vec<String>,

    /// Logging flags.
    #[command(flatten)]
    pub log: LogFlags,

    /// Print the version and build information and exit.
    #[arg(long = "version")]
    version: bool,
}

/// `--web.*` flags (exporter-toolkit's listener flags plus Alertmanager's own).
#[derive(Clone, Debug, Args)]
pub struct WebFlags {
    /// Use the listening sockets passed by systemd socket activation instead of
    /// --web.listen-address (Linux only).
    #[arg(long = "web.systemd-socket", overrides_with = "no_systemd_socket")]
    pub systemd_socket: bool,

    #[arg(
        long = "no-web.systemd-socket",
        hide = true,
        overrides_with = "systemd_socket"
    )]
    no_systemd_socket: bool,

    /// Address to serve the API and web UI on; repeat for several addresses.
    #[arg(long = "web.listen-address", default_value = ":9093", action = clap::ArgAction::Append)]
    pub listen_addresses: Vec<String>,

    /// [EXPERIMENTAL] Path of a web configuration file enabling TLS or authentication.
    #[arg(id = "web.config.file", long = "web.config.file", default_value = "")]
    pub config_file: String,

    /// The URL users reach alertmesh under, e.g. behind a reverse proxy; used for links in
    /// notifications and, when it has a path, as the prefix of every HTTP route. Derived from
    /// the host name and listen port when omitted.
    #[arg(long = "web.external-url")]
    pub external_url: Option<String>,

    /// Path prefix of the HTTP routes; defaults to the path of --web.external-url.
    #[arg(long = "web.route-prefix")]
    pub route_prefix: Option<String>,

    /// Maximum number of GET requests served at the same time; zero or negative means
    /// max(number of CPUs, 8).
    #[arg(long = "web.get-concurrency", default_value = "0", value_parser = parse_kingpin_int)]
    pub get_concurrency: i64,

    /// Time limit for HTTP requests; zero or negative means no limit.
    #[arg(long = "web.timeout", default_value = "0", value_parser = parse_timeout)]
    pub timeout: GoDuration,
}

/// `--cluster.*` flags: gossip membership and state replication between replicas.
#[derive(Clone, Debug, Args)]
pub struct ClusterFlags {
    /// UDP and TCP address for cluster traffic; an empty value turns high availability off.
    #[arg(long = "cluster.listen-address", default_value = "0.0.0.0:9094")]
    pub listen_address: String,

    /// Address (host:port) announced to the other peers instead of the detected one.
    #[arg(long = "cluster.advertise-address")]
    pub advertise_address: Option<String>,

    /// Address of a peer to join at startup; repeat for several peers.
    #[arg(long = "cluster.peer", action = clap::ArgAction::Append)]
    pub peers: Vec<String>,

    /// How long each peer waits per position in the cluster before notifying.
    #[arg(long = "cluster.peer-timeout", default_value = "15s", value_parser = parse_duration)]
    pub peer_timeout: GoDuration,

    /// Time between gossip rounds; lower spreads changes faster and costs more bandwidth.
    #[arg(long = "cluster.gossip-interval", default_value = "200ms", value_parser = parse_duration)]
    pub gossip_interval: GoDuration,

    /// Time between full state exchanges with a random peer; lower converges faster and costs
    /// more bandwidth.
    #[arg(long = "cluster.pushpull-interval", default_value = "1m0s", value_parser = parse_duration)]
    pub pushpull_interval: GoDuration,

    /// Time limit for opening a TCP connection to a peer and for each read and write on it.
    #[arg(long = "cluster.tcp-timeout", default_value = "10s", value_parser = parse_duration)]
    pub tcp_timeout: GoDuration,

    /// How long to wait for a probed peer to answer before suspecting it; about the 99th
    /// percentile of the network round trip.
    #[arg(long = "cluster.probe-timeout", default_value = "500ms", value_parser = parse_duration)]
    pub probe_timeout: GoDuration,

    /// Time between failure-detection probes of a random peer.
    #[arg(long = "cluster.probe-interval", default_value = "1s", value_parser = parse_duration)]
    pub probe_interval: GoDuration,

    /// Longest wait at startup for the cluster state to settle before notifications go out.
    #[arg(long = "cluster.settle-timeout", default_value = "1m0s", value_parser = parse_duration)]
    pub settle_timeout: GoDuration,

    /// Time between attempts to reconnect to peers that were lost.
    #[arg(long = "cluster.reconnect-interval", default_value = "10s", value_parser = parse_duration)]
    pub reconnect_interval: GoDuration,

    /// How long a lost peer is retried before it is forgotten.
    #[arg(long = "cluster.reconnect-timeout", default_value = "6h0m0s", value_parser = parse_duration)]
    pub reconnect_timeout: GoDuration,

    /// [EXPERIMENTAL] Path of a YAML file configuring mutual TLS for cluster traffic.
    #[arg(long = "cluster.tls-config", default_value = "")]
    pub tls_config: String,

    /// [EXPERIMENTAL] Allow the detected advertise address to be a public IP address.
    #[arg(
        long = "cluster.allow-insecure-public-advertise-address-discovery",
        overrides_with = "no_allow_insecure_public_advertise"
    )]
    pub allow_insecure_public_advertise: bool,

    #[arg(
        long = "no-cluster.allow-insecure-public-advertise-address-discovery",
        hide = true,
        overrides_with = "allow_insecure_public_advertise"
    )]
    no_allow_insecure_public_advertise: bool,

    /// Name of this peer in the cluster; empty: a new random ULID at every start, like upstream.
    #[arg(long = "cluster.peer-name", default_value = "")]
    pub peer_name: String,

    /// Label carried by every cluster packet and stream; peers with a different label are
    /// ignored, which keeps separate clusters apart.
    #[arg(long = "cluster.label", default_value = "")]
    pub label: String,
}

/// `--log.*` flags (promslog's).
#[derive(Clone, Debug, Args)]
pub struct LogFlags {
    /// Lowest severity that is logged: debug, info, warn or error.
    #[arg(long = "log.level", default_value = "info", value_parser = parse_log_level)]
    pub level: LogLevel,

    /// Log line format: logfmt or json.
    #[arg(long = "log.format", default_value = "logfmt", value_parser = parse_log_format)]
    pub format: LogFormat,
}

/// What the command line asks for.
#[derive(Clone, Debug)]
pub enum Invocation {
    /// Run the server with these flags.
    Run(Box<Flags>),
    /// Print this help text to stdout and exit 0.
    Help(String),
    /// Print this version banner to stdout and exit 0.
    Version(String),
}

/// A command line that cannot be used; printed as `alertmesh: error: <message>, try --help`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FlagError {
    /// What is wrong, naming the flag.
    pub message: String,
}

impl Flags {
    /// Parses a command line; `args` includes the program name first, like `std::env::args_os`.
    ///
    /// # Errors
    /// Unknown flags, missing or malformed values, repeated single-value flags, unreadable
    /// `@file` arguments.
    pub fn parse_args<I, T>(args: I) -> Result<Invocation, FlagError>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let args = args::expand_arg_files(args.into_iter().map(Into::into).collect())?;
        let command = Self::command();
        let matches = command
            .clone()
            .try_get_matches_from(args)
            .map_err(args::kingpin_error)?;
        let mut flags = Self::from_arg_matches(&matches).map_err(args::kingpin_error)?;
        if flags.help || flags.help_long {
            return Ok(Invocation::Help(help::render(&command)));
        }
        if flags.version {
            return Ok(Invocation::Version(crate::build_info::version_banner()));
        }
        flags.config_file_given =
            matches.value_source("config_file") == Some(clap::parser::ValueSource::CommandLine);
        Ok(Invocation::Run(Box::new(flags)))
    }

    /// The kingpin-style help text (what `--help` prints).
    pub fn help_text() -> String {
        help::render(&Self::command())
    }

    /// The experimental features named by `--enable-feature`.
    ///
    /// # Errors
    /// Unknown names, or two features that exclude each other.
    pub fn features(&self) -> Result<Features, FeatureError> {
        Features::parse(&self.enable_feature)
    }
}

#[cfg(test)]
mod tests;
