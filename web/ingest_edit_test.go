package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

func TestIngestEditChangingOnlyTheStageKeepsRedundantIngest(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + redundantID + "/edit").doc(t)
	if d.Find(`input[name="name"]`).Length() != 0 || d.Find(`input[name="protocol"]`).Length() != 0 {
		t.Error("the edit form offers fields IVS cannot change")
	}
	if d.Find("#active-explain").Length() != 0 || d.Find("fieldset[disabled]").Length() != 0 {
		t.Error("an INACTIVE configuration is editable")
	}
	if !strings.Contains(d.Text(), "Turning it off revokes both encoder keys") {
		t.Error("no warning that turning redundancy off revokes both keys")
	}
	// Submit what the page shows, changing only the stage.
	form := url.Values{"stage": {idleStageID}}
	if _, checked := d.Find(`input#redundant`).Attr("checked"); checked {
		form.Set("redundant", "on")
	} else {
		t.Fatal("the redundant box is not checked for a redundant configuration")
	}
	if v, _ := d.Find("#stage").Attr("value"); v != liveStageID {
		t.Errorf("stage prefilled %q", v)
	}
	r := s.post(ingestBase+"/"+redundantID, form, true)
	if r.Code != http.StatusSeeOther {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	in := w.updates()[0]
	if !in.RedundantIngest || in.StageARN != stageARNOf(idleStageID) || in.ARN != ingestARNOf(redundantID) {
		t.Errorf("update %+v: changing only the stage must keep redundant ingest on", in)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestUpdate || a.Outcome != "success" {
		t.Errorf("audit %+v", a)
	}
	// Turning it on again after off: the flash says new credentials exist.
	s.post(ingestBase+"/"+redundantID, url.Values{"stage": {idleStageID}}, true)
	if w.updates()[1].RedundantIngest {
		t.Error("unticking must send false")
	}
	r = s.htmxPost(ingestBase+"/"+redundantID, url.Values{"stage": {idleStageID}, "redundant": {"on"}})
	if r.Code != http.StatusNoContent || r.Header().Get("HX-Location") != ingestBase+"/"+redundantID {
		t.Errorf("htmx update: %d", r.Code)
	}
	if !strings.Contains(s.get(ingestBase+"/"+redundantID).body, "two new encoder keys") {
		t.Error("no flash about the new encoder credentials")
	}
}

func TestIngestEditActiveExplainsAndConflictIsClear(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + activeID + "/edit").doc(t)
	if !strings.Contains(d.Find("#active-explain").Text(), "ACTIVE") || d.Find("fieldset[disabled]").Length() != 1 {
		t.Error("an ACTIVE configuration's form does not explain why it cannot change")
	}
	for _, htmx := range []bool{false, true} {
		form := url.Values{"stage": {idleStageID}}
		var r response
		if htmx {
			r = s.htmxPost(ingestBase+"/"+activeID, form)
		} else {
			r = s.post(ingestBase+"/"+activeID, form, true)
		}
		if r.Code != http.StatusConflict || !strings.Contains(r.body, "ACTIVE") || !strings.Contains(r.body, "Nothing was changed") {
			t.Errorf("htmx=%v conflict: %d", htmx, r.Code)
		}
		if a := lastAudit(t, s); a.Action != audit.ActionIngestUpdate || !strings.HasPrefix(a.Outcome, "failure") {
			t.Errorf("audit %+v", a)
		}
	}
}

func TestIngestEditValidationAndFaults(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.post(ingestBase+"/"+redundantID, url.Values{"stage": {"Elsewhere999"}, "redundant": {"on"}}, true)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find("#err-stage").Text(), "not a stage") {
		t.Errorf("unknown stage: %d", r.Code)
	}
	if inv, _ := r.doc(t).Find("#stage").Attr("aria-invalid"); inv != "true" {
		t.Error("no aria-invalid")
	}
	r = s.post(ingestBase+"/"+redundantID, url.Values{"stage": {""}, "redundant": {"on"}}, true)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "cannot detach") {
		t.Errorf("detach: %d", r.Code)
	}
	if w.writes() != 0 {
		t.Error("invalid input reached IVS")
	}
	if r := s.get(ingestBase + "/Gone00000000/edit"); r.Code != http.StatusNotFound {
		t.Errorf("edit of a missing configuration: %d", r.Code)
	}
	w.fake.UpdateIngestFn = func(contextT, ivs.Region, ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
		return ivs.IngestConfiguration{}, ivstest.Err(ivs.KindThrottled, "UpdateIngestConfiguration", "slow")
	}
	r = s.post(ingestBase+"/"+redundantID, url.Values{"stage": {idleStageID}, "redundant": {"on"}}, true)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "rate-limiting") {
		t.Errorf("throttled: %d", r.Code)
	}
	if v, _ := r.doc(t).Find("#stage").Attr("value"); v != idleStageID {
		t.Error("input lost after a throttle")
	}
}
