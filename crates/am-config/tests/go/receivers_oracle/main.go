// Oracle for tests/receivers_go_oracle.rs: loads Alertmanager configurations with the real Go
// config package (Debian's alertmanager 0.25 sources) and prints what upstream prints.
//
// Input: one JSON string (a whole alertmanager.yml) per line on stdin.
// Output: one JSON object per input line: {"out": "<Config.String()>"} or {"err": "<error>"}.
package main

import (
	"bufio"
	"encoding/json"
	"os"

	"github.com/prometheus/alertmanager/config"
)

type result struct {
	Out string `json:"out,omitempty"`
	Err string `json:"err,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var text string
		if err := json.Unmarshal(in.Bytes(), &text); err != nil {
			panic(err)
		}
		var r result
		if cfg, err := config.Load(text); err != nil {
			r.Err = err.Error()
		} else {
			r.Out = cfg.String()
		}
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
}
