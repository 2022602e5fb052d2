package ivs

import (
	"context"
	"sync"
	"time"
)

// Freshness collects, for one request, whether any data a page shows was
// served stale (from cache, because the call budget was spent or upstream
// failed). Layers record into it; handlers read it to mark the page.
type Freshness struct {
	mu     sync.Mutex
	stale  bool
	oldest time.Time
}

type freshnessKey struct{}

// WithFreshness returns a context that collects freshness for one request.
func WithFreshness(ctx context.Context) (context.Context, *Freshness) {
	f := &Freshness{}
	return context.WithValue(ctx, freshnessKey{}, f), f
}

// MarkStale records that data fetched at asOf was served instead of fresh data.
func MarkStale(ctx context.Context, asOf time.Time) {
	f, _ := ctx.Value(freshnessKey{}).(*Freshness)
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.stale || asOf.Before(f.oldest) {
		f.oldest = asOf
	}
	f.stale = true
}

// Stale reports whether stale data was served, and the age of the oldest.
func (f *Freshness) Stale() (bool, time.Time) {
	if f == nil {
		return false, time.Time{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stale, f.oldest
}
