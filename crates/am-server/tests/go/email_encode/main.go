// Oracle for alertmesh's email encoders (tests/email_encode_diff.rs): reads JSON lines
// {"op": "q"|"qp"|"addr", "in": "..."} and prints one JSON line per request with Go's
// mime.QEncoding.Encode("utf-8", in), quotedprintable.Writer output, or
// mail.ParseAddressList addresses / error.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
)

type request struct {
	Op string `json:"op"`
	In string `json:"in"`
}

type reply struct {
	Out  string   `json:"out"`
	List []string `json:"list"`
	Err  string   `json:"err"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			panic(err)
		}
		var r reply
		switch req.Op {
		case "q":
			r.Out = mime.QEncoding.Encode("utf-8", req.In)
		case "qp":
			var b bytes.Buffer
			w := quotedprintable.NewWriter(&b)
			w.Write([]byte(req.In))
			w.Close()
			r.Out = b.String()
		case "addr":
			list, err := mail.ParseAddressList(req.In)
			if err != nil {
				r.Err = err.Error()
			}
			r.List = []string{}
			for _, a := range list {
				r.List = append(r.List, a.Address)
			}
		}
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
}
