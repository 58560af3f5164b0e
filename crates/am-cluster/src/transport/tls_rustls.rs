//! Builds rustls server and client configurations from a [`TlsTransportConfig`], mirroring
//! exporter-toolkit's `web.ConfigToTLSConfig` (server side, client auth modes) and
//! prometheus/common's `config.NewTLSConfig` (client side: CA, client certificate, server name,
//! `insecure_skip_verify`), which Alertmanager's `cluster/tls_transport.go` calls. PEM parsing,
//! TLS version ranges and the non-verifying verifiers are `am_tls`'s.

use std::sync::Arc;

use am_tls::{AnyClientCertVerifier, InsecureServerVerifier, pem};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedCipherSuite};

use super::TransportError;
use super::tls_config::{ClientAuth, PemSource, TlsTransportConfig, TlsVersion};

/// Where Go's `crypto/x509` looks for the system CA bundle on Linux (`root_linux.go`), after
/// `$SSL_CERT_FILE`.
const SYSTEM_CA_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The rustls side of a TLS transport.
#[derive(Debug, Clone)]
pub(crate) struct RustlsConfigs {
    /// Accepting side.
    pub server: Arc<ServerConfig>,
    /// Dialing side.
    pub client: Arc<ClientConfig>,
    /// `server_name` from the configuration; the peer's IP is used when `None`.
    pub server_name: Option<ServerName<'static>>,
}

/// Reads certificates and keys and builds both configurations. Errors name the file and the
/// offending field.
pub(crate) fn build(cfg: &TlsTransportConfig) -> Result<RustlsConfigs, TransportError> {
    let file = cfg.path.display().to_string();
    let server_err = |field: &str, m: String| {
        TransportError::Config(format!(
            "invalid TLS server config: {file}: tls_server_config.{field}: {m}"
        ))
    };
    let client_err = |field: &str, m: String| {
        TransportError::Config(format!(
            "invalid TLS client config: {file}: tls_client_config.{field}: {m}"
        ))
    };

    // Server.
    let s = &cfg.server;
    let provider = Arc::new(server_provider(
        &s.cipher_suites,
        &s.curve_preferences,
        &server_err,
    )?);
    let versions =
        protocol_versions(s.min_version, s.max_version).map_err(|(f, m)| server_err(f, m))?;
    let chain = certs(&s.cert).map_err(|m| server_err("cert_file", m))?;
    let key = private_key(&s.key).map_err(|m| server_err("key_file", m))?;
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| server_err("min_version", e.to_string()))?;
    let verifier: Arc<dyn ClientCertVerifier> = match s.client_auth {
        ClientAuth::NoClientCert => WebPkiClientVerifier::no_client_auth(),
        ClientAuth::RequestClientCert | ClientAuth::RequireAnyClientCert => {
            Arc::new(AnyClientCertVerifier::new(
                provider.clone(),
                s.client_auth == ClientAuth::RequireAnyClientCert,
            ))
        }
        ClientAuth::VerifyClientCertIfGiven | ClientAuth::RequireAndVerifyClientCert => {
            let roots = roots(s.client_ca.as_ref()).map_err(|m| server_err("client_ca_file", m))?;
            let b = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
            let b = if s.client_auth == ClientAuth::VerifyClientCertIfGiven {
                b.allow_unauthenticated()
            } else {
                b
            };
            b.build()
                .map_err(|e| server_err("client_ca_file", e.to_string()))?
        }
    };
    let server = builder
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| server_err("key_file", format!("failed to load X509KeyPair: {e}")))?;

    // Client.
    let c = &cfg.client;
    let provider = am_tls::ring_provider();
    let versions =
        protocol_versions(c.min_version, c.max_version).map_err(|(f, m)| client_err(f, m))?;
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| client_err("min_version", e.to_string()))?;
    let builder = if c.insecure_skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(InsecureServerVerifier::new(provider)))
    } else {
        builder.with_root_certificates(roots(c.ca.as_ref()).map_err(|m| client_err("ca_file", m))?)
    };
    let client = match (&c.cert, &c.key) {
        (Some(cert), Some(key)) => {
            let chain = certs(cert).map_err(|m| client_err("cert_file", m))?;
            let key = private_key(key).map_err(|m| client_err("key_file", m))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| client_err("key_file", e.to_string()))?
        }
        _ => builder.with_no_client_auth(),
    };
    let server_name = if c.server_name.is_empty() {
        None
    } else {
        Some(
            ServerName::try_from(c.server_name.clone())
                .map_err(|e| client_err("server_name", e.to_string()))?,
        )
    };
    Ok(RustlsConfigs {
        server: Arc::new(server),
        client: Arc::new(client),
        server_name,
    })
}

/// The protocol versions between `min` and `max` (defaults TLS 1.2 and 1.3) that rustls has;
/// an error names the offending field.
fn protocol_versions(
    min: Option<TlsVersion>,
    max: Option<TlsVersion>,
) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, (&'static str, String)> {
    am_tls::protocol_versions(min, max).map_err(|e| ("max_version", e.to_string()))
}

/// The ring provider restricted to the configured TLS 1.2 cipher suites and curves.
fn server_provider(
    suites: &[String],
    curves: &[String],
    err: &dyn Fn(&str, String) -> TransportError,
) -> Result<CryptoProvider, TransportError> {
    let mut p = rustls::crypto::ring::default_provider();
    if !suites.is_empty() {
        let mut wanted = Vec::new();
        for name in suites {
            // Go also accepts the short ChaCha20 names without `_SHA256`.
            let full = if name.ends_with("CHACHA20_POLY1305") {
                format!("{name}_SHA256")
            } else {
                name.clone()
            };
            let found = p.cipher_suites.iter().find(|s| {
                matches!(s, SupportedCipherSuite::Tls12(_)) && format!("{:?}", s.suite()) == full
            });
            match found {
                Some(s) => wanted.push(*s),
                None => {
                    return Err(err(
                        "cipher_suites",
                        format!("unsupported cipher suite {name}"),
                    ));
                }
            }
        }
        let tls13 = p
            .cipher_suites
            .iter()
            .filter(|s| matches!(s, SupportedCipherSuite::Tls13(_)))
            .copied();
        p.cipher_suites = wanted.into_iter().chain(tls13).collect();
    }
    if !curves.is_empty() {
        let mut groups = Vec::new();
        for name in curves {
            let want = match name.as_str() {
                "X25519" => "X25519",
                "CurveP256" => "secp256r1",
                "CurveP384" => "secp384r1",
                _ => "",
            };
            match p
                .kx_groups
                .iter()
                .find(|g| format!("{:?}", g.name()) == want)
            {
                Some(g) => groups.push(*g),
                None => {
                    return Err(err(
                        "curve_preferences",
                        format!("unsupported curve {name}"),
                    ));
                }
            }
        }
        p.kx_groups = groups;
    }
    Ok(p)
}

fn certs(src: &PemSource) -> Result<Vec<CertificateDer<'static>>, String> {
    pem::certs(&src.read()?).map_err(|e| e.to_string())
}

fn private_key(src: &PemSource) -> Result<PrivateKeyDer<'static>, String> {
    pem::private_key(&src.read()?).map_err(|e| e.to_string())
}

/// CA certificates from `src`, or the system bundle when `None` (as Go's nil pool means).
fn roots(src: Option<&PemSource>) -> Result<RootCertStore, String> {
    let pem = match src {
        Some(s) => s.read()?,
        None => system_ca_bundle().ok_or_else(|| {
            "not set, and no system CA bundle was found (set SSL_CERT_FILE)".to_string()
        })?,
    };
    pem::ca_bundle(&pem).map_err(|e| e.to_string())
}

fn system_ca_bundle() -> Option<Vec<u8>> {
    let env = std::env::var("SSL_CERT_FILE").ok();
    env.iter()
        .map(String::as_str)
        .chain(SYSTEM_CA_FILES.iter().copied())
        .find_map(|p| std::fs::read(p).ok())
}
