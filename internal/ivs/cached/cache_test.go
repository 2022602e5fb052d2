package cached

import (
	"context"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestHitWithinFreshnessRefetchAfter(t *testing.T) {
	f := newFake()
	c := newClock()
	s := New(f, Options{Now: c.Now, Budget: unlimited})
	ctx := context.Background()

	a, _ := s.GetStage(ctx, region, stageA)
	c.Add(DefaultTTL[OpGetStage] - time.Second)
	b, _ := s.GetStage(ctx, region, stageA)
	if f.n("GetStage") != 1 || a.Name != b.Name {
		t.Fatalf("within freshness: calls = %d", f.n("GetStage"))
	}
	c.Add(2 * time.Second)
	b, _ = s.GetStage(ctx, region, stageA)
	if f.n("GetStage") != 2 || a.Name == b.Name {
		t.Fatalf("after freshness: calls = %d", f.n("GetStage"))
	}

	// Live participant data goes stale much sooner than stages.
	s.ListParticipants(ctx, region, pq(session))
	c.Add(DefaultTTL[OpListParticipants] + time.Millisecond)
	s.ListParticipants(ctx, region, pq(session))
	if f.n("ListParticipants") != 2 {
		t.Fatalf("participants: calls = %d", f.n("ListParticipants"))
	}

	// The account id never expires.
	s.AccountID(ctx)
	c.Add(1000 * time.Hour)
	s.AccountID(ctx)
	if f.n("AccountID") != 1 {
		t.Fatalf("AccountID calls = %d", f.n("AccountID"))
	}
}

func TestTTLOverride(t *testing.T) {
	f := newFake()
	c := newClock()
	s := New(f, Options{Now: c.Now, Budget: unlimited, TTL: map[Op]time.Duration{OpGetStage: time.Second}})
	s.GetStage(context.Background(), region, stageA)
	c.Add(1500 * time.Millisecond)
	s.GetStage(context.Background(), region, stageA)
	if f.n("GetStage") != 2 {
		t.Fatalf("calls = %d", f.n("GetStage"))
	}
}

func TestStaleIfError(t *testing.T) {
	f := newFake()
	c := newClock()
	s := New(f, Options{Now: c.Now, Budget: unlimited})
	first, _ := s.GetStage(context.Background(), region, stageA)
	fetched := c.Now()

	c.Add(time.Minute)
	for _, kind := range []ivs.Kind{ivs.KindUnavailable, ivs.KindThrottled} {
		f.fail(&ivs.Error{Kind: kind, Message: "upstream down"})
		ctx, fr := ivs.WithFreshness(context.Background())
		got, err := s.GetStage(ctx, region, stageA)
		if err != nil || got.Name != first.Name {
			t.Fatalf("%v: got %v, %v; want the stale stage", kind, got, err)
		}
		if stale, at := fr.Stale(); !stale || !at.Equal(fetched) {
			t.Fatalf("%v: freshness = %v %v, want stale as of %v", kind, stale, at, fetched)
		}
	}

	// Answers the user must see are not hidden; not found drops the entry.
	f.fail(&ivs.Error{Kind: ivs.KindAccessDenied, Message: "no"})
	if _, err := s.GetStage(context.Background(), region, stageA); ivs.KindOf(err) != ivs.KindAccessDenied {
		t.Fatalf("access denied hidden: %v", err)
	}
	f.fail(&ivs.Error{Kind: ivs.KindNotFound, Message: "gone"})
	s.GetStage(context.Background(), region, stageA)
	f.fail(&ivs.Error{Kind: ivs.KindUnavailable, Message: "down"})
	if _, err := s.GetStage(context.Background(), region, stageA); ivs.KindOf(err) != ivs.KindUnavailable {
		t.Fatalf("a deleted stage was served stale: %v", err)
	}

	// Too old to serve, even stale.
	f.fail(nil)
	s.GetStage(context.Background(), region, stageB)
	c.Add(6 * time.Minute)
	f.fail(&ivs.Error{Kind: ivs.KindUnavailable, Message: "down"})
	if _, err := s.GetStage(context.Background(), region, stageB); err == nil {
		t.Fatal("served a value older than MaxStale")
	}
}

func TestMemoryIsBounded(t *testing.T) {
	f := newFake()
	c := newClock()
	s := New(f, Options{Now: c.Now, Budget: unlimited, MaxEntries: 10})
	for i := range 100 {
		s.GetStage(context.Background(), region, stageA+string(rune('a'+i)))
	}
	if n := s.store.len(); n != 10 {
		t.Fatalf("entries = %d, want 10", n)
	}

	f.items = 100
	s = New(f, Options{Now: c.Now, Budget: unlimited, MaxItems: 500})
	for i := range 20 {
		s.ListParticipants(context.Background(), region, pq("st-"+string(rune('a'+i))))
		c.Add(time.Second) // so LRU order is the insertion order
	}
	if n, items := s.store.len(), s.store.items; n != 5 || items != 500 {
		t.Fatalf("entries = %d holding %d items, want 5 and 500", n, items)
	}
	// The most recently used page survived.
	before := f.n("ListParticipants")
	s.ListParticipants(context.Background(), region, pq("st-"+string(rune('a'+19))))
	if f.n("ListParticipants") != before {
		t.Fatal("the newest page was evicted")
	}
}

func TestSharedPagesCannotBeAppendedInto(t *testing.T) {
	s := New(newFake(), Options{Now: newClock().Now})
	a, _ := s.ListParticipants(context.Background(), region, pq(session))
	_ = append(a.Items, ivs.Participant{ID: "mine"})
	b, _ := s.ListParticipants(context.Background(), region, pq(session))
	if len(b.Items) != len(a.Items) || cap(b.Items) != len(b.Items) {
		t.Fatal("a caller's append reached the shared page")
	}
}
