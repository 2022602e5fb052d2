package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"

	"github.com/PuerkitoBio/goquery"
)

// checkRedundancyPanel asserts what the fixture's degraded configuration
// must show: both encoders, which one dropped, when and why, links to
// both encoder participants and to the configuration, and no claim about
// which encoder feeds the virtual participant.
func checkRedundancyPanel(t *testing.T, panel *goquery.Selection, sessionPath string) {
	t.Helper()
	if panel.Length() != 1 {
		t.Fatal("no redundancy panel")
	}
	item := panel.Find(`[data-redundancy]`)
	if v, _ := item.Attr("data-redundancy"); v != "degraded" {
		t.Errorf("protection %q, want degraded", v)
	}
	txt := panel.Text()
	for _, want := range []string{"running without protection", "does not say which", "virt00000001", "BITRATE_EXCEEDED", "8.5 Mbps"} {
		if !strings.Contains(txt, want) {
			t.Errorf("panel lacks %q", want)
		}
	}
	for _, bad := range []string{"on air now", "primary", "active encoder"} {
		if strings.Contains(strings.ToLower(txt), bad) {
			t.Errorf("panel claims %q", bad)
		}
	}
	if panel.Find(`a[href="/r/us-east-1/ingest-configurations/`+bRedID+`"]`).Length() != 1 {
		t.Error("no link to the configuration")
	}
	for _, id := range []string{bEncA, bEncB} {
		found := false
		panel.Find("a").Each(func(_ int, a *goquery.Selection) {
			found = found || resolve(sessionPath, a.AttrOr("href", "")) == sessionPath+"/participants/"+id
		})
		if !found {
			t.Errorf("no link to encoder %s", id)
		}
	}
	rowA := panel.Find(`tbody tr`).First()
	if !rowA.HasClass("row-error") || !strings.Contains(rowA.Text(), "not publishing") || rowA.Find("time[datetime]").Length() != 1 {
		t.Errorf("encoder A row: %q", rowA.Text())
	}
	if !strings.Contains(panel.Find(`tbody tr`).Eq(1).Text(), "publishing") {
		t.Error("encoder B not publishing")
	}
}

// The panel refreshes itself while the session is live, from a URL that is
// the same for every viewer, and shows a change of protection.
func TestRedundancyPanelRefreshesItself(t *testing.T) {
	w := newBrowseWorld(5)
	s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
	for _, page := range []string{bSessPath, "/r/us-east-1/stages/" + bStageID} {
		d := s.get(page).doc(t)
		panel := d.Find("#redundancy")
		if got := panel.AttrOr("hx-get", ""); got != page+"?fragment=redundancy" {
			t.Errorf("%s: panel refresh URL %q", page, got)
		}
		if panel.AttrOr("hx-trigger", "") != "every 10s" || panel.AttrOr("hx-swap", "") != "outerHTML" {
			t.Errorf("%s: panel trigger/swap %q %q", page, panel.AttrOr("hx-trigger", ""), panel.AttrOr("hx-swap", ""))
		}
	}
	// Encoder B drops too: the refresh says down.
	w.set(func(ps []ivs.Participant) []ivs.Participant {
		for i := range ps {
			if ps[i].ID == bEncB {
				ps[i].State = ivs.ParticipantDisconnected
			}
		}
		return ps
	})
	r := s.htmx(bSessPath + "?fragment=redundancy")
	if r.Code != http.StatusOK || strings.Contains(r.body, "<html") {
		t.Fatalf("refresh: %d", r.Code)
	}
	d := r.doc(t)
	if v := d.Find("[data-redundancy]").AttrOr("data-redundancy", ""); v != "down" {
		t.Errorf("after encoder B dropped: %q, want down", v)
	}
	// Once that session is no longer live, the refresh removes the panel.
	w.endSession()
	fake := browseFake(w)
	fake.GetStageFn = func(context.Context, ivs.Region, string) (ivs.Stage, error) {
		st := browseStage()
		st.ActiveSessionID = ""
		return st, nil
	}
	s2 := newTestServer(t, fake, identityWith(auth.RoleViewer))
	if body := s2.htmx(bSessPath + "?fragment=redundancy").body; strings.Contains(body, "redundancy") {
		t.Errorf("ended session: the refresh should remove the panel, got %.200q", body)
	}
	if r := s.get(bSessPath + "?fragment=bogus"); r.Code != http.StatusBadRequest {
		t.Errorf("unknown fragment: %d", r.Code)
	}
}
