package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestUnknownRegionAndBadTokenAreRefusedBeforeUpstream(t *testing.T) {
	fake := stagesFake()
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	if r := s.get("/r/mars-north-1/stages"); r.Code != http.StatusNotFound || !strings.Contains(r.body, "mars-north-1") {
		t.Errorf("unknown region: %d", r.Code)
	}
	if r := s.get("/r/us-east-1/stages?next=%00bad"); r.Code != http.StatusBadRequest {
		t.Errorf("damaged token: %d", r.Code)
	}
	if fake.Calls("ListStages") != 0 {
		t.Errorf("bad input reached IVS %d times", fake.Calls("ListStages"))
	}
}
