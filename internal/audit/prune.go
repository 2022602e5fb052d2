package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/greenroom-dev/greenroom/internal/sqlitedb"
)

// pruneBatch keeps each delete short, so that Record is never held up
// behind one long write transaction.
const pruneBatch = 5000

// Prune deletes events older than before, in batches (see Log.Prune).
func (l *sqlLog) Prune(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res, err := l.w.ExecContext(ctx, l.q(`DELETE FROM audit_events WHERE id IN
			(SELECT id FROM audit_events WHERE at_us < ? ORDER BY id LIMIT ?)`), before.UnixMicro(), pruneBatch)
		if err != nil {
			return total, fmt.Errorf("audit: prune: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("audit: prune: %w", err)
		}
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}

// RunRetention prunes events older than keep from l now and then every
// interval, until ctx is done; run it in its own goroutine (see
// sqlitedb.RunRetention).
func RunRetention(ctx context.Context, l Log, keep, every time.Duration) error {
	return sqlitedb.RunRetention(ctx, "audit", l.Prune, keep, every)
}
