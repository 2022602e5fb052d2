package history

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSamples(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx := context.Background()
		start := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
		// Added out of order, across two sessions and another stage.
		for _, smp := range []Sample{
			{Time: start.Add(2 * time.Minute), StageARN: stage, SessionID: "st-One", Connected: 5, Publishers: 2},
			{Time: start, StageARN: stage, SessionID: "st-One", Connected: 1, Publishers: 0},
			{Time: start.Add(time.Minute), StageARN: stage, SessionID: "st-One", Connected: 3, Publishers: 1},
			{Time: start, StageARN: stage, SessionID: "st-Two", Connected: 9, Publishers: 9},
			{Time: start, StageARN: cfgA, SessionID: "st-One", Connected: 9, Publishers: 9},
		} {
			smp.Region = "eu-west-1"
			if err := s.AddSample(ctx, smp); err != nil {
				t.Fatal(err)
			}
		}
		// Samples sees queued points at once (it writes them first).
		got, err := s.Samples(ctx, stage, "st-One", time.Time{})
		if err != nil || len(got) != 3 {
			t.Fatalf("Samples = %+v, %v", got, err)
		}
		for i, want := range []int{1, 3, 5} {
			if got[i].Connected != want || !got[i].Time.Equal(start.Add(time.Duration(i)*time.Minute)) || got[i].Region != "eu-west-1" {
				t.Errorf("sample %d = %+v", i, got[i])
			}
		}
		if got, _ := s.Samples(ctx, stage, "st-One", start.Add(time.Minute)); len(got) != 2 || got[0].Connected != 3 {
			t.Errorf("since: %+v", got)
		}

		for _, bad := range []Sample{{}, {StageARN: stage, Connected: -1}} {
			if err := s.AddSample(ctx, bad); !errors.Is(err, ErrInvalidSample) {
				t.Errorf("AddSample(%+v) = %v", bad, err)
			}
		}
	})
}

func TestSamplesAreWrittenInBatches(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx := context.Background()
		count := func() (n int) {
			if err := s.core().r.QueryRow("SELECT count(*) FROM history_samples").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Below a batch: nothing on disk yet, then the timer writes them.
		for i := range 10 {
			if err := s.AddSample(ctx, Sample{StageARN: stage, Connected: i}); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(); n != 0 {
			t.Fatalf("%d samples written at once, want them queued", n)
		}
		deadline := time.Now().Add(5 * time.Second)
		for count() != 10 {
			if time.Now().After(deadline) {
				t.Fatalf("queued samples not written by the timer: %d", count())
			}
			time.Sleep(50 * time.Millisecond)
		}
		// A full batch is written by the call that fills it.
		for i := range sampleBatch {
			if err := s.AddSample(ctx, Sample{StageARN: stage, Connected: i}); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(); n != 10+sampleBatch {
			t.Fatalf("%d samples on disk after a full batch, want %d", n, 10+sampleBatch)
		}
	})
}

// BenchmarkAddSample is the watcher's per-stage cost of a chart point.
func BenchmarkAddSample(b *testing.B) {
	s, _ := openTest(b)
	ctx := context.Background()
	smp := Sample{Region: "eu-west-1", StageARN: stage, SessionID: "st-One", Connected: 12, Publishers: 3}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.AddSample(ctx, smp); err != nil {
			b.Fatal(err)
		}
	}
}
