package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenMakesAPrivateWALDatabaseAndRunsSetup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	ran := false
	db, err := Open(path, "test", func(ctx context.Context, w *sql.DB) error {
		ran = true
		_, err := w.ExecContext(ctx, `CREATE TABLE t (x INTEGER)`)
		return err
	})
	if err != nil || !ran {
		t.Fatalf("open: %v (setup ran: %v)", err, ran)
	}
	defer db.W.Close()
	defer db.R.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v", fi.Mode().Perm(), err)
	}
	if _, err := db.R.Exec(`INSERT INTO t VALUES (1)`); err == nil {
		t.Error("the read pool can write")
	}
	if _, err := Open("", "test", nil); err == nil {
		t.Error("an empty path was accepted")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "h.db"), "test", func(context.Context, *sql.DB) error { return errors.New("boom") }); err == nil {
		t.Error("a failed setup was ignored")
	}
}

func TestRunRetentionPrunesNowAndStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	prune := func(context.Context, time.Time) (int64, error) {
		calls++
		cancel()
		return 1, nil
	}
	if err := RunRetention(ctx, "test", prune, time.Hour, time.Hour); !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("%v after %d prunes", err, calls)
	}
	if err := RunRetention(context.Background(), "test", prune, 0, time.Hour); err == nil {
		t.Error("a zero keep was accepted")
	}
}

// A file made before migrations existed adopts version 1 with its rows.
func TestOpenAdoptsAFileFromBeforeMigrations(t *testing.T) {
	ddl, err := os.ReadFile("testdata/before-goose.sql")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(string(ddl)); err != nil {
		t.Fatal(err)
	}
	old.Close()

	db, err := Open(path, "test", nil)
	if err != nil {
		t.Fatalf("open a file from before migrations: %v", err)
	}
	defer db.W.Close()
	defer db.R.Close()
	for _, table := range []string{"audit_events", "history_transitions", "history_samples", "notify_alerts", "notify_deliveries"} {
		var n int
		if err := db.R.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s: %d rows, %v; want the 1 from before", table, n, err)
		}
	}
	var v int64
	if err := db.R.QueryRow("SELECT max(version_id) FROM goose_db_version").Scan(&v); err != nil || v != 1 {
		t.Errorf("goose version %d, %v; want 1", v, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := Open(path, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)"); err != nil {
		t.Fatal(err)
	}
	db.W.Close()
	db.R.Close()
	_, err = Open(path, "audit", nil)
	if !errors.Is(err, ErrSchemaTooNew) || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "database schema is at version 99, newer than this console knows (1)") {
		t.Fatalf("Open of a newer file = %v", err)
	}
}
