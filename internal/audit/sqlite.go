package audit

import (
	"errors"

	"github.com/greenroom-dev/greenroom/internal/sqlitedb"
	_ "modernc.org/sqlite" // pure-Go driver "sqlite"
)

// SQLiteLog is the embedded Log: one SQLite file, one writer connection
// and a small pool of read-only connections (WAL lets them read while the
// writer writes). w has exactly one connection (SQLite has one writer
// anyway); r is query_only.
type SQLiteLog struct{ sqlLog }

var _ Log = (*SQLiteLog)(nil)

// OpenSQLite opens (creating if needed, mode 0600) the audit database at
// path and migrates its schema (see sqlitedb.Open). Every connection runs
// with journal_mode=WAL, synchronous=FULL (each commit is fsynced: durable
// once Record returns) and busy_timeout=5000 ms.
func OpenSQLite(path string) (*SQLiteLog, error) {
	db, err := sqlitedb.Open(path, "audit", nil)
	if err != nil {
		return nil, err
	}
	return &SQLiteLog{sqlLog{w: db.W, r: db.R}}, nil
}

// Close closes the database. Events already recorded are on disk.
func (l *SQLiteLog) Close() error {
	return errors.Join(l.r.Close(), l.w.Close())
}
