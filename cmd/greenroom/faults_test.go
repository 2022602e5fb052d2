package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/emulator"
)

// startConsole runs the console against an emulator URL and returns its URL.
func startConsole(t *testing.T, endpoint string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	args := append([]string{"-addr", "127.0.0.1:0", "-audit-db", t.TempDir() + "/a.db", "-log-level", "error", "-ivs-endpoint", endpoint, "-ivs-timeout", "5s"}, extra...)
	go func() { done <- run(ctx, args, noEnv, out) }()
	t.Cleanup(func() { cancel(); <-done })
	re := regexp.MustCompile(`running at (http://[0-9.:]+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("console did not start: %s", out.String())
	return ""
}

type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var hrefs = regexp.MustCompile(`href="(/r/us-east-1/(?:stages|ingest-configurations)/[^"?#]+)"`)

// crawl collects the console's own page links, a few per kind.
func (b *browser) crawl() []string {
	pages := []string{"/r/us-east-1/stages", "/r/us-east-1/ingest-configurations", "/r/eu-west-1/stages"}
	seen := map[string]bool{}
	for i := 0; i < len(pages) && len(pages) < 30; i++ {
		_, body := b.get(pages[i])
		for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
			p := m[1]
			if !seen[p] && !strings.HasSuffix(p, ".csv") && !strings.Contains(p, "/new") {
				seen[p] = true
				pages = append(pages, p)
			}
		}
	}
	return pages
}

// understood reports whether a page is data or a clear message about IVS.
func understood(status int, body string) bool {
	switch {
	case status == http.StatusOK:
		return true
	case status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
		for _, words := range []string{"IVS is busy", "IVS is not answering", "IVS took too long", "IVS is rate-limiting", "IVS did not answer"} {
			if strings.Contains(body, words) {
				return true
			}
		}
		return false
	}
	return false
}

func TestFaultsEveryPageAnswersAndNothingIsCreatedTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts the console and the emulator")
	}
	emu, err := emulator.New(emulator.Options{Seed: "demo", RandSeed: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	// A larger call budget than the default keeps this test short: the
	// budget itself is tested in internal/ivs/cached.
	base := startConsole(t, srv.URL, "-ivs-call-rate", "5", "-ivs-call-burst", "20")
	b := newBrowser(t, base)
	pages := b.crawl()
	if len(pages) < 15 {
		t.Fatalf("crawl found only %d pages", len(pages))
	}

	// 30% throttling, 10% 5xx, 2% latency spikes of 2 s.
	emu.SetFaults(emulator.Faults{ThrottleRate: 0.3, ErrorRate: 0.1, SpikeRate: 0.02, Spike: 2 * time.Second, Latency: 5 * time.Millisecond})
	ok, clear, stale := 0, 0, 0
	for round := 0; round < 1; round++ {
		for _, p := range pages {
			status, body := b.get(p)
			if !understood(status, body) {
				t.Errorf("under faults %s answered %d without a clear message:\n%.400s", p, status, body)
			}
			if status == 200 {
				ok++
			} else {
				clear++
			}
			if strings.Contains(body, "Some data on this page is from") {
				stale++
			}
			if strings.Contains(body, "goroutine ") || strings.Contains(body, ".go:") {
				t.Errorf("%s shows internals", p)
			}
		}
	}
	t.Logf("under faults: %d pages with data (%d marked stale), %d clear messages", ok, stale, clear)
	if ok < clear {
		t.Errorf("most pages should still show data under faults: %d data, %d messages", ok, clear)
	}

	// A create under faults, submitted three times with the same form token.
	_, form := b.get("/r/us-east-1/ingest-configurations/new")
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(form)
	token := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(form)
	if csrf == nil || token == nil {
		t.Fatal("create form lacks its CSRF or idempotency token")
	}
	values := url.Values{"_csrf": {csrf[1]}, "idempotency_key": {token[1]}, "name": {"faulty-create"}, "protocol": {"RTMPS"}}
	created := 0
	for i := 0; i < 3; i++ {
		resp, err := b.c.PostForm(base+"/r/us-east-1/ingest-configurations", values)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 && !understood(resp.StatusCode, string(body)) {
			t.Errorf("create under faults: %d without a clear message", resp.StatusCode)
		}
		if resp.StatusCode == 200 {
			created++
		}
	}
	if created == 0 {
		t.Log("no create got through the faults in three tries (allowed: each said so)")
	}

	// Faults stop: the console recovers by itself.
	emu.SetFaults(emulator.Faults{})
	time.Sleep(2500 * time.Millisecond)
	for _, p := range pages {
		if status, _ := b.get(p); status != http.StatusOK {
			t.Errorf("after faults stopped %s answered %d", p, status)
		}
	}
	_, list := b.get("/r/us-east-1/ingest-configurations")
	if n := strings.Count(list, ">faulty-create<"); n > 1 {
		t.Errorf("the create appears %d times: created twice", n)
	}
}

func TestUpstreamDownAtStart(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close() // nothing listens there any more
	base := startConsole(t, url)
	b := newBrowser(t, base)
	if status, body := b.get("/readyz"); status != http.StatusServiceUnavailable || !strings.Contains(body, "not ready") {
		t.Errorf("readyz with IVS down: %d %q", status, body)
	}
	if status, _ := b.get("/healthz"); status != http.StatusOK {
		t.Errorf("healthz: %d", status)
	}
	status, body := b.get("/r/us-east-1/stages")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "IVS is not answering") {
		t.Errorf("stage list with IVS down: %d\n%.300s", status, body)
	}
}
