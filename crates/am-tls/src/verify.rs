//! Certificate verifiers that skip chain validation but still check handshake signatures with
//! the crypto provider's algorithms: Go's `tls.Config.InsecureSkipVerify` (prometheus/common
//! `insecure_skip_verify`) on the client side, and exporter-toolkit's `RequestClientCert` /
//! `RequireAnyClientCert` client authentication modes on the server side.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

/// The three handshake-signature methods both verifier traits have, checked with the
/// algorithms of the provider in `self.$provider` (the TLS 1.2 and 1.3 methods call the
/// `rustls::crypto` functions of the same name).
macro_rules! check_handshake_signatures {
    ($provider:ident) => {
        check_handshake_signatures!($provider, verify_tls12_signature);
        check_handshake_signatures!($provider, verify_tls13_signature);

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.$provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    };
    ($provider:ident, $verify:ident) => {
        fn $verify(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            let algorithms = &self.$provider.signature_verification_algorithms;
            $verify(message, cert, dss, algorithms)
        }
    };
}

/// `insecure_skip_verify: true`: any server certificate is accepted, whatever its issuer,
/// validity or names; the server must still prove it holds the certificate's key.
pub struct InsecureServerVerifier {
    provider: Arc<CryptoProvider>,
}

impl InsecureServerVerifier {
    /// A verifier checking handshake signatures with `provider`'s algorithms.
    pub fn new(provider: Arc<CryptoProvider>) -> InsecureServerVerifier {
        InsecureServerVerifier { provider }
    }
}

impl fmt::Debug for InsecureServerVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InsecureServerVerifier")
    }
}

impl ServerCertVerifier for InsecureServerVerifier {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    check_handshake_signatures!(provider);
}

/// `RequestClientCert` (optional) / `RequireAnyClientCert` (mandatory): a client certificate
/// is asked for, but its chain is not verified; the handshake signature still is.
pub struct AnyClientCertVerifier {
    mandatory: bool,
    provider: Arc<CryptoProvider>,
}

impl AnyClientCertVerifier {
    /// A verifier that requires a certificate when `mandatory`, checking handshake signatures
    /// with `provider`'s algorithms.
    pub fn new(provider: Arc<CryptoProvider>, mandatory: bool) -> AnyClientCertVerifier {
        AnyClientCertVerifier {
            mandatory,
            provider,
        }
    }
}

impl fmt::Debug for AnyClientCertVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyClientCertVerifier")
            .field("mandatory", &self.mandatory)
            .finish()
    }
}

impl ClientCertVerifier for AnyClientCertVerifier {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    check_handshake_signatures!(provider);
}
