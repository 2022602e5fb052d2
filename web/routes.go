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

// routes is the one place that lists every URL, read top to bottom: the
// middleware in the order it runs, then each route with its role (the scheme is documented in
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
	op := requireRole(auth.RoleOperator)
	app.GET("/", h.home)

	// The ops board: every live stage of every region, and its server push.
	app.GET("/board", h.boardShow)
	app.GET(boardStreamURL, h.boardStream)

	// A region's pages: /r/{region}/…
	r := app.Group("/r/:region", h.regionScope)
	r.GET("", h.regionHome)

	// Stages, sessions, participants. Filters and paging are in the query
	// string: ?next= (page token), on a session the one filter
	// (state=|published=true|userId=|recordingState=), &shown= and
	// &fragment=live|more|redundancy for what htmx asks.
	r.GET("/stages", h.stageList)
	r.GET("/stages/:stageId", h.stageShow)
	r.GET("/stages/:stageId/sessions/:sessionId", h.sessionShow)
	r.GET("/stages/:stageId/sessions/:sessionId/participants.csv", h.sessionExport)
	r.GET("/stages/:stageId/sessions/:sessionId/participants/:participantId", h.participantShow)
	r.GET("/stages/:stageId/sessions/:sessionId/participants/:participantId/disconnect", h.participantDisconnectConfirm, op)
	r.POST("/stages/:stageId/sessions/:sessionId/participants/:participantId/disconnect", h.participantDisconnect, op)
	r.POST("/stages/:stageId/sessions/:sessionId/participants/:participantId/replicas", h.replicaStart, op)
	r.POST("/stages/:stageId/sessions/:sessionId/participants/:participantId/replicas/stop", h.replicaStop, op)

	// Stage administration (operators): create (/stages/new, POST /stages),
	// edit (…/edit, POST to the stage), delete (…/delete, refused while
	// live), a participant token to test the stage (shown once, in the
	// POST's answer), and several participants of a session disconnected
	// at once.
	r.GET("/stages/new", h.stageNew, op)
	r.POST("/stages", h.stageCreate, op)
	r.GET("/stages/:stageId/edit", h.stageEdit, op)
	r.POST("/stages/:stageId", h.stageUpdate, op)
	r.GET("/stages/:stageId/delete", h.stageDeleteConfirm, op)
	r.POST("/stages/:stageId/delete", h.stageDelete, op)
	r.GET("/stages/:stageId/participant-tokens/new", h.tokenNew, op)
	r.POST("/stages/:stageId/participant-tokens", h.tokenCreate, op)
	r.GET("/stages/:stageId/sessions/:sessionId/disconnect", h.participantsDisconnectPage, op)
	r.POST("/stages/:stageId/sessions/:sessionId/disconnect", h.participantsDisconnect, op)

	// The program output: a stage's compositions start from its page
	// (operators; refused without a live session); a composition's page
	// and its stop (confirmed).
	r.GET("/stages/:stageId/compositions/new", h.compositionNew, op)
	r.POST("/stages/:stageId/compositions", h.compositionCreate, op)
	r.GET("/compositions/:compositionId", h.compositionShow)
	r.GET("/compositions/:compositionId/stop", h.compositionStopConfirm, op)
	r.POST("/compositions/:compositionId/stop", h.compositionStop, op)

	// Ingest configurations: list (?stage=|state=, &next=, &sort=), create,
	// show, edit, reveal keys (keyholders), delete, rotate keys.
	r.GET("/ingest-configurations", h.ingestList)
	r.GET("/ingest-configurations/new", h.ingestNew, op)
	r.POST("/ingest-configurations", h.ingestCreate, op)
	r.GET("/ingest-configurations/:id", h.ingestShow)
	r.GET("/ingest-configurations/:id/edit", h.ingestEdit, op)
	r.POST("/ingest-configurations/:id", h.ingestUpdate, op)
	r.POST("/ingest-configurations/:id/reveal", h.ingestReveal, requireRole(auth.RoleKeyholder))
	r.GET("/ingest-configurations/:id/delete", h.ingestDeleteConfirm, op)
	r.POST("/ingest-configurations/:id/delete", h.ingestDelete, op)
	r.GET("/ingest-configurations/:id/rotate", h.ingestRotateStart, op)
	r.POST("/ingest-configurations/:id/rotate", h.ingestRotateCreate, op)
	r.GET("/ingest-configurations/:id/rotate/:newId", h.ingestRotateFinishPage, op)
	r.POST("/ingest-configurations/:id/rotate/:newId", h.ingestRotateFinish, op)

	// Encoder and storage configurations (operators create and delete;
	// IVS refuses to delete one in use) and public keys (admins import and
	// delete: a key signs participant tokens outside the console).
	r.GET("/encoder-configurations", h.encoderList)
	r.GET("/encoder-configurations/new", h.encoderNew, op)
	r.POST("/encoder-configurations", h.encoderCreate, op)
	r.GET("/encoder-configurations/:id", h.encoderShow)
	r.GET("/encoder-configurations/:id/delete", h.encoderDeleteConfirm, op)
	r.POST("/encoder-configurations/:id/delete", h.encoderDelete, op)
	r.GET("/storage-configurations", h.storageList)
	r.GET("/storage-configurations/new", h.storageNew, op)
	r.POST("/storage-configurations", h.storageCreate, op)
	r.GET("/storage-configurations/:id", h.storageShow)
	r.GET("/storage-configurations/:id/delete", h.storageDeleteConfirm, op)
	r.POST("/storage-configurations/:id/delete", h.storageDelete, op)
	adm := requireRole(auth.RoleAdmin)
	r.GET("/public-keys", h.publicKeyList)
	r.GET("/public-keys/new", h.publicKeyNew, adm)
	r.POST("/public-keys", h.publicKeyImport, adm)
	r.GET("/public-keys/:id", h.publicKeyShow)
	r.GET("/public-keys/:id/delete", h.publicKeyDeleteConfirm, adm)
	r.POST("/public-keys/:id/delete", h.publicKeyDelete, adm)

	// Administration: the audit log (?actor=&action=&resource=&outcome=&from=&to=&cursor=).
	admin := app.Group("", requireRole(auth.RoleAdmin))
	admin.GET("/audit", h.auditLog)
	admin.GET("/audit.csv", h.auditExport)
}

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
			if c.Request().Header.Get("Accept") == "text/event-stream" {
				return next(c) // server push: each event must leave at once
			}
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
