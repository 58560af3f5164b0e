//! `alertmeshctl check-config FILE...`: validates configuration files and prints amtool's summary
//! (upstream `cli/check_config.go`). The output format is amtool's, line for line, so scripts that
//! read it keep working; only the failure text differs: it is our error, which names the file,
//! the line and the YAML path.
//!
//! Loading is injected (`Loader`) so the printing and the template-glob checks can be tested
//! without a configuration parser; `load.rs` adapts `am_config` to it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use am_template::alertmanager::{Template, TemplateOptions, glob, system_clock};

/// What `check-config` reports about a configuration that loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadedConfig {
    /// A `global` block is in effect (always true: defaults apply when the block is absent).
    pub has_global: bool,
    /// A root route exists.
    pub has_route: bool,
    /// Number of inhibit rules.
    pub inhibit_rules: usize,
    /// Number of receivers.
    pub receivers: usize,
    /// The `templates:` globs, already resolved against the configuration file's directory.
    pub templates: Vec<String>,
}

/// Loads one file; on failure returns the text printed after `FAILED: `.
pub type Loader<'a> = dyn Fn(&Path) -> Result<LoadedConfig, String> + 'a;

/// Why `check-config` failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum CheckConfigError {
    /// An argument is not an existing regular file (kingpin's `ExistingFiles` check).
    #[error("path '{0}' does not exist")]
    Missing(String),
    /// An argument is a directory.
    #[error("'{0}' is a directory")]
    Directory(String),
    /// No file was given and standard input is a terminal.
    #[error("failed to read from standard input")]
    NoStdin,
    /// Some files (or their templates) did not validate.
    #[error("failed to validate {0} file(s)")]
    Failed(usize),
    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    Io(#[from] io::Error),
}

/// The file name amtool checks when no file is given and standard input is not a terminal.
pub const STDIN_PATH: &str = "/dev/stdin";

/// Picks the files to check: the arguments (each must be an existing non-directory), or
/// standard input when there are none.
pub fn files_to_check(args: &[PathBuf]) -> Result<Vec<PathBuf>, CheckConfigError> {
    if args.is_empty() {
        if stdin_is_char_device() {
            return Err(CheckConfigError::NoStdin);
        }
        return Ok(vec![PathBuf::from(STDIN_PATH)]);
    }
    for arg in args {
        match std::fs::metadata(arg) {
            Err(_) => return Err(CheckConfigError::Missing(arg.display().to_string())),
            Ok(meta) if meta.is_dir() => {
                return Err(CheckConfigError::Directory(arg.display().to_string()));
            }
            Ok(_) => {}
        }
    }
    Ok(args.to_vec())
}

/// Upstream refuses a character device (a terminal, but also `/dev/null`) as standard input.
fn stdin_is_char_device() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(STDIN_PATH)
        .map(|m| m.file_type().is_char_device())
        .unwrap_or(true)
}

/// Checks every file, writing amtool's report to `out` (the loader writes its own warnings
/// elsewhere, so the report stays amtool's). Returns
/// `Failed(n)` when `n` files (counting template failures separately, as upstream does) failed.
pub fn run(
    files: &[PathBuf],
    load: &Loader<'_>,
    out: &mut dyn Write,
) -> Result<(), CheckConfigError> {
    let mut failed = 0;
    for file in files {
        write!(out, "Checking '{}'", file.display())?;
        match load(file) {
            Err(message) => {
                writeln!(out, "  FAILED: {message}")?;
                failed += 1;
            }
            Ok(cfg) => {
                writeln!(out, "  SUCCESS")?;
                write_summary(out, &cfg)?;
                if !cfg.templates.is_empty() {
                    match check_templates(&cfg.templates) {
                        Ok(()) => writeln!(out, "  SUCCESS")?,
                        Err(message) => {
                            writeln!(out, "  FAILED: {message}")?;
                            failed += 1;
                        }
                    }
                }
            }
        }
        writeln!(out)?;
    }
    if failed > 0 {
        return Err(CheckConfigError::Failed(failed));
    }
    Ok(())
}

fn write_summary(out: &mut dyn Write, cfg: &LoadedConfig) -> io::Result<()> {
    writeln!(out, "Found:")?;
    if cfg.has_global {
        writeln!(out, " - global config")?;
    }
    if cfg.has_route {
        writeln!(out, " - route")?;
    }
    writeln!(out, " - {} inhibit rules", cfg.inhibit_rules)?;
    writeln!(out, " - {} receivers", cfg.receivers)?;
    writeln!(out, " - {} templates", cfg.templates.len())
}

/// Expands each glob (Go semantics; a glob matching nothing is fine), reads every match and
/// parses the whole set together with the default templates, as amtool's `template.FromGlobs`
/// does, so a template syntax error fails the check with Go's message.
fn check_templates(globs: &[String]) -> Result<(), String> {
    for pattern in globs {
        let matched = glob::glob(pattern).map_err(|e| e.to_string())?;
        for path in matched {
            std::fs::read(&path).map_err(|e| read_error(&path, &e))?;
        }
    }
    Template::from_globs(globs, TemplateOptions::new(system_clock()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Go's `os.ReadFile` error text (`read x: is a directory`, `open x: permission denied`).
fn read_error(path: &Path, error: &io::Error) -> String {
    let path = path.display();
    match error.kind() {
        io::ErrorKind::IsADirectory => format!("read {path}: is a directory"),
        io::ErrorKind::PermissionDenied => format!("open {path}: permission denied"),
        io::ErrorKind::NotFound => format!("open {path}: no such file or directory"),
        _ => format!("open {path}: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(templates: Vec<String>) -> LoadedConfig {
        LoadedConfig {
            has_global: true,
            has_route: true,
            inhibit_rules: 2,
            receivers: 3,
            templates,
        }
    }

    fn run_to_string(files: &[&str], load: &Loader<'_>) -> (String, Result<(), String>) {
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        let mut out = Vec::new();
        let result = run(&files, load, &mut out).map_err(|e| e.to_string());
        (String::from_utf8(out).unwrap(), result)
    }

    #[test]
    fn prints_amtool_summary_on_success() {
        let (out, result) = run_to_string(&["a.yml"], &|_| Ok(loaded(vec![])));
        assert_eq!(
            out,
            "Checking 'a.yml'  SUCCESS\nFound:\n - global config\n - route\n - 2 inhibit rules\n \
             - 3 receivers\n - 0 templates\n\n"
        );
        assert!(result.is_ok());
    }

    #[test]
    fn counts_failures_and_keeps_going() {
        let load = |p: &Path| {
            if p.ends_with("bad.yml") {
                Err("bad.yml:3: oops".to_owned())
            } else {
                Ok(loaded(vec![]))
            }
        };
        let (out, result) = run_to_string(&["bad.yml", "good.yml", "bad.yml"], &load);
        assert!(
            out.starts_with("Checking 'bad.yml'  FAILED: bad.yml:3: oops\n\nChecking 'good.yml'")
        );
        assert_eq!(out.matches("FAILED").count(), 2);
        assert_eq!(result, Err("failed to validate 2 file(s)".to_owned()));
    }

    #[test]
    fn template_globs_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.tmpl"), "{{ define \"x\" }}x{{ end }}").unwrap();
        let base = dir.path().display().to_string();
        let good = vec![format!("{base}/*.tmpl"), format!("{base}/none/*.tmpl")];
        let (out, result) = run_to_string(&["a.yml"], &|_| Ok(loaded(good.clone())));
        assert!(out.ends_with(" - 2 templates\n  SUCCESS\n\n"), "{out}");
        assert!(result.is_ok());

        std::fs::write(dir.path().join("b.tmpl"), "{{ define \"y\" }}{{ end }").unwrap();
        let (out, result) = run_to_string(&["a.yml"], &|_| Ok(loaded(good.clone())));
        assert!(
            out.contains("  FAILED: template: b.tmpl:1: unexpected \"}\" in end\n"),
            "{out}"
        );
        assert_eq!(result, Err("failed to validate 1 file(s)".to_owned()));
        std::fs::remove_file(dir.path().join("b.tmpl")).unwrap();

        let bad = vec![format!("{base}/[.tmpl")];
        let (out, result) = run_to_string(&["a.yml"], &|_| Ok(loaded(bad.clone())));
        assert!(
            out.ends_with(" - 1 templates\n  FAILED: syntax error in pattern\n\n"),
            "{out}"
        );
        assert_eq!(result, Err("failed to validate 1 file(s)".to_owned()));

        let directory = vec![base.clone()];
        let (out, _) = run_to_string(&["a.yml"], &|_| Ok(loaded(directory.clone())));
        assert!(
            out.contains(&format!("  FAILED: read {base}: is a directory\n")),
            "{out}"
        );
    }

    #[test]
    fn arguments_must_be_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.yml");
        let err = files_to_check(std::slice::from_ref(&missing)).unwrap_err();
        assert!(matches!(err, CheckConfigError::Missing(_)), "{err}");
        let err = files_to_check(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(matches!(err, CheckConfigError::Directory(_)), "{err}");
    }
}
