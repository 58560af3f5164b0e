//! PEM input (Go's `crypto/tls.X509KeyPair` and `x509.CertPool.AppendCertsFromPEM` as
//! prometheus/common `config/http_config.go` and exporter-toolkit use them): reading the bytes
//! of a `ca` / `ca_file` / `ca_ref`-style setting, and parsing certificate chains, private keys
//! and CA bundles. Errors say which setting or what kind of PEM block was wrong.

use am_config::secret::{Secret, ValueSource};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A PEM setting of a `tls_config` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The `*_file` could not be read.
    #[error("unable to read {what} file {path}: {source}")]
    Read {
        /// Which setting (`CA`, `client certificate`, `client key`).
        what: &'static str,
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `*_ref` names a secret manager entry; Alertmanager has no secret manager.
    #[error("secret reference {reference:?} is not supported")]
    Reference {
        /// Which setting.
        what: &'static str,
        /// The reference as configured.
        reference: String,
    },
}

impl SourceError {
    /// Which setting failed (`CA`, `client certificate`, `client key`).
    pub fn what(&self) -> &'static str {
        match self {
            SourceError::Read { what, .. } | SourceError::Reference { what, .. } => what,
        }
    }
}

/// PEM text held no usable certificate or key.
#[derive(Debug, thiserror::Error)]
pub enum PemError {
    /// A `CERTIFICATE` block is malformed.
    #[error("invalid PEM certificate: {0}")]
    InvalidCertificate(std::io::Error),
    /// No `CERTIFICATE` block at all.
    #[error("no PEM certificate found")]
    NoCertificate,
    /// A private key block is malformed.
    #[error("invalid PEM private key: {0}")]
    InvalidKey(std::io::Error),
    /// No PKCS#1, PKCS#8 or SEC1 private key block.
    #[error("no PEM private key found")]
    NoPrivateKey,
    /// A CA bundle without a single certificate that parses as X.509.
    #[error("no usable CA certificate found")]
    NoUsableCa,
}

/// The bytes of a PEM setting: inline text, or the file's contents (read now).
///
/// # Errors
/// An unreadable file, or a secret reference.
pub fn read_source(src: &ValueSource<String>, what: &'static str) -> Result<Vec<u8>, SourceError> {
    read(src, what, String::as_str)
}

/// [`read_source`] for a secret setting (a private key).
///
/// # Errors
/// An unreadable file, or a secret reference.
pub fn read_secret_source(
    src: &ValueSource<Secret>,
    what: &'static str,
) -> Result<Vec<u8>, SourceError> {
    read(src, what, Secret::expose)
}

fn read<T>(
    src: &ValueSource<T>,
    what: &'static str,
    text: impl Fn(&T) -> &str,
) -> Result<Vec<u8>, SourceError> {
    match src {
        ValueSource::Inline(v) => Ok(text(v).as_bytes().to_vec()),
        ValueSource::File(path) => std::fs::read(path).map_err(|source| SourceError::Read {
            what,
            path: path.clone(),
            source,
        }),
        ValueSource::Ref(reference) => Err(SourceError::Reference {
            what,
            reference: reference.clone(),
        }),
    }
}

/// Every `CERTIFICATE` block of `pem`, in order (a leaf and its intermediates); other blocks
/// are skipped.
///
/// # Errors
/// A malformed block, or no certificate.
pub fn certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, PemError> {
    let chain = rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(PemError::InvalidCertificate)?;
    if chain.is_empty() {
        return Err(PemError::NoCertificate);
    }
    Ok(chain)
}

/// The first PKCS#1, PKCS#8 or SEC1 private key of `pem`.
///
/// # Errors
/// A malformed block, or no private key.
pub fn private_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, PemError> {
    rustls_pemfile::private_key(&mut &pem[..])
        .map_err(PemError::InvalidKey)?
        .ok_or(PemError::NoPrivateKey)
}

/// A trust store from a CA bundle. Like Go's `AppendCertsFromPEM`, certificates that do not
/// parse as X.509 are skipped; at least one must be usable.
///
/// # Errors
/// A malformed PEM block, or no usable certificate.
pub fn ca_bundle(pem: &[u8]) -> Result<RootCertStore, PemError> {
    let certs = rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(PemError::InvalidCertificate)?;
    let mut store = RootCertStore::empty();
    let (added, _ignored) = store.add_parsable_certificates(certs);
    if added == 0 {
        return Err(PemError::NoUsableCa);
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD_BASE64: &[u8] =
        b"-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n";

    #[test]
    fn sources_are_read_inline_or_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "from file").unwrap();
        let file = ValueSource::File(path.display().to_string());
        assert_eq!(read_source(&file, "CA").unwrap(), b"from file");
        let inline = ValueSource::Inline("inline".to_owned());
        assert_eq!(read_source(&inline, "CA").unwrap(), b"inline");
        let key = ValueSource::Inline(Secret::new("key text"));
        assert_eq!(read_secret_source(&key, "client key").unwrap(), b"key text");
    }

    #[test]
    fn unreadable_and_referenced_sources_name_the_setting() {
        let missing = ValueSource::File("/nonexistent/ca.pem".to_owned());
        let e = read_source(&missing, "CA").unwrap_err();
        assert_eq!(e.what(), "CA");
        assert!(
            e.to_string()
                .starts_with("unable to read CA file /nonexistent/ca.pem: "),
            "{e}"
        );
        let reference = ValueSource::<Secret>::Ref("vault/key".to_owned());
        let e = read_secret_source(&reference, "client key").unwrap_err();
        assert_eq!(e.what(), "client key");
        assert_eq!(
            e.to_string(),
            "secret reference \"vault/key\" is not supported"
        );
    }

    #[test]
    fn bad_pem_gives_clear_errors() {
        let e = certs(b"hello").unwrap_err();
        assert_eq!(e.to_string(), "no PEM certificate found");
        let e = certs(BAD_BASE64).unwrap_err();
        assert!(matches!(e, PemError::InvalidCertificate(_)), "{e:?}");
        assert!(
            e.to_string().starts_with("invalid PEM certificate: "),
            "{e}"
        );
        let e = private_key(b"hello").unwrap_err();
        assert_eq!(e.to_string(), "no PEM private key found");
        let e = ca_bundle(b"").unwrap_err();
        assert_eq!(e.to_string(), "no usable CA certificate found");
        let e = ca_bundle(BAD_BASE64).unwrap_err();
        assert!(
            e.to_string().starts_with("invalid PEM certificate: "),
            "{e}"
        );
        // Well-formed PEM around bytes that are not X.509: skipped, so nothing usable.
        let junk = b"-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
        assert_eq!(certs(junk).unwrap().len(), 1);
        assert!(matches!(ca_bundle(junk), Err(PemError::NoUsableCa)));
    }

    #[test]
    fn real_certificates_and_keys_parse() {
        let dir = tempfile::tempdir().unwrap();
        let Some((cert, key)) = am_testkit::tls::self_signed_cert(dir.path()) else {
            return;
        };
        let cert = std::fs::read(cert).unwrap();
        let key = std::fs::read(key).unwrap();
        assert_eq!(certs(&cert).unwrap().len(), 1);
        assert_eq!(ca_bundle(&cert).unwrap().len(), 1);
        private_key(&key).unwrap();
        // A key is not a certificate and vice versa.
        assert!(matches!(certs(&key), Err(PemError::NoCertificate)));
        assert!(matches!(private_key(&cert), Err(PemError::NoPrivateKey)));
        // A bundle with a junk certificate before the real one keeps the real one.
        let mut bundle =
            b"-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n".to_vec();
        bundle.extend_from_slice(&cert);
        assert_eq!(ca_bundle(&bundle).unwrap().len(), 1);
    }
}
