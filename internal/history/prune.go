package history

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// pruneBatch keeps each delete short, so that Append is never held up
// behind one long write transaction.
const pruneBatch = 5000

// Prune deletes transitions and samples older than before, in batches, and
// reports how many (see Store.Prune). It also deletes notify's ledger rows
// and outbox deliveries created before then, whatever their state: by
// then notify has long given up on a delivery (24 h).
func (s *SQLiteStore) Prune(ctx context.Context, before time.Time) (int64, error) {
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
			res, err := s.w.ExecContext(ctx, stmt, cut, pruneBatch)
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
// interval, until ctx is done; run it in its own goroutine. Failures are
// logged and retried at the next tick. It returns ctx's error, or an error
// at once for a non-positive keep or every.
func RunRetention(ctx context.Context, s Store, keep, every time.Duration) error {
	if keep <= 0 || every <= 0 {
		return errors.New("history: retention needs a positive keep and interval")
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.Prune(ctx, time.Now().Add(-keep))
		switch {
		case err != nil && ctx.Err() == nil:
			slog.ErrorContext(ctx, "history: retention prune failed", "error", err)
		case n > 0:
			slog.InfoContext(ctx, "history: retention pruned transitions and samples", "count", n, "keep", keep.String())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
