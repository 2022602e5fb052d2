package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-addr", ":0", "-seed", "empty", "-latency", "20ms", "-jitter", "5ms",
		"-tps", "5", "-error-rate", "0.1", "-access-denied", "-simulate=false", "-account-id", "111122223333",
		"-event-drop", "0.1", "-event-delay", "0.2", "-event-delay-by", "5s", "-event-duplicate", "0.3", "-event-reorder", "0.4", "-event-fault-seed", "7"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := c.opts.Faults
	if c.addr != ":0" || c.opts.Seed != "empty" || f.Latency != 20*time.Millisecond || f.Jitter != 5*time.Millisecond ||
		f.TPS != 5 || f.ErrorRate != 0.1 || !f.AccessDenied || c.opts.Simulate || c.opts.AccountID != "111122223333" {
		t.Fatalf("flags not applied: %+v", c)
	}
	if ef := c.opts.EventFaults; ef.Drop != 0.1 || ef.Delay != 0.2 || ef.DelayBy != 5*time.Second || ef.Duplicate != 0.3 || ef.Reorder != 0.4 || ef.Seed != 7 {
		t.Fatalf("event fault flags not applied: %+v", ef)
	}
	if _, err := parseFlags([]string{"extra"}, io.Discard); err == nil {
		t.Fatal("stray argument accepted")
	}
}

// syncBuffer is written by run's goroutine and read by the test.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{mu: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-simulate=false"}, out, io.Discard) }()

	re := regexp.MustCompile(`listening on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("no base URL printed: %q", out.String())
	}
	if !strings.Contains(out.String(), "aws ivs-realtime --endpoint-url "+base) {
		t.Errorf("missing AWS CLI hint in %q", out.String())
	}
	if !strings.Contains(out.String(), "--queue-url "+base+"/123456789012/ivs-events") {
		t.Errorf("missing event queue hint in %q", out.String())
	}
	resp, err := http.Post(base+"/ListStages", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "main-stage-keynote") {
		t.Fatalf("ListStages: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(out.String(), base+"/_emulator/ingest") || !strings.Contains(out.String(), "/_emulator/encoder/drop") {
		t.Errorf("missing cue hint in %q", out.String())
	}
	resp, err = http.Get(base + "/_emulator/ingest")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"encoders"`) || strings.Contains(string(body), "rt_") {
		t.Fatalf("GET /_emulator/ingest: %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no graceful shutdown")
	}
}
