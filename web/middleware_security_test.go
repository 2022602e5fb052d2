package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestSecurityHeadersAndOperationsEndpoints(t *testing.T) {
	s := newTestServer(t, stagesFake(), identityWith(auth.RoleViewer))
	r := s.get("/r/us-east-1/stages")
	h := r.Header()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	if h.Get(echoRequestID) == "" {
		t.Error("no request id header")
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " onclick=") {
		t.Error("inline script on the page")
	}
	for _, c := range r.Result().Cookies() {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %s: HttpOnly=%v SameSite=%v", c.Name, c.HttpOnly, c.SameSite)
		}
	}
	if r := s.get("/healthz"); r.Code != http.StatusOK {
		t.Errorf("healthz %d", r.Code)
	}
	if r := s.get("/metrics"); r.Code != http.StatusOK || !strings.Contains(r.body, "greenroom_http_request_duration_seconds") {
		t.Errorf("metrics %d", r.Code)
	}
	if r := s.get("/static/app.css"); r.Code != http.StatusOK {
		t.Errorf("static %d", r.Code)
	}
}
