package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Malformed ids, filters and tokens are refused with the reason, and
// nothing is sent to IVS; with htmx the message goes to the alert area.
func TestBrowseBadInputIs400BeforeAnyUpstreamCall(t *testing.T) {
	long := strings.Repeat("a", 200)
	cases := []struct{ path, words string }{
		{"/r/us-east-1/stages/bad_id!", "not a stage id"},
		{"/r/us-east-1/stages/" + long, "not a stage id"},
		{"/r/us-east-1/stages/" + bStageID + "?next=%00", "damaged"},
		{"/r/us-east-1/stages/bad.id/sessions/" + bSessionID, "not a stage id"},
		{"/r/us-east-1/stages/" + bStageID + "/sessions/session-1", "not a session id"},
		{"/r/us-east-1/stages/" + bStageID + "/sessions/st-short", "not a session id"},
		{"/r/us-east-1/stages/" + bStageID + "/sessions/st-ABCDEFGHIJKL_", "not a session id"},
		{bSessPath + "?state=LIVE", "not a participant state"},
		{bSessPath + "?published=false", "can only be “true”"},
		{bSessPath + "?recordingState=DISABLED", "cannot filter"},
		{bSessPath + "?recordingState=SOMETIMES", "not a recording state"},
		{bSessPath + "?state=CONNECTED&published=true", "one filter at a time"},
		{bSessPath + "?userId=x&recordingState=ACTIVE", "one filter at a time"},
		{bSessPath + "?userId=" + strings.Repeat("u", 129), "longer than 128"},
		{bSessPath + "?next=not%20a%20token", "damaged"},
		{bSessPath + "?next=" + strings.Repeat("t", 1025), "damaged"},
		{bSessPath + "?fragment=everything", "fragment"},
		{bSessPath + "?fragment=more", "page token"},
		{bSessPath + "?shown=-1", "shown"},
		{bSessPath + "/participants.csv?state=connected", "not a participant state"},
		{bSessPath + "/participants.csv?state=CONNECTED&userId=a", "one filter at a time"},
		{bSessPath + "/participants/bad_participant", "not a participant id"},
		{bSessPath + "/participants/" + strings.Repeat("p", 65), "not a participant id"},
		{"/r/us-east-1/stages/" + bStageID + "/sessions/st-nope/participants/pt0000000001", "not a session id"},
	}
	for _, tc := range cases {
		w := newBrowseWorld(10)
		fake := browseFake(w)
		s := newTestServer(t, fake, identityWith(auth.RoleViewer))
		r := s.get(tc.path)
		if r.Code != http.StatusBadRequest || !strings.Contains(r.body, tc.words) || !strings.Contains(r.body, "<html") {
			t.Errorf("%s: status %d, want 400 page saying %q", tc.path, r.Code, tc.words)
		}
		h := s.htmx(tc.path)
		if h.Code != http.StatusBadRequest || strings.Contains(h.body, "<html") || h.Header().Get("HX-Retarget") != "#alerts" || !strings.Contains(h.body, tc.words) {
			t.Errorf("%s (htmx): status %d, retarget %q", tc.path, h.Code, h.Header().Get("HX-Retarget"))
		}
		if n := fake.TotalCalls(); n != 0 {
			t.Errorf("%s: %d upstream calls, want 0", tc.path, n)
		}
	}
}

// Unknown resources are a 404 that names what is missing and links back one
// level up.
func TestBrowseUnknownResourcesAre404WithAWayBack(t *testing.T) {
	cases := []struct{ path, words, back string }{
		{"/r/us-east-1/stages/NoSuchStage1", "no stage “NoSuchStage1”", "/r/us-east-1/stages"},
		{"/r/us-east-1/stages/NoSuchStage1/sessions/" + bSessionID, "no stage “NoSuchStage1”", "/r/us-east-1/stages"},
		{"/r/us-east-1/stages/" + bStageID + "/sessions/st-NOSUCHSESSION", "no session “st-NOSUCHSESSION”", "/r/us-east-1/stages/" + bStageID},
		{"/r/us-east-1/stages/" + bStageID + "/sessions/st-NOSUCHSESSION?fragment=live", "no session", "/r/us-east-1/stages/" + bStageID},
		{"/r/us-east-1/stages/" + bStageID + "/sessions/st-NOSUCHSESSION/participants.csv", "no session", "/r/us-east-1/stages/" + bStageID},
		{bSessPath + "/participants/nobody000001", "no participant “nobody000001”", bSessPath},
	}
	for _, tc := range cases {
		s := newTestServer(t, browseFake(newBrowseWorld(10)), identityWith(auth.RoleViewer))
		r := s.get(tc.path)
		if r.Code != http.StatusNotFound || !strings.Contains(r.body, tc.words) {
			t.Errorf("%s: status %d, want 404 saying %q", tc.path, r.Code, tc.words)
			continue
		}
		if r.doc(t).Find(`section[role=alert] a[href="`+tc.back+`"]`).Length() != 1 {
			t.Errorf("%s: no link back to %s", tc.path, tc.back)
		}
	}
}

// A bad parameter is answered with the same view without it, not the
// console's home; each of two filters is offered on its own.
func TestBadParametersOfferTheSameViewWithoutThem(t *testing.T) {
	cases := []struct{ path, back, label string }{
		{bSessPath + "?state=LIVE", bSessPath, "without “state=LIVE”"},
		{bSessPath + "?recordingState=DISABLED&next=abc&shown=50", bSessPath, "without “recordingState=DISABLED”"},
		{bSessPath + "?userId=" + strings.Repeat("u", 129), bSessPath, "without “userId=uuuu"},
		{bSessPath + "?state=CONNECTED&next=not%20a%20token&shown=50", bSessPath + "?state=CONNECTED", "first page"},
		{bSessPath + "?state=CONNECTED&fragment=everything", bSessPath + "?state=CONNECTED", "without “fragment=everything”"},
		{bSessPath + "?by=nothing&state=CONNECTED", bSessPath + "?state=CONNECTED", "without “by=nothing”"},
		{"/r/us-east-1/stages/" + bStageID + "?next=%00", "/r/us-east-1/stages/" + bStageID, "first page"},
		{"/r/us-east-1/stages?q=" + strings.Repeat("k", 129), "/r/us-east-1/stages", "without “q=kkk"},
	}
	for _, tc := range cases {
		s := newTestServer(t, browseFake(newBrowseWorld(10)), identityWith(auth.RoleViewer))
		r := s.get(tc.path)
		a := r.doc(t).Find(`section[role=alert] a[href="` + tc.back + `"]`)
		if r.Code != http.StatusBadRequest || a.Length() != 1 || !strings.Contains(a.Text(), tc.label) {
			t.Errorf("%s: status %d, want a link to %s saying %q; links: %q", tc.path, r.Code, tc.back, tc.label, r.doc(t).Find("section[role=alert] a").Text())
		}
		if strings.Contains(r.body, "Back to the console") {
			t.Errorf("%s: offers the console's home", tc.path)
		}
	}
	r := newTestServer(t, browseFake(newBrowseWorld(10)), identityWith(auth.RoleViewer)).get(bSessPath + "?state=CONNECTED&published=true")
	links := map[string]string{}
	r.doc(t).Find("section[role=alert] a").Each(func(_ int, a *goquery.Selection) { links[a.AttrOr("href", "")] = a.Text() })
	for href, words := range map[string]string{
		bSessPath:                      "without “state=CONNECTED” and “published=true”",
		bSessPath + "?state=CONNECTED": "Only “state=CONNECTED”",
		bSessPath + "?published=true":  "Only “published=true”",
	} {
		if !strings.Contains(links[href], words) {
			t.Errorf("two filters: link to %s says %q, want %q", href, links[href], words)
		}
	}
}

// A page token IVS refuses (expired, or damaged in a way its shape does not
// show) is said in words, with the first page of the same view.
func TestARefusedPageTokenLeadsToTheFirstPage(t *testing.T) {
	w := newBrowseWorld(10)
	fake := browseFake(w)
	refuse := &ivs.Error{Kind: ivs.KindValidation, Op: "ListParticipants", Message: "The nextToken is not valid.", Field: "nextToken"}
	fake.ListParticipantsFn = func(_ context.Context, _ ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		if q.NextToken != "" {
			return ivs.Page[ivs.Participant]{}, refuse
		}
		return fake.ParticipantsPage(q)
	}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	for _, path := range []string{bSessPath + "?state=CONNECTED&next=AAAAexpired&shown=50", bSessPath + "?state=CONNECTED&next=AAAAexpired&shown=50&fragment=more"} {
		for _, r := range []response{s.get(path), s.htmx(path)} {
			d := r.doc(t)
			a := d.Find(`section[role=alert] a[href="` + bSessPath + `?state=CONNECTED"]`)
			if r.Code != http.StatusBadRequest || a.Text() != "Go to the first page" || !strings.Contains(r.body, "expired or is damaged") || strings.Contains(r.body, "nextToken is not valid") {
				t.Errorf("%s: status %d, link %q, body %q", path, r.Code, a.Text(), d.Find("section[role=alert]").Text())
			}
		}
	}
	// Other refusals keep IVS's words.
	fake.ListParticipantsFn = func(context.Context, ivs.Region, ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		return ivs.Page[ivs.Participant]{}, &ivs.Error{Kind: ivs.KindValidation, Message: "userId is too long"}
	}
	if r := s.get(bSessPath + "?next=AAAA"); !strings.Contains(r.body, "userId is too long") {
		t.Errorf("another refusal: %q", r.body)
	}
}
