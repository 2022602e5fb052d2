package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestNoIdentityIs401AndNoRoleIs403(t *testing.T) {
	s := newAnonymousServer(t, stagesFake())
	if r := s.get("/r/us-east-1/stages"); r.Code != http.StatusUnauthorized || !strings.Contains(r.body, "Sign-in required") {
		t.Errorf("no identity: %d", r.Code)
	}
	if r := s.htmx("/r/us-east-1/stages"); r.Code != http.StatusUnauthorized || strings.Contains(r.body, "<html") {
		t.Errorf("no identity (htmx): %d", r.Code)
	}
	s = newTestServer(t, stagesFake(), identityWith())
	if r := s.get("/r/us-east-1/stages"); r.Code != http.StatusForbidden {
		t.Errorf("no role: %d", r.Code)
	}
}
