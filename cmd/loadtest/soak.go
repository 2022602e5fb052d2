package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Soak mode (-soak): the main scenario for a long time with the emulator's
// faults on, sampled every -soak-every (1 min): console memory, goroutines,
// requests/s, what users were shown and IVS calls/s. The verdict at the end
// says whether memory and goroutines stayed flat and whether any user saw an
// error that the injected faults do not explain.

// answer is what a viewer's request showed, for telling injected faults
// (explained to the user in clear words) from defects.
type answer uint8

const (
	ansData        answer = iota // a page or fragment with data (stale banner included)
	ansBusy                      // 503 "IVS is busy": throttling the console could not hide
	ansUnavailable               // 503 "IVS is not answering": IVS 5xx / unreachable
	ansTimeout                   // 504 "IVS took too long": a latency spike beyond the deadline
	ansOther                     // anything else: a 500, another error panel, a 4xx, no answer
)

// clearTitles are the error panels that explain a failing IVS, with the
// status each must come with.
var clearTitles = map[string]struct {
	status int
	class  answer
}{
	"IVS is busy":          {http.StatusServiceUnavailable, ansBusy},
	"IVS is not answering": {http.StatusServiceUnavailable, ansUnavailable},
	"IVS took too long":    {http.StatusGatewayTimeout, ansTimeout},
}

// errorTitle is the text of the console's error panel title
// (<h1 id="error-title" ...>Title</h1>), "" when there is none.
func errorTitle(body []byte) string {
	i := bytes.Index(body, markError)
	if i < 0 {
		return ""
	}
	rest := body[i+len(markError):]
	j := bytes.IndexByte(rest, '>')
	if j < 0 {
		return ""
	}
	rest = rest[j+1:]
	k := bytes.IndexByte(rest, '<')
	if k < 0 {
		return ""
	}
	return strings.TrimSpace(string(rest[:k]))
}

// classify sorts an answer: data, one of the clear messages about IVS
// (with the status it must come with), or anything else.
func classify(status int, title string, transport bool) answer {
	switch {
	case transport:
		return ansOther
	case title != "":
		if c, ok := clearTitles[title]; ok && c.status == status {
			return c.class
		}
		return ansOther
	case status >= 200 && status < 400:
		return ansData
	}
	return ansOther
}

// otherKey names a non-clear answer for the report: status and title, or
// the transport error.
func otherKey(r rec) string {
	switch {
	case r.Transport:
		if r.Err != "" {
			return "no answer: " + r.Err
		}
		return "no answer"
	case r.Title != "":
		return fmt.Sprintf("HTTP %d %q", r.Status, r.Title)
	}
	return fmt.Sprintf("HTTP %d (no error panel)", r.Status)
}

// tally counts answers by class.
type tally struct {
	Requests                                int
	Data, Busy, Unavailable, Timeout, Other int
	Stale                                   int
}

func (t *tally) add(r rec) {
	t.Requests++
	switch r.Answer {
	case ansData:
		t.Data++
	case ansBusy:
		t.Busy++
	case ansUnavailable:
		t.Unavailable++
	case ansTimeout:
		t.Timeout++
	default:
		t.Other++
	}
	if r.Stale {
		t.Stale++
	}
}

// Injected is the number of answers the injected faults explain.
func (t tally) Injected() int { return t.Busy + t.Unavailable + t.Timeout }

// soakSample is one row of the soak table, taken At after the measured
// window began; the counts are over the interval that ended there.
type soakSample struct {
	At                    time.Duration
	RSS, HWM              int64   // bytes, /proc/<pid>/status
	Goroutines, HeapInuse float64 // from /metrics; NaN when the scrape failed
	Interval              time.Duration
	Tally                 tally
	IVSCalls, IVSFailed   float64 // calls in the interval (all outcomes; throttled or error)
}

func (s soakSample) rps() float64 {
	if s.Interval <= 0 {
		return 0
	}
	return float64(s.Tally.Requests) / s.Interval.Seconds()
}

func (s soakSample) ivsRate() float64 {
	if s.Interval <= 0 {
		return 0
	}
	return s.IVSCalls / s.Interval.Seconds()
}

// soakRules are the verdict's thresholds.
type soakRules struct {
	Duration      time.Duration // the measured window
	RSSGrowth     float64       // MB: mean RSS of the last window over that of the early one
	SlopeMBh      float64       // MB/hour: an RSS trend above this (and above 2 standard errors) fails
	GoroutineGrow float64       // goroutines: max of the last window over max of the early one
}

// windows are the verdict's time windows for a run of duration d: the
// first unit (5 min; a sixth of shorter runs) is start-up and is skipped;
// the early window is [unit, 2 unit] (minutes 5-10), the last window the
// final unit (minutes 25-30 of 30), the trend is fitted from unit on.
func windows(d time.Duration) (unit time.Duration) {
	return min(5*time.Minute, d/6)
}

// linreg fits y = a + b x by least squares and returns the slope b and its
// standard error (NaN with fewer than 3 points or no spread in x).
func linreg(xs, ys []float64) (slope, se float64) {
	n := float64(len(xs))
	if len(xs) != len(ys) || len(xs) < 2 {
		return math.NaN(), math.NaN()
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= n
	my /= n
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	if sxx == 0 {
		return math.NaN(), math.NaN()
	}
	slope = sxy / sxx
	if len(xs) < 3 {
		return slope, math.NaN()
	}
	var ssr float64
	for i := range xs {
		r := ys[i] - (my + slope*(xs[i]-mx))
		ssr += r * r
	}
	return slope, math.Sqrt(ssr / (n - 2) / sxx)
}

// soakResult is the verdict with the figures behind it.
type soakResult struct {
	Unit                        time.Duration
	RSSStart, RSSEnd, HWMEnd    int64
	RSSEarly, RSSLast           float64 // MB, mean over the windows
	SlopeMBh, SlopeSE           float64 // RSS trend from Unit on
	HeapSlopeMBh                float64 // heap in use, same fit (for information)
	GorStart, GorEarly, GorLast float64 // max over the windows
	// The least in each window, for information: the max follows bursts
	// of requests held up by a latency spike; a leak raises the floor.
	GorEarlyMin, GorLastMin float64
	Total                   tally
	MemOK, GorOK, ErrOK     bool
	Problems                []string
}

func (r soakResult) OK() bool { return r.MemOK && r.GorOK && r.ErrOK }

// soakVerdict judges the samples (sorted by At, the first at 0) and the
// answers of the whole run.
func soakVerdict(samples []soakSample, total tally, rules soakRules) soakResult {
	res := soakResult{Unit: windows(rules.Duration), Total: total, MemOK: true, GorOK: true, ErrOK: true,
		SlopeMBh: math.NaN(), SlopeSE: math.NaN(), HeapSlopeMBh: math.NaN()}
	fail := func(ok *bool, format string, args ...any) {
		*ok = false
		res.Problems = append(res.Problems, fmt.Sprintf(format, args...))
	}
	if total.Other > 0 {
		fail(&res.ErrOK, "%d answers were errors the injected faults do not explain", total.Other)
	}
	if len(samples) == 0 {
		fail(&res.MemOK, "no samples")
		fail(&res.GorOK, "no samples")
		return res
	}
	res.RSSStart, res.RSSEnd, res.HWMEnd = samples[0].RSS, samples[len(samples)-1].RSS, samples[len(samples)-1].HWM
	res.GorStart = samples[0].Goroutines
	u := res.Unit
	// A sample is "at" its time; a little slack so a sample taken a few
	// milliseconds late still belongs to its minute.
	const slack = 5 * time.Second
	end := samples[len(samples)-1].At
	var early, last []soakSample
	var xs, rss, heap []float64
	var hx []float64
	for _, s := range samples {
		if s.At+slack >= u && s.At <= 2*u+slack {
			early = append(early, s)
		}
		if s.At > end-u+slack {
			last = append(last, s)
		}
		if s.At+slack >= u {
			h := s.At.Hours()
			xs = append(xs, h)
			rss = append(rss, float64(s.RSS)/1e6)
			if !math.IsNaN(s.HeapInuse) {
				hx = append(hx, h)
				heap = append(heap, s.HeapInuse/1e6)
			}
		}
	}
	if len(early) == 0 || len(last) == 0 || len(xs) < 3 {
		fail(&res.MemOK, "too few samples for the windows (%d early, %d last, %d for the trend): run longer", len(early), len(last), len(xs))
		res.GorOK = false
		return res
	}
	meanRSS := func(ss []soakSample) float64 {
		var t float64
		for _, s := range ss {
			t += float64(s.RSS) / 1e6
		}
		return t / float64(len(ss))
	}
	extGor := func(ss []soakSample, more bool) float64 {
		m := math.NaN()
		for _, s := range ss {
			if !math.IsNaN(s.Goroutines) && (math.IsNaN(m) || (s.Goroutines > m) == more) {
				m = s.Goroutines
			}
		}
		return m
	}
	maxGor := func(ss []soakSample) float64 { return extGor(ss, true) }
	res.RSSEarly, res.RSSLast = meanRSS(early), meanRSS(last)
	res.SlopeMBh, res.SlopeSE = linreg(xs, rss)
	if len(hx) >= 3 {
		res.HeapSlopeMBh, _ = linreg(hx, heap)
	}
	res.GorEarly, res.GorLast = maxGor(early), maxGor(last)
	res.GorEarlyMin, res.GorLastMin = extGor(early, false), extGor(last, false)

	if g := res.RSSLast - res.RSSEarly; g > rules.RSSGrowth {
		fail(&res.MemOK, "RSS grew %.1f MB from the early window to the last (bar +%.0f MB)", g, rules.RSSGrowth)
	}
	// An upward trend: steeper than the bar and more than noise.
	if res.SlopeMBh > rules.SlopeMBh && (math.IsNaN(res.SlopeSE) || res.SlopeMBh > 2*res.SlopeSE) {
		fail(&res.MemOK, "RSS trend %+.1f MB/h (± %.1f) is above %.0f MB/h", res.SlopeMBh, res.SlopeSE, rules.SlopeMBh)
	}
	switch {
	case math.IsNaN(res.GorEarly) || math.IsNaN(res.GorLast):
		fail(&res.GorOK, "goroutines were not scraped in a window")
	case res.GorLast > res.GorEarly+rules.GoroutineGrow:
		fail(&res.GorOK, "goroutines %.0f at most in the last window vs %.0f early (bar +%.0f)", res.GorLast, res.GorEarly, rules.GoroutineGrow)
	}
	return res
}

// soakSampler takes a sample every cfg.Every from the start of the
// measured window to its end; rows are printed as they come.
type soakSampler struct {
	every   time.Duration
	window  time.Duration
	pid     int
	scrape  func() (snapshot, bool)
	rec     *recorder
	out     io.Writer
	samples []soakSample
}

func (s *soakSampler) run(ctx context.Context, windowStart time.Time) {
	var prev snapshot
	havePrev := false
	n := int(s.window / s.every)
	fmt.Fprintln(s.out, "# soak: a row every", s.every, "of the measured window;", soakLegend)
	printSoakLine(s.out, soakHeader)
	for k := 0; k <= n; k++ {
		at := time.Duration(k) * s.every
		if k == n && s.window%s.every != 0 {
			at = s.window
		}
		if !sleepCtx(ctx, time.Until(windowStart.Add(at))) {
			return
		}
		x := soakSample{At: at, Goroutines: math.NaN(), HeapInuse: math.NaN()}
		if m, err := readMem(s.pid); err == nil {
			x.RSS, x.HWM = m.RSS, m.HWM
		}
		if sn, ok := s.scrape(); ok {
			x.Goroutines = sn.sum("go_goroutines", nil)
			x.HeapInuse = sn.sum("go_memstats_heap_inuse_bytes", nil)
			if havePrev {
				x.IVSCalls = sn.sum("greenroom_ivs_calls_total", nil) - prev.sum("greenroom_ivs_calls_total", nil)
				ok := sn.sum("greenroom_ivs_calls_total", map[string]string{"outcome": "ok"}) - prev.sum("greenroom_ivs_calls_total", map[string]string{"outcome": "ok"})
				nf := sn.sum("greenroom_ivs_calls_total", map[string]string{"outcome": "not_found"}) - prev.sum("greenroom_ivs_calls_total", map[string]string{"outcome": "not_found"})
				x.IVSFailed = x.IVSCalls - ok - nf
			}
			prev, havePrev = sn, true
		}
		if k > 0 {
			x.Interval = at - s.samples[len(s.samples)-1].At
			x.Tally = s.rec.interval(k - 1)
		}
		s.samples = append(s.samples, x)
		printSoakLine(s.out, soakRow(x))
	}
}

const (
	soakHeader = "min\tRSS MB\tHWM MB\tgorout.\theap MB\treq/s\tdata\tbusy\tno-answ\ttoo-long\tOTHER\tstale\tIVS/s\tIVS fail"
	soakLegend = "RSS/HWM = console VmRSS/VmHWM (/proc), gorout./heap MB = go_goroutines/go_memstats_heap_inuse_bytes (/metrics), " +
		"answers completed in the interval: data (stale banner included; stale = of them with the banner), busy = 503 \"IVS is busy\", " +
		"no-answ = 503 \"IVS is not answering\", too-long = 504 \"IVS took too long\", OTHER = anything else (a defect); " +
		"IVS/s = the console's IVS calls per second, IVS fail = share throttled or failed"
)

// printSoakLine prints one row with fixed column widths, so rows printed
// as they come line up.
func printSoakLine(w io.Writer, row string) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 9, 4, 1, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, row+"\t")
	tw.Flush()
	fmt.Fprint(w, "#"+b.String())
}

func soakRow(x soakSample) string {
	g, h := "-", "-"
	if !math.IsNaN(x.Goroutines) {
		g = fmt.Sprintf("%.0f", x.Goroutines)
	}
	if !math.IsNaN(x.HeapInuse) {
		h = fmt.Sprintf("%.1f", x.HeapInuse/1e6)
	}
	fail := "-"
	if x.IVSCalls > 0 {
		fail = fmt.Sprintf("%.0f%%", 100*x.IVSFailed/x.IVSCalls)
	}
	t := x.Tally
	return fmt.Sprintf("%.3g\t%.1f\t%.1f\t%s\t%s\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t%s",
		x.At.Minutes(), float64(x.RSS)/1e6, float64(x.HWM)/1e6, g, h, x.rps(), t.Data, t.Busy, t.Unavailable, t.Timeout, t.Other, t.Stale, x.ivsRate(), fail)
}

// printSoak prints the table (counts re-read now that every request of
// the window has been recorded), the answers that were not clear, and the
// verdict.
func printSoak(w io.Writer, samples []soakSample, rec *recorder, rules soakRules, faults string) soakResult {
	for k := 1; k < len(samples); k++ {
		samples[k].Tally = rec.interval(k - 1)
	}
	total, others := rec.totals()
	fmt.Fprintf(w, "\nsoak: %v with faults on (%s); one row per interval.\n%s\n", rules.Duration, faults, soakLegend)
	tw := tabwriter.NewWriter(w, 9, 4, 1, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  "+soakHeader+"\t")
	for _, s := range samples {
		fmt.Fprintln(tw, "  "+soakRow(s)+"\t")
	}
	tw.Flush()
	if len(others) > 0 {
		fmt.Fprintf(w, "\nanswers the faults do not explain (count, first URL):\n")
		keys := make([]string, 0, len(others))
		for k := range others {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return others[keys[i]].n > others[keys[j]].n })
		for _, k := range keys {
			fmt.Fprintf(w, "  %6d  %s  e.g. %s (%s)\n", others[k].n, k, pathOf(others[k].url), others[k].kind)
		}
	}

	res := soakVerdict(samples, total, rules)
	u := res.Unit
	mins := func(d time.Duration) string { return fmt.Sprintf("%.3g", d.Minutes()) }
	fmt.Fprintf(w, "\nsoak verdict (early window = minutes %s-%s, last window = the final %s min, trend fitted from minute %s):\n", mins(u), mins(2*u), mins(u), mins(u))
	tw = newTab(w)
	fmt.Fprintf(tw, "  %s\tmemory flat: mean RSS last window ≤ early + %.0f MB, trend ≤ %.0f MB/h (or within 2 standard errors)\tRSS %s at start, %s at the end (VmHWM %s); early %.1f MB, last %.1f MB (%+.1f MB); trend %+.1f ± %.1f MB/h (heap in use %+.1f MB/h)\t\n",
		verdict(res.MemOK), rules.RSSGrowth, rules.SlopeMBh, mb(res.RSSStart), mb(res.RSSEnd), mb(res.HWMEnd), res.RSSEarly, res.RSSLast, res.RSSLast-res.RSSEarly, res.SlopeMBh, res.SlopeSE, res.HeapSlopeMBh)
	fmt.Fprintf(tw, "  %s\tgoroutines flat: max last window ≤ max early + %.0f\t%.0f at start, max %.0f early, max %.0f last (least %.0f early, %.0f last)\t\n",
		verdict(res.GorOK), rules.GoroutineGrow, res.GorStart, res.GorEarly, res.GorLast, res.GorEarlyMin, res.GorLastMin)
	t := res.Total
	fmt.Fprintf(tw, "  %s\tno errors beyond the injected ones\t%d requests: %d data (%d with the stale banner), %d injected-fault answers (%d busy, %d not answering, %d took too long), %d OTHER\t\n",
		verdict(res.ErrOK), t.Requests, t.Data, t.Stale, t.Injected(), t.Busy, t.Unavailable, t.Timeout, t.Other)
	tw.Flush()
	for _, p := range res.Problems {
		fmt.Fprintf(w, "  MISS: %s\n", p)
	}
	return res
}
