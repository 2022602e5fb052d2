package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Found on the way (moving middleware before routing): a handler's panic
// under gzip met a released compressing writer in the recover middleware
// and panicked again, so the browser got a dropped connection, not a page.
func TestHandlerPanicAnswersAnErrorPage(t *testing.T) {
	fake := matrixFake()
	fake.ListStagesFn = func(context.Context, ivs.Region, ivs.ListQuery) (ivs.Page[ivs.Stage], error) { panic("boom") }
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	for _, enc := range []string{"gzip", ""} {
		r := s.do(http.MethodGet, "/r/us-east-1/stages", nil, map[string]string{"Accept-Encoding": enc})
		if r.Code != http.StatusInternalServerError || r.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("panic with Accept-Encoding %q: %d", enc, r.Code)
		}
		if strings.Contains(r.body, "goroutine") || strings.Contains(r.body, ".go:") {
			t.Error("the page shows a stack")
		}
	}
	if !strings.Contains(s.logs.String(), `"status":500`) {
		t.Error("the panic was not logged as a 500")
	}
}
