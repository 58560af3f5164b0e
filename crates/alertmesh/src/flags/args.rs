//! Kingpin compatibility around clap: `@file` argument expansion and error messages in kingpin's
//! terms (`unknown long flag '--x'`, `flag 'x' cannot be repeated`, …), each naming the flag.

use std::error::Error as _;
use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::FlagError;

/// How deeply `@file` arguments may name further `@file` arguments; kingpin has no limit and
/// loops forever on a file that names itself.
const MAX_ARG_FILE_DEPTH: usize = 8;

/// Replaces each `@path` argument (after the program name, before `--`) with the lines of the
/// file at `path`, skipping lines that start with `#`, like kingpin's `ExpandArgsFromFile`.
pub(super) fn expand_arg_files(args: Vec<OsString>) -> Result<Vec<OsString>, FlagError> {
    let mut expanded = Vec::with_capacity(args.len());
    let mut args = args.into_iter();
    expanded.extend(args.next());
    expand_into(&mut expanded, args, 0)?;
    Ok(expanded)
}

fn expand_into(
    out: &mut Vec<OsString>,
    args: impl Iterator<Item = OsString>,
    depth: usize,
) -> Result<bool, FlagError> {
    let mut args = args;
    while let Some(arg) = args.next() {
        if arg == "--" {
            out.push(arg);
            out.extend(args);
            return Ok(true);
        }
        let Some(path) = arg.to_str().and_then(|a| a.strip_prefix('@')) else {
            out.push(arg);
            continue;
        };
        if path.is_empty() {
            return Err(FlagError::new("expected @ file to expand arguments from"));
        }
        if depth >= MAX_ARG_FILE_DEPTH {
            return Err(FlagError::new(format!(
                "argument file {path:?} is nested more than {MAX_ARG_FILE_DEPTH} levels deep"
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| FlagError::new(format!("failed to open arguments file {path:?}: {e}")))?;
        let lines = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(OsString::from);
        if expand_into(out, lines.collect::<Vec<_>>().into_iter(), depth + 1)? {
            // A `--` inside the file ends flag parsing; what follows is taken literally.
            out.extend(args);
            return Ok(true);
        }
    }
    Ok(false)
}

impl FlagError {
    /// A flag error with this message.
    pub(super) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// Translates a clap error into kingpin's wording, naming the flag involved.
pub(super) fn kingpin_error(error: clap::Error) -> FlagError {
    let context_string = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => list.first().cloned(),
        _ => None,
    };
    // clap names an argument as `--name <VALUE>`; keep the flag itself.
    let flag = context_string(ContextKind::InvalidArg)
        .map(|arg| arg.split_whitespace().next().unwrap_or_default().to_owned());
    let value = context_string(ContextKind::InvalidValue);
    let suggestion = context_string(ContextKind::SuggestedArg)
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default();

    let message = match (error.kind(), flag, value) {
        (ErrorKind::ValueValidation, Some(flag), Some(value)) => {
            let reason = error.source().map(|e| format!(": {e}")).unwrap_or_default();
            format!("invalid value {value:?} for {flag}{reason}")
        }
        (ErrorKind::InvalidValue, Some(flag), Some(value)) if value.is_empty() => {
            format!("expected argument for flag '{flag}'")
        }
        (ErrorKind::UnknownArgument, Some(flag), _) if flag.starts_with("--") => {
            format!("unknown long flag '{flag}'{suggestion}")
        }
        (ErrorKind::UnknownArgument, Some(flag), _) if flag.starts_with('-') && flag.len() > 1 => {
            format!("unknown short flag '{flag}'{suggestion}")
        }
        (ErrorKind::UnknownArgument, Some(arg), _) => format!("unexpected {arg}"),
        (ErrorKind::ArgumentConflict, Some(flag), _) => {
            format!("flag '{}' cannot be repeated", flag.trim_start_matches('-'))
        }
        (ErrorKind::TooManyValues, Some(flag), Some(value)) => {
            format!("unexpected {value}: {flag} takes no value")
        }
        _ => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            first.strip_prefix("error: ").unwrap_or(first).to_owned()
        }
    };
    FlagError::new(message)
}
