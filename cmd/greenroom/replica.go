package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9/logging"

	"github.com/greenroom-dev/greenroom/internal/cluster"
	"github.com/greenroom-dev/greenroom/internal/config"
	"github.com/greenroom-dev/greenroom/internal/ivs/cached"
	"github.com/greenroom-dev/greenroom/internal/sharedbudget"
)

// budgets are the call budgets of the pages and of the watcher: shared
// through Redis when -redis-url is set (nil otherwise), else each
// replica's share.
type budgets struct {
	pages, watch *sharedbudget.Budget
	page         cached.Budget // the pages' rate and burst (the whole console's with Redis)
}

func openBudgets(cfg *config.Config, log *slog.Logger) (*budgets, error) {
	b := &budgets{page: cached.Budget{Rate: cfg.CallRate, Burst: cfg.CallBurst}}
	if cfg.RedisURL == "" {
		// Without a shared budget each replica spends its share. The
		// watcher runs on the leader only, so it keeps its whole budget.
		if cfg.Replicas > 1 {
			b.page = cached.Budget{Rate: cfg.CallRate / float64(cfg.Replicas), Burst: max(1, cfg.CallBurst/cfg.Replicas)}
		}
		return b, nil
	}
	rdb, err := sharedbudget.NewClient(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("-redis-url (GREENROOM_REDIS_URL): %v", err)
	}
	// go-redis logs each failed dial itself; the budget says once when it
	// falls back and once when it returns.
	logging.Disable()
	blog := log.With(slog.String("component", "budget"))
	if b.pages, err = sharedbudget.New(rdb, sharedbudget.Options{Pool: "pages", Replicas: cfg.Replicas, Logger: blog}); err != nil {
		return nil, err
	}
	if b.watch, err = sharedbudget.New(rdb, sharedbudget.Options{Pool: "watch", Replicas: cfg.Replicas, Logger: blog}); err != nil {
		return nil, err
	}
	return b, nil
}

// status is the call budget's line on /readyz.
func (b *budgets) status(cfg *config.Config) string {
	if b.pages == nil {
		if cfg.Replicas > 1 {
			return fmt.Sprintf("call budget: local share, 1/%d of the budget (no -redis-url)", cfg.Replicas)
		}
		return "call budget: this replica's own"
	}
	for _, s := range []sharedbudget.Status{b.pages.Status(), b.watch.Status()} {
		if s.Mode == sharedbudget.Fallback {
			return fmt.Sprintf("call budget: LOCAL SHARE, 1/%d of the budget, since %s: Redis is not reachable (%s)",
				s.Replicas, s.Since.UTC().Format(time.RFC3339), s.LastError)
		}
	}
	return "call budget: shared through Redis"
}

// replicaStatus is what /readyz says of this replica among several (its
// role, the shared store and the call budget) and of the regions' events.
// One replica without events adds nothing.
func replicaStatus(cfg *config.Config, l *live, pool *pgxpool.Pool, b *budgets) func(context.Context) []string {
	if l.elector == nil {
		if l.feeds == nil {
			return nil
		}
		return func(context.Context) []string { return l.feeds.status() }
	}
	return func(ctx context.Context) []string {
		var role string
		if leading, since := l.elector.Leading(); leading {
			role = fmt.Sprintf("replica %s: leads since %s (watches IVS, sends alerts)", cfg.ReplicaID, since.UTC().Format(time.RFC3339))
		} else {
			who, at, err := cluster.Leader(ctx, pool)
			switch {
			case err != nil:
				role = fmt.Sprintf("replica %s: follows; the shared model cannot be read: %v", cfg.ReplicaID, err)
			case who == "":
				role = fmt.Sprintf("replica %s: follows; no leader has shared a model yet", cfg.ReplicaID)
			default:
				role = fmt.Sprintf("replica %s: follows %s (model of %s)", cfg.ReplicaID, who, at.UTC().Format(time.RFC3339Nano))
			}
		}
		store := "store: PostgreSQL reachable"
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if err := pool.Ping(pctx); err != nil {
			store = "store: PostgreSQL NOT REACHABLE (" + err.Error() + "): actions are refused, the board shows its last model"
		}
		return append([]string{role, store, b.status(cfg)}, l.feeds.status()...)
	}
}
