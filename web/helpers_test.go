package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

// staticAuth authenticates every request as one identity (or nobody).
type staticAuth struct {
	id  auth.Identity
	err error
}

func (a staticAuth) Authenticate(*http.Request) (auth.Identity, error) { return a.id, a.err }

func identityWith(roles ...auth.Role) auth.Identity {
	return auth.Identity{Subject: "ops", Email: "ops@example.com", Roles: roles}
}

// testServer is a console on a fake IVS service with a cookie jar client.
type testServer struct {
	t    *testing.T
	e    *echo.Echo
	fake *ivstest.Fake
	logs *strings.Builder
	jar  []*http.Cookie
	csrf string

	mu        sync.Mutex
	audits    []audit.Event
	auditFail bool // make the audit log fail
}

// Record is the test audit log: it keeps every event in memory.
func (s *testServer) Record(_ context.Context, r audit.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.auditFail {
		return errors.New("disk full")
	}
	s.audits = append(s.audits, r)
	return nil
}

// audited returns the records written so far.
func (s *testServer) audited() []audit.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]audit.Event(nil), s.audits...)
}

func newTestServer(t *testing.T, fake *ivstest.Fake, id auth.Identity) *testServer {
	t.Helper()
	logs := &strings.Builder{}
	s := &testServer{t: t, fake: fake, logs: logs}
	s.e = New(Deps{
		IVS:      fake,
		Auth:     staticAuth{id: id},
		Sessions: sessions.NewCookieStore([]byte("0123456789abcdef0123456789abcdef")),
		Logger:   slog.New(slog.NewJSONHandler(logs, nil)),
		Regions:  []ivs.Region{"us-east-1", "eu-west-1"},
		Emulator: true,
		Audit:    s,
	})
	return s
}

func newAnonymousServer(t *testing.T, fake *ivstest.Fake) *testServer {
	s := newTestServer(t, fake, auth.Identity{})
	s.e = New(Deps{
		IVS: fake, Auth: staticAuth{err: auth.ErrNoIdentity},
		Sessions: sessions.NewCookieStore([]byte("0123456789abcdef0123456789abcdef")),
		Logger:   slog.New(slog.NewJSONHandler(s.logs, nil)), Regions: []ivs.Region{"us-east-1"},
		Audit: s,
	})
	return s
}

var testRegions = []ivs.Region{"us-east-1", "eu-west-1"}

func testStore() sessions.Store {
	return sessions.NewCookieStore([]byte("0123456789abcdef0123456789abcdef"))
}

func testLogger(s *testServer) *slog.Logger { return slog.New(slog.NewJSONHandler(s.logs, nil)) }

type response struct {
	*httptest.ResponseRecorder
	body string
}

func (r response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// do sends a request with the session cookies, keeping new ones.
func (s *testServer) do(method, target string, body io.Reader, hdr map[string]string) response {
	s.t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "127.0.0.1:5555"
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	for _, c := range s.jar {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		s.jar = append([]*http.Cookie{c}, s.jar...)
	}
	return response{rec, rec.Body.String()}
}

func (s *testServer) get(target string) response { return s.do(http.MethodGet, target, nil, nil) }

func (s *testServer) htmx(target string) response {
	return s.do(http.MethodGet, target, nil, map[string]string{"HX-Request": "true"})
}

// token fetches a page to obtain the session's CSRF token.
func (s *testServer) token() string {
	s.t.Helper()
	if s.csrf != "" {
		return s.csrf
	}
	r := s.get("/r/us-east-1/stages")
	d := r.doc(s.t)
	hx, _ := d.Find("body").Attr("hx-headers")
	i := strings.Index(hx, `":"`)
	if i < 0 {
		s.t.Fatalf("no CSRF token on the page (status %d)", r.Code)
	}
	s.csrf = strings.TrimSuffix(hx[i+3:], `"}`)
	return s.csrf
}

// post submits a form with the CSRF token unless withToken is false.
func (s *testServer) post(target string, form url.Values, withToken bool) response {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if withToken {
		form.Set(csrfField, s.token())
	}
	return s.do(http.MethodPost, target, strings.NewReader(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

func stage(id, name, session string) ivs.Stage {
	return ivs.Stage{ARN: "arn:aws:ivs:us-east-1:123456789012:stage/" + id, ID: id, Name: name, ActiveSessionID: session}
}

// doFrom sends a request from a TCP peer (host, no port) with the session
// cookies, keeping new ones.
func (s *testServer) doFrom(peer, method, target string, body io.Reader, hdr map[string]string) response {
	s.t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = peer + ":5555"
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	for _, c := range s.jar {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		s.jar = append([]*http.Cookie{c}, s.jar...)
	}
	return response{rec, rec.Body.String()}
}

// withDeps rebuilds the server's console with changed dependencies, keeping
// its fake, audit records and logs.
func (s *testServer) withDeps(authn auth.Authenticator, change func(*Deps)) *testServer {
	d := Deps{
		IVS: s.fake, Auth: authn, Sessions: testStore(), Logger: testLogger(s),
		Regions: testRegions, Emulator: true, Audit: s,
	}
	if change != nil {
		change(&d)
	}
	s.e = New(d)
	s.jar, s.csrf = nil, ""
	return s
}

// revealPath is the reveal action of matrixFake's ingest configuration.
const revealPath = "/r/us-east-1/ingest-configurations/IdIdId123456/reveal"

// matrixKeySecret is the secret part of matrixFake's stream key.
const matrixKeySecret = "SeCrEtSeCrEt"

// tokenOf reads the CSRF token from a page.
func tokenOf(t *testing.T, body string) string {
	t.Helper()
	const marker = `X-CSRF-Token&#34;:&#34;`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no CSRF token on the page: %.300q", body)
	}
	rest := body[i+len(marker):]
	return rest[:strings.Index(rest, "&#34;")]
}

// formBody is a url-encoded form and its content type.
func formBody(v url.Values) (io.Reader, map[string]string) {
	return strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
}
