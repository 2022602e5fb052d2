package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestCSRFRefusesPostsWithoutTheToken(t *testing.T) {
	s := newTestServer(t, stagesFake(), identityWith(auth.RoleAdmin))
	s.token()
	if r := s.post("/r/us-east-1/stages", nil, false); r.Code != http.StatusForbidden || !strings.Contains(r.body, "Nothing was changed") {
		t.Errorf("POST without token: %d", r.Code)
	}
}
