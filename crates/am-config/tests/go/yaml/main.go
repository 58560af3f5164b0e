// Oracle for alertmesh's YAML reader: decodes YAML snippets with gopkg.in/yaml.v2's
// UnmarshalStrict (as Alertmanager loads its configuration) into a small fixed struct.
//
// Input: one JSON string (a YAML document) per line on stdin.
// Output: one JSON object per line: {"ok":true,"value":{...},"fbits":N} or
// {"ok":false,"err":"..."}; fbits is the IEEE-754 bit pattern of field f.
package main

import (
	"fmt"
	"math"

	"amtestkit/oracleio"
	yaml "gopkg.in/yaml.v2"
)

type Inner struct {
	Name string `yaml:"name" json:"name"`
	Port int    `yaml:"port" json:"port"`
}

type Sample struct {
	S  string            `yaml:"s" json:"s"`
	B  bool              `yaml:"b" json:"b"`
	I  int               `yaml:"i" json:"i"`
	I8 int8              `yaml:"i8" json:"i8"`
	U  uint64            `yaml:"u" json:"u"`
	F  float64           `yaml:"f" json:"-"`
	L  []string          `yaml:"l" json:"l"`
	LI []int             `yaml:"li" json:"li"`
	M  map[string]string `yaml:"m" json:"m"`
	N  *Inner            `yaml:"n" json:"n"`
	NL []Inner           `yaml:"nl" json:"nl"`
	OS *string           `yaml:"os" json:"os"`
}

type result struct {
	OK    bool    `json:"ok"`
	Err   string  `json:"err,omitempty"`
	Value *Sample `json:"value,omitempty"`
	FBits uint64  `json:"fbits"`
}

func decode(src string) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res = result{OK: false, Err: fmt.Sprintf("panic: %v", r)}
		}
	}()
	var s Sample
	if err := yaml.UnmarshalStrict([]byte(src), &s); err != nil {
		return result{OK: false, Err: err.Error()}
	}
	return result{OK: true, Value: &s, FBits: math.Float64bits(s.F)}
}

func main() {
	oracleio.Serve(decode)
}
