package cached

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/metrics"
	"github.com/greenroom-dev/greenroom/internal/redistest"
	"github.com/greenroom-dev/greenroom/internal/sharedbudget"
)

// The shared-budget tests run three "replicas" (three Services in this
// process) over one counting fake upstream and one real Redis.

var sharedLimit = Budget{Rate: 15, Burst: 6}

// go-redis logs each failed dial while these tests stop Redis; the
// budget's own Status and metrics are what they check.
func init() { redis.SetLogger(&logging.VoidLogger{}) }

// replicas makes n Services over f sharing one Redis budget (pool "pages"),
// or each with its own budget when srv is nil.
func replicas(t *testing.T, f *fake, srv *redistest.Server, n int) ([]*Service, []*sharedbudget.Budget) {
	t.Helper()
	var ss []*Service
	var bs []*sharedbudget.Budget
	for range n {
		opts := Options{Budget: sharedLimit, ReadWait: 50 * time.Millisecond}
		if srv != nil {
			rdb, err := sharedbudget.NewClient(srv.URL())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { rdb.Close() })
			b, err := sharedbudget.New(rdb, sharedbudget.Options{
				Pool: "pages", Replicas: n, ProbeEvery: 200 * time.Millisecond,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			opts.Shared = b
			bs = append(bs, b)
		}
		ss = append(ss, New(f, opts))
	}
	return ss, bs
}

var distinct atomic.Int64

// hammerDistinct has 6 viewers per replica ask for pages nobody asked for
// before (stages and participant lists) for d; it returns the upstream calls
// per operation made meanwhile, the reads served, and the seconds it took.
func hammerDistinct(t *testing.T, f *fake, ss []*Service, d time.Duration) (stages, lists, served int, secs float64) {
	t.Helper()
	s0, l0 := f.n("GetStage"), f.n("ListParticipants")
	var ok atomic.Int64
	var bad atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for _, s := range ss {
		for g := range 6 {
			wg.Go(func() {
				ctx := context.Background()
				for time.Since(start) < d {
					n := strconv.FormatInt(distinct.Add(1), 10)
					var err error
					if g%2 == 0 {
						_, err = s.GetStage(ctx, region, stageA+n)
					} else {
						_, err = s.ListParticipants(ctx, region, ivs.ParticipantQuery{StageARN: stageA, SessionID: session, UserID: n})
					}
					switch {
					case err == nil:
						ok.Add(1)
					case ivs.KindOf(err) != ivs.KindThrottled:
						bad.Store(err)
					}
					time.Sleep(2 * time.Millisecond)
				}
			})
		}
	}
	wg.Wait()
	if err := bad.Load(); err != nil {
		t.Errorf("unexpected error: %v", err)
	}
	return f.n("GetStage") - s0, f.n("ListParticipants") - l0, int(ok.Load()), time.Since(start).Seconds()
}

// within checks the upstream calls of one phase against the cluster-wide
// budget: at most rate×duration + burst (+ extra, + 2 for rounding and
// calls in flight at the edges), and not far under it (the budget is used).
func within(t *testing.T, phase string, stages, lists int, secs float64, extra int) {
	t.Helper()
	most := int(sharedLimit.Rate*secs) + sharedLimit.Burst + extra + 2
	least := int(sharedLimit.Rate * secs / 2)
	t.Logf("%s, %.2fs: %d GetStage and %d ListParticipants upstream calls from 3 replicas (budget %d)", phase, secs, stages, lists, most)
	for op, n := range map[string]int{"GetStage": stages, "ListParticipants": lists} {
		if n > most || n < least {
			t.Errorf("%s: %d %s calls in %.2fs, want between %d and %d", phase, n, op, secs, least, most)
		}
	}
}

func sharedGauge(t *testing.T) float64 {
	t.Helper()
	var m dto.Metric
	if err := metrics.CallBudgetShared.WithLabelValues("pages").Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

// Three replicas hammered with distinct uncached reads: sharing one Redis,
// they spend the budget once between them; each on its own, three times.
func TestReplicasSpendOneSharedBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 3 seconds")
	}
	srv := redistest.New(t)

	f := newFake()
	ss, _ := replicas(t, f, srv, 3)
	stages, lists, served, secs := hammerDistinct(t, f, ss, 1500*time.Millisecond)
	within(t, "shared", stages, lists, secs, 0)
	if served == 0 {
		t.Error("no read served")
	}

	f = newFake()
	ss, _ = replicas(t, f, nil, 3)
	stages, lists, _, secs = hammerDistinct(t, f, ss, 1500*time.Millisecond)
	t.Logf("each replica its own budget, %.2fs: %d GetStage and %d ListParticipants calls", secs, stages, lists)
	if least := int(2 * sharedLimit.Rate * secs); stages < least || lists < least {
		t.Errorf("without the shared budget, 3 replicas made %d and %d calls in %.2fs: want about 3× the budget, at least %d", stages, lists, secs, least)
	}
}

// Redis stops mid-run: each replica falls back to its third of the budget,
// so that together they stay within it, and says so; Redis restarts: the
// budget is shared again.
func TestReplicasFallBackToTheirShareWhileRedisIsDown(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 4 seconds")
	}
	srv := redistest.New(t)
	f := newFake()
	ss, bs := replicas(t, f, srv, 3)

	stages, lists, _, secs := hammerDistinct(t, f, ss, time.Second)
	within(t, "shared", stages, lists, secs, 0)
	if sharedGauge(t) != 1 {
		t.Error("gauge does not say shared")
	}

	srv.Stop()
	// Local buckets start full: one cluster burst more at the switch.
	stages, lists, served, secs := hammerDistinct(t, f, ss, 1500*time.Millisecond)
	within(t, "Redis down", stages, lists, secs, sharedLimit.Burst)
	if served == 0 {
		t.Error("nothing served while Redis is down")
	}
	for i, b := range bs {
		if s := b.Status(); s.Mode != sharedbudget.Fallback || s.LastError == "" {
			t.Errorf("replica %d while Redis is down: %+v", i, s)
		}
	}
	if sharedGauge(t) != 0 {
		t.Error("gauge does not say fallback")
	}

	srv.Start()
	deadline := time.Now().Add(5 * time.Second)
	for _, b := range bs {
		for b.Status().Mode != sharedbudget.Shared {
			if time.Now().After(deadline) {
				t.Fatalf("not shared again 5s after Redis came back: %+v", b.Status())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if sharedGauge(t) != 1 {
		t.Error("gauge does not say shared again")
	}
	stages, lists, _, secs = hammerDistinct(t, f, ss, time.Second)
	within(t, "shared again", stages, lists, secs, 0)
}

// Through a shared budget, reads and writes keep the local budget's
// semantics: a bounded wait, then a clear throttle, never an upstream call.
func TestSharedBudgetKeepsTheWaitSemantics(t *testing.T) {
	srv := redistest.New(t)
	rdb, err := sharedbudget.NewClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	shared, err := sharedbudget.New(rdb, sharedbudget.Options{Pool: "pages", Replicas: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := newFake()
	s := New(f, Options{Shared: shared, ReadWait: 50 * time.Millisecond, Budget: Budget{Rate: 1, Burst: 1}, Budgets: map[Op]Budget{OpCreateIngestConfiguration: {Rate: 20, Burst: 1}}})

	s.GetStage(ctx, region, stageA)
	refused := value(t, counters[OpGetStage].refused)
	start := time.Now()
	if _, err := s.GetStage(ctx, region, stageB); ivs.KindOf(err) != ivs.KindThrottled {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("waited %v although no token could come within ReadWait", d)
	}
	if f.n("GetStage") != 1 || value(t, counters[OpGetStage].refused) != refused+1 {
		t.Error("refused read went upstream or was not counted")
	}

	waited := value(t, counters[OpCreateIngestConfiguration].waited)
	start = time.Now()
	for range 3 {
		if _, err := s.CreateIngestConfiguration(ctx, region, ivs.CreateIngestInput{StageARN: stageA}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("3 writes at 20/s took %v", d)
	}
	if value(t, counters[OpCreateIngestConfiguration].waited) < waited+1 {
		t.Error("waits not counted")
	}

	s.DisconnectParticipant(ctx, region, stageA, "p", "")
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := s.DisconnectParticipant(dctx, region, stageA, "p", ""); ivs.KindOf(err) != ivs.KindThrottled {
		t.Fatalf("err = %v", err)
	}
	if f.n("DisconnectParticipant") != 1 {
		t.Fatal("refused write went upstream")
	}
	if st := shared.Status(); st.Mode != sharedbudget.Shared {
		t.Errorf("status %+v", st)
	}
}
