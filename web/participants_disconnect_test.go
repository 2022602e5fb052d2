package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

const bBulk = bSessPath + "/disconnect"

// bulkFake is the browse world (encoder B, pt0000000001 and pt0000000002
// connected; encoder A and pt0000000003 gone) whose disconnects take effect.
func bulkFake() *ivstest.Fake {
	w := newBrowseWorld(5)
	w.fake.DisconnectParticipantFn = func(_ context.Context, _ ivs.Region, _, id, _ string) error {
		gone := true
		w.set(func(ps []ivs.Participant) []ivs.Participant {
			for i := range ps {
				if ps[i].ID == id && ps[i].Connected() {
					ps[i].State, gone = ivs.ParticipantDisconnected, false
				}
			}
			return ps
		})
		if gone {
			return ivstest.Err(ivs.KindNotFound, "DisconnectParticipant", "Participant not found")
		}
		return nil
	}
	return w.fake
}

func TestBulkDisconnectIsReachedFromTheSessionAndListsWhoIsConnected(t *testing.T) {
	fake := bulkFake()
	viewer := newTestServer(t, fake, identityWith(auth.RoleViewer))
	if viewer.get(bSessPath).doc(t).Find(`a[href="`+bBulk+`"]`).Length() != 0 {
		t.Error("a viewer is offered Disconnect several")
	}
	if r := viewer.get(bBulk); r.Code != http.StatusForbidden {
		t.Errorf("viewer GET: %d", r.Code)
	}
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	if s.get(bSessPath).doc(t).Find(`a[href="`+bBulk+`"]:contains("Disconnect several")`).Length() != 1 {
		t.Fatal("the session page has no Disconnect several link")
	}
	d := s.get(bBulk).doc(t)
	var ids []string
	d.Find(`input[type=checkbox][name=participant]`).Each(func(_ int, c *goquerySelection) {
		ids = append(ids, c.AttrOr("value", ""))
		if c.AttrOr("aria-label", "") == "" || d.Find(`label[for="`+c.AttrOr("id", "")+`"]`).Length() != 1 {
			t.Errorf("checkbox %s has no label", c.AttrOr("value", ""))
		}
	})
	if strings.Join(ids, ",") != bEncB+",pt0000000001,pt0000000002" {
		t.Errorf("selectable %v: want the connected participants only", ids)
	}
	if q := fakeLastQuery(fake); q.State != ivs.ParticipantConnected {
		t.Errorf("asked IVS for %+v, want the CONNECTED filter", q)
	}
	if d.Find(`label[for=dc-reason]`).Length() != 1 || d.Find(`form[method=post][action="`+bBulk+`"] input[name=_csrf]`).Length() != 1 {
		t.Error("no labelled reason or no CSRF field")
	}
	// An ended session: nobody to select, and no link to it.
	fake.EndSession(bStageARN, bSessionID, bT0.Add(3*time.Hour))
	if d := s.get(bSessPath).doc(t); d.Find(`a[href="`+bBulk+`"]`).Length() != 0 {
		t.Error("Disconnect several offered on an ended session")
	}
}

func fakeLastQuery(f *ivstest.Fake) ivs.ParticipantQuery {
	qs := f.ParticipantQueries()
	return qs[len(qs)-1]
}

func TestBulkDisconnectAsksThenDisconnectsEachAndSaysWhatBecameOfIt(t *testing.T) {
	fake := bulkFake()
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	sel := url.Values{"participant": {bEncB, "pt0000000001", bEncA, "pNotInSession"}, "reason": {" Rehearsal over "}}

	// Without confirm: the confirmation, nothing sent.
	r := s.post(bBulk, sel, true)
	d := r.doc(t)
	if r.Code != http.StatusOK || d.Find(`input[name=confirm][value=yes]`).Length() != 1 || d.Find(`#selection input[name=participant]`).Length() != 4 ||
		d.Find(`input[name=reason]`).AttrOr("value", "") != "Rehearsal over" || !strings.Contains(d.Find("button").Text(), "Yes, disconnect 4 participants") {
		t.Fatalf("confirmation: %d", r.Code)
	}
	if fake.Calls("DisconnectParticipant") != 0 || len(s.audited()) != 0 {
		t.Fatal("sent before the confirmation")
	}
	// Confirmed: each one, each audited, each result.
	sel.Set("confirm", "yes")
	r = s.post(bBulk, sel, true)
	d = r.doc(t)
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	want := map[string]string{bEncB: "disconnected", "pt0000000001": "disconnected", bEncA: "gone", "pNotInSession": "failed"}
	d.Find("#results tbody tr").Each(func(_ int, tr *goquerySelection) {
		id := tr.Find("td").First().Text()
		if got := tr.AttrOr("data-outcome", ""); got != want[id] {
			t.Errorf("%s: %s, want %s", id, got, want[id])
		}
		delete(want, id)
	})
	if len(want) != 0 {
		t.Errorf("no result for %v", want)
	}
	if !strings.Contains(d.Find(`tr[data-outcome=failed]`).Text(), "Not a participant of this session") ||
		!strings.Contains(d.Find("#results-summary").Text(), "2 disconnected, 1 already gone, 1 failed") {
		t.Errorf("summary %q", d.Find("#results-summary").Text())
	}
	if n := fake.Calls("DisconnectParticipant"); n != 2 {
		t.Errorf("%d disconnects sent, want 2", n)
	}
	a := s.audited()
	if len(a) != 4 {
		t.Fatalf("%d audit records for 4 participants", len(a))
	}
	for i, id := range []string{bEncB, "pt0000000001", bEncA, "pNotInSession"} {
		if a[i].Action != audit.ActionParticipantDisconnect || a[i].Resource != bStageARN || !strings.Contains(a[i].Detail, id) ||
			!strings.Contains(a[i].Detail, "Rehearsal over") || (i < 2) != (a[i].Outcome == "success") {
			t.Errorf("record %d: %+v", i, a[i])
		}
	}
}

func TestBulkDisconnectRefusals(t *testing.T) {
	fake := bulkFake()
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	for _, tc := range []struct {
		v            url.Values
		field, words string
	}{
		{url.Values{"reason": {"x"}, "confirm": {"yes"}}, "participant", "at least one"},
		{url.Values{"participant": {bEncB}, "confirm": {"yes"}}, "reason", "Say why"},
		{url.Values{"participant": {"a/b"}, "reason": {"x"}, "confirm": {"yes"}}, "participant", "not a participant id"},
	} {
		r := s.post(bBulk, tc.v, true)
		d := r.doc(t)
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#err-"+tc.field).Text(), tc.words) {
			t.Errorf("%v: %d %q", tc.v, r.Code, d.Find("#err-"+tc.field).Text())
		}
	}
	// The selection survives a missing reason.
	r := s.post(bBulk, url.Values{"participant": {"pt0000000002"}}, true)
	if r.doc(t).Find(`#sel-pt0000000002[checked]`).Length() != 1 {
		t.Error("the selection was lost")
	}
	many := url.Values{"reason": {"x"}, "confirm": {"yes"}}
	for i := range 51 {
		many.Add("participant", "p"+strings.Repeat("0", 3)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	if r := s.post(bBulk, many, true); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "at most 50") {
		t.Errorf("51 at once: %d", r.Code)
	}
	if r := s.post(bBulk, url.Values{"participant": {bEncB}, "reason": {"x"}, "confirm": {"yes"}}, false); r.Code != http.StatusForbidden {
		t.Errorf("without a CSRF token: %d", r.Code)
	}
	if fake.Calls("DisconnectParticipant") != 0 || len(s.audited()) != 0 {
		t.Error("a refused form reached IVS or the audit log")
	}
	viewer := newTestServer(t, fake, identityWith(auth.RoleViewer))
	if r := viewer.post(bBulk, url.Values{"participant": {bEncB}, "reason": {"x"}, "confirm": {"yes"}}, true); r.Code != http.StatusForbidden {
		t.Errorf("viewer: %d", r.Code)
	}
	// The audit log failing: the disconnect is made and the page says it was not recorded.
	s.auditFail = true
	r = s.post(bBulk, url.Values{"participant": {bEncB}, "reason": {"x"}, "confirm": {"yes"}}, true)
	if d := r.doc(t); r.Code != http.StatusOK || d.Find(`tr[data-outcome=disconnected]`).Length() != 1 || !strings.Contains(d.Find("#results").Text(), "audit log could not record this") {
		t.Errorf("audit down: %d", r.Code)
	}
}
