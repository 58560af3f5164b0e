// Oracle for alertmesh's metrics encoder: formats float64 values (given as IEEE-754 bit
// patterns, one decimal uint64 per stdin line) with expfmt's float rules, and for the line
// "REGISTRY" prints a fixed registry in the text exposition format.
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

func registry() {
	r := prometheus.NewRegistry()
	cv := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "test_requests_total", Help: "Requests \\ with\nnewline."}, []string{"method", "code"})
	cv.WithLabelValues("GET", "200").Add(3)
	cv.WithLabelValues("POST", "5\"00\n\\").Inc()
	cv.WithLabelValues("DELETE", "200").Add(0.25)
	empty := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "test_empty_total", Help: "never used"}, []string{"x"})
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "test_gauge", Help: "a gauge"})
	g.Set(1e6)
	gv := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "test_gauge_vec", Help: "labels sorted"}, []string{"z", "a"})
	gv.WithLabelValues("1", "2").Set(0.5)
	gv.WithLabelValues("0", "3").Set(-1)
	gv.WithLabelValues("0", "10").Set(123456789)
	hv := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "test_duration_seconds", Help: "durations", Buckets: prometheus.DefBuckets}, []string{"handler"})
	for _, v := range []float64{0.003, 0.2, 7, 20, 0.005} {
		hv.WithLabelValues("/x").Observe(v)
	}
	hv.WithLabelValues("/a").Observe(1)
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "test_sizes", Help: "sizes", Buckets: []float64{1e-05, 2.5, 1000000}})
	h.Observe(3)
	h.Observe(2e6)
	f := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "test_fn", Help: "fn"}, func() float64 { return 1.5e-7 })
	r.MustRegister(cv, empty, g, gv, hv, h, f)
	mfs, err := r.Gather()
	if err != nil {
		panic(err)
	}
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(os.Stdout, mf); err != nil {
			panic(err)
		}
	}
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		if line == "REGISTRY" {
			registry()
			continue
		}
		bits, err := strconv.ParseUint(line, 10, 64)
		if err != nil {
			panic(err)
		}
		f := math.Float64frombits(bits)
		switch {
		case f == 0:
			fmt.Println("0")
		case math.IsInf(f, 1):
			fmt.Println("+Inf")
		case math.IsInf(f, -1):
			fmt.Println("-Inf")
		default:
			fmt.Println(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
}
