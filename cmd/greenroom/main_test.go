package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

// testSessionKey is a session key for tests (one byte repeated is refused).
const testSessionKey = "9c3e7a1f5d2b48c6e0a4f8b1d3c5e7a99c3e7a1f5d2b48c6e0a4f8b1d3c5e7a9"

func TestDevModeIsRefusedOffLoopback(t *testing.T) {
	err := run(context.Background(), []string{"-addr", "0.0.0.0:0", "-audit-db", t.TempDir() + "/a.db"}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("dev mode on 0.0.0.0: %v, want a refusal naming loopback", err)
	}
}

func TestBadSettingStopsStart(t *testing.T) {
	err := run(context.Background(), []string{"-backend", "gcp"}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-backend") {
		t.Fatalf("err = %v", err)
	}
}

func TestConsoleStartsOnTheEmbeddedEmulatorAndStopsGracefully(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-audit-db", t.TempDir() + "/a.db", "-log-level", "error"}, noEnv, out)
	}()
	var url string
	re := regexp.MustCompile(`running at (http://[0-9.:]+)`)
	for deadline := time.Now().Add(20 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no URL printed: %q", out.String())
	}
	resp, err := http.Get(url + "/r/us-east-1/stages")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "main-stage-keynote") || !strings.Contains(string(body), "EMULATOR") {
		t.Fatalf("stage list: %d", resp.StatusCode)
	}
	resp, err = http.Get(url + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v on shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no graceful shutdown")
	}
}

func TestConfigReference(t *testing.T) {
	var b bytes.Buffer
	if err := run(context.Background(), []string{"-config-reference"}, noEnv, &b); err != nil || !strings.Contains(b.String(), "GREENROOM_IVS_CALL_RATE") {
		t.Fatalf("%v: %s", err, b.String())
	}
}
