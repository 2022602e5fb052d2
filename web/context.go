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

// requestID is the id the request-id middleware gave this request.
func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}
