package history

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
)

func openTest(t testing.TB) (*SQLiteStore, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "greenroom.db")
	s, err := OpenSQLite(path)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenSQLiteSettings(t *testing.T) {
	s, path := openTest(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}
	for name, conn := range map[string]*sql.DB{"writer": s.w, "reader": s.r} {
		var mode string
		var sync, busy int
		if err := conn.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("%s journal_mode = %q, %v", name, mode, err)
		}
		if err := conn.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
			t.Errorf("%s synchronous = %d, %v; want 2 (FULL)", name, sync, err)
		}
		if err := conn.QueryRow("PRAGMA busy_timeout").Scan(&busy); err != nil || busy != 5000 {
			t.Errorf("%s busy_timeout = %d, %v", name, busy, err)
		}
	}
	if _, err := s.r.Exec("DELETE FROM history_transitions"); err == nil {
		t.Error("reader pool can write")
	}
	var v, uv int
	if err := s.r.QueryRow("SELECT version FROM history_schema_version").Scan(&v); err != nil || v != 1 {
		t.Errorf("schema version %d, %v", v, err)
	}
	if err := s.r.QueryRow("PRAGMA user_version").Scan(&uv); err != nil || uv != 0 {
		t.Errorf("user_version = %d, %v: it belongs to the audit log", uv, err)
	}
	if _, err := OpenSQLite(""); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := OpenSQLite(filepath.Join(t.TempDir(), "missing-dir", "a.db")); err == nil {
		t.Error("path in a missing directory accepted")
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := openTest(t)
	// Versions are goose's now (sqlitedb/migrations).
	if _, err := s.w.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, 1)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s2, err := OpenSQLite(path); err == nil || !strings.Contains(err.Error(), "newer") {
		if s2 != nil {
			s2.Close()
		}
		t.Fatalf("OpenSQLite on a newer schema = %v", err)
	}
}

func TestCoexistsWithAuditLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "greenroom.db")
	ctx := context.Background()
	al, err := audit.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer al.Close()
	s, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 30 {
			if err := al.Record(ctx, audit.Event{Actor: "ann@example.com", Action: audit.ActionReveal,
				Outcome: audit.OutcomeSuccess, RequestID: fmt.Sprint("req-", i)}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for i := range 30 {
			if _, err := s.Append(ctx, Transition{Kind: KindPair, Subject: cfgA, Detail: fmt.Sprint(i)}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()

	events, _, err := al.Query(ctx, audit.Filter{Limit: audit.MaxLimit})
	if err != nil || len(events) != 30 {
		t.Fatalf("audit events: %d, %v", len(events), err)
	}
	ts, err := s.Query(ctx, Filter{})
	if err != nil || len(ts) != 30 {
		t.Fatalf("transitions: %d, %v", len(ts), err)
	}
	// And both reopen cleanly, in the other order.
	al.Close()
	s.Close()
	s2, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	al2, err := audit.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer al2.Close()
	if events, _, err := al2.Query(ctx, audit.Filter{Limit: audit.MaxLimit}); err != nil || len(events) != 30 {
		t.Fatalf("audit events after reopen: %d, %v", len(events), err)
	}
}
