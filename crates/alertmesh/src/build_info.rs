//! What this binary is and how it was built: the `--version` banner and the `version` /
//! `build_context` fields of the startup log. Mirrors Go's `prometheus/common/version`
//! (`version.Print`, `version.Info`, `version.BuildContext`), with the Go toolchain replaced by
//! the Rust one. The values come from `build.rs`.

/// The program name used in the banner, errors and logs.
pub const PROGRAM: &str = "alertmesh";

/// The release version (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git branch the binary was built from, or `unknown`.
pub const BRANCH: &str = env!("AM_BUILD_BRANCH");

/// The git commit the binary was built from, or `unknown`.
pub const REVISION: &str = env!("AM_BUILD_REVISION");

/// `user@host` that ran the build.
pub const BUILD_USER: &str = env!("AM_BUILD_USER");

/// The build time, UTC, as `20060102-15:04:05`.
pub const BUILD_DATE: &str = env!("AM_BUILD_DATE");

/// The rustc version that compiled the binary.
pub const RUST_VERSION: &str = env!("AM_BUILD_RUSTC");

/// The target platform in Go's `GOOS/GOARCH` spelling (`linux/amd64`), so that tooling written
/// for Alertmanager's banner keeps working.
pub fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    };
    format!("{}/{arch}", std::env::consts::OS)
}

/// The multi-line banner printed by `--version`.
pub fn version_banner() -> String {
    format!(
        "{PROGRAM}, version {VERSION} (branch: {BRANCH}, revision: {REVISION})\n\
         \x20 build user:       {BUILD_USER}\n\
         \x20 build date:       {BUILD_DATE}\n\
         \x20 rust version:     {RUST_VERSION}\n\
         \x20 platform:         {platform}",
        platform = platform()
    )
}

/// The `version` field of the startup log line: `(version=…, branch=…, revision=…)`.
pub fn version_info() -> String {
    format!("(version={VERSION}, branch={BRANCH}, revision={REVISION})")
}

/// The `build_context` field of the startup log line.
pub fn build_context() -> String {
    format!(
        "(rust={RUST_VERSION}, platform={}, user={BUILD_USER}, date={BUILD_DATE})",
        platform()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_first_line_names_version_branch_and_revision() {
        let banner = version_banner();
        let first = banner.lines().next().unwrap();
        assert_eq!(
            first,
            format!("alertmesh, version {VERSION} (branch: {BRANCH}, revision: {REVISION})")
        );
        assert_eq!(banner.lines().count(), 5);
        assert!(banner.contains(&format!("platform:         {}", platform())));
    }

    #[test]
    fn platform_uses_go_spelling() {
        let platform = platform();
        assert!(platform.starts_with(std::env::consts::OS));
        assert!(!platform.contains("x86_64"), "{platform}");
    }
}
