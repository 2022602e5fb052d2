// Package watch keeps the live model of every live stage: one watcher per
// region sweeps IVS within its own share of the call budget and publishes
// an immutable snapshot that the board, the health columns, server push,
// the Prometheus gauges, history and alerts all read. Nothing else asks
// IVS for live facts, so a hundred open boards cost what one does.
package watch

import (
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Health is a stage's state at a glance, worst first.
type Health int

const (
	HealthUnknown  Health = iota // not swept yet
	HealthDown                   // a redundant pair has no encoder publishing: off air
	HealthDegraded               // a redundant pair runs on one encoder
	HealthOK                     // live, every pair protected (or none to protect)
	HealthIdle                   // no live session
)

// String is the word every page uses.
func (h Health) String() string {
	switch h {
	case HealthDown:
		return "down"
	case HealthDegraded:
		return "degraded"
	case HealthOK:
		return "ok"
	case HealthIdle:
		return "idle"
	}
	return "unknown"
}

// Problem reports whether someone should act.
func (h Health) Problem() bool { return h == HealthDown || h == HealthDegraded }

// Snapshot is the model at one moment. It is never changed once published:
// readers may keep it.
type Snapshot struct {
	// Version counts published snapshots; Changed counts those whose facts
	// differed from the one before (not only their freshness): server
	// push sends on Changed.
	Version uint64
	Changed uint64
	Regions []*Region
}

// Region is what the watcher knows of one region.
type Region struct {
	Region ivs.Region
	// Stages are every stage of the region, worst first, then by name.
	Stages []*Stage
	// SweptAt is when the last complete sweep started (its facts are at
	// least that fresh); zero before the first.
	SweptAt time.Time
	// Cadence is the time between the starts of the last two sweeps.
	Cadence time.Duration
	// Err is the last sweep's failure (the facts are those of SweptAt).
	Err error
	// ErrSince is when sweeps started failing.
	ErrSince time.Time
	// Events says whether IVS's events feed the model between sweeps.
	Events EventsState
}

// Stage is one stage and, while it is live, its session.
type Stage struct {
	Region ivs.Region
	Stage  ivs.Stage
	// Session is nil when the stage has no live session.
	Session *Session
	// Pairs are the redundant ingest configurations attached to the stage.
	Pairs []Pair
	// Configs counts every ingest configuration attached to the stage.
	Configs int
	// Outputs are the stage's compositions that have not stopped (output.go).
	Outputs []Output
	Health  Health
	// Since is when Health last changed (as far as the watcher saw).
	Since time.Time
}

// Session is a live session's counts.
type Session struct {
	ID    string
	Start time.Time
	// Publishers is the number of participants publishing now, as of
	// PublishersAt: every sweep on a stage with redundant ingest (its
	// publishers are listed to judge the pairs), else with the count.
	Publishers   int
	PublishersAt time.Time
	// Connected is the number of participants connected, as of
	// ConnectedAt: a large session is counted a page per sweep, so its
	// count can be older than the sweep. Zero time: not counted yet.
	Connected   int
	ConnectedAt time.Time
}

// Pair is a redundant configuration and its encoders in the stage's live
// session (Protection idle when there is none).
type Pair struct {
	ivs.Redundancy
	// Since is when Protection last changed.
	Since time.Time
	// observed are the encoders as the participant list showed them,
	// before their timelines refined them: the next sweep reads a timeline
	// again only when this changes.
	observed []ivs.Encoder
}

// fingerprint sums up a region's facts, leaving out when they were seen.
func (r *Region) fingerprint() uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, r.Err != nil, r.Events.On, r.Events.Healthy, r.Events.Why)
	for _, st := range r.Stages {
		fmt.Fprint(h, st.Stage.ARN, st.Stage.Name, st.Health, st.Since.UnixNano(), st.Configs)
		if s := st.Session; s != nil {
			fmt.Fprint(h, s.ID, s.Start.UnixNano(), s.Publishers, s.Connected, s.ConnectedAt.UnixNano(), s.PublishersAt.IsZero())
		}
		for _, o := range st.Outputs {
			fmt.Fprint(h, o.ARN, o.State)
			for _, d := range o.Destinations {
				fmt.Fprint(h, d.ID, d.Name, d.State, d.Since.UnixNano())
			}
		}
		for _, p := range st.Pairs {
			fmt.Fprint(h, p.Config.ARN, p.Config.Name, p.Protection, p.Since.UnixNano())
			for _, e := range p.Encoders {
				fmt.Fprint(h, e.Seen, e.Connected, e.Publishing, e.Cause, e.LastChange.UnixNano())
			}
		}
	}
	return h.Sum64()
}

// Region returns the model of one region (nil when not watched).
func (s *Snapshot) Region(r ivs.Region) *Region {
	for _, rg := range s.Regions {
		if rg.Region == r {
			return rg
		}
	}
	return nil
}

// Stage returns a stage of a region by ARN.
func (s *Snapshot) Stage(r ivs.Region, stageARN string) *Stage {
	rg := s.Region(r)
	if rg == nil {
		return nil
	}
	for _, st := range rg.Stages {
		if st.Stage.ARN == stageARN {
			return st
		}
	}
	return nil
}

// Pair returns a redundant configuration of a region by ARN, with its stage.
func (s *Snapshot) Pair(r ivs.Region, configARN string) (*Pair, *Stage) {
	rg := s.Region(r)
	if rg == nil {
		return nil, nil
	}
	for _, st := range rg.Stages {
		for i := range st.Pairs {
			if st.Pairs[i].Config.ARN == configARN {
				return &st.Pairs[i], st
			}
		}
	}
	return nil, nil
}

// Live returns every live stage of every region, worst first.
func (s *Snapshot) Live() []*Stage {
	var out []*Stage
	for _, rg := range s.Regions {
		for _, st := range rg.Stages {
			if st.Session != nil {
				out = append(out, st)
			}
		}
	}
	slices.SortStableFunc(out, byHealth)
	return out
}

// Problems counts the stages someone should act on.
func (s *Snapshot) Problems() int {
	n := 0
	for _, rg := range s.Regions {
		for _, st := range rg.Stages {
			if st.Health.Problem() {
				n++
			}
		}
	}
	return n
}

// byHealth orders stages worst first, the longest-broken first among
// equals, then by name.
func byHealth(a, b *Stage) int {
	if a.Health != b.Health {
		return int(a.Health) - int(b.Health)
	}
	if !a.Since.Equal(b.Since) && a.Health.Problem() {
		return a.Since.Compare(b.Since)
	}
	return compareNames(a.Stage.DisplayName(), b.Stage.DisplayName())
}

func compareNames(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// healthOf is a stage's health from its pairs and its program output: the
// worse of the two.
func healthOf(live bool, pairs []Pair, outs []Output) Health {
	if !live {
		return HealthIdle
	}
	return min(pairsHealth(pairs), outputHealth(outs))
}

// pairsHealth is a live stage's health from its redundant pairs.
func pairsHealth(pairs []Pair) Health {
	h := HealthOK
	for _, p := range pairs {
		switch p.Protection {
		case ivs.Down:
			return HealthDown
		case ivs.Degraded:
			h = HealthDegraded
		}
	}
	return h
}

// Pairs are the judged redundant pairs of a stage's live session, when the
// model has a current view of it: the region's last sweep succeeded and
// saw that session live. Pages use it instead of judging again.
func (s *Snapshot) Pairs(r ivs.Region, stageARN, sessionID string) ([]ivs.Redundancy, bool) {
	rg := s.Region(r)
	if rg == nil || rg.Err != nil || rg.SweptAt.IsZero() {
		return nil, false
	}
	st := rg.stage(stageARN)
	if st == nil || st.Session == nil || st.Session.ID != sessionID {
		return nil, false
	}
	out := make([]ivs.Redundancy, len(st.Pairs))
	for i, p := range st.Pairs {
		out[i] = p.Redundancy
	}
	return out, true
}

// Pairs answers from the current snapshot (see Snapshot.Pairs).
func (w *Watcher) Pairs(r ivs.Region, stageARN, sessionID string) ([]ivs.Redundancy, bool) {
	return w.model.Pairs(r, stageARN, sessionID)
}
