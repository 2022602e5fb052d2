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
	"net/netip"
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
	// Replica says, a line each, what this replica is among several (its
	// role, the shared store, the call budget) for /readyz; degraded parts
	// are said there without failing the probe, since every replica shares
	// them. nil: nothing to add.
	Replica func(ctx context.Context) []string
	// TrustedProxies are the reverse proxies' networks (-trusted-proxies):
	// only a TCP peer inside one may set X-Forwarded-For (the client
	// address of logs and audit), X-Forwarded-Proto, X-Forwarded-Host and
	// X-Request-Id (kept beside ours). Empty: no forwarding header counts.
	TrustedProxies []netip.Prefix
	// PublicOrigin is the console's origin as browsers see it
	// (-public-url, e.g. https://greenroom.example.com). POSTs whose Origin
	// is another one are refused. Empty: the request's own scheme and host.
	PublicOrigin string
	// DevListenAddr is set in dev mode to the loopback address the console
	// listens on (host:port): only Host headers naming a loopback host on
	// that port are answered (DNS rebinding).
	DevListenAddr string
	// SecureCookies: "auto", "always" or "never".
	SecureCookies string
	Now           func() time.Time
	// RevealTTL is how long revealed keys stay on screen.
	RevealTTL time.Duration
	// Live is the watcher's model of live stages (the board, health).
	Live LiveModel
	// History is what the watcher recorded (timelines, charts).
	History console.History
	// ReadTimeout bounds reading a whole request, body included (default
	// DefaultReadTimeout); WriteTimeout bounds writing a response (default
	// DefaultWriteTimeout), except for the CSV streams, whose every write
	// gets StreamWriteTimeout (default DefaultStreamWriteTimeout).
	ReadTimeout, WriteTimeout, StreamWriteTimeout time.Duration
}

// Server timeouts. A request, body included, must arrive within
// DefaultReadTimeout of its first byte: forms are a few KB (the body limit
// is 256 KB), so 20 s allows a 13 KB/s link, and a client that trickles a
// body (to hold connections open) is cut off. Once the body is read the
// read deadline no longer applies (net/http clears it), so long handlers
// are unaffected. DefaultWriteTimeout bounds a response from the end of its
// headers: pages wait for IVS at most a few rounds of -ivs-timeout. The
// CSV exports stream for as long as the data lasts with constant memory, so
// they have no overall deadline; instead each write must finish within
// DefaultStreamWriteTimeout (a reader that stops reading is dropped).
const (
	DefaultReadTimeout        = 20 * time.Second
	DefaultWriteTimeout       = 60 * time.Second
	DefaultStreamWriteTimeout = 60 * time.Second
	defaultIdleTimeout        = 120 * time.Second
	defaultReadHeaderTimeout  = 10 * time.Second
)

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
	if d.ReadTimeout == 0 {
		d.ReadTimeout = DefaultReadTimeout
	}
	if d.WriteTimeout == 0 {
		d.WriteTimeout = DefaultWriteTimeout
	}
	if d.StreamWriteTimeout == 0 {
		d.StreamWriteTimeout = DefaultStreamWriteTimeout
	}
	d.PublicOrigin = normalOrigin(d.PublicOrigin)
	co := console.Options{IVS: d.IVS, Audit: d.Audit, Regions: d.Regions, Now: d.Now, Logger: d.Logger}
	if d.Live != nil {
		co.Live = livePairs{d.Live}
	}
	if d.History != nil {
		co.History = d.History
	}
	h := &handler{Deps: d, console: console.New(co), closing: make(chan struct{})}
	for _, r := range d.Regions {
		h.regionNames = append(h.regionNames, string(r))
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = h.ipExtractor()
	e.Server.ReadHeaderTimeout = defaultReadHeaderTimeout
	e.Server.ReadTimeout = d.ReadTimeout
	e.Server.WriteTimeout = d.WriteTimeout
	e.Server.IdleTimeout = defaultIdleTimeout
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
