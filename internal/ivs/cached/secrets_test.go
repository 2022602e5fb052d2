package cached

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// storedKeys reports whether any cached value holds a stream key.
func storedKeys(s *Service) bool {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	for _, e := range s.store.m {
		switch v := e.v.(type) {
		case ivs.IngestConfiguration:
			if hasKeys(&v) {
				return true
			}
		case ivs.Page[ivs.IngestConfiguration]:
			for i := range v.Items {
				if hasKeys(&v.Items[i]) {
					return true
				}
			}
		}
	}
	return false
}

func TestRevealIsNeverCachedNorCoalesced(t *testing.T) {
	f := newFake()
	f.credsKey = []ivs.RedundantCredential{{ParticipantID: "a", StreamKey: ivs.NewStreamKey("k1")}}
	s := New(f, Options{Now: newClock().Now, Budget: unlimited})
	ctx := context.Background()

	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			c, err := s.RevealStreamKeys(ctx, region, cfgA)
			if err != nil || c.StreamKey.Reveal() != "sk_secret" || c.Credentials[0].StreamKey.Reveal() != "k1" {
				t.Errorf("reveal = %v, %v", c, err)
			}
		})
	}
	wg.Wait()
	if n := f.n("RevealStreamKeys"); n != 10 {
		t.Fatalf("reveal calls = %d, want 10", n)
	}
	if s.store.len() != 0 {
		t.Fatal("a reveal was stored")
	}
}

func TestKeysAreStrippedFromCachedReads(t *testing.T) {
	f := newFake()
	f.credsKey = []ivs.RedundantCredential{{ParticipantID: "a", StreamKey: ivs.NewStreamKey("k1")}}
	s := New(f, Options{Now: newClock().Now, Budget: unlimited})
	ctx := context.Background()

	c, err := s.GetIngestConfiguration(ctx, region, cfgA)
	if err != nil || hasKeys(&c) || len(c.Credentials) != 1 || c.Credentials[0].ParticipantID != "a" {
		t.Fatalf("get = %+v, %v", c, err)
	}
	p, _ := s.ListIngestConfigurations(ctx, region, ivs.IngestQuery{})
	if hasKeys(&p.Items[0]) {
		t.Fatal("list returned a key")
	}
	s.RevealStreamKeys(ctx, region, cfgA)
	if s.store.len() != 2 || storedKeys(s) {
		t.Fatalf("entries = %d, keys stored = %v", s.store.len(), storedKeys(s))
	}
	if f.credsKey[0].StreamKey.IsZero() {
		t.Fatal("stripping wrote into the inner service's slice")
	}
	// Cached copies print no key either.
	if got := fmt.Sprintf("%v %+v", c, p); strings.Contains(got, "sk_secret") || strings.Contains(got, "k1") {
		t.Fatal("key printed")
	}
}
