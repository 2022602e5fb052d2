package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// proxyConsole is a console in proxy mode trusting 127.0.0.1: who asks is
// chosen per request by identity headers.
func proxyConsole(t *testing.T) *testServer {
	t.Helper()
	authn, err := auth.New(auth.Config{Mode: auth.ModeProxy, RoleMap: matrixRoles, TrustedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	return newTestServer(t, matrixFake(), auth.Identity{}).withDeps(authn, nil)
}

func as(user, group string) map[string]string {
	return map[string]string{"X-Forwarded-User": user, "X-Forwarded-Email": user + "@example.com", "X-Forwarded-Groups": group}
}

// CSRF token not bound to the identity: a viewer's cookie and token were
// accepted on a reveal POST sent with a keyholder's identity.
func TestCSRFTokenBoundToIdentity(t *testing.T) {
	s := proxyConsole(t)
	viewerToken := tokenOf(t, s.do(http.MethodGet, "/r/us-east-1/stages", nil, as("vera", "g-viewer")).body)
	viewerCookies := append([]*http.Cookie(nil), s.jar...)

	body, hdr := formBody(url.Values{"_csrf": {viewerToken}})
	for k, v := range as("kim", "g-keyholder") {
		hdr[k] = v
	}
	r := s.do(http.MethodPost, revealPath, body, hdr)
	if r.Code != http.StatusForbidden || strings.Contains(r.body, matrixKeySecret) {
		t.Errorf("keyholder with the viewer's session and token: %d, want 403 without the key", r.Code)
	}
	if n := s.fake.Calls("RevealStreamKeys"); n != 0 {
		t.Errorf("IVS asked for keys %d times", n)
	}

	// The keyholder's own page gives a session of their own, whose token works.
	s.jar = viewerCookies
	kimToken := tokenOf(t, s.do(http.MethodGet, "/r/us-east-1/stages", nil, as("kim", "g-keyholder")).body)
	if kimToken == viewerToken {
		t.Fatal("the keyholder was handed the viewer's token")
	}
	body, hdr = formBody(url.Values{"_csrf": {kimToken}})
	for k, v := range as("kim", "g-keyholder") {
		hdr[k] = v
	}
	if r := s.do(http.MethodPost, revealPath, body, hdr); r.Code != http.StatusOK || !strings.Contains(r.body, matrixKeySecret) {
		t.Errorf("keyholder with their own token: %d", r.Code)
	}
	// And the viewer's token is not good for the keyholder after that either.
	body, hdr = formBody(url.Values{"_csrf": {viewerToken}})
	for k, v := range as("kim", "g-keyholder") {
		hdr[k] = v
	}
	if r := s.do(http.MethodPost, revealPath, body, hdr); r.Code != http.StatusForbidden {
		t.Errorf("keyholder with the viewer's token later: %d", r.Code)
	}
}

// The session cookie had no __Host- prefix, so a sibling subdomain could
// plant one. Over TLS it is __Host-greenroom (Secure, Path=/, no Domain)
// and a plain "greenroom" cookie is not read.
func TestCSRFCookieHostPrefix(t *testing.T) {
	s := newTestServer(t, matrixFake(), identityWith(auth.RoleKeyholder))
	r := s.do(http.MethodGet, "https://greenroom.example.com/r/us-east-1/stages", nil, nil)
	cookies := r.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies over TLS", len(cookies))
	}
	c := cookies[0]
	if c.Name != "__Host-greenroom" || !c.Secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly {
		t.Errorf("cookie over TLS: %+v, want __Host-greenroom, Secure, Path=/, no Domain, HttpOnly", c)
	}

	// A cookie planted as "greenroom" (here: a genuine session of the same
	// identity, token known) opens nothing over TLS.
	planted := newTestServer(t, matrixFake(), identityWith(auth.RoleKeyholder))
	token := planted.token()
	for _, c := range planted.jar {
		if c.Name != "greenroom" {
			t.Fatalf("plain-HTTP cookie %q", c.Name)
		}
	}
	s.jar = planted.jar
	body, hdr := formBody(url.Values{"_csrf": {token}})
	if r := s.do(http.MethodPost, "https://greenroom.example.com"+revealPath, body, hdr); r.Code != http.StatusForbidden || strings.Contains(r.body, matrixKeySecret) {
		t.Errorf("POST over TLS with a planted plain cookie: %d, want 403", r.Code)
	}
}

// _csrf was accepted in the query string, where URLs are logged and leak
// through Referer: only the form body or the htmx header count.
func TestCSRFTokenInQueryStringRefused(t *testing.T) {
	s := newTestServer(t, matrixFake(), identityWith(auth.RoleKeyholder))
	token := s.token()
	body, hdr := formBody(url.Values{"reason": {"x"}})
	if r := s.do(http.MethodPost, revealPath+"?_csrf="+url.QueryEscape(token), body, hdr); r.Code != http.StatusForbidden || strings.Contains(r.body, matrixKeySecret) {
		t.Errorf("token in the query string: %d, want 403", r.Code)
	}
	body, hdr = formBody(url.Values{"_csrf": {token}})
	if r := s.do(http.MethodPost, revealPath, body, hdr); r.Code != http.StatusOK {
		t.Errorf("token in the form body: %d", r.Code)
	}
	if r := s.do(http.MethodPost, revealPath, nil, map[string]string{"X-CSRF-Token": token, "HX-Request": "true"}); r.Code != http.StatusOK {
		t.Errorf("token in the htmx header: %d", r.Code)
	}
}
