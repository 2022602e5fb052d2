package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/views"
)

const (
	sessionName  = "greenroom"
	csrfKey      = "csrf"
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

func (l *lazySession) load() *sessions.Session {
	if l.loaded {
		return l.s
	}
	l.loaded = true
	c := l.c
	s, _ := l.h.Sessions.Get(c.Request(), sessionName)
	s.Options.HttpOnly = true
	s.Options.SameSite = http.SameSiteLaxMode
	s.Options.Secure = l.h.secureRequest(c)
	s.Options.Path = "/"
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

// checkCSRF refuses every state-changing request whose token (form field or
// htmx header) does not match the session's.
func checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		want := csrfOf(c)
		got := c.Request().Header.Get(csrfHeader)
		if got == "" {
			got = c.FormValue(csrfField)
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
