// Oracle for tests/matcher_go.rs: reads one JSON request per line on stdin and answers one JSON
// line each on stdout, using Alertmanager's classic matcher parser (pkg/labels, as packaged by
// Debian) and Go's regexp package.
//
// Requests:
//
//	{"op":"list","input":"..."}             labels.ParseMatchers
//	{"op":"one","input":"..."}              labels.ParseMatcher
//	{"op":"regex","input":"...","probes":[...]}  labels.NewMatcher(=~) and regexp.Compile
package main

import (
	"regexp"

	"amtestkit/oracleio"
	"github.com/prometheus/alertmanager/pkg/labels"
)

type request struct {
	Op     string   `json:"op"`
	Input  string   `json:"input"`
	Probes []string `json:"probes"`
}

type matcher struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

type response struct {
	Ok       bool      `json:"ok"`
	Err      string    `json:"err"`
	Matchers []matcher `json:"matchers"`
	Rendered string    `json:"rendered"`
	// For regexes: anchored matches (as a matcher value) and unanchored matches.
	Anchored   []bool `json:"anchored"`
	RawOk      bool   `json:"raw_ok"`
	RawErr     string `json:"raw_err"`
	Unanchored []bool `json:"unanchored"`
}

func describe(ms []*labels.Matcher) ([]matcher, string) {
	out := make([]matcher, 0, len(ms))
	for _, m := range ms {
		out = append(out, matcher{Type: m.Type.String(), Name: m.Name, Value: m.Value})
	}
	return out, labels.Matchers(ms).String()
}

func handle(req request) response {
	var resp response
	switch req.Op {
	case "list":
		ms, err := labels.ParseMatchers(req.Input)
		if err != nil {
			resp.Err = err.Error()
			return resp
		}
		resp.Ok = true
		resp.Matchers, resp.Rendered = describe(ms)
	case "one":
		m, err := labels.ParseMatcher(req.Input)
		if err != nil {
			resp.Err = err.Error()
			return resp
		}
		resp.Ok = true
		resp.Matchers, resp.Rendered = describe([]*labels.Matcher{m})
	case "regex":
		m, err := labels.NewMatcher(labels.MatchRegexp, "x", req.Input)
		if err != nil {
			resp.Err = err.Error()
		} else {
			resp.Ok = true
			for _, p := range req.Probes {
				resp.Anchored = append(resp.Anchored, m.Matches(p))
			}
		}
		re, err := regexp.Compile(req.Input)
		if err != nil {
			resp.RawErr = err.Error()
		} else {
			resp.RawOk = true
			for _, p := range req.Probes {
				resp.Unanchored = append(resp.Unanchored, re.MatchString(p))
			}
		}
	default:
		resp.Err = "unknown op " + req.Op
	}
	return resp
}

func main() {
	oracleio.Serve(handle)
}
