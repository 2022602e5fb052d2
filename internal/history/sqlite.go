package history

import (
	"github.com/greenroom-dev/greenroom/internal/sqlitedb"
	_ "modernc.org/sqlite" // pure-Go driver "sqlite"
)

// SQLiteStore is the embedded Store: its own tables in one SQLite file
// (which it may share with the audit log), one writer connection and a
// small pool of read-only connections (WAL lets them read while the writer
// writes). w has exactly one connection (SQLite has one writer anyway); r
// is query_only.
type SQLiteStore struct{ sqlStore }

var _ Store = (*SQLiteStore)(nil)

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
	return &SQLiteStore{sqlStore{w: db.W, r: db.R}}, nil
}
