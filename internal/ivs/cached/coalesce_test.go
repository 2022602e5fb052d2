package cached

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestConcurrentIdenticalReadsMakeOneCall(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	s := New(f, Options{Now: newClock().Now}) // frozen clock: nothing expires
	coalesced := value(t, counters[OpListParticipants].coalesced)

	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 200 {
		wg.Go(func() {
			p, err := s.ListParticipants(context.Background(), region, pq(session))
			if err == nil && len(p.Items) != f.items {
				err = errors.New("wrong page")
			}
			errs <- err
		})
	}
	time.Sleep(50 * time.Millisecond) // let the viewers join the flight
	close(f.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.n("ListParticipants"); n != 1 {
		t.Fatalf("upstream calls = %d, want 1", n)
	}
	if d := value(t, counters[OpListParticipants].coalesced) - coalesced; d < 100 {
		t.Errorf("coalesced lookups = %v, want most of the 199 others", d)
	}
}

func TestDistinctArgumentsMakeDistinctCalls(t *testing.T) {
	f := newFake()
	s := New(f, Options{Now: newClock().Now, Budget: unlimited})
	ctx := context.Background()
	queries := []ivs.ParticipantQuery{
		{StageARN: stageA, SessionID: "st-1"},
		{StageARN: stageA, SessionID: "st-2"},
		{StageARN: stageB, SessionID: "st-1"},
		{StageARN: stageA, SessionID: "st-1", State: ivs.ParticipantConnected},
		{StageARN: stageA, SessionID: "st-1", UserID: "CONNECTED"},
		{StageARN: stageA, SessionID: "st-1", PublishedOnly: true},
		{StageARN: stageA, SessionID: "st-1", RecordingState: "ACTIVE"},
		{StageARN: stageA, SessionID: "st-1", ListQuery: ivs.ListQuery{NextToken: "t"}},
		{StageARN: stageA, SessionID: "st-1", ListQuery: ivs.ListQuery{MaxResults: 100}},
		{StageARN: stageA + "st-1"}, // same bytes, different split: a different key
	}
	for range 3 {
		for _, q := range queries {
			if _, err := s.ListParticipants(ctx, region, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ListParticipants(ctx, "eu-west-1", queries[0]); err != nil {
			t.Fatal(err)
		}
	}
	if n, want := f.n("ListParticipants"), len(queries)+1; n != want {
		t.Fatalf("upstream calls = %d, want %d", n, want)
	}
	// Same arguments, different operations: different keys.
	s.GetStage(ctx, region, stageA)
	s.ListStageSessions(ctx, region, stageA, ivs.ListQuery{})
	if f.n("GetStage") != 1 || f.n("ListStageSessions") != 1 {
		t.Fatal("operations share keys")
	}
}

func TestCancelledWaiterDoesNotFailOthers(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	s := New(f, Options{Now: newClock().Now})

	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := s.GetStage(first, region, stageA)
		firstErr <- err
	}()
	time.Sleep(20 * time.Millisecond) // the first caller leads the flight
	others := make(chan error, 10)
	for range 10 {
		go func() {
			st, err := s.GetStage(context.Background(), region, stageA)
			if err == nil && st.ARN != stageA {
				err = errors.New("wrong stage")
			}
			others <- err
		}()
	}
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-firstErr:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller got %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("cancelled caller still waiting")
	}
	close(f.gate)
	for range 10 {
		if err := <-others; err != nil {
			t.Fatalf("other viewer failed: %v", err)
		}
	}
	if f.n("GetStage") != 1 || f.ctxErrs.Load() != 0 {
		t.Fatalf("calls = %d, calls with a dead context = %d", f.n("GetStage"), f.ctxErrs.Load())
	}
	// The value the cancelled leader started is cached for everyone.
	if _, err := s.GetStage(context.Background(), region, stageA); err != nil || f.n("GetStage") != 1 {
		t.Fatal("result not cached")
	}
}

func TestDisabledSendsEveryCallUpstream(t *testing.T) {
	f := newFake()
	f.delay = 5 * time.Millisecond
	s := New(f, Options{Disabled: true, Budget: unlimited})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := s.GetStage(context.Background(), region, stageA); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for range 10 {
		s.ListParticipants(context.Background(), region, pq(session))
	}
	if f.n("GetStage") != 50 || f.n("ListParticipants") != 10 {
		t.Fatalf("calls: GetStage %d, ListParticipants %d", f.n("GetStage"), f.n("ListParticipants"))
	}
	if s.store.len() != 0 {
		t.Fatal("disabled mode stored values")
	}
}

func TestDisabledStillSpendsTheBudget(t *testing.T) {
	f := newFake()
	s := New(f, Options{Disabled: true, Now: newClock().Now, Budget: Budget{Rate: 0.001, Burst: 1}, ReadWait: time.Millisecond})
	s.GetStage(context.Background(), region, stageA)
	_, err := s.GetStage(context.Background(), region, stageA)
	if ivs.KindOf(err) != ivs.KindThrottled || f.n("GetStage") != 1 {
		t.Fatalf("err = %v, calls = %d", err, f.n("GetStage"))
	}
}
