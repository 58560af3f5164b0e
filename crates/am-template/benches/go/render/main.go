// Go side of alertmesh's template benchmark (issue 3): renders the default Slack and email
// templates of Debian's Alertmanager 0.25 `template` package for the same 50-alert group as
// crates/am-template/benches/render.rs, and builds the template set from the default
// templates, printing ns/op for each (one line per benchmark: "name ns_per_op").
//
// Build in GOPATH mode: GOPATH=/usr/share/gocode GO111MODULE=off go build
// Usage: render [-defaults DIR]   (DIR holds default.tmpl and email.tmpl)
package main

import (
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/template"
)

const alerts = 50

const (
	slackTitle   = `{{ template "slack.default.title" . }}`
	slackText    = `{{ template "slack.default.text" . }}`
	emailSubject = `{{ template "email.default.subject" . }}`
	emailHTML    = `{{ template "email.default.html" . }}`
)

// makeAlert must match `alert` in benches/render.rs.
func makeAlert(i uint64) template.Alert {
	resolved := i%3 == 0
	severity := "warning"
	if i%2 == 0 {
		severity = "critical"
	}
	ann := template.KV{
		"summary":     fmt.Sprintf("Request latency above 500ms on host-%d", i),
		"description": fmt.Sprintf("The 99th percentile latency of api-%d on host-%d has been %dms for more than 10 minutes.", i%5, i, 500+i*7),
	}
	if i%2 == 0 {
		ann["runbook_url"] = "https://runbooks.example.com/latency?a=1&b=<2>"
	}
	starts := int64(1700000000 + i*60)
	a := template.Alert{
		Status: "firing",
		Labels: template.KV{
			"alertname": "HighRequestLatency",
			"cluster":   "prod-eu-1",
			"instance":  fmt.Sprintf("host-%d.example.com:9100", i),
			"job":       "node",
			"namespace": "payments",
			"service":   fmt.Sprintf("api-%d", i%5),
			"severity":  severity,
			"team":      "sre",
		},
		Annotations:  ann,
		StartsAt:     time.Unix(starts, 0).UTC(),
		GeneratorURL: fmt.Sprintf("http://prometheus.example.com:9090/graph?g0.expr=latency%%7Binstance%%3D%%22host-%d%%22%%7D&g0.tab=1", i),
		Fingerprint:  fmt.Sprintf("%016x", i*0x9e3779b97f4a7c15),
	}
	if resolved {
		a.Status = "resolved"
		a.EndsAt = time.Unix(starts+3600, 0).UTC()
	}
	return a
}

// common keeps the entries every set has with the same value, as Template.Data does.
func common(sets []template.KV) template.KV {
	out := template.KV{}
	for k, v := range sets[0] {
		same := true
		for _, s := range sets[1:] {
			if s[k] != v {
				same = false
				break
			}
		}
		if same {
			out[k] = v
		}
	}
	return out
}

func makeData() *template.Data {
	d := &template.Data{
		Receiver:    "team-sre",
		Status:      "firing",
		GroupLabels: template.KV{"alertname": "HighRequestLatency"},
		ExternalURL: "http://alertmanager.example.com:9093",
	}
	var labels, anns []template.KV
	for i := uint64(0); i < alerts; i++ {
		a := makeAlert(i)
		d.Alerts = append(d.Alerts, a)
		labels = append(labels, a.Labels)
		anns = append(anns, a.Annotations)
	}
	d.CommonLabels = common(labels)
	d.CommonAnnotations = common(anns)
	return d
}

func must(s string, err error) string {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return s
}

func main() {
	dir := flag.String("defaults", "/usr/share/prometheus/alertmanager", "directory with default.tmpl and email.tmpl")
	flag.Parse()
	t, err := template.FromGlobs(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	data := makeData()

	fmt.Fprintf(os.Stderr, "output bytes: slack title %d text %d, email subject %d html %d\n",
		len(must(t.ExecuteTextString(slackTitle, data))),
		len(must(t.ExecuteTextString(slackText, data))),
		len(must(t.ExecuteHTMLString(emailSubject, data))),
		len(must(t.ExecuteHTMLString(emailHTML, data))))

	var sink string
	benches := []struct {
		name string
		fn   func(b *testing.B)
	}{
		{"slack_title_text_50", func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				sink = must(t.ExecuteTextString(slackTitle, data))
				sink = must(t.ExecuteTextString(slackText, data))
			}
		}},
		{"email_subject_html_50", func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				sink = must(t.ExecuteHTMLString(emailSubject, data))
				sink = must(t.ExecuteHTMLString(emailHTML, data))
			}
		}},
		{"parse_defaults", func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				if _, err := template.FromGlobs(*dir); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
	for _, bm := range benches {
		r := testing.Benchmark(bm.fn)
		fmt.Printf("%s %d\n", bm.name, r.NsPerOp())
	}
	_ = sink
}
