package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

const tokenPath = stagesBase + "/" + idleStageID + "/participant-tokens"

func hasToken(s string) bool { return strings.Contains(s, ivstest.TokenSecretMark) }

func tokenValues() url.Values {
	return url.Values{"user_id": {"ops-test"}, "attr_key": {"role", ""}, "attr_value": {"host", ""}, "capability": {"PUBLISH", "SUBSCRIBE"}, "duration": {"60"}}
}

func TestTokenFormIsForOperatorsAndAccessible(t *testing.T) {
	w := newIngestWorld()
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if r := viewer.get(tokenPath + "/new"); r.Code != http.StatusForbidden {
		t.Errorf("viewer GET: %d", r.Code)
	}
	if r := viewer.post(tokenPath, tokenValues(), true); r.Code != http.StatusForbidden || len(w.fake.Writes()) != 0 {
		t.Errorf("viewer POST: %d", r.Code)
	}
	s := opServer(t, w)
	d := s.get(tokenPath + "/new").doc(t)
	for _, id := range []string{"user_id", "cap-publish", "cap-subscribe", "duration"} {
		if d.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("no label for #%s", id)
		}
	}
	if d.Find(`#cap-publish[checked]`).Length() != 1 || d.Find(`#cap-subscribe[checked]`).Length() != 1 || d.Find("#duration").AttrOr("value", "") != "720" {
		t.Error("defaults are not IVS's (both capabilities, 720 minutes)")
	}
	if d.Find(`#duration[min="1"][max="20160"]`).Length() != 1 || d.Find(`form[method="post"][action="`+tokenPath+`"]`).Length() != 1 {
		t.Error("no bounded duration or no POST form")
	}
	if r := s.post(tokenPath, tokenValues(), false); r.Code != http.StatusForbidden || len(w.fake.Writes()) != 0 {
		t.Errorf("without a CSRF token: %d", r.Code)
	}
}

func TestTokenIsShownOnceNeverStoredAndAuditedWithoutIt(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		w := newIngestWorld()
		s := opServer(t, w)
		var r response
		if htmx {
			r = s.htmxPost(tokenPath, tokenValues())
			if r.Header().Get("HX-Push-Url") != "false" {
				t.Error("htmx would push the POST's address")
			}
		} else {
			r = s.post(tokenPath, tokenValues(), true)
		}
		if r.Code != http.StatusOK {
			t.Fatalf("htmx=%v: status %d: %s", htmx, r.Code, r.body)
		}
		if cc := r.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		if loc := r.Header().Get("Location") + r.Header().Get("HX-Location"); loc != "" {
			t.Errorf("the answer redirects to %q", loc)
		}
		tok := w.fake.Tokens()[0]
		d := r.doc(t)
		if d.Find("#participant-token").Text() != tok.Token.Reveal() || d.Find(`[data-copy-from="participant-token"]`).Length() != 1 {
			t.Error("the token is not shown with a copy button")
		}
		if d.Find("#token-participant").Text() != tok.ParticipantID || !strings.Contains(d.Find("#token-expires").Text(), tok.ExpirationTime.Format("2006-01-02 15:04")) {
			t.Errorf("participant id or expiry missing: %q %q", d.Find("#token-participant").Text(), d.Find("#token-expires").Text())
		}
		if !strings.Contains(d.Text(), "Shown once") {
			t.Error("the page does not say the token is shown once")
		}
		in := w.writesOf("CreateParticipantToken")[0].Token
		if in.StageARN != stageARNOf(idleStageID) || in.UserID != "ops-test" || in.Attributes["role"] != "host" || len(in.Attributes) != 1 ||
			in.DurationMinutes != 60 || strings.Join(in.Capabilities, ",") != "PUBLISH,SUBSCRIBE" {
			t.Errorf("asked IVS for %+v", in)
		}
		a := lastAudit(t, s)
		if a.Action != audit.ActionTokenCreate || a.Outcome != "success" || a.Resource != stageARNOf(idleStageID) || !strings.Contains(a.Detail, tok.ParticipantID) {
			t.Errorf("audit %+v", a)
		}
		for _, a := range s.audited() {
			if hasToken(a.Detail + a.Outcome + a.Resource) {
				t.Error("the token reached the audit log")
			}
		}
		if hasToken(s.logs.String()) {
			t.Error("the token reached the log")
		}
		for k, v := range r.Header() {
			if hasToken(k + strings.Join(v, " ")) {
				t.Errorf("the token is in header %s", k)
			}
		}
		// Never listed again: no page a GET reaches holds it.
		for _, p := range []string{stagesBase, stagesBase + "/" + idleStageID, tokenPath + "/new", stagesBase + "/" + idleStageID + "/edit", stagesBase + "/" + idleStageID + "/delete", "/audit"} {
			if g := s.get(p); hasToken(g.body) {
				t.Errorf("GET %s holds the token", p)
			}
		}
	}
}

func TestTokenRefusals(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	for _, tc := range []struct {
		field, words string
		edit         func(url.Values)
	}{
		{"capabilities", "publish, subscribe", func(v url.Values) { v.Del("capability") }},
		{"duration", "1 to 20160", func(v url.Values) { v.Set("duration", "20161") }},
		{"duration", "whole number", func(v url.Values) { v.Set("duration", "an hour") }},
		{"user_id", "at most 128", func(v url.Values) { v.Set("user_id", strings.Repeat("u", 129)) }},
		{"attributes", "1 KB", func(v url.Values) { v["attr_value"] = []string{strings.Repeat("x", 1100), ""} }},
	} {
		v := tokenValues()
		tc.edit(v)
		r := s.post(tokenPath, v, true)
		if d := r.doc(t); r.Code != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#err-"+tc.field).Text(), tc.words) {
			t.Errorf("%s: %d %q", tc.field, r.Code, d.Find("#err-"+tc.field).Text())
		}
	}
	if n := len(w.fake.Writes()); n != 0 {
		t.Errorf("invalid input reached IVS (%d writes)", n)
	}
	// IVS refuses: the form again, with its words.
	w.fake.CreateTokenFn = func(contextT, ivs.Region, ivs.CreateTokenInput) (ivs.ParticipantToken, error) {
		return ivs.ParticipantToken{}, ivstest.Err(ivs.KindThrottled, "CreateParticipantToken", "slow down")
	}
	if r := s.post(tokenPath, tokenValues(), true); r.Code != http.StatusServiceUnavailable || !strings.Contains(r.doc(t).Find("#form-problem").Text(), "rate-limiting") {
		t.Errorf("throttled: %d", r.Code)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionTokenCreate || !strings.HasPrefix(a.Outcome, "failure") {
		t.Errorf("audit %+v", a)
	}
	// An unknown stage: 404, nothing asked.
	if r := s.post(stagesBase+"/NoSuchStage1/participant-tokens", tokenValues(), true); r.Code != http.StatusNotFound {
		t.Errorf("unknown stage: %d", r.Code)
	}
}

func TestTokenNotAuditedIsNotShownAndIsWithdrawn(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	s.token()
	s.auditFail = true
	r := s.post(tokenPath, tokenValues(), true)
	if r.Code != http.StatusServiceUnavailable || hasToken(r.body) || !strings.Contains(r.body, "audit log") {
		t.Errorf("audit down: %d, token shown %v", r.Code, hasToken(r.body))
	}
	if w.fake.Calls("DisconnectParticipant") != 1 {
		t.Error("the unaudited token was not withdrawn")
	}
	if hasToken(s.logs.String()) {
		t.Error("the token reached the log")
	}
}
