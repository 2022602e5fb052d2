package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/greenroom-dev/greenroom/internal/cluster"
	"github.com/greenroom-dev/greenroom/internal/config"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/metrics"
	"github.com/greenroom-dev/greenroom/internal/notify"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// historyStore is the board's history as the live side uses it: the
// transitions, samples and alert outbox, in SQLite or PostgreSQL.
type historyStore interface {
	history.Store
	notify.Store
	RecallProtection(ctx context.Context, region ivs.Region) (map[string]ivs.Protection, error)
	RecallDestinations(ctx context.Context, region ivs.Region) (map[string]history.RecalledDestination, error)
}

// live is the ops board's back end: the live model every page reads, and
// (on the replica that leads) the watcher of live stages, the history it
// writes and the alerts it sends.
type live struct {
	model    *watch.Model
	history  historyStore
	notifier *notify.Notifier
	svc      ivs.Service
	cfg      *config.Config
	log      *slog.Logger
	// With several replicas: the shared database and the election. nil
	// for one replica, which always leads.
	pool    *pgxpool.Pool
	elector *cluster.Elector
	// feeds are IVS's events by region (nil: the watcher polls).
	feeds *eventFeeds
}

// openLive builds the notifier over the history store; the watcher (over
// its own share of the call budget, svc) is built each time this replica
// starts to lead. consoleURL goes into alerts. pool is nil for one replica.
func openLive(cfg *config.Config, store historyStore, pool *pgxpool.Pool, svc ivs.Service, consoleURL string, log *slog.Logger) (*live, error) {
	n, err := notify.New(store, cfg.NotifyWebhooks, notify.Options{ConsoleURL: consoleURL, Logger: log.With(slog.String("component", "notify"))})
	if err != nil {
		return nil, fmt.Errorf("-notify-webhook (GREENROOM_NOTIFY_WEBHOOK): %v", err)
	}
	l := &live{model: watch.NewModel(cfg.Regions), history: store, notifier: n, svc: svc, cfg: cfg, log: log, pool: pool}
	if pool != nil {
		l.elector = cluster.NewElector(pool, cfg.ReplicaID, log.With(slog.String("component", "cluster")))
	}
	return l, nil
}

// run serves the live model until ctx ends: one replica leads for as long
// as it runs; several elect one and the others mirror its model.
func (l *live) run(ctx context.Context) {
	if l.elector == nil {
		metrics.Leader.Set(1)
		defer metrics.Leader.Set(0)
		l.lead(ctx)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		cluster.Follow(ctx, l.pool, l.model, l.cfg.ReplicaID, l.log.With(slog.String("component", "cluster")))
	}()
	l.elector.Run(ctx, l.lead)
	wg.Wait()
}

// lead watches, delivers alerts, prunes history and (with several
// replicas) shares the model, until ctx ends (or the lead is lost). A new
// watcher each term: it recalls from history what the last leader knew, so
// a take-over neither repeats nor misses a transition.
func (l *live) lead(ctx context.Context) {
	l.replayAlerts(ctx)
	w := watch.New(watch.Options{Regions: l.cfg.Regions, IVS: l.svc, MinCadence: l.cfg.WatchCadence, Model: l.model,
		Events: l.feeds.sources(), ReconcileEvery: l.cfg.ReconcileEvery,
		Recall: l.history.RecallProtection, RecallDestinations: l.history.RecallDestinations, OnTransitions: l.onTransitions, OnSamples: l.onSamples,
		Logger: l.log.With(slog.String("component", "watch"))})
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); w.Run(ctx) }()
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
	if l.pool != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cluster.Publish(ctx, l.pool, l.model, l.cfg.ReplicaID, l.log.With(slog.String("component", "cluster")))
		}()
	}
	wg.Wait()
}

func (l *live) close() { _ = l.history.Close() }

// replayWindow is how far back a new leader looks for transitions whose
// alert its predecessor may not have queued (it died between recording a
// transition and queuing the alert).
const replayWindow = time.Hour

// replayAlerts queues the alerts of the recent transitions again. Queuing
// is idempotent per transition, so what was queued before is neither
// recorded nor sent twice; what was not is sent now.
func (l *live) replayAlerts(ctx context.Context) {
	ts, err := l.history.Query(ctx, history.Filter{Kinds: []history.Kind{history.KindPair}, Since: time.Now().Add(-replayWindow), Limit: history.MaxLimit})
	if err != nil {
		l.log.Error("alerts of recent transitions not checked", slog.String("error", err.Error()))
		return
	}
	for i := len(ts) - 1; i >= 0; i-- { // oldest first, as they happened
		if _, err := l.notifier.Notify(ctx, ts[i]); err != nil {
			l.log.Error("alert not queued", slog.Int64("transition", ts[i].ID), slog.String("error", err.Error()))
		}
	}
}

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
