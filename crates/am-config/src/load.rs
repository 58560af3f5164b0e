//! Loading a configuration: text → YAML document → [`RawConfig`] → [`Config`], with every
//! error given its file, line and path. Mirrors upstream's `config.Load` / `config.LoadFile`
//! and `resolveFilepaths` (`config/config.go`, v0.28).

use std::path::Path;

use am_model::matcher::parse::ParseMode;

use crate::config::Config;
use crate::error::{ConfigError, ConfigErrors};
use crate::raw::RawConfig;
use crate::validate::validate;
use crate::yaml::{Document, YamlPath};

/// How to load a configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Matcher parser and label name rules (from `--enable-feature`; default: fallback).
    pub matcher_mode: ParseMode,
}

/// Loads a configuration from text. `file_name` (as the user gave it) is put on every error
/// and warning. Template globs are kept as written (as upstream's `Load` does).
///
/// An empty document (or one holding only comments or `null`) is refused with upstream's
/// `no route provided in config`; a document without `route:` with `no routes provided`.
///
/// # Errors
/// Every problem found, sorted by line (document-wide problems first).
pub fn load_str(
    src: &str,
    file_name: Option<&str>,
    opts: &LoadOptions,
) -> Result<Config, ConfigErrors> {
    let finish = |errors: Vec<ConfigError>, doc: Option<&Document>| {
        ConfigErrors(locate(errors, file_name, doc))
    };
    let doc = Document::parse(src).map_err(|e| finish(e.0, None))?;
    if doc.root().is_null() {
        let error = ConfigError::at(YamlPath::root(), "no route provided in config");
        return Err(finish(vec![error], Some(&doc)));
    }
    let raw: RawConfig = doc.deserialize().map_err(|e| finish(e.0, Some(&doc)))?;
    let mut config = validate(raw, opts.matcher_mode, src).map_err(|e| finish(e, Some(&doc)))?;
    config.warnings = locate(std::mem::take(&mut config.warnings), file_name, Some(&doc));
    Ok(config)
}

/// Loads a configuration file. Relative template globs and the relative file paths of every
/// `http_config` are joined to the directory of `path` (upstream's `resolveFilepaths`, which
/// joins lexically: a relative `path` gives relative results, read from the current
/// directory).
///
/// # Errors
/// The file cannot be read (the error names the file), or every problem found in it.
pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Config, ConfigErrors> {
    let file_name = path.display().to_string();
    let src = std::fs::read_to_string(path).map_err(|e| {
        let mut error = ConfigError::at(
            YamlPath::root(),
            format!("cannot read file: {}", io_message(&e)),
        );
        error.file = Some(file_name.clone());
        ConfigErrors::one(error)
    })?;
    let mut config = load_str(&src, Some(&file_name), opts)?;
    let dir = go_dir(&file_name);
    config.template_paths = config
        .templates
        .iter()
        .map(|t| join_relative(&dir, t))
        .collect();
    let dir_path = Path::new(&dir);
    config.global.http_config.set_directory(dir_path);
    for receiver in &mut config.receivers {
        receiver.set_directory(dir_path);
    }
    Ok(config)
}

/// Fills in file names and lines and sorts by line (stable, so errors on one line keep
/// their order).
fn locate(
    mut errors: Vec<ConfigError>,
    file_name: Option<&str>,
    doc: Option<&Document>,
) -> Vec<ConfigError> {
    for error in &mut errors {
        if error.file.is_none() {
            error.file = file_name.map(str::to_owned);
        }
        if error.line.is_none() {
            error.line = doc.and_then(|d| d.line_of(&error.path));
        }
    }
    errors.sort_by_key(|e| e.line.unwrap_or(0));
    errors
}

/// An I/O error as a lowercase message (`no such file or directory`).
fn io_message(e: &std::io::Error) -> String {
    let text = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        std::io::ErrorKind::InvalidData => "file is not valid UTF-8".to_owned(),
        _ => e.to_string(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Go's `filepath.Dir`: everything before the last `/`, cleaned; `.` when there is none.
fn go_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => go_clean(&path[..=i]),
        None => ".".to_owned(),
    }
}

/// Upstream's `join` in `resolveFilepaths`: an empty or absolute path is kept, anything else
/// is `filepath.Join(dir, path)`.
fn join_relative(dir: &str, path: &str) -> String {
    if path.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        go_clean(&format!("{dir}/{path}"))
    }
}

/// Go's `filepath.Clean` (Unix): collapses repeated separators, drops `.` elements, resolves
/// `..` lexically (dropping `..` at the root), and returns `.` for an empty result.
fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        let cases = [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("./a//b/./", "a/b"),
            ("../../a", "../../a"),
            ("a/../..", ".."),
            ("/../a", "/a"),
            ("/", "/"),
            ("conf/*.tmpl", "conf/*.tmpl"),
        ];
        for (input, want) in cases {
            assert_eq!(go_clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn dir_and_join_like_go() {
        assert_eq!(go_dir("alertmanager.yml"), ".");
        assert_eq!(go_dir("/etc/am/alertmanager.yml"), "/etc/am");
        assert_eq!(go_dir("/am.yml"), "/");
        assert_eq!(join_relative(".", "t/*.tmpl"), "t/*.tmpl");
        assert_eq!(join_relative("/etc/am", "../t/*.tmpl"), "/etc/t/*.tmpl");
        assert_eq!(join_relative("/etc/am", "/abs/*.tmpl"), "/abs/*.tmpl");
        assert_eq!(join_relative("/etc/am", ""), "");
    }
}
