package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

func TestIngestRotateCopiesThenDeletesOnConfirmation(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + redundantID + "/rotate").doc(t)
	if !strings.Contains(d.Text(), "keynote-main-r2") {
		t.Error("the copy's name is not shown")
	}
	tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	form := url.Values{"idempotency_key": {tok}}
	r := s.post(ingestBase+"/"+redundantID+"/rotate", form, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase+"/"+redundantID+"/rotate/New000000001" {
		t.Fatalf("rotate: %d %q %s", r.Code, r.Header().Get("Location"), r.body)
	}
	s.post(ingestBase+"/"+redundantID+"/rotate", form, true) // double submit
	if w.count() != 4 {
		t.Errorf("configurations %d: the double submit made a second copy", w.count())
	}
	in := w.creates()[0]
	if in.Name != "keynote-main-r2" || in.StageARN != stageARNOf(liveStageID) || in.UserID != "keynote-program" || in.Protocol != "RTMPS" ||
		!in.RedundantIngest || in.Attributes["role"] != "program" || in.Tags["team"] != "events" || in.IdempotencyKey != tok {
		t.Errorf("copy %+v", in)
	}
	if _, ok := in.Tags["greenroom:idempotency-key"]; ok {
		t.Error("the old idempotency tag was copied")
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestRotate || a.Outcome != "success" || a.Resource != ingestARNOf(redundantID) {
		t.Errorf("audit %+v", a)
	}
	fin := s.get(ingestBase + "/" + redundantID + "/rotate/New000000001")
	if fin.Code != http.StatusOK || hasKey(fin.body) {
		t.Fatalf("finish page: %d", fin.Code)
	}
	fd := fin.doc(t)
	if fd.Find(`#keys-panel form[action="`+ingestBase+`/New000000001/reveal"]`).Length() != 1 {
		t.Error("the new keys cannot be revealed from the rotation page")
	}
	if fd.Find(`form[action="`+ingestBase+"/"+redundantID+`/rotate/New000000001"]`).Length() != 0 {
		t.Error("step 3 deletes from the rotation page in one click: it must go through the confirmation")
	}
	confirmURL, _ := fd.Find(`a:contains("Delete the old configuration")`).Attr("href")
	if confirmURL != ingestBase+"/"+redundantID+"/rotate/New000000001?step=confirm" {
		t.Fatalf("step 3 leads to %q, want the confirmation", confirmURL)
	}

	// A POST that was not confirmed on the confirmation page shows it.
	writes := w.writes()
	r = s.post(ingestBase+"/"+redundantID+"/rotate/New000000001", nil, true)
	if r.Code != http.StatusUnprocessableEntity || r.doc(t).Find("#anyway").Length() != 1 {
		t.Errorf("unconfirmed finish: %d", r.Code)
	}
	// The confirmation shows the facts: the new one does not publish yet.
	cd := s.get(confirmURL).doc(t)
	if got := strings.Join(strings.Fields(cd.Find("#rotation-new").Text()), " "); !strings.Contains(got, "INACTIVE nothing publishes with it yet") {
		t.Errorf("the confirmation's facts about the new configuration: %q", got)
	}
	if cd.Find("#rotation-new li").Length() != 2 {
		t.Error("the new pair's encoders are not listed")
	}
	if cd.Find("input#force").Length() != 0 || cd.Find(`input[name="confirm"]`).Length() != 1 {
		t.Error("force offered for an INACTIVE old configuration, or the confirmation is not marked")
	}
	// Confirmed without "delete anyway" while nothing publishes: refused here.
	r = s.post(ingestBase+"/"+redundantID+"/rotate/New000000001", url.Values{"confirm": {"on"}}, true)
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("confirmed without anyway: %d", r.Code)
	}
	rd := r.doc(t)
	if !strings.Contains(rd.Find("#err-anyway").Text(), "Nothing publishes with the new configuration yet") {
		t.Errorf("message next to the box: %q", rd.Find("#err-anyway").Text())
	}
	if inv, _ := rd.Find("#anyway").Attr("aria-invalid"); inv != "true" {
		t.Error("the box is not marked invalid")
	}
	if rd.Find("#form-problem").Length() != 1 {
		t.Error("no error summary")
	}
	if w.writes() != writes || len(w.deletes()) != 0 {
		t.Fatal("the old configuration was deleted before confirmation")
	}
	r = s.post(ingestBase+"/"+redundantID+"/rotate/New000000001", url.Values{"confirm": {"on"}, "anyway": {"on"}}, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase+"/New000000001" {
		t.Fatalf("finish: %d %s", r.Code, r.body)
	}
	if len(w.deletes()) != 1 || w.deletes()[0].ARN != ingestARNOf(redundantID) || w.deletes()[0].Force {
		t.Errorf("deletes %+v", w.deletes())
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestRotate || a.Outcome != "success" || !strings.Contains(a.Detail, "New000000001") || !strings.Contains(a.Detail, "deleted anyway") {
		t.Errorf("audit %+v", a)
	}
}

func TestIngestRotateOfActiveNeedsForceToFinish(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + activeID + "/rotate").doc(t)
	tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	r := s.post(ingestBase+"/"+activeID+"/rotate", url.Values{"idempotency_key": {tok}}, true)
	loc := r.Header().Get("Location")
	// The encoder moved: the new configuration publishes.
	w.fake.ChangeIngest(ingestARNOf("New000000001"), func(c *ivs.IngestConfiguration) { c.State = ivs.IngestActive })
	fd := s.get(loc + "?step=confirm").doc(t)
	if fd.Find("input#force").Length() != 1 {
		t.Error("no force for an ACTIVE old configuration")
	}
	if fd.Find("input#anyway").Length() != 0 {
		t.Error("“delete anyway” asked although the new configuration publishes")
	}
	if got := strings.Join(strings.Fields(fd.Find("#rotation-new").Text()), " "); !strings.Contains(got, "ACTIVE it publishes") {
		t.Errorf("new configuration: %q", got)
	}
	if got := strings.Join(strings.Fields(fd.Find("#rotation-old").Text()), " "); !strings.Contains(got, "ACTIVE an encoder still publishes with the old key") {
		t.Errorf("old configuration: %q", got)
	}
	confirmed := url.Values{"confirm": {"on"}}
	r = s.post(loc, confirmed, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.doc(t).Find("#err-force").Text(), "still publishes with the old key") {
		t.Errorf("unforced: %d", r.Code)
	}
	confirmed.Set("force", "on")
	r = s.post(loc, confirmed, true)
	if r.Code != http.StatusSeeOther || !w.deletes()[1].Force {
		t.Errorf("forced: %d %+v", r.Code, w.deletes())
	}
	if a := lastAudit(t, s); !strings.Contains(a.Detail, "the replacement publishes") || !strings.Contains(a.Detail, "force=true") {
		t.Errorf("audit %+v", a)
	}
	if r := s.post(ingestBase+"/"+activeID+"/rotate", url.Values{"idempotency_key": {"x"}}, true); r.Code != http.StatusNotFound {
		t.Errorf("rotating a deleted configuration: %d", r.Code)
	}
	if r := s.post(ingestBase+"/"+legacyID+"/rotate", url.Values{"idempotency_key": {"x"}}, true); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("rotate without a valid token: %d", r.Code)
	}
	if r := s.get(ingestBase + "/" + legacyID + "/rotate/" + legacyID); r.Code != http.StatusBadRequest {
		t.Errorf("self-replacement: %d", r.Code)
	}
	for _, q := range []string{"?fragment=keys", "?step=delete"} {
		if r := s.get(loc + q); r.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", q, r.Code)
		}
	}
}

// Step 2 refreshes itself: a fragment of the rotation page, polled by htmx
// at one address for every viewer, says when the new configuration starts
// publishing.
func TestIngestRotateStep2RefreshesItself(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + legacyID + "/rotate").doc(t)
	tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	loc := s.post(ingestBase+"/"+legacyID+"/rotate", url.Values{"idempotency_key": {tok}}, true).Header().Get("Location")
	page := s.get(loc).doc(t)
	poll := page.Find("#rotation-status")
	if get, _ := poll.Attr("hx-get"); get != loc+"?fragment=status" {
		t.Errorf("step 2 polls %q", get)
	}
	if trig, _ := poll.Attr("hx-trigger"); trig != "every 5s" {
		t.Errorf("hx-trigger %q", trig)
	}
	if push, _ := poll.Attr("hx-push-url"); push != "false" {
		t.Error("the poll would push its address")
	}
	if strings.Contains(page.Text(), "Reload this page") {
		t.Error("step 2 still asks for a manual reload")
	}
	f := s.htmx(loc + "?fragment=status")
	if f.Code != http.StatusOK || strings.Contains(f.body, "<html") || hasKey(f.body) {
		t.Fatalf("fragment: %d", f.Code)
	}
	if v, _ := f.doc(t).Find("#rotation-status").Attr("data-new-publishing"); v != "false" {
		t.Errorf("before the move: publishing=%q", v)
	}
	w.fake.ChangeIngest(ingestARNOf("New000000001"), func(c *ivs.IngestConfiguration) { c.State = ivs.IngestActive })
	fd := s.htmx(loc + "?fragment=status").doc(t)
	if v, _ := fd.Find("#rotation-status").Attr("data-new-publishing"); v != "true" {
		t.Errorf("after the move: publishing=%q", v)
	}
	if got := strings.Join(strings.Fields(fd.Find("#rotation-new").Text()), " "); !strings.Contains(got, "ACTIVE it publishes: the encoder moved.") {
		t.Errorf("after the move: %q", got)
	}
}

// The rotation's facts read as words: a state badge and the sentence after
// it never run together ("INACTIVEnothing publishes"), nor do the encoders'
// lines.
func TestIngestRotateStatusSpacing(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	p := views.Page{Region: "us-east-1", Now: now}
	cfg := func(id, state string, redundant bool) ivs.IngestConfiguration {
		return ivs.IngestConfiguration{ID: id, Name: "feed-" + id, State: state, RedundantIngest: redundant}
	}
	since := now.Add(-3 * time.Minute)
	cases := []struct {
		s     views.IngestRotateStatusView
		words []string
	}{
		{views.IngestRotateStatusView{New: views.IngestNowView{Config: cfg("New1", "INACTIVE", false)}, Old: views.IngestNowView{Config: cfg("Old1", "ACTIVE", false), Publishing: true, Since: since}, CheckedAt: now},
			[]string{"feed-New1 INACTIVE nothing publishes with it yet", "feed-Old1 ACTIVE an encoder still publishes with the old key. Publishing since 3 min ago", "Checked at 2026-11-30 12:00:00 UTC. This updates by itself"}},
		{views.IngestRotateStatusView{New: views.IngestNowView{Config: cfg("New2", "ACTIVE", true), Publishing: true, Since: since,
			Encoders: []ivs.Encoder{{Label: "A", Seen: true, Connected: true, Publishing: true, LastChange: since}, {Label: "B"}}}, Old: views.IngestNowView{Config: cfg("Old2", "INACTIVE", true)}, CheckedAt: now},
			[]string{"feed-New2 ACTIVE it publishes, but only 1 of its 2 encoders", "Encoder A: publishing since 3 min ago", "Encoder B: not seen in this session", "feed-Old2 INACTIVE nothing publishes with it any more."}},
	}
	for _, tc := range cases {
		var b strings.Builder
		if err := views.IngestRotateStatus(p, tc.s, true).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		d, _ := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
		// What a reader sees: the text with runs of white space as one.
		text := strings.Join(strings.Fields(d.Text()), " ")
		for _, w := range tc.words {
			if !strings.Contains(text, w) {
				t.Errorf("%q\nlacks %q", text, w)
			}
		}
		if strings.Contains(text, "INACTIVEnothing") || strings.Contains(text, "ACTIVEit") || strings.Contains(text, "ACTIVEan") {
			t.Errorf("words run together: %q", text)
		}
	}
}
