// Package template gives the diff oracle Alertmanager 0.28's template data types on top of
// Debian's 0.25 package (github.com/prometheus/alertmanager/template).
//
// 0.28 differs from 0.25 in the data types only by two fmt.Stringer methods: Pairs.String and
// KV.String ("name=value, name=value", in SortedPairs order). Printing a KV, Pairs, Alert,
// Alerts or Data therefore differs between the versions. This package defines look-alike
// types (the package is named `template` so %T, %#v and error messages say "template.KV" as
// upstream does); every method delegates to Debian's 0.25 code except the two Stringers.
package template

import (
	"strconv"
	"strings"
	"time"

	amt "github.com/prometheus/alertmanager/template"
)

// Pair is Debian's Pair itself (0.28 did not change it).
type Pair = amt.Pair

// Pairs mirrors template.Pairs.
type Pairs []Pair

// Names delegates to Debian's Pairs.Names.
func (ps Pairs) Names() []string { return amt.Pairs(ps).Names() }

// Values delegates to Debian's Pairs.Values.
func (ps Pairs) Values() []string { return amt.Pairs(ps).Values() }

// String is the 0.28 addition: "name=value" items joined by ", ".
func (ps Pairs) String() string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Name+"="+p.Value)
	}
	return strings.Join(parts, ", ")
}

// KV mirrors template.KV.
type KV map[string]string

// SortedPairs delegates to Debian's KV.SortedPairs.
func (kv KV) SortedPairs() Pairs { return Pairs(amt.KV(kv).SortedPairs()) }

// Remove delegates to Debian's KV.Remove.
func (kv KV) Remove(keys []string) KV { return KV(amt.KV(kv).Remove(keys)) }

// Names delegates to Debian's KV.Names.
func (kv KV) Names() []string { return amt.KV(kv).Names() }

// Values delegates to Debian's KV.Values.
func (kv KV) Values() []string { return amt.KV(kv).Values() }

// String is the 0.28 addition: the sorted pairs' String.
func (kv KV) String() string { return kv.SortedPairs().String() }

// Data mirrors template.Data.
type Data struct {
	Receiver string `json:"receiver"`
	Status   string `json:"status"`
	Alerts   Alerts `json:"alerts"`

	GroupLabels       KV `json:"groupLabels"`
	CommonLabels      KV `json:"commonLabels"`
	CommonAnnotations KV `json:"commonAnnotations"`

	ExternalURL string `json:"externalURL"`
}

// Alert mirrors template.Alert.
type Alert struct {
	Status       string    `json:"status"`
	Labels       KV        `json:"labels"`
	Annotations  KV        `json:"annotations"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	GeneratorURL string    `json:"generatorURL"`
	Fingerprint  string    `json:"fingerprint"`
}

// Alerts mirrors template.Alerts.
type Alerts []Alert

// Firing returns the alerts Debian's Alerts.Firing selects, as this package's type.
func (as Alerts) Firing() []Alert { return as.pick(amt.Alerts.Firing) }

// Resolved returns the alerts Debian's Alerts.Resolved selects, as this package's type.
func (as Alerts) Resolved() []Alert { return as.pick(amt.Alerts.Resolved) }

// pick runs one of Debian's filters on a status-only copy and maps the result back by
// position, so that the selection logic is upstream's, not ours.
func (as Alerts) pick(filter func(amt.Alerts) []amt.Alert) []Alert {
	probe := make(amt.Alerts, len(as))
	for i, a := range as {
		probe[i] = amt.Alert{Status: a.Status, Fingerprint: strconv.Itoa(i)}
	}
	res := []Alert{}
	for _, p := range filter(probe) {
		i, err := strconv.Atoi(p.Fingerprint)
		if err != nil {
			panic(err)
		}
		res = append(res, as[i])
	}
	return res
}
