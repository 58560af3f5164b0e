// Oracle for the am-template differential suite (tests/diff_go.rs).
//
// Reads cases as JSON lines on stdin and renders each one twice with Debian's Alertmanager
// 0.25 `template` package (text or html flavour, default templates, extra templates from
// globs):
//
//   - as 0.25: Debian's DefaultFuncs and Debian's template.Data;
//   - as 0.28: DefaultFuncs plus the functions 0.28 added that are plain standard-library
//     calls (trimSpace, date, tz, since), and the data types of ./am028, which add 0.28's
//     KV.String and Pairs.String.
//
// It writes one JSON line per case: {name, ok, output, error} for the 0.25 run and the same
// fields under "v028" for the 0.28 run.
//
// Debian's build of 0.25 has no embedded default templates: its FromGlobs takes the directory
// holding default.tmpl and email.tmpl as its first argument (-defaults, else Debian's
// /usr/share/prometheus/alertmanager, else the copy in the Go source package).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/alertmanager/template"

	am028 "./am028"
)

type input struct {
	Name  string          `json:"name"`
	Type  string          `json:"type"`
	Text  string          `json:"text"`
	Globs []string        `json:"globs"`
	Data  json.RawMessage `json:"data"`
}

type result struct {
	Ok     bool   `json:"ok"`
	Output string `json:"output"`
	Error  string `json:"error"`
}

type output struct {
	Name string `json:"name"`
	result
	V028 result `json:"v028"`
}

// funcs028 are the functions Alertmanager 0.28 added whose implementation is one standard
// library call.
var funcs028 = template.FuncMap{
	"trimSpace": strings.TrimSpace,
	"date": func(layout string, t time.Time) string {
		return t.Format(layout)
	},
	"tz": func(name string, t time.Time) (time.Time, error) {
		loc, err := time.LoadLocation(name)
		if err != nil {
			return time.Time{}, err
		}
		return t.In(loc), nil
	},
	"since": time.Since,
}

// version is one of the two renderings.
type version struct {
	base    *template.Template
	funcs   template.FuncMap
	newData func() interface{}
}

// load builds a Template with this version's functions (FromGlobs copies DefaultFuncs).
func (v *version) load(defaults string, globs ...string) (*template.Template, error) {
	saved := template.DefaultFuncs
	merged := template.FuncMap{}
	for k, f := range saved {
		merged[k] = f
	}
	for k, f := range v.funcs {
		merged[k] = f
	}
	template.DefaultFuncs = merged
	defer func() { template.DefaultFuncs = saved }()
	return template.FromGlobs(defaults, globs...)
}

func (v *version) run(defaults string, in *input) (out result) {
	defer func() {
		if r := recover(); r != nil {
			out = result{Error: fmt.Sprintf("oracle panic: %v", r)}
		}
	}()
	tmpl := v.base
	if len(in.Globs) > 0 {
		var err error
		if tmpl, err = v.load(defaults, in.Globs...); err != nil {
			out.Error = err.Error()
			return out
		}
	}
	data := v.newData()
	if len(in.Data) > 0 && string(in.Data) != "null" {
		if err := json.Unmarshal(in.Data, data); err != nil {
			out.Error = "oracle: bad data: " + err.Error()
			return out
		}
	}
	var (
		res string
		err error
	)
	switch in.Type {
	case "", "text":
		res, err = tmpl.ExecuteTextString(in.Text, data)
	case "html":
		res, err = tmpl.ExecuteHTMLString(in.Text, data)
	default:
		out.Error = "oracle: unknown case type " + in.Type
		return out
	}
	out.Output = res
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Ok = true
	return out
}

func defaultsDir() string {
	for _, dir := range []string{
		"/usr/share/prometheus/alertmanager",
		filepath.Join(os.Getenv("GOPATH"), "src/github.com/prometheus/alertmanager/template"),
		"/usr/share/gocode/src/github.com/prometheus/alertmanager/template",
	} {
		if _, err := os.Stat(filepath.Join(dir, "email.tmpl")); err == nil {
			return dir
		}
	}
	return "/usr/share/prometheus/alertmanager"
}

func main() {
	defaults := flag.String("defaults", defaultsDir(), "directory holding default.tmpl and email.tmpl")
	flag.Parse()
	v025 := &version{newData: func() interface{} { return &template.Data{} }}
	v028 := &version{funcs: funcs028, newData: func() interface{} { return &am028.Data{} }}
	for _, v := range []*version{v025, v028} {
		base, err := v.load(*defaults)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loading default templates:", err)
			os.Exit(2)
		}
		v.base = base
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for sc.Scan() {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var in input
		if err := json.Unmarshal(line, &in); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(2)
		}
		out := output{Name: in.Name, result: v025.run(*defaults, &in), V028: v028.run(*defaults, &in)}
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(os.Stderr, "writing result:", err)
			os.Exit(2)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "reading stdin:", err)
		os.Exit(2)
	}
}
