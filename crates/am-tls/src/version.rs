//! TLS protocol versions from a `min_version` / `max_version` pair (Go's `tls.Config.MinVersion`
//! and `MaxVersion`, prometheus/common `TLSVersion`). rustls has no TLS 1.0 or 1.1, so a range
//! reaching below TLS 1.2 is clipped to it and a range entirely below TLS 1.2 is an error.

use am_config::tls_config::TlsVersion;
use rustls::SupportedProtocolVersion;

/// No protocol version rustls offers lies in the configured range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// `max_version` is TLS 1.0 or 1.1.
    #[error("TLS versions below TLS12 are not supported ({})", .max.as_str())]
    BelowTls12 {
        /// The configured `max_version`.
        max: TlsVersion,
    },
    /// `max_version` is below `min_version` (after the defaults are applied).
    #[error("max_version {} is below min_version {}", .max.as_str(), .min.as_str())]
    MaxBelowMin {
        /// `min_version` (TLS 1.2 when unset).
        min: TlsVersion,
        /// `max_version` (TLS 1.3 when unset).
        max: TlsVersion,
    },
}

/// The rustls protocol versions between `min` and `max` (TLS 1.2 and TLS 1.3 when unset).
///
/// # Errors
/// An empty range.
pub fn protocol_versions(
    min: Option<TlsVersion>,
    max: Option<TlsVersion>,
) -> Result<Vec<&'static SupportedProtocolVersion>, VersionError> {
    if let Some(max) = max.filter(|m| *m < TlsVersion::Tls12) {
        return Err(VersionError::BelowTls12 { max });
    }
    let (min, max) = (
        min.unwrap_or(TlsVersion::Tls12),
        max.unwrap_or(TlsVersion::Tls13),
    );
    if max < min {
        return Err(VersionError::MaxBelowMin { min, max });
    }
    Ok([
        (TlsVersion::Tls12, &rustls::version::TLS12),
        (TlsVersion::Tls13, &rustls::version::TLS13),
    ]
    .into_iter()
    .filter(|(v, _)| (min..=max).contains(v))
    .map(|(_, p)| p)
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use TlsVersion::{Tls10, Tls11, Tls12, Tls13};

    fn names(min: Option<TlsVersion>, max: Option<TlsVersion>) -> Result<Vec<String>, String> {
        protocol_versions(min, max)
            .map(|v| v.iter().map(|p| format!("{:?}", p.version)).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn ranges_are_clipped_to_what_rustls_has() {
        let both = Ok(vec!["TLSv1_2".to_owned(), "TLSv1_3".to_owned()]);
        assert_eq!(names(None, None), both);
        assert_eq!(names(Some(Tls10), None), both);
        assert_eq!(names(Some(Tls11), Some(Tls13)), both);
        assert_eq!(names(Some(Tls13), None), Ok(vec!["TLSv1_3".to_owned()]));
        assert_eq!(names(None, Some(Tls12)), Ok(vec!["TLSv1_2".to_owned()]));
        assert_eq!(
            names(Some(Tls10), Some(Tls12)),
            Ok(vec!["TLSv1_2".to_owned()])
        );
    }

    #[test]
    fn empty_ranges_are_errors() {
        assert_eq!(
            names(None, Some(Tls11)),
            Err("TLS versions below TLS12 are not supported (TLS11)".to_owned())
        );
        assert_eq!(
            protocol_versions(Some(Tls10), Some(Tls10)),
            Err(VersionError::BelowTls12 { max: Tls10 })
        );
        assert_eq!(
            names(Some(Tls13), Some(Tls12)),
            Err("max_version TLS12 is below min_version TLS13".to_owned())
        );
    }
}
