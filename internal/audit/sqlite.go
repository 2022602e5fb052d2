package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/greenroom-dev/greenroom/internal/sqlitedb"
	_ "modernc.org/sqlite" // pure-Go driver "sqlite"
)

// SQLiteLog is the embedded Log: one SQLite file, one writer connection
// and a small pool of read-only connections (WAL lets them read while the
// writer writes).
type SQLiteLog struct {
	w *sql.DB // exactly one connection: SQLite has one writer anyway
	r *sql.DB // query_only
}

var _ Log = (*SQLiteLog)(nil)

// recordTimeout bounds a Record that has lost its caller (see Record).
const recordTimeout = 15 * time.Second


// OpenSQLite opens (creating if needed, mode 0600) the audit database at
// path and migrates its schema (see sqlitedb.Open). Every connection runs
// with journal_mode=WAL, synchronous=FULL (each commit is fsynced: durable
// once Record returns) and busy_timeout=5000 ms.
func OpenSQLite(path string) (*SQLiteLog, error) {
	db, err := sqlitedb.Open(path, "audit", nil)
	if err != nil {
		return nil, err
	}
	return &SQLiteLog{w: db.W, r: db.R}, nil
}

// Record stores e (see Log.Record). It deliberately ignores cancellation of
// ctx, bounded by its own timeout: a client that hangs up after an action
// was carried out must not erase the trace of it.
func (l *SQLiteLog) Record(ctx context.Context, e Event) error {
	_, err := l.Append(ctx, e)
	return err
}

// Append is Record that also returns the event as stored, with its ID and
// Time.
func (l *SQLiteLog) Append(ctx context.Context, e Event) (Event, error) {
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
	// Exec runs the statement to completion, so the autocommit (and its
	// fsync) has happened when it returns.
	res, err := l.w.ExecContext(ctx, `INSERT INTO audit_events
		(at_us, actor, role, region, resource, action, outcome, client_addr, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Time.UnixMicro(), e.Actor, e.Role, e.Region, e.Resource, e.Action, e.Outcome,
		e.ClientAddr, e.RequestID, e.Detail)
	if err != nil {
		return Event{}, fmt.Errorf("audit: record %s by %s: %w", e.Action, e.Actor, err)
	}
	// Exact: there is a single writer connection.
	if e.ID, err = res.LastInsertId(); err != nil {
		return Event{}, fmt.Errorf("audit: record %s by %s: %w", e.Action, e.Actor, err)
	}
	return e, nil
}

// Close closes the database. Events already recorded are on disk.
func (l *SQLiteLog) Close() error {
	return errors.Join(l.r.Close(), l.w.Close())
}
