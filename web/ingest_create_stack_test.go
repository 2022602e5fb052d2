package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/awssdk"
	"github.com/greenroom-dev/greenroom/internal/ivs/cached"
)

// TestIngestStackDoubleSubmitCreatesOneConfiguration runs the console on the
// real stack (cached layer, SDK adapter, emulator over HTTP): the same create
// form submitted twice, one after the other and concurrently, makes one
// configuration; RTMP is accepted because insecureIngest is sent.
func TestIngestStackDoubleSubmitCreatesOneConfiguration(t *testing.T) {
	emu, err := emulator.New(emulator.Options{Seed: emulator.SeedDemo, RandSeed: 7})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(emu)
	t.Cleanup(api.Close)
	ctx := context.Background()
	raw, err := awssdk.New(ctx, awssdk.Options{Regions: []ivs.Region{"us-east-1", "eu-west-1"}, Endpoint: api.URL})
	if err != nil {
		t.Fatal(err)
	}
	svc := cached.New(raw, cached.Options{})

	s := &testServer{t: t, logs: &strings.Builder{}}
	s.e = New(Deps{
		IVS: svc, Auth: staticAuth{id: identityWith(auth.RoleOperator, auth.RoleKeyholder)},
		Sessions: sessions.NewCookieStore([]byte("0123456789abcdef0123456789abcdef")),
		Logger:   slog.New(slog.NewJSONHandler(s.logs, nil)),
		Regions:  []ivs.Region{"us-east-1", "eu-west-1"}, Emulator: true, Audit: s,
	})
	count := func() int {
		n, q := 0, ivs.IngestQuery{ListQuery: ivs.ListQuery{MaxResults: 100}}
		for {
			p, err := raw.ListIngestConfigurations(ctx, "us-east-1", q)
			if err != nil {
				t.Fatal(err)
			}
			n += len(p.Items)
			if p.NextToken == "" {
				return n
			}
			q.NextToken = p.NextToken
		}
	}
	stages, err := raw.ListStages(ctx, "us-east-1", ivs.ListQuery{MaxResults: 100})
	if err != nil || len(stages.Items) == 0 {
		t.Fatalf("stages: %v", err)
	}
	before := count()

	d := s.get(ingestBase + "/new").doc(t)
	tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	form := url.Values{"name": {"stack-double-submit"}, "stage": {stages.Items[0].ID}, "protocol": {"RTMP"}, "redundant": {"on"}, "idempotency_key": {tok}}
	first := s.post(ingestBase, form, true)
	if first.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", first.Code, first.body)
	}
	second := s.post(ingestBase, form, true)
	if second.Header().Get("Location") != first.Header().Get("Location") {
		t.Errorf("second submit went to %q, first to %q", second.Header().Get("Location"), first.Header().Get("Location"))
	}
	// Concurrent double-click with a fresh form.
	d = s.get(ingestBase + "/new").doc(t)
	tok2, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	form2 := url.Values{"name": {"stack-double-click"}, "protocol": {"RTMPS"}, "idempotency_key": {tok2}, "_csrf": {s.token()}}
	var wg sync.WaitGroup
	locs := make([]string, 3)
	for i := range locs {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPost, ingestBase, strings.NewReader(form2.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, c := range s.jar {
				req.AddCookie(c)
			}
			rec := httptest.NewRecorder()
			s.e.ServeHTTP(rec, req)
			locs[i] = rec.Header().Get("Location")
		})
	}
	wg.Wait()
	if locs[0] == "" || locs[0] != locs[1] || locs[1] != locs[2] {
		t.Errorf("concurrent submits landed on %v", locs)
	}
	if got := count(); got != before+2 {
		t.Errorf("configurations %d -> %d: want exactly two new ones", before, got)
	}
	// The detail page of the new one holds no key; the reveal does.
	page := s.get(first.Header().Get("Location"))
	if page.Code != http.StatusOK || strings.Contains(page.body, "rt_1") || !strings.Contains(page.body, "Encoder B") {
		t.Errorf("detail: %d", page.Code)
	}
	rev := s.post(first.Header().Get("Location")+"/reveal", nil, true)
	if rev.Code != http.StatusOK || strings.Count(rev.body, "rt_123456789012_us-east-1_") < 2 || !strings.Contains(rev.body, "rtmp://") {
		t.Errorf("reveal: %d", rev.Code)
	}
	if strings.Contains(s.logs.String(), "rt_123456789012_") {
		t.Error("a key reached the log")
	}
}
