package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

type latStats struct {
	N             int
	P50, P95, P99 time.Duration
	MeanBytes     int
}

func latOf(rs []rec, keep func(rec) bool) latStats {
	var ds []time.Duration
	var bytes int
	for _, r := range rs {
		if keep == nil || keep(r) {
			ds = append(ds, r.Lat)
			bytes += r.Bytes
		}
	}
	s := sortedCopy(ds)
	st := latStats{N: len(s), P50: percentile(s, 50), P95: percentile(s, 95), P99: percentile(s, 99)}
	if len(s) > 0 {
		st.MeanBytes = bytes / len(s)
	}
	return st
}

type opRate struct {
	Op, Region string
	Max, Mean  float64
}

// summary is an outcome reduced to the figures the report prints.
type summary struct {
	Name     string
	Viewers  int
	Args     string
	Requests int
	RPS      float64
	Kinds    []string
	ByKind   map[string]latStats
	All      latStats

	// Overhead (see overheadMethod).
	Upstream                  time.Duration // mean IVS call as the console's SDK saw it
	TapP50, TapP99            time.Duration // IVS calls as the proxy timed them
	TapN                      int
	OvKind                    map[string]latStats
	Serial                    map[string]int // requests whose IVS calls ran in sequence, by kind
	UpP50, UpP99              float64        // seconds, from the console's histogram
	OvAll, OvHit, OvUp        latStats
	OvStrict                  latStats // latency minus the longest single IVS call
	ServerLE5ms, ServerP99    float64  // console-side request time (excl. /metrics)
	Ops                       []opRate
	CallsMean                 float64 // all operations
	SDKThrottled, SDKErrors   float64
	Outcomes                  map[string]float64
	Cache, Budget             map[string]float64
	Err5xx, ErrPage, Busy     int
	Stale, Transport, Status4 int
	Mem                       memStats
	Goroutines                float64
	CPU                       [3]float64
}

// summarize reduces an outcome to its figures.
func summarize(o *outcome) summary {
	s := summary{Name: o.sc.Name, Viewers: o.sc.Viewers, Args: strings.Join(o.sc.ConsoleArgs, " "),
		ByKind: map[string]latStats{}, Outcomes: map[string]float64{}, Cache: map[string]float64{}, Budget: map[string]float64{},
		Mem: o.mem, Goroutines: o.maxGorout, CPU: o.cpu}
	s.Requests = len(o.recs)
	s.RPS = float64(len(o.recs)) / o.window.Seconds()
	for _, r := range o.recs {
		if !slices.Contains(s.Kinds, r.Kind) {
			s.Kinds = append(s.Kinds, r.Kind)
		}
		switch {
		case r.Transport:
			s.Transport++
		case r.Status >= 500:
			s.Err5xx++
		case r.Status >= 400:
			s.Status4++
		}
		if r.ErrorPage {
			s.ErrPage++
		}
		if r.Busy {
			s.Busy++
		}
		if r.Stale {
			s.Stale++
		}
	}
	sort.Strings(s.Kinds)
	for _, k := range s.Kinds {
		s.ByKind[k] = latOf(o.recs, func(r rec) bool { return r.Kind == k })
	}
	s.All = latOf(o.recs, nil)

	a, b := o.first, o.last
	calls := b.sum("greenroom_ivs_call_duration_seconds_count", nil) - a.sum("greenroom_ivs_call_duration_seconds_count", nil)
	if calls > 0 {
		sec := b.sum("greenroom_ivs_call_duration_seconds_sum", nil) - a.sum("greenroom_ivs_call_duration_seconds_sum", nil)
		s.Upstream = time.Duration(sec / calls * float64(time.Second))
	}
	up := histDelta(a, b, "greenroom_ivs_call_duration_seconds", nil)
	s.UpP50, s.UpP99 = histQuantile(up, 0.5), histQuantile(up, 0.99)

	// Overhead per request: its latency minus the time IVS calls for its
	// page were in flight (timed by the proxy in front of the emulator).
	var ov, pure, upr, strict []rec
	for _, r := range o.recs {
		if r.Transport {
			continue
		}
		st := r
		st.Lat = max(0, r.Lat-r.Longest)
		strict = append(strict, st)
		x := r
		x.Lat = max(0, r.Lat-r.Up)
		if r.Up == 0 {
			pure = append(pure, x)
		} else {
			upr = append(upr, x)
		}
		ov = append(ov, x)
	}
	s.OvAll, s.OvHit, s.OvUp, s.OvStrict = latOf(ov, nil), latOf(pure, nil), latOf(upr, nil), latOf(strict, nil)
	s.OvKind = map[string]latStats{}
	s.Serial = map[string]int{}
	for _, k := range s.Kinds {
		s.OvKind[k] = latOf(ov, func(r rec) bool { return r.Kind == k })
	}
	for _, r := range upr {
		if r.Serial {
			s.Serial[r.Kind]++
		}
	}
	var proxied []time.Duration
	for _, c := range o.calls {
		if c.Start >= o.first.At && c.End <= o.last.At {
			proxied = append(proxied, c.End-c.Start)
		}
	}
	sp := sortedCopy(proxied)
	s.TapP50, s.TapP99, s.TapN = percentile(sp, 50), percentile(sp, 99), len(sp)

	notMetrics := func(l map[string]string) bool { return l["route"] != "/metrics" }
	srv := histDelta(a, b, "greenroom_http_request_duration_seconds", notMetrics)
	s.ServerLE5ms, s.ServerP99 = histFraction(srv, 0.005), histQuantile(srv, 0.99)

	for _, op := range b.labelValues("greenroom_ivs_calls_total", "operation") {
		for _, region := range b.labelValues("greenroom_ivs_calls_total", "region") {
			m := map[string]string{"operation": op, "region": region}
			var pts []point
			for _, sn := range o.snaps {
				if sn.At >= a.At && sn.At <= b.At {
					pts = append(pts, point{At: sn.At, V: sn.sum("greenroom_ivs_calls_total", m)})
				}
			}
			mx, mean := rateStats(pts, 500*time.Millisecond)
			if mx > 0 {
				s.Ops = append(s.Ops, opRate{Op: op, Region: region, Max: mx, Mean: mean})
				s.CallsMean += mean
			}
		}
	}
	for _, oc := range b.labelValues("greenroom_ivs_calls_total", "outcome") {
		m := map[string]string{"outcome": oc}
		d := b.sum("greenroom_ivs_calls_total", m) - a.sum("greenroom_ivs_calls_total", m)
		s.Outcomes[oc] = d
		switch oc {
		case "ok", "not_found":
		case "throttled":
			s.SDKThrottled = d
		default:
			s.SDKErrors += d
		}
	}
	for _, r := range []string{"hit", "miss", "coalesced", "stale"} {
		m := map[string]string{"result": r}
		s.Cache[r] = b.sum("greenroom_cache_lookups_total", m) - a.sum("greenroom_cache_lookups_total", m)
	}
	for _, r := range []string{"waited", "refused", "served_stale"} {
		m := map[string]string{"result": r}
		s.Budget[r] = b.sum("greenroom_call_budget_waits_total", m) - a.sum("greenroom_call_budget_waits_total", m)
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func pct3(l latStats) string {
	if l.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%s / %s / %s", ms(l.P50), ms(l.P95), ms(l.P99))
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func frac(f float64) string {
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", f*100)
}

// printWeights prints what a first visit downloads.
func printWeights(w io.Writer, pl *plan) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  page\tHTML\t+ CSS/JS\t= first load\tHTML gzip\trows\tpath")
	for _, x := range pl.PageWeights {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%d\t%s\n", x.Name, kb(x.HTML), kb(x.Assets), kb(x.Total()), kb(x.Wire), x.Rows, pathOf(x.URL))
	}
	for _, x := range pl.FragWeights {
		fmt.Fprintf(tw, "  %s\t%s\t\t\t%s\t%d\t%s\n", x.Name, kb(x.HTML), kb(x.Wire), x.Rows, pathOf(x.URL))
	}
	tw.Flush()
	if len(pl.PageWeights) > 0 {
		fmt.Fprintf(w, "  assets: %s\n", strings.Join(pl.PageWeights[0].AssetsList, ", "))
	}
}

// printTable prints the scenarios side by side.
func printTable(w io.Writer, ss []summary) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	row := func(label string, f func(s summary) string) {
		fmt.Fprintf(tw, "  %s", label)
		for _, s := range ss {
			fmt.Fprintf(tw, "\t%s", f(s))
		}
		fmt.Fprintln(tw, "\t")
	}
	row("scenario", func(s summary) string { return s.Name })
	row("viewers", func(s summary) string { return fmt.Sprint(s.Viewers) })
	row("console flags", func(s summary) string {
		if s.Args == "" {
			return "(defaults)"
		}
		return s.Args
	})
	row("requests (requests/s)", func(s summary) string { return fmt.Sprintf("%d (%.1f/s)", s.Requests, s.RPS) })
	kinds := []string{}
	for _, s := range ss {
		for _, k := range s.Kinds {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	sort.Strings(kinds)
	fmt.Fprintln(tw, "  latency p50 / p95 / p99 (ms)\t")
	for _, k := range kinds {
		row("  "+k+" (n)", func(s summary) string {
			l := s.ByKind[k]
			if l.N == 0 {
				return "-"
			}
			return fmt.Sprintf("%s  (%d)", pct3(l), l.N)
		})
	}
	row("  all requests", func(s summary) string { return pct3(s.All) })
	fmt.Fprintf(tw, "  console overhead p50 / p95 / p99 (ms)\t\n")
	row("  all requests", func(s summary) string { return pct3(s.OvAll) })
	row("  no IVS call in flight for the page", func(s summary) string {
		return fmt.Sprintf("%s  (%s of requests)", pct3(s.OvHit), frac(float64(s.OvHit.N)/float64(max(1, s.OvAll.N))))
	})
	row("  waited for IVS (minus that wait)", func(s summary) string { return pct3(s.OvUp) })
	row("  strict: minus only the longest call", func(s summary) string { return pct3(s.OvStrict) })
	for _, k := range kinds {
		row("  "+k, func(s summary) string {
			l := s.OvKind[k]
			if l.N == 0 {
				return "-"
			}
			if n := s.Serial[k]; n > 0 {
				return fmt.Sprintf("%s  (%d with IVS calls in sequence)", pct3(l), n)
			}
			return pct3(l)
		})
	}
	row("  console-side time <= 5 ms", func(s summary) string {
		return fmt.Sprintf("%s (p99 ~%s ms, histogram)", frac(s.ServerLE5ms), ms(time.Duration(s.ServerP99*float64(time.Second))))
	})
	row("IVS call: proxy p50/p99; SDK mean, p99~", func(s summary) string {
		return fmt.Sprintf("%s / %s; %s, ~%s ms (%d calls)", ms(s.TapP50), ms(s.TapP99), ms(s.Upstream), ms(secs(s.UpP99)), s.TapN)
	})
	fmt.Fprintln(tw, "IVS calls/s per operation: max 1-s window / mean\t")
	var keys []string
	for _, s := range ss {
		for _, o := range s.Ops {
			k := o.Op + " " + o.Region
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		row("  "+k, func(s summary) string {
			for _, o := range s.Ops {
				if o.Op+" "+o.Region == k {
					return fmt.Sprintf("%.1f / %.2f", o.Max, o.Mean)
				}
			}
			return "0"
		})
	}
	row("  all operations (mean)", func(s summary) string { return fmt.Sprintf("%.2f/s", s.CallsMean) })
	row("cache lookups hit/miss/coalesced/stale", func(s summary) string {
		return fmt.Sprintf("%.0f/%.0f/%.0f/%.0f", s.Cache["hit"], s.Cache["miss"], s.Cache["coalesced"], s.Cache["stale"])
	})
	row("budget waited/refused/served stale", func(s summary) string {
		return fmt.Sprintf("%.0f/%.0f/%.0f", s.Budget["waited"], s.Budget["refused"], s.Budget["served_stale"])
	})
	row("throttles seen by the SDK", func(s summary) string { return fmt.Sprintf("%.0f", s.SDKThrottled) })
	row("other IVS errors (SDK)", func(s summary) string { return fmt.Sprintf("%.0f", s.SDKErrors) })
	row("shown to users: 5xx / error panel / \"IVS is busy\"", func(s summary) string {
		return fmt.Sprintf("%d / %d / %d", s.Err5xx, s.ErrPage, s.Busy)
	})
	row("shown to users: stale banner / 4xx / no answer", func(s summary) string {
		return fmt.Sprintf("%d / %d / %d", s.Stale, s.Status4, s.Transport)
	})
	row("console RSS peak (VmHWM) / max sampled", func(s summary) string { return mb(s.Mem.HWM) + " / " + mb(s.Mem.RSS) })
	row("console goroutines (max)", func(s summary) string { return fmt.Sprintf("%.0f", s.Goroutines) })
	row("CPU cores used: console / emulator / harness", func(s summary) string {
		return fmt.Sprintf("%.2f / %.2f / %.2f (of 2)", s.CPU[0], s.CPU[1], s.CPU[2])
	})
	tw.Flush()
}

func secs(f float64) time.Duration {
	if math.IsNaN(f) {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// ratio is b/a as "x.x×", or "-" when a is zero.
func ratio(a, b float64) string {
	if a == 0 {
		if b == 0 {
			return "1.0×"
		}
		return "∞ (0 → " + fmt.Sprintf("%.4g", b) + ")"
	}
	return fmt.Sprintf("%.1f×", b/a)
}

const overheadMethod = `How "console overhead" is derived: the console's IVS endpoint is a pass-through proxy in the
harness in front of the emulator (which adds %v + [0, %v) to every call), and the proxy records
when each IVS call starts and ends and what it names. For every viewer request, the time during
which IVS calls for that page were in flight (calls naming one of the ids in its URL; for lists,
List* calls; the account-id call for any) is its wait for IVS, counted once where calls overlap.
Overhead = latency - that wait: rendering, middleware, gzip, cache, SDK signing and parsing, and
any IVS calls made one after another rather than in parallel beyond the overlap, plus the
client's own scheduling (the harness shares the 2 cores). A cache hit's overhead is its whole
latency; a request that joined another viewer's call (coalesced) subtracts the part it waited.
Ids linked to the URL's (an ingest configuration's stage, a stage's live session), learnt from
the answers the proxy saw, count as the page's too. An unrelated call for the same ids in flight
at the same time is subtracted too, which can only flatter a slow request that overlapped it.
"strict" subtracts only the longest single call, so IVS calls made one after another count as
overhead; "in sequence" counts requests whose IVS wait exceeded 1.5x their longest call. Cross-check: the console's own request histogram
(greenroom_http_request_duration_seconds, all routes but /metrics) gives the share answered
within 5 ms console-side, IVS waits included.
`
