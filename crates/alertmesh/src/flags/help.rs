//! `--help` in kingpin's layout, so that the output looks like Alertmanager's: one
//! `--flag=DEFAULT` column (string defaults quoted, `=FLAG-NAME` when there is no default,
//! `...` after repeatable flags, nothing after boolean flags) and wrapped descriptions.
//! Rendered from the clap definition, so it cannot drift from what the parser accepts.

use std::any::TypeId;
use std::fmt::Write as _;

use clap::{Arg, ArgAction, Command};

/// Total width of the help text, as kingpin uses without a terminal.
const WIDTH: usize = 80;
/// Flags at least this long get their description on the next line.
const MAX_FLAG_COLUMN: usize = 30;
const INDENT: usize = 2;
const PADDING: usize = 2;

/// Renders the full help text.
pub(super) fn render(command: &Command) -> String {
    let rows: Vec<(String, String)> = command
        .get_arguments()
        .filter(|arg| !arg.is_hide_set() && arg.get_long().is_some())
        .map(|arg| (flag_column(arg), description(arg)))
        .collect();
    let flag_width = rows
        .iter()
        .map(|(flag, _)| flag.chars().count())
        .filter(|&len| len < MAX_FLAG_COLUMN)
        .max()
        .unwrap_or(0);
    let help_column = INDENT + flag_width + PADDING;
    let help_width = WIDTH.saturating_sub(help_column).max(20);

    let mut out = format!(
        "usage: {} [<flags>]\n\nA drop-in replacement for Prometheus Alertmanager.\n\nFlags:\n",
        command.get_name()
    );
    for (flag, help) in rows {
        let lines = wrap(&help, help_width);
        let flag_len = flag.chars().count();
        let _ = write!(out, "{:INDENT$}{flag}", "");
        let mut lines = lines.iter();
        if flag_len <= flag_width
            && let Some(first) = lines.next()
        {
            let pad = help_column - INDENT - flag_len;
            let _ = write!(out, "{:pad$}{first}", "");
        }
        out.push('\n');
        for line in lines {
            let _ = writeln!(out, "{:help_column$}{line}", "");
        }
    }
    out
}

/// `-h, --help`, `    --config.file="alertmanager.yml"`, `    --cluster.peer=CLUSTER.PEER ...`.
fn flag_column(arg: &Arg) -> String {
    let long = arg.get_long().unwrap_or_default();
    let mut column = match arg.get_short() {
        Some(short) => format!("-{short}, --{long}"),
        None => format!("    --{long}"),
    };
    if arg.get_action().takes_values() {
        column.push('=');
        column.push_str(&placeholder(arg, long));
    }
    if matches!(arg.get_action(), ArgAction::Append) {
        column.push_str(" ...");
    }
    column
}

/// The default as kingpin shows it: quoted for single string flags (and when empty), bare
/// otherwise; the upper-cased flag name when there is no default.
fn placeholder(arg: &Arg, long: &str) -> String {
    let defaults = arg.get_default_values();
    if defaults.is_empty() {
        return long.to_uppercase();
    }
    let joined = defaults
        .iter()
        .map(|d| d.to_string_lossy())
        .collect::<Vec<_>>()
        .join(",");
    let is_single_string = !matches!(arg.get_action(), ArgAction::Append)
        && arg.get_value_parser().type_id() == TypeId::of::<String>();
    if is_single_string || joined.is_empty() {
        format!("{joined:?}")
    } else {
        joined
    }
}

fn description(arg: &Arg) -> String {
    let mut help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    // clap drops the final period of one-sentence doc comments; kingpin's texts keep theirs.
    if !help.is_empty() && !help.ends_with('.') {
        help.push('.');
    }
    help
}

/// Greedy word wrap; a word longer than `width` gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width() {
        let lines = wrap("aa bb cc dd ee", 5);
        assert_eq!(lines, ["aa bb", "cc dd", "ee"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
        assert!(wrap("", 5).is_empty());
    }
}
