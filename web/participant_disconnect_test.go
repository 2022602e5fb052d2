package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

const bDisconnect = bSessPath + "/participants/" + bEncB + "/disconnect"

type disconnectCall struct{ stage, participant, reason string }

func disconnectFake() (*ivstest.Fake, *[]disconnectCall) {
	fake := browseFake(newBrowseWorld(5))
	var calls []disconnectCall
	fake.DisconnectParticipantFn = func(_ context.Context, _ ivs.Region, stageARN, id, reason string) error {
		calls = append(calls, disconnectCall{stageARN, id, reason})
		return nil
	}
	return fake, &calls
}

func TestDisconnectIsForOperatorsOnly(t *testing.T) {
	fake, calls := disconnectFake()
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	if r := s.post(bDisconnect, url.Values{"reason": {"test"}, "confirm": {"yes"}}, true); r.Code != http.StatusForbidden {
		t.Errorf("viewer POST: %d", r.Code)
	}
	if r := s.get(bDisconnect); r.Code != http.StatusForbidden {
		t.Errorf("viewer GET confirmation: %d", r.Code)
	}
	if len(*calls) != 0 || len(s.audited()) != 0 {
		t.Error("a viewer's disconnect reached IVS or the audit log")
	}
	// An operator sees the action on a connected participant, not on one who left.
	op := newTestServer(t, fake, identityWith(auth.RoleOperator))
	d := op.get(bSessPath + "/participants/" + bEncB).doc(t)
	f := d.Find(`form[action="` + bDisconnect + `"]`)
	if f.Length() != 1 || f.AttrOr("hx-confirm", "") == "" || f.Find(`input[name=reason][maxlength="128"]`).Length() != 1 || f.Find(`label[for=dc-reason]`).Length() != 1 {
		t.Error("operator: no disconnect form with confirmation and a labelled reason")
	}
	if d := op.get(bSessPath + "/participants/" + bEncA).doc(t); d.Find(`form[action$="/disconnect"]`).Length() != 0 {
		t.Error("disconnect offered for a participant who already left")
	}
}

func TestDisconnectNeedsCSRFConfirmationAndAReason(t *testing.T) {
	fake, calls := disconnectFake()
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	if r := s.post(bDisconnect, url.Values{"reason": {"x"}, "confirm": {"yes"}}, false); r.Code != http.StatusForbidden {
		t.Errorf("without CSRF token: %d", r.Code)
	}
	// Without confirm (a browser without JavaScript): the confirmation page.
	r := s.post(bDisconnect, url.Values{"reason": {"Encoder test over"}}, true)
	d := r.doc(t)
	if r.Code != http.StatusOK || d.Find(`input[name=confirm][value=yes]`).Length() != 1 || d.Find(`input[name=reason]`).AttrOr("value", "") != "Encoder test over" {
		t.Errorf("no confirmation page: %d", r.Code)
	}
	if r := s.get(bDisconnect); r.Code != http.StatusOK || !strings.Contains(r.body, "Yes, disconnect") {
		t.Errorf("GET confirmation: %d", r.Code)
	}
	// A missing or too long reason: 422 with the message next to the field.
	for _, reason := range []string{"", strings.Repeat("r", 129)} {
		r := s.post(bDisconnect, url.Values{"reason": {reason}, "confirm": {"yes"}}, true)
		d := r.doc(t)
		if r.Code != http.StatusUnprocessableEntity || d.Find(`#dc-reason[aria-invalid=true]`).Length() != 1 || d.Find("#dc-reason-err").Text() == "" {
			t.Errorf("reason of %d characters: %d", len(reason), r.Code)
		}
	}
	if len(*calls) != 0 {
		t.Errorf("%d disconnects sent before confirmation and a valid reason", len(*calls))
	}
}

func TestDisconnectCallsIVSAuditsAndRedirects(t *testing.T) {
	fake, calls := disconnectFake()
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	r := s.post(bDisconnect, url.Values{"reason": {"  Wrong feed  "}, "confirm": {"yes"}}, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != bSessPath+"/participants/"+bEncB {
		t.Fatalf("status %d, location %q", r.Code, r.Header().Get("Location"))
	}
	if len(*calls) != 1 || (*calls)[0] != (disconnectCall{bStageARN, bEncB, "Wrong feed"}) {
		t.Errorf("calls %+v", *calls)
	}
	a := s.audited()
	if len(a) != 1 || a[0].Action != audit.ActionParticipantDisconnect || a[0].Outcome != "success" || a[0].Resource != bStageARN ||
		!strings.Contains(a[0].Detail, bEncB) || !strings.Contains(a[0].Detail, "Wrong feed") || a[0].Actor != "ops@example.com" {
		t.Errorf("audit %+v", a)
	}
	// The flash shows on the next page.
	if d := s.get(bSessPath + "/participants/" + bEncB).doc(t); !strings.Contains(d.Find("#alerts").Text(), "was disconnected") {
		t.Error("no confirmation flash")
	}
	// htmx: HX-Location instead of a redirect.
	h := s.do(http.MethodPost, bDisconnect, strings.NewReader(url.Values{"reason": {"again"}, "confirm": {"yes"}, csrfField: {s.token()}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"})
	if h.Code != http.StatusNoContent || h.Header().Get("HX-Location") != bSessPath+"/participants/"+bEncB {
		t.Errorf("htmx: %d %q", h.Code, h.Header().Get("HX-Location"))
	}
}

func TestDisconnectFailuresAreAudited(t *testing.T) {
	fake, _ := disconnectFake()
	fake.DisconnectParticipantFn = func(context.Context, ivs.Region, string, string, string) error {
		return ivstest.Err(ivs.KindThrottled, "DisconnectParticipant", "rate exceeded")
	}
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	r := s.post(bDisconnect, url.Values{"reason": {"x"}, "confirm": {"yes"}}, true)
	if r.Code != http.StatusServiceUnavailable {
		t.Errorf("upstream failure: %d", r.Code)
	}
	if a := s.audited(); len(a) != 1 || !strings.HasPrefix(a[0].Outcome, "failure") {
		t.Errorf("audit %+v", a)
	}
	// Done in IVS, but the audit log failed: say so.
	fake2, calls := disconnectFake()
	s2 := newTestServer(t, fake2, identityWith(auth.RoleOperator))
	s2.token()
	s2.auditFail = true
	r = s2.post(bDisconnect, url.Values{"reason": {"x"}, "confirm": {"yes"}}, true)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "audit log could not record it") || len(*calls) != 1 {
		t.Errorf("audit failure: %d", r.Code)
	}
}
