// Oracle for tests/labels_go.rs: reads JSON requests (one per line) on stdin and answers each
// with one JSON line computed by Go's strconv and prometheus/common/model, plus the alert hash
// layout of Alertmanager's notify.hashAlert (XXH64 over name 0xff value 0xff, sorted by name).
package main

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"

	"amtestkit/oracleio"
	"github.com/cespare/xxhash"
	"github.com/prometheus/common/model"
)

type request struct {
	Op     string      `json:"op"`
	Labels [][2]string `json:"labels"`
	S      string      `json:"s"`
}

type labelsReply struct {
	Fingerprint  string   `json:"fingerprint"`
	String       string   `json:"string"`
	Quoted       []string `json:"quoted"`
	AlertHash    string   `json:"alert_hash"`
	GroupKeyHash string   `json:"group_key_hash"`
}

type unquoteReply struct {
	Ok        bool   `json:"ok"`
	ValidUTF8 bool   `json:"valid_utf8"`
	Out       string `json:"out"`
}

func labelsOp(pairs [][2]string) labelsReply {
	ls := model.LabelSet{}
	for _, p := range pairs {
		ls[model.LabelName(p[0])] = model.LabelValue(p[1])
	}
	names := make([]string, 0, len(ls))
	for n := range ls {
		names = append(names, string(n))
	}
	sort.Strings(names)
	var buf []byte
	quoted := make([]string, 0, len(names))
	for _, n := range names {
		v := string(ls[model.LabelName(n)])
		quoted = append(quoted, strconv.Quote(v))
		buf = append(buf, n...)
		buf = append(buf, 0xff)
		buf = append(buf, v...)
		buf = append(buf, 0xff)
	}
	groupKey := "{}:" + ls.String()
	return labelsReply{
		Fingerprint:  ls.Fingerprint().String(),
		String:       ls.String(),
		Quoted:       quoted,
		AlertHash:    fmt.Sprintf("%016x", xxhash.Sum64(buf)),
		GroupKeyHash: fmt.Sprintf("%x", sha256.Sum256([]byte(groupKey))),
	}
}

func printRanges() [][2]int {
	var out [][2]int
	start := -1
	for r := 0; r <= utf8.MaxRune+1; r++ {
		p := r <= utf8.MaxRune && strconv.IsPrint(rune(r))
		if p && start < 0 {
			start = r
		}
		if !p && start >= 0 {
			out = append(out, [2]int{start, r - 1})
			start = -1
		}
	}
	return out
}

func handle(req request) interface{} {
	switch req.Op {
	case "labels":
		return labelsOp(req.Labels)
	case "quote":
		return strconv.Quote(req.S)
	case "unquote":
		out, err := strconv.Unquote(req.S)
		r := unquoteReply{Ok: err == nil, ValidUTF8: utf8.ValidString(out)}
		if r.Ok && r.ValidUTF8 {
			r.Out = out
		}
		return r
	case "isprint_ranges":
		return printRanges()
	}
	oracleio.Fail("unknown op: %s", req.Op)
	return nil
}

func main() {
	oracleio.Serve(handle)
}
