package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// pruneBatch keeps each delete short, so that Record is never held up
// behind one long write transaction.
const pruneBatch = 5000

// Prune deletes events older than before, in batches (see Log.Prune).
func (l *SQLiteLog) Prune(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res, err := l.w.ExecContext(ctx, `DELETE FROM audit_events WHERE id IN
			(SELECT id FROM audit_events WHERE at_us < ? ORDER BY id LIMIT ?)`, before.UnixMicro(), pruneBatch)
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
// interval, until ctx is done; run it in its own goroutine. Failures are
// logged and retried at the next tick. It returns ctx's error, or an error
// at once for a non-positive keep or every.
func RunRetention(ctx context.Context, l Log, keep, every time.Duration) error {
	if keep <= 0 || every <= 0 {
		return errors.New("audit: retention needs a positive keep and interval")
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := l.Prune(ctx, time.Now().Add(-keep))
		switch {
		case err != nil && ctx.Err() == nil:
			slog.ErrorContext(ctx, "audit: retention prune failed", "error", err)
		case n > 0:
			slog.InfoContext(ctx, "audit: retention pruned events", "count", n, "keep", keep.String())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
