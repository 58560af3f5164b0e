//! `alertmeshctl`: the operator CLI of alertmesh, with amtool's command set, flags, output
//! formats and exit codes (upstream `cmd/amtool` and `cli/`, v0.28).
//!
//! Layout: `cli` parses the command line, `amtool_config` applies amtool's config file,
//! `check_config` prints amtool's report, `load` adapts `am_config` to it, `template_render`
//! renders templates with `am_template`, `remote` holds the commands that talk to an
//! Alertmanager (API client, formatters, routing trees) and `tabwriter` aligns tables like
//! Go's `text/tabwriter`.

mod amtool_config;
mod check_config;
mod cli;
mod load;
mod remote;
mod tabwriter;
mod template_render;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{
    AlertSub, Cli, ClusterSub, Command, ConfigSub, RoutesSub, SilenceSub, TemplateSub,
};
use crate::remote::Ctx;

/// How a command ended besides success.
enum Failure {
    /// A usage error or help/version output from clap.
    Clap(clap::Error),
    /// A command error: printed as `alertmeshctl: error: …` (followed by a blank line when
    /// the flag says so, as amtool's `kingpin.Fatalf("%v\n", err)` does), exit 1.
    Error(anyhow::Error, bool),
    /// A command that already printed its reason and exits 1.
    Silent,
}

fn parse() -> Result<Cli, Failure> {
    let args: Vec<String> = std::env::args().collect();
    let mut command = Cli::command();
    command.build();
    let matches = command
        .clone()
        .try_get_matches_from(&args)
        .map_err(Failure::Clap)?;
    let flags = amtool_config::read(&amtool_config::default_files())
        .map_err(|e| Failure::Error(e, true))?;
    let matches = if flags.is_empty() {
        matches
    } else {
        let bound = amtool_config::bind(args, &command, &matches, &flags);
        command.try_get_matches_from(bound).map_err(Failure::Clap)?
    };
    Cli::from_arg_matches(&matches).map_err(Failure::Clap)
}

fn main() -> ExitCode {
    let result = parse().and_then(|cli| {
        let remote = !matches!(cli.command, Command::CheckConfig(_) | Command::Template(_));
        match run(cli) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Failure::Silent),
            Err(e) => {
                let blank = remote && !e.is::<remote::NoBlankLine>();
                Err(Failure::Error(e, blank))
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Clap(error)) => {
            // kingpin exits 1 on usage errors; help and --version exit 0.
            let _ = error.print();
            if error.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(Failure::Error(error, blank)) => {
            let _ = std::io::stdout().flush();
            eprintln!("alertmeshctl: error: {error:#}");
            if blank {
                eprintln!();
            }
            ExitCode::FAILURE
        }
        Err(Failure::Silent) => ExitCode::FAILURE,
    }
}

/// Runs a command; `Ok(false)` means "exit 1 without a further message".
fn run(cli: Cli) -> anyhow::Result<bool> {
    let options = load::options_from_flags(&cli.global.enable_feature)?;
    let remote = |cli: &Cli| -> anyhow::Result<Ctx> {
        // One process-wide crypto provider for reqwest's rustls (a second install is a no-op).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ctx::new(&cli.global, options.matcher_mode)
    };
    match cli.command {
        Command::CheckConfig(ref args) => {
            let files = check_config::files_to_check(&args.files)?;
            let loader =
                |path: &std::path::Path| load::load(path, &options, &mut std::io::stderr());
            let stdout = std::io::stdout();
            check_config::run(&files, &loader, &mut stdout.lock())?;
            Ok(true)
        }
        Command::Template(ref cmd) => match &cmd.command {
            TemplateSub::Render(args) => {
                let stdout = std::io::stdout();
                template_render::run(args, &mut stdout.lock())?;
                Ok(true)
            }
        },
        _ => {
            let mut ctx = remote(&cli)?;
            let url_given = cli.global.alertmanager_url.is_some();
            remote::block_on(run_remote(&mut ctx, cli.command, url_given, &options))
        }
    }
}

async fn run_remote(
    ctx: &mut Ctx,
    command: Command,
    url_given: bool,
    options: &am_config::load::LoadOptions,
) -> anyhow::Result<bool> {
    use remote::{alert, routes, silence};
    match command {
        Command::Alert(cmd) => match cmd.command {
            None => alert::query(ctx, cmd.query).await?,
            Some(AlertSub::Query(args)) => alert::query(ctx, args).await?,
            Some(AlertSub::Add(args)) => alert::add(ctx, args).await?,
        },
        Command::Silence(cmd) => match cmd.command {
            None => silence::query(ctx, cmd.query).await?,
            Some(SilenceSub::Query(args)) => silence::query(ctx, args).await?,
            Some(SilenceSub::Add(args)) => {
                let author = args.author.clone().unwrap_or_else(username);
                silence::add(ctx, args, author).await?;
            }
            Some(SilenceSub::Expire(args)) => silence::expire(ctx, args).await?,
            Some(SilenceSub::Update(args)) => silence::update(ctx, args).await?,
            Some(SilenceSub::Import(args)) => {
                if let Some(path) = &args.input_file {
                    existing_file(path)?;
                }
                silence::import(ctx, args).await?;
            }
        },
        Command::Cluster(cmd) => match cmd.command {
            None | Some(ClusterSub::Show) => routes::cluster_show(ctx).await?,
        },
        Command::Config(cmd) => match cmd.command {
            None | Some(ConfigSub::Show) => routes::config_show(ctx).await?,
            Some(ConfigSub::Routes(r)) => {
                if let Some(path) = &r.config_file {
                    existing_file(path)?;
                }
                let show = matches!(r.command, None | Some(RoutesSub::Show));
                let config = routes::load_config(ctx, r.config_file.as_deref(), url_given, options)
                    .await
                    .map_err(|e| {
                        // `routes show` reports with kingpin.Fatalf("%s", err).
                        if show {
                            remote::NoBlankLine(format!("{e:#}")).into()
                        } else {
                            e
                        }
                    })?;
                match r.command {
                    None | Some(RoutesSub::Show) => routes::routes_show(ctx, &config)?,
                    Some(RoutesSub::Test(args)) => {
                        if let routes::TestOutcome::Mismatch =
                            routes::routes_test(ctx, &config, &args)?
                        {
                            return Ok(false);
                        }
                    }
                }
            }
        },
        Command::CheckConfig(_) | Command::Template(_) => {}
    }
    Ok(true)
}

/// kingpin's `ExistingFileVar` check.
fn existing_file(path: &std::path::Path) -> anyhow::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => anyhow::bail!("'{}' is a directory", path.display()),
        Ok(_) => Ok(()),
        Err(_) => anyhow::bail!("path '{}' does not exist", path.display()),
    }
}

/// The current user's name as Go's `user.Current()` finds it: the passwd entry of the
/// process's uid, else `$USER`, else empty.
fn username() -> String {
    use std::os::unix::fs::MetadataExt as _;
    let from_passwd = std::fs::metadata("/proc/self").ok().and_then(|m| {
        let uid = m.uid().to_string();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        passwd.lines().find_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let _password = fields.next()?;
            (fields.next()? == uid).then(|| name.to_owned())
        })
    });
    from_passwd
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_default()
}
