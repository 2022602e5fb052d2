package audit

import (
	"context"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		now := time.Now()
		old := seed(t, l, 10, now.Add(-48*time.Hour))
		recent := seed(t, l, 3, now.Add(-time.Hour))
		n, err := l.Prune(context.Background(), now.Add(-24*time.Hour))
		if err != nil || n != int64(len(old)) {
			t.Fatalf("Prune = %d, %v; want %d", n, err, len(old))
		}
		events, _, _ := l.Query(context.Background(), Filter{})
		if len(events) != len(recent) {
			t.Fatalf("%d events left, want %d", len(events), len(recent))
		}
		// Ids are never reused after pruning.
		e := mustRecord(t, l, Event{Actor: "a", Action: ActionReveal, Outcome: OutcomeSuccess})
		if e.ID <= recent[len(recent)-1].ID {
			t.Fatalf("id %d reused", e.ID)
		}
	})
}

func TestPruneInBatches(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		tx, _ := l.core().w.Begin()
		for i := range pruneBatch*2 + 10 {
			if _, err := tx.Exec(l.core().q(`INSERT INTO audit_events (at_us, actor, action, outcome) VALUES (?, 'a', 'x', 'success')`), i); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		n, err := l.Prune(context.Background(), time.UnixMicro(pruneBatch*2+5))
		if err != nil || n != pruneBatch*2+5 {
			t.Fatalf("Prune = %d, %v", n, err)
		}
	})
}

func TestRunRetention(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		seed(t, l, 4, time.Now().Add(-10*time.Hour))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- RunRetention(ctx, l, time.Hour, 10*time.Millisecond) }()

		deadline := time.Now().Add(5 * time.Second)
		for {
			events, _, _ := l.Query(context.Background(), Filter{})
			if len(events) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("retention did not prune: %d events", len(events))
			}
			time.Sleep(5 * time.Millisecond)
		}
		// An event recorded later ages out at a later tick.
		mustRecord(t, l, Event{Time: time.Now().Add(-2 * time.Hour), Actor: "a", Action: ActionReveal, Outcome: OutcomeSuccess})
		for {
			events, _, _ := l.Query(context.Background(), Filter{})
			if len(events) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("retention did not keep running")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != context.Canceled {
			t.Fatalf("RunRetention = %v", err)
		}
		if err := RunRetention(context.Background(), l, 0, time.Second); err == nil {
			t.Fatal("keep 0 accepted")
		}
	})
}
