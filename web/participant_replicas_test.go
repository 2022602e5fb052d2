package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestParticipantReplicasStartAndStop(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	page := stagesBase + "/" + liveStageID + "/sessions/st-ABCDEFGHIJKLM/participants/pEncoderA001"
	d := s.get(page).doc(t)
	if d.Find(`#replicas form[action="`+page+`/replicas"] select[name="destination"] option[value="`+idleStageID+`"]`).Length() != 1 {
		t.Fatalf("no start form offering the other stage: %s", d.Find("#replicas").Text())
	}
	if r := s.post(page+"/replicas", url.Values{"destination": {liveStageID}}, true); r.Code != http.StatusBadRequest {
		t.Fatalf("into its own stage: %d", r.Code)
	}
	r := s.post(page+"/replicas", url.Values{"destination": {idleStageID}}, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != page {
		t.Fatalf("start: %d", r.Code)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionReplicationStart || a.Outcome != audit.OutcomeSuccess {
		t.Fatalf("audit %+v", a)
	}
	d = s.get(page).doc(t)
	if d.Find(`#replicas [data-replica="`+idleStageID+`"][data-state="ACTIVE"] form[action="`+page+`/replicas/stop"]`).Length() != 1 {
		t.Fatalf("the replica and its stop: %s", d.Find("#replicas").Text())
	}
	// Twice: IVS's conflict, said in a flash.
	s.post(page+"/replicas", url.Values{"destination": {idleStageID}}, true)
	if !strings.Contains(s.get(page).doc(t).Find("#alerts").Text(), "already replicated") {
		t.Error("the conflict is not said")
	}
	if r := s.post(page+"/replicas/stop", url.Values{"destination": {idleStageID}}, true); r.Code != http.StatusSeeOther || lastAudit(t, s).Action != audit.ActionReplicationStop {
		t.Fatalf("stop: %d", r.Code)
	}
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if r := viewer.post(page+"/replicas", url.Values{"destination": {idleStageID}}, true); r.Code != http.StatusForbidden {
		t.Errorf("viewer: %d", r.Code)
	}
}
