package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/emulator"
)

// TestConsoleChild is the console run as a child process by
// TestAuditSurvivesSIGKILL; it does nothing in a normal test run.
func TestConsoleChild(t *testing.T) {
	args := os.Getenv("GREENROOM_TEST_CHILD_ARGS")
	if args == "" {
		return
	}
	if err := run(context.Background(), strings.Split(args, " "), noEnv, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

// TestAuditSurvivesSIGKILL kills the console during a burst of reveals and
// creates; every action that got a success response must be in the log.
func TestAuditSurvivesSIGKILL(t *testing.T) {
	emu, err := emulator.New(emulator.Options{Seed: "demo", RandSeed: 5})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "audit.db")

	cmd := exec.Command(os.Args[0], "-test.run=^TestConsoleChild$")
	cmd.Env = append(os.Environ(), "GREENROOM_TEST_CHILD_ARGS=-addr 127.0.0.1:0 -audit-db "+db+" -log-level error -ivs-endpoint "+srv.URL+" -ivs-call-rate 5 -ivs-call-burst 50")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := readURL(t, stdout)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		// Keep the create's own 303 and its request id, not the page after it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	list := fetch(t, c, base+"/r/us-east-1/ingest-configurations")
	csrf := regexp.MustCompile(`X-CSRF-Token&#34;:&#34;([^&]+)&#34;`).FindStringSubmatch(list)
	ids := regexp.MustCompile(`href="/r/us-east-1/ingest-configurations/([A-Za-z0-9]{12})"`).FindAllStringSubmatch(list, -1)
	if csrf == nil || len(ids) == 0 {
		t.Fatal("no CSRF token or configuration on the list page")
	}

	var mu sync.Mutex
	acked := map[string]string{} // request id → action
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				target, action := base+"/r/us-east-1/ingest-configurations/"+ids[(w+i)%len(ids)][1]+"/reveal", audit.ActionReveal
				form := url.Values{"_csrf": {csrf[1]}}
				if i%4 == 3 {
					target, action = base+"/r/us-east-1/ingest-configurations", audit.ActionIngestCreate
					form.Set("protocol", "RTMPS")
					form.Set("name", "burst")
					form.Set("idempotency_key", fmt.Sprintf("burst-key-%d-%06d", w, i))
				}
				resp, err := c.PostForm(target, form)
				if err != nil {
					continue // the process died under us
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if action == audit.ActionIngestCreate && resp.StatusCode != http.StatusSeeOther {
					t.Logf("create answered %d", resp.StatusCode)
				}
				if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusSeeOther {
					mu.Lock()
					acked[resp.Header.Get("X-Request-Id")] = action
					mu.Unlock()
				}
			}
		}()
	}
	// Kill mid-burst, once enough actions were answered.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	close(stop)
	wg.Wait()

	l, err := audit.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	recorded := map[string]string{}
	f := audit.Filter{Limit: audit.MaxLimit}
	for {
		events, next, err := l.Query(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Outcome == audit.OutcomeSuccess {
				recorded[e.RequestID] = e.Action
			}
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if len(acked) < 10 {
		t.Fatalf("only %d actions were answered before the kill", len(acked))
	}
	for id, action := range acked {
		if recorded[id] != action {
			t.Errorf("%s %s was answered with success but is not in the audit log", action, id)
		}
	}
	byAction := map[string]int{}
	for _, a := range acked {
		byAction[a]++
	}
	if byAction[audit.ActionIngestCreate] == 0 || byAction[audit.ActionReveal] == 0 {
		t.Errorf("the burst should mix reveals and creates: %v", byAction)
	}
	t.Logf("%v answered before SIGKILL, all in the audit log (%d successful events recorded)", byAction, len(recorded))
}

func readURL(t *testing.T, r io.Reader) string {
	t.Helper()
	buf := make([]byte, 4096)
	var out string
	re := regexp.MustCompile(`running at (http://[0-9.:]+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		n, err := r.Read(buf)
		out += string(buf[:n])
		if m := re.FindStringSubmatch(out); m != nil {
			return m[1]
		}
		if err != nil {
			break
		}
	}
	t.Fatalf("child console did not start: %q", out)
	return ""
}

func fetch(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
