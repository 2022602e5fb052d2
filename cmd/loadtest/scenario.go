package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// scenario is one console + emulator + viewers run.
type scenario struct {
	Name        string
	Viewers     int
	Duration    time.Duration
	ConsoleArgs []string      // extra console flags (-cache-off, budget)
	LiveShare   float64       // fraction of viewers on the live view
	Profile     string        // perf.data path, empty for none
	SoakEvery   time.Duration // > 0: soak sampling at this interval (see soak.go)
}

// emuConfig is the emulated IVS: latency, jitter and AWS-like limits.
type emuConfig struct {
	Latency, Jitter time.Duration
	TPS             float64
	RandSeed        int64
	// Injected faults, applied once the pages are discovered (so discovery
	// sees the healthy console); 0 = off.
	ThrottleRate, ErrorRate, SpikeRate float64
	Spike                              time.Duration
}

func (c emuConfig) faulty() bool { return c.ThrottleRate > 0 || c.ErrorRate > 0 || c.SpikeRate > 0 }

// faultsText describes the injected faults.
func (c emuConfig) faultsText() string {
	if !c.faulty() {
		return "no injected faults"
	}
	return fmt.Sprintf("%g%% of calls throttled (429), %g%% answered 500, %g%% delayed %v more", c.ThrottleRate*100, c.ErrorRate*100, c.SpikeRate*100, c.Spike)
}

// setFaults switches the emulator's faults on through its admin API,
// keeping the latency and TPS it was started with.
func (c emuConfig) setFaults(emuURL string) error {
	body, err := json.Marshal(map[string]any{"latency": c.Latency.String(), "jitter": c.Jitter.String(), "tps": c.TPS,
		"throttleRate": c.ThrottleRate, "errorRate": c.ErrorRate, "spikeRate": c.SpikeRate, "spike": c.Spike.String()})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPut, emuURL+"/_emulator/faults", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("setting the emulator's faults: %w", err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("setting the emulator's faults: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return nil
}

// outcome is what a scenario measured.
type outcome struct {
	sc        scenario
	plan      *plan
	recs      []rec
	window    time.Duration
	first     snapshot // at the start of the measured window
	last      snapshot // at its end
	snaps     []snapshot
	mem       memStats
	maxGorout float64
	calls     []upstreamCall
	cpu       [3]float64 // cores used in the window: console, emulator, harness
	profile   string     // perf report excerpt
	profErr   error
	rec       *recorder
	soak      []soakSample
}

type env struct {
	binDir  string
	region  string
	emu     emuConfig
	warmup  time.Duration
	reload  float64
	verbose bool
	out     io.Writer
}

func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.out, "# "+format+"\n", args...)
}

// stack is one emulator, the timing proxy in front of it and a console on
// the proxy.
type stack struct {
	emu, con *proc
	tp       *tap
	tmp      string
}

// close stops the console, the proxy and the emulator, in that order.
func (s *stack) close() {
	s.con.stop()
	if s.tp != nil {
		s.tp.close()
	}
	s.emu.stop()
	_ = os.RemoveAll(s.tmp)
}

// start runs a fresh emulator, its timing proxy and a console on it (dev
// auth, a temporary audit database, the extra console flags).
func (e *env) start(name string, consoleArgs []string) (*stack, error) {
	tmp, err := os.MkdirTemp("", "greenroom-loadtest-")
	if err != nil {
		return nil, err
	}
	st := &stack{tmp: tmp}
	emuArgs := []string{"-addr", "127.0.0.1:0", "-seed", "demo", "-rand-seed", fmt.Sprint(e.emu.RandSeed),
		"-latency", e.emu.Latency.String(), "-jitter", e.emu.Jitter.String(), "-tps", fmt.Sprint(e.emu.TPS)}
	if st.emu, err = startProc("ivs-emulator", filepath.Join(e.binDir, "ivs-emulator"), emuArgs, "listening on", 20*time.Second); err != nil {
		st.close()
		return nil, err
	}
	if st.tp, err = startTap(st.emu.url); err != nil {
		st.close()
		return nil, err
	}
	conArgs := append([]string{"-addr", "127.0.0.1:0", "-ivs-endpoint", st.tp.url(), "-auth", "dev",
		"-audit-db", filepath.Join(tmp, "audit.db"), "-log-level", "warn"}, consoleArgs...)
	if st.con, err = startProc("greenroom", filepath.Join(e.binDir, "greenroom"), conArgs, "Greenroom is running at", 30*time.Second); err != nil {
		st.close()
		return nil, err
	}
	e.logf("%s: emulator %s behind the timing proxy %s (latency %v + jitter [0,%v), %v TPS per operation), console %s pid %d %s",
		name, st.emu.url, st.tp.url(), e.emu.Latency, e.emu.Jitter, e.emu.TPS, st.con.url, st.con.pid(), strings.Join(consoleArgs, " "))
	return st, nil
}

// run starts a fresh emulator and console, discovers the pages, drives the
// viewers, and stops both processes whatever happens.
func (e *env) run(ctx context.Context, sc scenario) (*outcome, error) {
	st, err := e.start(sc.Name, sc.ConsoleArgs)
	if err != nil {
		return nil, err
	}
	defer st.close()
	emu, tp, con := st.emu, st.tp, st.con

	tr := &http.Transport{
		MaxIdleConns: sc.Viewers + 16, MaxIdleConnsPerHost: sc.Viewers + 16, IdleConnTimeout: time.Minute,
		DisableCompression: false, ForceAttemptHTTP2: false,
	}
	defer tr.CloseIdleConnections()
	t0 := time.Now()
	dctx, dcancel := context.WithTimeout(ctx, 60*time.Second)
	pl, err := discover(dctx, &http.Client{Transport: tr, Timeout: 20 * time.Second}, con.url, e.region)
	dcancel()
	if err != nil {
		return nil, fmt.Errorf("discovery: %w (console stderr: %s)", err, con.stderr.String())
	}
	if e.emu.faulty() {
		if err := e.emu.setFaults(emu.url); err != nil {
			return nil, err
		}
		e.logf("%s: faults on: %s", sc.Name, e.emu.faultsText())
	}

	o := &outcome{sc: sc, plan: pl, window: sc.Duration}
	lctx, lcancel := context.WithCancel(ctx)
	defer lcancel()
	start := time.Now()
	tp.setStart(start)

	// Side measurements: /metrics every second, memory every 200 ms, perf.
	var side sync.WaitGroup
	var smu sync.Mutex
	mc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}, Timeout: 5 * time.Second}
	scrape := func() (snapshot, bool) {
		req, err := http.NewRequest(http.MethodGet, con.url+"/metrics", nil)
		if err != nil {
			return snapshot{}, false
		}
		// identity: with gzip the console compresses /metrics twice
		// (promhttp and the gzip middleware) under one Content-Encoding.
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := mc.Do(req)
		if err != nil {
			return snapshot{}, false
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return snapshot{}, false
		}
		return snapshot{At: time.Since(start), Samples: parseProm(string(b))}, true
	}
	// A long run keeps only the series the per-second figures need (a
	// scrape is ~300-500 samples); the whole first scrape of the window
	// and the latest whole one stay for the deltas.
	soak := sc.SoakEvery > 0
	var fullFirst, fullLast snapshot
	side.Add(1)
	go func() {
		defer side.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		limit := int((e.warmup+sc.Duration)/time.Second) + 5
		for range limit {
			if s, ok := scrape(); ok {
				smu.Lock()
				if soak {
					if s.At <= e.warmup || fullFirst.Samples == nil {
						fullFirst = s
					}
					fullLast = s
					s = s.only("greenroom_ivs_calls_total", "go_goroutines")
				}
				o.snaps = append(o.snaps, s)
				smu.Unlock()
			}
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	side.Add(1)
	go func() { defer side.Done(); o.mem = sampleMem(lctx, con.pid(), 200*time.Millisecond) }()
	pids := [3]int{con.pid(), emu.pid(), os.Getpid()}
	var cpu0 [3]time.Duration
	var cpuAt time.Time
	cpuDone := make(chan struct{})
	go func() {
		defer close(cpuDone)
		if sleepCtx(lctx, e.warmup) {
			cpuAt = time.Now()
			for i, p := range pids {
				cpu0[i], _ = cpuTime(p)
			}
		}
	}()
	profDone := make(chan struct{})
	if sc.Profile == "" {
		close(profDone)
	} else {
		side.Add(1)
		go func() {
			defer side.Done()
			defer close(profDone)
			if !sleepCtx(lctx, e.warmup) {
				return
			}
			pd := sc.Duration - 2*time.Second
			if o.profErr = perfRecord(lctx, con.pid(), max(pd, time.Second), sc.Profile); o.profErr == nil {
				o.profile, o.profErr = perfTop(sc.Profile, 22)
			}
		}()
	}

	e.logf("%s: discovery took %v; %d viewers (%d%% on the live view) for %v after %v warm-up; live view %s",
		sc.Name, time.Since(t0).Round(100*time.Millisecond), sc.Viewers, int(sc.LiveShare*100+0.5), sc.Duration, e.warmup, pathOf(pl.LivePage))
	o.rec = &recorder{from: e.warmup, to: e.warmup + sc.Duration, every: sc.SoakEvery}
	var sampler *soakSampler
	soakDone := make(chan struct{})
	if soak {
		sampler = &soakSampler{every: sc.SoakEvery, window: sc.Duration, pid: con.pid(), scrape: scrape, rec: o.rec, out: e.out}
		go func() { defer close(soakDone); sampler.run(ctx, start.Add(e.warmup)) }()
	} else {
		close(soakDone)
	}
	o.recs = runLoad(ctx, tr, pl, loadConfig{Viewers: sc.Viewers, LiveShare: sc.LiveShare, Warmup: e.warmup, Duration: sc.Duration, ReloadProb: e.reload}, start, o.rec)
	<-soakDone
	if sampler != nil {
		o.soak = sampler.samples
	}
	calls := tp.snapshot()
	idsByURL := map[string]map[string]bool{}
	for i := range o.recs {
		r := &o.recs[i]
		ids, ok := idsByURL[r.URL]
		if !ok {
			ids = tp.pageIDs(r.URL)
			idsByURL[r.URL] = ids
		}
		r.Up, r.Longest = upstreamWait(calls, ids, r.Start, r.Start+r.Lat)
		r.Serial = r.Up > r.Longest*3/2
	}
	o.calls = calls
	end := time.Since(start)
	<-cpuDone
	if !cpuAt.IsZero() {
		el := time.Since(cpuAt).Seconds()
		for i, p := range pids {
			if c, err := cpuTime(p); err == nil {
				o.cpu[i] = (c - cpu0[i]).Seconds() / el
			}
		}
	}
	if s, ok := scrape(); ok {
		smu.Lock()
		o.snaps = append(o.snaps, s)
		smu.Unlock()
	}
	select { // let perf finish its fixed-length recording and report
	case <-profDone:
	case <-time.After(30 * time.Second):
	}
	lcancel()
	side.Wait()

	select {
	case <-con.done:
		return nil, fmt.Errorf("the console exited during the run: %s", con.stderr.String())
	default:
	}
	if m, err := readMem(con.pid()); err == nil {
		o.mem.HWM = max(o.mem.HWM, m.HWM)
	}
	// The window's first snapshot: the last scrape before it began.
	slices.SortFunc(o.snaps, func(a, b snapshot) int { return int(a.At - b.At) })
	for _, s := range o.snaps {
		if s.At <= e.warmup || o.first.Samples == nil {
			o.first = s
		}
		if s.At <= end {
			o.last = s
		}
		o.maxGorout = math.Max(o.maxGorout, s.sum("go_goroutines", nil))
	}
	if soak && fullFirst.Samples != nil && fullLast.Samples != nil {
		o.first, o.last = fullFirst, fullLast
	}
	if e.verbose && con.stderr.String() != "" {
		e.logf("%s: console stderr (tail): %s", sc.Name, con.stderr.String())
	}
	return o, nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
