package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/greenroom-dev/greenroom/internal/config"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/pgdb"
)

// openStore connects to the shared PostgreSQL database and migrates it
// (nil without -database: one replica on SQLite).
func openStore(ctx context.Context, cfg *config.Config) (*pgxpool.Pool, error) {
	if cfg.Database == "" {
		return nil, nil
	}
	pool, err := pgdb.Open(ctx, cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("-database (GREENROOM_DATABASE): %v", err)
	}
	return pool, nil
}

// openHistory opens the board's history where the audit log is.
func openHistory(ctx context.Context, cfg *config.Config, pool *pgxpool.Pool) (historyStore, error) {
	if pool != nil {
		s, err := history.OpenPostgres(ctx, pool)
		if err != nil {
			return nil, fmt.Errorf("-database (GREENROOM_DATABASE): the board's history: %v", err)
		}
		return s, nil
	}
	s, err := history.OpenSQLite(cfg.AuditDB)
	if err != nil {
		return nil, fmt.Errorf("-audit-db (GREENROOM_AUDIT_DB): the board's history: %v", err)
	}
	return s, nil
}
