package web

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/static"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

func TestSessionPageListsParticipantsWithFiltersCountsAndPaging(t *testing.T) {
	w := newBrowseWorld(120)
	s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
	r := s.get(bSessPath)
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	d := r.doc(t)
	if n := d.Find("#rows tr").Length(); n != sessionPageSize {
		t.Errorf("rows = %d, want %d", n, sessionPageSize)
	}
	if q := w.lastQuery(); q.MaxResults != sessionPageSize || q.NextToken != "" || q.State != "" || q.PublishedOnly {
		t.Errorf("query %+v", q)
	}
	// Accessible table: caption, column scopes.
	if d.Find("#ptable table caption").Length() != 1 || d.Find(`#ptable thead th[scope=col]`).Length() != 8 {
		t.Error("participant table lacks a caption or header scopes")
	}
	// Participant link, relative to the session page, resolves to the scheme.
	href, _ := d.Find("#rows tr").Eq(2).Find("a").Attr("href")
	if got := resolve(bSessPath, href); got != bSessPath+"/participants/pt0000000001" {
		t.Errorf("participant link resolves to %q", got)
	}
	// The encoder rows link their configuration and say redundant.
	enc := d.Find("#rows tr").First()
	if enc.Find(`a[href="/r/us-east-1/ingest-configurations/`+bRedID+`"]`).Length() != 1 || !strings.Contains(enc.Text(), "redundant") || !strings.Contains(enc.Text(), "RTMPS") {
		t.Errorf("encoder row: %q", enc.Text())
	}
	// Counts and "load more" with a plain link underneath.
	if txt := d.Find("#count").Text(); !strings.Contains(txt, "50 shown") {
		t.Errorf("count %q", txt)
	}
	more := d.Find(`#more a:contains("Load more")`)
	if h, _ := more.Attr("href"); resolve(bSessPath, h) != bSessPath+"?next=o50&shown=50" {
		t.Errorf("load more href %q", h)
	}
	if h, _ := more.Attr("hx-get"); resolve(bSessPath, h) != bSessPath+"?next=o50&shown=50&fragment=more" {
		t.Errorf("load more hx-get %q", h)
	}
	if v, _ := more.Attr("hx-swap"); !strings.HasPrefix(v, "beforeend") {
		t.Errorf("load more swap %q", v)
	}
	if tgt, _ := more.Attr("hx-target"); tgt != "#rows" {
		t.Errorf("load more target %q", tgt)
	}
	// Live: the control polls the same URL with a fragment marker.
	live := d.Find("#live-ctl")
	if tr, _ := live.Attr("hx-trigger"); tr != "every 5s" {
		t.Errorf("poll trigger %q", tr)
	}
	if h, _ := live.Attr("hx-get"); resolve(bSessPath, h) != bSessPath+"?fragment=live" {
		t.Errorf("poll url %q", h)
	}
	if v, _ := live.Find("#live-note").Attr("aria-live"); v != "polite" {
		t.Error("live region is not polite")
	}
	if snap, _ := d.Find("#ptable").Attr("data-snap"); snap == "" {
		t.Error("no snapshot on the table")
	}
	// Filters: one bar (one form, one Apply button), every field labelled,
	// with the one-filter rule explained.
	bar := d.Find("form#pfilter")
	for _, id := range []string{"f-by", "f-state", "f-user", "f-rec"} {
		if bar.Find(`label[for="`+id+`"]`).Length() != 1 || bar.Find("#"+id).Length() != 1 {
			t.Errorf("filter %s is missing or has no label", id)
		}
	}
	if d.Find("form").FilterFunction(func(_ int, f *goquery.Selection) bool { return f.AttrOr("method", "get") == "get" }).Length() != 1 ||
		bar.Find("button").Length() != 1 || bar.Find("button").Text() != "Apply" {
		t.Error("the filters are not one form with one Apply button")
	}
	if !strings.Contains(d.Find("#filter-rule").Text(), "one thing at a time") {
		t.Error("one-filter rule not explained")
	}
	if v := bar.Find(`#f-by option[selected]`).AttrOr("value", "none"); v != "" {
		t.Errorf("without a filter the bar filters by %q", v)
	}
	// States are told apart by colour: <b> connected, <b class="off"> not.
	if d.Find("#rows td b").Length() != sessionPageSize || d.Find(`#rows td b.off`).Length() == 0 {
		t.Error("participant states are not badges")
	}
	d.Find("#rows td b").Each(func(_ int, b *goquery.Selection) {
		if b.HasClass("off") == (b.Text() == ivs.ParticipantConnected) {
			t.Errorf("state %q with class %q", b.Text(), b.AttrOr("class", ""))
		}
	})
	if d.Find(`[data-copy-link]`).Length() != 1 {
		t.Error("no copy link")
	}
	if h, _ := d.Find(`a:contains("Export CSV")`).Attr("href"); resolve(bSessPath, h) != bSessPath+"/participants.csv" {
		t.Errorf("export link %q", h)
	}
	checkRedundancyPanel(t, d.Find("#redundancy"), bSessPath)

	// The same page for htmx navigation (hx-boost) is the whole page.
	if h := s.htmx(bSessPath); h.Code != http.StatusOK || !strings.Contains(h.body, "<html") {
		t.Errorf("htmx navigation: %d", h.Code)
	}
}

func TestSessionPageFiltersGoUpstreamOneAtATime(t *testing.T) {
	cases := []struct {
		query string
		check func(ivs.ParticipantQuery) bool
		rows  int
	}{
		{"state=DISCONNECTED", func(q ivs.ParticipantQuery) bool {
			return q.State == "DISCONNECTED" && !q.PublishedOnly && q.UserID == ""
		}, 18},
		{"published=true", func(q ivs.ParticipantQuery) bool { return q.PublishedOnly && q.State == "" }, 2},
		{"userId=viewer-100007", func(q ivs.ParticipantQuery) bool { return q.UserID == "viewer-100007" && q.State == "" }, 1},
		{"recordingState=ACTIVE", func(q ivs.ParticipantQuery) bool { return q.RecordingState == "ACTIVE" && q.State == "" }, 1},
		{"state=&userId=viewer-100007&recordingState=", func(q ivs.ParticipantQuery) bool { return q.UserID == "viewer-100007" }, 1},
	}
	for _, tc := range cases {
		w := newBrowseWorld(120)
		s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
		r := s.get(bSessPath + "?" + tc.query)
		if r.Code != http.StatusOK {
			t.Fatalf("%s: %d", tc.query, r.Code)
		}
		if q := w.lastQuery(); !tc.check(q) {
			t.Errorf("%s: upstream query %+v", tc.query, q)
		}
		d := r.doc(t)
		if n := d.Find("#rows tr").Length(); n != tc.rows {
			t.Errorf("%s: %d rows, want %d", tc.query, n, tc.rows)
		}
		// The poll keeps the filter, in canonical form.
		vals, _ := url.ParseQuery(tc.query)
		q, _ := form.ParseParticipantFilter(vals)
		if h, _ := d.Find("#live-ctl").Attr("hx-get"); resolve(bSessPath, h) != bSessPath+"?"+q.Query()+"&fragment=live" {
			t.Errorf("%s: poll url %q", tc.query, h)
		}
		if d.Find(`a:contains("Clear filter")`).Length() != 1 {
			t.Errorf("%s: no way to clear the filter", tc.query)
		}
	}
	// The chosen filter shows in the bar.
	s := newTestServer(t, browseFake(newBrowseWorld(10)), identityWith(auth.RoleViewer))
	d := s.get(bSessPath + "?recordingState=FAILED").doc(t)
	if v, _ := d.Find(`#f-by option[selected]`).Attr("value"); v != "recordingState" {
		t.Errorf("the bar filters by %q", v)
	}
	if v, _ := d.Find(`#f-rec option[selected]`).Attr("value"); v != "FAILED" {
		t.Errorf("recording state control shows %q", v)
	}
	if d.Find(`#f-state option[selected]`).Length() != 0 || d.Find("#f-user").AttrOr("value", "x") != "" {
		t.Error("the other filter controls should be reset")
	}
}

// The filter bar sends by= and every field; the console answers with the
// canonical address of the one filter chosen (the shareable scheme), and
// sends nothing upstream for it.
func TestSessionFilterBarRedirectsToTheOneFilter(t *testing.T) {
	cases := map[string]string{
		"by=state&state=DISCONNECTED&userId=&recordingState=STARTING":   bSessPath + "?state=DISCONNECTED",
		"by=published&state=CONNECTED&userId=ana&recordingState=ACTIVE": bSessPath + "?published=true",
		"by=userId&state=CONNECTED&userId=viewer-100007":                bSessPath + "?userId=viewer-100007",
		"by=recordingState&state=CONNECTED&recordingState=FAILED":       bSessPath + "?recordingState=FAILED",
		"by=&state=CONNECTED&userId=ana":                                bSessPath,
		"by=userId&userId=&state=CONNECTED":                             bSessPath,
		"by=state&state=CONNECTED&next=abc&shown=50":                    bSessPath + "?state=CONNECTED",
	}
	for q, want := range cases {
		w := newBrowseWorld(10)
		fake := browseFake(w)
		s := newTestServer(t, fake, identityWith(auth.RoleViewer))
		for _, r := range []response{s.get(bSessPath + "?" + q), s.htmx(bSessPath + "?" + q)} {
			if r.Code != http.StatusSeeOther || r.Header().Get("Location") != want {
				t.Errorf("%s: %d to %q, want %q", q, r.Code, r.Header().Get("Location"), want)
			}
		}
		if n := fake.TotalCalls(); n != 0 {
			t.Errorf("%s: %d upstream calls", q, n)
		}
	}
	for q, words := range map[string]string{
		"by=everything":               "not a filter",
		"by=state&state=LIVE":         "not a participant state",
		"by=state&by=userId&userId=a": "more than once",
	} {
		r := newTestServer(t, browseFake(newBrowseWorld(10)), identityWith(auth.RoleViewer)).get(bSessPath + "?" + q)
		if r.Code != http.StatusBadRequest || !strings.Contains(r.body, words) {
			t.Errorf("%s: %d, want 400 saying %q", q, r.Code, words)
		}
	}
}

// Everyone on the same view polls the same URL, so the cached layer
// coalesces their refreshes into one upstream call.
func TestSessionPollURLIsTheSameForEveryViewer(t *testing.T) {
	var urls []string
	for _, id := range []string{"ana@example.com", "ben@example.com"} {
		ident := identityWith(auth.RoleViewer)
		ident.Email = id
		s := newTestServer(t, browseFake(newBrowseWorld(60)), ident)
		u, _ := s.get(bSessPath + "?userId=viewer-100003").doc(t).Find("#live-ctl").Attr("hx-get")
		urls = append(urls, u)
	}
	if urls[0] != urls[1] || urls[0] == "" {
		t.Errorf("poll urls differ: %q", urls)
	}
}

func TestSessionLoadMoreAppendsRowsAndPausesTheLiveRefresh(t *testing.T) {
	w := newBrowseWorld(120)
	s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
	r := s.htmx(bSessPath + "?next=o50&shown=50&fragment=more")
	if r.Code != http.StatusOK || strings.Contains(r.body, "<html") || strings.Contains(r.body, "<table") {
		t.Fatalf("more: %d, want rows only", r.Code)
	}
	if q := w.lastQuery(); q.NextToken != "o50" {
		t.Errorf("token not passed upstream: %+v", q)
	}
	if !strings.HasPrefix(strings.TrimSpace(r.body), "<tr") {
		t.Error("the fragment should start with the rows (appended into the tbody)")
	}
	d := r.doc(t)
	if n := strings.Count(r.body, "<tr"); n != 50 {
		t.Errorf("rows %d", n)
	}
	tpl := d.Find("template")
	frag, _ := goquery.NewDocumentFromReader(strings.NewReader(tplHTML(tpl)))
	more := frag.Find(`#more[hx-swap-oob="true"]`)
	if !strings.Contains(more.Text(), "100 shown") {
		t.Errorf("count after load more: %q", more.Text())
	}
	if h, _ := more.Find(`a:contains("Load more")`).Attr("hx-get"); resolve(bSessPath, h) != bSessPath+"?next=o100&shown=100&fragment=more" {
		t.Errorf("next load more %q", h)
	}
	liveCtl := frag.Find(`#live-ctl[hx-swap-oob="true"]`)
	if liveCtl.Length() != 1 || liveCtl.AttrOr("hx-trigger", "") != "" || !strings.Contains(liveCtl.Text(), "paused") {
		t.Errorf("live control not paused: %q", liveCtl.Text())
	}
	if liveCtl.Find(`a:contains("Back to live")`).Length() != 1 {
		t.Error("no way back to live")
	}
}

// tplHTML returns a template element's content (goquery keeps it as text).
func tplHTML(sel *goquery.Selection) string {
	h, _ := sel.Html()
	return h
}

// A shared link to a later page shows that page, paused, with the way back.
func TestSessionNextPageLinkShowsThatPagePaused(t *testing.T) {
	s := newTestServer(t, browseFake(newBrowseWorld(120)), identityWith(auth.RoleViewer))
	d := s.get(bSessPath + "?state=CONNECTED&next=o50&shown=50").doc(t)
	if n := d.Find("#rows tr").Length(); n == 0 {
		t.Fatal("no rows")
	}
	if first := d.Find("#rows tr").First().Find("a").Text(); first == bEncB {
		t.Error("a later page shows the first page")
	}
	live := d.Find("#live-ctl")
	if live.AttrOr("hx-trigger", "") != "" || !strings.Contains(live.Text(), "paused") {
		t.Errorf("later page polls: %q", live.Text())
	}
	if h, _ := live.Find("a").Attr("href"); resolve(bSessPath, h) != bSessPath+"?state=CONNECTED" {
		t.Errorf("back to live %q", h)
	}
}

func TestSessionLiveRefreshMarksChangedRows(t *testing.T) {
	w := newBrowseWorld(30)
	s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
	d := s.get(bSessPath).doc(t)
	snap, _ := d.Find("#ptable").Attr("data-snap")

	// Nothing changed: nothing marked.
	r := s.do(http.MethodGet, bSessPath+"?fragment=live", nil, map[string]string{"HX-Request": "true", snapshotHeader: snap})
	if r.Code != http.StatusOK || strings.Contains(r.body, "<html") {
		t.Fatalf("poll: %d", r.Code)
	}
	pd := r.doc(t)
	if n := pd.Find("tr.row-changed").Length(); n != 0 {
		t.Errorf("%d rows marked without a change", n)
	}
	if pd.Find(`#ptable #rows tr`).Length() != 30 {
		t.Errorf("poll rows: %d", pd.Find(`#ptable #rows tr`).Length())
	}
	if !strings.Contains(pd.Find(`#live-note[hx-swap-oob]`).Text(), "0 rows changed") {
		t.Errorf("note %q", pd.Find("#live-note").Text())
	}

	// One participant leaves, one joins.
	w.set(func(ps []ivs.Participant) []ivs.Participant {
		ps[5].State = ivs.ParticipantDisconnected
		return append(ps, participantN(999))
	})
	r = s.do(http.MethodGet, bSessPath+"?fragment=live", nil, map[string]string{"HX-Request": "true", snapshotHeader: snap})
	pd = r.doc(t)
	var marked []string
	pd.Find("tr.row-changed").Each(func(_ int, tr *goquery.Selection) { marked = append(marked, tr.Find("a").First().Text()) })
	if strings.Join(marked, ",") != "pt0000000004,pt0000000999" {
		t.Errorf("marked %v, want the one who left and the one who joined", marked)
	}
	if !strings.Contains(pd.Find("#live-note").Text(), "2 rows changed") {
		t.Errorf("note %q", pd.Find("#live-note").Text())
	}
	// The refresh carries a new snapshot and keeps polling (no OOB control).
	if s2, _ := pd.Find("#ptable").Attr("data-snap"); s2 == "" || s2 == snap {
		t.Error("the refresh does not carry the new snapshot")
	}
	if pd.Find("#live-ctl").Length() != 0 {
		t.Error("a live refresh should leave the polling control alone")
	}
	// A damaged snapshot marks nothing and is no error.
	r = s.do(http.MethodGet, bSessPath+"?fragment=live", nil, map[string]string{"HX-Request": "true", snapshotHeader: "%%%"})
	if r.Code != http.StatusOK || strings.Contains(r.body, "row-changed") {
		t.Errorf("damaged snapshot: %d", r.Code)
	}
	// A refresh ignores a page token: it is always the first page.
	r = s.htmx(bSessPath + "?next=o10&fragment=live")
	if q := w.lastQuery(); q.NextToken != "" {
		t.Errorf("refresh asked for a later page: %+v", q)
	}
}

func TestSessionEndedStopsTheRefresh(t *testing.T) {
	w := newBrowseWorld(10)
	s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
	w.endSession()
	d := s.get(bSessPath).doc(t)
	if d.Find(`[hx-trigger*="every"]`).Length() != 0 { // the chart loads once, after the page
		t.Error("an ended session polls")
	}
	if !strings.Contains(d.Find("#live-ctl").Text(), "ended") || !strings.Contains(d.Text(), "lasted 2 h 00 min") {
		t.Errorf("ended session: %q", d.Find("#live-ctl").Text())
	}
	if !strings.Contains(d.Find("#count").Text(), "All 10 shown, 8 connected") {
		t.Errorf("count %q", d.Find("#count").Text())
	}
	// A poll arriving after the end replaces the control, which stops polling.
	pd := s.htmx(bSessPath + "?fragment=live").doc(t)
	if c := pd.Find(`#live-ctl[hx-swap-oob="true"]`); c.Length() != 1 || c.AttrOr("hx-trigger", "") != "" {
		t.Error("the last refresh does not stop the polling")
	}
}

// A live refresh of 100 participants stays under 30 KB.
func TestSessionRefreshOf100ParticipantsIsUnder30KB(t *testing.T) {
	w := newBrowseWorld(300)
	w.fake.SetPageSize(100)
	s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
	r := s.htmx(bSessPath + "?fragment=live")
	if n := r.doc(t).Find("#rows tr").Length(); n != 100 {
		t.Fatalf("rows %d", n)
	}
	t.Logf("refresh fragment of 100 participants: %d bytes", len(r.body))
	if len(r.body) > 30_000 {
		t.Errorf("refresh fragment is %d bytes, over 30 KB", len(r.body))
	}
}

// The first session page (50 rows, the redundancy panel, CSS and JS) stays
// under 100 KB uncompressed.
func TestSessionPageFitsTheFirstPageBudget(t *testing.T) {
	s := newTestServer(t, browseFake(newBrowseWorld(300)), identityWith(auth.RoleOperator))
	r := s.get(bSessPath)
	d := r.doc(t)
	if d.Find("#rows tr").Length() != sessionPageSize || d.Find("#redundancy").Length() != 1 {
		t.Fatal("fixture does not show a full page with the redundancy panel")
	}
	assets := 0
	for _, name := range []string{"app.css", "app.js", "htmx.min.js"} {
		b, err := fs.ReadFile(static.Dist, name)
		if err != nil {
			t.Fatal(err)
		}
		assets += len(b)
	}
	total := len(r.body) + assets
	t.Logf("session page: HTML %d bytes + assets %d = %d bytes", len(r.body), assets, total)
	if total > 100_000 {
		t.Errorf("first page weighs %d bytes, over 100 KB", total)
	}
}

func BenchmarkRenderSessionTable100(b *testing.B) {
	w := newBrowseWorld(102)
	page, _ := w.fake.ListParticipants(context.Background(), "us-east-1", ivs.ParticipantQuery{StageARN: bStageARN, SessionID: bSessionID, ListQuery: ivs.ListQuery{MaxResults: 100}})
	h := &handler{Deps: Deps{Now: func() time.Time { return bT0.Add(time.Hour) }}}
	ref := console.Ref{Region: "us-east-1", StageID: bStageID, SessionID: bSessionID}
	sp := console.SessionPage{Session: ivs.StageSession{ID: bSessionID, StartTime: bT0}, Participants: page, Configs: browseConfigs()}
	tbl := h.participantTable(ref, form.ParticipantFilter{}, sp, 0, true)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := views.SessionPoll(tbl, views.LiveNote{At: bT0}).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/fragment")
}
