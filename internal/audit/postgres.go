package audit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgresLog is the Log several console replicas share: the audit_events
// table of a PostgreSQL database migrated by pgdb.Open. Each Record is one
// autocommit INSERT, durable when it returns nil as long as the role keeps
// synchronous_commit on (the default).
type PostgresLog struct{ sqlLog }

var _ Log = (*PostgresLog)(nil)

// OpenPostgres returns the log over pool, whose schema pgdb.Open has
// migrated. The caller keeps the pool and closes it after the log.
func OpenPostgres(ctx context.Context, pool *pgxpool.Pool) (*PostgresLog, error) {
	db := stdlib.OpenDBFromPool(pool)
	if _, err := db.ExecContext(ctx, `SELECT 1 FROM audit_events LIMIT 0`); err != nil {
		db.Close()
		return nil, fmt.Errorf("audit: postgres (was the schema migrated by pgdb.Open?): %w", err)
	}
	return &PostgresLog{sqlLog{w: db, r: db, pg: true}}, nil
}

// Close releases the log's handle on the pool; the pool stays open.
func (l *PostgresLog) Close() error { return l.w.Close() }
