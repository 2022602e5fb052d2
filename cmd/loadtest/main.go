// Command loadtest is Greenroom's load benchmark (`make load`, part of
// `make bench`). It starts bin/ivs-emulator with realistic latency and AWS's
// 5 TPS per operation, starts bin/greenroom on it, and drives simulated
// viewers: most watch one live session (the full page, then its htmx
// refresh fragment), the rest browse stage, participant and ingest pages.
// It prints latency, console overhead, IVS calls per operation per second,
// throttles, errors, memory and page weights, and checks them against the
// bars in docs/performance.md.
//
//	go run ./cmd/loadtest                       # 200 viewers, 60 s
//	go run ./cmd/loadtest -baseline             # + the same with -cache-off
//	go run ./cmd/loadtest -viewers-compare 20,200
//	go run ./cmd/loadtest -cpuprofile /tmp/greenroom.perf   # perf record of the console
//	go run ./cmd/loadtest -board-only                       # the ops board: 1 vs 50 viewers
//	go run ./cmd/loadtest -soak -duration 30m -throttle-rate 0.3 -error-rate 0.1 -spike-rate 0.02   # make soak
//
// Everything runs on 127.0.0.1; the processes are its children and end
// with it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	viewers                    int
	duration, warmup           time.Duration
	baseline                   bool
	baselineDuration           time.Duration
	baselineRate               float64
	baselineBurst              int
	compare                    string
	compareDuration            time.Duration
	callRate                   float64
	callBurst                  int
	live, reload               float64
	latency, jitter            time.Duration
	tps                        float64
	randSeed                   int64
	binDir, region, cpuprofile string
	dump                       string
	verbose                    bool
	rssBar, overBarMs          float64

	throttleRate, errorRate, spikeRate float64
	spike                              time.Duration

	board, boardOnly           bool
	boardViewers               int
	boardDuration, boardReload time.Duration
	boardSettle                time.Duration
	watchRate, boardRatio      float64

	soak                                 bool
	soakEvery                            time.Duration
	soakRSSMB, soakSlopeMBh, soakGorGrow float64
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.viewers, "viewers", 200, "concurrent simulated viewers")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "measured time of the main run (after the warm-up)")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "warm-up before measuring (viewers arrive during it)")
	fs.BoolVar(&o.baseline, "baseline", false, "also run the same scenario with the console's -cache-off, side by side")
	fs.DurationVar(&o.baselineDuration, "baseline-duration", 30*time.Second, "measured time of the baseline run")
	fs.Float64Var(&o.baselineRate, "baseline-rate", 5, "the baseline console's -ivs-call-rate (5 = AWS's whole per-operation quota; 0 = the console's default 2)")
	fs.IntVar(&o.baselineBurst, "baseline-burst", 5, "the baseline console's -ivs-call-burst (0 = default)")
	fs.StringVar(&o.compare, "viewers-compare", "", "viewer counts whose IVS call rates to compare, all viewers on the live view, e.g. 20,200 (the -viewers count is added)")
	fs.DurationVar(&o.compareDuration, "compare-duration", 20*time.Second, "measured time of each extra -viewers-compare run")
	fs.Float64Var(&o.callRate, "ivs-call-rate", 0, "the console's -ivs-call-rate for the main runs (0 = its default, 2)")
	fs.IntVar(&o.callBurst, "ivs-call-burst", 0, "the console's -ivs-call-burst for the main runs (0 = its default, 2)")
	fs.Float64Var(&o.live, "live-share", 0.8, "fraction of viewers watching the live session (the rest browse)")
	fs.Float64Var(&o.reload, "reload", 0.05, "chance per refresh that a live viewer reloads the whole page")
	fs.DurationVar(&o.latency, "latency", 30*time.Millisecond, "emulator: minimum latency of every IVS call")
	fs.DurationVar(&o.jitter, "jitter", 20*time.Millisecond, "emulator: uniform extra latency [0, jitter) (30 ms + [0, 20 ms) = 40 ms ± 10 ms)")
	fs.Float64Var(&o.tps, "tps", 5, "emulator: TPS limit per operation and region, answered with ThrottlingException (AWS: 5)")
	fs.Int64Var(&o.randSeed, "rand-seed", 1, "emulator: seed of the demo world and simulator, for repeatable runs")
	fs.StringVar(&o.binDir, "bin", "bin", "directory holding greenroom and ivs-emulator (make build)")
	fs.StringVar(&o.region, "region", "us-east-1", "region whose pages the viewers load")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "record the console's CPU with Linux perf during the main run into this file and print the top entries")
	fs.BoolVar(&o.verbose, "v", false, "print the consoles' stderr")
	fs.StringVar(&o.dump, "dump", "", "write the main run's requests and IVS calls as CSV to this file prefix (-requests.csv, -calls.csv)")
	fs.Float64Var(&o.overBarMs, "bar-overhead-ms", 5, "bar: p99 console overhead")
	fs.Float64Var(&o.rssBar, "bar-rss-mb", 80, "bar: console RSS in MB")
	fs.BoolVar(&o.board, "board", false, "also run the board scenario: IVS calls/s with 1 and with -board-viewers viewers on /board and its server push, weight, memory")
	fs.BoolVar(&o.boardOnly, "board-only", false, "run only the board scenario (no main run, baseline or comparison)")
	fs.IntVar(&o.boardViewers, "board-viewers", 50, "board scenario: viewers in the second window (the first has one)")
	fs.DurationVar(&o.boardDuration, "board-duration", 20*time.Second, "board scenario: measured time of each window")
	fs.DurationVar(&o.boardReload, "board-reload", 10*time.Second, "board scenario: each viewer of the second window loads /board again every this ± 20 % (0 = never)")
	fs.DurationVar(&o.boardSettle, "board-settle", 90*time.Second, "board scenario: longest wait for the watcher's first sweep of every region")
	fs.Float64Var(&o.watchRate, "watch-call-rate", 0, "the console's -watch-call-rate in the board scenario, and its budget bar (0 = its default, 1)")
	fs.Float64Var(&o.boardRatio, "bar-board-ratio", 1.1, "bar: IVS calls/s with -board-viewers board viewers over those with 1")
	fs.Float64Var(&o.throttleRate, "throttle-rate", 0, "emulator fault: fraction of IVS calls answered 429 ThrottlingException whatever the rate (0..1; 0 = off)")
	fs.Float64Var(&o.errorRate, "error-rate", 0, "emulator fault: fraction of IVS calls answered 500 InternalServerException (0..1; 0 = off)")
	fs.Float64Var(&o.spikeRate, "spike-rate", 0, "emulator fault: fraction of IVS calls delayed by -spike (0..1; 0 = off)")
	fs.DurationVar(&o.spike, "spike", 2*time.Second, "emulator fault: extra latency of a spike (with -spike-rate)")
	fs.BoolVar(&o.soak, "soak", false, "soak: only the main scenario, for -duration (30m unless given), sampled every -soak-every; verdict on memory, goroutines and errors (exit 1 when one fails)")
	fs.DurationVar(&o.soakEvery, "soak-every", time.Minute, "soak: sampling interval")
	fs.Float64Var(&o.soakRSSMB, "soak-rss-mb", 10, "soak bar: mean RSS of the last 5 minutes may exceed that of minutes 5-10 by this many MB")
	fs.Float64Var(&o.soakSlopeMBh, "soak-slope-mb-h", 10, "soak bar: RSS trend from minute 5 on, MB per hour (fails only when also above 2 standard errors)")
	fs.Float64Var(&o.soakGorGrow, "soak-goroutines", 10, "soak bar: max goroutines of the last 5 minutes may exceed the max of minutes 5-10 by this many")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	maxDuration := time.Hour
	if o.soak {
		maxDuration = 24 * time.Hour
		given := false
		fs.Visit(func(f *flag.Flag) { given = given || f.Name == "duration" })
		if !given {
			o.duration = 30 * time.Minute
		}
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"throttle-rate", o.throttleRate}, {"error-rate", o.errorRate}, {"spike-rate", o.spikeRate}} {
		if !(r.v >= 0 && r.v <= 1) {
			return o, fmt.Errorf("-%s %v is outside 0..1", r.name, r.v)
		}
	}
	switch {
	case o.spike < 0:
		return o, fmt.Errorf("-spike %v is negative", o.spike)
	case o.soak && (o.soakEvery < time.Second || o.soakEvery > o.duration):
		return o, fmt.Errorf("-soak-every %v is outside 1s..-duration", o.soakEvery)
	case o.viewers < 1 || o.viewers > 5000:
		return o, fmt.Errorf("-viewers %d is outside 1..5000", o.viewers)
	case o.duration < 2*time.Second || o.duration > maxDuration:
		return o, fmt.Errorf("-duration %v is outside 2s..%v", o.duration, maxDuration)
	case o.warmup < 0 || o.warmup > 10*time.Minute:
		return o, fmt.Errorf("-warmup %v is outside 0..10m", o.warmup)
	case o.live < 0 || o.live > 1:
		return o, fmt.Errorf("-live-share %v is outside 0..1", o.live)
	case o.boardViewers < 1 || o.boardViewers > 1000:
		return o, fmt.Errorf("-board-viewers %d is outside 1..1000", o.boardViewers)
	case o.boardDuration < 2*time.Second || o.boardDuration > time.Hour:
		return o, fmt.Errorf("-board-duration %v is outside 2s..1h", o.boardDuration)
	case o.boardReload < 0:
		return o, fmt.Errorf("-board-reload %v is negative", o.boardReload)
	case o.boardSettle < time.Second || o.boardSettle > 10*time.Minute:
		return o, fmt.Errorf("-board-settle %v is outside 1s..10m", o.boardSettle)
	case o.watchRate < 0 || o.watchRate > 5:
		return o, fmt.Errorf("-watch-call-rate %v is outside 0..5", o.watchRate)
	}
	if o.boardOnly {
		o.board = true
	}
	if _, err := compareCounts(o.compare); err != nil {
		return o, err
	}
	return o, nil
}

func compareCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 5000 {
			return nil, fmt.Errorf("-viewers-compare: %q is not a viewer count in 1..5000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseOptions(args, os.Stderr)
	if err != nil {
		return err
	}
	began := time.Now()
	// Private copies: another `make build` replacing bin/ mid-run must not
	// change what runs (or what perf resolves symbols against).
	binDir, err := os.MkdirTemp("", "greenroom-loadtest-bin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	for _, name := range []string{"greenroom", "ivs-emulator"} {
		if err := copyFile(filepath.Join(o.binDir, name), filepath.Join(binDir, name)); err != nil {
			return fmt.Errorf("%v (run `make build` first)", err)
		}
	}
	e := &env{binDir: binDir, region: o.region, warmup: o.warmup, reload: o.reload, verbose: o.verbose, out: stdout,
		emu: emuConfig{Latency: o.latency, Jitter: o.jitter, TPS: o.tps, RandSeed: o.randSeed,
			ThrottleRate: o.throttleRate, ErrorRate: o.errorRate, SpikeRate: o.spikeRate, Spike: o.spike}}
	var mainArgs []string
	if o.callRate > 0 {
		mainArgs = append(mainArgs, "-ivs-call-rate", fmt.Sprint(o.callRate))
	}
	if o.callBurst > 0 {
		mainArgs = append(mainArgs, "-ivs-call-burst", fmt.Sprint(o.callBurst))
	}
	budgetRate, budgetBurst := 2.0, 2 // the console's defaults
	if o.callRate > 0 {
		budgetRate = o.callRate
	}
	if o.callBurst > 0 {
		budgetBurst = o.callBurst
	}

	// The board scenario: the watcher's budget is -watch-call-rate, burst 1
	// (fixed in the console).
	boardRate, boardBurst := 1.0, 1
	bcfg := boardConfig{Viewers: o.boardViewers, Window: o.boardDuration, Reload: o.boardReload, Settle: o.boardSettle,
		ConsoleArgs: slices.Clone(mainArgs)}
	if o.watchRate > 0 {
		boardRate = o.watchRate
		bcfg.ConsoleArgs = append(bcfg.ConsoleArgs, "-watch-call-rate", fmt.Sprint(o.watchRate))
	}
	if o.boardOnly && !o.soak {
		bo, err := e.runBoard(ctx, bcfg, boardRate, boardBurst)
		if err != nil {
			return fmt.Errorf("board: %w", err)
		}
		printHeader(stdout, o, e)
		printBoard(stdout, bo)
		fmt.Fprintf(stdout, "\nbars (docs/performance.md), board:\n")
		printBoardBars(stdout, bo, o)
		fmt.Fprintf(stdout, "\ntotal time %v\n", time.Since(began).Round(time.Second))
		return nil
	}

	mainSc := scenario{Name: fmt.Sprintf("cached, %d viewers", o.viewers), Viewers: o.viewers, Duration: o.duration, ConsoleArgs: mainArgs, Profile: o.cpuprofile, LiveShare: o.live}
	if o.soak {
		mainSc.Name = fmt.Sprintf("soak, %d viewers", o.viewers)
		mainSc.SoakEvery = o.soakEvery
		if o.baseline || o.compare != "" || o.board {
			e.logf("soak: -baseline, -viewers-compare and -board are ignored")
		}
		o.baseline, o.compare, o.board = false, "", false
	}
	mo, err := e.run(ctx, mainSc)
	if err != nil {
		return err
	}
	ms := summarize(mo)
	if o.dump != "" {
		if err := dumpCSV(o.dump, mo); err != nil {
			return err
		}
	}
	results := []summary{ms}

	var base *summary
	if o.baseline && ctx.Err() == nil {
		args := []string{"-cache-off"}
		if o.baselineRate > 0 {
			args = append(args, "-ivs-call-rate", fmt.Sprint(o.baselineRate))
		}
		if o.baselineBurst > 0 {
			args = append(args, "-ivs-call-burst", fmt.Sprint(o.baselineBurst))
		}
		bo, err := e.run(ctx, scenario{Name: fmt.Sprintf("naive baseline, %d viewers", o.viewers), Viewers: o.viewers, Duration: o.baselineDuration, ConsoleArgs: args, LiveShare: o.live})
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		bs := summarize(bo)
		base = &bs
		results = append(results, bs)
	}
	// The comparison isolates the bar's case: every viewer watches the same
	// live session (browsers would add distinct pages, each with its own
	// cache entries, whatever the viewer count).
	counts, _ := compareCounts(o.compare)
	if len(counts) > 0 && !slices.Contains(counts, o.viewers) {
		counts = append(counts, o.viewers)
	}
	slices.Sort(counts)
	var compared []summary
	for _, n := range counts {
		if ctx.Err() != nil {
			break
		}
		co, err := e.run(ctx, scenario{Name: fmt.Sprintf("live only, %d viewers", n), Viewers: n, Duration: o.compareDuration, ConsoleArgs: mainArgs, LiveShare: 1})
		if err != nil {
			return fmt.Errorf("%d viewers: %w", n, err)
		}
		cs := summarize(co)
		compared = append(compared, cs)
		results = append(results, cs)
	}
	var bo *boardOutcome
	if o.board && ctx.Err() == nil {
		if bo, err = e.runBoard(ctx, bcfg, boardRate, boardBurst); err != nil {
			return fmt.Errorf("board: %w", err)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	w := stdout
	printHeader(w, o, e)
	fmt.Fprintf(w, "viewers: %.0f%% watch the live view (full page, then each htmx \"every\" fragment; %.0f%% chance per refresh of a full reload), the rest browse (2-5 s between clicks); warm-up %v excluded\n",
		o.live*100, o.reload*100, o.warmup)
	fmt.Fprintf(w, "live view: %s", pathOf(mo.plan.LivePage))
	for _, p := range mo.plan.Polls {
		every := "2-5 s (no interval on the page)"
		if p.Every > 0 {
			every = "every " + p.Every.String()
		}
		fmt.Fprintf(w, "; polls %s %s", pathOf(p.URL), every)
	}
	fmt.Fprintln(w)
	if mo.plan.Fallback != "" {
		fmt.Fprintf(w, "FALLBACK: %s\n", mo.plan.Fallback)
	}
	fmt.Fprintf(w, "browsed: %s\n", browsed(mo.plan))
	for _, m := range mo.plan.Missing {
		fmt.Fprintf(w, "not available: %s\n", m)
	}
	fmt.Fprintln(w, "\nweight (uncompressed; kB = 1000 bytes):")
	printWeights(w, mo.plan)
	fmt.Fprintln(w)
	printTable(w, results)
	fmt.Fprintln(w)
	fmt.Fprintf(w, overheadMethod, o.latency, o.jitter)

	if base != nil {
		fmt.Fprintf(w, "\nnaive baseline vs cached (baseline / cached), %d viewers:\n", o.viewers)
		fmt.Fprintf(w, "  baseline = the console with -cache-off (no cache, no coalescing: every read goes upstream) and the\n")
		fmt.Fprintf(w, "  call budget raised to %s: -cache-off alone keeps the 2/s budget in the same layer, so it\n", budgetText(o.baselineRate, o.baselineBurst))
		fmt.Fprintf(w, "  queues and refuses reads itself instead of spending IVS's quota. With the budget at AWS's 5 TPS it\n")
		fmt.Fprintf(w, "  is as close to a console calling IVS per viewer as the flags allow (the console refuses a rate > 5).\n")
		tw := newTab(w)
		fmt.Fprintf(tw, "  IVS calls/s (all operations, mean)\t%.2f\t%.2f\t%s\t\n", ms.CallsMean, base.CallsMean, ratio(ms.CallsMean, base.CallsMean))
		fmt.Fprintf(tw, "  IVS calls/s, busiest operation, max 1-s window\t%.1f\t%.1f\t%s\t\n", maxOp(ms), maxOp(*base), ratio(maxOp(ms), maxOp(*base)))
		fmt.Fprintf(tw, "  p99 latency, all requests (ms)\t%s\t%s\t%s\t\n", msf(ms.All.P99), msf(base.All.P99), ratio(float64(ms.All.P99), float64(base.All.P99)))
		fmt.Fprintf(tw, "  p99 console overhead (ms)\t%s\t%s\t%s\t\n", msf(ms.OvAll.P99), msf(base.OvAll.P99), ratio(float64(ms.OvAll.P99), float64(base.OvAll.P99)))
		fmt.Fprintf(tw, "  throttles seen by the SDK\t%.0f\t%.0f\t%s\t\n", ms.SDKThrottled, base.SDKThrottled, ratio(ms.SDKThrottled, base.SDKThrottled))
		e1, e2 := float64(ms.Err5xx+ms.ErrPage+ms.Transport), float64(base.Err5xx+base.ErrPage+base.Transport)
		fmt.Fprintf(tw, "  errors shown to users (5xx, error panels, no answer)\t%.0f\t%.0f\t%s\t\n", e1, e2, ratio(e1, e2))
		fmt.Fprintf(tw, "  requests/s served\t%.1f\t%.1f\t%s\t\n", ms.RPS, base.RPS, ratio(ms.RPS, base.RPS))
		tw.Flush()
	}
	if len(compared) >= 2 {
		fmt.Fprintf(w, "\nIVS call rate vs viewers, every viewer on the live view, %v each (mean calls/s per operation; max 1-s window in brackets):\n", o.compareDuration)
		tw := newTab(w)
		fmt.Fprintf(tw, "  operation")
		for _, c := range compared {
			fmt.Fprintf(tw, "\t%d viewers", c.Viewers)
		}
		fmt.Fprintf(tw, "\tratio last/first\t\n")
		for _, k := range opKeys(compared) {
			fmt.Fprintf(tw, "  %s", k)
			var first, last float64
			for i, c := range compared {
				mean, mx := opMean(c, k)
				fmt.Fprintf(tw, "\t%.2f [%.0f]", mean, mx)
				if i == 0 {
					first = mean
				}
				last = mean
			}
			fmt.Fprintf(tw, "\t%s\t\n", ratio(first, last))
		}
		fmt.Fprintf(tw, "  all operations")
		for _, c := range compared {
			fmt.Fprintf(tw, "\t%.2f", c.CallsMean)
		}
		fmt.Fprintf(tw, "\t%s\t\n", ratio(compared[0].CallsMean, compared[len(compared)-1].CallsMean))
		fmt.Fprintf(tw, "  requests/s")
		for _, c := range compared {
			fmt.Fprintf(tw, "\t%.1f", c.RPS)
		}
		fmt.Fprintf(tw, "\t%s\t\n", ratio(compared[0].RPS, compared[len(compared)-1].RPS))
		tw.Flush()
	}

	var soakFailed error
	if o.soak {
		rules := soakRules{Duration: o.duration, RSSGrowth: o.soakRSSMB, SlopeMBh: o.soakSlopeMBh, GoroutineGrow: o.soakGorGrow}
		if res := printSoak(w, mo.soak, mo.rec, rules, e.emu.faultsText()); !res.OK() {
			soakFailed = fmt.Errorf("soak verdict: %s", strings.Join(res.Problems, "; "))
		}
		fmt.Fprintf(w, "\n(the bars of docs/performance.md are not checked in a soak: they are about a healthy IVS)\n")
	} else {
		fmt.Fprintf(w, "\nbars (docs/performance.md), main run:\n")
		printBars(w, ms, mo.plan, compared, budgetRate, budgetBurst, o)
	}
	if bo != nil {
		printBoard(w, bo)
		fmt.Fprintf(w, "\nbars (docs/performance.md), board:\n")
		printBoardBars(w, bo, o)
	}
	if mo.profile != "" || mo.profErr != nil {
		fmt.Fprintf(w, "\nCPU profile of the console during the main run (perf record -F 499 -g, %s):\n", o.cpuprofile)
		if mo.profErr != nil {
			fmt.Fprintf(w, "  not available: %v\n", mo.profErr)
		} else {
			fmt.Fprint(w, mo.profile)
			fmt.Fprintf(w, "  (full report: perf report -i %s --no-children)\n", o.cpuprofile)
		}
	}
	fmt.Fprintf(w, "\ntotal time %v\n", time.Since(began).Round(time.Second))
	return soakFailed
}

// printHeader prints the report's title and the emulated IVS.
func printHeader(w io.Writer, o options, e *env) {
	fmt.Fprintf(w, "\n== Greenroom load benchmark (%s) ==\n", time.Now().Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "emulator: latency %v + jitter [0, %v) per call, %v TPS per operation and region (ThrottlingException above); demo world, rand-seed %d\n",
		o.latency, o.jitter, o.tps, o.randSeed)
	if e.emu.faulty() {
		fmt.Fprintf(w, "faults (on after discovery, through the emulator's admin API): %s\n", e.emu.faultsText())
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func budgetText(rate float64, burst int) string {
	r, b := "2/s", "burst 2"
	if rate > 0 {
		r = fmt.Sprintf("%g/s", rate)
	}
	if burst > 0 {
		b = fmt.Sprintf("burst %d", burst)
	}
	return r + " " + b
}

func browsed(pl *plan) string {
	n := map[string]int{}
	var kinds []string
	for _, t := range pl.Browse {
		if n[t.Kind] == 0 {
			kinds = append(kinds, t.Kind)
		}
		n[t.Kind]++
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s page(s)", n[k], k))
	}
	return strings.Join(parts, ", ")
}

func msf(d time.Duration) string { return ms(d) }

func maxOp(s summary) float64 {
	var m float64
	for _, o := range s.Ops {
		m = max(m, o.Max)
	}
	return m
}

func opKeys(ss []summary) []string {
	var keys []string
	for _, s := range ss {
		for _, o := range s.Ops {
			k := o.Op + " " + o.Region
			if !containsStr(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	sortStrings(keys)
	return keys
}

func opMean(s summary, key string) (mean, mx float64) {
	for _, o := range s.Ops {
		if o.Op+" "+o.Region == key {
			return o.Mean, o.Max
		}
	}
	return 0, 0
}

// dumpCSV writes the raw requests and IVS calls, for looking at the tail.
func dumpCSV(prefix string, o *outcome) error {
	var b strings.Builder
	b.WriteString("kind,url,start_ms,latency_ms,ivs_wait_ms,serial,status,bytes,stale\n")
	for _, r := range o.recs {
		fmt.Fprintf(&b, "%s,%s,%.1f,%.2f,%.2f,%t,%d,%d,%t\n", r.Kind, pathOf(r.URL), ms1(r.Start), ms1(r.Lat), ms1(r.Up), r.Serial, r.Status, r.Bytes, r.Stale)
	}
	if err := os.WriteFile(prefix+"-requests.csv", []byte(b.String()), 0o644); err != nil {
		return err
	}
	b.Reset()
	b.WriteString("op,start_ms,end_ms,body\n")
	for _, c := range o.calls {
		fmt.Fprintf(&b, "%s,%.1f,%.1f,%q\n", c.Op, ms1(c.Start), ms1(c.End), c.Body)
	}
	return os.WriteFile(prefix+"-calls.csv", []byte(b.String()), 0o644)
}

func ms1(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
