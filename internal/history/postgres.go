package history

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgresStore is the Store several console replicas share: the history
// and outbox tables of a PostgreSQL database migrated by pgdb.Open. It is
// also notify's outbox, with claims so that two replicas' notifiers never
// send the same delivery at once (see DueDeliveries).
type PostgresStore struct {
	sqlStore
	claimant string // this store's name in notify_deliveries.claimed_by
}

var _ Store = (*PostgresStore)(nil)

// OpenPostgres returns the store over pool, whose schema pgdb.Open has
// migrated. The caller keeps the pool and closes it after the store.
func OpenPostgres(ctx context.Context, pool *pgxpool.Pool) (*PostgresStore, error) {
	db := stdlib.OpenDBFromPool(pool)
	if _, err := db.ExecContext(ctx, `SELECT 1 FROM history_transitions, notify_deliveries LIMIT 0`); err != nil {
		db.Close()
		return nil, fmt.Errorf("history: postgres (was the schema migrated by pgdb.Open?): %w", err)
	}
	host, _ := os.Hostname()
	return &PostgresStore{
		sqlStore: sqlStore{w: db, r: db, pg: true},
		claimant: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8]),
	}, nil
}
