package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
)

func TestIngestDeleteConfirmsAndForcesOnlyWhenAsked(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + activeID + "/delete").doc(t)
	if d.Find(`input#force[type="checkbox"]`).Length() != 1 || !strings.Contains(d.Find("#force-hint").Text(), "disconnected") {
		t.Error("an ACTIVE configuration's confirmation lacks force and its consequence")
	}
	if d.Find(`form[method="post"] button[type="submit"]`).Length() != 1 {
		t.Error("delete is not a button in a POST form")
	}
	if s.get(ingestBase+"/"+legacyID+"/delete").doc(t).Find("input#force").Length() != 0 {
		t.Error("force offered for an INACTIVE configuration")
	}
	// Not forced: IVS refuses; the page says why and offers force.
	r := s.post(ingestBase+"/"+activeID+"/delete", nil, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.body, "Nothing was deleted") || r.doc(t).Find("input#force").Length() != 1 {
		t.Errorf("unforced delete of ACTIVE: %d", r.Code)
	}
	if w.deletes()[0].Force {
		t.Error("force sent without the box")
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestDelete || !strings.HasPrefix(a.Outcome, "failure") {
		t.Errorf("audit %+v", a)
	}
	r = s.post(ingestBase+"/"+activeID+"/delete", url.Values{"force": {"on"}}, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase || !w.deletes()[1].Force {
		t.Errorf("forced delete: %d %+v", r.Code, w.deletes())
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestForceDelete || a.Outcome != "success" {
		t.Errorf("audit %+v", a)
	}
	if !strings.Contains(s.get(ingestBase).body, "publisher was disconnected") {
		t.Error("no flash after a forced delete")
	}
	h := s.htmxPost(ingestBase+"/"+legacyID+"/delete", nil)
	if h.Code != http.StatusNoContent || h.Header().Get("HX-Location") != ingestBase || w.deletes()[2].Force {
		t.Errorf("htmx delete: %d", h.Code)
	}
	if r := s.post(ingestBase+"/"+legacyID+"/delete", nil, true); r.Code != http.StatusNotFound {
		t.Errorf("deleting twice: %d", r.Code)
	}
}

func TestIngestMutationWhoseAuditFailsTellsTheUser(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	form := createValues(t, s)
	s.auditFail = true
	r := s.post(ingestBase, form, true)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "The change was made in IVS, but the audit log could not record it") {
		t.Errorf("create with audit down: %d", r.Code)
	}
	r = s.post(ingestBase+"/"+legacyID+"/delete", nil, true)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "audit log") {
		t.Errorf("delete with audit down: %d", r.Code)
	}
}
