package cached

import (
	"context"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// A live participant page served from cache: the hot path of 200 viewers.
func BenchmarkCacheHit(b *testing.B) {
	s := New(newFake(), Options{Now: newClock().Now})
	ctx := context.Background()
	q := pq(session)
	if _, err := s.ListParticipants(ctx, region, q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ListParticipants(ctx, region, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheHitParallel(b *testing.B) {
	s := New(newFake(), Options{})
	ctx := context.Background()
	q := pq(session)
	s.ListParticipants(ctx, region, q)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.ListParticipants(ctx, region, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Every read misses the cache (1 ns freshness) and goes to a 200 µs
// upstream: concurrent viewers share each call. upstream/op is the fraction
// of reads that reached upstream.
func BenchmarkCoalesced(b *testing.B) {
	benchUpstream(b, Options{Budget: unlimited, TTL: map[Op]time.Duration{OpListParticipants: time.Nanosecond}})
}

// The naive baseline: same code path, caching and coalescing off.
func BenchmarkDisabled(b *testing.B) {
	benchUpstream(b, Options{Budget: unlimited, Disabled: true})
}

func benchUpstream(b *testing.B, opts Options) {
	f := newFake()
	f.delay = 200 * time.Microsecond
	s := New(f, opts)
	ctx := context.Background()
	q := pq(session)
	b.ReportAllocs()
	b.SetParallelism(100) // 100 goroutines per core: 200 viewers on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.ListParticipants(ctx, region, q); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(f.n("ListParticipants"))/float64(b.N), "upstream/op")
}

var _ ivs.Service = (*fake)(nil)
