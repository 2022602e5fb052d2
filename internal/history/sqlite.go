package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/sqlitedb"
	_ "modernc.org/sqlite" // pure-Go driver "sqlite"
)

// SQLiteStore is the embedded Store: its own tables in one SQLite file
// (which it may share with the audit log), one writer connection and a
// small pool of read-only connections (WAL lets them read while the writer
// writes).
type SQLiteStore struct {
	w *sql.DB // exactly one connection: SQLite has one writer anyway
	r *sql.DB // query_only

	mu      sync.Mutex
	samples []Sample    // queued by AddSample, not yet written
	timer   *time.Timer // flushes samples; nil when none are queued
	closed  bool
	flushMu sync.Mutex // one flush at a time, so samples are written in order
}

var _ Store = (*SQLiteStore)(nil)

// writeTimeout bounds a write that has lost its caller (see Append).
const writeTimeout = 15 * time.Second

// OpenSQLite opens (creating if needed, mode 0600) the database at path and
// migrates its schema (see sqlitedb.Open). Every connection runs with
// journal_mode=WAL, synchronous=FULL (each commit is fsynced: durable once
// Append returns) and busy_timeout=5000 ms, like the audit log's, so both
// can be open on the same file.
func OpenSQLite(path string) (*SQLiteStore, error) {
	db, err := sqlitedb.Open(path, "history", nil)
	if err != nil {
		return nil, err
	}
	return &SQLiteStore{w: db.W, r: db.R}, nil
}

// execer is what inserting needs of a *sql.DB or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// prepare checks t and returns it as it will be stored: Time filled in (now
// if zero), UTC, to the microsecond, and every free-text field redacted.
func prepare(t Transition, now time.Time) (Transition, error) {
	if !t.Kind.Valid() || t.Subject == "" {
		return Transition{}, fmt.Errorf("%w: a known kind and a subject are required (kind %q)", ErrInvalidTransition, t.Kind)
	}
	if t.Time.IsZero() {
		t.Time = now
	}
	t.Time = t.Time.UTC().Truncate(time.Microsecond)
	t.ID = 0
	for _, p := range []*string{&t.Region, &t.Subject, &t.SubjectName, &t.StageARN, &t.SessionID,
		&t.Encoder, &t.ParticipantID, &t.From, &t.To, &t.Cause, &t.Detail} {
		*p = ivs.RedactStreamKeys(*p)
	}
	return t, nil
}

// insertTransition inserts a prepared t and sets its ID. Exact: there is a
// single writer connection.
func insertTransition(ctx context.Context, x execer, t *Transition) error {
	res, err := x.ExecContext(ctx, `INSERT INTO history_transitions
		(at_us, region, kind, subject, subject_name, stage_arn, session_id, encoder, participant_id,
		 from_state, to_state, cause, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Time.UnixMicro(), t.Region, string(t.Kind), t.Subject, t.SubjectName, t.StageARN, t.SessionID,
		t.Encoder, t.ParticipantID, t.From, t.To, t.Cause, t.Detail)
	if err != nil {
		return err
	}
	t.ID, err = res.LastInsertId()
	return err
}

// Append stores ts in one transaction (see Store.Append). Like the audit
// log, it ignores cancellation of ctx, bounded by its own timeout: a
// watcher shutting down must still record what it saw last.
func (s *SQLiteStore) Append(ctx context.Context, ts ...Transition) ([]Transition, error) {
	if len(ts) == 0 {
		return nil, nil
	}
	now := time.Now()
	out := make([]Transition, len(ts))
	for i, t := range ts {
		var err error
		if out[i], err = prepare(t, now); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("history: append: %w", err)
	}
	defer tx.Rollback()
	for i := range out {
		if err := insertTransition(ctx, tx, &out[i]); err != nil {
			return nil, fmt.Errorf("history: append %s %s: %w", out[i].Kind, out[i].Subject, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("history: append: %w", err)
	}
	return out, nil
}

// Close writes queued samples and closes the database. Transitions already
// appended are on disk.
func (s *SQLiteStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	ferr := s.flushSamples(context.Background())
	return errors.Join(ferr, s.r.Close(), s.w.Close())
}
