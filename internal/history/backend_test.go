package history

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/pgdb"
	"github.com/greenroom-dev/greenroom/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// store is a Store under test, either kind, with the outbox and its
// shared insides.
type store interface {
	Store
	RecallProtection(ctx context.Context, region ivs.Region) (map[string]ivs.Protection, error)
	RecallDestinations(ctx context.Context, region ivs.Region) (map[string]RecalledDestination, error)
	EnqueueAlert(ctx context.Context, source int64, alert Transition, ds []Delivery) (Transition, int, error)
	DueDeliveries(ctx context.Context, target string, now time.Time, limit int) ([]Delivery, time.Time, error)
	Deliveries(ctx context.Context, status string, limit int) ([]Delivery, error)
	UpdateDelivery(ctx context.Context, d Delivery, note *Transition) error
	core() *sqlStore
}

// backends each make a new, empty database and return a function that
// opens a handle on it (again and again: reopening, a peer), closed when
// t ends.
var backends = []struct {
	name  string
	fresh func(t testing.TB) func() store
}{
	{"sqlite", func(t testing.TB) func() store {
		path := filepath.Join(t.TempDir(), "greenroom.db")
		return func() store {
			t.Helper()
			s, err := OpenSQLite(path)
			if err != nil {
				t.Fatalf("OpenSQLite: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
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

func openPostgres(t testing.TB, url string) *PostgresStore {
	t.Helper()
	ctx := context.Background()
	pool, err := pgdb.Open(ctx, url)
	if err != nil {
		t.Fatalf("pgdb.Open: %v", err)
	}
	t.Cleanup(pool.Close)
	s, err := OpenPostgres(ctx, pool)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// both runs f as the subtests sqlite and postgres, each with a store on a
// new database and a way to open it again.
func both(t *testing.T, f func(t *testing.T, s store, reopen func() store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			open := b.fresh(t)
			f(t, open(), open)
		})
	}
}
