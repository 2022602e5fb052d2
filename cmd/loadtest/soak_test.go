package main

import (
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

func TestLinreg(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// An exact line: slope 3, no residual.
	slope, se := linreg([]float64{0, 1, 2, 3}, []float64{1, 4, 7, 10})
	if !near(slope, 3) || !near(se, 0) {
		t.Errorf("exact line: slope %v se %v, want 3 and 0", slope, se)
	}
	// Flat with noise: slope 0.
	slope, _ = linreg([]float64{0, 1, 2, 3, 4}, []float64{5, 6, 5, 6, 5.5})
	if math.Abs(slope) > 0.2 {
		t.Errorf("flat noise: slope %v", slope)
	}
	// Known values: x 1..5, y 2,4,5,4,5 -> slope 0.6, se = sqrt(2.4/3/10).
	slope, se = linreg([]float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5})
	if !near(slope, 0.6) || !near(se, math.Sqrt(2.4/3/10)) {
		t.Errorf("slope %v se %v, want 0.6 and %v", slope, se, math.Sqrt(0.08))
	}
	// Degenerate inputs.
	if s, _ := linreg([]float64{1}, []float64{1}); !math.IsNaN(s) {
		t.Errorf("one point: slope %v, want NaN", s)
	}
	if s, _ := linreg([]float64{2, 2, 2}, []float64{1, 2, 3}); !math.IsNaN(s) {
		t.Errorf("no spread in x: slope %v, want NaN", s)
	}
	if s, se := linreg([]float64{0, 1}, []float64{0, 2}); s != 2 || !math.IsNaN(se) {
		t.Errorf("two points: slope %v se %v, want 2 and NaN", s, se)
	}
}

// minutes makes one sample per minute 0..n with RSS (MB) and goroutines
// given by functions of the minute.
func minutes(n int, rss func(m int) float64, gor func(m int) float64) []soakSample {
	var out []soakSample
	for m := 0; m <= n; m++ {
		out = append(out, soakSample{At: time.Duration(m) * time.Minute, RSS: int64(rss(m) * 1e6), HWM: int64(rss(m) * 1e6),
			Goroutines: gor(m), HeapInuse: rss(m) * 1e6 / 2, Interval: time.Minute})
	}
	return out
}

func TestSoakVerdict(t *testing.T) {
	rules := soakRules{Duration: 30 * time.Minute, RSSGrowth: 10, SlopeMBh: 10, GoroutineGrow: 10}
	clean := tally{Requests: 1000, Data: 900, Busy: 60, Unavailable: 40}
	flatGor := func(int) float64 { return 40 }
	// A start-up ramp in the first minutes, then a sawtooth: flat.
	saw := func(m int) float64 {
		if m < 4 {
			return 20 + 5*float64(m)
		}
		return 40 + float64(m%3)
	}
	for _, c := range []struct {
		name                string
		samples             []soakSample
		total               tally
		mem, gor, errs      bool
		slopeLo, slopeHi    float64
		wantProblemContains string
	}{
		{name: "flat after start-up", samples: minutes(30, saw, flatGor), total: clean, mem: true, gor: true, errs: true, slopeLo: -5, slopeHi: 5},
		{name: "leak 1 MB/min", samples: minutes(30, func(m int) float64 { return 40 + float64(m) }, flatGor), total: clean,
			gor: true, errs: true, slopeLo: 59.9, slopeHi: 60.1, wantProblemContains: "RSS grew"},
		// 20 MB/h: +6.7 MB between the windows (under the +10 MB bar) but a
		// clear trend above 10 MB/h.
		{name: "slow steady leak", samples: minutes(30, func(m int) float64 { return 40 + float64(m)/3 }, flatGor), total: clean,
			gor: true, errs: true, slopeLo: 19.9, slopeHi: 20.1, wantProblemContains: "trend"},
		// A large swing from minute to minute with no trend passes.
		{name: "noisy but flat", samples: minutes(30, func(m int) float64 { return 40 + 6*float64(m%2) }, flatGor), total: clean,
			mem: true, gor: true, errs: true, slopeLo: -10, slopeHi: 10},
		{name: "goroutines leak", samples: minutes(30, saw, func(m int) float64 { return 40 + float64(m) }), total: clean,
			mem: true, errs: true, slopeLo: -5, slopeHi: 5, wantProblemContains: "goroutines"},
		{name: "goroutines +10 is fine", samples: minutes(30, saw, func(m int) float64 {
			if m > 25 {
				return 50
			}
			return 40
		}), total: clean, mem: true, gor: true, errs: true, slopeLo: -5, slopeHi: 5},
		{name: "a real error", samples: minutes(30, saw, flatGor), total: tally{Requests: 10, Data: 9, Other: 1},
			mem: true, gor: true, slopeLo: -5, slopeHi: 5, wantProblemContains: "do not explain"},
		{name: "no samples", total: clean, errs: true, slopeLo: math.Inf(-1), slopeHi: math.Inf(1), wantProblemContains: "no samples"},
		{name: "too short", samples: minutes(1, saw, flatGor), total: clean, errs: true, slopeLo: math.Inf(-1), slopeHi: math.Inf(1), wantProblemContains: "too few"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rules
			if c.name == "too short" {
				r.Duration = time.Minute
			}
			res := soakVerdict(c.samples, c.total, r)
			if res.MemOK != c.mem || res.GorOK != c.gor || res.ErrOK != c.errs {
				t.Errorf("mem/gor/errs = %v/%v/%v, want %v/%v/%v; problems %q", res.MemOK, res.GorOK, res.ErrOK, c.mem, c.gor, c.errs, res.Problems)
			}
			if res.OK() != (c.mem && c.gor && c.errs) {
				t.Errorf("OK() = %v", res.OK())
			}
			if !math.IsNaN(res.SlopeMBh) && (res.SlopeMBh < c.slopeLo || res.SlopeMBh > c.slopeHi) {
				t.Errorf("slope %v MB/h, want within [%v, %v]", res.SlopeMBh, c.slopeLo, c.slopeHi)
			}
			if c.wantProblemContains != "" && !strings.Contains(strings.Join(res.Problems, "; "), c.wantProblemContains) {
				t.Errorf("problems %q, want one mentioning %q", res.Problems, c.wantProblemContains)
			}
			if c.wantProblemContains == "" && len(res.Problems) > 0 {
				t.Errorf("unexpected problems %q", res.Problems)
			}
		})
	}
}

func TestSoakVerdictWindows(t *testing.T) {
	// Minutes 5-10 are the early window, 26-30 the last: a bump in
	// minutes 0-4 (start-up) and 11-25 does not count.
	s := minutes(30, func(m int) float64 {
		if m < 5 || (m > 10 && m <= 25) {
			return 90
		}
		return 40
	}, func(m int) float64 {
		if m < 5 || (m > 10 && m <= 25) {
			return 500
		}
		return 40
	})
	res := soakVerdict(s, tally{}, soakRules{Duration: 30 * time.Minute, RSSGrowth: 10, SlopeMBh: 1000, GoroutineGrow: 10})
	if res.RSSEarly != 40 || res.RSSLast != 40 || res.GorEarly != 40 || res.GorLast != 40 {
		t.Fatalf("windows: early %v/%v last %v/%v, want 40 each", res.RSSEarly, res.GorEarly, res.RSSLast, res.GorLast)
	}
	if res.GorEarlyMin != 40 || res.GorLastMin != 40 {
		t.Errorf("least goroutines %v %v", res.GorEarlyMin, res.GorLastMin)
	}
	if res.RSSStart != 90e6 || res.RSSEnd != 40e6 || res.GorStart != 500 {
		t.Errorf("start/end %v %v %v", res.RSSStart, res.RSSEnd, res.GorStart)
	}
	if !res.MemOK || !res.GorOK {
		t.Errorf("problems %q", res.Problems)
	}
	// A run of 3 minutes scales the windows to a sixth of it (30 s).
	if u := windows(3 * time.Minute); u != 30*time.Second {
		t.Errorf("unit of a 3-minute run %v", u)
	}
	if u := windows(2 * time.Hour); u != 5*time.Minute {
		t.Errorf("unit of a 2-hour run %v", u)
	}
	// A failed scrape (NaN goroutines) in a window is skipped, not a zero.
	s[7].Goroutines = math.NaN()
	s[8].Goroutines = 35
	if res := soakVerdict(s, tally{}, soakRules{Duration: 30 * time.Minute, RSSGrowth: 10, SlopeMBh: 1000, GoroutineGrow: 10}); res.GorEarly != 40 || res.GorEarlyMin != 35 {
		t.Errorf("early goroutines with a NaN: max %v least %v", res.GorEarly, res.GorEarlyMin)
	}
}

func TestClassify(t *testing.T) {
	page := func(title string) []byte {
		return []byte(`<main><section class="alert alert-bad" role="alert" aria-labelledby="error-title">
		<h1 id="error-title" class="text-lg font-bold">` + title + `</h1><p>…</p></section></main>`)
	}
	for _, c := range []struct {
		name      string
		status    int
		body      []byte
		transport bool
		want      answer
	}{
		{"data", 200, []byte(`<table><tr><td>x</td></tr></table>`), false, ansData},
		{"stale data", 200, []byte(`<div class="alert alert-warn">Some data on this page is from 2 minutes ago: IVS is busy or rate-limiting</div>`), false, ansData},
		{"redirect", 303, nil, false, ansData},
		{"busy", 503, page("IVS is busy"), false, ansBusy},
		{"not answering", 503, page("IVS is not answering"), false, ansUnavailable},
		{"took too long", 504, page("IVS took too long"), false, ansTimeout},
		{"busy with the wrong status", 500, page("IVS is busy"), false, ansOther},
		{"500 page", 500, page("Something went wrong"), false, ansOther},
		{"bare 503", 503, []byte("Service Unavailable"), false, ansOther},
		{"502 unexpected", 502, page("IVS answered unexpectedly"), false, ansOther},
		{"error panel with 200", 200, page("IVS is busy"), false, ansOther},
		{"404", 404, page("Not found"), false, ansOther},
		{"no answer", 0, nil, true, ansOther},
		{"cut short", 200, []byte("<html>"), true, ansOther},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := classify(c.status, errorTitle(c.body), c.transport); got != c.want {
				t.Errorf("classify(%d, %q, %v) = %v, want %v", c.status, errorTitle(c.body), c.transport, got, c.want)
			}
		})
	}
	if got := errorTitle([]byte(`<h1 id="error-title" class="x">  IVS is busy </h1>`)); got != "IVS is busy" {
		t.Errorf("errorTitle %q", got)
	}
	for _, b := range []string{``, `id="error-title"`, `<h1 id="error-title" class="x">unterminated`} {
		if got := errorTitle([]byte(b)); got != "" {
			t.Errorf("errorTitle(%q) = %q, want empty", b, got)
		}
	}
}

func TestRecorderIntervals(t *testing.T) {
	r := &recorder{from: 5 * time.Second, to: 5*time.Second + 3*time.Minute, every: time.Minute}
	add := func(start, lat time.Duration, a answer, status int, title string) {
		r.add(rec{Start: start, Lat: lat, Answer: a, Status: status, Title: title, URL: "http://x/r/us-east-1/stages", Kind: "browse stage"})
	}
	add(time.Second, time.Second, ansOther, 500, "Something went wrong") // warm-up: not counted
	add(10*time.Second, time.Second, ansData, 200, "")                   // interval 0
	add(64*time.Second, 2*time.Second, ansBusy, 503, "IVS is busy")      // completes at 66 s: interval 1
	add(100*time.Second, time.Second, ansOther, 500, "Something went wrong")
	add(110*time.Second, time.Second, ansOther, 500, "Something went wrong")
	add(184*time.Second, 5*time.Second, ansTimeout, 504, "IVS took too long") // completes after the window: last interval
	add(186*time.Second, time.Second, ansData, 200, "")                       // started after the window: not counted
	if got := r.interval(0); got.Requests != 1 || got.Data != 1 {
		t.Errorf("interval 0: %+v", got)
	}
	if got := r.interval(1); got.Requests != 3 || got.Busy != 1 || got.Other != 2 {
		t.Errorf("interval 1: %+v", got)
	}
	if got := r.interval(2); got.Requests != 1 || got.Timeout != 1 {
		t.Errorf("interval 2: %+v", got)
	}
	if got := r.interval(3); got.Requests != 0 {
		t.Errorf("interval 3: %+v", got)
	}
	total, others := r.totals()
	if total.Requests != 5 || total.Injected() != 2 || total.Other != 2 || len(r.recs) != 5 {
		t.Errorf("total %+v, %d recs", total, len(r.recs))
	}
	if o := others[`HTTP 500 "Something went wrong"`]; o.n != 2 || o.kind != "browse stage" {
		t.Errorf("others %+v", others)
	}
}

func TestSnapshotOnly(t *testing.T) {
	s := snapshot{At: time.Second, Samples: parseProm(promText)}
	o := s.only("go_goroutines", "greenroom_ivs_calls_total")
	if o.At != time.Second || len(o.Samples) != 5 || o.sum("go_goroutines", nil) != 42 || o.sum("greenroom_ivs_calls_total", nil) != 21 {
		t.Errorf("only: %+v", o)
	}
}

func TestParseOptionsSoakAndFaults(t *testing.T) {
	o, err := parseOptions([]string{"-soak", "-throttle-rate", "0.3", "-error-rate", "0.1", "-spike-rate", "0.02", "-spike", "2s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !o.soak || o.duration != 30*time.Minute || o.throttleRate != 0.3 || o.errorRate != 0.1 || o.spikeRate != 0.02 || o.spike != 2*time.Second {
		t.Errorf("options %+v", o)
	}
	if o, err := parseOptions([]string{"-soak", "-duration", "2h"}, io.Discard); err != nil || o.duration != 2*time.Hour {
		t.Errorf("a 2-hour soak: %v %v", o.duration, err)
	}
	o, err = parseOptions(nil, io.Discard)
	if err != nil || o.soak || o.duration != time.Minute || o.throttleRate != 0 || o.errorRate != 0 || o.spikeRate != 0 {
		t.Errorf("defaults changed: %+v %v", o, err)
	}
	for _, bad := range [][]string{{"-throttle-rate", "1.5"}, {"-error-rate", "-0.1"}, {"-spike-rate", "NaN"}, {"-spike", "-1s"},
		{"-duration", "2h"}, {"-soak", "-soak-every", "0s"}, {"-soak", "-duration", "1m", "-soak-every", "2m"}} {
		if _, err := parseOptions(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if (emuConfig{}).faulty() || !(emuConfig{ErrorRate: 0.1}).faulty() {
		t.Error("faulty()")
	}
}
