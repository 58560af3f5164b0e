//! The rustls client configuration of an email integration's `tls_config` (prometheus/common
//! `config.NewTLSConfig` as upstream's email notifier uses it for implicit TLS and STARTTLS):
//! a configured CA replaces the system roots, client certificate and key, TLS versions,
//! `insecure_skip_verify`, and `server_name` (else the smarthost's host) for SNI and
//! verification. TLS 1.0/1.1 are not available: a minimum below 1.2 means 1.2.

use std::sync::{Arc, OnceLock};

use am_config::secret::ValueSource;
use am_config::tls_config::{TlsConfig, TlsVersion};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    Arc::clone(P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())))
}

fn system_roots() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    Arc::clone(ROOTS.get_or_init(|| {
        let mut store = RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        let (_added, _ignored) = store.add_parsable_certificates(found.certs);
        Arc::new(store)
    }))
}

fn read_pem(src: &ValueSource<String>, what: &str) -> Result<Vec<u8>, String> {
    match src {
        ValueSource::Inline(s) => Ok(s.as_bytes().to_vec()),
        ValueSource::File(f) => {
            std::fs::read(f).map_err(|e| format!("unable to read {what} file {f}: {e}"))
        }
        ValueSource::Ref(r) => Err(format!("secret reference {r:?} is not supported")),
    }
}

fn certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("unable to parse {what}: {e}"))?;
    if certs.is_empty() {
        return Err(format!(
            "unable to use specified {what}: no certificate found"
        ));
    }
    Ok(certs)
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
    let mut versions: Vec<&'static rustls::SupportedProtocolVersion> = Vec::new();
    let min = tls.min_version.unwrap_or(TlsVersion::Tls12);
    let max = tls.max_version.unwrap_or(TlsVersion::Tls13);
    if min <= TlsVersion::Tls12 && max >= TlsVersion::Tls12 {
        versions.push(&rustls::version::TLS12);
    }
    if max >= TlsVersion::Tls13 {
        versions.push(&rustls::version::TLS13);
    }
    if versions.is_empty() {
        return Err(format!("TLS version {} is not supported", max.as_str()));
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&versions)
        .map_err(|e| e.to_string())?;
    let builder = if tls.insecure_skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider())))
    } else if let Some(ca) = &tls.ca {
        let mut store = RootCertStore::empty();
        for c in certs(&read_pem(ca, "CA")?, "CA")? {
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
            let chain = certs(&read_pem(cert, "client certificate")?, "client certificate")?;
            let key_pem = match key {
                ValueSource::Inline(s) => s.expose().as_bytes().to_vec(),
                ValueSource::File(f) => std::fs::read(f)
                    .map_err(|e| format!("unable to read client key file {f}: {e}"))?,
                ValueSource::Ref(r) => {
                    return Err(format!("secret reference {r:?} is not supported"));
                }
            };
            let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut &key_pem[..])
                .map_err(|e| format!("unable to parse client key: {e}"))?
                .ok_or("unable to use client key: no private key found")?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("unable to use client certificate: {e}"))?
        }
        _ => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// `insecure_skip_verify`: accepts any certificate (signatures are still checked).
#[derive(Debug)]
struct NoVerify(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
