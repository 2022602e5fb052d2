package web

import (
	"net/http"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// Trailing-slash 301s carried no security headers: the redirect middleware
// ran before the one that sets them.
func TestTrailingSlashRedirectCarriesSecurityHeaders(t *testing.T) {
	s := newTestServer(t, matrixFake(), identityWith(auth.RoleViewer))
	for _, path := range []string{"/r/us-east-1/stages/", "/audit/", "/r/us-east-1/ingest-configurations/?q=1", "/no-such-page/"} {
		r := s.do(http.MethodGet, "https://greenroom.example.com"+path, nil, nil)
		if r.Code != http.StatusMovedPermanently {
			t.Errorf("%s: %d, want 301", path, r.Code)
		}
		h := r.Header()
		for name, want := range map[string]string{
			"Content-Security-Policy":   contentSecurityPolicy,
			"X-Content-Type-Options":    "nosniff",
			"X-Frame-Options":           "DENY",
			"Referrer-Policy":           "same-origin",
			"Strict-Transport-Security": "max-age=31536000",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s redirect: %s = %q, want %q", path, name, got, want)
			}
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s redirect has no request id", path)
		}
	}
}
