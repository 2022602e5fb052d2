package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

func TestStagePageShowsTheStageItsLiveSessionSessionsAndIngest(t *testing.T) {
	fake := browseFake(newBrowseWorld(20))
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	for _, hx := range []bool{false, true} {
		var r response
		if hx {
			r = s.htmx("/r/us-east-1/stages/" + bStageID) // hx-boost navigation: the whole page
		} else {
			r = s.get("/r/us-east-1/stages/" + bStageID)
		}
		if r.Code != http.StatusOK || !strings.Contains(r.body, "<html") {
			t.Fatalf("hx=%v: status %d", hx, r.Code)
		}
		d := r.doc(t)
		if got := strings.TrimSpace(d.Find("h1").Text()); got != "main-stage-keynote" {
			t.Errorf("title %q", got)
		}
		st := browseStage()
		for _, v := range []string{st.ARN, st.Endpoints.WHIP, st.Endpoints.RTMP, st.Endpoints.RTMPS, st.Endpoints.Events} {
			if d.Find(`button[data-copy="`+v+`"]`).Length() != 1 {
				t.Errorf("no copy button for %s", v)
			}
		}
		if !strings.Contains(d.Text(), "storage-configuration/Store1") {
			t.Error("recording configuration missing")
		}
		if d.Find(`[data-copy-link]`).Length() != 1 {
			t.Error("no copy link control")
		}
		// The live session, prominently, and the sessions table with durations.
		if d.Find(`#live-h`).Length() != 1 || d.Find(`a[href="`+bSessPath+`"]`).Length() < 2 {
			t.Error("live session not shown prominently")
		}
		if href, _ := d.Find(`#sessions a:contains("Older sessions")`).Attr("href"); href != "/r/us-east-1/stages/"+bStageID+"?next=older#sessions" {
			t.Errorf("older sessions link %q", href)
		}
		if d.Find("#sessions table caption").Length() != 1 || d.Find(`#sessions th[scope=col]`).Length() != 4 {
			t.Error("sessions table lacks caption or header scopes")
		}
		// Ingest configurations with state and redundancy.
		cfg := d.Find(`#stage-configs-h`).Parent()
		if cfg.Find(`a[href="/r/us-east-1/ingest-configurations/`+bRedID+`"]`).Length() != 1 || !strings.Contains(cfg.Text(), "degraded") || !strings.Contains(cfg.Text(), "insecure") {
			t.Errorf("configurations section: %q", cfg.Text())
		}
		// Tags in a stable order.
		if txt := d.Find(`dt:contains("Tags") + dd`).Text(); strings.Index(txt, "env=prod") > strings.Index(txt, "team=live-events") {
			t.Errorf("tags not sorted: %q", txt)
		}
		checkRedundancyPanel(t, d.Find("#redundancy"), bSessPath)
	}
}

func TestStagePageOlderSessionsFollowTheToken(t *testing.T) {
	s := newTestServer(t, browseFake(newBrowseWorld(5)), identityWith(auth.RoleViewer))
	d := s.get("/r/us-east-1/stages/" + bStageID + "?next=older").doc(t)
	if d.Find(`#sessions a[href="`+"/r/us-east-1/stages/"+bStageID+"/sessions/"+bOldSessID+`"]`).Length() != 1 {
		t.Error("older page does not list the older session")
	}
	if !strings.Contains(d.Find("#sessions").Text(), "1 h 00 min") {
		t.Errorf("duration missing: %q", d.Find("#sessions").Text())
	}
	if d.Find(`#sessions a:contains("Newest sessions")`).Length() != 1 {
		t.Error("no way back to the newest sessions")
	}
}

func TestStageListSortsTagsAndLinksTheLiveSession(t *testing.T) {
	fake := &ivstest.Fake{ListStagesFn: func(ctx context.Context, r ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
		st := stage("ZyXw98765432", "studio-b", "")
		st.Tags = map[string]string{"z": "9", "team": "sports", "a": "1"}
		return ivs.Page[ivs.Stage]{Items: []ivs.Stage{st}}, nil
	}}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	for range 5 { // map order would differ between runs
		d := s.get("/r/us-east-1/stages").doc(t)
		row := d.Find(`#stage-table tbody tr:contains("studio-b")`)
		var tags []string
		row.Find(".badge-muted").Each(func(_ int, b *goquery.Selection) { tags = append(tags, b.Text()) })
		if strings.Join(tags, ",") != "a=1,team=sports,z=9" {
			t.Fatalf("tags %v, want sorted", tags)
		}
	}
}

func TestStagePageLinksAllItsConfigurationsByIDAndHidesGreenroomsTag(t *testing.T) {
	w := newBrowseWorld(3)
	fake := browseFake(w)
	inner := browseStage()
	inner.Tags[ivs.IdempotencyTag] = "tok-0123456789abcdef"
	fake.GetStageFn = func(context.Context, ivs.Region, string) (ivs.Stage, error) { return inner, nil }
	fake.ListIngestConfigurationsFn = func(_ context.Context, _ ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
		p, err := fake.IngestPage(q)
		p.NextToken = "more"
		return p, err
	}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	d := s.get("/r/us-east-1/stages/" + bStageID).doc(t)
	href, _ := d.Find(`a:contains("all of them")`).Attr("href")
	if href != "/r/us-east-1/ingest-configurations?stage="+bStageID {
		t.Errorf("all of them → %q", href)
	}
	if r := s.get(href); r.Code != http.StatusOK {
		t.Errorf("the link answers %d", r.Code)
	}
	if strings.Contains(d.Text(), ivs.IdempotencyTag) {
		t.Error("Greenroom's own tag is shown among the stage's tags")
	}
}
