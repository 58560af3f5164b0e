//! rustls helpers shared by alertmesh's outgoing TLS clients (email's SMTP client, the HTTP
//! client of webhook-style integrations) and the cluster's TLS transport. They mirror the parts
//! of Go's `crypto/tls` and prometheus/common `config/http_config.go` (`NewTLSConfig`) that
//! upstream relies on:
//!
//! - [`pem`]: reading PEM from a configuration's `x` / `x_file` / `x_ref` setting and parsing
//!   certificate chains, private keys and CA bundles, with errors that say what was wrong;
//! - [`version`]: the rustls protocol versions for a `min_version` / `max_version` pair;
//! - [`verify`]: `insecure_skip_verify` (any server certificate, handshake signatures still
//!   checked) and exporter-toolkit's `RequestClientCert` / `RequireAnyClientCert` client
//!   certificate modes.

pub mod pem;
pub mod verify;
pub mod version;

use std::sync::{Arc, OnceLock};

use rustls::crypto::CryptoProvider;

pub use pem::{PemError, SourceError};
pub use verify::{AnyClientCertVerifier, InsecureServerVerifier};
pub use version::{VersionError, protocol_versions};

/// rustls' `ring` provider with its default cipher suites and key exchange groups, built once
/// and shared.
pub fn ring_provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    Arc::clone(PROVIDER.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())))
}
