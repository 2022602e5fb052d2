package web

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// liveModel is a watcher's model set by hand.
type liveModel struct {
	mu   sync.Mutex
	snap *watch.Snapshot
	subs []chan struct{}
}

func (m *liveModel) Snapshot() *watch.Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.snap
}

func (m *liveModel) Subscribe() (<-chan struct{}, func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ch := make(chan struct{}, 1)
	m.subs = append(m.subs, ch)
	return ch, func() {}
}

func (m *liveModel) set(s *watch.Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap = s
	for _, ch := range m.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

var boardNow = bT0.Add(2 * time.Hour)

// boardSnapshot: main-stage-keynote degraded (encoder A dropped on a
// bitrate error), an ok stage, an idle one, eu-west-1 failing.
func boardSnapshot(version uint64) *watch.Snapshot {
	drop := boardNow.Add(-3 * time.Minute)
	pair := watch.Pair{Since: drop, Redundancy: ivs.Redundancy{
		Config: ivs.IngestConfiguration{ARN: bRedARN, ID: bRedID, Name: "program-redundant"}, SessionID: bSessionID, Protection: ivs.Degraded,
		Encoders: []ivs.Encoder{
			{Label: "A", ParticipantID: bEncA, Seen: true, LastChange: drop, Cause: "PUBLISH_ERROR: BITRATE_EXCEEDED", CauseError: true},
			{Label: "B", ParticipantID: bEncB, Seen: true, Connected: true, Publishing: true, LastChange: bT0, Cause: "PUBLISH_STARTED"},
		}}}
	degraded := &watch.Stage{Region: "us-east-1", Stage: browseStage(), Health: watch.HealthDegraded, Since: drop, Pairs: []watch.Pair{pair},
		Session: &watch.Session{ID: bSessionID, Start: bT0, Publishers: 3, PublishersAt: boardNow, Connected: 5564, ConnectedAt: boardNow.Add(-2 * time.Minute)}}
	ok := &watch.Stage{Region: "us-east-1", Stage: ivs.Stage{ID: "OkStage00001", ARN: "arn:aws:ivs:us-east-1:123456789012:stage/OkStage00001", Name: "studio-b", ActiveSessionID: "st-OKSESSION0001"},
		Health: watch.HealthOK, Session: &watch.Session{ID: "st-OKSESSION0001", Start: bT0, Publishers: 2, Connected: 4, ConnectedAt: boardNow}}
	idle := &watch.Stage{Region: "us-east-1", Stage: ivs.Stage{ID: "IdleStage001", Name: "rehearsal"}, Health: watch.HealthIdle}
	return &watch.Snapshot{Version: version, Changed: version, Regions: []*watch.Region{
		{Region: "us-east-1", Stages: []*watch.Stage{degraded, ok, idle}, SweptAt: boardNow.Add(-2 * time.Second), Cadence: 4 * time.Second},
		{Region: "eu-west-1", SweptAt: boardNow.Add(-5 * time.Minute), Err: ivstest.Err(ivs.KindThrottled, "ListStages", "Rate exceeded"), ErrSince: boardNow.Add(-time.Minute)},
	}}
}

func boardServer(t *testing.T, m *liveModel) (*testServer, *ivstest.Fake) {
	fake := &ivstest.Fake{}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	s.e = New(Deps{IVS: fake, Auth: staticAuth{id: identityWith(auth.RoleViewer)}, Sessions: testStore(), Logger: testLogger(s),
		Regions: testRegions, Audit: s, Live: m, Now: func() time.Time { return boardNow }})
	return s, fake
}

func TestBoardShowsWhatIsBrokenFirstWithItsCauseAndNoIVSCall(t *testing.T) {
	s, fake := boardServer(t, &liveModel{snap: boardSnapshot(1)})
	r := s.get("/board")
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	d := r.doc(t)
	if title := d.Find("title").Text(); !strings.HasPrefix(title, "(1) Board") {
		t.Errorf("title %q", title)
	}
	if icon, _ := d.Find(`link[rel=icon]`).Attr("href"); !strings.HasPrefix(icon, "data:image/svg+xml,") || !strings.Contains(icon, "%3E1%3C") {
		t.Errorf("favicon %q", icon)
	}
	if !strings.Contains(r.body, `<noscript><meta http-equiv="refresh" content="15">`) {
		t.Error("no refresh without JavaScript")
	}
	tiles := d.Find("[data-stage]")
	if tiles.Length() != 2 || tiles.First().AttrOr("data-health", "") != "degraded" || tiles.Last().AttrOr("data-health", "") != "ok" {
		t.Fatalf("%d tiles, first %q", tiles.Length(), tiles.First().AttrOr("data-health", ""))
	}
	first := tiles.First()
	text := first.Text()
	for _, want := range []string{"main-stage-keynote", "degraded", "3 publishers", "5564 participants connected", "counted 2 min ago", "BITRATE_EXCEEDED", "lower the encoder's bitrate"} {
		if !strings.Contains(text, want) {
			t.Errorf("tile lacks %q: %s", want, text)
		}
	}
	for _, runTogether := range []string{"since3", "since2", "counted2", "ago.The", "publishingPUBLISH"} {
		if strings.Contains(text, runTogether) {
			t.Errorf("words run together: %q", runTogether)
		}
	}
	for _, href := range []string{"/r/us-east-1/stages/" + bStageID, bSessPath, "/r/us-east-1/ingest-configurations/" + bRedID, bSessPath + "/participants/" + bEncA} {
		if first.Find(`a[href="`+href+`"]`).Length() == 0 {
			t.Errorf("tile does not link %s", href)
		}
	}
	// One truth: the publishing encoder carries no error, the ok tile none at all.
	if b := first.Find(`[data-encoder="B"]`); b.Find(".error-text").Length() != 0 {
		t.Error("a publishing encoder shows an error")
	}
	if tiles.Last().Find(".error-text").Length() != 0 {
		t.Error("an ok stage shows an error")
	}
	if eu := d.Find(`[data-region="eu-west-1"]`).Text(); !strings.Contains(eu, "has not answered") || !strings.Contains(eu, "Rate exceeded") {
		t.Errorf("a failing region is not said: %q", eu)
	}
	if n := fake.TotalCalls(); n != 0 {
		t.Errorf("the board called IVS %d times", n)
	}
}

func TestBoardStreamPushesEachSnapshotRenderedOnce(t *testing.T) {
	m := &liveModel{snap: boardSnapshot(1)}
	s, _ := boardServer(t, m)
	srv := httptest.NewServer(s.e)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/board/stream", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("content type %q, encoding %q", ct, res.Header.Get("Content-Encoding"))
	}
	events := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev strings.Builder
		for sc.Scan() {
			if sc.Text() == "" {
				events <- ev.String()
				ev.Reset()
				continue
			}
			ev.WriteString(sc.Text() + "\n")
		}
	}()
	first := <-events
	if !strings.HasPrefix(first, "event: board\n") || !strings.Contains(first, `data-problems="1"`) {
		t.Fatalf("first event: %.200s", first)
	}
	// A sweep that saw nothing new pushes nothing.
	same := boardSnapshot(1)
	same.Version = 2
	m.set(same)
	select {
	case ev := <-events:
		t.Fatalf("a push without news: %.100s", ev)
	case <-time.After(300 * time.Millisecond):
	}
	// The pair recovers: the next event says so.
	next := boardSnapshot(3)
	st := next.Regions[0].Stages[0]
	st.Health, st.Pairs[0].Protection = watch.HealthOK, ivs.Protected
	m.set(next)
	select {
	case ev := <-events:
		if !strings.Contains(ev, `data-problems="0"`) || !strings.Contains(ev, `data-title="Board"`) {
			t.Errorf("second event: %.300s", ev)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no event after a new snapshot")
	}
}

// A region fed by events says so, and one whose queue fails says why and
// that the watcher polls meanwhile.
func TestBoardSaysWhetherEventsFeedARegion(t *testing.T) {
	snap := boardSnapshot(1)
	snap.Regions[0].Events = watch.EventsState{On: true, Healthy: true, Last: boardNow.Add(-3 * time.Second)}
	snap.Regions[1].Events = watch.EventsState{On: true, Why: "the queue has not answered since 14:02 UTC"}
	s, _ := boardServer(t, &liveModel{snap: snap})
	d := s.get("/board").doc(t)
	if us := d.Find(`[data-region="us-east-1"]`).Text(); !strings.Contains(us, "events live, last 3 s ago") {
		t.Errorf("us-east-1: %q", us)
	}
	if eu := d.Find(`[data-region="eu-west-1"]`).Text(); !strings.Contains(eu, "events: the queue has not answered since 14:02 UTC; polling instead") {
		t.Errorf("eu-west-1: %q", eu)
	}
}
