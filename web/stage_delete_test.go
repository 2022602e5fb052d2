package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestStageDeleteConfirmsAndRefusesALiveStage(t *testing.T) {
	w := newIngestWorld()
	w.fake.ChangeIngest(ingestARNOf(legacyID), func(c *ivs.IngestConfiguration) { c.StageARN = stageARNOf(idleStageID) })
	s := opServer(t, w)

	// A live stage: the reason, a way to its session, no button.
	d := s.get(stagesBase + "/" + liveStageID + "/delete").doc(t)
	if d.Find(`button[type="submit"]:contains("Delete")`).Length() != 0 || !strings.Contains(d.Find("#live-reason").Text(), "This stage is live") ||
		d.Find(`#live-reason a[href="`+stagesBase+"/"+liveStageID+`/sessions/st-ABCDEFGHIJKLM"]`).Length() != 1 {
		t.Error("a live stage's confirmation offers deletion or lacks the reason")
	}
	// Posted anyway: refused before IVS is asked, audited, said.
	r := s.post(stagesBase+"/"+liveStageID+"/delete", nil, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.doc(t).Find("#delete-problem").Text(), "Not deleted: the stage is live") || w.fake.Calls("DeleteStage") != 0 {
		t.Errorf("live delete: %d, %d DeleteStage calls", r.Code, w.fake.Calls("DeleteStage"))
	}
	if a := lastAudit(t, s); a.Action != audit.ActionStageDelete || !strings.HasPrefix(a.Outcome, "failure") || !strings.Contains(a.Outcome, "live") {
		t.Errorf("audit %+v", a)
	}

	// An idle stage: the attached configuration named, a button in a POST form.
	d = s.get(stagesBase + "/" + idleStageID + "/delete").doc(t)
	if d.Find(`form[method="post"][action="`+stagesBase+"/"+idleStageID+`/delete"] button[type="submit"]`).Length() != 1 ||
		d.Find(`a[href="`+ingestBase+"/"+legacyID+`"]`).Length() != 1 || !strings.Contains(d.Text(), "keep pointing at the deleted stage") {
		t.Error("idle stage: no delete form, or the attached configuration is not named")
	}
	r = s.post(stagesBase+"/"+idleStageID+"/delete", nil, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != stagesBase || w.fake.Calls("DeleteStage") != 1 {
		t.Fatalf("delete: %d %q", r.Code, r.Header().Get("Location"))
	}
	if a := lastAudit(t, s); a.Action != audit.ActionStageDelete || a.Outcome != "success" || a.Resource != stageARNOf(idleStageID) {
		t.Errorf("audit %+v", a)
	}
	if !strings.Contains(s.get(stagesBase).doc(t).Find("#alerts").Text(), "Deleted the stage “studio-b”") {
		t.Error("no flash after the delete")
	}
	if r := s.post(stagesBase+"/"+idleStageID+"/delete", nil, true); r.Code != http.StatusNotFound {
		t.Errorf("deleting twice: %d", r.Code)
	}
	if r := s.post(stagesBase+"/"+liveStageID+"/delete", nil, false); r.Code != http.StatusForbidden {
		t.Errorf("without a CSRF token: %d", r.Code)
	}
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if r := viewer.get(stagesBase + "/" + liveStageID + "/delete"); r.Code != http.StatusForbidden {
		t.Errorf("viewer: %d", r.Code)
	}
}

// The confirmation was read idle; the stage went live before the POST: the
// command reads it fresh and refuses.
func TestStageDeleteReadsLivenessFresh(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	idle := stage(idleStageID, "studio-b", "")
	w.fake.GetStageFn = func(ctx context.Context, _ ivs.Region, arn string) (ivs.Stage, error) {
		if ivs.WantsFresh(ctx) {
			live := idle
			live.ActiveSessionID = "st-WENTLIVENOW1"
			return live, nil
		}
		return idle, nil
	}
	if d := s.get(stagesBase + "/" + idleStageID + "/delete").doc(t); d.Find(`button:contains("Delete stage")`).Length() != 1 {
		t.Fatal("the confirmation should offer deletion")
	}
	r := s.post(stagesBase+"/"+idleStageID+"/delete", nil, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.body, "st-WENTLIVENOW1") || w.fake.Calls("DeleteStage") != 0 {
		t.Errorf("went live: %d, %d deletes", r.Code, w.fake.Calls("DeleteStage"))
	}
}
