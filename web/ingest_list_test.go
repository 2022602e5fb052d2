package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

func TestIngestListShowsStageNamesStatesAndFlags(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.get(ingestBase)
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	d := r.doc(t)
	if n := d.Find("#ingest-table tbody tr").Length(); n != 3 {
		t.Fatalf("rows = %d, want 3", n)
	}
	row := d.Find(`#ingest-table tbody tr:contains("keynote-main")`)
	if href, _ := row.Find(`a:contains("main-stage")`).Attr("href"); href != "/r/us-east-1/stages/"+liveStageID {
		t.Errorf("stage link = %q (want the stage, by name)", href)
	}
	if href, _ := row.Find("a").First().Attr("href"); href != ingestBase+"/"+redundantID {
		t.Errorf("detail link = %q", href)
	}
	if !strings.Contains(row.Text(), "RTMPS") || !strings.Contains(row.Text(), "INACTIVE") || !strings.Contains(row.Text(), "yes (A + B)") || !strings.Contains(row.Text(), "keynote-program") {
		t.Errorf("row text %q", row.Text())
	}
	legacy := d.Find(`#ingest-table tbody tr:contains("legacy")`).Text()
	for _, flag := range []string{"No stage", "Plain RTMP", "Personal data?"} {
		if !strings.Contains(legacy, flag) {
			t.Errorf("legacy row lacks the %q flag: %q", flag, legacy)
		}
	}
	if d.Find(`th[scope="col"]`).Length() < 6 || d.Find(`tbody th[scope="row"]`).Length() != 3 {
		t.Error("table headers lack scope")
	}
	if !strings.Contains(d.Find("#one-filter").Text(), "one thing at a time") {
		t.Error("the one-filter rule is not explained")
	}
	if d.Find(`a[href="`+ingestBase+`/new"]`).Length() == 0 {
		t.Error("no create link for an operator")
	}
	if w.fake.Calls("ListStages") != 1 {
		t.Errorf("ListStages called %d times, want 1", w.fake.Calls("ListStages"))
	}
	if h := s.htmx(ingestBase); h.Code != http.StatusOK || !strings.Contains(h.body, "keynote-main") {
		t.Errorf("htmx list: %d", h.Code)
	}
}

func TestIngestListFilterSortAndPaging(t *testing.T) {
	w := newIngestWorld()
	var got []ivs.IngestQuery
	w.fake.ListIngestConfigurationsFn = func(ctx contextT, r ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
		got = append(got, q)
		p, err := w.fake.IngestPage(q)
		p.NextToken = "tok/with+chars="
		return p, err
	}
	s := opServer(t, w)
	d := s.get(ingestBase + "?state=ACTIVE").doc(t)
	if n := d.Find("#ingest-table tbody tr").Length(); n != 1 || got[0].State != "ACTIVE" || got[0].StageARN != "" {
		t.Errorf("state filter: rows %d, query %+v", n, got[0])
	}
	d = s.get(ingestBase + "?stage=" + liveStageID + "&sort=-name").doc(t)
	if got[1].StageARN != stageARNOf(liveStageID) || got[1].State != "" || got[1].MaxResults != 100 {
		t.Errorf("stage filter query %+v", got[1])
	}
	names := d.Find("#ingest-table tbody th a").Map(func(_ int, s *goquerySelection) string { return s.Text() })
	if strings.Join(names, ",") != "live-feed,keynote-main" {
		t.Errorf("sorted by -name: %v", names)
	}
	if th, _ := d.Find(`th[aria-sort="descending"]`).Attr("aria-sort"); th == "" {
		t.Error("no aria-sort on the sorted column")
	}
	next, _ := d.Find(`a:contains("Next page")`).Attr("href")
	if next != ingestBase+"?next=tok%2Fwith%2Bchars%3D&sort=-name&stage="+liveStageID {
		t.Errorf("next link %q (token escaped, filter and sort kept)", next)
	}
	s.get(ingestBase + "?next=tok%2Fwith%2Bchars%3D")
	if got[2].NextToken != "tok/with+chars=" {
		t.Errorf("token passed upstream %q", got[2].NextToken)
	}
	before := w.fake.Calls("ListIngestConfigurations")
	for _, bad := range []string{"?stage=" + liveStageID + "&state=ACTIVE", "?state=LIVE", "?sort=secret", "?next=%00", "?stage=a.b"} {
		r := s.get(ingestBase + bad)
		if r.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, r.Code)
		}
		if strings.Contains(bad, "state=ACTIVE") && !strings.Contains(r.body, "one thing at a time") {
			t.Errorf("two filters: the rule is not explained")
		}
	}
	if w.fake.Calls("ListIngestConfigurations") != before {
		t.Error("a refused list address reached IVS")
	}
}

func TestIngestListEmptyStateLeadsToCreate(t *testing.T) {
	fake := &ivstest.Fake{}
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	d := s.get(ingestBase).doc(t)
	if href, _ := d.Find(`a:contains("Create the first ingest configuration")`).Attr("href"); href != ingestBase+"/new" {
		t.Errorf("empty state link %q", href)
	}
	s = newTestServer(t, fake, identityWith(auth.RoleViewer))
	d = s.get(ingestBase).doc(t)
	if d.Find(`a[href="`+ingestBase+`/new"]`).Length() != 0 || !strings.Contains(d.Text(), "needs the operator role") {
		t.Error("a viewer is offered create")
	}
}

func TestIngestListUpstreamFaults(t *testing.T) {
	for kind, status := range map[ivs.Kind]int{ivs.KindThrottled: 503, ivs.KindUnavailable: 503, ivs.KindAccessDenied: 502} {
		w := newIngestWorld()
		w.fake.ListIngestConfigurationsFn = func(contextT, ivs.Region, ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
			return ivs.Page[ivs.IngestConfiguration]{}, ivstest.Err(kind, "ListIngestConfigurations", "no")
		}
		s := opServer(t, w)
		if r := s.get(ingestBase); r.Code != status {
			t.Errorf("%v: %d, want %d", kind, r.Code, status)
		}
		if r := s.htmx(ingestBase); r.Code != status || r.Header().Get("HX-Retarget") != "#alerts" {
			t.Errorf("%v (htmx): %d", kind, r.Code)
		}
	}
}
