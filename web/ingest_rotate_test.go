package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
)

func TestIngestRotateCopiesThenDeletesOnConfirmation(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + redundantID + "/rotate").doc(t)
	if !strings.Contains(d.Text(), "keynote-main-r2") {
		t.Error("the copy's name is not shown")
	}
	tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	form := url.Values{"idempotency_key": {tok}}
	r := s.post(ingestBase+"/"+redundantID+"/rotate", form, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase+"/"+redundantID+"/rotate/New000000001" {
		t.Fatalf("rotate: %d %q %s", r.Code, r.Header().Get("Location"), r.body)
	}
	s.post(ingestBase+"/"+redundantID+"/rotate", form, true) // double submit
	if w.count() != 4 {
		t.Errorf("configurations %d: the double submit made a second copy", w.count())
	}
	in := w.creates()[0]
	if in.Name != "keynote-main-r2" || in.StageARN != stageARNOf(liveStageID) || in.UserID != "keynote-program" || in.Protocol != "RTMPS" ||
		!in.RedundantIngest || in.Attributes["role"] != "program" || in.Tags["team"] != "events" || in.IdempotencyKey != tok {
		t.Errorf("copy %+v", in)
	}
	if _, ok := in.Tags["greenroom:idempotency-key"]; ok {
		t.Error("the old idempotency tag was copied")
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestRotate || a.Outcome != "success" || a.Resource != ingestARNOf(redundantID) {
		t.Errorf("audit %+v", a)
	}
	fin := s.get(ingestBase + "/" + redundantID + "/rotate/New000000001")
	if fin.Code != http.StatusOK || hasKey(fin.body) {
		t.Fatalf("finish page: %d", fin.Code)
	}
	fd := fin.doc(t)
	if fd.Find(`#keys-panel form[action="`+ingestBase+`/New000000001/reveal"]`).Length() != 1 {
		t.Error("the new keys cannot be revealed from the rotation page")
	}
	if len(w.deletes()) != 0 {
		t.Fatal("the old configuration was deleted before confirmation")
	}
	r = s.post(ingestBase+"/"+redundantID+"/rotate/New000000001", nil, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase+"/New000000001" {
		t.Fatalf("finish: %d %s", r.Code, r.body)
	}
	if len(w.deletes()) != 1 || w.deletes()[0].ARN != ingestARNOf(redundantID) || w.deletes()[0].Force {
		t.Errorf("deletes %+v", w.deletes())
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestRotate || a.Outcome != "success" || !strings.Contains(a.Detail, "New000000001") {
		t.Errorf("audit %+v", a)
	}
}

func TestIngestRotateOfActiveNeedsForceToFinish(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + activeID + "/rotate").doc(t)
	tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	r := s.post(ingestBase+"/"+activeID+"/rotate", url.Values{"idempotency_key": {tok}}, true)
	loc := r.Header().Get("Location")
	fd := s.get(loc).doc(t)
	if fd.Find("input#force").Length() != 1 {
		t.Error("no force for an ACTIVE old configuration")
	}
	r = s.post(loc, nil, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.body, "still publishes with the old key") {
		t.Errorf("unforced: %d", r.Code)
	}
	r = s.post(loc, url.Values{"force": {"on"}}, true)
	if r.Code != http.StatusSeeOther || !w.deletes()[1].Force {
		t.Errorf("forced: %d %+v", r.Code, w.deletes())
	}
	if r := s.post(ingestBase+"/"+activeID+"/rotate", url.Values{"idempotency_key": {"x"}}, true); r.Code != http.StatusNotFound {
		t.Errorf("rotating a deleted configuration: %d", r.Code)
	}
	if r := s.post(ingestBase+"/"+legacyID+"/rotate", url.Values{"idempotency_key": {"x"}}, true); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("rotate without a valid token: %d", r.Code)
	}
	if r := s.get(ingestBase + "/" + legacyID + "/rotate/" + legacyID); r.Code != http.StatusBadRequest {
		t.Errorf("self-replacement: %d", r.Code)
	}
}
