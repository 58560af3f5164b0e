// Oracle for alertmesh's Alertmanager template layer: reads one JSON request per line
// ({"data": <template data JSON>, "text": "...", "html": bool, "now": "RFC 3339"}), decodes the
// data with encoding/json into the template package's Data, executes the text with
// text/template or html/template (missingkey=zero and Alertmanager's functions except
// humanizeDuration), and prints {"out": "...", "err": "..."} per request.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	htmltemplate "html/template"
	"os"
	"regexp"
	"strings"
	texttemplate "text/template"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	amtemplate "./template"
)

type request struct {
	Data json.RawMessage `json:"data"`
	Text string          `json:"text"`
	HTML bool            `json:"html"`
	Now  string          `json:"now"`
}

type reply struct {
	Out string `json:"out"`
	Err string `json:"err"`
}

func funcs(now time.Time) map[string]interface{} {
	return map[string]interface{}{
		"toUpper":   strings.ToUpper,
		"toLower":   strings.ToLower,
		"title":     func(s string) string { return cases.Title(language.AmericanEnglish).String(s) },
		"trimSpace": strings.TrimSpace,
		"join":      func(sep string, s []string) string { return strings.Join(s, sep) },
		"match":     regexp.MatchString,
		"safeHtml":  func(s string) htmltemplate.HTML { return htmltemplate.HTML(s) },
		"reReplaceAll": func(pattern, repl, text string) string {
			return regexp.MustCompile(pattern).ReplaceAllString(text, repl)
		},
		"stringSlice": func(s ...string) []string { return s },
		"date":        func(layout string, t time.Time) string { return t.Format(layout) },
		"tz": func(name string, t time.Time) (time.Time, error) {
			loc, err := time.LoadLocation(name)
			if err != nil {
				return time.Time{}, err
			}
			return t.In(loc), nil
		},
		"since": func(t time.Time) time.Duration { return now.Sub(t) },
	}
}

func render(req request) (string, error) {
	var data amtemplate.Data
	if len(req.Data) > 0 {
		if err := json.Unmarshal(req.Data, &data); err != nil {
			return "", err
		}
	}
	now, err := time.Parse(time.RFC3339Nano, req.Now)
	if err != nil {
		now = time.Time{}
	}
	var buf bytes.Buffer
	if req.HTML {
		t, err := htmltemplate.New("").Option("missingkey=zero").Funcs(funcs(now)).Parse(req.Text)
		if err != nil {
			return "", err
		}
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	t, err := texttemplate.New("").Option("missingkey=zero").Funcs(funcs(now)).Parse(req.Text)
	if err != nil {
		return "", err
	}
	err = t.Execute(&buf, data)
	return buf.String(), err
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		var rep reply
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			rep.Err = "bad request: " + err.Error()
		} else if s, err := render(req); err != nil {
			rep.Err = err.Error()
		} else {
			rep.Out = s
		}
		if err := out.Encode(rep); err != nil {
			os.Exit(1)
		}
	}
}
