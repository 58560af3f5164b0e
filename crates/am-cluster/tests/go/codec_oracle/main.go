// Oracle for am-cluster's codec differential test. Struct types mirror memberlist v0.5.0's
// net.go field names and tags; encoding uses go-msgpack's codec.MsgpackHandle{} defaults,
// as memberlist's util.go encode/decode do.
//
// Input lines: "<kind> <json of struct> <hex of the Rust encoding>".
// For kind "lzw" the JSON is replaced by the hex input and the Go columns hold the Go
// compressed input and the Go decompression of the Rust bytes.
// Output lines: "<hex of Go encoding of the JSON struct> <hex of Go re-encoding after
// decoding the Rust bytes, or ERR>".
package main

import (
	"bufio"
	"bytes"
	"compress/lzw"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/go-msgpack/codec"
)

type ping struct {
	SeqNo      uint32
	Node       string
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type indirectPingReq struct {
	SeqNo      uint32
	Target     []byte
	Port       uint16
	Node       string
	Nack       bool
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type ackResp struct {
	SeqNo   uint32
	Payload []byte
}

type nackResp struct{ SeqNo uint32 }

type errResp struct{ Error string }

type suspect struct {
	Incarnation uint32
	Node        string
	From        string
}

type alive struct {
	Incarnation uint32
	Node        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Vsn         []uint8
}

type dead struct {
	Incarnation uint32
	Node        string
	From        string
}

type pushPullHeader struct {
	Nodes        int
	UserStateLen int
	Join         bool
}

type userMsgHeader struct{ UserMsgLen int }

type nodeStateType int

type pushNodeState struct {
	Name        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Incarnation uint32
	State       nodeStateType
	Vsn         []uint8
}

type compressionType uint8

type compress struct {
	Algo compressionType
	Buf  []byte
}

func newMsg(kind string) interface{} {
	switch kind {
	case "ping":
		return &ping{}
	case "indirectPingReq":
		return &indirectPingReq{}
	case "ackResp":
		return &ackResp{}
	case "nackResp":
		return &nackResp{}
	case "errResp":
		return &errResp{}
	case "suspect":
		return &suspect{}
	case "alive":
		return &alive{}
	case "dead":
		return &dead{}
	case "pushPullHeader":
		return &pushPullHeader{}
	case "userMsgHeader":
		return &userMsgHeader{}
	case "pushNodeState":
		return &pushNodeState{}
	case "compress":
		return &compress{}
	}
	panic("unknown kind " + kind)
}

func encode(v interface{}) string {
	var buf bytes.Buffer
	hd := codec.MsgpackHandle{}
	if err := codec.NewEncoder(&buf, &hd).Encode(v); err != nil {
		panic(err)
	}
	return hex.EncodeToString(buf.Bytes())
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.SplitN(in.Text(), " ", 3)
		if f[0] == "lzw" {
			fmt.Fprintf(out, "%s\n", lzwLine(f[1], f[2]))
			continue
		}
		v := newMsg(f[0])
		if err := json.Unmarshal([]byte(f[1]), v); err != nil {
			panic(err)
		}
		goHex := encode(v)
		raw, err := hex.DecodeString(f[2])
		if err != nil {
			panic(err)
		}
		w := newMsg(f[0])
		hd := codec.MsgpackHandle{}
		rt := "ERR"
		if err := codec.NewDecoder(bytes.NewReader(raw), &hd).Decode(w); err == nil {
			rt = encode(w)
		}
		fmt.Fprintf(out, "%s %s\n", goHex, rt)
	}
}

func lzwLine(inHex, rustHex string) string {
	inp, _ := hex.DecodeString(inHex)
	var buf bytes.Buffer
	w := lzw.NewWriter(&buf, lzw.LSB, 8)
	w.Write(inp)
	w.Close()
	raw, _ := hex.DecodeString(rustHex)
	r := lzw.NewReader(bytes.NewReader(raw), lzw.LSB, 8)
	defer r.Close()
	dec, err := io.ReadAll(r)
	rt := "ERR"
	if err == nil {
		rt = hex.EncodeToString(dec)
	}
	return hex.EncodeToString(buf.Bytes()) + " " + rt
}
