// Oracle for tests/duration_go.rs: reads JSON requests (one per line) on stdin and answers each
// with one JSON line from prometheus/common/model (ParseDuration, Duration.String) or Go's time
// package (ParseDuration, Duration.String).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/prometheus/common/model"
)

type request struct {
	Op    string `json:"op"`
	S     string `json:"s"`
	Nanos int64  `json:"nanos"`
}

type parseReply struct {
	Ok     bool   `json:"ok"`
	Err    string `json:"err"`
	Nanos  int64  `json:"nanos"`
	String string `json:"string"`
}

func main() {
	dec := json.NewDecoder(bufio.NewReader(os.Stdin))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for {
		var req request
		if err := dec.Decode(&req); err == io.EOF {
			return
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "bad request:", err)
			os.Exit(2)
		}
		var reply interface{}
		switch req.Op {
		case "prom_parse":
			d, err := model.ParseDuration(req.S)
			r := parseReply{Ok: err == nil, Nanos: int64(d), String: d.String()}
			if err != nil {
				r.Err = err.Error()
			}
			reply = r
		case "prom_string":
			reply = model.Duration(req.Nanos).String()
		case "go_parse":
			d, err := time.ParseDuration(req.S)
			r := parseReply{Ok: err == nil, Nanos: int64(d), String: d.String()}
			if err != nil {
				r.Err = err.Error()
			}
			reply = r
		case "go_string":
			reply = time.Duration(req.Nanos).String()
		default:
			fmt.Fprintln(os.Stderr, "unknown op:", req.Op)
			os.Exit(2)
		}
		if err := enc.Encode(reply); err != nil {
			fmt.Fprintln(os.Stderr, "encode:", err)
			os.Exit(2)
		}
	}
}
