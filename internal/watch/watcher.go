package watch

import (
	"context"
	"log/slog"
	"sync"
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
	// RecallDestinations does the same for composition destinations.
	RecallDestinations func(ctx context.Context, region ivs.Region) (map[string]history.RecalledDestination, error)
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
	// Events are the regions' IVS events (EventBridge through SQS), when
	// configured: they are applied as they come, and the sweeps slow down
	// to ReconcileEvery (default 2 min) while the source is healthy.
	Events         map[ivs.Region]EventSource
	ReconcileEvery time.Duration
	// Model is where the watcher publishes (default: a model of its own).
	// Share one between successive watchers of a replica that leads, loses
	// and regains the lead, and with whatever mirrors the leader's.
	Model *Model
}

// DefaultReconcileEvery is how often a region is swept while its events
// are healthy. AWS delivers events on a best-effort basis (rarely missing,
// late or out of order): a missed one is corrected within this interval,
// and a sweep of 20 live stages every 2 minutes spends about a tenth of
// the calls of polling at the budget's pace.
const DefaultReconcileEvery = 2 * time.Minute

// Watcher keeps the live model of every watched region.
type Watcher struct {
	opts  Options
	model *Model
}

// New builds a watcher; Run starts it.
func New(o Options) *Watcher {
	if o.MinCadence <= 0 {
		o.MinCadence = 2 * time.Second
	}
	if o.SampleEvery <= 0 {
		o.SampleEvery = time.Minute
	}
	if o.ReconcileEvery <= 0 {
		o.ReconcileEvery = DefaultReconcileEvery
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
	if o.Model == nil {
		o.Model = NewModel(o.Regions)
	}
	return &Watcher{opts: o, model: o.Model}
}

// Snapshot is the model now. It is never changed: keep it as long as needed.
func (w *Watcher) Snapshot() *Snapshot { return w.model.Snapshot() }

// Subscribe signals each new snapshot (see Model.Subscribe).
func (w *Watcher) Subscribe() (<-chan struct{}, func()) { return w.model.Subscribe() }

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
func (w *Watcher) publish(rg *Region) { w.model.Put(rg) }
