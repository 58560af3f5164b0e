// Oracle for crates/am-model/tests/time_interval_go.rs: parses time interval definitions with
// upstream's timeinterval package (Debian's alertmanager 0.25 sources) and evaluates them.
//
// Protocol (JSON lines). The first input line is {"instants": [unix seconds, ...]}; every
// following line is {"yaml": "<one time interval as YAML text>"}. For each definition one line
// is written:
//
//	{"ok": bool, "err": "...", "json": "<json.Marshal of the parsed interval>",
//	 "raw": "0110...", "wall": "0110..."}
//
// raw has one character per instant: ContainsTime(t.UTC()), what upstream's Intervener does.
// wall evaluates the same wall-clock reading in UTC (location dropped), so the month length is
// the calendar one; that is upstream's behaviour after the HEAD fix for negative
// days_of_month across DST transitions (#5447), which 0.25-0.28 do not have.
package main

import (
	"encoding/json"
	"time"

	"amtestkit/oracleio"
	"github.com/prometheus/alertmanager/timeinterval"
	"gopkg.in/yaml.v2"
)

type header struct {
	Instants []int64 `json:"instants"`
}

type definition struct {
	YAML string `json:"yaml"`
}

type result struct {
	OK   bool   `json:"ok"`
	Err  string `json:"err,omitempty"`
	JSON string `json:"json,omitempty"`
	Raw  string `json:"raw,omitempty"`
	Wall string `json:"wall,omitempty"`
}

func main() {
	s := oracleio.Open()
	var h header
	if !s.Read(&h) {
		oracleio.Fail("missing header line")
	}
	instants := make([]time.Time, len(h.Instants))
	for i, sec := range h.Instants {
		instants[i] = time.Unix(sec, 0).UTC()
	}
	for {
		var d definition
		if !s.Read(&d) {
			break
		}
		s.Write(evaluate(d.YAML, instants))
	}
	s.Close()
}

func evaluate(text string, instants []time.Time) result {
	var ti timeinterval.TimeInterval
	// The config loader uses strict unmarshalling (unknown fields are errors).
	if err := yaml.UnmarshalStrict([]byte(text), &ti); err != nil {
		return result{Err: err.Error()}
	}
	marshalled, err := json.Marshal(ti)
	if err != nil {
		return result{Err: "marshal: " + err.Error()}
	}

	loc := time.UTC
	if ti.Location != nil {
		loc = ti.Location.Location
	}
	inUTC := ti
	inUTC.Location = nil

	raw := make([]byte, len(instants))
	wall := make([]byte, len(instants))
	for i, t := range instants {
		raw[i] = bit(ti.ContainsTime(t))
		lt := t.In(loc)
		w := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, time.UTC)
		wall[i] = bit(inUTC.ContainsTime(w))
	}
	return result{OK: true, JSON: string(marshalled), Raw: string(raw), Wall: string(wall)}
}

func bit(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}
