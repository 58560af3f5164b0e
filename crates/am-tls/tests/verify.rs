//! In-memory TLS handshakes (no sockets) checking what the verifiers of `am_tls::verify` accept:
//! any certificate chain and name, but never a peer whose handshake signature does not match
//! its certificate, under TLS 1.2 and TLS 1.3.

use std::path::Path;
use std::sync::Arc;

use am_tls::{AnyClientCertVerifier, InsecureServerVerifier, ring_provider};
use rustls::client::ResolvesClientCert;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{
    ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection,
    SignatureScheme, SupportedProtocolVersion,
};

/// A certificate (for `localhost`) and its key.
struct Identity {
    cert: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn identity(dir: &Path) -> Option<Identity> {
    let (cert, key) = am_testkit::tls::self_signed_cert(dir)?;
    Some(Identity {
        cert: am_tls::pem::certs(&std::fs::read(cert).unwrap()).unwrap(),
        key: am_tls::pem::private_key(&std::fs::read(key).unwrap()).unwrap(),
    })
}

/// Two unrelated identities, or `None` without `openssl`.
fn two_identities() -> Option<(tempfile::TempDir, Identity, Identity)> {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    let first = identity(&a)?;
    let second = identity(&b)?;
    Some((dir, first, second))
}

/// `cert`'s chain signed with `key`: a mismatched pair when they come from different identities.
fn certified(cert: &Identity, key: &Identity) -> Arc<CertifiedKey> {
    let signer = ring_provider()
        .key_provider
        .load_private_key(key.key.clone_key())
        .unwrap();
    Arc::new(CertifiedKey::new(cert.cert.clone(), signer))
}

#[derive(Debug)]
struct Fixed(Arc<CertifiedKey>);

impl ResolvesServerCert for Fixed {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }
}

impl ResolvesClientCert for Fixed {
    fn resolve(&self, _hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }

    fn has_certs(&self) -> bool {
        true
    }
}

fn versions(v: &'static SupportedProtocolVersion) -> [&'static SupportedProtocolVersion; 1] {
    [v]
}

const VERSIONS: [&SupportedProtocolVersion; 2] = [&rustls::version::TLS12, &rustls::version::TLS13];

fn server(
    v: &'static SupportedProtocolVersion,
    verifier: Option<Arc<AnyClientCertVerifier>>,
    key: Arc<CertifiedKey>,
) -> Arc<ServerConfig> {
    let b = ServerConfig::builder_with_provider(ring_provider())
        .with_protocol_versions(&versions(v))
        .unwrap();
    let b = match verifier {
        Some(v) => b.with_client_cert_verifier(v),
        None => b.with_client_cert_verifier(WebPkiClientVerifier::no_client_auth()),
    };
    Arc::new(b.with_cert_resolver(Arc::new(Fixed(key))))
}

fn insecure_client(
    v: &'static SupportedProtocolVersion,
    cert: Option<Arc<CertifiedKey>>,
) -> Arc<ClientConfig> {
    let b = ClientConfig::builder_with_provider(ring_provider())
        .with_protocol_versions(&versions(v))
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(InsecureServerVerifier::new(ring_provider())));
    Arc::new(match cert {
        Some(c) => b.with_client_cert_resolver(Arc::new(Fixed(c))),
        None => b.with_no_client_auth(),
    })
}

/// Moves everything `from` has to send into `to`, which processes it.
fn pump(from: &mut Connection, to: &mut Connection) -> Result<(), rustls::Error> {
    let mut buf = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buf).unwrap();
    }
    let mut rd = &buf[..];
    while !rd.is_empty() {
        to.read_tls(&mut rd).unwrap();
        to.process_new_packets()?;
    }
    Ok(())
}

/// Runs a handshake between the two sides; the first error either side reports.
fn handshake(
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    name: &str,
) -> Result<(), rustls::Error> {
    let name = ServerName::try_from(name.to_owned()).unwrap();
    let mut c = Connection::from(ClientConnection::new(client, name)?);
    let mut s = Connection::from(ServerConnection::new(server)?);
    for _ in 0..16 {
        pump(&mut c, &mut s)?;
        pump(&mut s, &mut c)?;
        if !c.is_handshaking() && !s.is_handshaking() && !c.wants_write() {
            return Ok(());
        }
    }
    panic!("handshake did not finish");
}

#[test]
fn insecure_verifier_accepts_any_chain_and_name() {
    let Some((_dir, a, b)) = two_identities() else {
        return;
    };
    for v in VERSIONS {
        let srv = server(v, None, certified(&a, &a));
        // The control: normal verification rejects another name and an unknown issuer.
        let verified = |root: &Identity| {
            let mut roots = RootCertStore::empty();
            roots.add(root.cert[0].clone()).unwrap();
            Arc::new(
                ClientConfig::builder_with_provider(ring_provider())
                    .with_protocol_versions(&versions(v))
                    .unwrap()
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            )
        };
        handshake(verified(&a), srv.clone(), "localhost").unwrap();
        assert!(handshake(verified(&a), srv.clone(), "other.example").is_err());
        assert!(handshake(verified(&b), srv.clone(), "localhost").is_err());
        // The insecure verifier accepts both.
        handshake(insecure_client(v, None), srv.clone(), "other.example").unwrap();
        handshake(insecure_client(v, None), srv, "127.0.0.1").unwrap();
    }
}

#[test]
fn insecure_verifier_still_checks_the_handshake_signature() {
    let Some((_dir, a, b)) = two_identities() else {
        return;
    };
    for v in VERSIONS {
        // The server shows a's certificate but signs with b's key.
        let srv = server(v, None, certified(&a, &b));
        let e = handshake(insecure_client(v, None), srv, "localhost").unwrap_err();
        assert!(
            format!("{e:?}").contains("Signature"),
            "{:?}: {e:?}",
            v.version
        );
    }
}

#[test]
fn any_client_cert_verifier_requires_a_certificate_only_when_mandatory() {
    let Some((_dir, a, b)) = two_identities() else {
        return;
    };
    for v in VERSIONS {
        let srv = |mandatory| {
            let verifier = AnyClientCertVerifier::new(ring_provider(), mandatory);
            server(v, Some(Arc::new(verifier)), certified(&a, &a))
        };
        // An untrusted client certificate is accepted either way.
        let with_cert = || insecure_client(v, Some(certified(&b, &b)));
        handshake(with_cert(), srv(true), "localhost").unwrap();
        handshake(with_cert(), srv(false), "localhost").unwrap();
        // No certificate: only the optional mode accepts it.
        handshake(insecure_client(v, None), srv(false), "localhost").unwrap();
        assert!(handshake(insecure_client(v, None), srv(true), "localhost").is_err());
        // A certificate whose key did not sign the handshake is refused.
        let e = handshake(
            insecure_client(v, Some(certified(&b, &a))),
            srv(false),
            "localhost",
        )
        .unwrap_err();
        assert!(
            format!("{e:?}").contains("Signature"),
            "{:?}: {e:?}",
            v.version
        );
    }
}
