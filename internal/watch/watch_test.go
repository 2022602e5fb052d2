package watch

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
	"github.com/greenroom-dev/greenroom/internal/metrics"
)

const region ivs.Region = "us-east-1"

const (
	liveID    = "LiveStage001"
	idleID    = "IdleStage001"
	sessionID = "st-LIVESESSION1"
	pairID    = "PairCfg00001"
	idlePair  = "IdlePair0001"
	encA      = "encoderA0001"
	encB      = "encoderB0001"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func stageARN(id string) string { return ivs.StageARN(region, ivstest.Account, id) }
func cfgARN(id string) string {
	return ivs.ARN{Partition: "aws", Region: region, Account: ivstest.Account, Resource: ivs.ResourceIngestConfiguration, ID: id}.String()
}

// world: a live stage whose pair both publish, an idle stage with a pair.
func world() *ivstest.Fake {
	f := &ivstest.Fake{}
	f.AddStage(ivs.Stage{ID: liveID, ARN: stageARN(liveID), Name: "main", ActiveSessionID: sessionID})
	f.AddStage(ivs.Stage{ID: idleID, ARN: stageARN(idleID), Name: "studio-b"})
	f.AddSession(stageARN(liveID), ivs.StageSession{ID: sessionID, StartTime: t0})
	f.AddIngest(ivs.IngestConfiguration{ID: pairID, ARN: cfgARN(pairID), Name: "program", StageARN: stageARN(liveID), State: ivs.IngestActive, RedundantIngest: true,
		Credentials: []ivs.RedundantCredential{{ParticipantID: encA}, {ParticipantID: encB}}})
	f.AddIngest(ivs.IngestConfiguration{ID: idlePair, ARN: cfgARN(idlePair), Name: "studio-pair", StageARN: stageARN(idleID), State: ivs.IngestInactive, RedundantIngest: true,
		Credentials: []ivs.RedundantCredential{{ParticipantID: "idleA0000001"}, {ParticipantID: "idleB0000001"}}})
	f.SetParticipants(stageARN(liveID), sessionID, []ivs.Participant{
		{ID: encA, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: t0},
		{ID: encB, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: t0},
		{ID: "viewer000001", State: ivs.ParticipantConnected, FirstJoinTime: t0},
	})
	started := []ivs.ParticipantEvent{{Name: "JOINED", Time: t0}, {Name: "PUBLISH_STARTED", Time: t0}}
	f.SetEvents(stageARN(liveID), sessionID, encA, started)
	f.SetEvents(stageARN(liveID), sessionID, encB, started)
	return f
}

// harness sweeps one region by hand on a settable clock.
type harness struct {
	t   *testing.T
	f   *ivstest.Fake
	w   *Watcher
	rw  *regionWatcher
	now time.Time
	mu  sync.Mutex
	ts  []history.Transition
}

func newHarness(t *testing.T, f *ivstest.Fake, recalled map[string]ivs.Protection) *harness {
	h := &harness{t: t, f: f, now: t0.Add(time.Hour)}
	h.w = New(Options{Regions: []ivs.Region{region}, IVS: f, Now: func() time.Time { return h.now }, Logger: slog.New(slog.DiscardHandler),
		OnTransitions: func(_ context.Context, ts []history.Transition) {
			h.mu.Lock()
			h.ts = append(h.ts, ts...)
			h.mu.Unlock()
		}})
	h.rw = newRegionWatcher(h.w, region)
	h.rw.recalled = recalled
	return h
}

// sweep advances the clock and sweeps once; it returns the new transitions.
func (h *harness) sweep() []history.Transition {
	h.t.Helper()
	h.now = h.now.Add(5 * time.Second)
	h.mu.Lock()
	n := len(h.ts)
	h.mu.Unlock()
	h.rw.once(context.Background(), 0)
	if err := h.w.Snapshot().Region(region).Err; err != nil {
		h.t.Fatalf("sweep failed: %v", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]history.Transition(nil), h.ts[n:]...)
}

func (h *harness) pair(id string) *Pair {
	p, _ := h.w.Snapshot().Pair(region, cfgARN(id))
	if p == nil {
		h.t.Fatalf("no pair %s in the model", id)
	}
	return p
}

func find(ts []history.Transition, kind history.Kind, from, to string) *history.Transition {
	for i := range ts {
		if ts[i].Kind == kind && ts[i].From == from && ts[i].To == to {
			return &ts[i]
		}
	}
	return nil
}

func TestFirstSweepModelsLiveAndIdleStages(t *testing.T) {
	h := newHarness(t, world(), nil)
	ts := h.sweep()
	snap := h.w.Snapshot()
	live := snap.Stage(region, stageARN(liveID))
	if live == nil || live.Health != HealthOK || live.Session == nil || live.Session.Publishers != 2 || live.Session.Connected != 3 || live.Session.Start != t0 {
		t.Fatalf("live stage %+v session %+v", live, live.Session)
	}
	if p := h.pair(pairID); p.Protection != ivs.Protected {
		t.Errorf("live pair %s", p.Protection)
	}
	if p := h.pair(idlePair); p.Protection != ivs.Idle {
		t.Errorf("a pair on a stage without a session is %s, want idle", p.Protection)
	}
	if idle := snap.Stage(region, stageARN(idleID)); idle.Health != HealthIdle || idle.Health.Problem() {
		t.Errorf("idle stage %s", idle.Health)
	}
	if snap.Problems() != 0 || len(snap.Live()) != 1 {
		t.Errorf("problems %d, live %d", snap.Problems(), len(snap.Live()))
	}
	// First sight: the session and both pairs' states enter history.
	if find(ts, history.KindSession, "", "live") == nil || find(ts, history.KindPair, "", "protected") == nil || find(ts, history.KindPair, "", "idle") == nil {
		t.Errorf("first transitions %+v", ts)
	}
}

func TestAnEncoderDropAndRecoveryAreTransitionsWithTheirCause(t *testing.T) {
	f := world()
	h := newHarness(t, f, nil)
	h.sweep()
	drop := t0.Add(90 * time.Minute)
	f.UpdateParticipants(stageARN(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		ps[1].State = ivs.ParticipantDisconnected
		return ps
	})
	f.SetEvents(stageARN(liveID), sessionID, encB, []ivs.ParticipantEvent{{Name: "JOINED", Time: t0}, {Name: "PUBLISH_STARTED", Time: t0},
		{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop}, {Name: "PUBLISH_STOPPED", Time: drop}, {Name: "LEFT", Time: drop}})
	ts := h.sweep()
	p := h.pair(pairID)
	if p.Protection != ivs.Degraded || !p.Since.Equal(drop) {
		t.Fatalf("after the drop: %s since %v", p.Protection, p.Since)
	}
	enc := find(ts, history.KindEncoder, "publishing", "not publishing")
	pair := find(ts, history.KindPair, "protected", "degraded")
	if enc == nil || enc.Encoder != "B" || enc.Cause != "PUBLISH_ERROR: BITRATE_EXCEEDED" || !enc.Time.Equal(drop) {
		t.Fatalf("encoder transition %+v", enc)
	}
	if pair == nil || !strings.Contains(pair.Cause, "encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)") {
		t.Fatalf("pair transition %+v", pair)
	}
	st := h.w.Snapshot().Stage(region, stageARN(liveID))
	if st.Health != HealthDegraded || h.w.Snapshot().Problems() != 1 {
		t.Errorf("stage health %s", st.Health)
	}
	// Nothing changes: nothing is recorded, and no timeline is read again.
	events := f.Calls("ListParticipantEvents")
	if ts := h.sweep(); len(ts) != 0 || f.Calls("ListParticipantEvents") != events {
		t.Errorf("a quiet sweep recorded %+v and read %d timelines", ts, f.Calls("ListParticipantEvents")-events)
	}
	// B comes back: its cause goes with the error.
	back := drop.Add(time.Minute)
	f.UpdateParticipants(stageARN(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		return append(ps, ivs.Participant{ID: encB, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: back})
	})
	f.SetEvents(stageARN(liveID), sessionID, encB, []ivs.ParticipantEvent{{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop}, {Name: "LEFT", Time: drop},
		{Name: "JOINED", Time: back}, {Name: "PUBLISH_STARTED", Time: back}})
	ts = h.sweep()
	p = h.pair(pairID)
	if p.Protection != ivs.Protected || p.Encoders[1].CauseError || find(ts, history.KindPair, "degraded", "protected") == nil ||
		find(ts, history.KindEncoder, "not publishing", "publishing") == nil {
		t.Fatalf("after recovery: %+v, %+v", p.Redundancy, ts)
	}
}

func TestSessionEndMakesPairsIdleNotDown(t *testing.T) {
	f := world()
	h := newHarness(t, f, nil)
	h.sweep()
	f.EndSession(stageARN(liveID), sessionID, t0.Add(2*time.Hour))
	ts := h.sweep()
	if p := h.pair(pairID); p.Protection != ivs.Idle {
		t.Fatalf("pair after the session ended: %s", p.Protection)
	}
	if find(ts, history.KindSession, "live", "ended") == nil || find(ts, history.KindPair, "protected", "idle") == nil {
		t.Errorf("transitions %+v", ts)
	}
	if h.w.Snapshot().Problems() != 0 {
		t.Error("an ended session is a problem")
	}
}

func TestRecalledStatesAreNotRepeatedAfterARestart(t *testing.T) {
	h := newHarness(t, world(), map[string]ivs.Protection{cfgARN(pairID): ivs.Protected, cfgARN(idlePair): ivs.Degraded})
	ts := h.sweep()
	if find(ts, history.KindPair, "", "protected") != nil || find(ts, history.KindPair, "protected", "protected") != nil {
		t.Errorf("a state history already holds was recorded again: %+v", ts)
	}
	// What changed while the console was down is a transition.
	if find(ts, history.KindPair, "degraded", "idle") == nil {
		t.Errorf("a change during the restart was lost: %+v", ts)
	}
}

func TestLargeSessionsAreCountedAPageASweep(t *testing.T) {
	f := world()
	var ps []ivs.Participant
	for i := range 250 {
		ps = append(ps, ivs.Participant{ID: "v" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), State: ivs.ParticipantConnected, FirstJoinTime: t0})
	}
	f.UpdateParticipants(stageARN(liveID), sessionID, func(old []ivs.Participant) []ivs.Participant { return append(old[:2], ps...) })
	h := newHarness(t, f, nil)
	var sess *Session
	for i := range 3 {
		h.sweep()
		sess = h.w.Snapshot().Stage(region, stageARN(liveID)).Session
		if i < 2 && !sess.ConnectedAt.IsZero() {
			t.Fatalf("sweep %d: a partial count was shown as %d", i+1, sess.Connected)
		}
	}
	if sess.Connected != 252 || !sess.ConnectedAt.Equal(t0.Add(time.Hour+5*time.Second)) {
		t.Errorf("count %d as of %v", sess.Connected, sess.ConnectedAt)
	}
}

func TestAFailedSweepKeepsTheFactsAndSaysSince(t *testing.T) {
	f := world()
	h := newHarness(t, f, nil)
	h.sweep()
	f.Hook = func(context.Context, string) error { return ivstest.Err(ivs.KindThrottled, "ListStages", "slow down") }
	h.now = h.now.Add(5 * time.Second)
	h.rw.once(context.Background(), 0)
	rg := h.w.Snapshot().Region(region)
	if rg.Err == nil || rg.ErrSince != h.now || rg.stage(stageARN(liveID)) == nil || rg.SweptAt != t0.Add(time.Hour+5*time.Second) {
		t.Errorf("failed sweep: err %v since %v swept %v", rg.Err, rg.ErrSince, rg.SweptAt)
	}
}

func TestGaugesFollowTheModel(t *testing.T) {
	f := world()
	h := newHarness(t, f, nil)
	h.sweep()
	g := metrics.IngestProtection.WithLabelValues(string(region), liveID, pairID, "program", "protected")
	if testutil.ToFloat64(g) != 1 {
		t.Fatal("protected gauge not set")
	}
	f.UpdateParticipants(stageARN(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		ps[0].State = ivs.ParticipantDisconnected
		return ps
	})
	h.sweep()
	if testutil.ToFloat64(metrics.IngestProtection.WithLabelValues(string(region), liveID, pairID, "program", "degraded")) != 1 ||
		testutil.ToFloat64(metrics.IngestProtection.WithLabelValues(string(region), liveID, pairID, "program", "protected")) != 0 {
		t.Error("gauge did not follow the drop")
	}
	if testutil.ToFloat64(metrics.StagePublishers.WithLabelValues(string(region), liveID, "main")) != 1 {
		t.Error("publishers gauge")
	}
}

func TestSubscribersHearOfEachSnapshot(t *testing.T) {
	h := newHarness(t, world(), nil)
	ch, cancel := h.w.Subscribe()
	defer cancel()
	v := h.w.Snapshot().Version
	h.sweep()
	select {
	case <-ch:
	default:
		t.Fatal("no signal")
	}
	if h.w.Snapshot().Version != v+1 {
		t.Error("version did not move")
	}
}

func TestSamplesWhenCountsChangeAndEveryMinute(t *testing.T) {
	f := world()
	var got []history.Sample
	h := newHarness(t, f, nil)
	h.w.opts.OnSamples = func(_ context.Context, ss []history.Sample) { got = append(got, ss...) }
	h.sweep()
	if len(got) != 1 || got[0].Connected != 3 || got[0].Publishers != 2 || got[0].SessionID != sessionID {
		t.Fatalf("first samples %+v", got)
	}
	h.sweep() // nothing changed, 5 s later
	if len(got) != 1 {
		t.Fatalf("an unchanged count was sampled again: %+v", got)
	}
	f.UpdateParticipants(stageARN(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		return append(ps, ivs.Participant{ID: "viewer000002", State: ivs.ParticipantConnected, FirstJoinTime: t0})
	})
	for range 7 { // the count is due again after 30 s
		h.sweep()
	}
	if len(got) != 2 || got[1].Connected != 4 {
		t.Fatalf("a changed count: %+v", got)
	}
	for range 12 { // a minute with nothing new
		h.sweep()
	}
	if len(got) != 3 {
		t.Errorf("no sample after a quiet minute: %d", len(got))
	}
}

func TestOnlyChangedFactsCountAsAChange(t *testing.T) {
	f := world()
	h := newHarness(t, f, nil)
	h.sweep()
	changed := h.w.Snapshot().Changed
	h.sweep() // the same facts, seen again
	if s := h.w.Snapshot(); s.Changed != changed {
		t.Errorf("a sweep that saw nothing new counts as a change (%d → %d)", changed, s.Changed)
	}
	f.UpdateParticipants(stageARN(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		ps[1].State = ivs.ParticipantDisconnected
		return ps
	})
	h.sweep()
	if s := h.w.Snapshot(); s.Changed != changed+1 {
		t.Errorf("a drop does not count as a change (%d → %d)", changed, s.Changed)
	}
}

func TestALargeSessionWithoutPairsStillSaysItsPublishers(t *testing.T) {
	f := world()
	_ = f.DeleteIngestConfiguration(context.Background(), region, cfgARN(pairID), true)
	var ps []ivs.Participant
	for i := range 250 {
		ps = append(ps, ivs.Participant{ID: "v" + strings.Repeat("y", i/26) + string(rune('a'+i%26)), State: ivs.ParticipantConnected, FirstJoinTime: t0})
	}
	f.UpdateParticipants(stageARN(liveID), sessionID, func(old []ivs.Participant) []ivs.Participant { return append(old[:2], ps...) })
	h := newHarness(t, f, nil)
	h.sweep()
	sess := h.w.Snapshot().Stage(region, stageARN(liveID)).Session
	if !sess.ConnectedAt.IsZero() || sess.PublishersAt.IsZero() || sess.Publishers != 2 {
		t.Errorf("first sweep of a large session: publishers %d as of %v, connected as of %v", sess.Publishers, sess.PublishersAt, sess.ConnectedAt)
	}
}
