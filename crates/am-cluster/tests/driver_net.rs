//! End-to-end tests of `am_cluster::driver` on real sockets: drivers on 127.0.0.1 with
//! `NetTransport` (UDP + TCP) and `TlsTransport` join, gossip, send reliably and leave; the
//! driver answers malformed streams like memberlist and survives garbage packets.

mod driver_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use am_cluster::codec::{Message, Ping, StreamMessage, decode_packet, decode_stream_message};
use am_cluster::transport::{NetTransport, TlsTransport, Transport, parse_tls_config};
use driver_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMIT: Duration = Duration::from_secs(15);

async fn net_node(name: &str, seed: u64) -> Node {
    let t = NetTransport::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    start(name, Arc::new(t), seed)
}

/// Join, push/pull state exchange, gossip of delegate broadcasts, reliable messages and a
/// graceful leave among three nodes.
async fn exercise_three_nodes(mut a: Node, mut b: Node, mut c: Node) {
    let addr = |n: &Node| n.handle.bound_addr();
    assert_eq!(b.handle.join(vec![addr(&a)]).await, Ok(1));
    // One push/pull makes both ends know each other and merge each other's state.
    assert_eq!(names(&b.handle.members()), ["a", "b"]);
    wait_members(&a.handle, &["a", "b"], LIMIT).await;
    wait_seen(&mut a.seen, LIMIT, |s| {
        *s == Seen::Merge(b"state of b".to_vec(), true)
    })
    .await;
    wait_seen(&mut b.seen, LIMIT, |s| {
        *s == Seen::Merge(b"state of a".to_vec(), true)
    })
    .await;

    assert_eq!(c.handle.join(vec![addr(&b)]).await, Ok(1));
    for n in [&a, &b, &c] {
        wait_members(&n.handle, &["a", "b", "c"], LIMIT).await;
    }
    assert_eq!(c.handle.num_members(), 3);
    assert_eq!(c.handle.local_node().name, "c");
    assert_eq!(c.handle.local_node().addr, addr(&c));

    // Reliable user message over a stream.
    a.handle
        .send_reliable("c".into(), b"direct to c".to_vec())
        .await
        .unwrap();
    wait_seen(&mut c.seen, LIMIT, |s| {
        *s == Seen::Msg(b"direct to c".to_vec())
    })
    .await;
    let err = a.handle.send_reliable("nobody".into(), vec![1]).await;
    assert!(err.unwrap_err().contains("nobody"));

    // A delegate broadcast is gossiped to the others.
    a.handle
        .with_delegate(|d| d.broadcasts.push(b"gossip from a".to_vec()))
        .await;
    for n in [&mut b, &mut c] {
        wait_seen(&mut n.seen, LIMIT, |s| {
            *s == Seen::Msg(b"gossip from a".to_vec())
        })
        .await;
    }

    // Graceful leave: the others drop c from their members.
    c.handle.leave(Duration::from_secs(5)).await;
    assert!(c.handle.with_memberlist(|ml| ml.has_left()).await);
    for n in [&a, &b] {
        wait_members(&n.handle, &["a", "b"], LIMIT).await;
    }
    wait_seen(&mut a.seen, LIMIT, |s| *s == Seen::Leave("c".into())).await;
    for n in [&a, &b, &c] {
        n.handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_udp_tcp_drivers_join_gossip_and_leave() {
    let a = net_node("a", 1).await;
    let b = net_node("b", 2).await;
    let c = net_node("c", 3).await;
    exercise_three_nodes(a, b, c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_tls_drivers_join_gossip_and_leave() {
    let dir = am_testkit::tempdir();
    let Some((cert, key)) = am_testkit::self_signed_cert(dir.path()) else {
        return;
    };
    // Mutual TLS with the same self-signed certificate on every node.
    let yaml = format!(
        "tls_server_config:\n  cert_file: {c}\n  key_file: {k}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {c}\ntls_client_config:\n  ca_file: {c}\n  cert_file: {c}\n  key_file: {k}\n",
        c = cert.display(),
        k = key.display()
    );
    let config = parse_tls_config(&yaml, &dir.path().join("tls.yml")).unwrap();
    let registry = am_metrics::Registry::new();
    let mut nodes = Vec::new();
    for (i, name) in ["a", "b", "c"].into_iter().enumerate() {
        let t = TlsTransport::bind("127.0.0.1:0".parse().unwrap(), &config, &registry)
            .await
            .unwrap();
        nodes.push(start(name, Arc::new(t), i as u64 + 10));
    }
    let c = nodes.pop().unwrap();
    let b = nodes.pop().unwrap();
    let a = nodes.pop().unwrap();
    exercise_three_nodes(a, b, c).await;
    let text = registry.encode();
    for metric in [
        "alertmanager_tls_transport_packet_bytes_sent_total",
        "alertmanager_tls_transport_packet_bytes_received_total",
        "alertmanager_tls_transport_stream_connections_sent_total",
        "alertmanager_tls_transport_stream_connections_received_total",
    ] {
        let value: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix(metric)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{metric} missing:\n{text}"));
        assert!(value > 0.0, "{metric} = {value}");
    }
}

#[tokio::test]
async fn join_reports_failures() {
    let a = net_node("a", 1).await;
    // A port nobody listens on.
    let closed: SocketAddr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let err = a.handle.join(vec![closed]).await.unwrap_err();
    assert!(!err.is_empty());
    assert_eq!(a.handle.join(Vec::new()).await, Ok(0));
    let b = net_node("b", 2).await;
    // One success is enough.
    assert_eq!(
        a.handle.join(vec![closed, b.handle.bound_addr()]).await,
        Ok(1)
    );
    assert!(a.handle.stats().streams_failed >= 2);
}

async fn raw_exchange(to: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut s = tokio::net::TcpStream::connect(to).await.unwrap();
    s.write_all(bytes).await.unwrap();
    let mut back = Vec::new();
    tokio::time::timeout(LIMIT, s.read_to_end(&mut back))
        .await
        .expect("the driver closes the stream")
        .unwrap();
    back
}

#[tokio::test]
async fn malformed_streams_and_packets() {
    let a = net_node("a", 1).await;
    let to = a.handle.bound_addr();
    // Unknown compression algorithm: memberlist replies with an error message.
    let back = raw_exchange(to, &[9, 0x81, 0xa4, b'A', b'l', b'g', b'o', 5]).await;
    match decode_stream_message(&back, "") {
        Ok(Some((StreamMessage::Err(e), _))) => assert!(e.error.contains('5'), "{e:?}"),
        other => panic!("expected an error reply, got {other:?}"),
    }
    // A label we do not use, and a type that is not served on streams: closed silently.
    assert_eq!(raw_exchange(to, &[244, 1, b'x', 0, 0x80]).await, b"");
    assert_eq!(raw_exchange(to, &[3, 0x80]).await, b"");
    assert_eq!(a.handle.stats().streams_malformed, 3);

    // A TCP ping for our name gets an ack.
    let ping = StreamMessage::Ping(Ping {
        node: "a".into(),
        seq_no: 77,
        ..Ping::default()
    });
    let req = am_cluster::codec::encode_stream_message(&ping, "", true).unwrap();
    match decode_stream_message(&raw_exchange(to, &req).await, "") {
        Ok(Some((StreamMessage::Ack(ack), _))) => assert_eq!(ack.seq_no, 77),
        other => panic!("expected an ack, got {other:?}"),
    }

    // Garbage UDP, then a ping from the same socket: the ack proves both were processed.
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    udp.send_to(&[0xff, 0x00, 0x13], to).await.unwrap();
    let ping = Message::Ping(Ping {
        node: "a".into(),
        seq_no: 99,
        ..Ping::default()
    });
    udp.send_to(&ping.encode(), to).await.unwrap();
    let mut buf = vec![0u8; 65536];
    let (n, _) = tokio::time::timeout(LIMIT, udp.recv_from(&mut buf))
        .await
        .expect("an ack")
        .unwrap();
    let acked = decode_packet(&buf[..n], "")
        .unwrap()
        .into_iter()
        .any(|m| matches!(m, Message::Ack(a) if a.seq_no == 99));
    assert!(acked);
    assert!(a.handle.with_memberlist(|ml| ml.dropped_packets()).await >= 1);
    assert!(a.handle.stats().packets_received >= 2);
}

#[tokio::test]
async fn net_transport_binds_udp_and_tcp_on_one_port() {
    let t = NetTransport::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = t.local_addr();
    assert_ne!(addr.port(), 0);
    // Both protocols are taken on that port.
    assert!(std::net::TcpListener::bind(addr).is_err());
    assert!(std::net::UdpSocket::bind(addr).is_err());
    // Packets and streams flow between two transports.
    let u = NetTransport::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    u.send_packet(addr, b"hello".to_vec()).unwrap();
    assert_eq!(
        t.recv_packet().await.unwrap(),
        (u.local_addr(), b"hello".to_vec())
    );
    let mut out = u.dial_stream(addr, LIMIT).await.unwrap();
    let (_, mut inc) = t.accept_stream().await.unwrap();
    out.write_all(b"ping").await.unwrap();
    let mut got = [0u8; 4];
    inc.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"ping");
    assert!(u.send_packet(addr, vec![0; 70_000]).is_err());
    t.shutdown();
    assert!(t.recv_packet().await.is_err());
    assert!(t.accept_stream().await.is_err());
}
