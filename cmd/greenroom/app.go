package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/config"
	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/awssdk"
	"github.com/greenroom-dev/greenroom/internal/ivs/cached"
	"github.com/greenroom-dev/greenroom/web"
)

// app is the running console and what it must close.
type app struct {
	cfg     *config.Config
	log     *slog.Logger
	echo    *echo.Echo
	ln      net.Listener
	closers []func()
	stdout  io.Writer
	live    *live
}

func build(ctx context.Context, cfg *config.Config, stdout io.Writer) (*app, error) {
	a := &app{cfg: cfg, log: newLogger(cfg), stdout: stdout}
	if w := cfg.BudgetWarning(); w != "" {
		a.log.Warn(w)
	}
	endpoint := cfg.IVSEndpoint
	if cfg.Emulated() && endpoint == "" {
		url, stop, err := startEmulator(ctx, cfg, a.log)
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, stop)
		endpoint = url
	}
	raw, err := awssdk.New(ctx, awssdk.Options{Regions: cfg.Regions, Endpoint: endpoint, CallTimeout: cfg.CallTimeout})
	if err != nil {
		return nil, err
	}
	bud, err := openBudgets(cfg, a.log)
	if err != nil {
		return nil, err
	}
	svc := cached.New(raw, cached.Options{Disabled: cfg.CacheOff, Budget: bud.page, Shared: bud.pages})

	authn, err := newAuthenticator(cfg)
	if err != nil {
		a.close()
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = auth.Close(authn) })
	pool, err := openStore(ctx, cfg)
	if err != nil {
		a.close()
		return nil, err
	}
	if pool != nil {
		a.closers = append(a.closers, pool.Close)
	}
	auditLog, closeAudit, err := openAudit(ctx, cfg, pool, a.log)
	if err != nil {
		a.close()
		return nil, err
	}
	a.closers = append(a.closers, closeAudit)
	if cfg.DebugAddr != "" {
		stop, err := startDebug(cfg.DebugAddr, a.log)
		if err != nil {
			a.close()
			return nil, fmt.Errorf("-debug-addr (GREENROOM_DEBUG_ADDR): %v", err)
		}
		a.closers = append(a.closers, stop)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.close()
		return nil, fmt.Errorf("-addr (GREENROOM_ADDR): cannot listen on %s: %v", cfg.Addr, err)
	}
	a.ln = ln
	consoleURL := cfg.PublicURL
	if consoleURL == "" {
		consoleURL = "http://" + ln.Addr().String()
	}
	// The watcher has its own share of the budget and never caches: it is
	// the one reader of live facts, whatever the number of viewers.
	watchSvc := cached.New(raw, cached.Options{Disabled: true, Budget: cached.Budget{Rate: cfg.WatchRate, Burst: 1}, ReadWait: time.Minute, Shared: bud.watch})
	if cfg.ReplicaID == "" {
		host, _ := os.Hostname()
		cfg.ReplicaID = host + ":" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	}
	store, err := openHistory(ctx, cfg, pool)
	if err != nil {
		a.close()
		return nil, err
	}
	if a.live, err = openLive(cfg, store, pool, watchSvc, consoleURL, a.log); err != nil {
		_ = store.Close()
		a.close()
		return nil, err
	}
	a.closers = append(a.closers, a.live.close)
	a.live.feeds = newEventFeeds(cfg, raw.AWSConfig(), endpoint, a.log.With(slog.String("component", "events")))
	devListen := ""
	if cfg.Auth.Mode == string(auth.ModeDev) {
		devListen = ln.Addr().String()
	}
	a.echo = web.New(web.Deps{
		IVS:            svc,
		Auth:           authn,
		Sessions:       newSessionStore(cfg),
		Audit:          auditLog,
		AuditLog:       auditLog,
		Logger:         a.log,
		Regions:        cfg.Regions,
		Emulator:       cfg.Emulated(),
		Ready:          readiness(raw, cfg.Regions[0]),
		TrustedProxies: cfg.Auth.TrustedNetworks,
		PublicOrigin:   cfg.PublicURL,
		DevListenAddr:  devListen,
		SecureCookies:  cfg.CookieSecure,
		Live:           a.live.model,
		History:        a.live.history,
		Replica:        replicaStatus(cfg, a.live, pool, bud),
	})
	return a, nil
}

func (a *app) serve(ctx context.Context) error {
	srv := a.echo.Server
	srv.Handler = a.echo
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(a.ln) }()
	lctx, stopLive := context.WithCancel(ctx)
	defer stopLive()
	go a.live.run(lctx)
	url := "http://" + a.ln.Addr().String()
	fmt.Fprintf(a.stdout, "Greenroom is running at %s (backend %s, regions %v)\n", url, a.cfg.Backend, a.cfg.Regions)
	a.log.Info("listening", slog.String("url", url), slog.String("backend", a.cfg.Backend))
	if a.cfg.Auth.Mode == string(auth.ModeDev) {
		// Said once, at start, on both outputs (the log level may hide the
		// log line; the console's stdout is what a person watches).
		msg := "dev mode: there is no sign-in, every request to this console is the admin " + auth.DevIdentity.Email +
			"; only loopback addresses are answered. Use -auth proxy or jwt for anything shared"
		if !a.cfg.Emulated() {
			msg = "dev mode AGAINST A REAL AWS ACCOUNT (-dev-auth-against-aws-i-know-what-i-am-doing): there is no sign-in, every local request is the admin " +
				auth.DevIdentity.Email + " and can reveal stream keys and delete ingest configurations"
		}
		fmt.Fprintln(a.stdout, "WARNING: "+msg)
		a.log.Warn(msg, slog.String("auth", "dev"), slog.String("backend", a.cfg.Backend))
	}
	select {
	case err := <-errc:
		if err == http.ErrServerClosed {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down", slog.Duration("grace", a.cfg.ShutdownGrace))
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownGrace)
	defer cancel()
	return web.Shutdown(sctx, a.echo)
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// startEmulator serves the embedded emulator on a loopback port, so the
// console reaches it through the real SDK over HTTP, exactly like AWS.
func startEmulator(ctx context.Context, cfg *config.Config, log *slog.Logger) (string, func(), error) {
	emu, err := emulator.New(emulator.Options{Seed: cfg.Seed, Simulate: true, Logger: log.With(slog.String("component", "emulator"))})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("emulator: %w", err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	emu.Start(ctx)
	return "http://" + ln.Addr().String(), func() {
		_ = srv.Close()
		emu.Close()
	}, nil
}

func newLogger(cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// newSessionStore derives a signing and an encryption key from each
// configured key; the first signs new cookies, all verify (rotation).
func newSessionStore(cfg *config.Config) sessions.Store {
	keys := cfg.SessionKeys
	if len(keys) == 0 {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		keys = [][]byte{k}
	}
	var pairs [][]byte
	for _, k := range keys {
		pairs = append(pairs, derive(k, "greenroom session hash"), derive(k, "greenroom session block")[:32])
	}
	s := sessions.NewCookieStore(pairs...)
	s.Options.MaxAge = int(cfg.SessionTTL.Seconds())
	s.Options.HttpOnly = true
	s.Options.SameSite = http.SameSiteLaxMode
	return s
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// readiness checks IVS with the cheapest call, at most every few seconds
// however often the probe comes.
func readiness(svc ivs.Service, region ivs.Region) func(context.Context) error {
	var last time.Time
	var lastErr error
	sem := make(chan struct{}, 1)
	return func(ctx context.Context) error {
		sem <- struct{}{}
		defer func() { <-sem }()
		if time.Since(last) < 5*time.Second {
			return lastErr
		}
		_, lastErr = svc.ListStages(ctx, region, ivs.ListQuery{MaxResults: 1})
		last = time.Now()
		return lastErr
	}
}
