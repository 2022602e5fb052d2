package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// The audit log records what the client says: client_addr came from
// X-Forwarded-For or X-Real-IP sent by anyone, and request_id from an
// incoming X-Request-Id taken as is, of any length.
func TestAuditLogRecordsWhatTheClientSays(t *testing.T) {
	s := newTestServer(t, matrixFake(), identityWith(auth.RoleKeyholder))
	body, hdr := formBody(url.Values{"_csrf": {s.token()}})
	hdr["X-Forwarded-For"] = "10.66.66.66"
	hdr["X-Real-IP"] = "10.66.66.67"
	hdr["X-Request-Id"] = "someone-elses-request-1"
	r := s.do(http.MethodPost, revealPath, body, hdr)
	if r.Code != http.StatusOK {
		t.Fatalf("reveal: %d", r.Code)
	}
	recs := s.audited()
	if len(recs) != 1 {
		t.Fatalf("%d audit records", len(recs))
	}
	if recs[0].ClientAddr != "127.0.0.1" {
		t.Errorf("client addr %q, want the TCP peer 127.0.0.1 (no proxy is trusted)", recs[0].ClientAddr)
	}
	ours := r.Header().Get("X-Request-Id")
	if recs[0].RequestID != ours || strings.Contains(recs[0].RequestID, "someone-elses") || len(ours) != 32 {
		t.Errorf("request id %q (response header %q), want our own", recs[0].RequestID, ours)
	}
	if strings.Contains(s.logs.String(), "someone-elses") || strings.Contains(s.logs.String(), "10.66.66.6") {
		t.Error("the client's request id or forwarded address reached the log")
	}

	// A 900 KB request id is neither logged nor echoed.
	huge := strings.Repeat("A", 900<<10)
	before := s.logs.Len()
	r = s.do(http.MethodGet, "/healthz", nil, map[string]string{"X-Request-Id": huge})
	if got := r.Header().Get("X-Request-Id"); got == huge || len(got) > 64 {
		t.Errorf("echoed a %d-byte request id", len(got))
	}
	if n := s.logs.Len() - before; n > 2048 {
		t.Errorf("one request made %d bytes of log", n)
	}
}
