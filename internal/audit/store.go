package audit

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/greenroom-dev/greenroom/internal/pgdb"
)

// sqlLog is the Log both stores share: the same table and the same
// queries over database/sql. Only placeholders ($n on PostgreSQL) and the
// way a new id is read differ.
type sqlLog struct {
	w, r *sql.DB // writer and readers (the same pool on PostgreSQL)
	pg   bool
}

// recordTimeout bounds a Record that has lost its caller (see Record).
const recordTimeout = 15 * time.Second

// q adapts a query written with ? placeholders to the database.
func (l *sqlLog) q(query string) string {
	if l.pg {
		return pgdb.Rebind(query)
	}
	return query
}

// core gives tests the shared insides of either store.
func (l *sqlLog) core() *sqlLog { return l }

// Record stores e (see Log.Record). It deliberately ignores cancellation of
// ctx, bounded by its own timeout: a client that hangs up after an action
// was carried out must not erase the trace of it.
func (l *sqlLog) Record(ctx context.Context, e Event) error {
	_, err := l.Append(ctx, e)
	return err
}

// Append is Record that also returns the event as stored, with its ID and
// Time.
func (l *sqlLog) Append(ctx context.Context, e Event) (Event, error) {
	if e.Actor == "" || e.Action == "" || e.Outcome == "" {
		return Event{}, fmt.Errorf("%w: actor, action and outcome are required", ErrInvalidEvent)
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.scrub()

	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	const insert = `INSERT INTO audit_events
		(at_us, actor, role, region, resource, action, outcome, client_addr, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	args := []any{e.Time.UnixMicro(), e.Actor, e.Role, e.Region, e.Resource, e.Action, e.Outcome,
		e.ClientAddr, e.RequestID, e.Detail}
	var err error
	if l.pg {
		// An autocommit statement: Scan returns after the rows are closed,
		// which is after the server's commit (synchronous_commit=on: the
		// WAL is flushed) or with its error.
		err = l.w.QueryRowContext(ctx, l.q(insert+" RETURNING id"), args...).Scan(&e.ID)
	} else {
		// Exec runs the statement to completion, so the autocommit (and its
		// fsync) has happened when it returns; LastInsertId is exact: there
		// is a single writer connection.
		var res sql.Result
		if res, err = l.w.ExecContext(ctx, insert, args...); err == nil {
			e.ID, err = res.LastInsertId()
		}
	}
	if err != nil {
		return Event{}, fmt.Errorf("audit: record %s by %s: %w", e.Action, e.Actor, err)
	}
	return e, nil
}
