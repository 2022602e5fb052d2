package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// regionScope checks the {region} of a /r/{region}/… URL against the
// configured regions: a shared link keeps its region, and an unknown one is
// a clear 404 rather than a call to a region the console does not use.
func (h *handler) regionScope(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := ivs.Region(c.Param("region"))
		if !h.console.Serves(r) {
			return notFound("The region “"+string(r)+"” is not one this console shows (it shows "+strings.Join(h.regionNames, ", ")+").", "/", "Back to the console")
		}
		c.Set(ctxRegion, r)
		return next(c)
	}
}

// freshness collects per request whether stale data was served.
func freshness(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, f := ivs.WithFreshness(c.Request().Context())
		c.SetRequest(c.Request().WithContext(ctx))
		c.Set(ctxFreshness, f)
		return next(c)
	}
}
