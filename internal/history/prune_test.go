package history

import (
	"context"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx := context.Background()
		now := time.Now()
		old := seed(t, s, 10, now.Add(-48*time.Hour))
		recent := seed(t, s, 3, now.Add(-time.Hour))
		for _, at := range []time.Time{now.Add(-48 * time.Hour), now.Add(-47 * time.Hour), now.Add(-time.Hour)} {
			if err := s.AddSample(ctx, Sample{Time: at, StageARN: stage}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.core().flushSamples(ctx); err != nil {
			t.Fatal(err)
		}
		// An old alert and its delivery go too.
		oldAlert := Transition{Time: now.Add(-48 * time.Hour), Kind: KindAlert, Subject: cfgA, To: AlertFiring}
		if _, _, err := s.EnqueueAlert(ctx, old[0].ID, oldAlert, []Delivery{{Target: "t1", Key: cfgA,
			Payload: []byte("{}"), Created: now.Add(-48 * time.Hour)}}); err != nil {
			t.Fatal(err)
		}

		n, err := s.Prune(ctx, now.Add(-24*time.Hour))
		if want := int64(len(old) + 1 + 2); err != nil || n != want {
			t.Fatalf("Prune = %d, %v; want %d (transitions and samples)", n, err, want)
		}
		ts, _ := s.Query(ctx, Filter{})
		if len(ts) != len(recent) {
			t.Fatalf("%d transitions left, want %d", len(ts), len(recent))
		}
		if smp, _ := s.Samples(ctx, stage, "", time.Time{}); len(smp) != 1 {
			t.Fatalf("%d samples left, want 1", len(smp))
		}
		if ds, _ := s.Deliveries(ctx, "", 0); len(ds) != 0 {
			t.Fatalf("%d deliveries left", len(ds))
		}
		var ledger int
		if err := s.core().r.QueryRow("SELECT count(*) FROM notify_alerts").Scan(&ledger); err != nil || ledger != 0 {
			t.Fatalf("%d ledger rows left, %v", ledger, err)
		}
		// Ids are never reused after pruning.
		tr := mustAppend(t, s, Transition{Kind: KindSession, Subject: stage})
		if tr[0].ID <= recent[len(recent)-1].ID {
			t.Fatalf("id %d reused", tr[0].ID)
		}
	})
}

func TestPruneInBatches(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		tx, _ := s.core().w.Begin()
		for i := range pruneBatch*2 + 10 {
			if _, err := tx.Exec(s.core().q(`INSERT INTO history_transitions (at_us, kind, subject) VALUES (?, 'pair', 'x')`), i); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		n, err := s.Prune(context.Background(), time.UnixMicro(pruneBatch*2+5))
		if err != nil || n != pruneBatch*2+5 {
			t.Fatalf("Prune = %d, %v", n, err)
		}
	})
}

func TestRunRetention(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		seed(t, s, 4, time.Now().Add(-10*time.Hour))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- RunRetention(ctx, s, time.Hour, time.Hour) }()
		deadline := time.Now().Add(5 * time.Second)
		for {
			ts, _ := s.Query(context.Background(), Filter{})
			if len(ts) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("retention did not prune")
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != context.Canceled {
			t.Fatalf("RunRetention = %v", err)
		}
		if err := RunRetention(context.Background(), s, 0, time.Hour); err == nil {
			t.Fatal("zero keep accepted")
		}
	})
}
