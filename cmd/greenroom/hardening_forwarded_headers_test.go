package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// oauthStandIn answers nginx's auth_request like oauth2-proxy: the cookie
// names the user, who is in ivs-admins; like an IdP account without an
// e-mail, it sends no X-Auth-Request-Email and no preferred username.
func oauthStandIn(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth2/auth":
			c, err := r.Cookie("_oauth2_proxy")
			if err != nil {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("X-Auth-Request-User", c.Value)
			w.Header().Set("X-Auth-Request-Groups", "ivs-admins")
			w.WriteHeader(http.StatusAccepted)
		case "/oauth2/sign_in":
			fmt.Fprint(w, "oauth2-proxy sign in page")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Under the documented nginx config X-Forwarded-Preferred-Username was not
// overwritten, so the header and the access log showed the name a client
// chose when the proxy sent no e-mail.
func TestPreferredUsernameNotSpoofableBehindNginx(t *testing.T) {
	if _, err := os.Stat(nginxBinary); err != nil {
		t.Fatalf("nginx is needed for this test: %v", err)
	}
	console := startConsole(t, "", "-auth", "proxy", "-trusted-proxies", "127.0.0.1/32",
		"-session-keys", testSessionKey, "-role-map", "ivs-admins=admin")
	base := startNginx(t, oauthStandIn(t), console)
	req, _ := http.NewRequest(http.MethodGet, base+"/r/us-east-1/stages", nil)
	req.Header.Set("Cookie", "_oauth2_proxy=alice")
	req.Header.Set("X-Forwarded-Preferred-Username", "Mallory the Admin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "Mallory") || !strings.Contains(string(body), "alice") {
		t.Errorf("signed in as alice with a forged display name: %d, shows Mallory: %v", resp.StatusCode, strings.Contains(string(body), "Mallory"))
	}
}

// The documented nginx config sets or clears every forwarding header the
// console believes from it: the audit log records the client nginx saw and
// nginx's request id beside ours, whatever the client sent, and POSTs work
// through it (Origin against the forwarded host) while another site's fail.
func TestDocumentedNginxSetsEveryForwardedHeader(t *testing.T) {
	if _, err := os.Stat(nginxBinary); err != nil {
		t.Fatalf("nginx is needed for this test: %v", err)
	}
	console := startConsole(t, "", "-auth", "proxy", "-trusted-proxies", "127.0.0.1/32",
		"-session-keys", testSessionKey, "-role-map", "ivs-admins=admin")
	base := startNginx(t, oauthStandIn(t), console)
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookies := "_oauth2_proxy=alice"
	send := func(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
		t.Helper()
		var rd io.Reader
		if form != nil {
			rd = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Cookie", cookies)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, c := range resp.Cookies() {
			cookies += "; " + c.Name + "=" + c.Value
		}
		return resp, string(b)
	}
	resp, list := send(http.MethodGet, "/r/us-east-1/ingest-configurations", nil, nil)
	m, tok := ingestRE.FindStringSubmatch(list), hxTokenRE.FindStringSubmatch(list)
	if resp.StatusCode != http.StatusOK || m == nil || tok == nil {
		t.Fatalf("ingest list through nginx: %d", resp.StatusCode)
	}
	forged := map[string]string{"Origin": base, "X-Forwarded-For": "10.66.66.66", "X-Real-IP": "10.66.66.67",
		"X-Request-Id": "someone-elses-request", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
	resp, body := send(http.MethodPost, m[1]+"/reveal", url.Values{"_csrf": {tok[1]}}, forged)
	if resp.StatusCode != http.StatusOK || !streamKeyRE.MatchString(body) {
		t.Fatalf("reveal through nginx from the console's own page: %d", resp.StatusCode)
	}
	ours := resp.Header.Get("X-Request-Id")
	if resp, _ := send(http.MethodPost, m[1]+"/reveal", url.Values{"_csrf": {tok[1]}}, map[string]string{"Origin": "http://evil.example"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reveal through nginx from another site: %d, want 403", resp.StatusCode)
	}
	_, export := send(http.MethodGet, "/audit.csv?action=ingest.reveal", nil, nil)
	if strings.Contains(export, "10.66.66.6") || strings.Contains(export, "someone-elses") {
		t.Errorf("the audit log took the client's word:\n%s", export)
	}
	recs, err := csv.NewReader(strings.NewReader(export)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("audit export: %v\n%s", err, export)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	found := false
	for _, r := range recs[1:] {
		if !strings.HasPrefix(r[col["request_id"]], ours) {
			continue
		}
		found = true
		if r[col["client_addr"]] != "127.0.0.1" || !regexp.MustCompile(`^`+ours+` \(proxy: [0-9a-f]{32}\)$`).MatchString(r[col["request_id"]]) {
			t.Errorf("audit record: client %q, request id %q; want 127.0.0.1 and nginx's id beside ours", r[col["client_addr"]], r[col["request_id"]])
		}
	}
	if !found {
		t.Errorf("no audit record of request %s:\n%s", ours, export)
	}
}
