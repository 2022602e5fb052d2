package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/auth/authtest"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// routeRoles is the role every route needs ("" = public). A route missing
// from this table fails the test: a new route must say who may use it.
var routeRoles = map[string]auth.Role{
	"GET /healthz":   "",
	"GET /readyz":    "",
	"GET /metrics":   "",
	"GET /static/*":  "",
	"GET /":          auth.RoleViewer,
	"GET /r/:region": auth.RoleViewer,
	"GET /audit":     auth.RoleAdmin,
	"GET /audit.csv": auth.RoleAdmin,

	"GET /board":                     auth.RoleViewer,
	"GET /board/stream":              auth.RoleViewer,
	"GET /r/:region/stages":          auth.RoleViewer,
	"GET /r/:region/stages/:stageId": auth.RoleViewer,
	"GET /r/:region/stages/:stageId/sessions/:sessionId":                                         auth.RoleViewer,
	"GET /r/:region/stages/:stageId/sessions/:sessionId/participants.csv":                        auth.RoleViewer,
	"GET /r/:region/stages/:stageId/sessions/:sessionId/participants/:participantId":             auth.RoleViewer,
	"GET /r/:region/stages/:stageId/sessions/:sessionId/participants/:participantId/disconnect":  auth.RoleOperator,
	"POST /r/:region/stages/:stageId/sessions/:sessionId/participants/:participantId/disconnect": auth.RoleOperator,

	"GET /r/:region/stages/new":                                      auth.RoleOperator,
	"POST /r/:region/stages":                                         auth.RoleOperator,
	"GET /r/:region/stages/:stageId/edit":                            auth.RoleOperator,
	"POST /r/:region/stages/:stageId":                                auth.RoleOperator,
	"GET /r/:region/stages/:stageId/delete":                          auth.RoleOperator,
	"POST /r/:region/stages/:stageId/delete":                         auth.RoleOperator,
	"GET /r/:region/stages/:stageId/participant-tokens/new":          auth.RoleOperator,
	"POST /r/:region/stages/:stageId/participant-tokens":             auth.RoleOperator,
	"GET /r/:region/stages/:stageId/sessions/:sessionId/disconnect":  auth.RoleOperator,
	"POST /r/:region/stages/:stageId/sessions/:sessionId/disconnect": auth.RoleOperator,

	"GET /r/:region/ingest-configurations":                    auth.RoleViewer,
	"GET /r/:region/ingest-configurations/new":                auth.RoleOperator,
	"POST /r/:region/ingest-configurations":                   auth.RoleOperator,
	"GET /r/:region/ingest-configurations/:id":                auth.RoleViewer,
	"GET /r/:region/ingest-configurations/:id/edit":           auth.RoleOperator,
	"POST /r/:region/ingest-configurations/:id":               auth.RoleOperator,
	"POST /r/:region/ingest-configurations/:id/reveal":        auth.RoleKeyholder,
	"GET /r/:region/ingest-configurations/:id/delete":         auth.RoleOperator,
	"POST /r/:region/ingest-configurations/:id/delete":        auth.RoleOperator,
	"GET /r/:region/ingest-configurations/:id/rotate":         auth.RoleOperator,
	"POST /r/:region/ingest-configurations/:id/rotate":        auth.RoleOperator,
	"GET /r/:region/ingest-configurations/:id/rotate/:newId":  auth.RoleOperator,
	"POST /r/:region/ingest-configurations/:id/rotate/:newId": auth.RoleOperator,

	"GET /r/:region/stages/:stageId/compositions/new":                                               auth.RoleOperator,
	"POST /r/:region/stages/:stageId/compositions":                                                  auth.RoleOperator,
	"GET /r/:region/compositions/:compositionId":                                                    auth.RoleViewer,
	"GET /r/:region/compositions/:compositionId/stop":                                               auth.RoleOperator,
	"POST /r/:region/compositions/:compositionId/stop":                                              auth.RoleOperator,
	"POST /r/:region/stages/:stageId/sessions/:sessionId/participants/:participantId/replicas":      auth.RoleOperator,
	"POST /r/:region/stages/:stageId/sessions/:sessionId/participants/:participantId/replicas/stop": auth.RoleOperator,
	"GET /r/:region/encoder-configurations":                                                         auth.RoleViewer,
	"GET /r/:region/encoder-configurations/new":                                                     auth.RoleOperator,
	"POST /r/:region/encoder-configurations":                                                        auth.RoleOperator,
	"GET /r/:region/encoder-configurations/:id":                                                     auth.RoleViewer,
	"GET /r/:region/encoder-configurations/:id/delete":                                              auth.RoleOperator,
	"POST /r/:region/encoder-configurations/:id/delete":                                             auth.RoleOperator,
	"GET /r/:region/storage-configurations":                                                         auth.RoleViewer,
	"GET /r/:region/storage-configurations/new":                                                     auth.RoleOperator,
	"POST /r/:region/storage-configurations":                                                        auth.RoleOperator,
	"GET /r/:region/storage-configurations/:id":                                                     auth.RoleViewer,
	"GET /r/:region/storage-configurations/:id/delete":                                              auth.RoleOperator,
	"POST /r/:region/storage-configurations/:id/delete":                                             auth.RoleOperator,
	"GET /r/:region/public-keys":                                                                    auth.RoleViewer,
	"GET /r/:region/public-keys/new":                                                                auth.RoleAdmin,
	"POST /r/:region/public-keys":                                                                   auth.RoleAdmin,
	"GET /r/:region/public-keys/:id":                                                                auth.RoleViewer,
	"GET /r/:region/public-keys/:id/delete":                                                         auth.RoleAdmin,
	"POST /r/:region/public-keys/:id/delete":                                                        auth.RoleAdmin,
}

var matrixRoles = auth.RoleMap{
	"g-viewer": {auth.RoleViewer}, "g-operator": {auth.RoleOperator},
	"g-keyholder": {auth.RoleKeyholder}, "g-admin": {auth.RoleAdmin},
}

// concrete fills a route's parameters with well-formed values.
func concrete(path string) string {
	r := strings.NewReplacer(":region", "us-east-1", ":stageId", "AbCdEf123456", ":sessionId", "st-ABCDEFGHIJKLM",
		":participantId", "pAbCdEf12345", ":newId", "NeWiD1234567", ":id", "IdIdId123456", ":compositionId", "CoMpId123456", "*", "app.css")
	return r.Replace(path)
}

// matrixFake answers every read with something plausible and counts writes.
func matrixFake() *ivstest.Fake {
	st := stage("AbCdEf123456", "main", "st-ABCDEFGHIJKLM")
	ic := ivs.IngestConfiguration{ARN: "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/IdIdId123456", ID: "IdIdId123456", Protocol: "RTMPS", State: "INACTIVE", StageARN: st.ARN}
	return &ivstest.Fake{
		ListStagesFn: func(context.Context, ivs.Region, ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
			return ivs.Page[ivs.Stage]{Items: []ivs.Stage{st}}, nil
		},
		GetStageFn: func(context.Context, ivs.Region, string) (ivs.Stage, error) { return st, nil },
		GetIngestConfigurationFn: func(context.Context, ivs.Region, string) (ivs.IngestConfiguration, error) {
			return ic, nil
		},
		RevealStreamKeysFn: func(context.Context, ivs.Region, string) (ivs.IngestConfiguration, error) {
			k := ic
			k.StreamKey = ivs.NewStreamKey("rt_123456789012_us-east-1_IdIdId123456_SeCrEtSeCrEt")
			return k, nil
		},
	}
}

type identityCase struct {
	name string
	// prepare sets the identity on a request; role is what it should grant
	// ("" for none: 401).
	prepare func(r *http.Request)
	role    auth.Role
}

func TestRouteByIdentityMatrix(t *testing.T) {
	iss := authtest.NewIssuer(t)
	other := authtest.NewIssuer(t) // a key nobody trusts
	jwtAuth, err := auth.New(iss.Config(matrixRoles))
	if err != nil {
		t.Fatal(err)
	}
	proxyAuth, err := auth.New(auth.Config{Mode: auth.ModeProxy, RoleMap: matrixRoles, TrustedNetworks: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set(iss.Header, tok) }
	}
	proxied := func(peer, groups string) func(*http.Request) {
		return func(r *http.Request) {
			r.RemoteAddr = peer + ":40000"
			r.Header.Set("X-Forwarded-User", "ops")
			r.Header.Set("X-Forwarded-Email", "ops@example.com")
			r.Header.Set("X-Forwarded-Groups", groups)
		}
	}
	type mode struct {
		name  string
		authn auth.Authenticator
		cases []identityCase
	}
	modes := []mode{
		{"proxy", proxyAuth, []identityCase{
			{"no identity", func(r *http.Request) { r.RemoteAddr = "10.0.0.1:40000" }, ""},
			{"headers from an untrusted peer", proxied("192.0.2.7", "g-admin"), ""},
			{"viewer", proxied("10.0.0.1", "g-viewer"), auth.RoleViewer},
			{"operator", proxied("10.0.0.1", "g-operator"), auth.RoleOperator},
			{"keyholder", proxied("10.0.0.1", "g-keyholder"), auth.RoleKeyholder},
			{"admin", proxied("10.0.0.1", "g-admin"), auth.RoleAdmin},
		}},
		{"jwt", jwtAuth, []identityCase{
			{"no identity", func(*http.Request) {}, ""},
			{"forged", bearer(other.Mint(map[string]any{"iss": iss.Issuer, "aud": iss.Audience, "groups": []string{"g-admin"}})), ""},
			{"expired", bearer(iss.Mint(map[string]any{"exp": 1700000000, "groups": []string{"g-admin"}})), ""},
			{"wrong audience", bearer(iss.Mint(map[string]any{"aud": "someone-else", "groups": []string{"g-admin"}})), ""},
			{"plain headers in jwt mode", proxied("10.0.0.1", "g-admin"), ""},
			{"viewer", bearer(iss.Token("v@example.com", "g-viewer")), auth.RoleViewer},
			{"operator", bearer(iss.Token("o@example.com", "g-operator")), auth.RoleOperator},
			{"keyholder", bearer(iss.Token("k@example.com", "g-keyholder")), auth.RoleKeyholder},
			{"admin", bearer(iss.Token("a@example.com", "g-admin")), auth.RoleAdmin},
		}},
	}
	for _, m := range modes {
		fake := matrixFake()
		s := newTestServer(t, fake, auth.Identity{})
		auditLog, err := audit.OpenSQLite(filepath.Join(t.TempDir(), "audit.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer auditLog.Close()
		s.e = New(Deps{IVS: fake, Auth: m.authn, Sessions: testStore(), Logger: testLogger(s), Regions: testRegions, Audit: s, AuditLog: auditLog,
			Live: watch.New(watch.Options{Regions: testRegions, IVS: fake})})
		seen := map[string]bool{}
		for _, rt := range s.e.Routes() {
			if rt.Method != http.MethodGet && rt.Method != http.MethodPost {
				continue // Echo's internal not-found routes of groups
			}
			key := rt.Method + " " + rt.Path
			need, known := routeRoles[key]
			if !known {
				t.Errorf("route %s has no expected role in routeRoles", key)
				continue
			}
			seen[key] = true
			for _, ic := range m.cases {
				status, csrfStatus := matrixRequest(t, s.e, rt.Method, concrete(rt.Path), ic.prepare)
				want := "allowed"
				switch {
				case need == "":
				case ic.role == "":
					want = "401"
				case !(auth.Identity{Roles: []auth.Role{ic.role}}).Has(need):
					want = "403"
				}
				ok := false
				switch want {
				case "401":
					ok = status == http.StatusUnauthorized
				case "403":
					ok = status == http.StatusForbidden
				default:
					ok = status != http.StatusUnauthorized && status != http.StatusForbidden && status < 500
				}
				if !ok {
					t.Errorf("%s %s as %s: status %d, want %s", m.name, key, ic.name, status, want)
				}
				if rt.Method == http.MethodPost && want == "allowed" && need != "" && csrfStatus != http.StatusForbidden {
					t.Errorf("%s %s as %s without a CSRF token: %d, want 403", m.name, key, ic.name, csrfStatus)
				}
			}
		}
		for key := range routeRoles {
			if !seen[key] {
				t.Errorf("routeRoles lists %s, which is not a route", key)
			}
		}
	}
}

// matrixRequest sends one request with the identity (a GET first, to get a
// session and its CSRF token), and for a POST also one without the token.
func matrixRequest(t *testing.T, e *echo.Echo, method, path string, prepare func(*http.Request)) (status, withoutToken int) {
	t.Helper()
	send := func(method, path string, form url.Values, cookies []*http.Cookie) *httptest.ResponseRecorder {
		var req *http.Request
		if form != nil {
			req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest(method, path, nil)
		}
		req.RemoteAddr = "10.0.0.1:40000"
		prepare(req)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		if strings.HasSuffix(path, "/stream") { // server push: end it once it has answered
			ctx, cancel := context.WithTimeout(req.Context(), 100*time.Millisecond)
			defer cancel()
			req = req.WithContext(ctx)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	if method == http.MethodGet {
		return send(method, path, nil, nil).Code, 0
	}
	first := send(http.MethodGet, "/r/us-east-1/stages", nil, nil)
	cookies := first.Result().Cookies()
	token := ""
	if i := strings.Index(first.Body.String(), `X-CSRF-Token&#34;:&#34;`); i >= 0 {
		rest := first.Body.String()[i+len(`X-CSRF-Token&#34;:&#34;`):]
		token = rest[:strings.Index(rest, "&#34;")]
	}
	form := url.Values{"_csrf": {token}, "reason": {"test"}, "confirm": {"yes"}, "protocol": {"RTMPS"}}
	status = send(method, path, form, cookies).Code
	withoutToken = send(method, path, url.Values{"reason": {"test"}}, cookies).Code
	return status, withoutToken
}

// TestRouteMatrixHostOriginAndForwardedHeaders: every route refuses a
// foreign Host in dev mode (DNS rebinding); every POST refuses another
// site's Origin or Sec-Fetch-Site before touching IVS, in proxy mode too;
// forwarding headers count only from a trusted proxy.
func TestRouteMatrixHostOriginAndForwardedHeaders(t *testing.T) {
	dev, err := auth.New(auth.Config{Mode: auth.ModeDev, ListenAddr: "127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	proxyAuth, err := auth.New(auth.Config{Mode: auth.ModeProxy, RoleMap: matrixRoles, TrustedNetworks: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	auditLog, err := audit.OpenSQLite(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer auditLog.Close()
	build := func(authn auth.Authenticator, change func(*Deps)) (*echo.Echo, *ivstest.Fake) {
		fake := matrixFake()
		s := newTestServer(t, fake, auth.Identity{})
		d := Deps{IVS: fake, Auth: authn, Sessions: testStore(), Logger: testLogger(s), Regions: testRegions, Audit: s, AuditLog: auditLog,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Live: watch.New(watch.Options{Regions: testRegions, IVS: fake})}
		change(&d)
		return New(d), fake
	}
	type req struct {
		method, target, peer string
		hdr                  map[string]string
		form                 url.Values
		cookies              []*http.Cookie
	}
	send := func(e *echo.Echo, r req) *httptest.ResponseRecorder {
		var body *strings.Reader
		if r.form != nil {
			body = strings.NewReader(r.form.Encode())
		} else {
			body = strings.NewReader("")
		}
		hr := httptest.NewRequest(r.method, r.target, body)
		if r.form != nil {
			hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		hr.RemoteAddr = r.peer + ":40000"
		for k, v := range r.hdr {
			hr.Header.Set(k, v)
		}
		for _, c := range r.cookies {
			hr.AddCookie(c)
		}
		if strings.HasSuffix(hr.URL.Path, "/stream") { // server push: end it once it has answered
			ctx, cancel := context.WithTimeout(hr.Context(), 100*time.Millisecond)
			defer cancel()
			hr = hr.WithContext(ctx)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, hr)
		return rec
	}
	admin := func(extra map[string]string) map[string]string {
		h := map[string]string{"X-Forwarded-User": "ada", "X-Forwarded-Email": "ada@example.com", "X-Forwarded-Groups": "g-admin"}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}

	devE, _ := build(dev, func(d *Deps) { d.DevListenAddr = "127.0.0.1:8080"; d.TrustedProxies = nil })
	proxyE, fake := build(proxyAuth, func(*Deps) {})
	// A session and token for the proxy-mode admin, over plain http and
	// through a trusted TLS-terminating proxy.
	first := send(proxyE, req{method: http.MethodGet, target: "/r/us-east-1/stages", peer: "10.0.0.1", hdr: admin(nil)})
	cookies, token := first.Result().Cookies(), tokenOf(t, first.Body.String())
	viaTLS := admin(map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "greenroom.example.com"})
	firstTLS := send(proxyE, req{method: http.MethodGet, target: "/r/us-east-1/stages", peer: "10.0.0.1", hdr: viaTLS})
	cookiesTLS, tokenTLS := firstTLS.Result().Cookies(), tokenOf(t, firstTLS.Body.String())
	if len(cookiesTLS) != 1 || cookiesTLS[0].Name != "__Host-greenroom" || firstTLS.Header().Get("Strict-Transport-Security") == "" {
		t.Errorf("X-Forwarded-Proto https from the trusted proxy: cookies %v, HSTS %q", cookiesTLS, firstTLS.Header().Get("Strict-Transport-Security"))
	}
	spoofed := send(proxyE, req{method: http.MethodGet, target: "/healthz", peer: "192.0.2.7", hdr: map[string]string{"X-Forwarded-Proto": "https"}})
	if spoofed.Header().Get("Strict-Transport-Security") != "" {
		t.Error("X-Forwarded-Proto from an untrusted peer was believed")
	}

	for _, rt := range devE.Routes() {
		if rt.Method != http.MethodGet && rt.Method != http.MethodPost {
			continue
		}
		key, path := rt.Method+" "+rt.Path, concrete(rt.Path)
		// Dev mode: a foreign Host gets nothing, whatever the route.
		for _, host := range []string{"rebind.attacker.example:8080", "127.0.0.1:8081"} {
			if rec := send(devE, req{method: rt.Method, target: "http://" + host + path, peer: "127.0.0.1"}); rec.Code != http.StatusMisdirectedRequest {
				t.Errorf("dev %s with Host %s: %d, want 421", key, host, rec.Code)
			}
		}
		if rec := send(devE, req{method: http.MethodGet, target: "http://localhost:8080" + path, peer: "127.0.0.1"}); rt.Method == http.MethodGet && (rec.Code == http.StatusMisdirectedRequest || rec.Code >= 500) {
			t.Errorf("dev %s on localhost:8080: %d", key, rec.Code)
		}
		if rt.Method != http.MethodPost {
			continue
		}
		form := url.Values{"_csrf": {token}, "reason": {"test"}, "confirm": {"yes"}, "protocol": {"RTMPS"}}
		calls := fake.TotalCalls()
		for _, tc := range []struct {
			name string
			peer string
			hdr  map[string]string
		}{
			{"Origin of another site", "10.0.0.1", admin(map[string]string{"Origin": "https://evil.example"})},
			{"Origin null", "10.0.0.1", admin(map[string]string{"Origin": "null"})},
			{"Origin of another scheme", "10.0.0.1", admin(map[string]string{"Origin": "https://example.com"})},
			{"Sec-Fetch-Site cross-site", "10.0.0.1", admin(map[string]string{"Sec-Fetch-Site": "cross-site"})},
			{"X-Forwarded-Host from an untrusted peer", "192.0.2.7", admin(map[string]string{"Origin": "http://evil.example", "X-Forwarded-Host": "evil.example"})},
		} {
			if rec := send(proxyE, req{method: http.MethodPost, target: path, peer: tc.peer, hdr: tc.hdr, form: form, cookies: cookies}); rec.Code != http.StatusForbidden {
				t.Errorf("proxy %s with %s: %d, want 403", key, tc.name, rec.Code)
			}
		}
		if n := fake.TotalCalls(); n != calls {
			t.Errorf("proxy %s: refused requests made %d IVS calls", key, n-calls)
		}
		allowed := func(code int) bool {
			return code != http.StatusUnauthorized && code != http.StatusForbidden && code < 500
		}
		if rec := send(proxyE, req{method: http.MethodPost, target: path, peer: "10.0.0.1", hdr: admin(map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}), form: form, cookies: cookies}); !allowed(rec.Code) {
			t.Errorf("proxy %s from the console's own origin: %d", key, rec.Code)
		}
		tlsForm := url.Values{"_csrf": {tokenTLS}, "reason": {"test"}, "confirm": {"yes"}, "protocol": {"RTMPS"}}
		if rec := send(proxyE, req{method: http.MethodPost, target: path, peer: "10.0.0.1", hdr: admin(map[string]string{"Origin": "https://greenroom.example.com", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "greenroom.example.com"}), form: tlsForm, cookies: cookiesTLS}); !allowed(rec.Code) {
			t.Errorf("proxy %s from the origin the trusted proxy forwards: %d", key, rec.Code)
		}
	}
}
