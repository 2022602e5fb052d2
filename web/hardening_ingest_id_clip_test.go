package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// Borderline item of the outside attack: ingest ids were not clipped in
// error messages (stage ids were), so attacker-chosen text of any length
// appeared on an error page.
func TestIngestIDsAreClippedInErrorPages(t *testing.T) {
	s := newTestServer(t, newIngestWorld().fake, identityWith(auth.RoleViewer))
	long := strings.Repeat("A", 120) // a valid id shape: 404, named
	bad := strings.Repeat("x", 60) + "!<b>"
	for _, tc := range []struct {
		path string
		code int
		id   string
	}{{ingestBase + "/" + long, http.StatusNotFound, long}, {ingestBase + "/" + bad, http.StatusBadRequest, bad}} {
		r := s.get(tc.path)
		if r.Code != tc.code || strings.Contains(r.body, tc.id[:45]) || !strings.Contains(r.body, tc.id[:40]+"…") {
			t.Errorf("%.60s: %d, the id is not clipped to 40 characters", tc.path, r.Code)
		}
	}
}
