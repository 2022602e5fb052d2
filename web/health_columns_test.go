package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// ingestWorldModel is the watcher's view of the ingest world: the live
// stage's pair degraded (encoder B dropped), the idle stage idle.
func ingestWorldModel() *liveModel {
	drop := time.Date(2026, 4, 8, 10, 30, 0, 0, time.UTC)
	pair := watch.Pair{Since: drop, Redundancy: ivs.Redundancy{
		Config: ivs.IngestConfiguration{ARN: ingestARNOf(redundantID), ID: redundantID, Name: "keynote-main"}, SessionID: "st-ABCDEFGHIJKLM", Protection: ivs.Degraded,
		Encoders: []ivs.Encoder{
			{Label: "A", ParticipantID: "pEncoderA001", Seen: true, Connected: true, Publishing: true, Cause: "PUBLISH_STARTED"},
			{Label: "B", ParticipantID: "pEncoderB001", Seen: true, LastChange: drop, Cause: "PUBLISH_ERROR: BITRATE_EXCEEDED", CauseError: true},
		}}}
	live := stage(liveStageID, "main-stage", "st-ABCDEFGHIJKLM")
	return &liveModel{snap: &watch.Snapshot{Version: 1, Regions: []*watch.Region{{Region: "us-east-1", SweptAt: drop.Add(time.Minute), Stages: []*watch.Stage{
		{Region: "us-east-1", Stage: live, Health: watch.HealthDegraded, Since: drop, Pairs: []watch.Pair{pair}, Session: &watch.Session{ID: "st-ABCDEFGHIJKLM"}},
		{Region: "us-east-1", Stage: stage(idleStageID, "studio-b", ""), Health: watch.HealthIdle},
	}}}}}
}

func liveIngestServer(t *testing.T, w *ingestWorld, m *liveModel) *testServer {
	s := opServer(t, w)
	s.e = New(Deps{IVS: w.fake, Auth: staticAuth{id: identityWith(auth.RoleViewer, auth.RoleOperator)}, Sessions: testStore(), Logger: testLogger(s),
		Regions: testRegions, Audit: s, Live: m})
	return s
}

func TestStageListShowsHealthFromTheWatcher(t *testing.T) {
	s := liveIngestServer(t, newIngestWorld(), ingestWorldModel())
	d := s.get("/r/us-east-1/stages").doc(t)
	live := d.Find(`#stage-table tbody tr:contains("main-stage") td[data-health]`)
	if live.AttrOr("data-health", "") != "degraded" || !strings.Contains(live.Text(), "since") {
		t.Errorf("live stage health %q: %q", live.AttrOr("data-health", ""), live.Text())
	}
	idle := d.Find(`#stage-table tbody tr:contains("studio-b") td[data-health]`)
	if idle.AttrOr("data-health", "") != "idle" || strings.Contains(idle.Text(), "down") {
		t.Errorf("idle stage health %q", idle.Text())
	}
}

func TestIngestListShowsLiveProtection(t *testing.T) {
	s := liveIngestServer(t, newIngestWorld(), ingestWorldModel())
	row := s.get(ingestBase).doc(t).Find(`#ingest-table tbody tr:contains("keynote-main")`)
	if !strings.Contains(row.Text(), "degraded") {
		t.Errorf("row %q", row.Text())
	}
}

func TestConfigurationEncodersComeFromTheWatcherAndRefresh(t *testing.T) {
	w := newIngestWorld()
	s := liveIngestServer(t, w, ingestWorldModel())
	r := s.get(ingestBase + "/" + redundantID)
	sec := r.doc(t).Find("#encoders-now")
	if got := sec.AttrOr("hx-get", ""); got != ingestBase+"/"+redundantID+"?fragment=encoders" || sec.AttrOr("hx-trigger", "") != "every 5s" {
		t.Errorf("refresh %q %q", got, sec.AttrOr("hx-trigger", ""))
	}
	before := w.fake.Calls("ListParticipants") + w.fake.Calls("ListParticipantEvents")
	f := s.htmx(ingestBase + "/" + redundantID + "?fragment=encoders")
	if f.Code != http.StatusOK || strings.Contains(f.body, "<html") || !strings.Contains(f.body, "BITRATE_EXCEEDED") || !strings.Contains(f.body, "Degraded") {
		t.Fatalf("fragment %d: %.300s", f.Code, f.body)
	}
	if n := w.fake.Calls("ListParticipants") + w.fake.Calls("ListParticipantEvents") - before; n != 0 {
		t.Errorf("the refresh judged the pair itself (%d calls)", n)
	}
	if r := s.get(ingestBase + "/" + redundantID + "?fragment=nope"); r.Code != http.StatusBadRequest {
		t.Errorf("bad fragment: %d", r.Code)
	}
}

// memHistory is the watcher's history held in memory.
type memHistory struct {
	ts      []history.Transition
	samples []history.Sample
}

func (m memHistory) Query(context.Context, history.Filter) ([]history.Transition, error) {
	return m.ts, nil
}
func (m memHistory) Samples(context.Context, string, string, time.Time) ([]history.Sample, error) {
	return m.samples, nil
}

func TestTimelinesAndChartsFromHistory(t *testing.T) {
	now := time.Now()
	drop := now.Add(-time.Hour)
	h := memHistory{
		ts: []history.Transition{
			{Time: drop.Add(time.Minute), Kind: history.KindEncoder, Encoder: "B", From: "not publishing", To: "publishing"},
			{Time: drop, Kind: history.KindEncoder, Encoder: "B", From: "publishing", To: "not publishing", Cause: "PUBLISH_ERROR: BITRATE_EXCEEDED"},
			{Time: drop, Kind: history.KindPair, From: "protected", To: "degraded"},
		},
		samples: []history.Sample{{Time: now.Add(-3 * time.Minute), Connected: 10, Publishers: 2}, {Time: now.Add(-time.Minute), Connected: 14, Publishers: 2}},
	}
	w := newIngestWorld()
	s := opServer(t, w)
	s.e = New(Deps{IVS: w.fake, Auth: staticAuth{id: identityWith(auth.RoleViewer)}, Sessions: testStore(), Logger: testLogger(s), Regions: testRegions, Audit: s, History: h})
	d := s.get(ingestBase + "/" + redundantID).doc(t)
	fig := d.Find("figure[aria-labelledby='encoder-timeline-title']")
	if fig.Find("svg[role=img]").Length() != 3 || !strings.Contains(fig.Find("svg[aria-label^='Encoder B']").AttrOr("aria-label", ""), "2 changes") {
		t.Errorf("encoder timeline: %d lanes", fig.Find("svg[role=img]").Length())
	}
	if rows := fig.Find("table tbody tr"); rows.Length() != 3 || !strings.Contains(rows.Text(), "BITRATE_EXCEEDED") {
		t.Errorf("the table behind the timeline: %q", rows.Text())
	}
	b := newBrowseWorld(10)
	s.e = New(Deps{IVS: b.fake, Auth: staticAuth{id: identityWith(auth.RoleViewer)}, Sessions: testStore(), Logger: testLogger(s), Regions: testRegions, Audit: s, History: h})
	page := s.get(bSessPath).doc(t)
	ph := page.Find("#participants-chart")
	if ph.AttrOr("hx-trigger", "") != "load" || ph.AttrOr("hx-get", "") != bSessionID+"?fragment=chart" {
		t.Fatalf("chart placeholder %q", ph.AttrOr("hx-get", ""))
	}
	chart := s.htmx(bSessPath + "?fragment=chart")
	cd := chart.doc(t)
	if chart.Code != http.StatusOK || cd.Find("polyline").Length() != 2 || cd.Find("table tbody tr").Length() != 2 || !strings.Contains(cd.Find("table").Text(), "14") {
		t.Errorf("chart %d: %.300s", chart.Code, chart.body)
	}
	stagePage := s.get("/r/us-east-1/stages/" + bStageID).doc(t)
	if stagePage.Find("figure[aria-labelledby='sessions-timeline-title'] svg[role=img]").Length() != 1 {
		t.Error("no sessions timeline on the stage page")
	}
}

func TestIngestListRefreshesItsTableAlone(t *testing.T) {
	s := liveIngestServer(t, newIngestWorld(), ingestWorldModel())
	d := s.get(ingestBase + "?state=INACTIVE&sort=name").doc(t)
	tbl := d.Find("#ingest-table")
	if tbl.AttrOr("hx-get", "") != ingestBase+"?sort=name&state=INACTIVE" || tbl.AttrOr("hx-trigger", "") != "every 10s" {
		t.Fatalf("refresh %q %q", tbl.AttrOr("hx-get", ""), tbl.AttrOr("hx-trigger", ""))
	}
	r := s.do(http.MethodGet, ingestBase+"?sort=name&state=INACTIVE", nil, map[string]string{"HX-Request": "true", "HX-Target": "ingest-table"})
	if r.Code != http.StatusOK || strings.Contains(r.body, "<html") || !strings.Contains(r.body, `id="ingest-table"`) || !strings.Contains(r.body, "degraded") {
		t.Errorf("refresh answer %d: %.200s", r.Code, r.body)
	}
}
