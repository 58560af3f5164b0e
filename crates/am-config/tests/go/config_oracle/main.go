// Oracle for alertmesh's config tests: loads each configuration with Alertmanager's own
// config package (Debian's 0.25 sources; classic matchers) and reports the error, the
// printed configuration, the dispatch route tree and the inhibition rules.
//
// Input: one JSON string (a YAML document) per line. Output: one JSON object per line.
package main

import (
	"sort"

	"amtestkit/oracleio"
	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/pkg/labels"
)

type route struct {
	Key              string   `json:"key"`
	Receiver         string   `json:"receiver"`
	GroupBy          []string `json:"group_by"`
	GroupByAll       bool     `json:"group_by_all"`
	GroupWaitMs      int64    `json:"group_wait_ms"`
	GroupIntervalMs  int64    `json:"group_interval_ms"`
	RepeatIntervalMs int64    `json:"repeat_interval_ms"`
	Continue         bool     `json:"continue"`
	Mute             []string `json:"mute"`
	Active           []string `json:"active"`
}

type rule struct {
	Source string   `json:"source"`
	Target string   `json:"target"`
	Equal  []string `json:"equal"`
}

type result struct {
	Error   string  `json:"error,omitempty"`
	Printed string  `json:"printed,omitempty"`
	Routes  []route `json:"routes,omitempty"`
	Inhibit []rule  `json:"inhibit,omitempty"`
}

func sorted(ms labels.Matchers) string {
	c := append(labels.Matchers(nil), ms...)
	sort.Sort(c)
	return c.String()
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func load(text string) result {
	var res result
	cfg, err := config.Load(text)
	if err != nil {
		res.Error = err.Error()
	} else {
		res.Printed = cfg.String()
		dispatch.NewRoute(cfg.Route, nil).Walk(func(r *dispatch.Route) {
			gb := []string{}
			for l := range r.RouteOpts.GroupBy {
				gb = append(gb, string(l))
			}
			sort.Strings(gb)
			res.Routes = append(res.Routes, route{
				Key:              r.Key(),
				Receiver:         r.RouteOpts.Receiver,
				GroupBy:          gb,
				GroupByAll:       r.RouteOpts.GroupByAll,
				GroupWaitMs:      r.RouteOpts.GroupWait.Milliseconds(),
				GroupIntervalMs:  r.RouteOpts.GroupInterval.Milliseconds(),
				RepeatIntervalMs: r.RouteOpts.RepeatInterval.Milliseconds(),
				Continue:         r.Continue,
				Mute:             orEmpty(r.RouteOpts.MuteTimeIntervals),
				Active:           orEmpty(r.RouteOpts.ActiveTimeIntervals),
			})
		})
		for _, cr := range cfg.InhibitRules {
			ir := inhibit.NewInhibitRule(cr)
			eq := []string{}
			for l := range ir.Equal {
				eq = append(eq, string(l))
			}
			sort.Strings(eq)
			res.Inhibit = append(res.Inhibit, rule{
				Source: sorted(ir.SourceMatchers),
				Target: sorted(ir.TargetMatchers),
				Equal:  eq,
			})
		}
	}
	return res
}

func main() {
	oracleio.Serve(load)
}
