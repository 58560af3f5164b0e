//! Differential test of the msgpack struct codec and LZW against Go: the oracle in
//! `tests/go/codec_oracle/main.go` encodes/decodes memberlist-shaped structs with Debian's
//! hashicorp/go-msgpack (`codec.MsgpackHandle{}`, as memberlist's `util.go`) and uses Go's
//! `compress/lzw`. Fixed-seed random inputs, one oracle process for the whole batch.

use am_cluster::codec::*;
use am_testkit::{GoOracle, TestRng};
use serde_json::{Value, json};

mod go_support;

use go_support::{hexs, string, unhex};

fn b64(b: &[u8]) -> Value {
    if b.is_empty() {
        return Value::Null; // Go nil slice; we encode empty as nil
    }
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    Value::String(s)
}

fn bytes(rng: &mut TestRng) -> Vec<u8> {
    let len = match rng.below(6) {
        0 => 0,
        1 => 4,
        2 => 16,
        3 => 20 + rng.below(300),
        _ => rng.below(40),
    };
    (0..len).map(|_| rng.below(256) as u8).collect()
}

fn uint(rng: &mut TestRng, max: u64) -> u64 {
    let v = match rng.below(4) {
        0 => rng.below(130) as u64,
        1 => rng.next_u64() >> rng.below(64),
        2 => max - rng.below(3) as u64,
        _ => rng.below(70000) as u64,
    };
    v.min(max)
}

fn int(rng: &mut TestRng) -> i64 {
    let v = rng.next_u64() as i64;
    match rng.below(3) {
        0 => v >> rng.below(64),
        1 => rng.range(-40_000, 40_000),
        _ => rng.range(-40, 200),
    }
}

/// Checks that the Rust decoder maps bytes back to the original value.
type DecodeCheck = Box<dyn Fn(&[u8]) -> bool>;

/// One case: oracle kind, JSON with Go field names, Rust encoding, and a check that the Rust
/// decoder maps Go's bytes back to the original value.
struct Case {
    kind: &'static str,
    json: Value,
    rust: Vec<u8>,
    check: DecodeCheck,
}

fn case<T: WireStruct + PartialEq + 'static>(kind: &'static str, v: T, json: Value) -> Case {
    let rust = v.to_msgpack();
    Case {
        kind,
        json,
        rust,
        check: Box::new(move |b| T::from_msgpack(b).ok().as_ref() == Some(&v)),
    }
}

fn gen_case(rng: &mut TestRng) -> Case {
    let u16r = |rng: &mut TestRng| uint(rng, u64::from(u16::MAX)) as u16;
    let u32r = |rng: &mut TestRng| uint(rng, u64::from(u32::MAX)) as u32;
    match rng.below(12) {
        0 => {
            let v = Ping {
                node: string(rng),
                seq_no: u32r(rng),
                source_addr: bytes(rng),
                source_node: string(rng),
                source_port: u16r(rng),
            };
            let j = json!({"SeqNo": v.seq_no, "Node": v.node, "SourceAddr": b64(&v.source_addr),
                "SourcePort": v.source_port, "SourceNode": v.source_node});
            case("ping", v, j)
        }
        1 => {
            let v = IndirectPingReq {
                nack: rng.chance(50),
                node: string(rng),
                port: u16r(rng),
                seq_no: u32r(rng),
                source_addr: bytes(rng),
                source_node: string(rng),
                source_port: u16r(rng),
                target: bytes(rng),
            };
            let j = json!({"SeqNo": v.seq_no, "Target": b64(&v.target), "Port": v.port,
                "Node": v.node, "Nack": v.nack, "SourceAddr": b64(&v.source_addr),
                "SourcePort": v.source_port, "SourceNode": v.source_node});
            case("indirectPingReq", v, j)
        }
        2 => {
            let v = AckResp {
                payload: bytes(rng),
                seq_no: u32r(rng),
            };
            let j = json!({"SeqNo": v.seq_no, "Payload": b64(&v.payload)});
            case("ackResp", v, j)
        }
        3 => {
            let v = NackResp { seq_no: u32r(rng) };
            case("nackResp", v.clone(), json!({"SeqNo": v.seq_no}))
        }
        4 => {
            let v = ErrResp { error: string(rng) };
            case("errResp", v.clone(), json!({"Error": v.error}))
        }
        5 | 6 => {
            let (from, incarnation, node) = (string(rng), u32r(rng), string(rng));
            let j = json!({"Incarnation": incarnation, "Node": node, "From": from});
            if rng.chance(50) {
                case(
                    "suspect",
                    Suspect {
                        from,
                        incarnation,
                        node,
                    },
                    j,
                )
            } else {
                case(
                    "dead",
                    Dead {
                        from,
                        incarnation,
                        node,
                    },
                    j,
                )
            }
        }
        7 => {
            let v = Alive {
                addr: bytes(rng),
                incarnation: u32r(rng),
                meta: bytes(rng),
                node: string(rng),
                port: u16r(rng),
                vsn: bytes(rng),
            };
            let j = json!({"Incarnation": v.incarnation, "Node": v.node, "Addr": b64(&v.addr),
                "Port": v.port, "Meta": b64(&v.meta), "Vsn": b64(&v.vsn)});
            case("alive", v, j)
        }
        8 => {
            let v = PushPullHeader {
                join: rng.chance(50),
                nodes: int(rng),
                user_state_len: int(rng),
            };
            let j = json!({"Nodes": v.nodes, "UserStateLen": v.user_state_len, "Join": v.join});
            case("pushPullHeader", v, j)
        }
        9 => {
            let v = UserMsgHeader {
                user_msg_len: int(rng),
            };
            case(
                "userMsgHeader",
                v.clone(),
                json!({"UserMsgLen": v.user_msg_len}),
            )
        }
        10 => {
            let v = PushNodeState {
                addr: bytes(rng),
                incarnation: u32r(rng),
                meta: bytes(rng),
                name: string(rng),
                port: u16r(rng),
                state: int(rng),
                vsn: bytes(rng),
            };
            let j = json!({"Name": v.name, "Addr": b64(&v.addr), "Port": v.port,
                "Meta": b64(&v.meta), "Incarnation": v.incarnation, "State": v.state,
                "Vsn": b64(&v.vsn)});
            case("pushNodeState", v, j)
        }
        _ => {
            let v = Compress {
                algo: uint(rng, 255) as u8,
                buf: bytes(rng),
            };
            let j = json!({"Algo": v.algo, "Buf": b64(&v.buf)});
            case("compress", v, j)
        }
    }
}

fn oracle() -> Option<GoOracle> {
    go_support::oracle("codec_oracle")
}

#[test]
fn structs_match_go_msgpack_both_ways() {
    let Some(oracle) = oracle() else { return };
    let mut rng = TestRng::new(0x6d65_6d62);
    let cases: Vec<Case> = (0..400).map(|_| gen_case(&mut rng)).collect();
    let lines: Vec<String> = cases
        .iter()
        .map(|c| format!("{} {} {}", c.kind, c.json, hexs(&c.rust)))
        .collect();
    let replies = oracle.run_lines(&lines);
    assert_eq!(replies.len(), cases.len());
    let mut kinds = std::collections::BTreeSet::new();
    for (c, r) in cases.iter().zip(&replies) {
        let (go_hex, rt_hex) = r.split_once(' ').expect("two columns");
        let rust_hex = hexs(&c.rust);
        assert_eq!(
            go_hex, rust_hex,
            "Go vs Rust encoding of {} {}",
            c.kind, c.json
        );
        assert_eq!(
            rt_hex, rust_hex,
            "Go could not decode Rust bytes of {} {}",
            c.kind, c.json
        );
        let go_bytes = unhex(go_hex);
        assert!(
            (c.check)(&go_bytes),
            "Rust could not decode Go bytes of {} {}",
            c.kind,
            c.json
        );
        kinds.insert(c.kind);
    }
    assert_eq!(kinds.len(), 12, "every struct kind is exercised");
}

#[test]
fn lzw_matches_go_compress_lzw() {
    let Some(oracle) = oracle() else { return };
    let mut rng = TestRng::new(0x006c_7a77);
    let inputs: Vec<Vec<u8>> = (0..60)
        .map(|i| {
            let len = if i % 10 == 0 {
                20_000 + rng.below(50_000)
            } else {
                rng.below(3000)
            };
            let alphabet = 1 + rng.below(256);
            (0..len).map(|_| rng.below(alphabet) as u8).collect()
        })
        .collect();
    let compressed: Vec<Vec<u8>> = inputs.iter().map(|i| lzw_compress(i).unwrap()).collect();
    let lines: Vec<String> = inputs
        .iter()
        .zip(&compressed)
        .map(|(i, c)| format!("lzw {} {}", hexs(i), hexs(c)))
        .collect();
    let replies = oracle.run_lines(&lines);
    assert_eq!(replies.len(), inputs.len());
    let mut identical = 0;
    for ((inp, comp), r) in inputs.iter().zip(&compressed).zip(&replies) {
        let (go_hex, go_dec) = r.split_once(' ').expect("two columns");
        assert!(
            go_dec == hexs(inp),
            "Go failed to decompress our {}-byte stream",
            inp.len()
        );
        let go_bytes = unhex(go_hex);
        assert!(
            lzw_decompress(&go_bytes).ok().as_ref() == Some(inp),
            "Go stream not decoded"
        );
        // Short streams are byte-identical. Longer ones can differ (seen from ~2 KB on,
        // before the code table fills): weezl and Go's writer differ in some code-width
        // bookkeeping, yet each decoder accepts the other's stream (checked above).
        if inp.len() < 1000 {
            let ours = hexs(comp);
            let at = go_hex.bytes().zip(ours.bytes()).position(|(a, b)| a != b);
            assert!(
                go_hex == ours,
                "compressed bytes differ for {} bytes: go {} ours {} first diff at hex {at:?}",
                inp.len(),
                go_hex.len(),
                ours.len()
            );
            identical += 1;
        }
    }
    assert!(identical >= 10, "only {identical} short inputs");
}
