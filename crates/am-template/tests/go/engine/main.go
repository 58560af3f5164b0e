// Oracle for tests/engine_go.rs: executes text/template templates with Go and reports the
// output, parse error or execution error, one JSON line per request.
//
// Request: {"text": "...", "opt": "missingkey=zero", "data": <json>}. JSON data decodes to
// map[string]interface{} / []interface{} / int (integral numbers) / float64 / string / bool /
// nil, except single-key objects that select a Go type: {"$dur": n} time.Duration,
// {"$uint": n} uint, {"$html": s} html/template.HTML, {"$strs": [...]} []string,
// {"$smap": {...}} map[string]string.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	htmltemplate "html/template"
	"os"
	"strings"
	"text/template"
	"time"
)

type request struct {
	Text string          `json:"text"`
	Opt  string          `json:"opt"`
	Data json.RawMessage `json:"data"`
}

type reply struct {
	Out      string `json:"out"`
	ParseErr string `json:"parse_err"`
	ExecErr  string `json:"exec_err"`
}

func typed(key string, v interface{}) (interface{}, bool) {
	switch key {
	case "$dur":
		n, _ := v.(json.Number).Int64()
		return time.Duration(n), true
	case "$uint":
		n, _ := v.(json.Number).Int64()
		return uint(n), true
	case "$html":
		return htmltemplate.HTML(v.(string)), true
	case "$strs":
		items := v.([]interface{})
		out := make([]string, len(items))
		for i, s := range items {
			out[i] = s.(string)
		}
		return out, true
	case "$smap":
		out := map[string]string{}
		for k, s := range v.(map[string]interface{}) {
			out[k] = s.(string)
		}
		return out, true
	}
	return nil, false
}

func convert(v interface{}) interface{} {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil && !strings.ContainsAny(string(x), ".eE") {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			out[i] = convert(e)
		}
		return out
	case map[string]interface{}:
		if len(x) == 1 {
			for k, e := range x {
				if t, ok := typed(k, e); ok {
					return t
				}
			}
		}
		out := map[string]interface{}{}
		for k, e := range x {
			out[k] = convert(e)
		}
		return out
	}
	return v
}

var funcs = template.FuncMap{
	"upper":  strings.ToUpper,
	"join":   func(sep string, s []string) string { return strings.Join(s, sep) },
	"fails":  func() (string, error) { return "", errors.New("it failed") },
	"list":   func(s ...string) []string { return s },
	"double": func(i int) int { return i * 2 },
}

func run(req request) reply {
	var data interface{}
	if len(req.Data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.Data))
		dec.UseNumber()
		if err := dec.Decode(&data); err != nil {
			panic(err)
		}
		data = convert(data)
	}
	t := template.New("t").Funcs(funcs)
	if req.Opt != "" {
		t.Option(req.Opt)
	}
	if _, err := t.Parse(req.Text); err != nil {
		return reply{ParseErr: err.Error()}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return reply{Out: buf.String(), ExecErr: err.Error()}
	}
	return reply{Out: buf.String()}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		dec := json.NewDecoder(bytes.NewReader(in.Bytes()))
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil {
			panic(err)
		}
		if err := out.Encode(run(req)); err != nil {
			panic(err)
		}
	}
}
