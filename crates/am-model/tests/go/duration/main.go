// Oracle for tests/duration_go.rs: reads JSON requests (one per line) on stdin and answers each
// with one JSON line from prometheus/common/model (ParseDuration, Duration.String) or Go's time
// package (ParseDuration, Duration.String).
package main

import (
	"time"

	"amtestkit/oracleio"
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

func handle(req request) interface{} {
	switch req.Op {
	case "prom_parse":
		d, err := model.ParseDuration(req.S)
		r := parseReply{Ok: err == nil, Nanos: int64(d), String: d.String()}
		if err != nil {
			r.Err = err.Error()
		}
		return r
	case "prom_string":
		return model.Duration(req.Nanos).String()
	case "go_parse":
		d, err := time.ParseDuration(req.S)
		r := parseReply{Ok: err == nil, Nanos: int64(d), String: d.String()}
		if err != nil {
			r.Err = err.Error()
		}
		return r
	case "go_string":
		return time.Duration(req.Nanos).String()
	}
	oracleio.Fail("unknown op: %s", req.Op)
	return nil
}

func main() {
	oracleio.Serve(handle)
}
