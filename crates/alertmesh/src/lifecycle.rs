//! The server's life: startup checks and log lines in upstream's order (`run()` in
//! `cmd/alertmanager/main.go`), then waiting for signals. SIGHUP reloads the configuration,
//! SIGTERM and SIGINT end the process with status 0.
//!
//! Between loading the configuration and waiting for signals it starts the node and its HTTP
//! listeners ([`crate::server`]) and, unless `--cluster.listen-address` is empty, the cluster
//! peer ([`crate::cluster`]); on SIGTERM it stops them in the documented order.

use std::process::ExitCode;

use tokio::signal::unix::{Signal, SignalKind, signal};
use tracing::{Instrument, debug, error, info, info_span, warn};

use crate::build_info;
use crate::flags::{Feature, Features, Flags};
use crate::startup_config::{self, ConfigSource, LoadedConfig};
use crate::web_url;

/// Signal streams, registered before anything is logged so that a signal sent as soon as the
/// first log line appears is never lost (the default action would kill the process).
struct Signals {
    terminate: Signal,
    interrupt: Signal,
    hangup: Signal,
}

impl Signals {
    fn install() -> std::io::Result<Self> {
        Ok(Self {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }
}

/// Starts the server with parsed flags and runs until SIGTERM or SIGINT; returns the exit code.
pub async fn serve(flags: Flags) -> ExitCode {
    let mut signals = match Signals::install() {
        Ok(signals) => signals,
        Err(e) => {
            error!(err = %e, "cannot install signal handlers");
            return ExitCode::FAILURE;
        }
    };
    info!(version = build_info::version_info(), "Starting alertmesh");
    info!(build_context = build_info::build_context(), "Build context");

    let Ok((features, urls)) = startup_checks(&flags) else {
        return ExitCode::FAILURE;
    };

    let source = ConfigSource::choose(&flags);
    if source == ConfigSource::BuiltIn {
        warn!(
            file = flags.config_file,
            "configuration file not found and --config.file not given; \
             starting with the built-in default configuration, which sends no notifications"
        );
    }
    let config = match load_config(&source, &features).await {
        Some(Ok(config)) => config,
        _ => return ExitCode::FAILURE,
    };
    let (server, reloader) = match crate::server::start(&flags, &features, &urls, config).await {
        Ok(started) => started,
        Err(err) => {
            error!(%err, "failed to start");
            return ExitCode::FAILURE;
        }
    };

    loop {
        tokio::select! {
            _ = signals.terminate.recv() => break,
            _ = signals.interrupt.recv() => break,
            _ = signals.hangup.recv() => {
                // Like upstream: a failed reload is logged and the running configuration stays.
                let _ = reloader.reload().await;
            }
        }
    }
    info!("Received SIGTERM, exiting gracefully...");
    server.stop().await;
    ExitCode::SUCCESS
}

/// Checks made before the configuration is loaded; each failure is logged. Returns the enabled
/// experimental features.
fn startup_checks(flags: &Flags) -> Result<(Features, web_url::WebUrls), ()> {
    let features = flags.features().map_err(|e| {
        error!(err = %e, "error parsing the feature flag list");
    })?;
    for feature in features.enabled() {
        warn!(feature = feature.name(), "Experimental feature enabled");
    }
    // Serving plain HTTP when the operator asked for TLS or basic auth would be worse than not
    // starting: refuse the exporter-toolkit flags this build does not implement yet.
    if !flags.web.config_file.is_empty() {
        error!(
            file = flags.web.config_file,
            "--web.config.file (TLS and basic auth for the HTTP server) is not supported by this \
             alertmesh version yet; refusing to start without it"
        );
        return Err(());
    }
    if flags.web.systemd_socket {
        error!("--web.systemd-socket is not supported by this alertmesh version yet");
        return Err(());
    }
    if features.is_enabled(Feature::AutoGoMemLimit) {
        let ratio = flags.auto_gomemlimit_ratio;
        if ratio <= 0.0 || ratio > 1.0 {
            error!("--auto-gomemlimit.ratio must be greater than 0 and less than or equal to 1.");
            return Err(());
        }
    }
    for feature in [Feature::AutoGoMemLimit, Feature::AutoGoMaxProcs] {
        if features.is_enabled(feature) {
            info!(
                feature = feature.name(),
                "feature only tunes the Go runtime; it has no effect"
            );
        }
    }

    std::fs::create_dir_all(&flags.storage_path).map_err(|e| {
        error!(err = %e, path = flags.storage_path, "Unable to create data directory");
    })?;

    let listen = flags
        .web
        .listen_addresses
        .first()
        .map_or("", String::as_str);
    let (urls, missing_port) = web_url::derive(
        flags.web.external_url.as_deref(),
        flags.web.route_prefix.as_deref(),
        listen,
        web_url::system_hostname,
    )
    .map_err(|e| {
        error!(err = %e, "failed to determine external URL");
    })?;
    if missing_port {
        warn!(address = listen, "no port found for listen address");
    }
    debug!(externalUrl = urls.external_url, "external url");
    debug!(routePrefix = urls.route_prefix, "route prefix");
    Ok((features, urls))
}

/// Loads the configuration, logging progress and every error under `component=configuration`.
/// `None` never happens today (kept for callers that treat "not attempted" apart); the error
/// holds one line per problem.
pub(crate) async fn load_config(
    source: &ConfigSource,
    features: &Features,
) -> Option<Result<LoadedConfig, Vec<String>>> {
    let span = info_span!("configuration", component = "configuration");
    async {
        let file = source.display_name();
        info!(file, "Loading configuration file");
        match startup_config::load(source, features) {
            Ok(loaded) => {
                for warning in &loaded.config.warnings {
                    warn!(file, warning = %warning, "configuration warning");
                }
                info!(file, "Completed loading of configuration file");
                Some(Ok(loaded))
            }
            Err(errors) => {
                // One line per problem; each names the file, line and YAML path.
                for problem in &errors.0 {
                    error!(file, err = %problem, "Loading configuration file failed");
                }
                Some(Err(errors.0.iter().map(ToString::to_string).collect()))
            }
        }
    }
    .instrument(span)
    .await
}
