// Command escape is the Go oracle of the html/template escaping tests (escape_*.rs): for every
// input line it parses the given templates into one html/template set, executes the listed
// template names in order on the same set (so the escaper's state carries over, as in Go),
// and replies with each output or error.
//
// Data values are JSON; an object with the single key "$html", "$url", "$js", "$jsstr",
// "$css", "$attr" or "$srcset" stands for the corresponding typed string (template.HTML, ...).
package main

import (
	"bytes"
	"encoding/json"
	"html/template"
	"strings"

	"amtestkit/oracleio"
)

type tmpl struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type request struct {
	Templates  []tmpl          `json:"templates"`
	Execs      []string        `json:"execs"`
	Data       json.RawMessage `json:"data"`
	MissingKey string          `json:"missingkey"`
}

type result struct {
	Out string `json:"out"`
	Err string `json:"err"`
}

type reply struct {
	ParseErr string   `json:"parse_err"`
	Results  []result `json:"results"`
}

func typed(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 1 {
			for k, inner := range x {
				if s, ok := inner.(string); ok {
					switch k {
					case "$html":
						return template.HTML(s)
					case "$url":
						return template.URL(s)
					case "$js":
						return template.JS(s)
					case "$jsstr":
						return template.JSStr(s)
					case "$css":
						return template.CSS(s)
					case "$attr":
						return template.HTMLAttr(s)
					case "$srcset":
						return template.Srcset(s)
					}
				}
			}
		}
		for k, inner := range x {
			x[k] = typed(inner)
		}
		return x
	case []interface{}:
		for i, inner := range x {
			x[i] = typed(inner)
		}
		return x
	}
	return v
}

var funcs = template.FuncMap{
	"safeHtml": func(s string) template.HTML { return template.HTML(s) },
	"safeUrl":  func(s string) template.URL { return template.URL(s) },
	"safeJs":   func(s string) template.JS { return template.JS(s) },
	"safeAttr": func(s string) template.HTMLAttr { return template.HTMLAttr(s) },
	"safeCss":  func(s string) template.CSS { return template.CSS(s) },
	"toUpper":  strings.ToUpper,
}

func handle(req request) reply {
	var data interface{}
	if len(req.Data) > 0 {
		if err := json.Unmarshal(req.Data, &data); err != nil {
			oracleio.Fail("data: %v", err)
		}
	}
	data = typed(data)
	set := template.New("").Funcs(funcs)
	if req.MissingKey != "" {
		set.Option("missingkey=" + req.MissingKey)
	}
	for _, t := range req.Templates {
		if _, err := set.New(t.Name).Parse(t.Text); err != nil {
			return reply{ParseErr: err.Error()}
		}
	}
	var rep reply
	for _, name := range req.Execs {
		var buf bytes.Buffer
		err := set.ExecuteTemplate(&buf, name, data)
		r := result{Out: buf.String()}
		if err != nil {
			r.Err = err.Error()
		}
		rep.Results = append(rep.Results, r)
	}
	return rep
}

func main() {
	oracleio.Serve(handle)
}
