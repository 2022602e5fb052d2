package redistest

import (
	"runtime"
	"strings"
	"testing"
)

func TestServerStopsAndStartsOnTheSamePort(t *testing.T) {
	s := New(t, "--requirepass", "s3cret")
	if !ping(s.Addr) {
		t.Fatal("no answer after New")
	}
	addr := s.Addr
	s.Stop()
	if ping(s.Addr) {
		t.Fatal("still answers after Stop")
	}
	s.Stop() // idempotent
	s.Start()
	if s.Addr != addr || !ping(s.Addr) {
		t.Fatalf("restarted on %s (was %s), answers: %v", s.Addr, addr, ping(s.Addr))
	}
	if s.URL() != "redis://"+addr+"/0" {
		t.Errorf("URL = %s", s.URL())
	}
}

// recorder stands for a test in binary: it records how the test ended.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()           {}
func (r *recorder) Skip(args ...any)  { r.skipped = args[0].(string); runtime.Goexit() }
func (r *recorder) Fatal(args ...any) { r.failed = args[0].(string); runtime.Goexit() }

func TestMissingBinarySkipsUnlessRequired(t *testing.T) {
	old := Binary
	Binary = "/nonexistent/redis-server"
	t.Cleanup(func() { Binary = old })
	t.Setenv("PATH", t.TempDir())
	for _, require := range []string{"", "1"} {
		t.Setenv(RequireEnv, require)
		r := &recorder{}
		done := make(chan struct{})
		go func() { defer close(done); binary(r) }()
		<-done
		got := r.skipped
		if require == "1" {
			got = r.failed
		}
		if !strings.Contains(got, "redis-server not found") || !strings.Contains(got, "redis-server package") {
			t.Errorf("%s=%q: skipped %q, failed %q", RequireEnv, require, r.skipped, r.failed)
		}
	}
}

func TestPausedServerDoesNotAnswer(t *testing.T) {
	s := New(t)
	s.Pause()
	if ping(s.Addr) {
		t.Fatal("a paused server answered")
	}
	s.Resume()
	if !ping(s.Addr) {
		t.Fatal("no answer after Resume")
	}
	s.Pause() // Stop (at cleanup) ends a paused server
}
