package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

func stagesFake() *ivstest.Fake {
	return &ivstest.Fake{ListStagesFn: func(ctx context.Context, r ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
		st := []ivs.Stage{stage("AbCdEf123456", "main-stage-keynote", "st-ABCDEFGHIJKLM"), stage("ZyXw98765432", "studio-b", "")}
		st[1].Tags = map[string]string{"team": "sports"}
		return ivs.Page[ivs.Stage]{Items: st, NextToken: "tok/next+1"}, nil
	}}
}

func TestStageListLinksFollowTheURLScheme(t *testing.T) {
	s := newTestServer(t, stagesFake(), identityWith(auth.RoleViewer))
	r := s.get("/r/us-east-1/stages")
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	d := r.doc(t)
	if got := d.Find("#stage-table tbody tr").Length(); got != 2 {
		t.Fatalf("rows = %d, want 2", got)
	}
	if href, _ := d.Find(`a:contains("main-stage-keynote")`).Attr("href"); href != "/r/us-east-1/stages/AbCdEf123456" {
		t.Errorf("stage link = %q", href)
	}
	if href, _ := d.Find(`a.badge-live`).Attr("href"); href != "/r/us-east-1/stages/AbCdEf123456/sessions/st-ABCDEFGHIJKLM" {
		t.Errorf("live session link = %q", href)
	}
	if href, _ := d.Find(`a:contains("Next page")`).Attr("href"); href != "/r/us-east-1/stages?next=tok%2Fnext%2B1" {
		t.Errorf("next page link = %q (the token must be escaped)", href)
	}
	if d.Find(".badge-emulator").Length() != 1 {
		t.Error("no EMULATOR badge")
	}
	if !strings.Contains(d.Find("header").Text(), "ops@example.com") || !strings.Contains(d.Find("header").Text(), "viewer") {
		t.Error("header does not show who and which role")
	}
	if d.Find(`a[href="/r/us-east-1/ingest-configurations"]`).Length() == 0 {
		t.Error("navigation lacks ingest configurations")
	}
}

// The search covers every stage of the region, not the page shown: a stage
// on the second page is found from the first, and a search has no paging.
func TestStageListSearchFiltersByNameAndTag(t *testing.T) {
	fake := &ivstest.Fake{ListStagesFn: func(ctx context.Context, r ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
		if q.NextToken == "" {
			return ivs.Page[ivs.Stage]{Items: []ivs.Stage{stage("AbCdEf123456", "main-stage-keynote", "st-ABCDEFGHIJKLM")}, NextToken: "p2"}, nil
		}
		st := stage("ZyXw98765432", "studio-b", "")
		st.Tags = map[string]string{"team": "sports"}
		return ivs.Page[ivs.Stage]{Items: []ivs.Stage{st}}, nil
	}}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	for q, want := range map[string]int{"keynote": 1, "team=sports": 1, "ZyXw98": 1, "studio": 1, "STAGE": 1, "nothing-like-it": 0, "": 1} {
		d := s.get("/r/us-east-1/stages?q=" + q).doc(t)
		if got := d.Find("#stage-table tbody tr").Length(); got != want {
			t.Errorf("q=%q: rows = %d, want %d", q, got, want)
		}
		if q != "" && d.Find(`a:contains("Next page")`).Length() != 0 {
			t.Errorf("q=%q: a search offers a next page", q)
		}
		if q != "" && !strings.Contains(d.Find("#stage-count").Text(), "of the 2 stages in us-east-1") {
			t.Errorf("q=%q: count %q", q, d.Find("#stage-count").Text())
		}
	}
	if txt := s.get("/r/us-east-1/stages?q=nothing-like-it").doc(t).Find("#stage-table p.card").Text(); !strings.Contains(txt, "No stage in us-east-1 matches") {
		t.Errorf("no match: %q", txt)
	}
	// Without a search the list pages.
	if href, _ := s.get("/r/us-east-1/stages").doc(t).Find(`a:contains("Next page")`).Attr("href"); href != "/r/us-east-1/stages?next=p2" {
		t.Errorf("next page %q", href)
	}
	// htmx asks for the table only.
	r := s.do(http.MethodGet, "/r/us-east-1/stages?q=studio", nil, map[string]string{"HX-Request": "true", "HX-Target": "stage-table"})
	if strings.Contains(r.body, "<html") || !strings.Contains(r.body, `id="stage-table"`) {
		t.Errorf("htmx search should answer the table fragment only")
	}
}

func TestStageListUpstreamFaultsBecomeClearMessages(t *testing.T) {
	cases := []struct {
		kind   ivs.Kind
		status int
		words  string
	}{
		{ivs.KindThrottled, http.StatusServiceUnavailable, "IVS is busy"},
		{ivs.KindUnavailable, http.StatusServiceUnavailable, "IVS is not answering"},
		{ivs.KindAccessDenied, http.StatusBadGateway, "access was denied"},
	}
	for _, tc := range cases {
		fake := &ivstest.Fake{ListStagesFn: func(context.Context, ivs.Region, ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
			return ivs.Page[ivs.Stage]{}, ivstest.Err(tc.kind, "ListStages", "upstream said no")
		}}
		s := newTestServer(t, fake, identityWith(auth.RoleViewer))
		r := s.get("/r/us-east-1/stages")
		if r.Code != tc.status || !strings.Contains(r.body, tc.words) || !strings.Contains(r.body, "<html") {
			t.Errorf("%v: status %d, want %d with %q in a full page", tc.kind, r.Code, tc.status, tc.words)
		}
		h := s.htmx("/r/us-east-1/stages")
		if h.Code != tc.status || strings.Contains(h.body, "<html") || h.Header().Get("HX-Retarget") != "#alerts" {
			t.Errorf("%v (htmx): status %d, retarget %q: want a fragment for #alerts", tc.kind, h.Code, h.Header().Get("HX-Retarget"))
		}
	}
}

const echoRequestID = "X-Request-Id"
