package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/config"
)

// openAudit opens the audit log (in PostgreSQL when pool is set, else the
// SQLite file) and starts its retention.
func openAudit(ctx context.Context, cfg *config.Config, pool *pgxpool.Pool, log *slog.Logger) (audit.Log, func(), error) {
	var l audit.Log
	var err error
	if pool != nil {
		if l, err = audit.OpenPostgres(ctx, pool); err != nil {
			return nil, nil, fmt.Errorf("-database (GREENROOM_DATABASE): the audit log: %v", err)
		}
	} else if l, err = audit.OpenSQLite(cfg.AuditDB); err != nil {
		return nil, nil, fmt.Errorf("-audit-db (GREENROOM_AUDIT_DB): %v", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	if cfg.AuditRetention > 0 {
		go func() {
			if err := audit.RunRetention(rctx, l, cfg.AuditRetention, time.Hour); err != nil && rctx.Err() == nil {
				log.Error("audit retention stopped", slog.String("error", err.Error()))
			}
		}()
	}
	return l, func() { cancel(); _ = l.Close() }, nil
}
