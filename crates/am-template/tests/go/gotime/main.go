// Oracle for tests/gotime_go.rs: reads one JSON request per line and prints one JSON string per
// line with what Go's time package produces for it (layouts, String, GoString, fields,
// arithmetic, time.Date, Duration methods, RFC 3339 parsing).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"time"
)

type request struct {
	Op     string `json:"op"`
	Sec    int64  `json:"sec"`
	Nsec   int64  `json:"nsec"`
	Zone   string `json:"zone"`
	Off    int    `json:"off"`
	Layout string `json:"layout"`
	D      int64  `json:"d"`
	M      int64  `json:"m"`
	Ints   []int  `json:"ints"`
	S      string `json:"s"`
	Local  string `json:"local"`
}

func location(zone string, off int) *time.Location {
	switch zone {
	case "UTC":
		return time.UTC
	case "Local":
		return time.Local
	case "":
		return time.FixedZone("", off)
	}
	if zone[0] == '=' {
		return time.FixedZone(zone[1:], off)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return loc
}

func bits(f float64) string { return fmt.Sprintf("%016x", math.Float64bits(f)) }

func handle(r request) string {
	systemLocal := time.Local
	t := time.Unix(r.Sec, r.Nsec).In(location(r.Zone, r.Off))
	if r.Sec == -62135596800 && r.Nsec == 0 && r.Zone == "UTC" {
		t = time.Time{}
	}
	switch r.Op {
	case "format":
		return t.Format(r.Layout)
	case "string":
		return t.String() + "|" + t.GoString()
	case "fields":
		name, off := t.Zone()
		iy, iw := t.ISOWeek()
		return fmt.Sprintln(t.Year(), int(t.Month()), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(),
			t.Nanosecond(), int(t.Weekday()), t.Weekday(), t.YearDay(), t.Unix(), t.UnixNano(), t.UnixMilli(),
			t.UnixMicro(), t.IsZero(), t.IsDST(), name, off, iy, iw, t.Location())
	case "arith":
		u := time.Unix(int64(r.Ints[0]), int64(r.Ints[1])).In(t.Location())
		return strings.Join([]string{
			t.Add(time.Duration(r.D)).String(),
			t.Sub(u).String(),
			fmt.Sprint(t.Before(u), t.After(u), t.Equal(u)),
			t.AddDate(r.Ints[2], r.Ints[3], r.Ints[4]).String(),
			t.Round(time.Duration(r.M)).String(),
			t.Truncate(time.Duration(r.M)).String(),
			t.UTC().String(),
		}, "|")
	case "date":
		i := r.Ints
		return time.Date(i[0], time.Month(i[1]), i[2], i[3], i[4], i[5], i[6], location(r.Zone, r.Off)).String()
	case "marshal":
		b, err := t.MarshalJSON()
		if err != nil {
			return "error: " + err.Error()
		}
		return string(b)
	case "duration":
		d := time.Duration(r.D)
		m := time.Duration(r.M)
		return strings.Join([]string{
			d.String(), bits(d.Hours()), bits(d.Minutes()), bits(d.Seconds()),
			fmt.Sprint(d.Milliseconds(), d.Microseconds(), d.Nanoseconds()),
			fmt.Sprint(int64(d.Round(m)), int64(d.Truncate(m)), int64(d.Abs())),
		}, "|")
	case "parse":
		if r.Local != "" {
			time.Local = location(r.Local, 0)
			defer func() { time.Local = systemLocal }()
		}
		p, err := time.Parse(time.RFC3339, r.S)
		if err != nil {
			return "error: " + err.Error()
		}
		return p.String() + "|" + p.Location().String() + "|" + fmt.Sprint(p.Location() == time.Local)
	}
	panic("unknown op " + r.Op)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			panic(err)
		}
		b, err := json.Marshal(handle(r))
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
