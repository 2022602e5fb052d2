package audit

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/pgdb"
	"github.com/greenroom-dev/greenroom/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// store is a Log under test, either kind, with its shared insides.
type store interface {
	Log
	Append(ctx context.Context, e Event) (Event, error)
	core() *sqlLog
}

// backends each make a new, empty database and return a function that
// opens a handle on it (again and again: reopening), closed when t ends.
var backends = []struct {
	name  string
	fresh func(t testing.TB) func() store
}{
	{"sqlite", func(t testing.TB) func() store {
		path := filepath.Join(t.TempDir(), "audit.db")
		return func() store {
			t.Helper()
			l, err := OpenSQLite(path)
			if err != nil {
				t.Fatalf("OpenSQLite: %v", err)
			}
			t.Cleanup(func() { l.Close() })
			return l
		}
	}},
	{"postgres", func(t testing.TB) func() store {
		url := pgtest.NewDatabase(t)
		return func() store {
			t.Helper()
			return openPostgres(t, url)
		}
	}},
}

func openPostgres(t testing.TB, url string) *PostgresLog {
	t.Helper()
	ctx := context.Background()
	pool, err := pgdb.Open(ctx, url)
	if err != nil {
		t.Fatalf("pgdb.Open: %v", err)
	}
	t.Cleanup(pool.Close)
	l, err := OpenPostgres(ctx, pool)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// both runs f as the subtests sqlite and postgres, each with a log on a
// new database and a way to open it again.
func both(t *testing.T, f func(t *testing.T, l store, reopen func() store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			open := b.fresh(t)
			f(t, open(), open)
		})
	}
}
