// Package template holds Go counterparts of Alertmanager v0.28's template data types, written
// for the alertmesh tests from upstream's documented behaviour, so that Go's own fmt,
// encoding/json and text/template can act as the oracle for how they print, decode and
// evaluate. The package is named template so that %T and %#v print the same type names.
package template

import (
	"sort"
	"strings"
	"time"
)

// Data is the notification data.
type Data struct {
	Receiver          string `json:"receiver"`
	Status            string `json:"status"`
	Alerts            Alerts `json:"alerts"`
	GroupLabels       KV     `json:"groupLabels"`
	CommonLabels      KV     `json:"commonLabels"`
	CommonAnnotations KV     `json:"commonAnnotations"`
	ExternalURL       string `json:"externalURL"`
}

// Alert is one alert.
type Alert struct {
	Status       string    `json:"status"`
	Labels       KV        `json:"labels"`
	Annotations  KV        `json:"annotations"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	GeneratorURL string    `json:"generatorURL"`
	Fingerprint  string    `json:"fingerprint"`
}

// Alerts is a list of alerts.
type Alerts []Alert

func (as Alerts) withStatus(s string) []Alert {
	out := []Alert{}
	for _, a := range as {
		if a.Status == s {
			out = append(out, a)
		}
	}
	return out
}

// Firing returns the firing alerts.
func (as Alerts) Firing() []Alert { return as.withStatus("firing") }

// Resolved returns the resolved alerts.
func (as Alerts) Resolved() []Alert { return as.withStatus("resolved") }

// Pair is a name and a value.
type Pair struct {
	Name, Value string
}

// Pairs is a list of pairs.
type Pairs []Pair

// Names lists the names.
func (ps Pairs) Names() []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

// Values lists the values.
func (ps Pairs) Values() []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Value)
	}
	return out
}

func (ps Pairs) String() string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Name+"="+p.Value)
	}
	return strings.Join(parts, ", ")
}

// KV is a label or annotation set.
type KV map[string]string

// SortedPairs lists the pairs, alertname first, then by name.
func (kv KV) SortedPairs() Pairs {
	names := make([]string, 0, len(kv))
	for k := range kv {
		if k != "alertname" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if _, ok := kv["alertname"]; ok {
		names = append([]string{"alertname"}, names...)
	}
	out := make(Pairs, 0, len(names))
	for _, n := range names {
		out = append(out, Pair{n, kv[n]})
	}
	return out
}

// Remove returns a copy without the given names.
func (kv KV) Remove(keys []string) KV {
	out := KV{}
	for k, v := range kv {
		keep := true
		for _, r := range keys {
			if r == k {
				keep = false
			}
		}
		if keep {
			out[k] = v
		}
	}
	return out
}

// Names lists the sorted names.
func (kv KV) Names() []string { return kv.SortedPairs().Names() }

// Values lists the values in name order.
func (kv KV) Values() []string { return kv.SortedPairs().Values() }

func (kv KV) String() string { return kv.SortedPairs().String() }
