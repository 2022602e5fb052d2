package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/greenroom-dev/greenroom/internal/config"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/notify"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// live is the ops board's back end: the watcher of live stages, the
// history it writes (in the audit database) and the alerts it sends.
type live struct {
	watcher  *watch.Watcher
	history  *history.SQLiteStore
	notifier *notify.Notifier
	cfg      *config.Config
	log      *slog.Logger
}

// openLive opens the history and the notifier and builds the watcher over
// its own share of the call budget (svc). consoleURL goes into alerts.
func openLive(cfg *config.Config, svc ivs.Service, consoleURL string, log *slog.Logger) (*live, error) {
	store, err := history.OpenSQLite(cfg.AuditDB)
	if err != nil {
		return nil, fmt.Errorf("-audit-db (GREENROOM_AUDIT_DB): the board's history: %v", err)
	}
	n, err := notify.New(store, cfg.NotifyWebhooks, notify.Options{ConsoleURL: consoleURL, Logger: log.With(slog.String("component", "notify"))})
	if err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("-notify-webhook (GREENROOM_NOTIFY_WEBHOOK): %v", err)
	}
	l := &live{history: store, notifier: n, cfg: cfg, log: log}
	l.watcher = watch.New(watch.Options{Regions: cfg.Regions, IVS: svc, MinCadence: cfg.WatchCadence,
		Recall: store.RecallProtection, OnTransitions: l.onTransitions, OnSamples: l.onSamples,
		Logger: log.With(slog.String("component", "watch"))})
	return l, nil
}

// run watches, delivers alerts and prunes history until ctx ends.
func (l *live) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); l.watcher.Run(ctx) }()
	go func() {
		defer wg.Done()
		if err := l.notifier.Run(ctx); err != nil && ctx.Err() == nil {
			l.log.Error("alert delivery stopped", slog.String("error", err.Error()))
		}
	}()
	go func() {
		defer wg.Done()
		if err := history.RunRetention(ctx, l.history, l.cfg.HistoryRetention, time.Hour); err != nil && ctx.Err() == nil {
			l.log.Error("history retention stopped", slog.String("error", err.Error()))
		}
	}()
	wg.Wait()
}

func (l *live) close() { _ = l.history.Close() }

// onTransitions records what the watcher saw change, then alerts on it:
// the record comes first, so that an alert always has its history.
func (l *live) onTransitions(ctx context.Context, ts []history.Transition) {
	stored, err := l.history.Append(ctx, ts...)
	if err != nil {
		l.log.Error("history write failed: these transitions are not recorded and raise no alert", slog.Int("transitions", len(ts)), slog.String("error", err.Error()))
		return
	}
	for _, t := range stored {
		l.log.Info("transition", slog.String("region", t.Region), slog.String("kind", string(t.Kind)), slog.String("subject", t.SubjectName),
			slog.String("encoder", t.Encoder), slog.String("from", t.From), slog.String("to", t.To), slog.String("cause", t.Cause))
		if _, err := l.notifier.Notify(ctx, t); err != nil {
			l.log.Error("alert not queued", slog.Int64("transition", t.ID), slog.String("error", err.Error()))
		}
	}
}

func (l *live) onSamples(ctx context.Context, ss []history.Sample) {
	for _, s := range ss {
		if err := l.history.AddSample(ctx, s); err != nil {
			l.log.Warn("sample not recorded", slog.String("error", err.Error()))
			return
		}
	}
}
