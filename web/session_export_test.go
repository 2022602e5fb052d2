package web

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

// flushRecorder records what was flushed to the client, page by page.
type flushRecorder struct {
	*httptest.ResponseRecorder
	mu      sync.Mutex
	flushed []string // body as it stood at each flush
}

func (f *flushRecorder) Flush() {
	f.mu.Lock()
	f.flushed = append(f.flushed, f.Body.String())
	f.mu.Unlock()
	f.ResponseRecorder.Flush()
}

func (f *flushRecorder) bodyNow() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Body.String()
}

func TestSessionExportStreamsEveryPageWithTheFilter(t *testing.T) {
	w := newBrowseWorld(252) // 250 + the two encoders: 3 pages of 100 once filtered
	w.set(func(ps []ivs.Participant) []ivs.Participant {
		ps[2].UserID = "=HYPERLINK(\"http://evil\")"
		ps[3].UserID = "+1+1"
		ps[4].UserID = "@SUM(A1)"
		ps[5].UserID = "-2"
		return ps
	})
	fake := browseFake(w)
	rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
	var sawStreaming bool
	fake.ListParticipantsFn = func(ctx context.Context, r ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		if q.NextToken == "o100" {
			// Page 1 is on its way to the browser before page 2 is asked for.
			sawStreaming = strings.Count(rec.bodyNow(), "\n") == 101
		}
		return fake.ParticipantsPage(q)
	}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	req := httptest.NewRequest(http.MethodGet, bSessPath+"/participants.csv?published=&state=DISCONNECTED&userId=", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	// The published filter is empty, state is the one: DISCONNECTED rows only.
	s.e.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	h := rec.Header()
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q", ct)
	}
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="participants-`+bStageID+`-`+bSessionID+`-state.csv"` {
		t.Errorf("disposition %q", cd)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("cache control %q", h.Get("Cache-Control"))
	}
	recs, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range w.participants() {
		if p.State == ivs.ParticipantDisconnected {
			want++
		}
	}
	if len(recs)-1 != want || recs[0][0] != "participantId" {
		t.Errorf("%d rows, want %d (+ header %v)", len(recs)-1, want, recs[0])
	}
	for _, r := range recs[1:] {
		if r[2] != "DISCONNECTED" {
			t.Fatalf("filter not applied: %v", r)
		}
	}
	// Now the unfiltered export: 3 pages, formulas defused.
	rec2 := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
	fake.ListParticipantsFn = func(ctx context.Context, r ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		if q.NextToken == "o100" {
			sawStreaming = strings.Count(rec2.bodyNow(), "\n") == 101
		}
		return fake.ParticipantsPage(q)
	}
	before := fake.Calls("ListParticipants")
	s.e.ServeHTTP(rec2, httptest.NewRequest(http.MethodGet, bSessPath+"/participants.csv", nil))
	if n := fake.Calls("ListParticipants") - before; n != 3 {
		t.Errorf("%d ListParticipants calls, want 3 pages", n)
	}
	if !sawStreaming {
		t.Error("page 1 was not flushed before page 2 was fetched")
	}
	if len(rec2.flushed) < 3 {
		t.Errorf("%d flushes, want one per page", len(rec2.flushed))
	}
	recs, _ = csv.NewReader(strings.NewReader(rec2.Body.String())).ReadAll()
	if len(recs) != 253 {
		t.Errorf("%d records, want header + 252", len(recs))
	}
	for _, cell := range []string{`'=HYPERLINK("http://evil")`, "'+1+1", "'@SUM(A1)", "'-2"} {
		found := false
		for _, r := range recs {
			found = found || r[1] == cell
		}
		if !found {
			t.Errorf("cell %q not defused", cell)
		}
	}
}

func TestSessionExportCutShortSaysSo(t *testing.T) {
	w := newBrowseWorld(150)
	fake := browseFake(w)
	fake.ListParticipantsFn = func(ctx context.Context, r ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		if q.NextToken != "" {
			return ivs.Page[ivs.Participant]{}, ivstest.Err(ivs.KindThrottled, "ListParticipants", "rate exceeded")
		}
		return fake.ParticipantsPage(q)
	}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	r := s.get(bSessPath + "/participants.csv")
	if r.Code != http.StatusOK || !strings.Contains(r.body, "#ERROR,export incomplete after 100 rows") {
		t.Errorf("status %d, tail %q", r.Code, r.body[max(0, len(r.body)-120):])
	}
	// A failure before the first byte is a proper error page.
	fake.ListParticipantsFn = func(context.Context, ivs.Region, ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		return ivs.Page[ivs.Participant]{}, ivstest.Err(ivs.KindThrottled, "ListParticipants", "rate exceeded")
	}
	if r := s.get(bSessPath + "/participants.csv"); r.Code != http.StatusServiceUnavailable {
		t.Errorf("first page failing: %d", r.Code)
	}
}

// BenchmarkSessionExport5000 streams 5,000 participants (50 pages): B/op
// stays proportional to one page, not to the export.
func BenchmarkSessionExport5000(b *testing.B) {
	pages := make([][]ivs.Participant, 50)
	for i := range pages {
		for j := range 100 {
			pages[i] = append(pages[i], participantN(i*100+j))
		}
	}
	fake := browseFake(newBrowseWorld(2))
	fake.ListParticipantsFn = func(_ context.Context, _ ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		i := 0
		if q.NextToken != "" {
			i = int(q.NextToken[1]-'A')*10 + int(q.NextToken[2]-'A')
		}
		p := ivs.Page[ivs.Participant]{Items: pages[i]}
		if i+1 < len(pages) {
			p.NextToken = "p" + string(rune('A'+(i+1)/10)) + string(rune('A'+(i+1)%10))
		}
		return p, nil
	}
	s := newTestServer(&testing.T{}, fake, identityWith(auth.RoleViewer))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, bSessPath+"/participants.csv", nil)
		rw := &discardWriter{h: http.Header{}}
		s.e.ServeHTTP(rw, req)
		if rw.n < 5000*40 {
			b.Fatalf("wrote %d bytes", rw.n)
		}
	}
}

// discardWriter is a ResponseWriter that keeps nothing (the benchmark
// measures the handler, not a buffer holding the whole export).
type discardWriter struct {
	h    http.Header
	n    int
	code int
}

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) {
	d.n += len(p)
	return len(p), nil
}
func (d *discardWriter) WriteHeader(code int) { d.code = code }
func (d *discardWriter) Flush()               {}

var _ io.Writer = (*discardWriter)(nil)
