package watch

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// The program output in the live model: each stage's compositions that have
// not stopped, with their destinations. A destination that is RECONNECTING
// or FAILED, or a FAILED composition, makes its live stage a problem.
//
// Every field is a plain value (JSON-serializable), like the rest of the
// model's stages.

// maxCompositionPages bounds one sweep's ListCompositions (100 per page; the
// region allows 100 running compositions).
const maxCompositionPages = 3

// Output is one composition of a stage, as the watcher last saw it.
type Output struct {
	ARN          string
	State        string
	Start        time.Time
	Destinations []OutputDestination
}

// OutputDestination is one destination of a composition. Name, Kind and
// Target come from GetComposition (empty if it could not be read).
type OutputDestination struct {
	ID     string
	Name   string
	Kind   string // "IVS channel", "S3 recording"
	Target string // the channel ARN or the storage configuration ARN
	State  string
	// Since is when the watcher first saw the destination in State.
	Since time.Time
}

// Failing reports whether the destination is not delivering.
func (d OutputDestination) Failing() bool {
	return d.State == ivs.DestinationReconnecting || d.State == ivs.CompositionFailed
}

// Label is the destination's name, else its kind and id.
func (d OutputDestination) Label() string {
	if d.Name != "" {
		return d.Name
	}
	if d.Kind != "" {
		return d.Kind + " " + d.ID
	}
	return "destination " + d.ID
}

// Problem reports whether the composition fails or one of its destinations does.
func (o Output) Problem() bool {
	if o.State == ivs.CompositionFailed {
		return true
	}
	for _, d := range o.Destinations {
		if d.Failing() {
			return true
		}
	}
	return false
}

// outputHealth is what a live stage's compositions make of its health: down
// when one failed (nothing reaches any destination), degraded when a
// destination is lost.
func outputHealth(outs []Output) Health {
	h := HealthOK
	for _, o := range outs {
		switch {
		case o.State == ivs.CompositionFailed:
			return HealthDown
		case o.Problem():
			h = HealthDegraded
		}
	}
	return h
}

// outputsSince is when the earliest current output problem was first seen.
func outputsSince(outs []Output, fallback time.Time) time.Time {
	var t time.Time
	for _, o := range outs {
		for _, d := range o.Destinations {
			if (d.Failing() || o.State == ivs.CompositionFailed) && (t.IsZero() || d.Since.Before(t)) {
				t = d.Since
			}
		}
	}
	if t.IsZero() {
		return fallback
	}
	return t
}

// compositions lists the region's compositions (one paginated list per
// sweep) and returns those not stopped, by stage, as the model shows them.
// It reads a composition in full once, then only when one of its
// destinations is not ACTIVE and its states changed since the last read.
func (rw *regionWatcher) compositions(ctx context.Context, now time.Time) (map[string][]Output, error) {
	svc := rw.w.opts.IVS
	list, err := collect(ctx, maxCompositionPages, func(ctx context.Context, q ivs.ListQuery) (ivs.Page[ivs.Composition], error) {
		return svc.ListCompositions(ctx, rw.region, ivs.CompositionQuery{ListQuery: q})
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]Output{}
	seen := map[string]bool{}
	for _, c := range list {
		if c.State == ivs.CompositionStopped {
			continue
		}
		seen[c.ARN] = true
		full, err := rw.compositionDetail(ctx, c)
		if err != nil {
			return nil, err
		}
		o := Output{ARN: c.ARN, State: c.State, Start: c.StartTime}
		prev := rw.base.output(c.StageARN, c.ARN)
		for _, d := range c.Destinations {
			od := OutputDestination{ID: d.ID, State: d.State, Since: now}
			if fd, ok := destinationOf(full, d.ID); ok {
				od.Name, od.Kind = fd.Name, fd.Kind()
				od.Target = fd.ChannelARN + fd.StorageConfigurationARN
			}
			pd, known := prev.destination(d.ID)
			switch {
			case known && pd.State == d.State:
				od.Since = pd.Since
			case !known && d.State == ivs.CompositionActive && !d.StartTime.IsZero():
				// First sight of a destination that delivers: since it
				// started (a failing one's start of failure is unknown).
				od.Since = d.StartTime
			}
			o.Destinations = append(o.Destinations, od)
		}
		out[c.StageARN] = append(out[c.StageARN], o)
	}
	rw.mu.Lock()
	for arn := range rw.detail {
		if !seen[arn] {
			delete(rw.detail, arn) // stopped or gone: forget it
		}
	}
	rw.mu.Unlock()
	return out, nil
}

// compositionDetail returns the full composition the watcher holds for a
// summary: read once when first seen (for its destinations' names and
// targets), and again only when a destination is not ACTIVE and the states
// differ from the held one's.
func (rw *regionWatcher) compositionDetail(ctx context.Context, sum ivs.Composition) (ivs.Composition, error) {
	rw.mu.Lock()
	held, ok := rw.detail[sum.ARN]
	rw.mu.Unlock()
	if ok && (!needsDetail(sum) || sameStates(held, sum)) {
		return held, nil
	}
	full, err := rw.w.opts.IVS.GetComposition(ctx, rw.region, sum.ARN)
	if ivs.IsNotFound(err) {
		return held, nil // deleted in between
	}
	if err != nil {
		return ivs.Composition{}, err
	}
	rw.mu.Lock()
	rw.detail[sum.ARN] = full
	rw.mu.Unlock()
	return full, nil
}

func needsDetail(c ivs.Composition) bool {
	if c.State != ivs.CompositionActive {
		return c.State == ivs.CompositionFailed
	}
	for _, d := range c.Destinations {
		if d.State != ivs.CompositionActive {
			return true
		}
	}
	return false
}

func sameStates(a, b ivs.Composition) bool {
	if a.State != b.State || len(a.Destinations) != len(b.Destinations) {
		return false
	}
	for i := range a.Destinations {
		if a.Destinations[i].ID != b.Destinations[i].ID || a.Destinations[i].State != b.Destinations[i].State {
			return false
		}
	}
	return true
}

func destinationOf(c ivs.Composition, id string) (ivs.Destination, bool) {
	for _, d := range c.Destinations {
		if d.ID == id {
			return d, true
		}
	}
	return ivs.Destination{}, false
}

func (r *Region) output(stageARN, arn string) *Output {
	st := r.stage(stageARN)
	if st == nil {
		return nil
	}
	for i := range st.Outputs {
		if st.Outputs[i].ARN == arn {
			return &st.Outputs[i]
		}
	}
	return nil
}

func (o *Output) destination(id string) (OutputDestination, bool) {
	if o == nil {
		return OutputDestination{}, false
	}
	for _, d := range o.Destinations {
		if d.ID == id {
			return d, true
		}
	}
	return OutputDestination{}, false
}

// destinationState is a destination's state as history records it.
func destinationState(s string) string { return strings.ToLower(s) }

// outputTransitions compares a stage's program output between two sweeps:
// a destination whose state changed into or out of a failure (or a failing
// one whose composition stopped) is a KindDestination transition, which
// notify turns into an alert and its resolution.
//
// recalled (first sweep only) is each destination's state as history last
// recorded it: a destination still failing is not announced again.
func outputTransitions(region string, ps, st *Stage, recalled map[string]history.RecalledDestination, now time.Time) []history.Transition {
	var out []history.Transition
	var prevOuts []Output
	if ps != nil {
		prevOuts = ps.Outputs
	}
	base := history.Transition{Region: region, Kind: history.KindDestination, StageARN: st.Stage.ARN}
	if st.Session != nil {
		base.SessionID = st.Session.ID
	}
	add := func(o Output, d OutputDestination, from, to string, at time.Time) {
		t := base
		t.Time, t.Subject, t.Detail = at, o.ARN, d.ID
		t.SubjectName = d.Label() + " of composition " + ivs.IDFromARN(o.ARN)
		t.From, t.To = destinationState(from), destinationState(to)
		t.Cause = ivs.ExplainDestination(to, d.Kind)
		out = append(out, t)
	}
	for _, o := range st.Outputs {
		po := outputIn(prevOuts, o.ARN)
		for _, d := range o.Destinations {
			to := effectiveState(o, d)
			from := ""
			if pd, ok := po.destination(d.ID); ok {
				from = effectiveState(*po, pd)
			} else if r, ok := recalled[o.ARN+" "+d.ID]; ok {
				from = strings.ToUpper(r.State)
			}
			if from == to || (!failing(from) && !failing(to)) {
				continue
			}
			add(o, d, from, to, d.Since)
		}
	}
	for _, po := range prevOuts {
		if outputIn(st.Outputs, po.ARN) != nil {
			continue
		}
		for _, d := range po.Destinations {
			if from := effectiveState(po, d); failing(from) {
				add(po, d, from, ivs.CompositionStopped, now)
			}
		}
	}
	return out
}

// effectiveState is a destination's state, FAILED when its composition failed.
func effectiveState(o Output, d OutputDestination) string {
	if o.State == ivs.CompositionFailed {
		return ivs.CompositionFailed
	}
	return d.State
}

func failing(state string) bool {
	return state == ivs.DestinationReconnecting || state == ivs.CompositionFailed
}

func outputIn(outs []Output, arn string) *Output {
	for i := range outs {
		if outs[i].ARN == arn {
			return &outs[i]
		}
	}
	return nil
}

// recalledEnded resolves, on the first sweep, the destinations history last
// recorded as failing whose composition the sweep no longer sees (it ended
// while no watcher ran): a cause is shown only while it is current.
func recalledEnded(region string, next *Region, recalled map[string]history.RecalledDestination, now time.Time) []history.Transition {
	var out []history.Transition
	for key, r := range recalled {
		arn, id, _ := strings.Cut(key, " ")
		if !failing(strings.ToUpper(r.State)) || next.seesOutput(arn) {
			continue
		}
		out = append(out, history.Transition{Time: now, Region: region, Kind: history.KindDestination, StageARN: r.StageARN,
			Subject: arn, Detail: id, SubjectName: r.Name, From: r.State, To: destinationState(ivs.CompositionStopped)})
	}
	slices.SortFunc(out, func(a, b history.Transition) int { return strings.Compare(a.Subject+a.Detail, b.Subject+b.Detail) })
	return out
}

// seesOutput reports whether any stage of the region has the composition.
func (r *Region) seesOutput(arn string) bool {
	for _, st := range r.Stages {
		if outputIn(st.Outputs, arn) != nil {
			return true
		}
	}
	return false
}
