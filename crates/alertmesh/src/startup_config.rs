//! Which configuration the server starts on, and loading it: the file named by `--config.file`,
//! or, when that flag is absent and `alertmanager.yml` does not exist in the working directory,
//! the built-in default (`default_config.yml`). Upstream always requires the file
//! (`config.Coordinator.Reload` in `config/coordinator.go`); the built-in fallback is
//! alertmesh's own.

use std::path::Path;

use am_config::config::Config;
use am_config::error::ConfigErrors;
use am_config::load::{LoadOptions, load_file, load_str};
use am_model::matcher::parse::ParseMode;

use crate::flags::{Feature, Features, Flags};

/// The embedded configuration used when no file is available.
pub const DEFAULT_CONFIG_YAML: &str = include_str!("default_config.yml");

/// Where the configuration comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// A file, as named on the command line (or the default `alertmanager.yml` when it exists).
    File(String),
    /// The embedded [`DEFAULT_CONFIG_YAML`].
    BuiltIn,
}

impl ConfigSource {
    /// Picks the source: an explicit `--config.file` is always used (a missing file is then an
    /// error); otherwise the default file name is used when it exists, and the built-in
    /// configuration when it does not.
    pub fn choose(flags: &Flags) -> Self {
        if flags.config_file_given || Path::new(&flags.config_file).exists() {
            Self::File(flags.config_file.clone())
        } else {
            Self::BuiltIn
        }
    }

    /// The name used in logs and error messages.
    pub fn display_name(&self) -> &str {
        match self {
            Self::File(path) => path,
            Self::BuiltIn => "<built-in default configuration>",
        }
    }
}

/// A configuration that loaded and validated.
#[derive(Clone, Debug)]
pub struct LoadedConfig {
    /// Where it came from.
    pub source: ConfigSource,
    /// The validated configuration (its `original` field holds the text as read).
    pub config: Config,
}

/// Reads and validates the configuration from `source`. Warnings (matchers only the classic
/// parser accepts, …) are in `config.warnings` for the caller to log.
///
/// # Errors
/// Every problem found: an unreadable file, invalid YAML, schema or validation errors, each
/// naming the file, the line and the YAML path (`alertmanager.yml:14: route.receiver: …`).
pub fn load(source: &ConfigSource, features: &Features) -> Result<LoadedConfig, ConfigErrors> {
    let options = LoadOptions {
        matcher_mode: matcher_mode(features),
    };
    let config = match source {
        ConfigSource::File(path) => load_file(Path::new(path), &options)?,
        ConfigSource::BuiltIn => {
            load_str(DEFAULT_CONFIG_YAML, Some(source.display_name()), &options)?
        }
    };
    Ok(LoadedConfig {
        source: source.clone(),
        config,
    })
}

/// The matcher parser selected by `--enable-feature` (upstream's `compat.InitFromFlags`).
pub fn matcher_mode(features: &Features) -> ParseMode {
    if features.is_enabled(Feature::ClassicMode) {
        ParseMode::Classic
    } else if features.is_enabled(Feature::Utf8StrictMode) {
        ParseMode::Utf8Strict
    } else {
        ParseMode::Fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_configuration_is_valid_and_sends_nothing() {
        for mode in ["", "classic-mode", "utf8-strict-mode"] {
            let features = Features::parse(&[mode.to_owned()]).unwrap();
            let loaded = load(&ConfigSource::BuiltIn, &features).unwrap();
            let config = &loaded.config;
            assert!(config.warnings.is_empty(), "{:?}", config.warnings);
            assert_eq!(config.route.receiver, "default");
            assert_eq!(config.receivers.len(), 1);
            assert_eq!(config.original, DEFAULT_CONFIG_YAML);
            assert!(config.route.routes.is_empty());
        }
    }

    #[test]
    fn matcher_mode_follows_features() {
        let mode = |f: &str| matcher_mode(&Features::parse(&[f.to_owned()]).unwrap());
        assert_eq!(mode(""), ParseMode::Fallback);
        assert_eq!(mode("classic-mode"), ParseMode::Classic);
        assert_eq!(mode("utf8-strict-mode"), ParseMode::Utf8Strict);
    }

    #[test]
    fn errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.yml");
        std::fs::write(
            &path,
            "route:\n  receiver: nobody\nreceivers:\n  - name: team\n",
        )
        .unwrap();
        let source = ConfigSource::File(path.display().to_string());
        let errors = load(&source, &Features::default()).unwrap_err();
        let text = errors.to_string();
        assert!(
            text.starts_with(&format!("{}:2: ", path.display())),
            "{text}"
        );
        assert!(text.contains("nobody"), "{text}");
    }
}
