// Package sqlitedb opens the console's embedded SQLite database the one way
// every store in it (the audit log, the board's history) needs: a file only
// its owner reads, WAL so readers never wait for the writer, every commit
// fsynced, one writer connection and a small read-only pool. It migrates
// the schema of all of them (goose, migrations/) and runs their retention.
package sqlitedb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/greenroom-dev/greenroom/internal/migrate"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // pure-Go driver "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrSchemaTooNew is matched by Open's error for a file migrated by a newer
// console (see migrate.TooNewError).
var ErrSchemaTooNew = migrate.ErrSchemaTooNew

// DB is a database's writer (exactly one connection: SQLite has one writer
// anyway) and its read-only pool.
type DB struct {
	W, R *sql.DB
}

// Open opens (creating if needed, mode 0600) the database at path, brings
// its schema up to date (every store's tables: one file, one version) and
// then runs setup, if not nil, on the writer. Every connection runs with
// journal_mode=WAL, synchronous=FULL (durable once a commit returns) and
// busy_timeout=5000 ms, so several stores can share the file. who names the
// store in errors ("audit", "history").
func Open(path, who string, setup func(ctx context.Context, w *sql.DB) error) (*DB, error) {
	if path == "" {
		return nil, errors.New(who + ": database path is required")
	}
	// Create the file ourselves: SQLite would use the umask (often 0644),
	// and the database names people and addresses.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: open %s: %w", who, path, err)
	}
	f.Close()
	dsn := func(extra string) string {
		q := "_busy_timeout=5000&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate" + extra
		return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q
	}
	w, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		return nil, fmt.Errorf("%s: open %s: %w", who, path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sub, _ := fs.Sub(migrations, "migrations")
	if err := migrate.Up(ctx, goose.DialectSQLite3, w, sub); err != nil {
		w.Close()
		return nil, fmt.Errorf("%s: %s: %w", who, path, err)
	}
	if setup != nil {
		if err := setup(ctx, w); err != nil {
			w.Close()
			return nil, fmt.Errorf("%s: %s: %w", who, path, err)
		}
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		w.Close()
		return nil, fmt.Errorf("%s: %s: journal mode %q (%v), want wal", who, path, mode, err)
	}
	r, err := sql.Open("sqlite", dsn("&_query_only=1"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("%s: open %s: %w", who, path, err)
	}
	r.SetMaxOpenConns(4)
	return &DB{W: w, R: r}, nil
}

// RunRetention calls prune with the cut-off now and then every interval,
// until ctx is done; run it in its own goroutine. Failures are logged and
// retried at the next tick. It returns ctx's error, or an error at once for
// a non-positive keep or every.
func RunRetention(ctx context.Context, who string, prune func(ctx context.Context, before time.Time) (int64, error), keep, every time.Duration) error {
	if keep <= 0 || every <= 0 {
		return errors.New(who + ": retention needs a positive keep and interval")
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := prune(ctx, time.Now().Add(-keep))
		switch {
		case err != nil && ctx.Err() == nil:
			slog.ErrorContext(ctx, who+": retention prune failed", "error", err)
		case n > 0:
			slog.InfoContext(ctx, who+": retention pruned", "count", n, "keep", keep.String())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
