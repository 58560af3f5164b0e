//! Adapts `am_config` loading to what `check-config` prints: upstream's `config.LoadFile`
//! (which also resolves the template globs against the file's directory) and the
//! `--enable-feature` flags that choose the matcher parser (`featurecontrol`, `matcher/compat`).

use std::path::Path;

use am_config::feature::Features;
use am_config::load::{LoadOptions, load_file};

use crate::check_config::LoadedConfig;

/// Load options from the `--enable-feature` values (each a comma-separated list).
///
/// # Errors
/// An unknown feature name, or both matcher modes at once (upstream's wording, prefixed as
/// amtool prefixes it).
pub fn options_from_flags(flags: &[String]) -> anyhow::Result<LoadOptions> {
    let features = Features::parse_all(flags.iter().map(String::as_str))
        .map_err(|e| anyhow::anyhow!("error parsing the feature flag list: {e}"))?;
    Ok(LoadOptions {
        matcher_mode: features.matcher_mode,
    })
}

/// Loads and validates one configuration file. Warnings (matchers only the classic parser
/// accepts) go to `notes`, never into the report, so the report stays amtool's.
pub fn load(
    path: &Path,
    options: &LoadOptions,
    notes: &mut dyn std::io::Write,
) -> Result<LoadedConfig, String> {
    let config = load_file(path, options).map_err(|errors| {
        errors
            .0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n  ")
    })?;
    for warning in &config.warnings {
        // A failed write to stderr must not change the verdict.
        let _ = writeln!(notes, "warning: {warning}");
    }
    Ok(LoadedConfig {
        has_global: true,
        has_route: true,
        inhibit_rules: config.inhibit_rules.len(),
        receivers: config.receivers.len(),
        templates: config.template_paths,
    })
}
