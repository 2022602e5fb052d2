package cached

import (
	"context"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// warm reads everything once, so that a second round shows what a write
// dropped: each op's upstream call count grows by one if it was dropped.
func warm(s *Service) {
	ctx := context.Background()
	s.ListStages(ctx, region, ivs.ListQuery{})
	s.GetStage(ctx, region, stageA)
	s.ListIngestConfigurations(ctx, region, ivs.IngestQuery{})
	s.ListIngestConfigurations(ctx, region, ivs.IngestQuery{StageARN: stageA})
	s.GetIngestConfiguration(ctx, region, cfgA)
	s.ListParticipants(ctx, region, pq(session))
	s.GetParticipant(ctx, region, stageA, session, "p1")
	s.ListParticipantEvents(ctx, region, stageA, session, "p1", ivs.ListQuery{})
	s.ListParticipants(ctx, region, ivs.ParticipantQuery{StageARN: stageB, SessionID: "st-B"})
	s.ListIngestConfigurations(ctx, "eu-west-1", ivs.IngestQuery{})
}

func snapshot(f *fake) map[string]int {
	return f.CallCounts()
}

func TestWritesInvalidateWhatTheyChange(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		write   func(s *Service) error
		dropped map[string]int // refetches per op after the write
	}{
		{"create", func(s *Service) error {
			_, err := s.CreateIngestConfiguration(ctx, region, ivs.CreateIngestInput{Name: "n", StageARN: stageA})
			return err
		}, map[string]int{"ListIngestConfigurations": 2, "ListParticipants": 1, "GetParticipant": 1, "ListParticipantEvents": 1}},
		{"update", func(s *Service) error {
			_, err := s.UpdateIngestConfiguration(ctx, region, ivs.UpdateIngestInput{ARN: cfgA, StageARN: stageA})
			return err
		}, map[string]int{"ListIngestConfigurations": 2, "GetIngestConfiguration": 1, "ListParticipants": 1, "GetParticipant": 1, "ListParticipantEvents": 1}},
		{"delete (stage known from the cached get)", func(s *Service) error {
			return s.DeleteIngestConfiguration(ctx, region, cfgA, true)
		}, map[string]int{"ListIngestConfigurations": 2, "GetIngestConfiguration": 1, "ListParticipants": 1, "GetParticipant": 1, "ListParticipantEvents": 1}},
		{"delete (stage unknown: every stage of the region)", func(s *Service) error {
			return s.DeleteIngestConfiguration(ctx, region, cfgB, true)
		}, map[string]int{"ListIngestConfigurations": 2, "ListParticipants": 2, "GetParticipant": 1, "ListParticipantEvents": 1}},
		{"disconnect", func(s *Service) error {
			return s.DisconnectParticipant(ctx, region, stageA, "p1", "ops")
		}, map[string]int{"ListIngestConfigurations": 2, "GetIngestConfiguration": 1, "ListParticipants": 1, "GetParticipant": 1, "ListParticipantEvents": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			s := New(f, Options{Now: newClock().Now, Budget: unlimited})
			warm(s)
			if err := tc.write(s); err != nil {
				t.Fatal(err)
			}
			before := snapshot(f)
			warm(s)
			after := snapshot(f)
			for op, n := range after {
				if d := n - before[op]; d != tc.dropped[op] {
					t.Errorf("%s refetched %d times, want %d", op, d, tc.dropped[op])
				}
			}
		})
	}
}

func TestFailedWriteInvalidatesToo(t *testing.T) {
	f := newFake()
	s := New(f, Options{Now: newClock().Now, Budget: unlimited})
	s.GetIngestConfiguration(context.Background(), region, cfgA)
	f.fail(&ivs.Error{Kind: ivs.KindConflict, Message: "active"})
	s.UpdateIngestConfiguration(context.Background(), region, ivs.UpdateIngestInput{ARN: cfgA, StageARN: stageA})
	f.fail(nil)
	s.GetIngestConfiguration(context.Background(), region, cfgA)
	if f.n("GetIngestConfiguration") != 2 {
		t.Fatal("a conflict left a possibly wrong configuration cached")
	}
}

// A read that began before a write must not store its (older) answer.
func TestReadInFlightDuringWriteIsNotStored(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	s := New(f, Options{Now: newClock().Now, Budget: unlimited})
	done := make(chan struct{})
	go func() {
		s.ListIngestConfigurations(context.Background(), region, ivs.IngestQuery{})
		close(done)
	}()
	time.Sleep(20 * time.Millisecond)
	g := f.gate
	f.mu.Lock()
	f.gate = nil // the write itself must not block
	f.mu.Unlock()
	s.DeleteIngestConfiguration(context.Background(), region, cfgA, false)
	close(g)
	<-done
	s.ListIngestConfigurations(context.Background(), region, ivs.IngestQuery{})
	if n := f.n("ListIngestConfigurations"); n != 2 {
		t.Fatalf("calls = %d, want 2 (the pre-write answer was cached)", n)
	}
}

func TestWritesAreNeverCoalesced(t *testing.T) {
	f := newFake()
	f.delay = 10 * time.Millisecond
	s := New(f, Options{Budget: unlimited})
	done := make(chan struct{})
	for range 5 {
		go func() {
			s.DisconnectParticipant(context.Background(), region, stageA, "p1", "")
			done <- struct{}{}
		}()
	}
	for range 5 {
		<-done
	}
	if n := f.n("DisconnectParticipant"); n != 5 {
		t.Fatalf("calls = %d, want 5", n)
	}
}
