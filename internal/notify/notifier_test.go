package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
)

// receiver is a webhook endpoint that records what it receives and answers
// with respond(n) for the n-th request (1-based); 200 when respond is nil.
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     []received
	respond func(n int, r received) int
}

type received struct {
	at      time.Time
	header  http.Header
	body    []byte
	payload Payload
	status  int // what the receiver answered
}

func newReceiver(t *testing.T, respond func(n int, r received) int) *receiver {
	rc := &receiver{respond: respond}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in := received{at: time.Now(), header: r.Header.Clone(), body: body}
		if err := json.Unmarshal(body, &in.payload); err != nil {
			t.Errorf("receiver: body is not the payload: %v: %s", err, body)
		}
		rc.mu.Lock()
		in.status = http.StatusOK
		if rc.respond != nil {
			in.status = rc.respond(len(rc.got)+1, in)
		}
		rc.got = append(rc.got, in)
		rc.mu.Unlock()
		if in.status/100 == 3 {
			w.Header().Set("Location", "/moved") // a redirect that a client could follow
		}
		w.WriteHeader(in.status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// accepted are the requests answered 2xx.
func (rc *receiver) accepted() []received {
	var out []received
	for _, r := range rc.all() {
		if r.status/100 == 2 {
			out = append(out, r)
		}
	}
	return out
}

// fixture is a store on a file and a running notifier.
type fixture struct {
	t      *testing.T
	path   string
	store  *history.SQLiteStore
	n      *Notifier
	cancel context.CancelFunc
	done   chan error
}

func fastOptions() Options {
	return Options{ConsoleURL: console, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)}
}

func start(t *testing.T, path string, targets []string, opts Options) *fixture {
	t.Helper()
	return open(t, path, targets, opts, true)
}

// open is start, with or without running the notifier's workers.
func open(t *testing.T, path string, targets []string, opts Options, run bool) *fixture {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "greenroom.db")
	}
	s, err := history.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(s, targets, opts)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &fixture{t: t, path: path, store: s, n: n, cancel: cancel, done: make(chan error, 1)}
	if run {
		go func() { f.done <- n.Run(ctx) }()
	} else {
		f.done <- context.Canceled
	}
	t.Cleanup(f.close)
	return f
}

// close stops Run and closes the store, like a console shutting down.
func (f *fixture) close() {
	if f.cancel == nil {
		return
	}
	f.cancel()
	if err := <-f.done; err != context.Canceled {
		f.t.Errorf("Run = %v, want context.Canceled", err)
	}
	f.cancel = nil
	if err := f.store.Close(); err != nil {
		f.t.Error(err)
	}
}

// liveStage is the fixture's stage; its name is only in its session
// transition, as internal/watch records it.
const liveStage = "arn:aws:ivs:eu-west-1:123456789012:stage/LiveStage001"

// causes: what internal/watch says keeps a pair from protected.
var causes = map[string]string{
	history.PairDegraded: "encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)",
	history.PairDown:     "encoder A stopped publishing (LEFT); encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)",
}

// pair records a pair transition of key (after the stage's session
// transition, the first time) and returns it as stored.
func (f *fixture) pair(key, from, to string, when time.Time) history.Transition {
	f.t.Helper()
	ctx := context.Background()
	if ts, _ := f.store.Query(ctx, history.Filter{Kinds: []history.Kind{history.KindSession}}); len(ts) == 0 {
		if _, err := f.store.Append(ctx, history.Transition{Time: when.Add(-time.Hour), Region: "eu-west-1",
			Kind: history.KindSession, Subject: liveStage, SubjectName: "main-stage", StageARN: liveStage,
			SessionID: "st-AbC123", To: "live"}); err != nil {
			f.t.Fatal(err)
		}
	}
	ts, err := f.store.Append(ctx, history.Transition{Time: when, Region: "eu-west-1",
		Kind: history.KindPair, Subject: key, SubjectName: map[string]string{cfgARN: "keynote-main", cfgARN2: "keynote-backup"}[key],
		StageARN: liveStage, SessionID: "st-AbC123", From: from, To: to, Cause: causes[to]})
	if err != nil {
		f.t.Fatal(err)
	}
	return ts[0]
}

// notify records a pair transition and hands it to the notifier.
func (f *fixture) notify(key, from, to string, when time.Time) history.Transition {
	f.t.Helper()
	tr := f.pair(key, from, to, when)
	if ok, err := f.n.Notify(context.Background(), tr); err != nil || !ok {
		f.t.Fatalf("Notify(%s -> %s) = %v, %v", from, to, ok, err)
	}
	return tr
}

func (f *fixture) query(kinds ...history.Kind) []history.Transition {
	f.t.Helper()
	ts, err := f.store.Query(context.Background(), history.Filter{Kinds: kinds, Limit: history.MaxLimit})
	if err != nil {
		f.t.Fatal(err)
	}
	return ts
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle waits a little for anything that should not happen.
func settle() { time.Sleep(200 * time.Millisecond) }

func TestDeliversOncePerTransitionAndTarget(t *testing.T) {
	r1, r2 := newReceiver(t, nil), newReceiver(t, nil)
	f := start(t, "", []string{r1.srv.URL + "/hook", r2.srv.URL}, fastOptions())

	t0 := time.Now()
	fire := f.notify(cfgARN, history.PairProtected, history.PairDegraded, at)
	eventually(t, "first delivery to both", func() bool { return len(r1.all()) == 1 && len(r2.all()) == 1 })
	latency := r1.all()[0].at.Sub(t0)
	t.Logf("Notify to receipt: %v", latency)
	if latency > time.Second {
		t.Errorf("delivery took %v after Enqueue; the worker is woken, it should take well under a second", latency)
	}
	res := f.notify(cfgARN, history.PairDegraded, history.PairProtected, at.Add(time.Minute))
	other := f.notify(cfgARN2, history.PairProtected, history.PairDown, at.Add(time.Minute))
	// Not alerts: nothing is queued.
	if ok, err := f.n.Notify(context.Background(), f.pair(cfgARN, history.PairProtected, history.PairIdle, at.Add(2*time.Minute))); ok || err != nil {
		t.Fatalf("protected -> idle: %v, %v", ok, err)
	}
	eventually(t, "three messages each", func() bool { return len(r1.all()) == 3 && len(r2.all()) == 3 })
	settle()

	for i, rc := range []*receiver{r1, r2} {
		got := map[string]int{}
		for _, r := range rc.all() {
			id := r.header.Get("X-Greenroom-Delivery")
			got[id]++
			if r.header.Get("Idempotency-Key") != id || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("headers %v", r.header)
			}
			if want := fmt.Sprintf("%d-%d", r.payload.Greenroom.TransitionID, i+1); id != want {
				t.Errorf("X-Greenroom-Delivery %q, want %q", id, want)
			}
		}
		for _, tr := range []history.Transition{fire, res, other} {
			if id := fmt.Sprintf("%d-%d", tr.ID, i+1); got[id] != 1 {
				t.Errorf("receiver %d got %s %d times, want once", i+1, id, got[id])
			}
		}
	}
	if alerts := f.query(history.KindAlert); len(alerts) != 3 {
		t.Errorf("%d alert transitions, want 3", len(alerts))
	}
	notes := f.query(history.KindNotification)
	if len(notes) != 6 {
		t.Fatalf("%d notification transitions, want 6", len(notes))
	}
	for _, n := range notes {
		if n.From != history.NotificationPending || n.To != history.NotificationDelivered ||
			!strings.Contains(n.Detail, "attempt 1: delivered (HTTP 200)") || n.Subject == "" {
			t.Errorf("note %+v", n)
		}
	}
}

func TestDuplicateEnqueueSendsNothing(t *testing.T) {
	rc := newReceiver(t, nil)
	f := start(t, "", []string{rc.srv.URL}, fastOptions())
	tr := f.notify(cfgARN, history.PairProtected, history.PairDown, at)
	eventually(t, "delivery", func() bool { return len(rc.all()) == 1 })
	a, _ := AlertFor(tr, console)
	for range 3 {
		if err := f.n.Enqueue(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if _, err := f.n.Notify(context.Background(), tr); err != nil {
			t.Fatal(err)
		}
	}
	settle()
	if n := len(rc.all()); n != 1 {
		t.Fatalf("%d messages after duplicate enqueues, want 1", n)
	}
	if alerts := f.query(history.KindAlert); len(alerts) != 1 {
		t.Fatalf("%d alert transitions, want 1", len(alerts))
	}
}

func TestRetriesThenDeliversOnce(t *testing.T) {
	rc := newReceiver(t, func(n int, _ received) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	f := start(t, "", []string{rc.srv.URL}, fastOptions())
	f.notify(cfgARN, history.PairProtected, history.PairDegraded, at)
	eventually(t, "delivery after two 503s", func() bool { return len(rc.accepted()) == 1 })
	settle()
	all := rc.all()
	if len(all) != 3 || len(rc.accepted()) != 1 {
		t.Fatalf("%d requests, %d accepted; want 3 and 1", len(all), len(rc.accepted()))
	}
	for _, r := range all {
		if r.header.Get("Idempotency-Key") != all[0].header.Get("Idempotency-Key") || !bytes.Equal(r.body, all[0].body) {
			t.Fatal("a retry is not the same message")
		}
	}
	if gap := all[2].at.Sub(all[1].at); gap < 10*time.Millisecond {
		t.Errorf("second retry after %v: no backoff", gap)
	}
	ds, _ := f.store.Deliveries(context.Background(), "", 0)
	if len(ds) != 1 || ds[0].Status != history.DeliveryDelivered || ds[0].Attempts != 3 || ds[0].LastError != "" {
		t.Fatalf("delivery %+v", ds)
	}
	notes := f.query(history.KindNotification)
	if len(notes) != 2 || notes[1].To != history.NotificationRetrying || notes[0].To != history.NotificationDelivered ||
		notes[0].From != history.NotificationRetrying || !strings.Contains(notes[1].Detail, "attempt 1: HTTP 503; retrying in") ||
		!strings.Contains(notes[0].Detail, "attempt 3: delivered (HTTP 204)") {
		t.Fatalf("notes %+v", notes)
	}
}

func TestPermanentFailures(t *testing.T) {
	for _, code := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusFound} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			rc := newReceiver(t, func(int, received) int { return code })
			f := start(t, "", []string{rc.srv.URL}, fastOptions())
			f.notify(cfgARN, history.PairProtected, history.PairDegraded, at)
			eventually(t, "the delivery to fail", func() bool {
				ds, _ := f.store.Deliveries(context.Background(), history.DeliveryFailed, 0)
				return len(ds) == 1
			})
			settle()
			if n := len(rc.all()); n != 1 {
				t.Fatalf("%d requests for a %d, want 1 (not retried, no redirect followed)", n, code)
			}
			notes := f.query(history.KindNotification)
			if len(notes) != 1 || notes[0].To != history.NotificationFailed ||
				!strings.Contains(notes[0].Detail, fmt.Sprintf("HTTP %d; not retried", code)) {
				t.Fatalf("notes %+v", notes)
			}
		})
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	rc := newReceiver(t, func(int, received) int { return http.StatusTooManyRequests })
	opts := fastOptions()
	opts.MaxAttempts = 3
	f := start(t, "", []string{rc.srv.URL}, opts)
	f.notify(cfgARN, history.PairProtected, history.PairDegraded, at)
	eventually(t, "the delivery to fail", func() bool {
		ds, _ := f.store.Deliveries(context.Background(), history.DeliveryFailed, 0)
		return len(ds) == 1 && ds[0].Attempts == 3 && ds[0].LastError == "HTTP 429"
	})
	settle()
	if n := len(rc.all()); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
	if notes := f.query(history.KindNotification); len(notes) != 2 || !strings.Contains(notes[0].Detail, "attempt 3: HTTP 429; given up") {
		t.Fatalf("notes %+v", notes)
	}
}

func TestExpiredDeliveryIsNotSent(t *testing.T) {
	rc := newReceiver(t, nil)
	var skew atomic.Int64
	opts := fastOptions()
	opts.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	path := filepath.Join(t.TempDir(), "greenroom.db")

	// Queued (no worker runs), then the console is down for 25 hours.
	f := open(t, path, []string{rc.srv.URL}, opts, false)
	f.notify(cfgARN, history.PairProtected, history.PairDown, at)
	f.close()
	skew.Store(int64(25 * time.Hour))
	f = start(t, path, []string{rc.srv.URL}, opts)
	eventually(t, "the stale delivery to fail", func() bool {
		ds, _ := f.store.Deliveries(context.Background(), history.DeliveryFailed, 0)
		return len(ds) == 1 && ds[0].Attempts == 0
	})
	if n := len(rc.all()); n != 0 {
		t.Fatalf("a 25-hour-old alert was sent")
	}
	if notes := f.query(history.KindNotification); len(notes) != 1 || !strings.Contains(notes[0].Detail, "given up, queued 1 d 1 h ago") {
		t.Fatalf("notes %+v", notes)
	}
}

func TestRestartResumesPendingAndDoesNotResend(t *testing.T) {
	var accept atomic.Bool
	accept.Store(true)
	rc := newReceiver(t, func(int, received) int {
		if accept.Load() {
			return http.StatusOK
		}
		return http.StatusBadGateway
	})
	path := filepath.Join(t.TempDir(), "greenroom.db")
	f := start(t, path, []string{rc.srv.URL}, fastOptions())
	first := f.notify(cfgARN, history.PairProtected, history.PairDegraded, at)
	eventually(t, "first delivery", func() bool { return len(rc.accepted()) == 1 })

	accept.Store(false)
	second := f.notify(cfgARN, history.PairDegraded, history.PairDown, at.Add(time.Minute))
	eventually(t, "a failed attempt at the second", func() bool { return len(rc.all()) >= 2 })
	f.close()
	if ds, _ := history.OpenSQLite(path); ds != nil {
		pending, _ := ds.Deliveries(context.Background(), history.DeliveryPending, 0)
		ds.Close()
		if len(pending) != 1 || pending[0].TransitionID != second.ID {
			t.Fatalf("pending after shutdown: %+v", pending)
		}
	}

	// The console restarts; the receiver is back.
	accept.Store(true)
	f = start(t, path, []string{rc.srv.URL}, fastOptions())
	eventually(t, "the pending delivery after the restart", func() bool { return len(rc.accepted()) == 2 })
	// The watcher replays what it saw before the restart: nothing new.
	if _, err := f.n.Notify(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	if _, err := f.n.Notify(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	settle()
	ok := rc.accepted()
	if len(ok) != 2 || ok[0].payload.Greenroom.TransitionID != first.ID || ok[1].payload.Greenroom.TransitionID != second.ID {
		t.Fatalf("accepted %d messages: %+v", len(ok), ok)
	}
	if alerts := f.query(history.KindAlert); len(alerts) != 2 {
		t.Fatalf("%d alert transitions, want 2", len(alerts))
	}
}

func TestPayload(t *testing.T) {
	rc := newReceiver(t, nil)
	f := start(t, "", []string{rc.srv.URL}, fastOptions())
	tr := f.pair(cfgARN, history.PairProtected, history.PairDegraded, at)
	tr.SubjectName = "keynote <main> & co"
	if _, err := f.n.Notify(context.Background(), tr); err != nil {
		t.Fatal(err)
	}
	eventually(t, "delivery", func() bool { return len(rc.all()) == 1 })
	r := rc.all()[0]
	var raw map[string]any
	if err := json.Unmarshal(r.body, &raw); err != nil || raw["text"] == nil || raw["greenroom"] == nil || len(raw) != 2 {
		t.Fatalf("payload %s: %v", r.body, err)
	}
	g := r.payload.Greenroom
	url := console + "/r/eu-west-1/ingest-configurations/AbCdEf123456"
	wantText := "keynote &lt;main&gt; &amp; co is DEGRADED: encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED) " +
		"at 14:03:12 UTC. Only one encoder feeds stage main-stage: no protection left. " + url
	if r.payload.Text != wantText {
		t.Errorf("text = %q\nwant   %q", r.payload.Text, wantText)
	}
	want := PayloadBody{Version: 1, Status: StatusFiring, Severity: SeverityWarning, Key: cfgARN, TransitionID: tr.ID,
		Region: "eu-west-1", Stage: "main-stage", StageARN: liveStage, SessionID: "st-AbC123",
		Configuration: "keynote <main> & co", From: history.PairProtected, To: history.PairDegraded,
		Cause: "encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)", Since: at, Title: "keynote <main> & co is DEGRADED",
		Text: "encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED) at 14:03:12 UTC. Only one encoder feeds stage main-stage: no protection left.",
		URL:  url}
	if fmt.Sprint(g) != fmt.Sprint(want) {
		t.Errorf("greenroom = %+v\nwant        %+v", g, want)
	}
	for _, k := range []string{`"transitionId"`, `"version":1`, `"stageArn"`, `"sessionId"`, `"since":"2026-03-01T14:03:12Z"`} {
		if !bytes.Contains(r.body, []byte(k)) {
			t.Errorf("body lacks %s: %s", k, r.body)
		}
	}
}

func TestResolvedSaysHowLong(t *testing.T) {
	rc := newReceiver(t, nil)
	f := start(t, "", []string{rc.srv.URL}, fastOptions())
	f.notify(cfgARN, history.PairProtected, history.PairDegraded, at)
	f.notify(cfgARN, history.PairDegraded, history.PairProtected, at.Add(4*time.Minute+10*time.Second))
	// A second episode: degraded, then down, then the session ends.
	f.notify(cfgARN, history.PairProtected, history.PairDegraded, at.Add(time.Hour))
	f.notify(cfgARN, history.PairDegraded, history.PairDown, at.Add(time.Hour+4*time.Minute))
	f.notify(cfgARN, history.PairDown, history.PairIdle, at.Add(time.Hour+5*time.Minute+10*time.Second))
	eventually(t, "five messages", func() bool { return len(rc.all()) == 5 })
	got := rc.all()
	if want := "keynote-main recovered: both encoders publish (was degraded for 4 min 10 s). " + console +
		"/r/eu-west-1/ingest-configurations/AbCdEf123456"; got[1].payload.Text != want {
		t.Errorf("recovered: %q\nwant        %q", got[1].payload.Text, want)
	}
	if g := got[1].payload.Greenroom; g.Status != StatusResolved || g.Severity != SeverityInfo || g.FiredAt == nil || !g.FiredAt.Equal(at) {
		t.Errorf("resolved payload %+v", g)
	}
	if want := "keynote-main: session ended: the session on stage main-stage ended at 15:08:22 UTC " +
		"(was down for 1 min 10 s, without protection for 5 min 10 s). Nothing to protect until the next session."; !strings.HasPrefix(got[4].payload.Text, want) {
		t.Errorf("session ended: %q\nwant          %q", got[4].payload.Text, want)
	}
	alerts := f.query(history.KindAlert)
	var states []string
	for i := len(alerts) - 1; i >= 0; i-- {
		states = append(states, alerts[i].From+">"+alerts[i].To)
	}
	if fmt.Sprint(states) != "[>firing firing>resolved resolved>firing firing>firing firing>resolved]" {
		t.Errorf("alert transitions %v", states)
	}
}

func TestOrderPerKeyAndTarget(t *testing.T) {
	// The receiver refuses the first message (the firing) once.
	rc := newReceiver(t, func(n int, _ received) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	opts := fastOptions()
	opts.MinBackoff, opts.MaxBackoff = 500*time.Millisecond, 500*time.Millisecond
	f := start(t, "", []string{rc.srv.URL}, opts)
	fire := f.notify(cfgARN, history.PairProtected, history.PairDown, at)
	eventually(t, "the refused attempt", func() bool { return len(rc.all()) == 1 })
	res := f.notify(cfgARN, history.PairDown, history.PairProtected, at.Add(time.Minute))
	other := f.notify(cfgARN2, history.PairProtected, history.PairDegraded, at.Add(time.Minute))
	eventually(t, "all delivered", func() bool { return len(rc.accepted()) == 3 })

	var order []int64
	for _, r := range rc.all() {
		order = append(order, r.payload.Greenroom.TransitionID)
	}
	// The other key does not wait behind the retried one; the resolve does.
	if want := fmt.Sprint([]int64{fire.ID, other.ID, fire.ID, res.ID}); fmt.Sprint(order) != want {
		t.Fatalf("order %v, want %s (firing, other key, firing again, resolved)", order, want)
	}
}

func TestNoURLSecretsInHistoryLogsOrErrors(t *testing.T) {
	const secret = "XoXoSeCrEt"
	rc := newReceiver(t, func(n int, _ received) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // connection refused
	var logs bytes.Buffer
	opts := fastOptions()
	opts.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.MaxAttempts = 2
	targets := []string{
		rc.srv.URL + "/services/T000/B000/" + secret + "?token=" + secret,
		"http://user:" + secret + "@" + strings.TrimPrefix(dead.URL, "http://") + "/hooks/" + secret,
	}
	f := start(t, "", targets, opts)
	tr := f.notify(cfgARN, history.PairProtected, history.PairDown, at)
	eventually(t, "both deliveries done", func() bool {
		ds, _ := f.store.Deliveries(context.Background(), history.DeliveryPending, 0)
		all, _ := f.store.Deliveries(context.Background(), "", 0)
		return len(ds) == 0 && len(all) == 2
	})
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("the log does not say why target 2 failed:\n%s", logs.String())
	}

	ds, _ := f.store.Deliveries(context.Background(), "", 0)
	notes := f.query()
	everything := logs.String() + fmt.Sprintf("%+v %+v", ds, notes)
	if strings.Contains(everything, secret) || strings.Contains(everything, "/services/") || strings.Contains(everything, "/hooks/") {
		t.Fatalf("a target's path, query or password leaked:\n%s", everything)
	}
	if !strings.Contains(everything, fmt.Sprintf("target 2 (%s), transition %d, attempt 2: ", strings.TrimPrefix(dead.URL, "http://"), tr.ID)+
		"dial tcp "+strings.TrimPrefix(dead.URL, "http://")+": connect: connection refused; given up") {
		t.Errorf("history does not name the failing target by host:\n%+v", notes)
	}
	f.close()
	for _, name := range []string{f.path, f.path + "-wal"} {
		if b, err := os.ReadFile(name); err == nil && bytes.Contains(b, []byte(secret)) {
			t.Fatalf("%s holds the secret", filepath.Base(name))
		}
	}

	// Errors about bad targets name them without their path or query.
	s, _ := history.OpenSQLite(filepath.Join(t.TempDir(), "x.db"))
	defer s.Close()
	for _, bad := range []string{
		"ftp://hooks.example.com/services/" + secret + "?k=" + secret,
		"hooks.example.com/services/" + secret,
		"/services/" + secret,
		"http://[::1/" + secret,
		"https:///" + secret,
		"http:" + secret,
		"",
	} {
		_, err := New(s, []string{"https://ok.example.com/a", bad}, Options{})
		if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "target 2") {
			t.Errorf("New with %q: %v", bad, err)
		}
		if err := CheckTarget(bad); err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("CheckTarget(%q) = %v", bad, err)
		}
	}
	_, err := New(s, []string{"https://h.example.com/x/" + secret, "https://h.example.com/x/" + secret}, Options{})
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "repeats target 1") {
		t.Errorf("duplicate targets: %v", err)
	}
	if got := RedactURL("https://u:p@hooks.example.com/services/" + secret + "?x=1"); got != "https://hooks.example.com/…" {
		t.Errorf("RedactURL = %q", got)
	}
	if _, err := New(s, nil, Options{ConsoleURL: "greenroom.example.com"}); err == nil {
		t.Error("a console URL without a scheme accepted")
	}
}

func TestStreamKeyInCauseIsRedacted(t *testing.T) {
	const key = "rt_123456789012_eu-west-1_AbCdEf123456_GhIjKlMnOpQrStUv"
	rc := newReceiver(t, nil)
	f := start(t, "", []string{rc.srv.URL}, fastOptions())
	tr := f.pair(cfgARN, history.PairProtected, history.PairDegraded, at)
	tr.Cause = "encoder B stopped publishing (PUBLISH_ERROR: INVALID_STREAM_KEY " + key + ")"
	if _, err := f.n.Notify(context.Background(), tr); err != nil {
		t.Fatal(err)
	}
	eventually(t, "delivery", func() bool { return len(rc.all()) == 1 })
	body := string(rc.all()[0].body)
	if strings.Contains(body, "GhIjKlMnOpQrStUv") || !strings.Contains(body, "INVALID_STREAM_KEY [stream key])") {
		t.Fatalf("body %s", body)
	}
	alerts := f.query(history.KindAlert)
	if len(alerts) != 1 || strings.Contains(fmt.Sprint(alerts), "GhIjKlMnOpQrStUv") || alerts[0].Cause != "encoder B stopped publishing (PUBLISH_ERROR: INVALID_STREAM_KEY [stream key])" {
		t.Fatalf("alert %+v", alerts)
	}
}

func TestNoTargetsStillRecordsAlerts(t *testing.T) {
	f := start(t, "", nil, fastOptions())
	f.notify(cfgARN, history.PairProtected, history.PairDown, at)
	if alerts := f.query(history.KindAlert); len(alerts) != 1 || alerts[0].To != StatusFiring || alerts[0].Subject != cfgARN {
		t.Fatalf("alerts %+v", alerts)
	}
	if err := f.n.Run(context.Background()); err == nil {
		t.Fatal("a second Run at once was accepted")
	}
	if err := f.n.Enqueue(context.Background(), Alert{Key: cfgARN, Status: StatusFiring}); err == nil {
		t.Fatal("an alert without a transition id was accepted")
	}
}

func TestDescribeTakesTheURLOut(t *testing.T) {
	n, err := New(&history.SQLiteStore{}, []string{"https://hooks.example.com/services/T0/B0/SeCrEt?token=SeCrEt2"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tg := n.targets[0]
	for _, e := range []error{
		&url.Error{Op: "Post", URL: tg.url, Err: errors.New("proxy said no to " + tg.url)},
		errors.New("odd: /services/T0/B0/SeCrEt?token=SeCrEt2 and /services/T0/B0/SeCrEt"),
	} {
		if got := n.describe(tg, e); strings.Contains(got, "SeCrEt") || strings.Contains(got, "/services") {
			t.Errorf("describe = %q", got)
		}
	}
}

func TestBackoff(t *testing.T) {
	n, _ := New(&history.SQLiteStore{}, nil, Options{})
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range want {
		for range 20 {
			if d := n.backoff(i+1, 0); d > w || d < w*4/5 {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", i+1, d, w*4/5, w)
			}
		}
	}
	if d := n.backoff(40, 0); d > DefaultMaxBackoff || d < DefaultMaxBackoff*4/5 {
		t.Fatalf("backoff(40) = %v", d)
	}
	if d := n.backoff(1, 30*time.Second); d != 30*time.Second {
		t.Fatalf("Retry-After 30 s: %v", d)
	}
	if d := n.backoff(1, time.Hour); d != DefaultMaxBackoff {
		t.Fatalf("Retry-After 1 h: %v", d)
	}
	now := time.Now()
	if d := parseRetryAfter("120", now); d != 2*time.Minute {
		t.Errorf("Retry-After 120 = %v", d)
	}
	if d := parseRetryAfter(now.Add(time.Minute).UTC().Format(http.TimeFormat), now); d < 58*time.Second || d > time.Minute {
		t.Errorf("Retry-After date = %v", d)
	}
}

func TestShutdownLetsARequestUnderWayFinish(t *testing.T) {
	var got atomic.Int32
	arrived, release := make(chan struct{}, 4), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		arrived <- struct{}{}
		<-release // the receiver has the message; its answer is slow
	}))
	defer srv.Close()
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free() // before srv.Close, even when the test fails
	path := filepath.Join(t.TempDir(), "greenroom.db")
	f := start(t, path, []string{srv.URL}, fastOptions())
	f.notify(cfgARN, history.PairProtected, history.PairDown, at)
	<-arrived

	// The console shuts down while the request is under way.
	f.cancel()
	select {
	case <-f.done:
		f.done <- context.Canceled // for close
		t.Fatal("Run returned with a request under way")
	case <-time.After(100 * time.Millisecond):
	}
	free()
	if err := <-f.done; err != context.Canceled {
		t.Fatalf("Run = %v", err)
	}
	f.done <- context.Canceled // for close
	f.close()

	f = start(t, path, []string{srv.URL}, fastOptions())
	settle()
	ds, _ := f.store.Deliveries(context.Background(), "", 0)
	if n := got.Load(); n != 1 || len(ds) != 1 || ds[0].Status != history.DeliveryDelivered {
		t.Fatalf("%d requests, deliveries %+v; want one, delivered", n, ds)
	}
}
