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

// startConsoleOutput runs the console with args and returns its URL and
// what it printed.
func startConsoleOutput(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	args = append([]string{"-addr", "127.0.0.1:0", "-audit-db", t.TempDir() + "/a.db", "-log-level", "error"}, args...)
	go func() { done <- run(ctx, args, noEnv, out) }()
	t.Cleanup(func() { cancel(); <-done })
	re := regexp.MustCompile(`running at (http://[0-9.:]+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out
		}
	}
	t.Fatalf("console did not start: %s", out.String())
	return "", nil
}

var (
	streamKeyRE = regexp.MustCompile(`rt_[0-9]{6,}_[a-z]{2}-[a-z]+-[0-9]_[A-Za-z0-9]+_[A-Za-z0-9]+`)
	ingestRE    = regexp.MustCompile(`href="(/r/us-east-1/ingest-configurations/[A-Za-z0-9]{12})"`)
	hxTokenRE   = regexp.MustCompile(`X-CSRF-Token&#34;:&#34;([^&]+)&#34;`)
)

// DNS rebinding in dev mode, as the attack went: the attacker's page, whose
// host name now resolves to 127.0.0.1, reads the ingest list (and its CSRF
// token) and posts the reveal with it, all same-origin as far as the
// browser can tell. Dev mode is the default.
func TestDNSRebindingInDevMode(t *testing.T) {
	base, out := startConsoleOutput(t)
	port := base[strings.LastIndex(base, ":")+1:]
	rebound := "rebind.attacker.example:" + port
	type browser struct{ c *http.Client }
	newBrowser := func() browser {
		jar, _ := cookiejar.New(nil)
		return browser{&http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	}
	send := func(b browser, method, path, host string, form url.Values, hdr map[string]string) (int, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(got)
	}
	own := newBrowser()
	status, list := send(own, http.MethodGet, "/r/us-east-1/ingest-configurations", "", nil, nil)
	m, ownToken := ingestRE.FindStringSubmatch(list), hxTokenRE.FindStringSubmatch(list)
	if status != http.StatusOK || m == nil || ownToken == nil {
		t.Fatalf("ingest list on 127.0.0.1: %d, ingest link %v, token %v", status, m != nil, ownToken != nil)
	}
	reveal := m[1] + "/reveal"

	// The attacker's page, with the cookies its own origin gets.
	evil := newBrowser()
	fromEvil := map[string]string{"Origin": "http://" + rebound}
	status, body := send(evil, http.MethodGet, "/r/us-east-1/ingest-configurations", rebound, nil, nil)
	token := ""
	if tok := hxTokenRE.FindStringSubmatch(body); tok != nil {
		token = tok[1]
	}
	if status == http.StatusOK || token != "" {
		t.Errorf("ingest list for Host %s: %d (token on the page: %v)", rebound, status, token != "")
	}
	if status, _ := send(evil, http.MethodGet, "/audit", rebound, nil, nil); status == http.StatusOK {
		t.Errorf("audit log for Host %s: 200", rebound)
	}
	if status, body := send(evil, http.MethodPost, reveal, rebound, url.Values{"_csrf": {token}}, fromEvil); status == http.StatusOK || streamKeyRE.MatchString(body) {
		t.Errorf("rebound reveal: %d, key shown: %v", status, streamKeyRE.MatchString(body))
	}

	// Origin is checked on its own too: a valid session and token posted
	// by a page of another origin are refused.
	if status, body := send(own, http.MethodPost, reveal, "", url.Values{"_csrf": {ownToken[1]}}, fromEvil); status == http.StatusOK || streamKeyRE.MatchString(body) {
		t.Errorf("reveal from Origin %s: %d, key shown: %v", fromEvil["Origin"], status, streamKeyRE.MatchString(body))
	}
	// The console's own page still can.
	if status, body := send(own, http.MethodPost, reveal, "", url.Values{"_csrf": {ownToken[1]}}, map[string]string{"Origin": base}); status != http.StatusOK || !streamKeyRE.MatchString(body) {
		t.Errorf("reveal from the console's own origin: %d", status)
	}
	if !strings.Contains(out.String(), "WARNING: dev mode") {
		t.Errorf("no dev-mode warning at start: %q", out.String())
	}
}

// Dev mode against a real account needs the loud opt-in, and says so.
func TestDNSRebindingDevModeAgainstAWSWarns(t *testing.T) {
	// Bounded: a console that does start must not hang the test.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := run(ctx, []string{"-backend", "aws", "-addr", "127.0.0.1:0", "-audit-db", t.TempDir() + "/a.db"}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-dev-auth-against-aws-i-know-what-i-am-doing") {
		t.Fatalf("-backend aws in dev mode started: %v", err)
	}
	emu, err := emulator.New(emulator.Options{Seed: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	ivsAPI := httptest.NewServer(emu) // stands in for the real account
	defer ivsAPI.Close()
	_, out := startConsoleOutput(t, "-backend", "aws", "-ivs-endpoint", ivsAPI.URL, "-dev-auth-against-aws-i-know-what-i-am-doing")
	if !strings.Contains(out.String(), "WARNING: dev mode AGAINST A REAL AWS ACCOUNT") {
		t.Errorf("dev mode on aws started without a warning: %q", out.String())
	}
}
