//! `TlsTransport` on real sockets with throw-away certificates: packets and streams with mutual
//! TLS, refused peers, `insecure_skip_verify`, frame boundaries, metrics.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use am_cluster::transport::tls_proto::MemberlistMessage;
use am_cluster::transport::{TlsTransport, Transport, TransportError, parse_tls_config};
use am_metrics::Registry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMIT: Duration = Duration::from_secs(10);

struct Certs {
    dir: tempfile::TempDir,
    /// Trusted by everyone.
    good: (String, String),
    /// A second self-signed identity nobody trusts.
    other: (String, String),
}

fn certs() -> Option<Certs> {
    let dir = am_testkit::tempdir();
    let good_dir = dir.path().join("good");
    let other_dir = dir.path().join("other");
    std::fs::create_dir_all(&good_dir).unwrap();
    std::fs::create_dir_all(&other_dir).unwrap();
    let (c, k) = am_testkit::self_signed_cert(&good_dir)?;
    let (oc, ok) = am_testkit::self_signed_cert(&other_dir)?;
    let s = |p: &Path| p.display().to_string();
    Some(Certs {
        good: (s(&c), s(&k)),
        other: (s(&oc), s(&ok)),
        dir,
    })
}

async fn transport(certs: &Certs, yaml: &str, registry: &Registry) -> TlsTransport {
    let config = parse_tls_config(yaml, &certs.dir.path().join("tls.yml")).unwrap();
    TlsTransport::bind("127.0.0.1:0".parse().unwrap(), &config, registry)
        .await
        .unwrap()
}

fn mtls(c: &Certs) -> String {
    let (cert, key) = &c.good;
    format!(
        "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {cert}\ntls_client_config:\n  ca_file: {cert}\n  cert_file: {cert}\n  key_file: {key}\n"
    )
}

fn metric(r: &Registry, line_prefix: &str) -> f64 {
    r.encode()
        .lines()
        .find_map(|l| l.strip_prefix(line_prefix)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packets_and_streams_over_mutual_tls() {
    let Some(c) = certs() else { return };
    let (ra, rb) = (Registry::new(), Registry::new());
    let a = transport(&c, &mtls(&c), &ra).await;
    let b = transport(&c, &mtls(&c), &rb).await;

    // Packets use one pooled connection, in order, and carry our listener address.
    let sizes = [1usize, 100, 1400, 20_000, 65_536];
    for (i, n) in sizes.iter().enumerate() {
        a.send_packet(b.local_addr(), vec![i as u8; *n]).unwrap();
    }
    for (i, n) in sizes.iter().enumerate() {
        let (from, buf) = tokio::time::timeout(LIMIT, b.recv_packet())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(from, a.local_addr());
        assert_eq!(buf, vec![i as u8; *n]);
    }
    assert!(matches!(
        a.send_packet(b.local_addr(), vec![0; 65_537]),
        Err(TransportError::PacketTooLarge(65_537))
    ));

    // A stream: request and reply bytes pass through untouched.
    let mut out = a.dial_stream(b.local_addr(), LIMIT).await.unwrap();
    out.write_all(b"request bytes").await.unwrap();
    out.flush().await.unwrap();
    let (peer, mut inc) = tokio::time::timeout(LIMIT, b.accept_stream())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(peer.ip(), a.local_addr().ip());
    let mut got = [0u8; 13];
    inc.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"request bytes");
    inc.write_all(b"reply").await.unwrap();
    inc.shutdown().await.unwrap();
    let mut back = Vec::new();
    out.read_to_end(&mut back).await.unwrap();
    assert_eq!(back, b"reply");

    let total: usize = sizes.iter().sum();
    let p = "alertmanager_tls_transport_";
    assert_eq!(
        metric(&ra, &format!("{p}packet_bytes_sent_total")),
        total as f64
    );
    assert_eq!(
        metric(&rb, &format!("{p}packet_bytes_received_total")),
        total as f64
    );
    assert_eq!(
        metric(&ra, &format!("{p}stream_connections_sent_total")),
        1.0
    );
    assert_eq!(
        metric(&rb, &format!("{p}stream_connections_received_total")),
        1.0
    );
    a.shutdown();
    assert!(matches!(
        a.send_packet(b.local_addr(), vec![1]),
        Err(TransportError::Closed)
    ));
}

#[tokio::test]
async fn peers_without_a_trusted_certificate_are_refused() {
    let Some(c) = certs() else { return };
    let server = transport(&c, &mtls(&c), &Registry::new()).await;
    let (good, _) = &c.good;
    let (other_cert, other_key) = &c.other;

    // The client does not trust the server's certificate: the dial fails.
    let r = Registry::new();
    let distrustful = format!(
        "tls_server_config:\n  cert_file: {other_cert}\n  key_file: {other_key}\ntls_client_config:\n  ca_file: {other_cert}\n"
    );
    let client = transport(&c, &distrustful, &r).await;
    let err = client
        .dial_stream(server.local_addr(), LIMIT)
        .await
        .err()
        .expect("untrusted server");
    assert!(matches!(err, TransportError::Tls(_)), "{err}");
    assert_eq!(
        metric(
            &r,
            "alertmanager_tls_transport_write_errors_total{connection_type=\"stream\"}"
        ),
        1.0
    );

    // The client trusts the server but presents an untrusted certificate: the server refuses
    // it, and the client sees the connection fail instead of a reply.
    let untrusted_client = format!(
        "tls_server_config:\n  cert_file: {other_cert}\n  key_file: {other_key}\ntls_client_config:\n  ca_file: {good}\n  cert_file: {other_cert}\n  key_file: {other_key}\n"
    );
    let client = transport(&c, &untrusted_client, &Registry::new()).await;
    let exchange = async {
        let mut s = client.dial_stream(server.local_addr(), LIMIT).await?;
        s.write_all(b"x")
            .await
            .map_err(|e| TransportError::io("write", e))?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf)
            .await
            .map_err(|e| TransportError::io("read", e))?;
        Ok::<_, TransportError>(buf)
    };
    // Were the client accepted, nobody would close the stream and the read would not end.
    let result = tokio::time::timeout(LIMIT, exchange)
        .await
        .expect("the server closes the refused connection");
    assert!(
        result.as_ref().is_err() || result.as_ref().is_ok_and(Vec::is_empty),
        "{result:?}"
    );
}

/// Stream round trip that succeeds only when both sides accept the handshake.
async fn stream_works(client: &TlsTransport, server: &TlsTransport) -> bool {
    let Ok(mut s) = client.dial_stream(server.local_addr(), LIMIT).await else {
        return false;
    };
    if s.write_all(b"hi").await.is_err() || s.flush().await.is_err() {
        return false;
    }
    let served = async {
        let (_, mut inc) = server.accept_stream().await.ok()?;
        let mut got = [0u8; 2];
        inc.read_exact(&mut got).await.ok()?;
        inc.write_all(b"ok").await.ok()?;
        inc.shutdown().await.ok()
    };
    let client_side = async {
        let mut back = Vec::new();
        s.read_to_end(&mut back).await.ok()?;
        (back == b"ok").then_some(())
    };
    // The server side never finishes when the handshake was refused; the client side then
    // fails, which ends the race.
    tokio::select! {
        r = client_side => r.is_some(),
        _ = served => {
            let mut back = Vec::new();
            s.read_to_end(&mut back).await.is_ok() && back == b"ok"
        }
    }
}

#[tokio::test]
async fn client_auth_modes_and_insecure_skip_verify() {
    let Some(c) = certs() else { return };
    let (good, good_key) = &c.good;
    let (other, other_key) = &c.other;
    let server_with = |auth: &str| {
        format!(
            "tls_server_config:\n  cert_file: {other}\n  key_file: {other_key}\n  client_auth_type: {auth}\ntls_client_config:\n  ca_file: {other}\n"
        )
    };
    // Clients: trusting only `good`, skipping verification without a certificate, and skipping
    // verification with an (unverified) certificate.
    let trusting_good = format!(
        "tls_server_config:\n  cert_file: {good}\n  key_file: {good_key}\ntls_client_config:\n  ca_file: {good}\n"
    );
    let skip_no_cert = format!(
        "tls_server_config:\n  cert_file: {good}\n  key_file: {good_key}\ntls_client_config:\n  insecure_skip_verify: true\n"
    );
    let skip_with_cert = format!("{skip_no_cert}  cert_file: {good}\n  key_file: {good_key}\n");
    let r = Registry::new();
    let trusting_good = transport(&c, &trusting_good, &r).await;
    let skip_no_cert = transport(&c, &skip_no_cert, &r).await;
    let skip_with_cert = transport(&c, &skip_with_cert, &r).await;

    let request = transport(&c, &server_with("RequestClientCert"), &r).await;
    assert!(
        !stream_works(&trusting_good, &request).await,
        "untrusted server accepted"
    );
    assert!(stream_works(&skip_no_cert, &request).await);
    assert!(stream_works(&skip_with_cert, &request).await);

    let require_any = transport(&c, &server_with("RequireAnyClientCert"), &r).await;
    assert!(
        !stream_works(&skip_no_cert, &require_any).await,
        "missing client cert accepted"
    );
    assert!(stream_works(&skip_with_cert, &require_any).await);

    // `good` is not signed by `other`, the only client CA here.
    let verify = format!(
        "tls_server_config:\n  cert_file: {other}\n  key_file: {other_key}\n  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: {other}\n"
    );
    let verify = transport(&c, &verify, &r).await;
    assert!(stream_works(&skip_no_cert, &verify).await);
    assert!(
        !stream_works(&skip_with_cert, &verify).await,
        "unverified client cert accepted"
    );
}

/// A peer that writes the STREAM frame and the stream bytes in one TLS record: the receiver
/// must read exactly the frame and leave the rest to the stream.
#[tokio::test]
async fn stream_bytes_after_the_frame_are_not_swallowed() {
    let Some(c) = certs() else { return };
    let (cert, key) = &c.good;
    let yaml = format!(
        "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\ntls_client_config:\n  ca_file: {cert}\n"
    );
    let server = transport(&c, &yaml, &Registry::new()).await;
    let tcp = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    let mut tls = raw_client(cert, tcp).await;
    let mut bytes = MemberlistMessage::stream().encode_frame();
    bytes.extend_from_slice(b"memberlist stream");
    tls.write_all(&bytes).await.unwrap();
    tls.flush().await.unwrap();
    let (_, mut inc) = tokio::time::timeout(LIMIT, server.accept_stream())
        .await
        .unwrap()
        .unwrap();
    let mut got = [0u8; 17];
    inc.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"memberlist stream");

    // Several PACKET frames in one record arrive as separate packets.
    let from: SocketAddr = "10.9.8.7:9094".parse().unwrap();
    let tcp = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    let mut tls = raw_client(cert, tcp).await;
    let mut bytes = Vec::new();
    for i in 0..3u8 {
        bytes.extend(MemberlistMessage::packet(from.to_string(), vec![i; 10]).encode_frame());
    }
    tls.write_all(&bytes).await.unwrap();
    tls.flush().await.unwrap();
    for i in 0..3u8 {
        let got = tokio::time::timeout(LIMIT, server.recv_packet())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got, (from, vec![i; 10]));
    }
}

async fn raw_client(
    ca: &str,
    tcp: tokio::net::TcpStream,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    let pem = std::fs::read(ca).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    connector.connect(name, tcp).await.unwrap()
}
