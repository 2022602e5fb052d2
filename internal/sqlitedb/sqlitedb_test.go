package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
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
