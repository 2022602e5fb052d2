package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestIngestRolesAreEnforcedByTheServer(t *testing.T) {
	type call struct{ method, path string }
	operatorOnly := []call{
		{"GET", "/new"}, {"POST", ""}, {"GET", "/" + redundantID + "/edit"}, {"POST", "/" + redundantID},
		{"GET", "/" + redundantID + "/delete"}, {"POST", "/" + redundantID + "/delete"},
		{"GET", "/" + redundantID + "/rotate"}, {"POST", "/" + redundantID + "/rotate"},
		{"GET", "/" + redundantID + "/rotate/" + legacyID}, {"POST", "/" + redundantID + "/rotate/" + legacyID},
	}
	reveal := call{"POST", "/" + redundantID + "/reveal"}
	do := func(s *testServer, c call) response {
		if c.method == "GET" {
			return s.get(ingestBase + c.path)
		}
		return s.post(ingestBase+c.path, url.Values{"force": {"on"}, "stage": {idleStageID}}, true)
	}
	// Viewer: reads only.
	w := newIngestWorld()
	s := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	for _, c := range append(operatorOnly, reveal) {
		if r := do(s, c); r.Code != http.StatusForbidden {
			t.Errorf("viewer %s %s: %d, want 403", c.method, c.path, r.Code)
		}
	}
	if r := s.get(ingestBase + "/" + redundantID); r.Code != http.StatusOK {
		t.Errorf("viewer cannot read: %d", r.Code)
	}
	// Operator: changes, but no reveal.
	s = newTestServer(t, w.fake, identityWith(auth.RoleOperator))
	if r := do(s, reveal); r.Code != http.StatusForbidden || hasKey(r.body) {
		t.Errorf("operator reveal: %d", r.Code)
	}
	if w.fake.Calls("RevealStreamKeys") != 0 || w.writes() != 0 {
		t.Error("a refused request reached IVS")
	}
	// Keyholder without operator: reveal, but no changes.
	s = newTestServer(t, w.fake, identityWith(auth.RoleKeyholder))
	if r := do(s, reveal); r.Code != http.StatusOK || !hasKey(r.body) {
		t.Errorf("keyholder reveal: %d", r.Code)
	}
	if r := do(s, call{"POST", "/" + redundantID + "/delete"}); r.Code != http.StatusForbidden {
		t.Errorf("keyholder delete: %d", r.Code)
	}
	// No identity: 401.
	a := newAnonymousServer(t, w.fake)
	if r := a.get(ingestBase); r.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", r.Code)
	}
}

func TestIngestPostsWithoutCSRFTokenAreRefused(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	s.token()
	for _, p := range []string{"", "/" + redundantID, "/" + redundantID + "/reveal", "/" + redundantID + "/delete", "/" + redundantID + "/rotate", "/" + redundantID + "/rotate/" + legacyID} {
		if r := s.post(ingestBase+p, url.Values{"force": {"on"}}, false); r.Code != http.StatusForbidden || hasKey(r.body) {
			t.Errorf("POST %s without token: %d", p, r.Code)
		}
	}
	if w.fake.Calls("RevealStreamKeys") != 0 || w.writes() != 0 {
		t.Error("a refused POST reached IVS")
	}
}
