package history

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	cfgA  = "arn:aws:ivs:eu-west-1:123456789012:ingest-configuration/AbCdEf123456"
	cfgB  = "arn:aws:ivs:eu-west-1:123456789012:ingest-configuration/GhIjKl789012"
	stage = "arn:aws:ivs:eu-west-1:123456789012:stage/MnOpQr345678"
)

func mustAppend(t testing.TB, s Store, ts ...Transition) []Transition {
	t.Helper()
	got, err := s.Append(context.Background(), ts...)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return got
}

func TestAppendAndQuery(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		at := time.Date(2026, 3, 1, 14, 3, 12, 123456789, time.UTC)
		in := Transition{Time: at, Region: "eu-west-1", Kind: KindPair, Subject: cfgA, SubjectName: "keynote-main",
			StageARN: stage, SessionID: "st-AbC123", ParticipantID: "p-b",
			From: PairProtected, To: PairDegraded, Cause: "encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)", Detail: "d"}
		got := mustAppend(t, s, in)
		if len(got) != 1 || got[0].ID <= 0 {
			t.Fatalf("Append = %+v", got)
		}
		want := in
		want.ID = got[0].ID
		want.Time = at.Truncate(time.Microsecond)
		if got[0] != want {
			t.Fatalf("Append returned %+v\nwant %+v", got[0], want)
		}
		ts, err := s.Query(context.Background(), Filter{})
		if err != nil || len(ts) != 1 || ts[0] != want {
			t.Fatalf("Query = %+v, %v\nwant %+v", ts, err, want)
		}

		// Several in one call: ids increase in argument order; Time defaults to now.
		before := time.Now().Add(-time.Second)
		many := mustAppend(t, s,
			Transition{Kind: KindEncoder, Subject: cfgA, Encoder: "B", From: "publishing", To: "not publishing"},
			Transition{Kind: KindSession, Subject: stage, To: "ended"})
		if many[0].ID <= want.ID || many[1].ID <= many[0].ID {
			t.Fatalf("ids %d, %d after %d", many[0].ID, many[1].ID, want.ID)
		}
		for _, tr := range many {
			if tr.Time.Before(before) || tr.Time.Location() != time.UTC {
				t.Errorf("default time %v", tr.Time)
			}
		}
		if got, err := s.Append(context.Background()); err != nil || got != nil {
			t.Errorf("empty Append = %v, %v", got, err)
		}
	})
}

func TestAppendValidationIsAllOrNothing(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		for _, bad := range []Transition{
			{Kind: "flapping", Subject: cfgA},
			{Kind: KindPair},
			{Subject: cfgA},
		} {
			_, err := s.Append(context.Background(), Transition{Kind: KindPair, Subject: cfgA, To: PairDown}, bad)
			if !errors.Is(err, ErrInvalidTransition) {
				t.Errorf("Append(..., %+v) = %v, want ErrInvalidTransition", bad, err)
			}
		}
		if ts, _ := s.Query(context.Background(), Filter{}); len(ts) != 0 {
			t.Fatalf("a rejected batch left %d rows", len(ts))
		}
	})
}

func TestAppendSurvivesCancel(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the watcher is shutting down
		if _, err := s.Append(ctx, Transition{Kind: KindSession, Subject: stage, To: "ended"}); err != nil {
			t.Fatalf("Append with cancelled ctx: %v", err)
		}
	})
}

func TestAppendRedactsStreamKeys(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		key := "rt_123456789012_eu-west-1_AbCdEf123456_GhIjKlMnOpQrStUv"
		got := mustAppend(t, s, Transition{Kind: KindPair, Subject: cfgA, SubjectName: "name " + key,
			Cause: "PUBLISH_ERROR: bad key " + key, Detail: key + " and " + key})
		ts, _ := s.Query(context.Background(), Filter{})
		if strings.Contains(fmt.Sprint(got, ts), "GhIjKlMnOpQrStUv") {
			t.Fatalf("stream key stored: %+v", ts)
		}
		if ts[0].Detail != "[stream key] and [stream key]" || ts[0].Cause != "PUBLISH_ERROR: bad key [stream key]" {
			t.Fatalf("redacted = %+v", ts[0])
		}
	})
}

// seed appends n transitions a minute apart, spread over kinds, subjects,
// regions and sessions.
func seed(t testing.TB, s Store, n int, start time.Time) []Transition {
	t.Helper()
	var in []Transition
	for i := range n {
		in = append(in, Transition{
			Time:      start.Add(time.Duration(i) * time.Minute),
			Region:    []string{"eu-west-1", "us-east-1"}[i%2],
			Kind:      Kinds[i%len(Kinds)],
			Subject:   []string{cfgA, cfgB, stage}[i%3],
			StageARN:  stage,
			SessionID: []string{"st-One", "st-Two"}[(i/10)%2],
			To:        fmt.Sprint("state-", i),
		})
	}
	return mustAppend(t, s, in...)
}

func ids(ts []Transition) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func TestQueryFilters(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		all := seed(t, s, 60, start)
		tests := []struct {
			name string
			f    Filter
			keep func(Transition) bool
		}{
			{"all", Filter{}, func(Transition) bool { return true }},
			{"region", Filter{Region: "us-east-1"}, func(t Transition) bool { return t.Region == "us-east-1" }},
			{"subject", Filter{Subject: cfgB}, func(t Transition) bool { return t.Subject == cfgB }},
			{"stage", Filter{StageARN: stage}, func(Transition) bool { return true }},
			{"stage and session", Filter{StageARN: stage, SessionID: "st-Two"},
				func(t Transition) bool { return t.SessionID == "st-Two" }},
			{"one kind", Filter{Kinds: []Kind{KindAlert}}, func(t Transition) bool { return t.Kind == KindAlert }},
			{"two kinds", Filter{Kinds: []Kind{KindPair, KindSession}},
				func(t Transition) bool { return t.Kind == KindPair || t.Kind == KindSession }},
			{"time range", Filter{Since: start.Add(10 * time.Minute), Until: start.Add(20 * time.Minute)},
				func(t Transition) bool { m := t.Time.Sub(start).Minutes(); return m >= 10 && m < 20 }},
			{"combined", Filter{Subject: cfgA, Kinds: []Kind{KindEncoder}, Region: "eu-west-1"},
				func(t Transition) bool { return t.Subject == cfgA && t.Kind == KindEncoder && t.Region == "eu-west-1" }},
			{"no match", Filter{Subject: "nothing"}, func(Transition) bool { return false }},
			{"injection-looking value", Filter{Subject: "' OR 1=1 --"}, func(Transition) bool { return false }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var want []int64
				for i := len(all) - 1; i >= 0; i-- {
					if tt.keep(all[i]) {
						want = append(want, all[i].ID)
					}
				}
				got, err := s.Query(context.Background(), tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
					t.Fatalf("ids = %v\nwant  %v", ids(got), want)
				}
			})
		}
	})
}

func TestQueryCursorAndLimits(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		all := seed(t, s, 23, time.Now().Add(-time.Hour))
		var seen []int64
		f := Filter{Limit: 5}
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			ts, err := s.Query(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) == 0 {
				break
			}
			seen = append(seen, ids(ts)...)
			if pages == 0 {
				// A transition arriving between pages does not shift them.
				mustAppend(t, s, Transition{Kind: KindSession, Subject: stage, To: "live"})
			}
			f.Before = ts[len(ts)-1].ID
		}
		want := ids(all)
		slices.Reverse(want)
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Fatalf("pages = %v\nwant    %v", seen, want)
		}

		// Default and maximum page sizes.
		var many []Transition
		for range MaxLimit + 1 {
			many = append(many, Transition{Kind: KindEncoder, Subject: cfgA})
		}
		mustAppend(t, s, many...)
		for _, c := range []struct{ limit, want int }{{0, DefaultLimit}, {-1, DefaultLimit}, {7, 7}, {MaxLimit * 2, MaxLimit}} {
			if ts, err := s.Query(context.Background(), Filter{Limit: c.limit}); err != nil || len(ts) != c.want {
				t.Errorf("Limit %d: %d rows, %v; want %d", c.limit, len(ts), err, c.want)
			}
		}
	})
}

func TestDurableAcrossReopen(t *testing.T) {
	both(t, func(t *testing.T, s store, reopen func() store) {
		ctx := context.Background()
		in := seed(t, s, 12, time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
		at := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
		if err := s.AddSample(ctx, Sample{Time: at, Region: "eu-west-1", StageARN: stage, SessionID: "st-One", Connected: 3, Publishers: 2}); err != nil {
			t.Fatal(err)
		}

		// A second store on the same file sees committed transitions while the
		// first is still open (no Close needed for them to be there).
		peer := reopen()
		if ts, err := peer.Query(ctx, Filter{}); err != nil || len(ts) != len(in) {
			t.Fatalf("peer sees %d, %v; want %d", len(ts), err, len(in))
		}
		peer.Close()

		// Close writes the queued sample; a reopened store reads everything.
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.AddSample(ctx, Sample{StageARN: stage}); !errors.Is(err, ErrClosed) {
			t.Errorf("AddSample after Close = %v", err)
		}
		s2 := reopen()
		ts, err := s2.Query(ctx, Filter{})
		want := slices.Clone(in)
		slices.Reverse(want)
		if err != nil || fmt.Sprint(ts) != fmt.Sprint(want) {
			t.Fatalf("after reopen: %v, %v", ts, err)
		}
		smp, err := s2.Samples(ctx, stage, "st-One", time.Time{})
		if err != nil || len(smp) != 1 || smp[0].Connected != 3 || !smp[0].Time.Equal(at) {
			t.Fatalf("samples after reopen: %+v, %v", smp, err)
		}
	})
}

func TestConcurrentAppend(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					// Half single, half pairs in one transaction.
					ts := []Transition{{Kind: KindEncoder, Subject: cfgA, Detail: fmt.Sprintf("w%d-%d", w, i)}}
					if i%2 == 1 {
						ts = append(ts, Transition{Kind: KindPair, Subject: cfgA, Detail: fmt.Sprintf("w%d-%d-pair", w, i)})
					}
					if _, err := s.Append(context.Background(), ts...); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		ts, err := s.Query(context.Background(), Filter{Limit: MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		wantN := workers * (each + each/2)
		seen := map[string]bool{}
		for _, tr := range ts {
			seen[tr.Detail] = true
		}
		if len(ts) != wantN || len(seen) != wantN {
			t.Fatalf("%d rows, %d distinct; want %d", len(ts), len(seen), wantN)
		}
		// Each pair was one transaction: its two rows are adjacent.
		for i := 0; i+1 < len(ts); i++ {
			if d := ts[i].Detail; strings.HasSuffix(d, "-pair") && ts[i+1].Detail != strings.TrimSuffix(d, "-pair") {
				t.Fatalf("transaction split: %q then %q", d, ts[i+1].Detail)
			}
		}
	})
}
