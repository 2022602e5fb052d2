package console

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestStagePageJudgesTheLiveSessionsPair(t *testing.T) {
	f := newWorld()
	sp, err := newConsole(f, nil).StagePage(context.Background(), Ref{Region: region, StageID: liveID}, "")
	if err != nil {
		t.Fatal(err)
	}
	if sp.LiveSession == nil || sp.LiveSession.ID != sessionID || len(sp.Configs) != 2 || sp.ConfigsPartial {
		t.Fatalf("live session %+v, %d configs", sp.LiveSession, len(sp.Configs))
	}
	if len(sp.Redundancy) != 1 || sp.Redundancy[0].Protection != ivs.Degraded {
		t.Fatalf("redundancy %+v", sp.Redundancy)
	}
	b := sp.Redundancy[0].Encoders[1]
	if b.Publishing || b.Cause != "PUBLISH_ERROR: BITRATE_EXCEEDED" || !b.CauseError {
		t.Errorf("encoder B %+v", b)
	}
	if a := sp.Redundancy[0].Encoders[0]; !a.Publishing || a.CauseError {
		t.Errorf("encoder A %+v", a)
	}
}

func TestStagePageOfAnIdleStageMakesNoRedundancyCalls(t *testing.T) {
	f := newWorld()
	sp, err := newConsole(f, nil).StagePage(context.Background(), Ref{Region: region, StageID: idleID}, "")
	if err != nil || sp.LiveSession != nil || sp.Redundancy != nil {
		t.Fatalf("%+v %v", sp, err)
	}
	if n := f.Calls("ListParticipants") + f.Calls("ListParticipantEvents") + f.Calls("GetStageSession"); n != 0 {
		t.Errorf("%d calls about a session that does not exist", n)
	}
}

func TestStagePageReadsTheLiveSessionWhenTheListDoesNotHoldIt(t *testing.T) {
	f := newWorld()
	f.ListStageSessionsFn = func(context.Context, ivs.Region, string, ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
		return ivs.Page[ivs.StageSession]{Items: []ivs.StageSession{{ID: "st-OLDSESSION01", StartTime: t0.Add(-48 * time.Hour)}}}, nil
	}
	sp, err := newConsole(f, nil).StagePage(context.Background(), Ref{Region: region, StageID: liveID}, "older")
	if err != nil || sp.LiveSession == nil || sp.LiveSession.ID != sessionID || f.Calls("GetStageSession") != 1 {
		t.Fatalf("live %+v err %v (%d GetStageSession)", sp.LiveSession, err, f.Calls("GetStageSession"))
	}
}

func TestMissingThingsAreNamed(t *testing.T) {
	c := newConsole(newWorld(), nil)
	ctx := context.Background()
	_, err := c.StagePage(ctx, Ref{Region: region, StageID: "NoSuchStage1"}, "")
	if !IsNotFound(err, ResourceStage) {
		t.Errorf("stage: %v", err)
	}
	_, err = c.SessionPage(ctx, SessionQuery{Ref: Ref{Region: region, StageID: liveID, SessionID: "st-NOSUCHSESSI0"}})
	if !IsNotFound(err, ResourceSession) {
		t.Errorf("session: %v", err)
	}
	_, err = c.ParticipantPage(ctx, Ref{Region: region, StageID: liveID, SessionID: sessionID, ParticipantID: "nobody"})
	if !IsNotFound(err, ResourceParticipant) {
		t.Errorf("participant: %v", err)
	}
	_, err = c.Ingest(ctx, region, "NoSuchCfg001")
	var nf *NotFoundError
	if !IsNotFound(err, ResourceIngest) || !errors.As(err, &nf) || nf.ID != "NoSuchCfg001" {
		t.Errorf("ingest: %v", err)
	}
}

func TestSessionRefreshSkipsTheStageAndThePanel(t *testing.T) {
	f := newWorld()
	c := newConsole(f, nil)
	q := SessionQuery{Ref: Ref{Region: region, StageID: liveID, SessionID: sessionID}}
	q.Participants.State = ivs.ParticipantConnected
	sp, err := c.SessionPage(context.Background(), q)
	if err != nil || !sp.ActiveLive || len(sp.Redundancy) != 1 || len(sp.Participants.Items) != 2 {
		t.Fatalf("whole page: %+v %v", sp, err)
	}
	before := f.Calls("GetStage")
	q.Refresh = true
	sp, err = c.SessionPage(context.Background(), q)
	if err != nil || sp.ActiveLive || sp.Redundancy != nil || f.Calls("GetStage") != before {
		t.Fatalf("refresh read the stage or judged redundancy: %+v %v", sp, err)
	}
}

func TestParticipantTimelineStopsAtItsBound(t *testing.T) {
	f := newWorld()
	f.ListParticipantEventsFn = func(_ context.Context, _ ivs.Region, _, _, _ string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
		n, _ := strconv.Atoi(q.NextToken)
		return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "JOINED", Time: t0}}, NextToken: strconv.Itoa(n + 1)}, nil
	}
	pp, err := newConsole(f, nil).ParticipantPage(context.Background(), Ref{Region: region, StageID: liveID, SessionID: sessionID, ParticipantID: encA})
	if err != nil || !pp.EventsTruncated || len(pp.Events) != MaxEventPages || f.Calls("ListParticipantEvents") != MaxEventPages {
		t.Fatalf("%d events, truncated %v, err %v", len(pp.Events), pp.EventsTruncated, err)
	}
}

func TestReplicaSourceIsLinkedOnlyInShownRegions(t *testing.T) {
	f := newWorld()
	f.UpdateParticipants(arnOf(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		ps[2].SourceStageARN, ps[2].SourceSessionID = ivs.StageARN("eu-west-1", ivstest.Account, "SrcStage0001"), "st-SOURCESESSIO"
		return ps
	})
	c := newConsole(f, nil)
	ref := Ref{Region: region, StageID: liveID, SessionID: sessionID, ParticipantID: "viewer000001"}
	pp, err := c.ParticipantPage(context.Background(), ref)
	if err != nil || pp.Source == nil || pp.Source.Region != "eu-west-1" || pp.Source.StageID != "SrcStage0001" {
		t.Fatalf("source %+v %v", pp.Source, err)
	}
	f.UpdateParticipants(arnOf(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		ps[2].SourceStageARN = ivs.StageARN("ap-south-1", ivstest.Account, "SrcStage0001")
		return ps
	})
	if pp, _ = c.ParticipantPage(context.Background(), ref); pp.Source != nil {
		t.Errorf("a region the console does not show is linked: %+v", pp.Source)
	}
}

func TestExportHandsEveryPageOnceInOrder(t *testing.T) {
	f := newWorld()
	var ps []ivs.Participant
	for i := range 250 {
		ps = append(ps, ivs.Participant{ID: "p" + strconv.Itoa(i), State: ivs.ParticipantConnected})
	}
	f.SetParticipants(arnOf(liveID), sessionID, ps)
	var pages, rows int
	var firsts []bool
	err := newConsole(f, nil).ExportParticipants(context.Background(), Ref{Region: region, StageID: liveID, SessionID: sessionID}, ivs.ParticipantQuery{},
		func(page []ivs.Participant, first bool) error {
			pages++
			rows += len(page)
			firsts = append(firsts, first)
			return nil
		})
	if err != nil || pages != 3 || rows != 250 || !firsts[0] || firsts[1] || firsts[2] {
		t.Fatalf("pages %d rows %d firsts %v err %v", pages, rows, firsts, err)
	}
}

func TestStageListSearchesNameIdAndTags(t *testing.T) {
	f := newWorld()
	f.AddStage(ivs.Stage{ID: "Tagged000001", ARN: arnOf("Tagged000001"), Tags: map[string]string{"team": "Sports"}})
	c := newConsole(f, nil)
	for q, want := range map[string]int{"": 3, "MAIN": 1, "idlestage": 1, "team=sports": 1, "nothing": 0} {
		l, err := c.StageList(context.Background(), region, "", q)
		if err != nil || len(l.Stages) != want || l.Count != 3 {
			t.Errorf("search %q: %d of %d (%v)", q, len(l.Stages), l.Count, err)
		}
	}
}

// A search covers every stage of the region, not the page shown; without
// one the list pages.
func TestStageSearchCoversTheWholeRegion(t *testing.T) {
	f := newWorld()
	for i := range 250 {
		id := fmt.Sprintf("Many%08d", i)
		f.AddStage(ivs.Stage{ID: id, ARN: arnOf(id), Name: fmt.Sprintf("stage-%03d", i)})
	}
	c := newConsole(f, nil)
	l, err := c.StageList(context.Background(), region, "", "")
	if err != nil || len(l.Stages) != ivs.MaxPageSize || l.NextToken == "" {
		t.Fatalf("first page: %d stages, next %q, %v", len(l.Stages), l.NextToken, err)
	}
	before := f.Calls("ListStages")
	l, err = c.StageList(context.Background(), region, l.NextToken, "stage-24")
	if err != nil || len(l.Stages) != 10 || l.Count != 252 || l.NextToken != "" || l.Truncated {
		t.Fatalf("search: %d of %d, next %q, truncated %v, %v", len(l.Stages), l.Count, l.NextToken, l.Truncated, err)
	}
	if n := f.Calls("ListStages") - before; n != 3 {
		t.Errorf("the search read %d pages, want 3", n)
	}
}

func TestStageLookupNeedsAUniqueName(t *testing.T) {
	look := StageLookup([]ivs.Stage{{ID: "A1", Name: "main"}, {ID: "B2", Name: "dup"}, {ID: "C3", Name: "dup"}})
	if id, ok := look("main"); !ok || id != "A1" {
		t.Error("by name")
	}
	if id, ok := look("C3"); !ok || id != "C3" {
		t.Error("by id")
	}
	if _, ok := look("dup"); ok {
		t.Error("an ambiguous name resolved")
	}
}

// live is a watcher's model that has a current view of the live session.
type live map[string][]ivs.Redundancy

func (l live) Pairs(_ ivs.Region, stageARN, sessionID string) ([]ivs.Redundancy, bool) {
	p, ok := l[stageARN+"/"+sessionID]
	return p, ok
}

func TestPagesTakeRedundancyFromTheLiveModel(t *testing.T) {
	f := newWorld()
	pairARN := ingestARNOf(pairID)
	model := live{arnOf(liveID) + "/" + sessionID: {{Config: ivs.IngestConfiguration{ARN: pairARN, RedundantIngest: true}, SessionID: sessionID, Protection: ivs.Protected}}}
	c := New(Options{IVS: f, Regions: []ivs.Region{region}, Live: model})
	sp, err := c.StagePage(context.Background(), Ref{Region: region, StageID: liveID}, "")
	if err != nil || len(sp.Redundancy) != 1 || sp.Redundancy[0].Protection != ivs.Protected {
		t.Fatalf("%+v %v", sp.Redundancy, err)
	}
	if n := f.Calls("ListParticipants") + f.Calls("ListParticipantEvents") + f.Calls("GetIngestConfiguration"); n != 0 {
		t.Errorf("the stage page judged redundancy itself (%d calls)", n)
	}
	// Without a current view of the session, the page asks IVS.
	c = New(Options{IVS: f, Regions: []ivs.Region{region}, Live: live{}})
	sp, err = c.StagePage(context.Background(), Ref{Region: region, StageID: liveID}, "")
	if err != nil || len(sp.Redundancy) != 1 || sp.Redundancy[0].Protection != ivs.Degraded || f.Calls("ListParticipants") == 0 {
		t.Errorf("fallback: %+v %v", sp.Redundancy, err)
	}
}

// memHistory is a history held in memory.
type memHistory struct {
	ts      []history.Transition
	samples []history.Sample
	asked   history.Filter
}

func (m *memHistory) Query(_ context.Context, f history.Filter) ([]history.Transition, error) {
	m.asked = f
	return m.ts, nil
}

func (m *memHistory) Samples(_ context.Context, _, _ string, _ time.Time) ([]history.Sample, error) {
	return m.samples, nil
}

func TestAConfigurationsHistoryIsItsEncodersOverTheWindow(t *testing.T) {
	h := &memHistory{ts: []history.Transition{{Kind: history.KindEncoder, Encoder: "B", From: "publishing", To: "not publishing"}}}
	now := t0.Add(time.Hour)
	c := New(Options{IVS: newWorld(), Regions: []ivs.Region{region}, History: h, Now: func() time.Time { return now }})
	d, err := c.IngestDetail(context.Background(), region, pairID)
	if err != nil || len(d.History) != 1 || d.HistoryErr != nil {
		t.Fatalf("%+v %v", d.History, err)
	}
	if h.asked.Subject != ingestARNOf(pairID) || !h.asked.Since.Equal(now.Add(-TimelineWindow)) || len(h.asked.Kinds) != 2 {
		t.Errorf("asked %+v", h.asked)
	}
	d, _ = New(Options{IVS: newWorld(), Regions: []ivs.Region{region}}).IngestDetail(context.Background(), region, pairID)
	if !errors.Is(d.HistoryErr, ErrNoHistory) {
		t.Errorf("without history: %v", d.HistoryErr)
	}
}

func TestSessionChartKeepsThePeaksOfAThinnedSeries(t *testing.T) {
	h := &memHistory{}
	for i := range 720 {
		h.samples = append(h.samples, history.Sample{Time: t0.Add(time.Duration(i) * 30 * time.Second), Connected: i % 100, Publishers: 2})
	}
	h.samples[500].Connected = 5000
	c := New(Options{IVS: newWorld(), Regions: []ivs.Region{region}, History: h})
	_, ss, err := c.SessionChart(context.Background(), Ref{Region: region, StageID: liveID, SessionID: sessionID})
	if err != nil || len(ss) > maxChartPoints || len(ss) < maxChartPoints/2 {
		t.Fatalf("%d points, %v", len(ss), err)
	}
	peak := 0
	for _, s := range ss {
		peak = max(peak, s.Connected)
	}
	if peak != 5000 {
		t.Errorf("the peak was thinned away: %d", peak)
	}
}

func TestParticipantPageNamesTheStageAndTheConfiguration(t *testing.T) {
	f := newWorld()
	c := newConsole(f, nil)
	ref := Ref{Region: region, StageID: liveID, SessionID: sessionID, ParticipantID: encA}
	pp, err := c.ParticipantPage(context.Background(), ref)
	if err != nil || pp.Stage.Name != "main" || pp.Config == nil || pp.Config.Name != "program" {
		t.Fatalf("stage %q config %+v err %v", pp.Stage.Name, pp.Config, err)
	}
	if n := f.Calls("GetIngestConfiguration"); n != 0 {
		t.Errorf("%d GetIngestConfiguration calls for a configuration the stage's list holds", n)
	}
	// A configuration no longer attached to the stage is read on its own;
	// names that cannot be read leave the page to ids.
	f.ChangeIngest(ingestARNOf(pairID), func(cfg *ivs.IngestConfiguration) { cfg.StageARN = arnOf(idleID) })
	f.GetStageFn = func(context.Context, ivs.Region, string) (ivs.Stage, error) {
		return ivs.Stage{}, &ivs.Error{Kind: ivs.KindThrottled, Message: "slow down"}
	}
	pp, err = c.ParticipantPage(context.Background(), ref)
	if err != nil || pp.Stage.Name != "" || pp.Config == nil || pp.Config.Name != "program" || f.Calls("GetIngestConfiguration") != 1 {
		t.Fatalf("stage %q config %+v err %v", pp.Stage.Name, pp.Config, err)
	}
	// A viewer publishes with no configuration: nothing is read for it.
	ref.ParticipantID = "viewer000001"
	if pp, err = c.ParticipantPage(context.Background(), ref); err != nil || pp.Config != nil || f.Calls("GetIngestConfiguration") != 1 {
		t.Fatalf("viewer: config %+v err %v", pp.Config, err)
	}
}
