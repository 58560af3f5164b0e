//! `alertmeshctl`: the operator CLI of alertmesh, with amtool's command set and flags (upstream
//! `cmd/amtool` and `cli/`). `check-config` and `template render` are implemented; the commands
//! that talk to a running Alertmanager or print routing trees are declared so `--help` lists them
//! and fail with a clear error until they are implemented.
//!
//! Layout: `cli` parses the command line, `check_config` prints amtool's report, `load` adapts
//! `am_config` to it, `template_render` renders templates with `am_template` (which also
//! provides Go's glob syntax); Go durations come from `am_model::duration`.

mod check_config;
mod cli;
mod load;
mod template_render;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{
    AlertSub, Cli, ClusterSub, Command, ConfigSub, RoutesSub, SilenceSub, TemplateSub,
};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // kingpin exits 1 on usage errors; help and --version exit 0.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = std::io::stdout().flush();
            eprintln!("alertmeshctl: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let options = load::options_from_flags(&cli.global.enable_feature)?;
    match cli.command {
        Command::CheckConfig(args) => {
            let files = check_config::files_to_check(&args.files)?;
            let loader =
                |path: &std::path::Path| load::load(path, &options, &mut std::io::stderr());
            let stdout = std::io::stdout();
            check_config::run(&files, &loader, &mut stdout.lock())?;
            Ok(())
        }
        Command::Alert(cmd) => match cmd.command {
            None | Some(AlertSub::Query(_)) => not_implemented("alert query"),
            Some(AlertSub::Add(_)) => not_implemented("alert add"),
        },
        Command::Silence(cmd) => match cmd.command {
            None | Some(SilenceSub::Query(_)) => not_implemented("silence query"),
            Some(SilenceSub::Add(_)) => not_implemented("silence add"),
            Some(SilenceSub::Expire(_)) => not_implemented("silence expire"),
            Some(SilenceSub::Update(_)) => not_implemented("silence update"),
            Some(SilenceSub::Import(_)) => not_implemented("silence import"),
        },
        Command::Cluster(cmd) => match cmd.command {
            None | Some(ClusterSub::Show) => not_implemented("cluster show"),
        },
        Command::Config(cmd) => match cmd.command {
            None | Some(ConfigSub::Show) => not_implemented("config show"),
            Some(ConfigSub::Routes(routes)) => match routes.command {
                None | Some(RoutesSub::Show) => not_implemented("config routes show"),
                Some(RoutesSub::Test(_)) => not_implemented("config routes test"),
            },
        },
        Command::Template(cmd) => match cmd.command {
            TemplateSub::Render(args) => {
                let stdout = std::io::stdout();
                template_render::run(&args, &mut stdout.lock())
            }
        },
    }
}

fn not_implemented(command: &str) -> anyhow::Result<()> {
    anyhow::bail!("`{command}` is not implemented yet in this version of alertmeshctl")
}
