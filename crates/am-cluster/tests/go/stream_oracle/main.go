// Oracle for am-cluster's stream codec and TLS-transport frame tests (tests/stream_go.rs).
//
// Stream messages are read and written the way memberlist (Debian 0.2.2 + go-msgpack 0.5.5)
// reads and writes them on a TCP connection: a message type byte, an optional compress
// wrapper, then pushPullHeader + pushNodeState values + raw user state, userMsgHeader + raw
// bytes, or a single ping/ackResp/errResp struct. Debian's 0.2.2 predates stream labels, so
// the label header (memberlist 0.5 label.go format: 244, length, bytes) is handled here.
// Frames are the TLS transport's MemberlistMessage protobuf from Alertmanager's clusterpb.
//
// One JSON request per line; one JSON reply per line. Byte strings travel as hex.
package main

import (
	"bytes"
	"compress/lzw"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"sync"
	"time"

	"amtestkit/oracleio"

	"github.com/hashicorp/go-msgpack/codec"
	"github.com/hashicorp/memberlist"
	"github.com/prometheus/alertmanager/cluster/clusterpb"
)

const (
	pingMsg     = 0
	ackRespMsg  = 2
	pushPullMsg = 6
	userMsg     = 8
	compressMsg = 9
	errMsg      = 13
	hasLabelMsg = 244
)

// Wire structs with memberlist's field names (net.go).
type ping struct {
	SeqNo      uint32
	Node       string
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type ackResp struct {
	SeqNo   uint32
	Payload []byte
}

type errResp struct{ Error string }

type pushPullHeader struct {
	Nodes        int
	UserStateLen int
	Join         bool
}

type userMsgHeader struct{ UserMsgLen int }

type pushNodeState struct {
	Name        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Incarnation uint32
	State       int
	Vsn         []uint8
}

type compress struct {
	Algo uint8
	Buf  []byte
}

// JSON forms.
type nodeJSON struct {
	Name        string `json:"name"`
	Addr        string `json:"addr"`
	Port        uint16 `json:"port"`
	Meta        string `json:"meta"`
	Incarnation uint32 `json:"incarnation"`
	State       int    `json:"state"`
	Vsn         string `json:"vsn"`
}

type msgJSON struct {
	Type       string     `json:"type"` // pushpull, user, ping, ack, err
	Join       bool       `json:"join"`
	Nodes      []nodeJSON `json:"nodes"`
	User       string     `json:"user"`
	SeqNo      uint32     `json:"seq_no"`
	Node       string     `json:"node"`
	SourceAddr string     `json:"source_addr"`
	SourcePort uint16     `json:"source_port"`
	SourceNode string     `json:"source_node"`
	Payload    string     `json:"payload"`
	Error      string     `json:"error"`
}

type request struct {
	Op       string   `json:"op"` // decode, encode, frame_encode, frame_decode
	Hex      string   `json:"hex"`
	Label    string   `json:"label"`
	Compress bool     `json:"compress"`
	Msg      *msgJSON `json:"msg"`
	Version  string   `json:"version"`
	Kind     int32    `json:"kind"`
	FromAddr string   `json:"from_addr"`
}

type reply struct {
	OK       bool     `json:"ok"`
	Error    string   `json:"error,omitempty"`
	Msg      *msgJSON `json:"msg,omitempty"`
	Consumed int      `json:"consumed"`
	Hex      string   `json:"hex"`
	Version  string   `json:"version"`
	Kind     int32    `json:"kind"`
	FromAddr string   `json:"from_addr"`
	// live: what the memberlist node's delegate saw, and its members afterwards.
	UserMsgs []string `json:"user_msgs"`
	Merged   []string `json:"merged"`
	Members  []string `json:"members"`
}

// unhex decodes hex; "" is a nil slice, as memberlist holds absent bytes.
func unhex(s string) []byte {
	if s == "" {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		oracleio.Fail("bad hex %q: %v", s, err)
	}
	return b
}

// countingReader counts the bytes the decoders take; it has no ReadByte, so go-msgpack reads
// exactly what each value needs.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func decodeStream(raw []byte, wantLabel string) (m *msgJSON, consumed int, err error) {
	defer func() {
		// go-msgpack reports errors by panicking internally and recovering in Decode; a
		// panic here is a bug in the input handling, report it as an error.
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	off, label := 0, ""
	if len(raw) > 0 && raw[0] == hasLabelMsg {
		if len(raw) < 2 {
			return nil, 0, io.ErrUnexpectedEOF
		}
		size := int(raw[1])
		if size < 1 {
			return nil, 0, errors.New("label header cannot be empty when present")
		}
		if len(raw) < 2+size {
			return nil, 0, io.ErrUnexpectedEOF
		}
		label, off = string(raw[2:2+size]), 2+size
	}
	if label != wantLabel {
		return nil, 0, fmt.Errorf("discarding stream with unacceptable label %q", label)
	}
	outer := &countingReader{r: bytes.NewReader(raw[off:])}
	var r io.Reader = outer
	var t [1]byte
	if _, err := io.ReadFull(r, t[:]); err != nil {
		return nil, 0, err
	}
	hd := codec.MsgpackHandle{}
	dec := codec.NewDecoder(r, &hd)
	msgType := t[0]
	if msgType == compressMsg {
		var c compress
		if err := dec.Decode(&c); err != nil {
			return nil, 0, err
		}
		if c.Algo != 0 {
			return nil, 0, fmt.Errorf("unknown compression %d", c.Algo)
		}
		lr := lzw.NewReader(bytes.NewReader(c.Buf), lzw.LSB, 8)
		decomp, err := io.ReadAll(lr)
		lr.Close()
		if err != nil {
			return nil, 0, err
		}
		if len(decomp) == 0 {
			return nil, 0, errors.New("empty compressed message")
		}
		msgType = decomp[0]
		r = bytes.NewReader(decomp[1:])
		dec = codec.NewDecoder(r, &hd)
	}
	m = &msgJSON{}
	switch msgType {
	case pushPullMsg:
		var h pushPullHeader
		if err := dec.Decode(&h); err != nil {
			return nil, 0, err
		}
		if h.Nodes < 0 || h.Nodes > 1<<20 {
			return nil, 0, fmt.Errorf("number of nodes in header (%d) exceeds limit", h.Nodes)
		}
		m.Type, m.Join = "pushpull", h.Join
		m.Nodes = []nodeJSON{}
		for i := 0; i < h.Nodes; i++ {
			var n pushNodeState
			if err := dec.Decode(&n); err != nil {
				return nil, 0, err
			}
			m.Nodes = append(m.Nodes, nodeJSON{n.Name, hex.EncodeToString(n.Addr), n.Port,
				hex.EncodeToString(n.Meta), n.Incarnation, n.State, hex.EncodeToString(n.Vsn)})
		}
		if h.UserStateLen < 0 || h.UserStateLen > 20*1024*1024 {
			return nil, 0, fmt.Errorf("user state length (%d) exceeds limit", h.UserStateLen)
		}
		if h.UserStateLen > 0 {
			buf := make([]byte, h.UserStateLen)
			if _, err := io.ReadAtLeast(r, buf, h.UserStateLen); err != nil {
				return nil, 0, err
			}
			m.User = hex.EncodeToString(buf)
		}
	case userMsg:
		var h userMsgHeader
		if err := dec.Decode(&h); err != nil {
			return nil, 0, err
		}
		m.Type = "user"
		if h.UserMsgLen > 0 {
			buf := make([]byte, h.UserMsgLen)
			if _, err := io.ReadAtLeast(r, buf, h.UserMsgLen); err != nil {
				return nil, 0, err
			}
			m.User = hex.EncodeToString(buf)
		}
	case pingMsg:
		var p ping
		if err := dec.Decode(&p); err != nil {
			return nil, 0, err
		}
		m.Type, m.SeqNo, m.Node = "ping", p.SeqNo, p.Node
		m.SourceAddr, m.SourcePort, m.SourceNode = hex.EncodeToString(p.SourceAddr), p.SourcePort, p.SourceNode
	case ackRespMsg:
		var a ackResp
		if err := dec.Decode(&a); err != nil {
			return nil, 0, err
		}
		m.Type, m.SeqNo, m.Payload = "ack", a.SeqNo, hex.EncodeToString(a.Payload)
	case errMsg:
		var e errResp
		if err := dec.Decode(&e); err != nil {
			return nil, 0, err
		}
		m.Type, m.Error = "err", e.Error
	default:
		return nil, 0, fmt.Errorf("invalid msgType (%d)", msgType)
	}
	return m, off + outer.n, nil
}

func encodeStream(m *msgJSON, label string, compressIt bool) []byte {
	var buf bytes.Buffer
	hd := codec.MsgpackHandle{}
	enc := codec.NewEncoder(&buf, &hd)
	must := func(err error) {
		if err != nil {
			oracleio.Fail("encode: %v", err)
		}
	}
	switch m.Type {
	case "pushpull":
		user := unhex(m.User)
		buf.WriteByte(pushPullMsg)
		must(enc.Encode(&pushPullHeader{Nodes: len(m.Nodes), UserStateLen: len(user), Join: m.Join}))
		for _, n := range m.Nodes {
			must(enc.Encode(&pushNodeState{Name: n.Name, Addr: unhex(n.Addr), Port: n.Port,
				Meta: unhex(n.Meta), Incarnation: n.Incarnation, State: n.State, Vsn: unhex(n.Vsn)}))
		}
		buf.Write(user)
	case "user":
		user := unhex(m.User)
		buf.WriteByte(userMsg)
		must(enc.Encode(&userMsgHeader{UserMsgLen: len(user)}))
		buf.Write(user)
	case "ping":
		buf.WriteByte(pingMsg)
		must(enc.Encode(&ping{SeqNo: m.SeqNo, Node: m.Node, SourceAddr: unhex(m.SourceAddr),
			SourcePort: m.SourcePort, SourceNode: m.SourceNode}))
	case "ack":
		buf.WriteByte(ackRespMsg)
		must(enc.Encode(&ackResp{SeqNo: m.SeqNo, Payload: unhex(m.Payload)}))
	case "err":
		buf.WriteByte(errMsg)
		must(enc.Encode(&errResp{Error: m.Error}))
	default:
		oracleio.Fail("unknown message type %q", m.Type)
	}
	out := buf.Bytes()
	if compressIt {
		var lz bytes.Buffer
		w := lzw.NewWriter(&lz, lzw.LSB, 8)
		w.Write(out)
		w.Close()
		var c bytes.Buffer
		c.WriteByte(compressMsg)
		must(codec.NewEncoder(&c, &hd).Encode(&compress{Algo: 0, Buf: lz.Bytes()}))
		out = c.Bytes()
	}
	if label != "" {
		out = append(append([]byte{hasLabelMsg, byte(len(label))}, label...), out...)
	}
	return out
}

func handle(req request) reply {
	switch req.Op {
	case "decode":
		m, n, err := decodeStream(unhex(req.Hex), req.Label)
		if err != nil {
			return reply{Error: err.Error()}
		}
		return reply{OK: true, Msg: m, Consumed: n}
	case "encode":
		return reply{OK: true, Hex: hex.EncodeToString(encodeStream(req.Msg, req.Label, req.Compress))}
	case "frame_encode":
		b, err := (&clusterpb.MemberlistMessage{Version: req.Version,
			Kind: clusterpb.MemberlistMessage_Kind(req.Kind), FromAddr: req.FromAddr,
			Msg: unhex(req.Hex)}).Marshal()
		if err != nil {
			return reply{Error: err.Error()}
		}
		return reply{OK: true, Hex: hex.EncodeToString(b)}
	case "frame_decode":
		var pb clusterpb.MemberlistMessage
		if err := pb.Unmarshal(unhex(req.Hex)); err != nil {
			return reply{Error: err.Error()}
		}
		return reply{OK: true, Hex: hex.EncodeToString(pb.Msg), Version: pb.Version,
			Kind: int32(pb.Kind), FromAddr: pb.FromAddr}
	case "live":
		return live(unhex(req.Hex))
	}
	oracleio.Fail("unknown op %q", req.Op)
	return reply{}
}

func main() { oracleio.Serve(handle) }

// recorder is the live node's delegate: it records user messages and merged remote states.
type recorder struct {
	mu       sync.Mutex
	userMsgs []string
	merged   []string
}

func (r *recorder) NodeMeta(int) []byte { return nil }
func (r *recorder) NotifyMsg(b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.userMsgs = append(r.userMsgs, hex.EncodeToString(b))
}
func (r *recorder) GetBroadcasts(int, int) [][]byte { return nil }
func (r *recorder) LocalState(join bool) []byte     { return []byte(fmt.Sprintf("go-state join=%v", join)) }
func (r *recorder) MergeRemoteState(b []byte, join bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.merged = append(r.merged, fmt.Sprintf("%v:%s", join, hex.EncodeToString(b)))
}

var (
	liveNode      *memberlist.Memberlist
	liveTransport *memberlist.MockTransport
	liveDelegate  = &recorder{}
)

// live hands raw stream bytes to a real memberlist node (Debian's 0.2.2, default LAN config,
// name "go", compression on) through its mock transport, and returns what it wrote back plus
// what its delegate saw and its member list afterwards ("name addr:port state").
func live(raw []byte) reply {
	if liveNode == nil {
		network := &memberlist.MockNetwork{}
		liveTransport = network.NewTransport("go")
		c := memberlist.DefaultLANConfig()
		c.Name = "go"
		c.Transport = liveTransport
		c.Delegate = liveDelegate
		c.LogOutput = io.Discard
		// Keep the node quiet during the test: no probes or gossip to the mock peers.
		c.ProbeInterval = time.Hour
		c.GossipInterval = time.Hour
		c.PushPullInterval = 0
		m, err := memberlist.Create(c)
		if err != nil {
			oracleio.Fail("create memberlist: %v", err)
		}
		liveNode = m
	}
	liveDelegate.mu.Lock()
	liveDelegate.userMsgs, liveDelegate.merged = nil, nil
	liveDelegate.mu.Unlock()

	ours, theirs := net.Pipe()
	if err := liveTransport.IngestStream(theirs); err != nil {
		oracleio.Fail("ingest: %v", err)
	}
	go func() {
		ours.Write(raw)
	}()
	ours.SetReadDeadline(time.Now().Add(5 * time.Second))
	back, _ := io.ReadAll(ours)
	ours.Close()
	// handleConn closes the connection (EOF above) only after merging or notifying.

	liveDelegate.mu.Lock()
	out := reply{OK: true, Hex: hex.EncodeToString(back),
		UserMsgs: append([]string{}, liveDelegate.userMsgs...),
		Merged:   append([]string{}, liveDelegate.merged...)}
	liveDelegate.mu.Unlock()
	out.Members = []string{}
	for _, n := range liveNode.Members() {
		out.Members = append(out.Members, fmt.Sprintf("%s %s", n.Name, net.JoinHostPort(n.Addr.String(), fmt.Sprint(n.Port))))
	}
	sort.Strings(out.Members)
	return out
}
