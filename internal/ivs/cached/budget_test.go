package cached

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// 200 viewers hammer one live view (and 100 more each ask for a different
// page) for a while: upstream calls stay within the budget, the hot view
// never errors, and the others fail only with a clear throttle.
func TestBudgetBoundsUpstreamRateUnderHammering(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about a second")
	}
	f := newFake()
	s := New(f, Options{TTL: map[Op]time.Duration{OpListParticipants: time.Millisecond}, ReadWait: 50 * time.Millisecond})
	ctx := context.Background()
	if _, err := s.ListParticipants(ctx, region, pq(session)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	const window = 1200 * time.Millisecond
	var hot, hotErrs, staleServed, otherThrottled atomic.Int64
	var otherErr atomic.Value
	var wg sync.WaitGroup
	for g := range 300 {
		wg.Go(func() {
			for time.Since(start) < window {
				if g < 200 {
					fctx, fr := ivs.WithFreshness(ctx)
					_, err := s.ListParticipants(fctx, region, pq(session))
					hot.Add(1)
					if err != nil {
						hotErrs.Add(1)
					}
					if stale, _ := fr.Stale(); stale {
						staleServed.Add(1)
					}
					time.Sleep(time.Millisecond)
					continue
				}
				_, err := s.ListParticipants(ctx, region, ivs.ParticipantQuery{StageARN: stageA, SessionID: session, UserID: string(rune(g))})
				switch {
				case ivs.KindOf(err) == ivs.KindThrottled:
					otherThrottled.Add(1)
				case err != nil:
					otherErr.Store(err)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	calls := f.n("ListParticipants")
	limit := 1 + DefaultBudget.Burst + int(DefaultBudget.Rate*elapsed+0.5) + 1 // first read, burst, refill, rounding
	t.Logf("%.2fs: %d upstream calls for %d hot reads (%d stale) and %d refused distinct reads", elapsed, calls, hot.Load(), staleServed.Load(), otherThrottled.Load())
	if calls > limit {
		t.Errorf("upstream calls = %d, budget allows %d", calls, limit)
	}
	if hotErrs.Load() != 0 {
		t.Errorf("%d errors shown on the hot view", hotErrs.Load())
	}
	if staleServed.Load() == 0 || otherThrottled.Load() == 0 {
		t.Error("expected stale and throttled answers when the budget is spent")
	}
	if err := otherErr.Load(); err != nil {
		t.Errorf("unexpected error: %v", err)
	}
}

func TestStaleServedAndMarkedWhenBudgetSpent(t *testing.T) {
	f := newFake()
	c := newClock()
	s := New(f, Options{Now: c.Now, Budget: Budget{Rate: 0.001, Burst: 1}})
	first, _ := s.GetStage(context.Background(), region, stageA)
	fetched := c.Now()
	c.Add(DefaultTTL[OpGetStage] + time.Second)

	overBudget := value(t, counters[OpGetStage].overBudget)
	ctx, fr := ivs.WithFreshness(context.Background())
	got, err := s.GetStage(ctx, region, stageA)
	if err != nil || got.Name != first.Name || f.n("GetStage") != 1 {
		t.Fatalf("got %v, %v after %d calls", got, err, f.n("GetStage"))
	}
	if stale, at := fr.Stale(); !stale || !at.Equal(fetched) {
		t.Fatalf("not marked stale: %v %v", stale, at)
	}
	if value(t, counters[OpGetStage].overBudget) != overBudget+1 {
		t.Error("budget metric not counted")
	}
}

func TestThrottledWhenNothingCached(t *testing.T) {
	f := newFake()
	s := New(f, Options{Now: newClock().Now, Budget: Budget{Rate: 0.001, Burst: 1}})
	s.GetStage(context.Background(), region, stageA)
	refused := value(t, counters[OpGetStage].refused)

	start := time.Now()
	_, err := s.GetStage(context.Background(), region, stageB)
	var e *ivs.Error
	if !errors.As(err, &e) || e.Kind != ivs.KindThrottled || e.Op != "GetStage" || !strings.Contains(e.Message, "try again") {
		t.Fatalf("err = %#v", err)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Error("waited although no token could come within ReadWait")
	}
	if value(t, counters[OpGetStage].refused) != refused+1 || f.n("GetStage") != 1 {
		t.Error("refusal not counted, or a call went upstream")
	}
	// Budgets are per region and per operation.
	if _, err := s.GetStage(context.Background(), "eu-west-1", stageB); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListStages(context.Background(), region, ivs.ListQuery{}); err != nil {
		t.Fatal(err)
	}
}

func TestReadWaitsForABudgetTokenWhenNothingCached(t *testing.T) {
	f := newFake()
	s := New(f, Options{Budget: Budget{Rate: 20, Burst: 1}})
	waited := value(t, counters[OpGetStage].waited)
	s.GetStage(context.Background(), region, stageA)
	start := time.Now()
	if _, err := s.GetStage(context.Background(), region, stageB); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("did not wait for the budget (%v)", d)
	}
	if value(t, counters[OpGetStage].waited) != waited+1 {
		t.Error("wait not counted")
	}
}

func TestWritesWaitForTheBudget(t *testing.T) {
	f := newFake()
	s := New(f, Options{Budget: Budget{Rate: 20, Burst: 1}})
	start := time.Now()
	for range 3 {
		if _, err := s.CreateIngestConfiguration(context.Background(), region, ivs.CreateIngestInput{StageARN: stageA}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("3 writes at 20/s took %v", d)
	}

	// Bounded: a caller's deadline shorter than the wait fails at once.
	s = New(f, Options{Budget: Budget{Rate: 1, Burst: 1}})
	s.DisconnectParticipant(context.Background(), region, stageA, "p", "")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.DisconnectParticipant(ctx, region, stageA, "p", ""); ivs.KindOf(err) != ivs.KindThrottled {
		t.Fatalf("err = %v", err)
	}
	if f.n("DisconnectParticipant") != 1 {
		t.Fatal("refused write went upstream")
	}
}

func TestRevealSpendsTheGetBudget(t *testing.T) {
	f := newFake()
	s := New(f, Options{Now: newClock().Now, Budget: Budget{Rate: 0.001, Burst: 1}, WriteWait: time.Millisecond})
	s.GetIngestConfiguration(context.Background(), region, cfgA)
	if _, err := s.RevealStreamKeys(context.Background(), region, cfgA); ivs.KindOf(err) != ivs.KindThrottled {
		t.Fatalf("err = %v", err)
	}
	if f.n("RevealStreamKeys") != 0 {
		t.Fatal("reveal went upstream over budget")
	}
}
