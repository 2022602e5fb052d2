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

// schemaVersion is the version of the tables below. A file written by a
// newer console is refused rather than misread.
const schemaVersion = 1

// writeTimeout bounds a write that has lost its caller (see Append).
const writeTimeout = 15 * time.Second

// The tables are prefixed (history_, notify_): the file is the audit log's,
// and audit owns PRAGMA user_version, so the version lives in a table too.
const schema = `
CREATE TABLE IF NOT EXISTS history_schema_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS history_transitions (
	id             INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, even after pruning
	at_us          INTEGER NOT NULL,                  -- unix microseconds, UTC
	region         TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL,
	subject        TEXT NOT NULL,
	subject_name   TEXT NOT NULL DEFAULT '',
	stage_arn      TEXT NOT NULL DEFAULT '',
	session_id     TEXT NOT NULL DEFAULT '',
	encoder        TEXT NOT NULL DEFAULT '',
	participant_id TEXT NOT NULL DEFAULT '',
	from_state     TEXT NOT NULL DEFAULT '',
	to_state       TEXT NOT NULL DEFAULT '',
	cause          TEXT NOT NULL DEFAULT '',
	detail         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_transitions_subject ON history_transitions (subject, id);
CREATE INDEX IF NOT EXISTS history_transitions_stage   ON history_transitions (stage_arn, session_id, id);
CREATE INDEX IF NOT EXISTS history_transitions_kind    ON history_transitions (kind, id);
CREATE INDEX IF NOT EXISTS history_transitions_at      ON history_transitions (at_us);

CREATE TABLE IF NOT EXISTS history_samples (
	id         INTEGER PRIMARY KEY,
	at_us      INTEGER NOT NULL,
	region     TEXT NOT NULL DEFAULT '',
	stage_arn  TEXT NOT NULL,
	session_id TEXT NOT NULL DEFAULT '',
	connected  INTEGER NOT NULL,
	publishers INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS history_samples_stage ON history_samples (stage_arn, session_id, at_us);
CREATE INDEX IF NOT EXISTS history_samples_at    ON history_samples (at_us);

-- notify's ledger: one row per transition that raised an alert, so that
-- enqueuing it again records nothing new.
CREATE TABLE IF NOT EXISTS notify_alerts (
	transition_id INTEGER PRIMARY KEY, -- the pair transition
	alert_id      INTEGER NOT NULL,    -- the KindAlert transition recorded for it
	key           TEXT NOT NULL,
	status        TEXT NOT NULL,
	at_us         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notify_alerts_at ON notify_alerts (at_us);

-- notify's outbox: one row per message and target. A target is known by an
-- opaque id and its host, never by its URL (webhook URLs embed secrets).
CREATE TABLE IF NOT EXISTS notify_deliveries (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	transition_id INTEGER NOT NULL,
	target        TEXT NOT NULL,
	target_index  INTEGER NOT NULL,
	target_host   TEXT NOT NULL,
	key           TEXT NOT NULL,
	key_name      TEXT NOT NULL DEFAULT '',
	region        TEXT NOT NULL DEFAULT '',
	stage_arn     TEXT NOT NULL DEFAULT '',
	session_id    TEXT NOT NULL DEFAULT '',
	payload       BLOB NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending',
	attempts      INTEGER NOT NULL DEFAULT 0,
	created_us    INTEGER NOT NULL,
	next_us       INTEGER NOT NULL,
	updated_us    INTEGER NOT NULL,
	last_error    TEXT NOT NULL DEFAULT '',
	UNIQUE (transition_id, target)
);
CREATE INDEX IF NOT EXISTS notify_deliveries_pending ON notify_deliveries (target, key, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notify_deliveries_created ON notify_deliveries (created_us);
`

// OpenSQLite opens (creating if needed, mode 0600) the database at path and
// creates this package's tables in it. Every connection runs with
// journal_mode=WAL, synchronous=FULL (each commit is fsynced: durable once
// Append returns) and busy_timeout=5000 ms, like the audit log's, so both
// can be open on the same file.
func OpenSQLite(path string) (*SQLiteStore, error) {
	db, err := sqlitedb.Open(path, "history", migrate)
	if err != nil {
		return nil, err
	}
	return &SQLiteStore{w: db.W, r: db.R}, nil
}

// migrate creates the tables and checks the version, in one transaction.
func migrate(ctx context.Context, w *sql.DB) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO history_schema_version (id, version) VALUES (1, ?)
		ON CONFLICT (id) DO NOTHING`, schemaVersion); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	var v int
	if err := tx.QueryRowContext(ctx, `SELECT version FROM history_schema_version WHERE id = 1`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("history tables are version %d, newer than this console knows (%d): run a newer console", v, schemaVersion)
	}
	return tx.Commit()
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
