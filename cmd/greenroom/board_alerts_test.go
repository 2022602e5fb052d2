package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/notify"
)

// receiver is a webhook endpoint that keeps what it is sent.
type receiver struct {
	mu   sync.Mutex
	msgs []notify.Payload
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var p notify.Payload
	if err := json.NewDecoder(req.Body).Decode(&p); err == nil {
		r.mu.Lock()
		r.msgs = append(r.msgs, p)
		r.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) about(key, status string) []notify.Payload {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Payload
	for _, m := range r.msgs {
		if m.Greenroom.Key == key && (status == "" || m.Greenroom.Status == status) {
			out = append(out, m)
		}
	}
	return out
}

func waitFor(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s: not within %v", what, within)
}

// An encoder dropped on cue: the webhook receiver gets exactly one alert,
// its recovery exactly one resolve, and the Prometheus gauge follows.
func TestAnEncoderDropAlertsOnceAndItsRecoveryResolvesOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts the console and the emulator")
	}
	emu, err := emulator.New(emulator.Options{Seed: "demo", RandSeed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ivs := httptest.NewServer(emu)
	defer ivs.Close()
	rcv := &receiver{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	base := startConsole(t, ivs.URL, "-notify-webhook", hook.URL+"/hook", "-ivs-call-rate", "1", "-watch-call-rate", "4", "-watch-min-cadence", "1s")

	cfg := emulatorConfig(t, ivs.URL, "studio-b-redundant")
	id := cfg[strings.LastIndex(cfg, "/")+1:]
	gauge := func(state string) bool {
		return regexp.MustCompile(`greenroom_ingest_protection\{[^}]*configuration="` + id + `"[^}]*state="` + state + `"\} 1`).MatchString(scrape(t, base+"/metrics"))
	}
	waitFor(t, "the watcher sees the pair protected", 30*time.Second, func() bool { return gauge("protected") })

	cue(t, ivs.URL, "encoder/drop", `{"region":"us-east-1","ingestConfiguration":"`+id+`","encoder":"A","errorCode":"BITRATE_EXCEEDED"}`)
	waitFor(t, "an alert reaches the receiver", 15*time.Second, func() bool { return len(rcv.about(cfg, "firing")) > 0 })
	if !gauge("degraded") {
		t.Error("the gauge does not say degraded")
	}
	time.Sleep(3 * time.Second) // several sweeps more: nothing is sent twice
	fired := rcv.about(cfg, "firing")
	if len(fired) != 1 {
		t.Fatalf("%d alerts for one drop: %+v", len(fired), fired)
	}
	if m := fired[0]; !strings.Contains(m.Text, "DEGRADED") || !strings.Contains(m.Text, "BITRATE_EXCEEDED") || !strings.Contains(m.Greenroom.URL, "/ingest-configurations/"+id) {
		t.Errorf("alert %q", m.Text)
	}

	cue(t, ivs.URL, "encoder/recover", `{"region":"us-east-1","ingestConfiguration":"`+id+`","encoder":"A"}`)
	waitFor(t, "the recovery reaches the receiver", 15*time.Second, func() bool { return len(rcv.about(cfg, "resolved")) > 0 })
	time.Sleep(3 * time.Second)
	if n := len(rcv.about(cfg, "resolved")); n != 1 {
		t.Fatalf("%d resolves for one recovery", n)
	}
	if n := len(rcv.about(cfg, "")); n != 2 {
		t.Errorf("%d messages about the pair, want 2", n)
	}
	if !gauge("protected") {
		t.Error("the gauge does not follow the recovery")
	}
	// The configuration's page shows the drop on its timeline.
	b := newBrowser(t, base)
	if code, page := b.get("/r/us-east-1/ingest-configurations/" + id); code != http.StatusOK || !strings.Contains(page, "encoder-timeline") || !strings.Contains(page, "BITRATE_EXCEEDED") {
		t.Errorf("configuration page %d without the drop on its timeline", code)
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func cue(t *testing.T, emu, path, body string) {
	t.Helper()
	resp, err := http.Post(emu+"/_emulator/"+path, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("cue %s: %d %s", path, resp.StatusCode, b)
	}
}

// emulatorConfig is the ARN of a configuration of the demo world by name.
func emulatorConfig(t *testing.T, emu, name string) string {
	t.Helper()
	var list struct {
		IngestConfigurations []struct{ Arn, Name string } `json:"ingestConfigurations"`
	}
	if err := json.Unmarshal([]byte(scrape(t, emu+"/_emulator/ingest?region=us-east-1")), &list); err != nil {
		t.Fatal(err)
	}
	for _, c := range list.IngestConfigurations {
		if c.Name == name {
			return c.Arn
		}
	}
	t.Fatalf("the demo world has no %s", name)
	return ""
}
