//! The rustls client configuration of an email integration's `tls_config` (prometheus/common
//! `config.NewTLSConfig` as upstream's email notifier uses it for implicit TLS and STARTTLS):
//! a configured CA replaces the system roots, client certificate and key, TLS versions,
//! `insecure_skip_verify`, and `server_name` (else the smarthost's host) for SNI and
//! verification. TLS 1.0/1.1 are not available: a minimum below 1.2 means 1.2.

use std::sync::{Arc, OnceLock};

use am_config::tls_config::{TlsConfig, TlsVersion};
use am_tls::{InsecureServerVerifier, PemError, pem, ring_provider};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, ServerName};

fn system_roots() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    Arc::clone(ROOTS.get_or_init(|| {
        let mut store = RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        let (_added, _ignored) = store.add_parsable_certificates(found.certs);
        Arc::new(store)
    }))
}

fn certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    pem::certs(pem).map_err(|e| match e {
        PemError::InvalidCertificate(e) => format!("unable to parse {what}: {e}"),
        _ => format!("unable to use specified {what}: no certificate found"),
    })
}

/// The server name to verify and send as SNI: `server_name`, else `host`.
///
/// # Errors
/// A name that is neither a DNS name nor an IP address.
pub fn server_name(tls: &TlsConfig, host: &str) -> Result<ServerName<'static>, String> {
    let name = if tls.server_name.is_empty() {
        host
    } else {
        &tls.server_name
    };
    ServerName::try_from(name.to_owned()).map_err(|e| format!("invalid server name {name:?}: {e}"))
}

/// Builds the client configuration for `tls`.
///
/// # Errors
/// Unreadable or invalid PEM, a key that does not match, no usable TLS version.
pub fn client_config(tls: &TlsConfig) -> Result<Arc<rustls::ClientConfig>, String> {
    let versions = am_tls::protocol_versions(tls.min_version, tls.max_version).map_err(|_| {
        let max = tls.max_version.unwrap_or(TlsVersion::Tls13);
        format!("TLS version {} is not supported", max.as_str())
    })?;
    let builder = rustls::ClientConfig::builder_with_provider(ring_provider())
        .with_protocol_versions(&versions)
        .map_err(|e| e.to_string())?;
    let builder = if tls.insecure_skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(
                InsecureServerVerifier::new(ring_provider()),
            ))
    } else if let Some(ca) = &tls.ca {
        let mut store = RootCertStore::empty();
        let pem = pem::read_source(ca, "CA").map_err(|e| e.to_string())?;
        for c in certs(&pem, "CA")? {
            store
                .add(c)
                .map_err(|e| format!("unable to use specified CA cert: {e}"))?;
        }
        builder.with_root_certificates(store)
    } else {
        builder.with_root_certificates(system_roots())
    };
    let config = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => {
            let cert_pem =
                pem::read_source(cert, "client certificate").map_err(|e| e.to_string())?;
            let chain = certs(&cert_pem, "client certificate")?;
            let key_pem = pem::read_secret_source(key, "client key").map_err(|e| e.to_string())?;
            let key = pem::private_key(&key_pem).map_err(|e| match e {
                PemError::InvalidKey(e) => format!("unable to parse client key: {e}"),
                _ => "unable to use client key: no private key found".to_owned(),
            })?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("unable to use client certificate: {e}"))?
        }
        _ => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}
