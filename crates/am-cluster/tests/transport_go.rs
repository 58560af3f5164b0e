//! Differential tests of the stream codec (`codec::encode_stream_message`,
//! `decode_stream_message`) and the TLS transport frame (`transport::tls_proto`) against Go:
//! the oracle in `tests/go/stream_oracle` reads and writes streams the way memberlist's
//! `readStream`/`readRemoteState`/`readUserMsg`/`sendLocalState`/`sendUserMsg` do (Debian's
//! go-msgpack 0.5.5 and `compress/lzw`), hands raw streams to a real memberlist 0.2.2 node,
//! and marshals Alertmanager's `clusterpb.MemberlistMessage`. Fixed seeds, one oracle process.

use am_cluster::codec::*;
use am_cluster::transport::tls_proto::{FrameKind, MemberlistMessage};
use am_testkit::{GoOracle, TestRng};
use serde_json::{Value, json};

mod go_support;

use go_support::{hexs, string, unhex};

fn oracle() -> Option<GoOracle> {
    go_support::oracle("stream_oracle")
}

fn node_json(n: &PushNodeState) -> Value {
    json!({"name": n.name, "addr": hexs(&n.addr), "port": n.port, "meta": hexs(&n.meta),
        "incarnation": n.incarnation, "state": n.state, "vsn": hexs(&n.vsn)})
}

fn msg_json(m: &StreamMessage) -> Value {
    match m {
        StreamMessage::PushPull(p) => json!({"type": "pushpull", "join": p.join,
            "nodes": p.nodes.iter().map(node_json).collect::<Vec<_>>(), "user": hexs(&p.user_state)}),
        StreamMessage::User(b) => json!({"type": "user", "user": hexs(b)}),
        StreamMessage::Ping(p) => json!({"type": "ping", "seq_no": p.seq_no, "node": p.node,
            "source_addr": hexs(&p.source_addr), "source_port": p.source_port,
            "source_node": p.source_node}),
        StreamMessage::Ack(a) => {
            json!({"type": "ack", "seq_no": a.seq_no, "payload": hexs(&a.payload)})
        }
        StreamMessage::Err(e) => json!({"type": "err", "error": e.error}),
    }
}

fn from_json(v: &Value) -> StreamMessage {
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    let h = |k: &str| unhex(v[k].as_str().unwrap_or_default());
    let u = |k: &str| v[k].as_u64().unwrap_or_default();
    match v["type"].as_str().expect("type") {
        "pushpull" => StreamMessage::PushPull(PushPull {
            join: v["join"].as_bool().expect("join"),
            nodes: v["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| PushNodeState {
                    addr: unhex(n["addr"].as_str().unwrap()),
                    incarnation: n["incarnation"].as_u64().unwrap() as u32,
                    meta: unhex(n["meta"].as_str().unwrap()),
                    name: n["name"].as_str().unwrap().to_string(),
                    port: n["port"].as_u64().unwrap() as u16,
                    state: n["state"].as_i64().unwrap(),
                    vsn: unhex(n["vsn"].as_str().unwrap()),
                })
                .collect(),
            user_state: h("user"),
        }),
        "user" => StreamMessage::User(h("user")),
        "ping" => StreamMessage::Ping(Ping {
            node: s("node"),
            seq_no: u("seq_no") as u32,
            source_addr: h("source_addr"),
            source_node: s("source_node"),
            source_port: u("source_port") as u16,
        }),
        "ack" => StreamMessage::Ack(AckResp {
            payload: h("payload"),
            seq_no: u("seq_no") as u32,
        }),
        "err" => StreamMessage::Err(ErrResp { error: s("error") }),
        t => panic!("unknown type {t}"),
    }
}

fn bytes(rng: &mut TestRng, big: bool) -> Vec<u8> {
    let len = match rng.below(if big { 7 } else { 5 }) {
        0 => 0,
        1 => 4,
        2 => 16,
        3 => 20 + rng.below(300),
        5 => 2000 + rng.below(6000),
        6 => 66_000 + rng.below(20_000),
        _ => rng.below(40),
    };
    let alphabet = 1 + rng.below(256);
    (0..len).map(|_| rng.below(alphabet) as u8).collect()
}

fn u32r(rng: &mut TestRng) -> u32 {
    match rng.below(3) {
        0 => rng.below(200) as u32,
        1 => rng.next_u64() as u32,
        _ => u32::MAX - rng.below(3) as u32,
    }
}

fn gen_msg(rng: &mut TestRng) -> StreamMessage {
    match rng.below(8) {
        0..=2 => {
            let count = match rng.below(8) {
                0 => 0,
                1 => 16 + rng.below(10),
                _ => 1 + rng.below(5),
            };
            StreamMessage::PushPull(PushPull {
                join: rng.chance(50),
                nodes: (0..count)
                    .map(|_| PushNodeState {
                        addr: bytes(rng, false),
                        incarnation: u32r(rng),
                        meta: bytes(rng, false),
                        name: string(rng),
                        port: rng.below(65536) as u16,
                        state: rng.below(4) as i64,
                        vsn: if rng.chance(80) {
                            vec![1, 5, 2, 0, 0, 0]
                        } else {
                            bytes(rng, false)
                        },
                    })
                    .collect(),
                user_state: bytes(rng, true),
            })
        }
        3 | 4 => StreamMessage::User(bytes(rng, true)),
        5 => StreamMessage::Ping(Ping {
            node: string(rng),
            seq_no: u32r(rng),
            source_addr: bytes(rng, false),
            source_node: string(rng),
            source_port: rng.below(65536) as u16,
        }),
        6 => StreamMessage::Ack(AckResp {
            payload: bytes(rng, false),
            seq_no: u32r(rng),
        }),
        _ => StreamMessage::Err(ErrResp { error: string(rng) }),
    }
}

#[test]
fn stream_messages_match_memberlist_both_ways() {
    let Some(oracle) = oracle() else { return };
    let mut rng = TestRng::new(0x7374_7265);
    struct Case {
        msg: StreamMessage,
        label: String,
        compress: bool,
        ours: Vec<u8>,
        trailing: usize,
    }
    let cases: Vec<Case> = (0..240)
        .map(|_| {
            let msg = gen_msg(&mut rng);
            let label = if rng.chance(30) {
                string(&mut rng).chars().take(40).collect::<String>()
            } else {
                String::new()
            };
            let compress = rng.chance(60);
            let ours = encode_stream_message(&msg, &label, compress).unwrap();
            let trailing = if rng.chance(30) { 1 + rng.below(10) } else { 0 };
            Case {
                msg,
                label,
                compress,
                ours,
                trailing,
            }
        })
        .collect();
    let mut requests = Vec::new();
    for c in &cases {
        let mut sent = c.ours.clone();
        sent.extend(std::iter::repeat_n(0xee, c.trailing));
        requests.push(json!({"op": "decode", "hex": hexs(&sent), "label": c.label}));
        requests.push(
            json!({"op": "encode", "msg": msg_json(&c.msg), "label": c.label, "compress": c.compress}),
        );
    }
    let replies: Vec<Value> = oracle.run_json(&requests);
    assert_eq!(replies.len(), requests.len());
    let mut identical_compressed = 0;
    for (c, r) in cases.iter().zip(replies.chunks(2)) {
        let (dec, enc) = (&r[0], &r[1]);
        // Go reads our bytes back to the same message and stops where we say it ends.
        assert_eq!(
            dec["ok"], true,
            "Go rejected our {:?}: {}",
            c.msg, dec["error"]
        );
        assert_eq!(from_json(&dec["msg"]), c.msg);
        assert_eq!(dec["consumed"].as_u64().unwrap() as usize, c.ours.len());
        // We read Go's bytes back to the same message.
        let go = unhex(enc["hex"].as_str().unwrap());
        let mut padded = go.clone();
        padded.extend(std::iter::repeat_n(0xee, c.trailing));
        assert_eq!(
            decode_stream_message(&padded, &c.label).unwrap(),
            Some((c.msg.clone(), go.len())),
            "decoding Go's stream"
        );
        // Byte-identical except long LZW streams (weezl and Go may pick different codes).
        if !c.compress || c.msg.encode_plain().len() < 1000 {
            assert_eq!(hexs(&go), hexs(&c.ours), "Go vs Rust bytes of {:?}", c.msg);
            identical_compressed += usize::from(c.compress);
        }
        // A strict prefix of Go's stream is incomplete, not an error.
        let cut = go.len() / 2;
        assert_eq!(decode_stream_message(&go[..cut], &c.label), Ok(None));
    }
    assert!(identical_compressed > 20, "{identical_compressed}");
}

#[test]
fn truncated_and_malformed_streams_are_rejected_like_go() {
    let Some(oracle) = oracle() else { return };
    let mut rng = TestRng::new(0x7472_756e);
    let mut inputs: Vec<(Vec<u8>, String)> = Vec::new();
    for _ in 0..60 {
        let msg = gen_msg(&mut rng);
        let full = encode_stream_message(&msg, "", rng.chance(50)).unwrap();
        let cut = rng.below(full.len());
        inputs.push((full[..cut].to_vec(), String::new()));
    }
    // Wrong label, empty label header, encryption, unknown types, bad compression, negative or
    // oversized counts.
    let mut neg = vec![6];
    neg.extend(
        PushPullHeader {
            join: false,
            nodes: -1,
            user_state_len: 0,
        }
        .to_msgpack(),
    );
    let mut huge = vec![6];
    huge.extend(
        PushPullHeader {
            join: false,
            nodes: 1 << 21,
            user_state_len: 0,
        }
        .to_msgpack(),
    );
    let mut algo = vec![9];
    algo.extend(
        Compress {
            algo: 1,
            buf: vec![1, 2],
        }
        .to_msgpack(),
    );
    let ping = encode_stream_message(&StreamMessage::Ping(Ping::default()), "a", false).unwrap();
    for bad in [
        ping.clone(),
        vec![244, 0, 6],
        vec![10, 0, 0, 0, 1, 0],
        vec![3, 0x80],
        vec![7, 0],
        neg,
        huge,
        algo,
    ] {
        inputs.push((bad, String::new()));
    }
    inputs.push((ping, "b".into()));
    let requests: Vec<Value> = inputs
        .iter()
        .map(|(b, l)| json!({"op": "decode", "hex": hexs(b), "label": l}))
        .collect();
    let replies: Vec<Value> = oracle.run_json(&requests);
    for ((b, l), r) in inputs.iter().zip(&replies) {
        assert_eq!(r["ok"], false, "Go accepted {}", hexs(b));
        assert!(
            !matches!(decode_stream_message(b, l), Ok(Some(_))),
            "we accepted {} that Go rejects ({})",
            hexs(b),
            r["error"]
        );
    }
}

fn node(name: &str, last: u8) -> PushNodeState {
    PushNodeState {
        addr: vec![10, 0, 0, last],
        incarnation: 1,
        meta: Vec::new(),
        name: name.into(),
        port: 7946,
        state: 0,
        vsn: vec![1, 5, 2, 0, 0, 0],
    }
}

/// A real memberlist 0.2.2 node reads our push/pulls, user message and TCP ping, and we read
/// its replies (always compressed, as Go writes streams with compression on). The requests go
/// to one node, in order, in one oracle run.
#[test]
fn real_memberlist_node_exchanges_streams_with_us() {
    let Some(oracle) = oracle() else { return };
    let ours = StreamMessage::PushPull(PushPull {
        join: true,
        nodes: vec![node("rust-1", 1), node("rust-2", 2)],
        user_state: vec![7; 5000],
    });
    let user = StreamMessage::User(b"hello over tcp".to_vec());
    let ping = StreamMessage::Ping(Ping {
        node: "go".into(),
        seq_no: 4242,
        ..Ping::default()
    });
    let inputs: Vec<Vec<u8>> = vec![
        encode_stream_message(&ours, "", true).unwrap(),
        encode_stream_message(&ours, "", false).unwrap(),
        encode_stream_message(&user, "", true).unwrap(),
        encode_stream_message(&ping, "", true).unwrap(),
        // An unreadable stream (compression algorithm 5) gets an error reply.
        vec![9, 0x81, 0xa4, b'A', b'l', b'g', b'o', 5],
    ];
    let requests: Vec<Value> = inputs
        .iter()
        .map(|b| json!({"op": "live", "hex": hexs(b)}))
        .collect();
    let r: Vec<Value> = oracle.run_json(&requests);
    let back = |i: usize| unhex(r[i]["hex"].as_str().unwrap());

    for (i, ri) in r.iter().take(2).enumerate() {
        assert_eq!(ri["merged"], json!([format!("true:{}", hexs(&[7; 5000]))]));
        let reply = back(i);
        assert_eq!(reply.first(), Some(&9), "Go compresses stream replies");
        let Some((StreamMessage::PushPull(p), n)) = decode_stream_message(&reply, "").unwrap()
        else {
            panic!("Go's reply is not a push/pull: {}", hexs(&reply));
        };
        assert_eq!(n, reply.len());
        assert!(p.join);
        assert_eq!(p.user_state, b"go-state join=true");
        let mut names: Vec<&str> = p.nodes.iter().map(|n| n.name.as_str()).collect();
        names.sort();
        // Go replies with its state before merging ours: the first reply knows only itself.
        let want: &[&str] = if i == 0 {
            &["go"]
        } else {
            &["go", "rust-1", "rust-2"]
        };
        assert_eq!(names, want);
        assert_eq!(
            ri["members"],
            json!([
                "go 127.0.0.1:1",
                "rust-1 10.0.0.1:7946",
                "rust-2 10.0.0.2:7946"
            ])
        );
    }

    assert_eq!(r[2]["user_msgs"], json!([hexs(b"hello over tcp")]));
    assert_eq!(r[2]["hex"], "", "no reply to a user message");

    let Some((StreamMessage::Ack(a), _)) = decode_stream_message(&back(3), "").unwrap() else {
        panic!("no ack: {}", hexs(&back(3)));
    };
    assert_eq!(a.seq_no, 4242);

    let Some((StreamMessage::Err(e), _)) = decode_stream_message(&back(4), "").unwrap() else {
        panic!("no error reply: {}", hexs(&back(4)));
    };
    assert!(!e.error.is_empty());
}

/// The TLS transport's frame body is Alertmanager's `MemberlistMessage` protobuf.
#[test]
fn tls_frames_match_clusterpb() {
    let Some(oracle) = oracle() else { return };
    let mut rng = TestRng::new(0x0074_6c73);
    let msgs: Vec<MemberlistMessage> = (0..80)
        .map(|i| MemberlistMessage {
            version: if i % 7 == 0 {
                String::new()
            } else {
                "v0.1.0".into()
            },
            kind: if rng.chance(50) {
                FrameKind::Stream as i32
            } else {
                FrameKind::Packet as i32
            },
            from_addr: if rng.chance(70) {
                format!("10.1.2.{}:{}", rng.below(256), rng.below(65536))
            } else {
                String::new()
            },
            msg: bytes(&mut rng, i % 10 == 0),
        })
        .collect();
    let mut requests = Vec::new();
    for m in &msgs {
        requests.push(
            json!({"op": "frame_encode", "version": m.version, "kind": m.kind,
            "from_addr": m.from_addr, "hex": hexs(&m.msg)}),
        );
        requests.push(json!({"op": "frame_decode", "hex": hexs(&m.encode_body())}));
    }
    let replies: Vec<Value> = oracle.run_json(&requests);
    for (m, r) in msgs.iter().zip(replies.chunks(2)) {
        assert_eq!(r[0]["hex"].as_str().unwrap(), hexs(&m.encode_body()));
        assert_eq!(r[1]["ok"], true);
        assert_eq!(r[1]["version"], m.version.as_str());
        assert_eq!(r[1]["kind"], m.kind);
        assert_eq!(r[1]["from_addr"], m.from_addr.as_str());
        assert_eq!(r[1]["hex"].as_str().unwrap(), hexs(&m.msg));
    }
}
