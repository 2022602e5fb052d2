package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
	"github.com/greenroom-dev/greenroom/internal/notify"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// TestWithTheWatcher wires the real watcher to history and notify as the
// console will (Recall from the store; each sweep's transitions appended,
// then handed to Notify; samples added) and drives an encoder drop and recovery on the
// shared fake, then a restart of both.
func TestWithTheWatcher(t *testing.T) {
	const region ivs.Region = "us-east-1"
	const (
		session = "st-LIVESESSION1"
		encA    = "encoderA0001"
		encB    = "encoderB0001"
	)
	stageARN := ivs.StageARN(region, ivstest.Account, "LiveStage001")
	cfg := ivs.ARN{Partition: "aws", Region: region, Account: ivstest.Account, Resource: ivs.ResourceIngestConfiguration, ID: "PairCfg00001"}.String()
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

	fake := &ivstest.Fake{}
	fake.AddStage(ivs.Stage{ID: "LiveStage001", ARN: stageARN, Name: "main-stage", ActiveSessionID: session})
	fake.AddSession(stageARN, ivs.StageSession{ID: session, StartTime: t0})
	fake.AddIngest(ivs.IngestConfiguration{ID: "PairCfg00001", ARN: cfg, Name: "keynote-main", StageARN: stageARN,
		State: ivs.IngestActive, RedundantIngest: true, Credentials: []ivs.RedundantCredential{{ParticipantID: encA}, {ParticipantID: encB}}})
	fake.SetParticipants(stageARN, session, []ivs.Participant{
		{ID: encA, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: t0},
		{ID: encB, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: t0},
	})
	started := []ivs.ParticipantEvent{{Name: "JOINED", Time: t0}, {Name: "PUBLISH_STARTED", Time: t0}}
	fake.SetEvents(stageARN, session, encA, started)
	fake.SetEvents(stageARN, session, encB, started)

	var (
		mu   sync.Mutex
		msgs []notify.Payload
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p notify.Payload
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("payload: %v", err)
		}
		mu.Lock()
		msgs = append(msgs, p)
		mu.Unlock()
	}))
	defer rcv.Close()
	received := func() []notify.Payload { mu.Lock(); defer mu.Unlock(); return append([]notify.Payload(nil), msgs...) }

	var clock atomic.Int64 // the watcher's clock, moved by hand
	clock.Store(t0.Add(90 * time.Minute).UnixNano())
	path := filepath.Join(t.TempDir(), "greenroom.db")
	quiet := slog.New(slog.DiscardHandler)

	// run starts the console's share: store, notifier, watcher; the
	// returned function stops them all.
	run := func() (*history.SQLiteStore, func()) {
		store, err := history.OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := notify.New(store, []string{rcv.URL + "/hook"}, notify.Options{ConsoleURL: "https://greenroom.example.com", Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		w := watch.New(watch.Options{Regions: []ivs.Region{region}, IVS: fake, MinCadence: 10 * time.Millisecond, Logger: quiet,
			Now:    func() time.Time { return time.Unix(0, clock.Load()).UTC() },
			Recall: store.RecallProtection,
			OnTransitions: func(ctx context.Context, ts []history.Transition) {
				stored, err := store.Append(ctx, ts...)
				if err != nil {
					t.Errorf("Append: %v", err)
					return
				}
				for _, tr := range stored {
					if _, err := n.Notify(ctx, tr); err != nil {
						t.Errorf("Notify: %v", err)
					}
				}
			},
			OnSamples: func(ctx context.Context, ss []history.Sample) {
				for _, smp := range ss {
					if err := store.AddSample(ctx, smp); err != nil {
						t.Errorf("AddSample: %v", err)
					}
				}
			}})
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { _ = n.Run(ctx) })
		wg.Go(func() { w.Run(ctx) })
		return store, func() { cancel(); wg.Wait(); store.Close() }
	}
	pairStates := func(store *history.SQLiteStore) (out []string) {
		ts, _ := store.Query(context.Background(), history.Filter{Kinds: []history.Kind{history.KindPair}})
		for i := len(ts) - 1; i >= 0; i-- {
			out = append(out, ts[i].From+">"+ts[i].To)
		}
		return out
	}
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting: %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	store, stop := run()
	wait("the first sight of the pair", func() bool { return len(pairStates(store)) == 1 })

	// Encoder B drops on BITRATE_EXCEEDED.
	drop := time.Unix(0, clock.Load()).UTC()
	fake.UpdateParticipants(stageARN, session, func(ps []ivs.Participant) []ivs.Participant {
		ps[1].State = ivs.ParticipantDisconnected
		return ps
	})
	fake.SetEvents(stageARN, session, encB, []ivs.ParticipantEvent{{Name: "JOINED", Time: t0}, {Name: "PUBLISH_STARTED", Time: t0},
		{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop}, {Name: "PUBLISH_STOPPED", Time: drop}, {Name: "LEFT", Time: drop}})
	wait("the degraded alert", func() bool { return len(received()) == 1 })
	link := " https://greenroom.example.com/r/us-east-1/ingest-configurations/PairCfg00001"
	if got, want := received()[0].Text, "keynote-main is DEGRADED: encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED) "+
		"at 10:30:00 UTC. Only one encoder feeds stage main-stage: no protection left."+link; got != want {
		t.Errorf("degraded:\n got %q\nwant %q", got, want)
	}

	// B is back 4 min 10 s later.
	back := drop.Add(4*time.Minute + 10*time.Second)
	clock.Store(back.UnixNano())
	fake.UpdateParticipants(stageARN, session, func(ps []ivs.Participant) []ivs.Participant {
		return append(ps, ivs.Participant{ID: encB, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: back})
	})
	fake.SetEvents(stageARN, session, encB, []ivs.ParticipantEvent{{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop},
		{Name: "LEFT", Time: drop}, {Name: "JOINED", Time: back}, {Name: "PUBLISH_STARTED", Time: back}})
	wait("the recovery", func() bool { return len(received()) == 2 })
	if got, want := received()[1].Text, "keynote-main recovered: both encoders publish (was degraded for 4 min 10 s)."+link; got != want {
		t.Errorf("recovered:\n got %q\nwant %q", got, want)
	}
	states := pairStates(store)
	// The chart's points are there too: two publishers, then one, then two.
	smp, err := store.Samples(context.Background(), stageARN, session, time.Time{})
	if err != nil || len(smp) < 3 || smp[0].Publishers != 2 || smp[len(smp)-1].Publishers != 2 {
		t.Errorf("samples %+v, %v", smp, err)
	}
	stop()

	// A restart: the watcher recalls the pair's state, so nothing repeats.
	store, stop = run()
	defer stop()
	time.Sleep(300 * time.Millisecond) // many sweeps
	if got := pairStates(store); len(got) != len(states) {
		t.Errorf("pair transitions after a restart %v, before %v", got, states)
	}
	if n := len(received()); n != 2 {
		t.Errorf("%d messages after the restart, want 2", n)
	}
}
