// Oracle for am-server's dispatch differential test (src/dispatch/go_tests.rs): loads a
// configuration with Go Alertmanager 0.25's config package, builds its dispatch.Route tree and
// reports, for each alert label set, the matching routes (Route.Match), their group keys
// (Route.Key + ":" + group labels; 0.25 has no Route.ID), and the order types.AlertSlice
// sorts the alerts in.
package main

import (
	"sort"

	"amtestkit/oracleio"
	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/types"
	"github.com/prometheus/common/model"
)

type request struct {
	Config string              `json:"config"`
	Alerts []map[string]string `json:"alerts"`
}

type route struct {
	Key      string `json:"key"`
	Receiver string `json:"receiver"`
}

type reply struct {
	Error     string     `json:"error"`
	Routes    []route    `json:"routes"`
	Matches   [][]int    `json:"matches"`
	GroupKeys [][]string `json:"group_keys"`
	Order     []int      `json:"order"`
}

func main() {
	oracleio.Serve(func(req request) reply {
		cfg, err := config.Load(req.Config)
		if err != nil {
			return reply{Error: err.Error()}
		}
		root := dispatch.NewRoute(cfg.Route, nil)
		index := map[*dispatch.Route]int{}
		var out reply
		root.Walk(func(r *dispatch.Route) {
			index[r] = len(out.Routes)
			out.Routes = append(out.Routes, route{Key: r.Key(), Receiver: r.RouteOpts.Receiver})
		})
		var alerts types.AlertSlice
		out.Order = []int{}
		for i, in := range req.Alerts {
			ls := model.LabelSet{}
			for k, v := range in {
				ls[model.LabelName(k)] = model.LabelValue(v)
			}
			matched := []int{}
			keys := []string{}
			for _, r := range root.Match(ls) {
				matched = append(matched, index[r])
				group := model.LabelSet{}
				for ln, lv := range ls {
					if _, ok := r.RouteOpts.GroupBy[ln]; ok || r.RouteOpts.GroupByAll {
						group[ln] = lv
					}
				}
				keys = append(keys, r.Key()+":"+group.String())
			}
			out.Matches = append(out.Matches, matched)
			out.GroupKeys = append(out.GroupKeys, keys)
			alerts = append(alerts, &types.Alert{Alert: model.Alert{Labels: ls}})
			out.Order = append(out.Order, i)
		}
		sort.Stable(indexed{alerts, out.Order})
		return out
	})
}

// indexed sorts alerts with types.AlertSlice's order, carrying their input positions along.
type indexed struct {
	alerts types.AlertSlice
	idx    []int
}

func (s indexed) Len() int           { return len(s.alerts) }
func (s indexed) Less(i, j int) bool { return s.alerts.Less(i, j) }
func (s indexed) Swap(i, j int) {
	s.alerts.Swap(i, j)
	s.idx[i], s.idx[j] = s.idx[j], s.idx[i]
}
