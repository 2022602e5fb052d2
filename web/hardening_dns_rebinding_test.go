package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// devServer is a console in dev mode listening on 127.0.0.1:8080.
func devServer(t *testing.T) *testServer {
	t.Helper()
	dev, err := auth.New(auth.Config{Mode: auth.ModeDev, ListenAddr: "127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, matrixFake(), auth.Identity{})
	return s.withDeps(dev, func(d *Deps) { d.DevListenAddr = "127.0.0.1:8080" })
}

// DNS rebinding in dev mode: a page of rebind.attacker.example whose name
// now resolves to 127.0.0.1 reaches the console as same-origin. Every route
// must refuse a Host that is not the loopback listener.
func TestDNSRebindingInDevModeForeignHostRefused(t *testing.T) {
	s := devServer(t)
	for _, path := range []string{"/", "/r/us-east-1/ingest-configurations", "/audit", "/audit.csv", "/healthz", "/metrics", "/r/us-east-1/stages/"} {
		for _, host := range []string{"rebind.attacker.example:8080", "rebind.attacker.example", "127.0.0.1:9999", "127.0.0.1.attacker.example:8080", "10.0.0.1:8080"} {
			req := func(h map[string]string) response {
				return s.do(http.MethodGet, "http://"+host+path, nil, h)
			}
			r := req(nil)
			if r.Code != http.StatusMisdirectedRequest || pageHasToken(r.body) {
				t.Errorf("GET %s with Host %s: %d, want 421 and no token", path, host, r.Code)
			}
			if r.Header().Get("Content-Security-Policy") == "" {
				t.Errorf("the refusal of %s has no security headers", path)
			}
		}
	}
	for _, host := range []string{"127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080", "127.0.0.2:8080"} {
		if r := s.do(http.MethodGet, "http://"+host+"/r/us-east-1/ingest-configurations", nil, nil); r.Code != http.StatusOK {
			t.Errorf("Host %s: %d, want 200", host, r.Code)
		}
	}
	// The rebound reveal, token or not, changes and shows nothing.
	body, hdr := formBody(url.Values{"_csrf": {"whatever"}})
	hdr["Origin"] = "http://rebind.attacker.example:8080"
	if r := s.do(http.MethodPost, "http://rebind.attacker.example:8080"+revealPath, body, hdr); r.Code != http.StatusMisdirectedRequest || strings.Contains(r.body, matrixKeySecret) {
		t.Errorf("rebound reveal: %d", r.Code)
	}
	if n := s.fake.Calls("RevealStreamKeys"); n != 0 {
		t.Errorf("IVS was asked for keys %d times", n)
	}
}

// The other half: a state-changing request is checked against the
// console's own origin in every mode, so a token obtained one way is of no
// use to a page of another site.
func TestDNSRebindingOriginChecked(t *testing.T) {
	s := devServer(t)
	page := s.do(http.MethodGet, "http://127.0.0.1:8080/r/us-east-1/ingest-configurations", nil, nil)
	token := tokenOf(t, page.body)
	reveal := func(extra map[string]string) response {
		body, hdr := formBody(url.Values{"_csrf": {token}})
		for k, v := range extra {
			hdr[k] = v
		}
		return s.do(http.MethodPost, "http://127.0.0.1:8080"+revealPath, body, hdr)
	}
	for _, bad := range []map[string]string{
		{"Origin": "http://rebind.attacker.example:8080"},
		{"Origin": "null"},
		{"Origin": "http://127.0.0.1:9999"},
		{"Origin": "https://127.0.0.1:8080"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
	} {
		if r := reveal(bad); r.Code != http.StatusForbidden || strings.Contains(r.body, matrixKeySecret) {
			t.Errorf("reveal with %v: %d, want 403 without the key", bad, r.Code)
		}
	}
	if n := s.fake.Calls("RevealStreamKeys"); n != 0 {
		t.Errorf("IVS was asked for keys %d times by refused requests", n)
	}
	for _, good := range []map[string]string{
		{"Origin": "http://127.0.0.1:8080"},
		{"Sec-Fetch-Site": "same-origin"},
		{}, // curl: neither header, the token alone
	} {
		if r := reveal(good); r.Code != http.StatusOK || !strings.Contains(r.body, matrixKeySecret) {
			t.Errorf("reveal with %v: %d, want 200", good, r.Code)
		}
	}
	if !strings.Contains(s.logs.String(), `"msg":"cross-origin request refused"`) {
		t.Error("refusals are not logged")
	}
}

// Behind a proxy the console's origin is -public-url when set, whatever
// Host the proxy forwards.
func TestDNSRebindingOriginIsThePublicURL(t *testing.T) {
	s := newTestServer(t, matrixFake(), identityWith(auth.RoleKeyholder))
	s.withDeps(staticAuth{id: identityWith(auth.RoleKeyholder)}, func(d *Deps) { d.PublicOrigin = "HTTPS://Greenroom.Example.com:443/" })
	token := s.token()
	for origin, want := range map[string]int{
		"https://greenroom.example.com":     http.StatusOK,
		"https://greenroom.example.com:443": http.StatusOK,
		"http://greenroom.example.com":      http.StatusForbidden,
		"http://example.com":                http.StatusForbidden, // the Host the request carries
		"https://evil.example.com":          http.StatusForbidden,
	} {
		body, hdr := formBody(url.Values{"_csrf": {token}})
		hdr["Origin"] = origin
		if r := s.do(http.MethodPost, revealPath, body, hdr); r.Code != want {
			t.Errorf("Origin %s: %d, want %d", origin, r.Code, want)
		}
	}
}

// pageHasToken reports whether a page carries a (non-empty) CSRF token.
func pageHasToken(body string) bool {
	const marker = `X-CSRF-Token&#34;:&#34;`
	i := strings.Index(body, marker)
	return i >= 0 && !strings.HasPrefix(body[i+len(marker):], "&#34;")
}
