package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/views"
)

const (
	sessionName = "greenroom"
	// secureSessionName is the cookie's name over TLS. Browsers accept a
	// __Host- cookie only when it is Secure, has Path=/ and no Domain, so a
	// sibling subdomain cannot plant or shadow it.
	secureSessionName = "__Host-" + sessionName
	csrfKey           = "csrf"
	// whoKey holds a digest of the identity the session belongs to.
	whoKey       = "who"
	flashKey     = "flash"
	csrfField    = "_csrf"
	csrfHeader   = "X-CSRF-Token"
	flashOK      = "ok"
	flashWarn    = "warn"
	flashProblem = "bad"
)

// withSession makes the cookie session available to the request. It is
// decoded on first use only: a live-table refresh, the most frequent request
// by far, renders no form and no flash, and so never pays for it. A session
// that cannot be decoded (rotated keys, tampering) starts afresh.
func withSession(h *handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxSession, &lazySession{h: h, c: c})
			return next(c)
		}
	}
}

// lazySession decodes the session, and gives it a CSRF token, when first
// asked. It must be asked before the response is written (page() and the
// CSRF check are), since a new token is saved in a cookie.
type lazySession struct {
	h      *handler
	c      echo.Context
	loaded bool
	s      *sessions.Session
	token  string
}

// load decodes the session on first use. A session belongs to one
// identity: one made for someone else (and so its CSRF token) is not reused
// but replaced by a fresh one, so a token is only ever accepted with the
// identity it was issued to. Over TLS the cookie is __Host-greenroom; a
// plain "greenroom" cookie, which a sibling subdomain could plant, is not
// read there.
func (l *lazySession) load() *sessions.Session {
	if l.loaded {
		return l.s
	}
	l.loaded = true
	c := l.c
	secure := l.h.secureRequest(c)
	name := sessionName
	if secure {
		name = secureSessionName
	}
	s, _ := l.h.Sessions.Get(c.Request(), name)
	s.Options.HttpOnly = true
	s.Options.SameSite = http.SameSiteLaxMode
	s.Options.Secure = secure
	s.Options.Path = "/"
	s.Options.Domain = ""
	who := identityDigest(c)
	if got, _ := s.Values[whoKey].(string); got != who {
		clear(s.Values)
		s.Values[whoKey] = who
	}
	tok, _ := s.Values[csrfKey].(string)
	if tok == "" {
		tok = newToken()
		s.Values[csrfKey] = tok
		if err := s.Save(c.Request(), c.Response()); err != nil {
			l.h.Logger.Error("session save failed", "request_id", requestID(c), "error", err.Error())
		}
	}
	l.s, l.token = s, tok
	return s
}

// identityDigest names the request's identity in the session without
// storing it there: a digest of subject and e-mail.
func identityDigest(c echo.Context) string {
	id, _ := identityOf(c)
	sum := sha256.Sum256([]byte(id.Subject + "\x00" + id.Email))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// checkCSRF refuses every state-changing request whose token does not match
// the session's (which belongs to the request's identity). The token is read
// from the htmx header or the form body only, never from the query string:
// a URL ends up in logs, history and Referer headers.
func checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		want := csrfOf(c)
		got := c.Request().Header.Get(csrfHeader)
		if got == "" {
			got = c.Request().PostFormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return &pageError{Status: http.StatusForbidden, Title: "This form has expired",
				Message: "Nothing was changed. The page was open too long or in another session: reload it and try again."}
		}
		return next(c)
	}
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// addFlash stores a one-time message shown on the next page.
func addFlash(c echo.Context, kind, text string) {
	s := sessionOf(c)
	if s == nil {
		return
	}
	s.AddFlash(kind+"|"+text, flashKey)
	_ = s.Save(c.Request(), c.Response())
}

func takeFlashes(c echo.Context) []views.Flash {
	s := sessionOf(c)
	if s == nil {
		return nil
	}
	raw := s.Flashes(flashKey)
	if len(raw) == 0 {
		return nil
	}
	_ = s.Save(c.Request(), c.Response())
	out := make([]views.Flash, 0, len(raw))
	for _, r := range raw {
		str, _ := r.(string)
		kind, text, ok := strings.Cut(str, "|")
		if ok {
			out = append(out, views.Flash{Kind: kind, Text: text})
		}
	}
	return out
}
