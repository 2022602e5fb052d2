package watch

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/metrics"
)

const channelARN = "arn:aws:ivs:us-east-1:123456789012:channel/ProgramCh001"

// withOutput adds a composition of the live stage to a channel and S3.
func withOutput(h *harness) ivs.Composition {
	return h.f.AddComposition(ivs.Composition{StageARN: stageARN(liveID), State: ivs.CompositionActive, StartTime: t0,
		Destinations: []ivs.Destination{
			{ID: "dest-channel", Name: "program-channel", State: ivs.CompositionActive, ChannelARN: channelARN},
			{ID: "dest-s3", Name: "archive", State: ivs.CompositionActive, StorageConfigurationARN: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Store0001"},
		}})
}

func TestAFailingDestinationMakesTheStageAProblemUntilItRecovers(t *testing.T) {
	h := newHarness(t, world(), nil)
	comp := withOutput(h)
	if ts := h.sweep(); find(ts, history.KindDestination, "", "active") != nil {
		t.Fatalf("a healthy destination is no transition: %+v", ts)
	}
	live := h.w.Snapshot().Stage(region, stageARN(liveID))
	if live.Health != HealthOK || len(live.Outputs) != 1 || live.Outputs[0].Destinations[0].Name != "program-channel" {
		t.Fatalf("healthy output: %s %+v", live.Health, live.Outputs)
	}
	gets := h.f.Calls("GetComposition")

	// Steady: no more reads of the composition.
	h.sweep()
	if n := h.f.Calls("GetComposition"); n != gets {
		t.Fatalf("an unchanged ACTIVE composition was read again (%d -> %d)", gets, n)
	}

	h.f.SetDestinationState(comp.ARN, "dest-channel", ivs.DestinationReconnecting)
	failedAt := h.now.Add(5 * time.Second)
	ts := h.sweep()
	tr := find(ts, history.KindDestination, "active", "reconnecting")
	if tr == nil || tr.Subject != comp.ARN || tr.Detail != "dest-channel" || !strings.Contains(tr.Cause, "reconnecting") || !strings.Contains(tr.SubjectName, "program-channel") {
		t.Fatalf("the failure's transition: %+v", ts)
	}
	live = h.w.Snapshot().Stage(region, stageARN(liveID))
	if live.Health != HealthDegraded || !live.Health.Problem() || !live.Since.Equal(failedAt) || h.w.Snapshot().Problems() != 1 {
		t.Fatalf("a lost destination: %s since %v, want degraded since %v", live.Health, live.Since, failedAt)
	}
	if d := live.Outputs[0].Destinations[0]; !d.Failing() || !d.Since.Equal(failedAt) || d.Kind != "IVS channel" || d.Target != channelARN {
		t.Fatalf("the destination in the model: %+v", d)
	}
	if testutil.ToFloat64(metrics.CompositionDestinationState.WithLabelValues(string(region), liveID, comp.ID, "dest-channel", "program-channel", "reconnecting")) != 1 {
		t.Fatal("the gauge does not say reconnecting")
	}
	// Still failing: the same since, no new transition, no new read.
	gets = h.f.Calls("GetComposition")
	if ts := h.sweep(); len(ts) != 0 || h.f.Calls("GetComposition") != gets {
		t.Fatalf("nothing changed, yet %+v (%d reads)", ts, h.f.Calls("GetComposition")-gets)
	}
	if d := h.w.Snapshot().Stage(region, stageARN(liveID)).Outputs[0].Destinations[0]; !d.Since.Equal(failedAt) {
		t.Fatalf("since moved: %v", d.Since)
	}

	h.f.SetDestinationState(comp.ARN, "dest-channel", ivs.CompositionActive)
	ts = h.sweep()
	if find(ts, history.KindDestination, "reconnecting", "active") == nil {
		t.Fatalf("recovery: %+v", ts)
	}
	if live := h.w.Snapshot().Stage(region, stageARN(liveID)); live.Health != HealthOK {
		t.Fatalf("after recovery: %s", live.Health)
	}
}

func TestAStoppedCompositionIsNoProblemAndResolvesItsFailure(t *testing.T) {
	h := newHarness(t, world(), nil)
	comp := withOutput(h)
	h.f.SetDestinationState(comp.ARN, "dest-s3", ivs.CompositionFailed)
	if ts := h.sweep(); find(ts, history.KindDestination, "", "failed") == nil {
		t.Fatalf("first sight of a failed destination: %+v", ts)
	}
	if err := h.f.StopComposition(t.Context(), region, comp.ARN); err != nil {
		t.Fatal(err)
	}
	ts := h.sweep()
	if find(ts, history.KindDestination, "failed", "stopped") == nil {
		t.Fatalf("stopping resolves: %+v", ts)
	}
	live := h.w.Snapshot().Stage(region, stageARN(liveID))
	if live.Health != HealthOK || len(live.Outputs) != 0 {
		t.Fatalf("a stopped composition: %s %+v", live.Health, live.Outputs)
	}
}

func TestAFailedCompositionIsDown(t *testing.T) {
	h := newHarness(t, world(), nil)
	h.f.AddComposition(ivs.Composition{StageARN: stageARN(liveID), State: ivs.CompositionFailed,
		Destinations: []ivs.Destination{{ID: "d1", State: ivs.CompositionStopped, ChannelARN: channelARN}}})
	h.sweep()
	if live := h.w.Snapshot().Stage(region, stageARN(liveID)); live.Health != HealthDown {
		t.Fatalf("a failed composition: %s", live.Health)
	}
}

// The model is shared between replicas as JSON: outputs must round-trip.
func TestOutputsSerialize(t *testing.T) {
	h := newHarness(t, world(), nil)
	withOutput(h)
	h.sweep()
	st := h.w.Snapshot().Stage(region, stageARN(liveID))
	b, err := json.Marshal(st.Outputs)
	if err != nil {
		t.Fatal(err)
	}
	var back []Output
	if err := json.Unmarshal(b, &back); err != nil || len(back) != 1 || back[0].Destinations[1].Name != "archive" || !back[0].Destinations[0].Since.Equal(st.Outputs[0].Destinations[0].Since) {
		t.Fatalf("round trip: %s -> %+v, %v", b, back, err)
	}
}

// A new leader (or a restarted watcher) recalls the destinations from
// history: one still failing is not announced again, one that recovered
// meanwhile is resolved, and one whose composition ended is resolved too.
func TestRecalledDestinationsAreNeitherRepeatedNorLeftOpen(t *testing.T) {
	h := newHarness(t, world(), nil)
	comp := withOutput(h)
	h.f.SetDestinationState(comp.ARN, "dest-channel", ivs.DestinationReconnecting)
	gone := "arn:aws:ivs:us-east-1:123456789012:composition/Gone00000001"
	h.rw.recalledDest = map[string]history.RecalledDestination{
		comp.ARN + " dest-channel": {State: "reconnecting", StageARN: stageARN(liveID)},
		comp.ARN + " dest-s3":      {State: "failed", StageARN: stageARN(liveID)},
		gone + " dest-x":           {State: "reconnecting", StageARN: stageARN(liveID), Name: "program of composition Gone00000001"},
	}
	ts := h.sweep()
	if tr := find(ts, history.KindDestination, "", "reconnecting"); tr != nil {
		t.Errorf("a destination still failing was announced again: %+v", tr)
	}
	if tr := find(ts, history.KindDestination, "failed", "active"); tr == nil || tr.Detail != "dest-s3" {
		t.Errorf("the destination that recovered meanwhile is not resolved: %+v", ts)
	}
	if tr := find(ts, history.KindDestination, "reconnecting", "stopped"); tr == nil || tr.Subject != gone || tr.Detail != "dest-x" || tr.StageARN != stageARN(liveID) {
		t.Errorf("the destination of the composition that ended is not resolved: %+v", ts)
	}
	n := 0
	for _, tr := range ts {
		if tr.Kind == history.KindDestination {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d destination transitions, want 2: %+v", n, ts)
	}
	if ts := h.sweep(); len(ts) != 0 {
		t.Errorf("the next sweep: %+v", ts)
	}
}

// A destination that delivers when first seen has delivered since it
// started, not since the watcher looked.
func TestADeliveringDestinationIsActiveSinceItsStart(t *testing.T) {
	h := newHarness(t, world(), nil)
	h.f.AddComposition(ivs.Composition{StageARN: stageARN(liveID), State: ivs.CompositionActive, StartTime: t0,
		Destinations: []ivs.Destination{{ID: "dest-channel", Name: "program-channel", State: ivs.CompositionActive, StartTime: t0, ChannelARN: channelARN}}})
	h.sweep()
	d := h.w.Snapshot().Stage(region, stageARN(liveID)).Outputs[0].Destinations[0]
	if !d.Since.Equal(t0) {
		t.Errorf("active since %v, want its start %v", d.Since, t0)
	}
}
