package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/auth"
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
