package audit

import (
	"os"
	"path/filepath"
	"testing"
)

func openTest(t testing.TB) (*SQLiteLog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	l, err := OpenSQLite(path)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

func TestOpenSQLiteSettings(t *testing.T) {
	l, path := openTest(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}
	for db, name := range map[string]string{"writer": "w", "reader": "r"} {
		conn := l.w
		if name == "r" {
			conn = l.r
		}
		var mode string
		var sync, busy int
		if err := conn.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("%s journal_mode = %q, %v", db, mode, err)
		}
		if err := conn.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
			t.Errorf("%s synchronous = %d, %v; want 2 (FULL)", db, sync, err)
		}
		if err := conn.QueryRow("PRAGMA busy_timeout").Scan(&busy); err != nil || busy != 5000 {
			t.Errorf("%s busy_timeout = %d, %v", db, busy, err)
		}
	}
	if _, err := l.r.Exec("DELETE FROM audit_events"); err == nil {
		t.Error("reader pool can write")
	}
	if _, err := OpenSQLite(""); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := OpenSQLite(filepath.Join(t.TempDir(), "missing-dir", "a.db")); err == nil {
		t.Error("path in a missing directory accepted")
	}
}
