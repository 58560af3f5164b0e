// Oracle for tests/receivers_go_oracle.rs: loads Alertmanager configurations with the real Go
// config package (Debian's alertmanager 0.25 sources) and prints what upstream prints.
//
// Input: one JSON string (a whole alertmanager.yml) per line on stdin.
// Output: one JSON object per input line: {"out": "<Config.String()>"} or {"err": "<error>"}.
package main

import (
	"amtestkit/oracleio"
	"github.com/prometheus/alertmanager/config"
)

type result struct {
	Out string `json:"out,omitempty"`
	Err string `json:"err,omitempty"`
}

func load(text string) result {
	var r result
	if cfg, err := config.Load(text); err != nil {
		r.Err = err.Error()
	} else {
		r.Out = cfg.String()
	}
	return r
}

func main() {
	oracleio.Serve(load)
}
