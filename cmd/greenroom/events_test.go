package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/awssdk"
)

// With IVS's events, the watcher's steady state spends a fraction of the
// IVS calls polling needs for the same freshness (a sweep every 2 s), and
// an event delivered twice raises one alert. 20 live stages; simulator off,
// so nothing changes in the steady state but what the cues do.
func TestEventsCutTheWatchersCallsAndNeverAlertTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: runs the console against the emulator for about a minute")
	}
	emu, err := emulator.New(emulator.Options{Seed: "demo", RandSeed: 7})
	if err != nil {
		t.Fatal(err)
	}
	calls := &callLog{}
	srv := httptest.NewServer(calls.counting(emu))
	defer srv.Close()
	live := liveStages(t, srv.URL, 20)
	queue := srv.URL + "/" + emulator.DefaultAccountID + "/" + emulator.DefaultEventQueue
	// The freshness target: a change on the board within 2 s. Polling needs
	// a sweep every 2 s for it, with all the calls AWS allows.
	fast := []string{"-ivs-call-rate", "1", "-watch-call-rate", "4", "-watch-min-cadence", "2s"}
	const reconcile = 30 * time.Second

	rate := func(from, to time.Time) float64 {
		n := 0
		for _, c := range calls.between(from, to) {
			n += c
		}
		return float64(n) / to.Sub(from).Seconds()
	}
	var polling, withEvents float64
	t.Run("polling", func(t *testing.T) {
		startConsole(t, srv.URL, fast...)
		time.Sleep(6 * time.Second) // the first sweeps, the first counts
		from := time.Now()
		time.Sleep(12 * time.Second)
		polling = rate(from, time.Now())
	})
	time.Sleep(time.Second)
	t.Run("events", func(t *testing.T) {
		rcv := &receiver{}
		hook := httptest.NewServer(rcv)
		defer hook.Close()
		base := startConsole(t, srv.URL, append(fast, "-events-queue-url", "us-east-1="+queue, "-events-queue-url", "eu-west-1="+queue,
			"-watch-reconcile-every", reconcile.String(), "-notify-webhook", hook.URL+"/hook")...)
		waitFor(t, "events relied on", 15*time.Second, func() bool {
			return strings.Contains(scrape(t, base+"/readyz"), "events us-east-1: live")
		})
		time.Sleep(6 * time.Second)
		from := time.Now()
		time.Sleep(2 * reconcile)
		withEvents = rate(from, time.Now())

		// Every event delivered twice: one alert for one drop.
		if err := emu.SetEventFaults(emulator.EventFaults{Duplicate: 1, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		cfg := emulatorConfig(t, srv.URL, "studio-b-redundant")
		id := cfg[strings.LastIndex(cfg, "/")+1:]
		waitFor(t, "the pair is protected", 20*time.Second, func() bool {
			return regexp.MustCompile(`greenroom_ingest_protection\{[^}]*configuration="` + id + `"[^}]*state="protected"\} 1`).MatchString(scrape(t, base+"/metrics"))
		})
		cue(t, srv.URL, "encoder/drop", `{"region":"us-east-1","ingestConfiguration":"`+id+`","encoder":"A","errorCode":"BITRATE_EXCEEDED"}`)
		waitFor(t, "the alert", 10*time.Second, func() bool { return len(rcv.about(cfg, "firing")) > 0 })
		time.Sleep(4 * time.Second)
		if n := len(rcv.about(cfg, "firing")); n != 1 {
			t.Errorf("%d alerts for one drop whose events came twice", n)
		}
		if st := emu.EventStats(); st.Duplicated == 0 {
			t.Errorf("no event was duplicated: %+v", st)
		}
	})
	t.Logf("%d live stages: polling every 2 s %.2f IVS calls/s; with events, reconciling every %v, %.2f calls/s (%.1f%%); at the default 2 min about %.2f calls/s",
		live, polling, reconcile, withEvents, 100*withEvents/polling, withEvents*reconcile.Seconds()/120)
	if withEvents > polling/5 {
		t.Errorf("with events the watcher spends %.2f calls/s, more than a fifth of polling's %.2f", withEvents, polling)
	}
}

// liveStages makes at least n stages live in the emulator's demo world
// (new stages with publishers, through the SDK and the admin API) and
// returns how many are.
func liveStages(t *testing.T, emu string, n int) int {
	t.Helper()
	ctx := context.Background()
	regions := []ivs.Region{"us-east-1", "eu-west-1"}
	svc, err := awssdk.New(ctx, awssdk.Options{Regions: regions, Endpoint: emu})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, r := range regions {
		page, err := svc.ListStages(ctx, r, ivs.ListQuery{MaxResults: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			if s.Live() {
				count++
			}
		}
	}
	for i := 0; count < n; i++ {
		st, err := svc.CreateStage(ctx, "us-east-1", ivs.CreateStageInput{Name: fmt.Sprintf("load-%02d", i)})
		if err != nil {
			t.Fatal(err)
		}
		cue(t, emu, "participants/add", `{"region":"us-east-1","stage":"`+st.ARN+`","count":3,"published":true}`)
		count++
	}
	return count
}

// A queue that does not answer: the board and /readyz say so, and the
// watcher keeps polling (the board stays current without events).
func TestAnUnreachableQueueFallsBackToPolling(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts the console and the emulator")
	}
	emu, err := emulator.New(emulator.Options{Seed: "demo", RandSeed: 7})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	missing := srv.URL + "/" + emulator.DefaultAccountID + "/no-such-queue"
	base := startConsole(t, srv.URL, "-events-queue-url", "us-east-1="+missing, "-watch-call-rate", "4", "-watch-min-cadence", "1s")
	waitFor(t, "/readyz says events are not relied on", 15*time.Second, func() bool {
		return strings.Contains(scrape(t, base+"/readyz"), "events us-east-1: NOT RELIED ON, the watcher polls: the queue has not answered since")
	})
	b := newBrowser(t, base)
	waitFor(t, "the board says the watcher polls instead", 10*time.Second, func() bool {
		_, page := b.get("/board")
		return strings.Contains(page, "polling instead")
	})
	// Polling goes on: a drop shows without any event.
	cfg := emulatorConfig(t, srv.URL, "studio-b-redundant")
	id := cfg[strings.LastIndex(cfg, "/")+1:]
	gauge := func(state string) bool {
		return regexp.MustCompile(`greenroom_ingest_protection\{[^}]*configuration="` + id + `"[^}]*state="` + state + `"\} 1`).MatchString(scrape(t, base+"/metrics"))
	}
	waitFor(t, "the pair is protected", 20*time.Second, func() bool { return gauge("protected") })
	cue(t, srv.URL, "encoder/drop", `{"region":"us-east-1","ingestConfiguration":"`+id+`","encoder":"A"}`)
	waitFor(t, "the drop is seen by polling", 10*time.Second, func() bool { return gauge("degraded") })
}
