// Oracle for tests/gofmt_go.rs: reads one JSON request per line and prints, as one JSON string
// per line, what Go's fmt.Sprintf / fmt.Sprint / fmt.Sprintln produce for it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"os"
	"strconv"
	"time"
)

type arg struct {
	T    string            `json:"t"`
	S    string            `json:"s"`
	B    bool              `json:"b"`
	List []string          `json:"list"`
	Map  map[string]string `json:"map"`
	Args []arg             `json:"args"`
	Zone string            `json:"zone"`
	Off  int               `json:"off"`
	Nsec int64             `json:"nsec"`
}

type request struct {
	Mode   string `json:"mode"`
	Format string `json:"format"`
	Args   []arg  `json:"args"`
}

func mustInt(s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return v
}

func location(a arg) *time.Location {
	switch a.Zone {
	case "UTC":
		return time.UTC
	case "Local":
		return time.Local
	case "":
		return time.FixedZone("", a.Off)
	}
	if a.Zone[0] == '=' {
		return time.FixedZone(a.Zone[1:], a.Off)
	}
	loc, err := time.LoadLocation(a.Zone)
	if err != nil {
		panic(err)
	}
	return loc
}

func convert(a arg) interface{} {
	switch a.T {
	case "nil":
		return nil
	case "int":
		return int(mustInt(a.S))
	case "uint":
		v, err := strconv.ParseUint(a.S, 10, 64)
		if err != nil {
			panic(err)
		}
		return uint(v)
	case "float":
		bits, err := strconv.ParseUint(a.S, 16, 64)
		if err != nil {
			panic(err)
		}
		return math.Float64frombits(bits)
	case "string":
		return a.S
	case "html":
		return template.HTML(a.S)
	case "bool":
		return a.B
	case "strings":
		return append([]string{}, a.List...)
	case "map":
		m := map[string]string{}
		for k, v := range a.Map {
			m[k] = v
		}
		return m
	case "ifaces":
		out := []interface{}{}
		for _, x := range a.Args {
			out = append(out, convert(x))
		}
		return out
	case "duration":
		return time.Duration(mustInt(a.S))
	case "time":
		sec := mustInt(a.S)
		return time.Unix(sec, a.Nsec).In(location(a))
	}
	panic("unknown arg type " + a.T)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			panic(err)
		}
		args := make([]interface{}, len(req.Args))
		for i, a := range req.Args {
			args[i] = convert(a)
		}
		var s string
		switch req.Mode {
		case "printf":
			s = fmt.Sprintf(req.Format, args...)
		case "sprint":
			s = fmt.Sprint(args...)
		case "sprintln":
			s = fmt.Sprintln(args...)
		default:
			panic("unknown mode " + req.Mode)
		}
		b, err := json.Marshal(s)
		if err != nil {
			panic(err)
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}
