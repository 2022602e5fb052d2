package web

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/metrics"
	"github.com/greenroom-dev/greenroom/static"
)

// routes is the one place that lists every URL (the scheme is documented in
// docs/urls.md and is the product's shareable state: keep it stable).
func routes(e *echo.Echo, h *handler) {
	// Pre runs before routing, for every request: the trailing-slash
	// redirect too gets a request id, a log line and the security headers,
	// and nothing is answered to a foreign Host (dev) or Origin.
	e.Pre(requestIDs(h))
	e.Pre(accessLog(h))
	e.Pre(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	e.Pre(securityHeaders(h))
	e.Pre(checkHost(h))
	e.Pre(checkOrigin(h))
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(streamDeadlines(h))
	e.Use(compress())
	// Again inside compress: a handler's panic must become a 500 page while
	// the compressing writer is still in place (the outer one alone met a
	// released writer and panicked again, dropping the connection).
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	e.Use(middleware.BodyLimit("256K"))

	// Operations endpoints: no identity, no session.
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	// The compress middleware gzips it; promhttp must not do it again.
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{DisableCompression: true})))
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheForever(http.FileServerFS(static.Dist)))))

	app := e.Group("", identify(h), withSession(h), checkCSRF, requireRole(auth.RoleViewer), freshness)
	app.GET("/", h.home)

	r := app.Group("/r/:region", h.regionScope)
	r.GET("", h.regionHome)
	r.GET("/stages", h.stageList)

	registerBrowseRoutes(r, h)
	registerIngestRoutes(r, h)
	registerAdminRoutes(app, h)
}

// Hooks filled in by the browse, ingest and admin files as they land.
var (
	registerBrowseRoutes = func(*echo.Group, *handler) {}
	registerIngestRoutes = func(*echo.Group, *handler) {}
	registerAdminRoutes  = func(*echo.Group, *handler) {}
)

// compress gzips responses without holding a compressor per response:
// stateless compression keeps no window between writes, so 200 viewers'
// requests waiting on IVS do not each pin a megabyte of flate state (Echo's
// gzip middleware did: hundreds of MB under a slow upstream).
func compress() echo.MiddlewareFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.StatelessCompression), gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // the options are constants
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			raw := res.Writer
			wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// Keep Echo's Response (outer middleware reads it afterwards);
				// only its writer goes through the compressor.
				res.Writer = w
				c.SetRequest(r)
				if err := next(c); err != nil {
					c.Error(err) // error pages are compressed too
				}
			})).ServeHTTP(raw, c.Request())
			res.Writer = raw
			return nil
		}
	}
}

// cacheForever lets browsers keep versioned assets (their URLs carry a hash).
func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		next.ServeHTTP(w, r)
	})
}
