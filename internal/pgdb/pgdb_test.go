package pgdb

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/migrate"
	"github.com/greenroom-dev/greenroom/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Replicas starting together on an empty database: one migrates, the
// others wait for the lock and find nothing to do.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			pool, err := Open(ctx, url)
			if err == nil {
				pool.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Open: %v", err)
	}
	pool, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rows, err := pool.Query(ctx, `SELECT version_id, count(*) FROM goose_db_version GROUP BY version_id ORDER BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int64
	for rows.Next() {
		var v, n int64
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("version %d recorded %d times", v, n)
		}
		got = append(got, v)
	}
	if len(got) != int(Newest())+1 || got[len(got)-1] != Newest() {
		t.Fatalf("versions %v, want 0..%d", got, Newest())
	}
	for _, table := range []string{"audit_events", "history_transitions", "history_samples", "notify_alerts",
		"notify_deliveries", "board_snapshots"} {
		var ok bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing (%v)", table, err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pool, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, Newest()+1); err != nil {
		t.Fatal(err)
	}
	pool.Close()

	_, err = Open(ctx, url)
	var tooNew *migrate.TooNewError
	if !errors.Is(err, ErrSchemaTooNew) || !errors.As(err, &tooNew) || tooNew.Version != Newest()+1 || tooNew.Known != Newest() {
		t.Fatalf("Open on a newer schema = %v", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") ||
		!strings.Contains(msg, "newer than this console knows") || !strings.Contains(msg, "run a console at least as new") {
		t.Fatalf("not one clear line: %q", msg)
	}
	t.Log(err)
}

func TestOpenBadURL(t *testing.T) {
	if _, err := Open(context.Background(), "postgres://127.0.0.1:1/none?connect_timeout=1"); err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
}
