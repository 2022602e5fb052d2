package web

import (
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Keys of values the middleware stores on the Echo context.
const (
	ctxIdentity  = "greenroom.identity"
	ctxSession   = "greenroom.session"
	ctxFreshness = "greenroom.freshness"
	ctxRegion    = "greenroom.region"
	// ctxUpstreamRequestID is a trusted proxy's own id for the request.
	ctxUpstreamRequestID = "greenroom.upstream_request_id"
)

func identityOf(c echo.Context) (auth.Identity, bool) {
	id, ok := c.Get(ctxIdentity).(auth.Identity)
	return id, ok
}

func sessionOf(c echo.Context) *sessions.Session {
	l, _ := c.Get(ctxSession).(*lazySession)
	if l == nil {
		return nil
	}
	return l.load()
}

func csrfOf(c echo.Context) string {
	l, _ := c.Get(ctxSession).(*lazySession)
	if l == nil {
		return ""
	}
	l.load()
	return l.token
}

func freshnessOf(c echo.Context) *ivs.Freshness {
	f, _ := c.Get(ctxFreshness).(*ivs.Freshness)
	return f
}

func regionOf(c echo.Context) ivs.Region {
	r, _ := c.Get(ctxRegion).(ivs.Region)
	return r
}

func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// requestID is the id the request-id middleware gave this request: always
// ours, never the client's.
func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// upstreamRequestID is the id a trusted proxy gave this request, if it sent
// a well-formed one ("" otherwise).
func upstreamRequestID(c echo.Context) string {
	s, _ := c.Get(ctxUpstreamRequestID).(string)
	return s
}

// auditRequestID is the request id an audit record carries: ours, followed
// by the proxy's when there is one ("ours (proxy: theirs)"), so the audit
// schema stays as it is and both logs can be joined.
func auditRequestID(c echo.Context) string {
	if up := upstreamRequestID(c); up != "" {
		return requestID(c) + " (proxy: " + up + ")"
	}
	return requestID(c)
}
