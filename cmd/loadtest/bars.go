package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

func newTab(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 2, 4, 2, ' ', 0) }

func containsStr(s []string, v string) bool { return slices.Contains(s, v) }

func sortStrings(s []string) { sort.Strings(s) }

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// printBars checks the main run against the bars of docs/performance.md.
func printBars(w io.Writer, s summary, pl *plan, compared []summary, rate float64, burst int, o options) {
	tw := newTab(w)
	line := func(ok bool, bar, got string) { fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", verdict(ok), bar, got) }

	// Budget: the token bucket allows rate/s on average and rate+burst in
	// one second after a quiet spell.
	var worst opRate
	okBudget := true
	for _, op := range s.Ops {
		if op.Mean > rate*1.05 || op.Max > rate+float64(burst)+0.5 {
			okBudget = false
		}
		if op.Max > worst.Max || (op.Max == worst.Max && op.Mean > worst.Mean) {
			worst = op
		}
	}
	line(okBudget, fmt.Sprintf("IVS calls per operation within the budget (%g/s, burst %d)", rate, burst),
		fmt.Sprintf("busiest: %s %s max %.1f in a 1-s window, mean %.2f/s", worst.Op, worst.Region, worst.Max, worst.Mean))

	if len(compared) >= 2 {
		a, b := compared[0], compared[len(compared)-1]
		r := 0.0
		if a.CallsMean > 0 {
			r = b.CallsMean / a.CallsMean
		}
		growing := ""
		for _, k := range opKeys(compared) {
			m1, _ := opMean(a, k)
			m2, _ := opMean(b, k)
			if m2 > m1*1.5+0.2 {
				growing += fmt.Sprintf(" %s %.2f→%.2f", k, m1, m2)
			}
		}
		got := fmt.Sprintf("live-only runs, %d→%d viewers: all operations %.2f→%.2f calls/s (%.2f×) while requests/s went %.1f→%.1f", a.Viewers, b.Viewers, a.CallsMean, b.CallsMean, r, a.RPS, b.RPS)
		if growing != "" {
			got += "; grew:" + growing
		}
		line(growing == "" && r <= 1.5, "IVS call rate does not grow with viewers", got)
	} else {
		fmt.Fprintf(tw, "  -\tIVS call rate does not grow with viewers\tnot measured (run with -viewers-compare 20,200)\t\n")
	}

	shown := s.Busy + s.Err5xx + s.Transport
	line(shown == 0, "0 throttling errors shown to users",
		fmt.Sprintf("%d \"IVS is busy\", %d 5xx, %d no answer (SDK saw %.0f throttles; %d pages carried the stale banner)", s.Busy, s.Err5xx, s.Transport, s.SDKThrottled, s.Stale))

	bar := time.Duration(o.overBarMs * float64(time.Millisecond))
	got := fmt.Sprintf("p99 %s ms over all requests (%s ms served without IVS, %s ms for those that waited for IVS); console-side %s within 5 ms",
		ms(s.OvAll.P99), ms(s.OvHit.P99), ms(s.OvUp.P99), frac(s.ServerLE5ms))
	if s.OvAll.P99 > bar {
		got += fmt.Sprintf("; over by %s ms", ms(s.OvAll.P99-bar))
	}
	line(s.OvAll.P99 <= bar, fmt.Sprintf("p99 console overhead <= %g ms at %d viewers", o.overBarMs, s.Viewers), got)

	var seq []string
	nseq, nup := 0, s.OvUp.N
	for _, k := range s.Kinds {
		if n := s.Serial[k]; n > 0 {
			seq = append(seq, fmt.Sprintf("%s %d", k, n))
			nseq += n
		}
	}
	got = fmt.Sprintf("all %d requests that waited for IVS waited for one round (strict overhead p99 %s ms)", nup, ms(s.OvStrict.P99))
	if nseq > 0 {
		got = fmt.Sprintf("%d of %d requests that waited for IVS waited for calls in sequence (%s); strict overhead p99 %s ms",
			nseq, nup, strings.Join(seq, ", "), ms(s.OvStrict.P99))
	}
	line(nseq == 0, "pages make their IVS calls in parallel", got)

	var heavy []string
	okWeight := true
	for _, pw := range pl.PageWeights {
		if pw.Total() > 100_000 {
			okWeight = false
			heavy = append(heavy, fmt.Sprintf("%s %s (over by %s)", pw.Name, kb(pw.Total()), kb(pw.Total()-100_000)))
		}
	}
	heaviest := weight{}
	for _, pw := range pl.PageWeights {
		if pw.Total() > heaviest.Total() {
			heaviest = pw
		}
	}
	got = fmt.Sprintf("heaviest: %s %s (HTML %s + CSS/JS %s)", heaviest.Name, kb(heaviest.Total()), kb(heaviest.HTML), kb(heaviest.Assets))
	if len(heavy) > 0 {
		got = "over: " + strings.Join(heavy, "; ")
	}
	line(okWeight, "first page <= 100 kB in all (HTML+CSS+JS)", got)

	if pl.Fallback != "" && !strings.Contains(pl.Fallback, "no hx-trigger") || len(pl.FragWeights) == 0 {
		fmt.Fprintf(tw, "  -\trefresh fragment of 100 participants <= 30 kB\tnot measurable: no session refresh fragment yet (%s)\t\n", fragText(pl))
	} else {
		total, rows := 0, 0
		for _, f := range pl.FragWeights {
			total += f.HTML
			rows += f.Rows
		}
		per100 := total
		note := fmt.Sprintf("%s for %d rows", kb(total), rows)
		if rows > 0 && rows != 100 {
			per100 = total * 100 / rows
			note += fmt.Sprintf(", %s scaled to 100", kb(per100))
		}
		if per100 > 30_000 {
			note += fmt.Sprintf("; over by %s", kb(per100-30_000))
		}
		line(per100 <= 30_000, "refresh fragment of 100 participants <= 30 kB", note)
	}

	rssBar := int64(o.rssBar * 1e6)
	got = fmt.Sprintf("peak %s (VmHWM), goroutines max %.0f", mb(s.Mem.HWM), s.Goroutines)
	if s.Mem.HWM > rssBar {
		got += fmt.Sprintf("; over by %s", mb(s.Mem.HWM-rssBar))
	}
	line(s.Mem.HWM <= rssBar, fmt.Sprintf("console RSS <= %g MB under load", o.rssBar), got)
	tw.Flush()
}

func fragText(pl *plan) string {
	var parts []string
	for _, f := range pl.FragWeights {
		parts = append(parts, fmt.Sprintf("%s %s, %d rows", f.Name, kb(f.HTML), f.Rows))
	}
	return strings.Join(parts, "; ")
}

// printBoardBars checks the board run against the board's bars of
// docs/performance.md.
func printBoardBars(w io.Writer, bo *boardOutcome, o options) {
	tw := newTab(w)
	line := func(ok bool, bar, got string) { fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", verdict(ok), bar, got) }
	one, many := bo.One, bo.Many
	a := countCalls(bo.Calls, one.From, one.To)
	b := countCalls(bo.Calls, many.From, many.To)
	ta, tb := callsPerSec(a, one.To-one.From), callsPerSec(b, many.To-many.From)
	r := 0.0
	if ta > 0 {
		r = tb / ta
	}
	line(ta > 0 && r <= o.boardRatio, fmt.Sprintf("%d board viewers cost the IVS calls/s of 1 (ratio <= %g)", many.Viewers, o.boardRatio),
		fmt.Sprintf("all operations %.2f → %.2f calls/s (%.2f×)", ta, tb, r))

	// The watcher's token bucket: rate/s on average, at most rate + burst
	// calls within any 1 s.
	okBudget := true
	var worst opCount
	var worstRate float64
	for _, x := range []struct {
		ops []opCount
		w   time.Duration
	}{{a, one.To - one.From}, {b, many.To - many.From}} {
		for _, op := range x.ops {
			rate := float64(op.N) / x.w.Seconds()
			if rate > bo.Rate*1.05 || float64(op.MaxSec) > bo.Rate+float64(bo.Burst)+0.5 {
				okBudget = false
			}
			if op.MaxSec > worst.MaxSec || (op.MaxSec == worst.MaxSec && rate > worstRate) {
				worst, worstRate = op, rate
			}
		}
	}
	line(okBudget, fmt.Sprintf("board IVS calls per operation within the watcher's budget (%g/s, burst %d)", bo.Rate, bo.Burst),
		fmt.Sprintf("busiest: %s at most %d within 1 s, mean %.2f/s", worst.key(), worst.MaxSec, worstRate))

	wt := bo.Weight
	got := fmt.Sprintf("%s (HTML %s + CSS/JS %s)", kb(wt.Total()), kb(wt.HTML), kb(wt.Assets))
	if wt.Total() > 100_000 {
		got += fmt.Sprintf("; over by %s", kb(wt.Total()-100_000))
	}
	if !bo.SSEScript {
		got += "; /static/sse.min.js not found among its scripts"
	}
	line(wt.Total() <= 100_000 && bo.SSEScript, "board page <= 100 kB in all (HTML+CSS+JS, sse.min.js included)", got)

	rssBar := int64(o.rssBar * 1e6)
	got = fmt.Sprintf("VmHWM %s at the end of the %d-viewer window (RSS sampled in it: max %s)", mb(many.Mem.HWM), many.Viewers, mb(many.Mem.RSS))
	if many.Mem.HWM > rssBar {
		got += fmt.Sprintf("; over by %s", mb(many.Mem.HWM-rssBar))
	}
	line(many.Mem.HWM > 0 && many.Mem.HWM <= rssBar, fmt.Sprintf("console RSS <= %g MB with %d board viewers", o.rssBar, many.Viewers), got)

	// Not a bar, the measurement's own check: the pushes arrived.
	ps1, ps := pushesOf(one), pushesOf(many)
	line(ps1.Min >= 2 && ps.Min >= 2 && len(ps1.Ends)+len(ps.Ends) == 0, "(check) every board viewer receives pushes, no stream drops",
		fmt.Sprintf("per viewer in the window: 1 viewer %d, %d viewers %d-%d; streams ended early: %d", ps1.Min, many.Viewers, ps.Min, ps.Max, len(ps1.Ends)+len(ps.Ends)))
	tw.Flush()
}
