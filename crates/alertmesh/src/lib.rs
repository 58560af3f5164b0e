//! The alertmesh server as a library: command-line flags, logging, startup configuration and
//! the process lifecycle. `main.rs` only calls [`run`]. Mirrors upstream's
//! `cmd/alertmanager/main.go`; the HTTP API, the notification engine and the cluster are filled
//! in by later work.
//!
//! Layout:
//! - [`flags`]: every command-line flag, kingpin-compatible parsing, `--help`;
//! - [`build_info`]: the `--version` banner and build context;
//! - [`logging`]: go-kit style logfmt / JSON log lines;
//! - [`startup_config`]: which configuration to start on (file or built-in) and loading it;
//! - [`web_url`]: external URL and route prefix;
//! - [`lifecycle`]: the startup sequence and signal handling.

pub mod build_info;
pub mod civil_time;
pub mod cluster;
pub mod flags;
pub mod lifecycle;
pub mod logging;
pub mod server;
pub mod startup_config;
pub mod web_url;

use std::ffi::OsString;
use std::process::ExitCode;

use flags::{Flags, Invocation};

/// Runs the server for a command line (program name first) and returns the process exit code:
/// 0 after a clean shutdown or for `--help`/`--version`, 1 for bad flags or a failed startup.
pub fn run(args: Vec<OsString>) -> ExitCode {
    let flags = match Flags::parse_args(args) {
        Ok(Invocation::Run(flags)) => flags,
        Ok(Invocation::Help(text)) => {
            write_stdout(&text);
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Version(text)) => {
            write_stdout(&format!("{text}\n"));
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // kingpin's format, so wrappers that grep for it keep working.
            eprintln!("{}: error: {error}, try --help", build_info::PROGRAM);
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = logging::init(flags.log.level, flags.log.format) {
        eprintln!("{}: error: {error:#}", build_info::PROGRAM);
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(err = %error, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(lifecycle::serve(*flags))
}

/// Writes to stdout, ignoring errors: `alertmesh --help | head` must not panic on a closed pipe.
fn write_stdout(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
