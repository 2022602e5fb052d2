package watch

import (
	"sync"
	"sync/atomic"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Model is the published live model and its subscribers. A watcher writes
// it; on a replica that does not lead, the leader's regions arrive from the
// shared store instead. Everything that reads the live model (the board,
// server push, the health columns, the gauges) reads a Model, so it does
// not matter which replica swept.
type Model struct {
	snap    atomic.Pointer[Snapshot]
	mu      sync.Mutex // guards publishing and subs
	version uint64
	subs    map[chan struct{}]struct{}
}

// NewModel is an empty model of the regions.
func NewModel(regions []ivs.Region) *Model {
	m := &Model{subs: map[chan struct{}]struct{}{}}
	s := &Snapshot{}
	for _, r := range regions {
		s.Regions = append(s.Regions, &Region{Region: r})
	}
	m.snap.Store(s)
	return m
}

// Snapshot is the model now. It is never changed: keep it as long as needed.
func (m *Model) Snapshot() *Snapshot { return m.snap.Load() }

// Subscribe returns a channel that receives a signal after each new
// snapshot (signals coalesce: read Snapshot when one arrives), and the
// function that ends the subscription.
func (m *Model) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	m.mu.Lock()
	m.subs[ch] = struct{}{}
	m.mu.Unlock()
	return ch, func() {
		m.mu.Lock()
		delete(m.subs, ch)
		m.mu.Unlock()
	}
}

// Put replaces one region's model and tells the subscribers. It refuses
// (false) a region it does not hold, and one older than what it holds: a
// late write of a former leader must not take the board back in time.
func (m *Model) Put(rg *Region) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.snap.Load()
	next := &Snapshot{Version: m.version + 1, Changed: old.Changed, Regions: make([]*Region, len(old.Regions))}
	found := false
	for i, r := range old.Regions {
		if r.Region == rg.Region {
			if rg.SweptAt.Before(r.SweptAt) {
				return false
			}
			if r.fingerprint() != rg.fingerprint() {
				next.Changed++
			}
			r, found = rg, true
		}
		next.Regions[i] = r
	}
	if !found {
		return false
	}
	m.version++
	m.snap.Store(next)
	exportMetrics(rg)
	for ch := range m.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	return true
}

// Pairs answers from the current snapshot (see Snapshot.Pairs).
func (m *Model) Pairs(r ivs.Region, stageARN, sessionID string) ([]ivs.Redundancy, bool) {
	return m.Snapshot().Pairs(r, stageARN, sessionID)
}
