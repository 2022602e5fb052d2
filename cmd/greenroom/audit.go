package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/config"
)

// openAudit opens the audit log and starts its retention.
func openAudit(ctx context.Context, cfg *config.Config, log *slog.Logger) (*audit.SQLiteLog, func(), error) {
	l, err := audit.OpenSQLite(cfg.AuditDB)
	if err != nil {
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
