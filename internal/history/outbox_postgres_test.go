package history

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/pgtest"
)

// enqueueKeys queues one delivery to target for each of n new keys.
func enqueueKeys(t *testing.T, s store, target string, n int) {
	t.Helper()
	for i := range n {
		key := fmt.Sprintf("%s-%s-%d", cfgA, target, i)
		p := mustAppend(t, s, Transition{Kind: KindPair, Subject: key, To: PairDegraded})[0]
		ds := []Delivery{{Target: target, Key: key, Payload: []byte("{}")}}
		if _, _, err := s.EnqueueAlert(context.Background(), p.ID, alertFor(p, AlertFiring), ds); err != nil {
			t.Fatal(err)
		}
	}
}

// Two replicas' notifiers working the same target at the same time never
// get the same delivery.
func TestPostgresDueDeliveriesGoToOneStore(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	ctx := context.Background()
	const n = 120
	enqueueKeys(t, a, "t1", n)
	now := time.Now().Add(time.Second)

	var mu sync.Mutex
	handed := map[int64][]string{} // delivery id -> the stores it was handed to
	var wg sync.WaitGroup
	start := make(chan struct{})
	for name, s := range map[string]*PostgresStore{"a": a, "b": b} {
		wg.Go(func() {
			<-start
			for {
				due, _, err := s.DueDeliveries(ctx, "t1", now, 3) // small batches: they contend
				if err != nil || len(due) == 0 {
					if err != nil {
						t.Error(err)
					}
					return
				}
				for _, d := range due {
					mu.Lock()
					handed[d.ID] = append(handed[d.ID], name)
					mu.Unlock()
					d.Status, d.Attempts = DeliveryDelivered, 1
					if err := s.UpdateDelivery(ctx, d, nil); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	count := map[string]int{}
	for id, to := range handed {
		if len(to) != 1 {
			t.Errorf("delivery %d handed to %v", id, to)
		}
		count[to[0]]++
	}
	if len(handed) != n {
		t.Fatalf("%d deliveries handed out, want %d", len(handed), n)
	}
	t.Logf("handed to a: %d, to b: %d", count["a"], count["b"])
}

// A store is handed its own claims again, as SQLite would; another store
// learns when they lapse, a recorded attempt releases one at once, and
// after claimLease (the claimant died) another store takes over.
func TestPostgresDueDeliveryClaims(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	ctx := context.Background()
	enqueueKeys(t, a, "t1", 4)
	now := time.Now().Add(time.Second)

	mine, _, err := a.DueDeliveries(ctx, "t1", now, 2)
	if err != nil || len(mine) != 2 {
		t.Fatalf("a: %d due, %v", len(mine), err)
	}
	if again, _, _ := a.DueDeliveries(ctx, "t1", now, 2); fmt.Sprint(deliveryIDs(again)) != fmt.Sprint(deliveryIDs(mine)) {
		t.Fatalf("a asked again: %v, want its %v", deliveryIDs(again), deliveryIDs(mine))
	}
	theirs, next, _ := b.DueDeliveries(ctx, "t1", now, 10)
	if len(theirs) != 2 || theirs[0].ID <= mine[1].ID || !next.Equal(now.Add(claimLease).UTC().Truncate(time.Microsecond)) {
		t.Fatalf("b: %v due (a has %v), next %v", deliveryIDs(theirs), deliveryIDs(mine), next)
	}

	d := mine[0]
	d.Attempts, d.NextAttempt, d.LastError = 1, now.Add(claimLease/2), "HTTP 503"
	if err := a.UpdateDelivery(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	if due, _, _ := b.DueDeliveries(ctx, "t1", now.Add(claimLease/2), 10); len(due) != 3 || due[0].ID != d.ID {
		t.Fatalf("b after a's attempt: %v", deliveryIDs(due))
	}
	if due, _, _ := b.DueDeliveries(ctx, "t1", now.Add(claimLease), 10); len(due) != 4 {
		t.Fatalf("b after a's claims lapsed: %v", deliveryIDs(due))
	}
}

func deliveryIDs(ds []Delivery) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}
