// Oracle for am-server's inhibit differential test (src/inhibit/go_tests.rs): runs Go
// Alertmanager 0.25's inhibit.Inhibitor over a memory alert provider. Each input line is one
// case (rules, alerts, queries); the reply lists, per query, the inhibiting fingerprint ("" when
// not muted). Sentinel alerts, fed through the same subscription, tell when the inhibitor has
// processed everything that was put before them; they carry a=b=c="s", which the test's source
// matchers (always with one `=` or `=~` matcher on values other than "s") never accept.
package main

import (
	"context"
	"time"

	"amtestkit/oracleio"
	"github.com/go-kit/log"
	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/alertmanager/provider/mem"
	"github.com/prometheus/alertmanager/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"
)

type rule struct {
	Source [][3]string `json:"source"`
	Target [][3]string `json:"target"`
	Equal  []string    `json:"equal"`
}

type alertIn struct {
	Labels map[string]string `json:"labels"`
	// "none": open end; "past": resolved a minute ago; "future": ends in an hour.
	Ends string `json:"ends"`
}

type request struct {
	Rules   []rule              `json:"rules"`
	Alerts  []alertIn           `json:"alerts"`
	Queries []map[string]string `json:"queries"`
}

type reply struct {
	InhibitedBy []string `json:"inhibited_by"`
}

var types_ = map[string]labels.MatchType{
	"=": labels.MatchEqual, "!=": labels.MatchNotEqual,
	"=~": labels.MatchRegexp, "!~": labels.MatchNotRegexp,
}

func matchers(in [][3]string) config.Matchers {
	var out config.Matchers
	for _, m := range in {
		mt, err := labels.NewMatcher(types_[m[1]], m[0], m[2])
		if err != nil {
			oracleio.Fail("matcher %v: %v", m, err)
		}
		out = append(out, mt)
	}
	return out
}

func lset(m map[string]string) model.LabelSet {
	ls := model.LabelSet{}
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}

func sentinel(n string) (*types.Alert, model.LabelSet) {
	now := time.Now()
	a := &types.Alert{Alert: model.Alert{
		Labels:   lset(map[string]string{"zsentinel": "src", "zn": n, "a": "s", "b": "s", "c": "s"}),
		StartsAt: now.Add(-time.Hour),
	}, UpdatedAt: now}
	return a, lset(map[string]string{"zsentinel": "tgt", "zn": n})
}

func waitFor(ih *inhibit.Inhibitor, marker types.Marker, alerts *mem.Alerts, n string) {
	a, target := sentinel(n)
	if err := alerts.Put(a); err != nil {
		oracleio.Fail("put: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	want := a.Labels.Fingerprint().String()
	for !ih.Mutes(target) || marker.Status(target.Fingerprint()).InhibitedBy[0] != want {
		if time.Now().After(deadline) {
			oracleio.Fail("sentinel %s never processed", n)
		}
		time.Sleep(time.Millisecond)
	}
}

func run(req request) reply {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	marker := types.NewMarker(prometheus.NewRegistry())
	alerts, err := mem.NewAlerts(ctx, marker, time.Hour, nil, log.NewNopLogger(), nil)
	if err != nil {
		oracleio.Fail("provider: %v", err)
	}
	defer alerts.Close()
	// The sentinel rule comes first so that its answer cannot come from a test rule.
	var rules []*config.InhibitRule
	rules = append(rules, &config.InhibitRule{
		SourceMatchers: matchers([][3]string{{"zsentinel", "=", "src"}}),
		TargetMatchers: matchers([][3]string{{"zsentinel", "=", "tgt"}}),
		Equal:          model.LabelNames{"zn"},
	})
	for _, r := range req.Rules {
		var eq model.LabelNames
		for _, n := range r.Equal {
			eq = append(eq, model.LabelName(n))
		}
		rules = append(rules, &config.InhibitRule{
			SourceMatchers: matchers(r.Source),
			TargetMatchers: matchers(r.Target),
			Equal:          eq,
		})
	}
	ih := inhibit.NewInhibitor(alerts, rules, marker, log.NewNopLogger())
	go ih.Run()
	defer ih.Stop()
	waitFor(ih, marker, alerts, "1")

	now := time.Now()
	for _, in := range req.Alerts {
		a := &types.Alert{Alert: model.Alert{
			Labels:   lset(in.Labels),
			StartsAt: now.Add(-2 * time.Hour),
		}, UpdatedAt: now}
		switch in.Ends {
		case "past":
			a.EndsAt = now.Add(-time.Minute)
		case "future":
			a.EndsAt = now.Add(time.Hour)
		}
		if err := alerts.Put(a); err != nil {
			oracleio.Fail("put: %v", err)
		}
	}
	waitFor(ih, marker, alerts, "2")

	var out reply
	for _, q := range req.Queries {
		ls := lset(q)
		by := ""
		if ih.Mutes(ls) {
			by = marker.Status(ls.Fingerprint()).InhibitedBy[0]
		}
		out.InhibitedBy = append(out.InhibitedBy, by)
	}
	return out
}

func main() {
	s := oracleio.Open()
	defer s.Close()
	for {
		var req request
		if !s.Read(&req) {
			return
		}
		s.Write(run(req))
	}
}
