package history

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func alertFor(source Transition, status string) Transition {
	return Transition{Time: source.Time, Kind: KindAlert, Subject: source.Subject, To: status}
}

func TestEnqueueAlertIsIdempotent(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx := context.Background()
		pair := mustAppend(t, s, Transition{Kind: KindPair, Subject: cfgA, From: PairProtected, To: PairDegraded})[0]
		ds := []Delivery{
			{Target: "t1", TargetIndex: 1, TargetHost: "a.example", Key: cfgA, Payload: []byte(`{"n":1}`)},
			{Target: "t2", TargetIndex: 2, TargetHost: "b.example", Key: cfgA, Payload: []byte(`{"n":1}`)},
		}
		alert, n, err := s.EnqueueAlert(ctx, pair.ID, alertFor(pair, AlertFiring), ds)
		if err != nil || n != 2 || alert.ID <= pair.ID {
			t.Fatalf("EnqueueAlert = %+v, %d, %v", alert, n, err)
		}
		// Again (a replay after a restart): nothing new.
		again, n, err := s.EnqueueAlert(ctx, pair.ID, alertFor(pair, AlertFiring), ds)
		if err != nil || n != 0 || again.ID != 0 {
			t.Fatalf("second EnqueueAlert = %+v, %d, %v", again, n, err)
		}
		// A target added since gets its delivery; the alert is not recorded twice.
		ds = append(ds, Delivery{Target: "t3", TargetIndex: 3, Key: cfgA, Payload: []byte("{}")})
		if _, n, err := s.EnqueueAlert(ctx, pair.ID, alertFor(pair, AlertFiring), ds); err != nil || n != 1 {
			t.Fatalf("with a new target: %d, %v", n, err)
		}
		alerts, _ := s.Query(ctx, Filter{Kinds: []Kind{KindAlert}})
		if len(alerts) != 1 {
			t.Fatalf("%d alert transitions, want 1", len(alerts))
		}
		all, _ := s.Deliveries(ctx, DeliveryPending, 0)
		if len(all) != 3 || all[2].TransitionID != pair.ID || all[2].TargetHost != "a.example" || string(all[2].Payload) != `{"n":1}` {
			t.Fatalf("deliveries = %+v", all)
		}

		if _, _, err := s.EnqueueAlert(ctx, 0, alertFor(pair, AlertFiring), nil); !errors.Is(err, ErrInvalidTransition) {
			t.Errorf("source 0: %v", err)
		}
		if _, _, err := s.EnqueueAlert(ctx, pair.ID, pair, nil); !errors.Is(err, ErrInvalidTransition) {
			t.Errorf("a pair transition as the alert: %v", err)
		}
	})
}

func TestDueDeliveriesKeepOrderPerKeyAndTarget(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx := context.Background()
		now := time.Now()
		enqueue := func(key string, targets ...string) int64 {
			t.Helper()
			p := mustAppend(t, s, Transition{Kind: KindPair, Subject: key, To: PairDegraded})[0]
			var ds []Delivery
			for _, tg := range targets {
				ds = append(ds, Delivery{Target: tg, Key: key, Payload: []byte("{}")})
			}
			if _, _, err := s.EnqueueAlert(ctx, p.ID, alertFor(p, AlertFiring), ds); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		a1 := enqueue(cfgA, "t1", "t2")
		a2 := enqueue(cfgA, "t1", "t2")
		b1 := enqueue(cfgB, "t1")

		heads := func(target string) []int64 {
			t.Helper()
			due, _, err := s.DueDeliveries(ctx, target, now.Add(time.Second), 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, d := range due {
				out = append(out, d.TransitionID)
			}
			return out
		}
		if got := fmt.Sprint(heads("t1")); got != fmt.Sprint([]int64{a1, b1}) {
			t.Fatalf("t1 heads = %s, want [a1 b1] = %v", got, []int64{a1, b1})
		}

		// a1 to t1 is retried later: a2 still waits behind it; b1 does not.
		due, _, _ := s.DueDeliveries(ctx, "t1", now.Add(time.Second), 1)
		d := due[0]
		d.Attempts, d.NextAttempt, d.LastError = 1, now.Add(time.Hour), "HTTP 503"
		if err := s.UpdateDelivery(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(heads("t1")); got != fmt.Sprint([]int64{b1}) {
			t.Fatalf("t1 heads while a1 backs off = %s", got)
		}
		if _, next, _ := s.DueDeliveries(ctx, "t1", now.Add(time.Second), 0); !next.Equal(now.Add(time.Hour).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("next due = %v", next)
		}
		// t2 is independent of t1.
		if got := fmt.Sprint(heads("t2")); got != fmt.Sprint([]int64{a1}) {
			t.Fatalf("t2 heads = %s", got)
		}

		// Once a1 is done (delivered, with a note), a2 is next.
		d.Status = DeliveryDelivered
		note := &Transition{Kind: KindNotification, Subject: cfgA, From: NotificationPending, To: NotificationDelivered, Detail: "a.example, attempt 2"}
		if err := s.UpdateDelivery(ctx, d, note); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(heads("t1")); got != fmt.Sprint([]int64{a2, b1}) {
			t.Fatalf("t1 heads after a1 = %s", got)
		}
		if notes, _ := s.Query(ctx, Filter{Kinds: []Kind{KindNotification}}); len(notes) != 1 || notes[0].Detail != note.Detail {
			t.Fatalf("notes = %+v", notes)
		}
		if err := s.UpdateDelivery(ctx, d, note); !errors.Is(err, ErrNotPending) {
			t.Fatalf("updating a delivered row: %v", err)
		}
		if notes, _ := s.Query(ctx, Filter{Kinds: []Kind{KindNotification}}); len(notes) != 1 {
			t.Fatalf("a refused update appended its note")
		}
	})
}
