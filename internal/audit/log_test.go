package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func mustRecord(t testing.TB, l store, e Event) Event {
	t.Helper()
	got, err := l.Append(context.Background(), e)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return got
}

func TestRecordAndQuery(t *testing.T) {
	both(t, func(t *testing.T, l store, reopen func() store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
		in := Event{Time: at, Actor: "ann@example.com", Role: "keyholder", Region: "eu-west-1",
			Resource: "arn:aws:ivs:eu-west-1:123:ingest-configuration/abc", Action: ActionReveal,
			Outcome: OutcomeSuccess, ClientAddr: "198.51.100.7", RequestID: "req-1", Detail: "primary and backup"}
		got := mustRecord(t, l, in)
		if got.ID <= 0 {
			t.Fatalf("ID = %d", got.ID)
		}
		want := in
		want.ID = got.ID
		want.Time = at.Truncate(time.Microsecond)
		events, next, err := l.Query(ctx, Filter{})
		if err != nil || next != "" || len(events) != 1 || events[0] != want {
			t.Fatalf("Query = %+v, %q, %v\nwant %+v", events, next, err, want)
		}

		// Survives closing and reopening.
		l.Close()
		l2 := reopen()
		events, _, err = l2.Query(ctx, Filter{})
		if err != nil || len(events) != 1 || events[0] != want {
			t.Fatalf("after reopen: %+v, %v", events, err)
		}
	})
}

func TestRecordValidation(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		for _, e := range []Event{
			{Action: ActionReveal, Outcome: OutcomeSuccess},
			{Actor: "a", Outcome: OutcomeSuccess},
			{Actor: "a", Action: ActionReveal},
		} {
			if err := l.Record(context.Background(), e); !errors.Is(err, ErrInvalidEvent) {
				t.Errorf("Record(%+v) = %v, want ErrInvalidEvent", e, err)
			}
		}
	})
}

func TestRecordDefaultsTimeAndSurvivesCancel(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the client hung up after the action was done
		before := time.Now().Add(-time.Second)
		if err := l.Record(ctx, Event{Actor: "a", Action: ActionIngestDelete, Outcome: OutcomeSuccess}); err != nil {
			t.Fatalf("Record with cancelled ctx: %v", err)
		}
		events, _, _ := l.Query(context.Background(), Filter{})
		if len(events) != 1 || events[0].Time.Before(before) || events[0].Time.Location() != time.UTC {
			t.Fatalf("events = %+v", events)
		}
	})
}

func TestRecordMasksStreamKeys(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		key := "rt_123456789012_us-west-2_AbCdEf123456_GhIjKlMnOpQrStUv"
		e := mustRecord(t, l, Event{Actor: "a", Action: ActionReveal, Outcome: Failure("upstream said " + key),
			Detail: "key=" + key + " and " + key})
		if strings.Contains(e.Outcome+e.Detail, key) {
			t.Fatalf("stream key stored: %+v", e)
		}
		events, _, _ := l.Query(context.Background(), Filter{})
		if strings.Contains(fmt.Sprint(events), "AbCdEf123456") {
			t.Fatalf("stream key stored: %+v", events)
		}
		if events[0].Detail != "key=[stream key] and [stream key]" {
			t.Fatalf("detail = %q", events[0].Detail)
		}
	})
}

// seed records n events spread over actors, actions, outcomes and an hour.
func seed(t testing.TB, l store, n int, start time.Time) []Event {
	actors := []string{"ann@example.com", "bob@example.com", "carl@example.com"}
	actions := []string{ActionReveal, ActionIngestCreate, ActionIngestUpdate, ActionParticipantDisconnect}
	var out []Event
	for i := range n {
		outcome := OutcomeSuccess
		if i%5 == 0 {
			outcome = Failure("ConflictException")
		}
		out = append(out, mustRecord(t, l, Event{
			Time: start.Add(time.Duration(i) * time.Minute), Actor: actors[i%3], Action: actions[i%4],
			Outcome: outcome, Region: []string{"eu-west-1", "us-east-1"}[i%2],
			Resource: fmt.Sprintf("arn:aws:ivs:eu-west-1:1:ingest-configuration/%d", i%7), RequestID: fmt.Sprint("req-", i),
		}))
	}
	return out
}

func TestQueryFilters(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		all := seed(t, l, 60, start)
		tests := []struct {
			name string
			f    Filter
			keep func(Event) bool
		}{
			{"all", Filter{}, func(Event) bool { return true }},
			{"actor", Filter{Actor: "bob@example.com"}, func(e Event) bool { return e.Actor == "bob@example.com" }},
			{"action", Filter{Action: ActionReveal}, func(e Event) bool { return e.Action == ActionReveal }},
			{"resource", Filter{Resource: "arn:aws:ivs:eu-west-1:1:ingest-configuration/3"},
				func(e Event) bool { return strings.HasSuffix(e.Resource, "/3") }},
			{"region", Filter{Region: "us-east-1"}, func(e Event) bool { return e.Region == "us-east-1" }},
			{"success", Filter{Outcome: OutcomeSuccess}, func(e Event) bool { return e.Outcome == OutcomeSuccess }},
			{"any failure", Filter{Outcome: "failure"}, func(e Event) bool { return IsFailure(e.Outcome) }},
			{"exact failure", Filter{Outcome: Failure("ConflictException")}, func(e Event) bool { return IsFailure(e.Outcome) }},
			{"time range", Filter{Since: start.Add(10 * time.Minute), Until: start.Add(20 * time.Minute)},
				func(e Event) bool { m := e.Time.Sub(start).Minutes(); return m >= 10 && m < 20 }},
			{"combined", Filter{Actor: "ann@example.com", Action: ActionReveal, Outcome: "failure"},
				func(e Event) bool {
					return e.Actor == "ann@example.com" && e.Action == ActionReveal && IsFailure(e.Outcome)
				}},
			{"no match", Filter{Actor: "nobody"}, func(Event) bool { return false }},
			{"injection-looking value", Filter{Actor: "' OR 1=1 --"}, func(Event) bool { return false }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var want []int64
				for i := len(all) - 1; i >= 0; i-- {
					if tt.keep(all[i]) {
						want = append(want, all[i].ID)
					}
				}
				tt.f.Limit = MaxLimit
				got, next, err := l.Query(context.Background(), tt.f)
				if err != nil || next != "" {
					t.Fatalf("Query: %v, next %q", err, next)
				}
				if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
					t.Fatalf("ids = %v\nwant  %v", ids(got), want)
				}
			})
		}
	})
}

func TestQueryPaging(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		all := seed(t, l, 23, time.Now().Add(-time.Hour))
		var seen []int64
		f := Filter{Limit: 5}
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			events, next, err := l.Query(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) > 5 || (next != "" && len(events) != 5) {
				t.Fatalf("page of %d with next %q", len(events), next)
			}
			seen = append(seen, ids(events)...)
			if pages == 0 {
				// A new event arriving between pages does not shift them.
				mustRecord(t, l, Event{Actor: "late", Action: ActionReveal, Outcome: OutcomeSuccess})
			}
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if len(seen) != len(all) {
			t.Fatalf("saw %d events, want %d", len(seen), len(all))
		}
		for i := range seen {
			if seen[i] != all[len(all)-1-i].ID {
				t.Fatalf("order: %v", seen)
			}
		}

		for _, bad := range []string{"x", "djEuYWJj", encodeCursor(0)[:3], "AAAA"} {
			if _, _, err := l.Query(context.Background(), Filter{Cursor: bad}); !errors.Is(err, ErrBadCursor) {
				t.Errorf("cursor %q: %v", bad, err)
			}
		}
		if events, _, _ := l.Query(context.Background(), Filter{}); len(events) != DefaultLimit && len(events) != len(all)+1 {
			t.Errorf("default limit: %d", len(events))
		}
	})
}

func ids(events []Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}
