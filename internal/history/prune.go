package history

import (
	"context"
	"fmt"
	"time"

	"github.com/greenroom-dev/greenroom/internal/sqlitedb"
)

// pruneBatch keeps each delete short, so that Append is never held up
// behind one long write transaction.
const pruneBatch = 5000

// Prune deletes transitions and samples older than before, in batches, and
// reports how many (see Store.Prune). It also deletes notify's ledger rows
// and outbox deliveries created before then, whatever their state: by
// then notify has long given up on a delivery (24 h).
func (s *sqlStore) Prune(ctx context.Context, before time.Time) (int64, error) {
	cut := before.UnixMicro()
	var total int64
	for _, q := range []struct{ table, col string }{
		{"history_transitions", "at_us"},
		{"history_samples", "at_us"},
		{"notify_alerts", "at_us"},
		{"notify_deliveries", "created_us"},
	} {
		key := "id"
		if q.table == "notify_alerts" {
			key = "transition_id"
		}
		stmt := fmt.Sprintf(`DELETE FROM %[1]s WHERE %[3]s IN
			(SELECT %[3]s FROM %[1]s WHERE %[2]s < ? ORDER BY %[3]s LIMIT ?)`, q.table, q.col, key)
		for {
			res, err := s.w.ExecContext(ctx, s.q(stmt), cut, pruneBatch)
			if err != nil {
				return total, fmt.Errorf("history: prune %s: %w", q.table, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return total, fmt.Errorf("history: prune %s: %w", q.table, err)
			}
			if q.table == "history_transitions" || q.table == "history_samples" {
				total += n
			}
			if n < pruneBatch {
				break
			}
		}
	}
	return total, nil
}

// RunRetention prunes what is older than keep from s now and then every
// interval, until ctx is done; run it in its own goroutine (see
// sqlitedb.RunRetention).
func RunRetention(ctx context.Context, s Store, keep, every time.Duration) error {
	return sqlitedb.RunRetention(ctx, "history", s.Prune, keep, every)
}
