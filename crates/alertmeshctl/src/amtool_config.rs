//! amtool's configuration file (upstream `cli/config/config.go` `Resolver`, v0.28): a YAML map
//! of flag names to values read from `$HOME/.config/amtool/config.yml` then
//! `/etc/amtool/config.yml` (the first file setting a key wins), whose entries become the
//! defaults of the global flags and of the selected command's flags. The legacy key
//! `comment_required` stands for `require-comment`.
//!
//! Defaults are applied by appending `--name=value` to the command line for every configured
//! flag the user did not give.

use std::path::PathBuf;

use am_config::yaml::{Document, NodeKind};
use clap::parser::ValueSource;
use clap::{ArgMatches, Command};

/// The files amtool reads, in order.
pub fn default_files() -> Vec<PathBuf> {
    let home = std::env::var("HOME").unwrap_or_default();
    vec![
        PathBuf::from(format!("{home}/.config/amtool/config.yml")),
        PathBuf::from("/etc/amtool/config.yml"),
    ]
}

/// Reads the key/value pairs of the configuration files (missing files are skipped).
///
/// # Errors
/// A file exists but cannot be read or is not a YAML map of scalars
/// (`could not load config file: …`).
pub fn read(files: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    let mut flags: Vec<(String, String)> = Vec::new();
    for file in files {
        if !file.exists() {
            continue;
        }
        let fail = |e: String| anyhow::anyhow!("could not load config file: {e}");
        let text = std::fs::read_to_string(file).map_err(|e| fail(e.to_string()))?;
        let doc = Document::parse(&text).map_err(|e| fail(e.to_string()))?;
        let mut pairs = Vec::new();
        match &doc.root().kind {
            NodeKind::Null => {}
            NodeKind::Map(entries, _) => {
                for (k, v) in entries {
                    let key = k.key_text().unwrap_or_default();
                    let value = match &v.kind {
                        NodeKind::Null => String::new(),
                        NodeKind::Scalar { text, .. } => text.clone(),
                        _ => return Err(fail(format!("value of {key:?} is not a string"))),
                    };
                    pairs.push((key, value));
                }
            }
            _ => return Err(fail("the file is not a map of flag names to values".into())),
        }
        let has_new = pairs.iter().any(|(k, _)| k == "require-comment");
        for (mut key, value) in pairs {
            if key == "comment_required" {
                if has_new {
                    continue;
                }
                key = "require-comment".into();
            }
            if !flags.iter().any(|(k, _)| *k == key) {
                flags.push((key, value));
            }
        }
    }
    Ok(flags)
}

/// The command line with the configured defaults appended for the flags (global or of the
/// selected command) that `matches` shows were not given. `root` must be built
/// (`Command::build`) so that global flags are visible on every subcommand.
pub fn bind(
    mut args: Vec<String>,
    root: &Command,
    matches: &ArgMatches,
    flags: &[(String, String)],
) -> Vec<String> {
    // Find the selected (leaf) command and its matches.
    let mut cmd = root;
    let mut m = matches;
    while let Some((name, sub_m)) = m.subcommand() {
        match cmd.find_subcommand(name) {
            Some(sub) => {
                cmd = sub;
                m = sub_m;
            }
            None => break,
        }
    }
    for (key, value) in flags {
        let arg = cmd
            .get_arguments()
            .find(|a| a.get_long() == Some(key.as_str()));
        let Some(arg) = arg else { continue };
        let given = matches!(
            m.value_source(arg.get_id().as_str()),
            Some(ValueSource::CommandLine)
        );
        if given {
            continue;
        }
        if arg.get_action().takes_values() {
            args.push(format!("--{key}={value}"));
        } else if value == "true" {
            args.push(format!("--{key}"));
        } else if value == "false" {
            // kingpin's negated form of a boolean flag, where the command has one.
            let negated = format!("no-{key}");
            if cmd
                .get_arguments()
                .any(|a| a.get_long() == Some(negated.as_str()))
            {
                args.push(format!("--{negated}"));
            }
        }
    }
    args
}
