package watch

import (
	"context"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/events"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func stageEvent(name, participant string, at time.Time) events.Event {
	return events.Event{ID: name + participant + at.String(), Time: at, DetailType: events.DetailStageUpdate, Name: name,
		StageArn: stageARN(liveID), SessionID: sessionID, ParticipantID: participant}
}

// An event moves an encoder at once, with the same transitions and alert
// a sweep would have made, without an IVS call.
func TestAnEventMovesAnEncoderWithoutACall(t *testing.T) {
	h := newHarness(t, world(), nil)
	h.sweep()
	calls := h.f.CallCounts()
	at := h.now.Add(time.Second)
	h.rw.applyEvents(context.Background(), []events.Event{
		{DetailType: events.DetailStageUpdate, Name: events.ParticipantPublishError, StageArn: stageARN(liveID), SessionID: sessionID, ParticipantID: encA, ErrorCode: "BITRATE_EXCEEDED", Time: at},
		stageEvent(events.ParticipantUnpublished, encA, at),
	})
	p := h.pair(pairID)
	if p.Protection != ivs.Degraded || p.Encoders[0].Publishing || p.Encoders[0].Cause != "PUBLISH_ERROR: BITRATE_EXCEEDED" || !p.Since.Equal(at) {
		t.Fatalf("after the drop: %s, encoder %+v since %v", p.Protection, p.Encoders[0], p.Since)
	}
	st := h.w.Snapshot().Stage(region, stageARN(liveID))
	if st.Health != HealthDegraded || !st.Since.Equal(at) || st.Session.Publishers != 1 {
		t.Errorf("stage %s since %v, %d publishers", st.Health, st.Since, st.Session.Publishers)
	}
	h.mu.Lock()
	ts := h.ts
	h.mu.Unlock()
	if find(ts, history.KindPair, "protected", "degraded") == nil || find(ts, history.KindEncoder, "publishing", "not publishing") == nil {
		t.Errorf("transitions: %+v", ts)
	}
	if now := h.f.CallCounts(); len(now) != len(calls) || sum(now) != sum(calls) {
		t.Errorf("events made IVS calls: %v -> %v", calls, now)
	}
	if ev := h.w.Snapshot().Region(region).Events; !ev.Last.Equal(at) {
		t.Errorf("last event %v, want %v", ev.Last, at)
	}
}

// Events come out of order (AWS says so): a batch is applied in event
// time, and an event older than the model's fact changes nothing.
func TestEventsInEventTimeAndOldOnesIgnored(t *testing.T) {
	h := newHarness(t, world(), nil)
	h.sweep()
	t1, t2 := h.now.Add(time.Second), h.now.Add(2*time.Second)
	// Published (t2) arrives before Unpublished (t1): the encoder publishes.
	h.rw.applyEvents(context.Background(), []events.Event{stageEvent(events.ParticipantPublished, encB, t2), stageEvent(events.ParticipantUnpublished, encB, t1)})
	if p := h.pair(pairID); p.Protection != ivs.Protected || !p.Encoders[1].Publishing {
		t.Fatalf("after unpublished then published: %s %+v", p.Protection, p.Encoders[1])
	}
	// A late Unpublished from before the model's fact is ignored.
	h.rw.applyEvents(context.Background(), []events.Event{stageEvent(events.ParticipantUnpublished, encB, t1.Add(-time.Minute))})
	if p := h.pair(pairID); p.Protection != ivs.Protected {
		t.Fatalf("a late event moved the encoder: %s", p.Protection)
	}
}

// An event the model cannot place asks for a sweep soon; healthy events
// slow the sweeps to reconciliation, unhealthy ones bring polling back.
func TestCadenceFollowsTheEvents(t *testing.T) {
	h := newHarness(t, world(), nil)
	h.sweep()
	src := &fakeSource{ok: true}
	last := h.now
	o := h.w.opts
	if due := h.rw.nextSweep(src, last, 0); !due.Equal(last.Add(o.ReconcileEvery)) {
		t.Errorf("healthy events: next sweep %v after the last, want %v", due.Sub(last), o.ReconcileEvery)
	}
	h.rw.applyEvents(context.Background(), []events.Event{{DetailType: events.DetailStageUpdate, Name: events.ParticipantPublished, StageArn: stageARN(liveID), SessionID: "st-NEWSESSION01", ParticipantID: encA, Time: h.now.Add(time.Second)}})
	if !h.rw.nudge {
		t.Error("an event of a session the model does not know does not ask for a sweep")
	}
	if due := h.rw.nextSweep(src, last, 0); !due.Equal(last.Add(o.MinCadence)) {
		t.Errorf("nudged: next sweep %v after the last, want %v", due.Sub(last), o.MinCadence)
	}
	h.rw.nudge = false
	src.ok = false
	if due := h.rw.nextSweep(src, last, 0); !due.Equal(last.Add(o.MinCadence)) {
		t.Errorf("unhealthy events: next sweep %v after the last, want %v", due.Sub(last), o.MinCadence)
	}
	if due := h.rw.nextSweep(nil, last, 3*time.Second); !due.Equal(last.Add(3 * time.Second)) {
		t.Errorf("no events: next sweep %v after the last", due.Sub(last))
	}
}

type fakeSource struct{ ok bool }

func (f *fakeSource) Run(ctx context.Context, _ func(context.Context, []events.Event) error) error {
	<-ctx.Done()
	return nil
}
func (f *fakeSource) Healthy() (bool, string) { return f.ok, "silent for 10 minutes" }

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// An event that arrives while a sweep runs is not undone by the sweep's
// older reading of IVS: it is applied again on top, and nothing flaps.
func TestAnEventDuringASweepOutlivesTheSweep(t *testing.T) {
	h := newHarness(t, world(), nil)
	h.sweep()
	h.now = h.now.Add(5 * time.Second)
	start := h.now
	h.rw.base, h.rw.applied = h.rw.prev, nil
	rg, err := h.rw.sweep(context.Background(), start) // reads IVS: both encoders publish
	if err != nil {
		t.Fatal(err)
	}
	drop := stageEvent(events.ParticipantUnpublished, encA, start.Add(time.Second)) // IVS says A stopped, after the sweep read
	h.rw.applyEvents(context.Background(), []events.Event{drop})
	h.rw.applied = append(h.rw.applied, drop)
	if p := h.pair(pairID); p.Protection != ivs.Degraded {
		t.Fatalf("the event: %s", p.Protection)
	}
	h.mu.Lock()
	n := len(h.ts)
	h.mu.Unlock()
	h.rw.finish(context.Background(), sweepResult{rg, nil, start}, 0)
	if p := h.pair(pairID); p.Protection != ivs.Degraded || p.Encoders[0].Publishing {
		t.Fatalf("the sweep undid the event: %s %+v", p.Protection, p.Encoders[0])
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, tr := range h.ts[n:] {
		if tr.Kind == history.KindPair || tr.Kind == history.KindEncoder {
			t.Errorf("the sweep made a transition back: %+v", tr)
		}
	}
}
