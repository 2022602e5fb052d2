package watch

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Options configure the watcher.
type Options struct {
	Regions []ivs.Region
	// IVS is the watcher's own door to IVS: give it its own share of the
	// call budget (it waits for tokens; it never caches), so that pages
	// stay responsive whatever it does.
	IVS ivs.Service
	// MinCadence is the shortest time between the starts of two sweeps of
	// a region (default 2 s). With many live stages a sweep takes longer:
	// the budget sets the pace, and Region.Cadence says what it is.
	MinCadence time.Duration
	// CountEvery is how often a live session's connected participants are
	// counted again (default 30 s: counts cost the same calls as the pairs need). A session of more than one page is
	// counted one page per sweep, so its count ages: Session.ConnectedAt.
	CountEvery time.Duration
	// Recall returns the last protection history knows for each redundant
	// configuration of a region (by ARN), so that a restart neither
	// repeats nor misses a transition.
	Recall func(ctx context.Context, region ivs.Region) (map[string]ivs.Protection, error)
	// OnTransitions receives each sweep's transitions, in order, after the
	// snapshot that shows them is published (history, alerts).
	OnTransitions func(ctx context.Context, ts []history.Transition)
	// OnSamples receives points of the live stages' participants-over-time
	// charts: a stage's counts when they change, and at least every
	// SampleEvery (default 1 minute).
	OnSamples   func(ctx context.Context, ss []history.Sample)
	SampleEvery time.Duration
	Now         func() time.Time
	Logger      *slog.Logger
}

// Watcher keeps the live model of every watched region.
type Watcher struct {
	opts    Options
	snap    atomic.Pointer[Snapshot]
	mu      sync.Mutex // guards publishing and subs
	version uint64
	subs    map[chan struct{}]struct{}
}

// New builds a watcher; Run starts it.
func New(o Options) *Watcher {
	if o.MinCadence <= 0 {
		o.MinCadence = 2 * time.Second
	}
	if o.SampleEvery <= 0 {
		o.SampleEvery = time.Minute
	}
	if o.CountEvery <= 0 {
		o.CountEvery = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	w := &Watcher{opts: o, subs: map[chan struct{}]struct{}{}}
	s := &Snapshot{}
	for _, r := range o.Regions {
		s.Regions = append(s.Regions, &Region{Region: r})
	}
	w.snap.Store(s)
	return w
}

// Snapshot is the model now. It is never changed: keep it as long as needed.
func (w *Watcher) Snapshot() *Snapshot { return w.snap.Load() }

// Subscribe returns a channel that receives a signal after each new
// snapshot (signals coalesce: read Snapshot when one arrives), and the
// function that ends the subscription.
func (w *Watcher) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.subs, ch)
		w.mu.Unlock()
	}
}

// Run sweeps every region until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, r := range w.opts.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			newRegionWatcher(w, r).run(ctx)
		}()
	}
	wg.Wait()
}

// publish replaces one region's model and tells the subscribers.
func (w *Watcher) publish(rg *Region) {
	w.mu.Lock()
	old := w.snap.Load()
	next := &Snapshot{Version: w.version + 1, Changed: old.Changed, Regions: make([]*Region, len(old.Regions))}
	for i, r := range old.Regions {
		if r.Region == rg.Region {
			if r.fingerprint() != rg.fingerprint() {
				next.Changed++
			}
			r = rg
		}
		next.Regions[i] = r
	}
	w.version++
	w.snap.Store(next)
	for ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	w.mu.Unlock()
}
