package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// From a trusted proxy the forwarded client address counts, and the
// proxy's request id is kept beside ours, when it is short and well-formed.
func TestAuditLogRecordsWhatTheClientSaysTrustedProxy(t *testing.T) {
	s := newTestServer(t, matrixFake(), identityWith(auth.RoleKeyholder))
	s.withDeps(staticAuth{id: identityWith(auth.RoleKeyholder)}, func(d *Deps) {
		d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}
	})
	page := s.doFrom("10.0.0.1", http.MethodGet, "/r/us-east-1/stages", nil, nil)
	token := tokenOf(t, page.body)
	cases := []struct {
		peer, xff, upstream string
		wantAddr, wantUp    string
	}{
		// nginx overwrote X-Forwarded-For with the client.
		{"10.0.0.1", "203.0.113.9", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "203.0.113.9", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
		// A proxy that appends: what the client wrote (left) proves nothing.
		{"10.0.0.1", "10.66.66.66, 203.0.113.9", "req.1-A_b", "203.0.113.9", "req.1-A_b"},
		// A chain of trusted proxies.
		{"10.0.0.1", "198.51.100.4, 10.0.0.2", "", "198.51.100.4", ""},
		// Ill-formed or long upstream ids are dropped.
		{"10.0.0.1", "203.0.113.9", "a b<script>", "203.0.113.9", ""},
		{"10.0.0.1", "203.0.113.9", strings.Repeat("x", 65), "203.0.113.9", ""},
		// Not from the proxy: neither header counts.
		{"192.0.2.50", "203.0.113.9", "nginx-1", "192.0.2.50", ""},
	}
	for _, tc := range cases {
		body, hdr := formBody(url.Values{"_csrf": {token}})
		hdr["X-Forwarded-For"] = tc.xff
		if tc.upstream != "" {
			hdr["X-Request-Id"] = tc.upstream
		}
		n := len(s.audited())
		r := s.doFrom(tc.peer, http.MethodPost, revealPath, body, hdr)
		recs := s.audited()
		if r.Code != http.StatusOK || len(recs) != n+1 {
			t.Fatalf("%+v: reveal %d", tc, r.Code)
		}
		rec, ours := recs[n], r.Header().Get("X-Request-Id")
		if rec.ClientAddr != tc.wantAddr {
			t.Errorf("%+v: client addr %q, want %q", tc, rec.ClientAddr, tc.wantAddr)
		}
		want := ours
		if tc.wantUp != "" {
			want = ours + " (proxy: " + tc.wantUp + ")"
		}
		if rec.RequestID != want || ours == tc.upstream {
			t.Errorf("%+v: request id %q, want %q", tc, rec.RequestID, want)
		}
		if tc.wantUp != "" && !strings.Contains(s.logs.String(), `"upstream_request_id":"`+tc.wantUp+`"`) {
			t.Errorf("%+v: no upstream_request_id in the access log", tc)
		}
	}
	if !strings.Contains(s.logs.String(), `"client":"203.0.113.9"`) {
		t.Error("the access log lacks the client address")
	}
}
