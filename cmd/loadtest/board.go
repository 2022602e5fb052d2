package main

// The board scenario (-board): the ops board (GET /board) and its server
// push (GET /board/stream, server-sent events) read only the watcher's
// in-memory model, so the number of people looking at it must not change
// the IVS call rate. A fresh console runs on the emulator; once the
// watcher's first sweep of every region is done, the timing proxy counts
// IVS calls by operation and region over a window with one board viewer,
// then over a window as long with -board-viewers of them.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html"
)

// boardConfig is one board run.
type boardConfig struct {
	Viewers     int           // in the second window (the first has one)
	Window      time.Duration // measured length of each window
	Reload      time.Duration // mean time between two GET /board of a viewer in the second window; 0 = none
	Settle      time.Duration // longest wait for the watcher's first sweep of every region
	ConsoleArgs []string
}

// sseEvent is one server-sent event a viewer received.
type sseEvent struct {
	At    time.Duration // when its blank line arrived, since the run started
	Size  int           // data bytes
	Sum   uint64        // FNV-1a of the data: one push has the same sum for every viewer
	Board bool          // "event: board" carrying the board's body (id="board")
}

// boardClient is what one viewer's stream received.
type boardClient struct {
	mu         sync.Mutex
	events     []sseEvent
	keepAlives int
	connects   int
	opened     []time.Duration // request to first event, per connection
	ends       []string        // streams that ended or failed before the run did
}

func (b *boardClient) end(why string) {
	b.mu.Lock()
	b.ends = append(b.ends, why)
	b.mu.Unlock()
}

// boardWindow is one measured window.
type boardWindow struct {
	Viewers  int
	From, To time.Duration // the measured window, since the run started
	Clients  []*boardClient
	Gets     []rec    // GET /board of this phase (arrivals included)
	Mem      memStats // RSS: the most sampled in the window; HWM: at its end
	CPU      float64  // console cores used in the window
	Watcher  string   // live stages and cadence by region at the window's end (/metrics)
}

// boardOutcome is what the board run measured.
type boardOutcome struct {
	Config    boardConfig
	Settle    time.Duration // until every region's first sweep was on the board
	Regions   []regionLine  // the board's region lines then
	Weight    weight        // GET /board uncompressed + its CSS and JS
	SSEScript bool          // /static/sse.min.js is among the page's scripts
	Tiles     int           // live stages on the page (<article> tiles)
	TileBytes int           // their HTML
	One, Many boardWindow
	Calls     []upstreamCall
	Rate      float64 // the watcher's budget per operation and region
	Burst     int
}

// regionLine is one `[data-region]` line of the board: the watcher's
// freshness for a region.
type regionLine struct {
	Region, Text string
}

const firstLook = "first look under way"

// regionLines reads the board's region lines.
func regionLines(body []byte) []regionLine {
	var out []regionLine
	z := html.NewTokenizer(bytes.NewReader(body))
	depth := 0 // <li> nesting inside the current region line
	var cur *regionLine
	var text strings.Builder
	for range 1_000_000 { // bounded: a page never has a million tokens
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "li" {
				continue
			}
			if cur != nil {
				depth++
				continue
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "data-region" {
					cur = &regionLine{Region: string(v)}
					depth, text = 0, strings.Builder{}
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "li" && cur != nil {
				if depth > 0 {
					depth--
					continue
				}
				cur.Text = strings.Join(strings.Fields(text.String()), " ")
				out = append(out, *cur)
				cur = nil
			}
		case html.TextToken:
			if cur != nil {
				text.Write(z.Text())
			}
		}
	}
	return out
}

// settled reports whether every region line shows a finished sweep.
func settled(lines []regionLine) bool {
	if len(lines) == 0 {
		return false
	}
	for _, l := range lines {
		if strings.Contains(l.Text, firstLook) {
			return false
		}
	}
	return true
}

// readSSE reads a text/event-stream until it ends, calling onEvent for each
// event dispatched (a blank line after data) and onComment for each comment
// line (": keep-alive").
func readSSE(r io.Reader, onEvent func(name string, data []byte), onComment func()) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	var name string
	var data bytes.Buffer
	has := false
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0:
			if has {
				onEvent(name, bytes.TrimSuffix(data.Bytes(), []byte("\n")))
			}
			name, has = "", false
			data.Reset()
		case line[0] == ':':
			onComment()
		default:
			field, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimPrefix(value, []byte(" "))
			switch string(field) {
			case "event":
				name = string(value)
			case "data":
				data.Write(value)
				data.WriteByte('\n')
				has = true
			}
		}
	}
	return sc.Err()
}

var markBoard = []byte(`id="board"`)

// stream keeps an EventSource-like connection to u open until ctx ends,
// reconnecting a second after it drops.
func (b *boardClient) stream(ctx context.Context, c *http.Client, u string, start time.Time) {
	for ctx.Err() == nil {
		b.streamOnce(ctx, c, u, start)
		if !sleepCtx(ctx, time.Second) {
			return
		}
	}
}

func (b *boardClient) streamOnce(ctx context.Context, c *http.Client, u string, start time.Time) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return
	}
	// What EventSource sends (the console leaves such a stream uncompressed).
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			b.end(shortErr(err))
		}
		return
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		b.end(fmt.Sprintf("HTTP %d %s", resp.StatusCode, ct))
		return
	}
	b.mu.Lock()
	b.connects++
	b.mu.Unlock()
	first := true
	err = readSSE(resp.Body, func(name string, data []byte) {
		h := fnv.New64a()
		h.Write(data)
		ev := sseEvent{At: time.Since(start), Size: len(data), Sum: h.Sum64(), Board: name == "board" && bytes.Contains(data, markBoard)}
		b.mu.Lock()
		if first {
			b.opened = append(b.opened, time.Since(t0))
			first = false
		}
		b.events = append(b.events, ev)
		b.mu.Unlock()
	}, func() {
		b.mu.Lock()
		b.keepAlives++
		b.mu.Unlock()
	})
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		b.end(shortErr(err))
	} else {
		b.end("the console ended the stream")
	}
}

// newBrowser is one person's browser: its own cookie jar and connections.
// page has a timeout for GETs; sse none (a stream lives as long as the page).
func newBrowser() (page, sse *http.Client, tr *http.Transport) {
	jar, _ := cookiejar.New(nil)
	tr = &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page = &http.Client{Transport: tr, Jar: jar, Timeout: 15 * time.Second, CheckRedirect: noRedirect}
	sse = &http.Client{Transport: tr, Jar: jar, CheckRedirect: noRedirect}
	return page, sse, tr
}

// runBoard starts a fresh console, waits for the watcher to settle, weighs
// the board and measures the two windows.
func (e *env) runBoard(ctx context.Context, bc boardConfig, rate float64, burst int) (*boardOutcome, error) {
	name := fmt.Sprintf("board, 1 vs %d viewers", bc.Viewers)
	if e.emu.faulty() {
		e.logf("%s: the emulator's faults are not injected here (the board's bars are about a healthy IVS)", name)
	}
	st, err := e.start(name, bc.ConsoleArgs)
	if err != nil {
		return nil, err
	}
	defer st.close()
	start := time.Now()
	st.tp.setStart(start)
	bo := &boardOutcome{Config: bc, Rate: rate, Burst: burst}
	boardURL := st.con.url + "/board"

	// The watcher settles: its first sweep of every region is on the board.
	c := &http.Client{Timeout: 10 * time.Second}
	deadline := start.Add(bc.Settle)
	var last string
	for {
		f := fetch(ctx, c, boardURL, nil, "", false)
		if f.Err == nil && f.Status == http.StatusOK {
			bo.Regions = regionLines(f.Body)
			if settled(bo.Regions) {
				break
			}
			last = fmt.Sprint(bo.Regions)
		} else {
			last = fmt.Sprintf("HTTP %d %v", f.Status, errText(f.Err))
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the watcher did not finish its first sweep of every region within %v: %s", bc.Settle, last)
		}
		if !sleepCtx(ctx, 500*time.Millisecond) {
			return nil, ctx.Err()
		}
	}
	bo.Settle = time.Since(start)
	e.logf("%s: the watcher's first sweep of every region took %v", name, bo.Settle.Round(100*time.Millisecond))

	// Weight: the page uncompressed, plus every stylesheet and script it links.
	f := fetch(ctx, c, boardURL, nil, "", true)
	if f.Err != nil || f.Status != http.StatusOK {
		return nil, fmt.Errorf("GET /board: HTTP %d %v", f.Status, errText(f.Err))
	}
	base, _ := url.Parse(boardURL)
	info := parsePage(f.Body, base)
	bo.Weight = weight{Name: "board page", URL: boardURL, HTML: len(f.Body), Wire: f.Wire}
	for _, a := range info.Assets {
		af := fetch(ctx, c, a, nil, "", false)
		n := 0
		if af.Err == nil && af.Status == http.StatusOK {
			n = len(af.Body)
		}
		bo.Weight.Assets += n
		bo.Weight.AssetsList = append(bo.Weight.AssetsList, fmt.Sprintf("%s %s", pathOf(a), kb(n)))
		if strings.HasPrefix(pathOf(a), "/static/sse.min.js") && n > 0 {
			bo.SSEScript = true
		}
	}

	bo.Tiles, bo.TileBytes = tiles(f.Body)

	phase := func(n int, reload, lead time.Duration) boardWindow {
		return e.boardPhase(ctx, st, start, n, reload, lead, bc.Window)
	}
	bo.One = phase(1, 0, 2*time.Second)
	if ctx.Err() == nil {
		bo.Many = phase(bc.Viewers, bc.Reload, 3*time.Second)
	}
	bo.Calls = st.tp.snapshot()
	select {
	case <-st.con.done:
		return nil, fmt.Errorf("the console exited during the run: %s", st.con.stderr.String())
	default:
	}
	return bo, ctx.Err()
}

// tiles counts the board's tiles (one <article> per live stage) and their
// bytes.
func tiles(body []byte) (n, size int) {
	rest := body
	for {
		i := bytes.Index(rest, []byte("<article"))
		if i < 0 {
			return n, size
		}
		j := bytes.Index(rest[i:], []byte("</article>"))
		if j < 0 {
			return n, size
		}
		j += len("</article>")
		n++
		size += j
		rest = rest[i+j:]
	}
}

// boardPhase opens n boards (each a GET /board, then its stream; with
// reload > 0 a GET /board every reload ± 20 %), arriving over the first two
// thirds of lead, and measures the window that follows lead.
func (e *env) boardPhase(ctx context.Context, st *stack, start time.Time, n int, reload, lead, window time.Duration) boardWindow {
	bw := boardWindow{Viewers: n}
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rec := &recorder{from: 0, to: 1 << 62}
	var wg sync.WaitGroup
	var trs []*http.Transport
	for i := range n {
		page, sse, tr := newBrowser()
		trs = append(trs, tr)
		bc := &boardClient{}
		bw.Clients = append(bw.Clients, bc)
		rng := rand.New(rand.NewPCG(uint64(i)+1, 13))
		v := &viewer{c: page, rng: rng, rec: rec, start: start}
		arrive := time.Duration(rng.Float64() * float64(lead) * 2 / 3)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !sleepCtx(vctx, arrive) {
				return
			}
			v.get(vctx, "board page", st.con.url+"/board", nil, "")
			var sw sync.WaitGroup
			sw.Add(1)
			go func() { defer sw.Done(); bc.stream(vctx, sse, st.con.url+boardStreamPath, start) }()
			for reload > 0 {
				if !v.sleep(vctx, v.uniform(reload*8/10, reload*12/10)) {
					break
				}
				v.get(vctx, "board page", st.con.url+"/board", nil, "")
			}
			sw.Wait()
		}()
	}
	if !sleepCtx(ctx, lead) {
		return bw
	}
	bw.From = time.Since(start)
	cpu0, _ := cpuTime(st.con.pid())
	t0 := time.Now()
	mctx, mcancel := context.WithTimeout(ctx, window)
	bw.Mem = sampleMem(mctx, st.con.pid(), 200*time.Millisecond)
	mcancel()
	if cpu1, err := cpuTime(st.con.pid()); err == nil {
		bw.CPU = (cpu1 - cpu0).Seconds() / time.Since(t0).Seconds()
	}
	bw.To = time.Since(start)
	if m, err := readMem(st.con.pid()); err == nil {
		bw.Mem.HWM = max(bw.Mem.HWM, m.HWM)
	}
	bw.Watcher = watcherState(st.con.url)
	cancel()
	wg.Wait()
	for _, tr := range trs {
		tr.CloseIdleConnections()
	}
	bw.Gets = rec.recs
	return bw
}

const boardStreamPath = "/board/stream"

// watcherState is the watcher's live stages and cadence by region, from
// /metrics.
func watcherState(base string) string {
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return ""
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	s := snapshot{Samples: parseProm(string(b))}
	var parts []string
	for _, r := range s.labelValues("greenroom_watcher_live_stages", "region") {
		m := map[string]string{"region": r}
		parts = append(parts, fmt.Sprintf("%s %.0f live, swept every %.1f s", r,
			s.sum("greenroom_watcher_live_stages", m), s.sum("greenroom_watcher_cadence_seconds", m)))
	}
	return strings.Join(parts, "; ")
}

// opCount is the IVS calls of one operation and region in a window.
type opCount struct {
	Op, Region string
	N          int
	MaxSec     int // the most that started within any 1 s
}

func (c opCount) key() string { return strings.TrimSpace(c.Op + " " + c.Region) }

// countCalls counts the calls that started in [from, to) by operation and
// region, sorted by operation then region.
func countCalls(calls []upstreamCall, from, to time.Duration) []opCount {
	starts := map[[2]string][]time.Duration{}
	for _, c := range calls {
		if c.Start >= from && c.Start < to {
			k := [2]string{c.Op, c.Region}
			starts[k] = append(starts[k], c.Start)
		}
	}
	var out []opCount
	for k, s := range starts {
		slices.Sort(s)
		out = append(out, opCount{Op: k[0], Region: k[1], N: len(s), MaxSec: maxWithin(s, time.Second)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// maxWithin is the most sorted instants that fall within any span of
// length w (a sliding window).
func maxWithin(sorted []time.Duration, w time.Duration) int {
	best, j := 0, 0
	for i := range sorted {
		for sorted[i]-sorted[j] >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// pushStats sums up the board events the viewers received in a window.
type pushStats struct {
	Min, Median, Max int      // board events per viewer in the window
	Gaps             latStats // between two events of one viewer, the later in the window
	GapMax           time.Duration
	Opened           latStats // request to first event
	Spread           latStats // one push: first viewer to last
	SpreadMax        time.Duration
	Pushes           int // distinct pushes seen in the window
	MeanBytes        int
	BytesPerSec      float64 // event data per viewer per second
	Other            int     // events without the board body
	KeepAlives       int
	Ends             []string
}

func pushesOf(bw boardWindow) pushStats {
	var ps pushStats
	var counts []int
	var gaps, opened, spreads []time.Duration
	var bytesSum, nEv int
	bySum := map[uint64][]time.Duration{}
	for _, c := range bw.Clients {
		c.mu.Lock()
		n := 0
		var prev time.Duration = -1
		for _, ev := range c.events {
			in := ev.At >= bw.From && ev.At < bw.To
			if !ev.Board {
				if in {
					ps.Other++
				}
				continue
			}
			if in {
				n++
				bytesSum += ev.Size
				nEv++
				bySum[ev.Sum] = append(bySum[ev.Sum], ev.At)
				if prev >= 0 {
					gaps = append(gaps, ev.At-prev)
				}
			}
			prev = ev.At
		}
		counts = append(counts, n)
		opened = append(opened, c.opened...)
		ps.KeepAlives += c.keepAlives
		ps.Ends = append(ps.Ends, c.ends...)
		c.mu.Unlock()
	}
	slices.Sort(counts)
	if len(counts) > 0 {
		ps.Min, ps.Median, ps.Max = counts[0], counts[len(counts)/2], counts[len(counts)-1]
	}
	if nEv > 0 {
		ps.MeanBytes = bytesSum / nEv
	}
	if len(bw.Clients) > 0 && bw.To > bw.From {
		ps.BytesPerSec = float64(bytesSum) / float64(len(bw.Clients)) / (bw.To - bw.From).Seconds()
	}
	ps.Gaps = durStats(gaps)
	if len(gaps) > 0 {
		ps.GapMax = slices.Max(gaps)
	}
	ps.Opened = durStats(opened)
	// One push reaches every viewer within moments; the same body sent
	// again later (nothing changed in between) is another push: split a
	// sum's arrivals where they are more than a second apart.
	for _, ats := range bySum {
		slices.Sort(ats)
		first := 0
		for i := 1; i <= len(ats); i++ {
			if i == len(ats) || ats[i]-ats[i-1] > time.Second {
				spreads = append(spreads, ats[i-1]-ats[first])
				ps.Pushes++
				first = i
			}
		}
	}
	ps.Spread = durStats(spreads)
	if len(spreads) > 0 {
		ps.SpreadMax = slices.Max(spreads)
	}
	return ps
}

func durStats(ds []time.Duration) latStats {
	s := sortedCopy(ds)
	return latStats{N: len(s), P50: percentile(s, 50), P95: percentile(s, 95), P99: percentile(s, 99)}
}

// callsPerSec is the mean rate of all operations in the window.
func callsPerSec(ops []opCount, w time.Duration) float64 {
	n := 0
	for _, o := range ops {
		n += o.N
	}
	return float64(n) / w.Seconds()
}

func findOp(ops []opCount, key string) opCount {
	for _, o := range ops {
		if o.key() == key {
			return o
		}
	}
	return opCount{}
}

// printBoard prints the board run.
func printBoard(w io.Writer, bo *boardOutcome) {
	one, many := bo.One, bo.Many
	fmt.Fprintf(w, "\n== ops board: 1 vs %d viewers on /board (server push on %s), %v each ==\n", many.Viewers, boardStreamPath, bo.Config.Window)
	fmt.Fprintf(w, "a fresh console (watcher budget %g/s, burst %d per operation and region); the watcher's first sweep of every region took %v:",
		bo.Rate, bo.Burst, bo.Settle.Round(100*time.Millisecond))
	for _, r := range bo.Regions {
		fmt.Fprintf(w, " [%s]", r.Text)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "viewers: each its own cookie jar and connections; GET /board, then the stream (Accept: text/event-stream) held open;\n")
	fmt.Fprintf(w, "  1 viewer: no reload, window from 2 s after the phase began; %d viewers: all arrive within 2 s, each a GET /board every %v ± 20 %%, window from 3 s\n",
		many.Viewers, bo.Config.Reload)
	wt := bo.Weight
	fmt.Fprintf(w, "board page (uncompressed): HTML %s + CSS/JS %s = %s (HTML gzip %s); %s\n", kb(wt.HTML), kb(wt.Assets), kb(wt.Total()), kb(wt.Wire), strings.Join(wt.AssetsList, ", "))
	if bo.Tiles > 0 {
		mean := bo.TileBytes / bo.Tiles
		fmt.Fprintf(w, "  %d tiles (live stages), %s each on average: ", bo.Tiles, kb(mean))
		if room := 100_000 - wt.Total(); room >= 0 {
			fmt.Fprintf(w, "100 kB holds about %d more\n", room/max(mean, 1))
		} else {
			fmt.Fprintf(w, "about %d too many for 100 kB\n", (-room+mean-1)/max(mean, 1))
		}
	}
	if !bo.SSEScript {
		fmt.Fprintf(w, "  NOTE: /static/sse.min.js is not among the page's scripts\n")
	}

	a := countCalls(bo.Calls, one.From, one.To)
	b := countCalls(bo.Calls, many.From, many.To)
	wa, wb := one.To-one.From, many.To-many.From
	fmt.Fprintf(w, "\nIVS calls/s by operation and region (timing proxy; the most started within any 1 s in brackets):\n")
	tw := newTab(w)
	fmt.Fprintf(tw, "  operation\t1 viewer\t%d viewers\tratio\t\n", many.Viewers)
	var keys []string
	for _, o := range append(slices.Clone(a), b...) {
		if !slices.Contains(keys, o.key()) {
			keys = append(keys, o.key())
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		x, y := findOp(a, k), findOp(b, k)
		rx, ry := float64(x.N)/wa.Seconds(), float64(y.N)/wb.Seconds()
		fmt.Fprintf(tw, "  %s\t%.2f [%d]\t%.2f [%d]\t%s\t\n", k, rx, x.MaxSec, ry, y.MaxSec, ratio2(rx, ry))
	}
	ta, tb := callsPerSec(a, wa), callsPerSec(b, wb)
	fmt.Fprintf(tw, "  all operations\t%.2f\t%.2f\t%s\t\n", ta, tb, ratio2(ta, tb))
	tw.Flush()
	fmt.Fprintf(w, "  watcher at the end of each window: 1 viewer: %s; %d viewers: %s\n", orDash(one.Watcher), many.Viewers, orDash(many.Watcher))

	fmt.Fprintf(w, "\npushes (event: board) received in the window:\n")
	tw = newTab(w)
	for _, x := range []boardWindow{one, many} {
		ps := pushesOf(x)
		fmt.Fprintf(tw, "  %d viewer(s)\tper viewer min/median/max %d/%d/%d (%d distinct pushes, mean %s of data, %s/s per viewer, uncompressed)\tinter-arrival p50/p95/p99 %s ms, max %s ms\t\n",
			x.Viewers, ps.Min, ps.Median, ps.Max, ps.Pushes, kb(ps.MeanBytes), kb(int(ps.BytesPerSec)), pct3(ps.Gaps), ms(ps.GapMax))
		fmt.Fprintf(tw, "\tfirst event after connecting p50/p99 %s / %s ms; one push from first to last viewer p50/p99 %s / %s ms, max %s ms\t%d keep-alives, %d other events, %d streams ended early%s\t\n",
			ms(ps.Opened.P50), ms(ps.Opened.P99), ms(ps.Spread.P50), ms(ps.Spread.P99), ms(ps.SpreadMax), ps.KeepAlives, ps.Other, len(ps.Ends), endsText(ps.Ends))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nGET /board latency (from the first arrival to the window's end):\n")
	tw = newTab(w)
	for _, x := range []boardWindow{one, many} {
		l := latOf(x.Gets, nil)
		bad := 0
		for _, r := range x.Gets {
			if r.Status != http.StatusOK || r.Transport || r.ErrorPage {
				bad++
			}
		}
		fmt.Fprintf(tw, "  %d viewer(s)\tp50/p95/p99 %s ms\t%d requests, %d not 200 with the board\t\n", x.Viewers, pct3(l), l.N, bad)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nconsole: 1 viewer: RSS max %s (VmHWM %s), %.2f CPU cores; %d viewers: RSS max %s (VmHWM %s), %.2f CPU cores (of 2)\n",
		mb(one.Mem.RSS), mb(one.Mem.HWM), one.CPU, many.Viewers, mb(many.Mem.RSS), mb(many.Mem.HWM), many.CPU)
}

func endsText(ends []string) string {
	if len(ends) == 0 {
		return ""
	}
	n := map[string]int{}
	var keys []string
	for _, e := range ends {
		if n[e] == 0 {
			keys = append(keys, e)
		}
		n[e]++
	}
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d× %s", n[k], k))
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ratio2 is b/a with two decimals (the board's bar is 1.1).
func ratio2(a, b float64) string {
	if a == 0 {
		return ratio(a, b)
	}
	return fmt.Sprintf("%.2f×", b/a)
}
