package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestMetricsAreCompressedOnce(t *testing.T) {
	s := newTestServer(t, stagesFake(), identityWith(auth.RoleViewer))
	s.get("/r/us-east-1/stages")
	r := s.do(http.MethodGet, "/metrics", nil, map[string]string{"Accept-Encoding": "gzip"})
	if r.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q", r.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !strings.Contains(string(plain), "greenroom_http_request_duration_seconds") {
		t.Fatalf("one gunzip should give the text format: %v %.80q", err, plain)
	}
}
