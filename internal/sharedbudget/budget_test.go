package sharedbudget

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"github.com/greenroom-dev/greenroom/internal/metrics"
	"github.com/greenroom-dev/greenroom/internal/redistest"
)

const region = "us-east-1"

// logs is a slog destination tests can read while probes write to it.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logs) count(s string) int { return strings.Count(l.String(), s) }

func client(t testing.TB, url string) *redis.Client {
	t.Helper()
	c, err := NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newBudget(t testing.TB, rdb redis.UniversalClient, opts Options) (*Budget, *logs) {
	t.Helper()
	l := &logs{}
	opts.Logger = slog.New(slog.NewTextHandler(l, nil))
	b, err := New(rdb, opts)
	if err != nil {
		t.Fatal(err)
	}
	return b, l
}

func gauge(t testing.TB, pool string) float64 {
	t.Helper()
	var m dto.Metric
	if err := metrics.CallBudgetShared.WithLabelValues(pool).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

func counter(t testing.TB, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// hammer calls allow from n goroutines until d has passed, pausing a
// millisecond between calls; it returns how many were allowed and the time
// it took.
func hammer(n int, d time.Duration, allow func() bool) (int, float64) {
	var allowed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for time.Since(start) < d {
				if allow() {
					allowed.Add(1)
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
	wg.Wait()
	return int(allowed.Load()), time.Since(start).Seconds()
}

func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Three replicas, one Redis: together they get the budget once, not three
// times.
func TestReplicasShareOneBudget(t *testing.T) {
	srv := redistest.New(t)
	lim := Limit{Rate: 20, Burst: 5}
	var bs []*Budget
	for range 3 {
		b, _ := newBudget(t, client(t, srv.URL()), Options{Pool: "t-share", Replicas: 3})
		bs = append(bs, b)
	}
	var i atomic.Int64
	allowed, secs := hammer(12, 1500*time.Millisecond, func() bool {
		return bs[i.Add(1)%3].Allow(context.Background(), region, "GetStage", lim)
	})
	most := int(lim.Rate*secs) + lim.Burst + 2
	t.Logf("%.2fs: %d allowed across 3 replicas (budget %d)", secs, allowed, most)
	if allowed > most || allowed < int(lim.Rate*secs/2) {
		t.Errorf("allowed %d in %.2fs, want about %g/s and at most %d", allowed, secs, lim.Rate, most)
	}
	for _, b := range bs {
		if s := b.Status(); s.Mode != Shared || s.LastError != "" {
			t.Errorf("status %+v", s)
		}
	}
}

func TestPoolsRegionsAndOperationsHaveTheirOwnKeys(t *testing.T) {
	srv := redistest.New(t)
	rdb := client(t, srv.URL())
	pages, _ := newBudget(t, rdb, Options{Pool: "pages", Replicas: 2, Prefix: "gr-test:"})
	watch, _ := newBudget(t, rdb, Options{Pool: "watch", Replicas: 2, Prefix: "gr-test:"})
	ctx := context.Background()
	lim := Limit{Rate: 0.01, Burst: 1}
	if !pages.Allow(ctx, region, "GetStage", lim) || pages.Allow(ctx, region, "GetStage", lim) {
		t.Fatal("burst 1: want one call, then none")
	}
	for _, ok := range []bool{
		watch.Allow(ctx, region, "GetStage", lim),
		pages.Allow(ctx, "eu-west-1", "GetStage", lim),
		pages.Allow(ctx, region, "ListStages", lim),
	} {
		if !ok {
			t.Error("a pool, region or operation spent another's budget")
		}
	}
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"rate:gr-test:pages:us-east-1:GetStage": true, "rate:gr-test:watch:us-east-1:GetStage": true,
		"rate:gr-test:pages:eu-west-1:GetStage": true, "rate:gr-test:pages:us-east-1:ListStages": true,
	}
	for _, k := range keys {
		if !want[k] {
			t.Errorf("unexpected key %q", k)
		}
		delete(want, k)
	}
	if len(want) > 0 {
		t.Errorf("missing keys %v (have %v)", want, keys)
	}
	// An unlimited budget never asks Redis.
	if !pages.Allow(ctx, region, "AccountID", Limit{Rate: math.Inf(1)}) || pages.Wait(ctx, region, "AccountID", Limit{Rate: math.Inf(1)}, 0) != nil {
		t.Error("unlimited budget refused")
	}
	if n, _ := rdb.Exists(ctx, "rate:gr-test:pages:us-east-1:AccountID").Result(); n != 0 {
		t.Error("unlimited budget wrote a key")
	}
}

func TestWaitIsBoundedAndHonoursContext(t *testing.T) {
	srv := redistest.New(t)
	b, _ := newBudget(t, client(t, srv.URL()), Options{Pool: "t-wait", Replicas: 1})
	ctx := context.Background()
	lim := Limit{Rate: 10, Burst: 1} // one token per 100 ms
	if !b.Allow(ctx, region, "CreateStage", lim) {
		t.Fatal("first call refused")
	}
	start := time.Now()
	if err := b.Wait(ctx, region, "CreateStage", lim, 20*time.Millisecond); !errors.Is(err, ErrNoToken) {
		t.Fatalf("20 ms for a 100 ms token: %v", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("refusal took %v: it should not wait when no token can come in time", d)
	}
	start = time.Now()
	if err := b.Wait(ctx, region, "CreateStage", lim, time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("got a token after %v, the rate gives one per 100 ms", d)
	}
	// The caller's deadline bounds the wait too.
	dctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := b.Wait(dctx, region, "CreateStage", lim, time.Second); !errors.Is(err, ErrNoToken) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline shorter than the wait: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := b.Wait(cctx, region, "CreateStage", lim, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if s := b.Status(); s.Mode != Shared {
		t.Errorf("a caller's deadline or cancellation made the budget fall back: %+v", s)
	}
}

// Redis goes away: every replica falls back to its share (rate ÷ 3), says
// so once, and returns to shared when Redis is back.
func TestFallsBackToTheLocalShareAndReturns(t *testing.T) {
	srv := redistest.New(t)
	const pool = "t-fallback"
	lim := Limit{Rate: 30, Burst: 6}
	trips := metrics.CallBudgetFallbacks.WithLabelValues(pool)
	before := counter(t, trips)
	var bs []*Budget
	var ls []*logs
	for range 3 {
		b, l := newBudget(t, client(t, srv.URL()), Options{Pool: pool, Replicas: 3, ProbeEvery: 200 * time.Millisecond})
		bs, ls = append(bs, b), append(ls, l)
	}
	ctx := context.Background()
	for _, b := range bs {
		b.Allow(ctx, region, "GetStage", lim)
	}
	if gauge(t, pool) != 1 {
		t.Fatal("gauge not 1 while shared")
	}

	srv.Stop()
	var i atomic.Int64
	allowed, secs := hammer(12, 1500*time.Millisecond, func() bool {
		return bs[i.Add(1)%3].Allow(ctx, region, "GetStage", lim)
	})
	most := int(lim.Rate*secs) + lim.Burst + 3
	t.Logf("Redis down %.2fs: %d allowed across 3 replicas (budget %d)", secs, allowed, most)
	if allowed > most || allowed < int(lim.Rate*secs/2) {
		t.Errorf("allowed %d in %.2fs without Redis, want about %g/s and at most %d", allowed, secs, lim.Rate, most)
	}
	for i, b := range bs {
		s := b.Status()
		if s.Mode != Fallback || s.LastError == "" || s.Since.IsZero() || s.Pool != pool || s.Replicas != 3 {
			t.Errorf("replica %d: status %+v", i, s)
		}
		if n := ls[i].count("falling back"); n != 1 {
			t.Errorf("replica %d logged %d fallbacks, want 1 line per change of state:\n%s", i, n, ls[i])
		}
	}
	if gauge(t, pool) != 0 {
		t.Error("gauge not 0 while falling back")
	}
	if got := counter(t, trips) - before; got != 3 {
		t.Errorf("fallback trips = %v, want 3 (one per replica)", got)
	}

	srv.Start()
	for i, b := range bs {
		waitFor(t, "shared again", 5*time.Second, func() bool { return b.Status().Mode == Shared })
		if n := ls[i].count("shared again"); n != 1 {
			t.Errorf("replica %d logged %d returns:\n%s", i, n, ls[i])
		}
	}
	if gauge(t, pool) != 1 {
		t.Error("gauge not 1 when shared again")
	}
	allowed, secs = hammer(12, time.Second, func() bool {
		return bs[i.Add(1)%3].Allow(ctx, region, "GetStage", lim)
	})
	if most := int(lim.Rate*secs) + lim.Burst + 2; allowed > most {
		t.Errorf("shared again: %d allowed in %.2fs, budget %d", allowed, secs, most)
	}
	if _, err := client(t, srv.URL()).Get(ctx, "rate:greenroom:budget:"+pool+":"+region+":GetStage").Result(); err != nil {
		t.Errorf("no shared key after the return: %v", err)
	}
}

// A Redis that hangs costs one call the timeout, not every call.
func TestHangingRedisCostsOneTimeout(t *testing.T) {
	srv := redistest.New(t)
	b, l := newBudget(t, client(t, srv.URL()), Options{Pool: "t-hang", Replicas: 2, ProbeEvery: 200 * time.Millisecond})
	ctx := context.Background()
	lim := Limit{Rate: 1000, Burst: 1000}
	b.Allow(ctx, region, "GetStage", lim)
	srv.Pause()
	t.Cleanup(srv.Resume)

	start := time.Now()
	if !b.Allow(ctx, region, "GetStage", lim) {
		t.Fatal("refused while falling back")
	}
	first := time.Since(start)
	if first < 50*time.Millisecond || first > time.Second {
		t.Errorf("the call that found Redis hanging took %v, want about the 100 ms timeout", first)
	}
	if s := b.Status(); s.Mode != Fallback || !strings.Contains(s.LastError, "timeout") && !strings.Contains(s.LastError, "deadline") {
		t.Errorf("status %+v", s)
	}
	start = time.Now()
	for range 200 {
		b.Allow(ctx, region, "GetStage", lim)
		if err := b.Wait(ctx, region, "ListStages", lim, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("400 calls while Redis hangs took %v: they should not wait for it", d)
	}
	time.Sleep(500 * time.Millisecond) // probes run, and time out
	if b.Status().Mode != Fallback {
		t.Fatal("a probe of a hanging Redis succeeded")
	}
	srv.Resume()
	waitFor(t, "shared again", 5*time.Second, func() bool { return b.Status().Mode == Shared })
	if n := l.count("falling back"); n != 1 {
		t.Errorf("%d fallback lines:\n%s", n, l)
	}
}

func TestNewNeedsAPoolAndReplicas(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	if _, err := New(rdb, Options{Replicas: 1}); err == nil {
		t.Error("no pool accepted")
	}
	if _, err := New(rdb, Options{Pool: "pages"}); err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("0 replicas: %v", err)
	}
}

func BenchmarkSharedAllow(b *testing.B) {
	srv := redistest.New(b)
	bu, _ := newBudget(b, client(b, srv.URL()), Options{Pool: "bench", Replicas: 3})
	ctx := context.Background()
	lim := Limit{Rate: 1e9, Burst: 1 << 30}
	bu.Allow(ctx, region, "GetStage", lim)
	b.ReportAllocs()
	for b.Loop() {
		if !bu.Allow(ctx, region, "GetStage", lim) {
			b.Fatal("refused")
		}
	}
	if bu.Status().Mode != Shared {
		b.Fatal("fell back")
	}
}

func BenchmarkSharedAllowParallel(b *testing.B) {
	srv := redistest.New(b)
	bu, _ := newBudget(b, client(b, srv.URL()), Options{Pool: "bench", Replicas: 3})
	ctx := context.Background()
	lim := Limit{Rate: 1e9, Burst: 1 << 30}
	bu.Allow(ctx, region, "GetStage", lim)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bu.Allow(ctx, region, "GetStage", lim)
		}
	})
	if bu.Status().Mode != Shared {
		b.Fatal("fell back")
	}
}
