package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"time"
)

// rec is one request a simulated viewer made.
type rec struct {
	Kind    string
	URL     string
	Start   time.Duration // since the load started
	Up      time.Duration // of Lat, time IVS calls for this page were in flight
	Longest time.Duration // the longest single IVS call within it
	Serial  bool          // its IVS calls ran one after another (Up > 1.5× the longest)
	Lat     time.Duration
	Status  int
	Bytes   int
	// What the viewer saw.
	ErrorPage bool // the console's error panel (id="error-title")
	Busy      bool // "IVS is busy": a throttle shown to the user
	Stale     bool // the "Some data on this page is from ..." banner
	Transport bool // no answer at all (connection error or timeout)
	// For telling injected faults from defects (soak).
	Title  string // the error panel's title, "" when none
	Err    string // the transport error, shortened
	Answer answer
}

// recorder keeps the requests made within the measured window. With every
// > 0 it also counts answers by class per interval of the window (by when
// they completed), for the soak table.
type recorder struct {
	mu       sync.Mutex
	recs     []rec
	from, to time.Duration
	every    time.Duration
	buckets  []tally
	total    tally
	others   map[string]*otherAnswers
}

// otherAnswers are the non-clear answers with one key (status and title).
type otherAnswers struct {
	n         int
	url, kind string // the first one
}

func (r *recorder) add(x rec) {
	if x.Start < r.from || x.Start >= r.to {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, x)
	r.total.add(x)
	if x.Answer == ansOther {
		if r.others == nil {
			r.others = map[string]*otherAnswers{}
		}
		k := otherKey(x)
		if o := r.others[k]; o != nil {
			o.n++
		} else {
			r.others[k] = &otherAnswers{n: 1, url: x.URL, kind: x.Kind}
		}
	}
	if r.every > 0 {
		n := int((r.to - r.from + r.every - 1) / r.every)
		i := min(max(int((x.Start+x.Lat-r.from)/r.every), 0), n-1)
		for len(r.buckets) <= i {
			r.buckets = append(r.buckets, tally{})
		}
		r.buckets[i].add(x)
	}
}

// interval is the count of answers completed in interval i of the window.
func (r *recorder) interval(i int) tally {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i < 0 || i >= len(r.buckets) {
		return tally{}
	}
	return r.buckets[i]
}

// totals are the answers of the whole window and the non-clear ones by key.
func (r *recorder) totals() (tally, map[string]otherAnswers) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]otherAnswers, len(r.others))
	for k, v := range r.others {
		out[k] = *v
	}
	return r.total, out
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var (
	markError = []byte(`id="error-title"`)
	markBusy  = []byte(`>IVS is busy<`) // the error panel's title, not the stale banner
	markStale = []byte(`Some data on this page is from`)
)

// loadConfig is one load run.
type loadConfig struct {
	Viewers    int
	LiveShare  float64 // fraction of viewers on the live session view
	Warmup     time.Duration
	Duration   time.Duration
	ReloadProb float64 // chance per refresh that a live viewer reloads the whole page
}

// runLoad drives the viewers and returns what happened in the measured
// window [Warmup, Warmup+Duration). Every loop ends with ctx or the window.
func runLoad(ctx context.Context, tr *http.Transport, pl *plan, lc loadConfig, start time.Time, r *recorder) []rec {
	total := lc.Warmup + lc.Duration
	ctx, cancel := context.WithDeadline(ctx, start.Add(total))
	defer cancel()
	live := int(float64(lc.Viewers)*lc.LiveShare + 0.5)
	var wg sync.WaitGroup
	for i := range lc.Viewers {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Transport: tr, Jar: jar, Timeout: 15 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		rng := rand.New(rand.NewPCG(uint64(i)+1, 7))
		// Viewers arrive spread over the warm-up, so the window sees a
		// steady state rather than a synchronized stampede.
		arrive := time.Duration(rng.Float64() * float64(max(lc.Warmup, time.Second)) * 0.8)
		v := &viewer{c: c, rng: rng, rec: r, start: start}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !v.sleep(ctx, arrive) {
				return
			}
			if i < live {
				v.watchLive(ctx, pl, lc)
			} else {
				v.browse(ctx, pl, total)
			}
		}()
	}
	wg.Wait()
	return r.recs
}

type viewer struct {
	c     *http.Client
	rng   *rand.Rand
	rec   *recorder
	start time.Time
}

func (v *viewer) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// uniform is a random duration in [lo, hi).
func (v *viewer) uniform(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(v.rng.Float64()*float64(hi-lo))
}

// watchLive loads the live view once, then refreshes its fragments the way
// htmx polls: each "every N" element fires N after its last answer (a
// little jitter for timers and render time); now and then the whole page
// is loaded again (a person navigating back to it).
func (v *viewer) watchLive(ctx context.Context, pl *plan, lc loadConfig) {
	v.get(ctx, "live page", pl.LivePage, nil, "")
	polls := pl.Polls
	if len(polls) == 0 {
		polls = []poll{{URL: pl.LivePage}} // no fragment: reload the page
	}
	var wg sync.WaitGroup
	var mu sync.Mutex // one full reload at a time per viewer
	for _, p := range polls {
		rng := rand.New(rand.NewPCG(v.rng.Uint64(), 11))
		w := &viewer{c: v.c, rng: rng, rec: v.rec, start: v.start}
		wg.Add(1)
		go func() {
			defer wg.Done()
			maxTicks := int((lc.Warmup+lc.Duration)/(500*time.Millisecond)) + 2
			for range maxTicks {
				every := p.Every
				if every <= 0 {
					every = w.uniform(2*time.Second, 5*time.Second)
				}
				if !w.sleep(ctx, every+w.uniform(0, every/10+50*time.Millisecond)) {
					return
				}
				if len(pl.Polls) == 0 || w.rng.Float64() < lc.ReloadProb {
					mu.Lock()
					w.get(ctx, "live page", pl.LivePage, nil, "")
					mu.Unlock()
					continue
				}
				w.get(ctx, "live fragment", p.URL, &p, pl.LivePage)
			}
		}()
	}
	wg.Wait()
}

// browse visits stage, participant and ingest pages with 2-5 s between
// clicks.
func (v *viewer) browse(ctx context.Context, pl *plan, total time.Duration) {
	maxClicks := int(total/(2*time.Second)) + 2
	for range maxClicks {
		t := pl.Browse[v.rng.IntN(len(pl.Browse))]
		v.get(ctx, "browse "+t.Kind, t.URL, nil, "")
		if !v.sleep(ctx, v.uniform(2*time.Second, 5*time.Second)) {
			return
		}
	}
}

// get makes one request like a browser (gzip, cookies, htmx headers for
// fragments) and records it.
func (v *viewer) get(ctx context.Context, kind, u string, hx *poll, pageURL string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return
	}
	if hx != nil {
		setHX(req.Header, hx, pageURL)
	}
	t0 := time.Now()
	x := rec{Kind: kind, URL: u, Start: t0.Sub(v.start)}
	resp, err := v.c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return // the run ended under it: not a result
		}
		x.Lat, x.Transport = time.Since(t0), true
		x.Err, x.Answer = shortErr(err), ansOther
		v.rec.add(x)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	_, err = io.Copy(buf, io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	x.Lat = time.Since(t0)
	if err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled)) {
		bufPool.Put(buf)
		return
	}
	b := buf.Bytes()
	x.Status, x.Bytes = resp.StatusCode, len(b)
	x.Transport = err != nil
	if err != nil {
		x.Err = shortErr(err)
	}
	x.ErrorPage = bytes.Contains(b, markError)
	x.Busy = bytes.Contains(b, markBusy)
	x.Stale = bytes.Contains(b, markStale)
	if x.ErrorPage {
		x.Title = errorTitle(b)
	}
	x.Answer = classify(x.Status, x.Title, x.Transport)
	bufPool.Put(buf)
	v.rec.add(x)
}

// shortErr is a transport error without the URL (which varies), so equal
// failures group together in the report.
func shortErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	s := err.Error()
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
