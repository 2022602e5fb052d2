package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/pgdb"
)

// sqlStore is the Store both databases share: the same tables and the same
// queries over database/sql. Placeholders ($n on PostgreSQL), the way a
// new id is read and the outbox's claims (PostgresStore.DueDeliveries)
// differ.
type sqlStore struct {
	w, r *sql.DB // writer and readers (the same pool on PostgreSQL)
	pg   bool

	mu      sync.Mutex
	samples []Sample    // queued by AddSample, not yet written
	timer   *time.Timer // flushes samples; nil when none are queued
	closed  bool
	flushMu sync.Mutex // one flush at a time, so samples are written in order
}

// writeTimeout bounds a write that has lost its caller (see Append).
const writeTimeout = 15 * time.Second

// q adapts a query written with ? placeholders to the database.
func (s *sqlStore) q(query string) string {
	if s.pg {
		return pgdb.Rebind(query)
	}
	return query
}

// core gives tests the shared insides of either store.
func (s *sqlStore) core() *sqlStore { return s }

// execer is what inserting needs of a *sql.DB or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
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

// transitionsLock is the PostgreSQL advisory lock key of insertTransition
// ("grnhisto" in ASCII).
const transitionsLock int64 = 0x67726e686973746f

// insertTransition inserts a prepared t, in transaction x, and sets its
// ID: RETURNING on PostgreSQL; LastInsertId on SQLite, exact there: there
// is a single writer connection.
func (s *sqlStore) insertTransition(ctx context.Context, x execer, t *Transition) error {
	const insert = `INSERT INTO history_transitions
		(at_us, region, kind, subject, subject_name, stage_arn, session_id, encoder, participant_id,
		 from_state, to_state, cause, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	args := []any{t.Time.UnixMicro(), t.Region, string(t.Kind), t.Subject, t.SubjectName, t.StageARN, t.SessionID,
		t.Encoder, t.ParticipantID, t.From, t.To, t.Cause, t.Detail}
	if s.pg {
		// Serialise transactions that add transitions, as SQLite's single
		// writer does: ids then follow commit order (a later transition
		// never has a smaller id, which RecallProtection and paging rely
		// on) and one Append's rows are adjacent. Held until commit; taking
		// it again in the same transaction is free.
		if _, err := x.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, transitionsLock); err != nil {
			return err
		}
		return x.QueryRowContext(ctx, s.q(insert+" RETURNING id"), args...).Scan(&t.ID)
	}
	res, err := x.ExecContext(ctx, insert, args...)
	if err != nil {
		return err
	}
	t.ID, err = res.LastInsertId()
	return err
}

// Append stores ts in one transaction (see Store.Append). Like the audit
// log, it ignores cancellation of ctx, bounded by its own timeout: a
// watcher shutting down must still record what it saw last.
func (s *sqlStore) Append(ctx context.Context, ts ...Transition) ([]Transition, error) {
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
		if err := s.insertTransition(ctx, tx, &out[i]); err != nil {
			return nil, fmt.Errorf("history: append %s %s: %w", out[i].Kind, out[i].Subject, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("history: append: %w", err)
	}
	return out, nil
}

// Close writes queued samples and closes the database (on PostgreSQL, the
// store's handle on the pool, which stays open). Transitions already
// appended are on disk.
func (s *sqlStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	ferr := s.flushSamples(context.Background())
	if s.r != s.w {
		ferr = errors.Join(ferr, s.r.Close())
	}
	return errors.Join(ferr, s.w.Close())
}
