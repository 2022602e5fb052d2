// Package web is Greenroom's HTTP layer: Echo, its middleware, the central
// error handler and one small file per page or action, named like the page's
// view and test (ingest_create.go, views/ingest_create.templ,
// ingest_create_test.go). Handlers parse input, call the application layer
// (internal/console) and render views; they return errors instead of writing
// error pages themselves. Every route is in routes.go.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Deps is everything the HTTP layer needs.
type Deps struct {
	IVS      ivs.Service
	Auth     auth.Authenticator
	Sessions sessions.Store
	// Audit writes audited actions durably (audit.Log does).
	Audit console.Recorder
	// AuditLog is read by the admin pages (browse, export).
	AuditLog audit.Log
	Logger   *slog.Logger
	Regions  []ivs.Region
	Emulator bool
	// Ready reports whether IVS is reachable (for /readyz).
	Ready func(ctx context.Context) error
	// TrustedProxy reports whether a peer address may set X-Forwarded-Proto.
	TrustedProxy func(remoteAddr string) bool
	// SecureCookies: "auto", "always" or "never".
	SecureCookies string
	Now           func() time.Time
	// RevealTTL is how long revealed keys stay on screen.
	RevealTTL time.Duration
	// Live is the watcher's model of live stages (the board, health).
	Live LiveModel
}

// handler carries the dependencies into every page and action: the
// application layer, and what the HTTP layer itself needs.
type handler struct {
	Deps
	console     *console.Console
	regionNames []string
	board       boardEvents
	// closing ends server pushes when the server shuts down (they would
	// otherwise hold the graceful shutdown until its deadline).
	closing chan struct{}
}

// New builds the Echo server with every route.
func New(d Deps) *echo.Echo {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.RevealTTL == 0 {
		d.RevealTTL = 60 * time.Second
	}
	if d.TrustedProxy == nil {
		d.TrustedProxy = func(string) bool { return false }
	}
	co := console.Options{IVS: d.IVS, Audit: d.Audit, Regions: d.Regions, Now: d.Now, Logger: d.Logger}
	if d.Live != nil {
		co.Live = livePairs{d.Live}
	}
	h := &handler{Deps: d, console: console.New(co), closing: make(chan struct{})}
	for _, r := range d.Regions {
		h.regionNames = append(h.regionNames, string(r))
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = h.handleError
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.IdleTimeout = 120 * time.Second
	e.Server.RegisterOnShutdown(func() { close(h.closing) })
	routes(e, h)
	return e
}

func (h *handler) defaultRegion() ivs.Region { return h.Regions[0] }

// Shutdown stops accepting requests and waits for in-flight ones.
func Shutdown(ctx context.Context, e *echo.Echo) error {
	if err := e.Shutdown(ctx); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
