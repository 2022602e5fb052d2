package watch

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/events"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// EventSource delivers a region's events: Run calls apply with batches in
// event-time order and takes a batch off the queue only once apply returned
// nil. Healthy says whether events can be relied on now (the queue answers
// and is not silent for too long); while they cannot, the watcher polls at
// its full cadence.
// *events.Consumer is one.
type EventSource interface {
	Run(ctx context.Context, apply func(ctx context.Context, evs []events.Event) error) error
	Healthy() (ok bool, why string)
}

// EventsState is what the board says of a region's events.
type EventsState struct {
	On      bool      // a queue is configured
	Healthy bool      // events are relied on: the sweeps only reconcile
	Why     string    // why not, when not healthy
	Last    time.Time // the newest event applied
}

// participantEvents maps a stage event to the participant event of
// ListParticipantEvents that means the same, so that an encoder is judged
// by one rule whether IVS told or the watcher asked.
var participantEvents = map[string]string{
	events.ParticipantPublished:    "PUBLISH_STARTED",
	events.ParticipantUnpublished:  "PUBLISH_STOPPED",
	events.ParticipantPublishError: "PUBLISH_ERROR",
}

// applyEvents folds a batch into the region's model and publishes it, with
// the transitions it makes. An event older than the model's fact is
// ignored; one the model cannot place (a stage or session it does not know
// yet, a composition change) asks for a sweep soon instead.
func (rw *regionWatcher) applyEvents(ctx context.Context, evs []events.Event) {
	o := rw.w.opts
	now := o.Now()
	slices.SortStableFunc(evs, func(a, b events.Event) int { return a.Time.Compare(b.Time) })
	next := rw.prev.cloneForEvents()
	changed, newest := false, rw.prev.Events.Last
	for _, ev := range evs {
		switch {
		case ev.DetailType == events.DetailStageUpdate && participantEvents[ev.Name] != "":
			applied, look := next.applyParticipant(ev)
			changed = changed || applied
			rw.nudge = rw.nudge || look
		case ev.DetailType == events.DetailCompositionState:
			rw.nudge = true // destinations are read in full by the next sweep
		}
		if ev.Time.After(newest) {
			newest = ev.Time
		}
	}
	if !changed && !newest.After(rw.prev.Events.Last) {
		return
	}
	slices.SortStableFunc(next.Stages, byHealth)
	next.Events = rw.eventsState(o.Events[rw.region])
	next.Events.Last = newest
	ts := transitions(rw.prev, next, nil, nil, now)
	rw.prev = next
	rw.w.publish(next)
	if len(ts) > 0 && o.OnTransitions != nil {
		o.OnTransitions(ctx, ts)
	}
}

// reapply applies again, to a sweep's fresh model, the events that came
// while the sweep ran; those older than what it read change nothing.
func (r *Region) reapply(evs []events.Event) {
	slices.SortStableFunc(evs, func(a, b events.Event) int { return a.Time.Compare(b.Time) })
	for _, ev := range evs {
		if ev.DetailType == events.DetailStageUpdate && participantEvents[ev.Name] != "" {
			r.applyParticipant(ev)
		}
		if ev.Time.After(r.Events.Last) {
			r.Events.Last = ev.Time
		}
	}
	slices.SortStableFunc(r.Stages, byHealth)
}

// cloneForEvents copies the region so that events can change it without
// touching a published snapshot (stages are copied when changed).
func (r *Region) cloneForEvents() *Region {
	c := *r
	c.Stages = slices.Clone(r.Stages)
	return &c
}

// applyParticipant applies a publish event. applied: the model changed;
// look: a sweep should look soon (the model does not know the stage or the
// session, or a pair went down: no event says a session ended, and a pair
// whose encoders stopped with their session is idle, not down).
func (r *Region) applyParticipant(ev events.Event) (applied, look bool) {
	i := slices.IndexFunc(r.Stages, func(s *Stage) bool { return s.Stage.ARN == ev.StageArn })
	if i < 0 {
		return false, true
	}
	old := r.Stages[i]
	if old.Session == nil || old.Session.ID != ev.SessionID {
		// A session the model has not seen: a sweep reads it. An event of
		// a session that ended before the current one began is just late.
		return false, old.Session == nil || !ev.Time.Before(old.Session.Start)
	}
	st := *old
	sess := *old.Session
	st.Session = &sess
	name := participantEvents[ev.Name]
	for j := range st.Pairs {
		k := slices.IndexFunc(st.Pairs[j].Encoders, func(e ivs.Encoder) bool { return e.ParticipantID == ev.ParticipantID })
		if k < 0 {
			continue
		}
		if ev.Time.Before(st.Pairs[j].Encoders[k].LastChange) {
			return false, false // older than what the model knows
		}
		st.Pairs = slices.Clone(st.Pairs)
		p := &st.Pairs[j]
		p.Encoders = slices.Clone(p.Encoders)
		e := &p.Encoders[k]
		wasPublishing := e.Publishing
		if name == "PUBLISH_STARTED" {
			e.Seen, e.Connected = true, true
		}
		e.ApplyEvents(append(recentError(*e), ivs.ParticipantEvent{Name: name, Time: ev.Time, ErrorCode: ev.ErrorCode}))
		p.Reassess()
		countPublisher(&sess, wasPublishing, e.Publishing, ev.Time)
		st.Health = healthOf(true, st.Pairs, st.Outputs)
		st.Since = healthSince(old, &st, ev.Time)
		r.Stages[i] = &st
		return true, p.Protection == ivs.Down
	}
	// Not an encoder of a pair: only the count of publishers moves (a
	// publish error of someone not publishing moves nothing).
	switch name {
	case "PUBLISH_STARTED":
		countPublisher(&sess, false, true, ev.Time)
	case "PUBLISH_STOPPED":
		countPublisher(&sess, true, false, ev.Time)
	default:
		return false, false
	}
	r.Stages[i] = &st
	return true, false
}

// recentError is the encoder's current cause as an event when it is an
// error: the stop that follows an error (PUBLISH_ERROR, then Unpublished)
// keeps the error as its why, as the timeline of a sweep does.
func recentError(e ivs.Encoder) []ivs.ParticipantEvent {
	if !e.CauseError {
		return nil
	}
	name, code, _ := strings.Cut(e.Cause, ": ")
	return []ivs.ParticipantEvent{{Name: name, ErrorCode: code, Time: e.LastChange}}
}

// countPublisher moves a session's publisher count by an encoder's change
// (the next reconciliation counts again).
func countPublisher(s *Session, was, is bool, at time.Time) {
	switch {
	case is && !was:
		s.Publishers++
	case was && !is && s.Publishers > 0:
		s.Publishers--
	default:
		return
	}
	s.PublishersAt = at
}
