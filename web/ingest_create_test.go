package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

func TestIngestCreateFormIsAccessibleAndCarriesAToken(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.get(ingestBase + "/new")
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	d := r.doc(t)
	tok1, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	tok2, _ := s.get(ingestBase + "/new").doc(t).Find(`input[name="idempotency_key"]`).Attr("value")
	if tok1 == "" || tok1 == tok2 {
		t.Errorf("tokens %q %q: want a fresh one per form", tok1, tok2)
	}
	if d.Find(`fieldset:has(input[name="protocol"]) legend:contains("Protocol")`).Length() != 1 {
		t.Error("protocol radios lack a fieldset and legend")
	}
	for _, id := range []string{"name", "stage", "user_id", "protocol-rtmps", "protocol-rtmp", "redundant"} {
		if d.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("no label for #%s", id)
		}
	}
	if !strings.Contains(d.Find("#protocol-rtmp-hint").Text(), "unencrypted") || !strings.Contains(d.Find("#protocol-rtmp-hint").Text(), "insecure ingest") {
		t.Error("RTMP's insecure-ingest consequence is not spelled out")
	}
	if d.Find(`#stage-options option[value="`+liveStageID+`"]`).Text() != "main-stage" {
		t.Error("stage picker lacks the region's stages")
	}
	if d.Find(`template#attr-row-tpl`).Length() != 1 || d.Find(`[data-add-row="attr-row-tpl"]`).Length() != 1 {
		t.Error("attribute rows cannot be added")
	}
	if v, _ := d.Find(`input[name="protocol"][checked]`).Attr("value"); v != "RTMPS" {
		t.Errorf("default protocol %q", v)
	}
}

func TestIngestCreateSendsWhatTheFormSaysAndAudits(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	form := createValues(t, s)
	r := s.post(ingestBase, form, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase+"/New000000001" {
		t.Fatalf("status %d, location %q: %s", r.Code, r.Header().Get("Location"), r.body)
	}
	in := w.creates()[0]
	if in.Name != "new-feed" || in.StageARN != stageARNOf(liveStageID) || in.UserID != "encoder-7" || in.Protocol != "RTMPS" ||
		in.InsecureIngest || !in.RedundantIngest || in.Attributes["role"] != "program" || len(in.Attributes) != 1 || in.Tags["team"] != "news" ||
		in.IdempotencyKey != form.Get("idempotency_key") {
		t.Errorf("create input %+v", in)
	}
	a := lastAudit(t, s)
	if a.Action != audit.ActionIngestCreate || a.Outcome != "success" || a.Resource != ingestARNOf("New000000001") || a.Actor != "ops@example.com" {
		t.Errorf("audit %+v", a)
	}
	d := s.get(r.Header().Get("Location")).doc(t)
	if !strings.Contains(d.Find("#alerts").Text(), "Created the ingest configuration") {
		t.Error("no flash after create")
	}
	// htmx: HX-Location instead of a redirect.
	form = createValues(t, s)
	h := s.htmxPost(ingestBase, form)
	if h.Code != http.StatusNoContent || h.Header().Get("HX-Location") != ingestBase+"/New000000002" {
		t.Errorf("htmx create: %d %q", h.Code, h.Header().Get("HX-Location"))
	}
}

func TestIngestCreateRTMPSetsInsecureIngest(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	form := createValues(t, s)
	form.Set("protocol", "RTMP")
	if r := s.post(ingestBase, form, true); r.Code != http.StatusSeeOther {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	if !w.creates()[0].InsecureIngest {
		t.Error("RTMP sent without insecureIngest")
	}
}

func TestIngestCreateTwiceWithOneTokenMakesOneConfiguration(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	form := createValues(t, s)
	before := w.count()
	r1 := s.post(ingestBase, form, true)
	r2 := s.htmxPost(ingestBase, form)
	if r1.Code != http.StatusSeeOther || r2.Code != http.StatusNoContent {
		t.Fatalf("statuses %d %d", r1.Code, r2.Code)
	}
	if w.count() != before+1 {
		t.Errorf("configurations %d -> %d: a double submit created two", before, w.count())
	}
	if len(w.creates()) != 2 || w.creates()[0].IdempotencyKey != w.creates()[1].IdempotencyKey || w.creates()[0].IdempotencyKey == "" {
		t.Errorf("both submits must carry the form's token: %+v", w.creates())
	}
	if r1.Header().Get("Location") != r2.Header().Get("HX-Location") {
		t.Error("the second submit should land on the same configuration")
	}
	// A new form gets a new token, hence a new configuration.
	if s.post(ingestBase, createValues(t, s), true); w.count() != before+2 {
		t.Error("a second form should create a second configuration")
	}
}

func TestIngestCreateValidationEveryRule(t *testing.T) {
	cases := []struct {
		name, field, words string
		edit               func(url.Values)
	}{
		{"name length", "name", "at most 128", func(v url.Values) { v.Set("name", strings.Repeat("n", 129)) }},
		{"name pattern", "name", "letters, digits", func(v url.Values) { v.Set("name", "has space") }},
		{"stage of another region", "stage", "not a stage of this region", func(v url.Values) { v.Set("stage", "Elsewhere999") }},
		{"user id length", "user_id", "at most 128", func(v url.Values) { v.Set("user_id", strings.Repeat("u", 129)) }},
		{"attributes size", "attributes", "1 KB", func(v url.Values) { v["attr_value"] = []string{strings.Repeat("x", 1100), ""} }},
		{"attribute name", "attributes", "needs a name", func(v url.Values) { v["attr_key"] = []string{"", ""} }},
		{"protocol missing", "protocol", "RTMPS", func(v url.Values) { v.Del("protocol") }},
		{"protocol unknown", "protocol", "RTMPS or RTMP", func(v url.Values) { v.Set("protocol", "WHIP") }},
		{"tag prefix", "tags", "aws:", func(v url.Values) { v["tag_key"] = []string{"aws:x"} }},
		{"tag value length", "tags", "256", func(v url.Values) { v["tag_value"] = []string{strings.Repeat("v", 257)} }},
		{"tag key length", "tags", "128", func(v url.Values) { v["tag_key"] = []string{strings.Repeat("k", 129)} }},
		{"too many tags", "tags", "at most 49", func(v url.Values) {
			v["tag_key"], v["tag_value"] = nil, nil
			for i := range 50 {
				v.Add("tag_key", "k"+strings.Repeat("x", i))
				v.Add("tag_value", "v")
			}
		}},
		{"token", "_form", "one-time token", func(v url.Values) { v.Set("idempotency_key", "bad") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newIngestWorld()
			s := opServer(t, w)
			form := createValues(t, s)
			form.Set("user_id", "kept-user")
			tc.edit(form)
			for _, htmx := range []bool{false, true} {
				var r response
				if htmx {
					r = s.htmxPost(ingestBase, form)
					if r.Header().Get("HX-Push-Url") != "false" {
						t.Error("htmx re-render would push the POST address")
					}
				} else {
					r = s.post(ingestBase, form, true)
				}
				if r.Code != http.StatusUnprocessableEntity {
					t.Fatalf("htmx=%v: status %d, want 422", htmx, r.Code)
				}
				d := r.doc(t)
				if tc.field == "_form" {
					if !strings.Contains(d.Find("#form-problem").Text(), tc.words) {
						t.Errorf("form message %q", d.Find("#form-problem").Text())
					}
					tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
					if len(tok) < 16 {
						t.Error("a damaged token must be replaced on re-render")
					}
					continue
				}
				msg := d.Find("#err-" + tc.field)
				if !strings.Contains(msg.Text(), tc.words) {
					t.Errorf("htmx=%v: message next to %s = %q, want %q", htmx, tc.field, msg.Text(), tc.words)
				}
				if tc.field == "name" || tc.field == "user_id" || tc.field == "stage" {
					in := d.Find("#" + tc.field)
					if inv, _ := in.Attr("aria-invalid"); inv != "true" {
						t.Errorf("#%s aria-invalid=%q", tc.field, inv)
					}
					if db, _ := in.Attr("aria-describedby"); !strings.Contains(db, "err-"+tc.field) {
						t.Errorf("#%s aria-describedby=%q", tc.field, db)
					}
				}
				if v, _ := d.Find("#user_id").Attr("value"); tc.field != "user_id" && v != "kept-user" {
					t.Errorf("input not kept: user id %q", v)
				}
				if tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value"); tok != form.Get("idempotency_key") {
					t.Error("the idempotency token must survive a re-render")
				}
			}
			if w.writes() != 0 {
				t.Errorf("invalid input reached IVS (%d writes)", w.writes())
			}
		})
	}
}

func TestIngestCreateAPIErrorsLandOnTheForm(t *testing.T) {
	cases := []struct {
		err    error
		status int
		where  string
		words  string
	}{
		{&ivs.Error{Kind: ivs.KindValidation, Op: "CreateIngestConfiguration", Field: "userId", Message: "1 validation error detected: userId bad"}, 422, "#err-user_id", "userId bad"},
		{&ivs.Error{Kind: ivs.KindValidation, Op: "CreateIngestConfiguration", Field: "stageArn", Message: "Stage not found"}, 422, "#err-stage", "Stage not found"},
		{&ivs.Error{Kind: ivs.KindValidation, Op: "CreateIngestConfiguration", Message: "something else"}, 422, "#form-problem", "something else"},
		{ivstest.Err(ivs.KindThrottled, "CreateIngestConfiguration", "slow down"), 503, "#form-problem", "rate-limiting"},
		{ivstest.Err(ivs.KindUnavailable, "CreateIngestConfiguration", "boom"), 503, "#form-problem", "never makes a duplicate"},
		{ivstest.Err(ivs.KindQuota, "CreateIngestConfiguration", "Limit of 100"), 409, "#form-problem", "quota"},
		{ivstest.Err(ivs.KindAccessDenied, "CreateIngestConfiguration", "denied"), 502, "#form-problem", "not allowed"},
	}
	for _, tc := range cases {
		w := newIngestWorld()
		w.fake.CreateIngestFn = func(contextT, ivs.Region, ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
			return ivs.IngestConfiguration{}, tc.err
		}
		s := opServer(t, w)
		form := createValues(t, s)
		r := s.post(ingestBase, form, true)
		if r.Code != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, r.Code, tc.status)
			continue
		}
		d := r.doc(t)
		if !strings.Contains(d.Find(tc.where).Text(), tc.words) {
			t.Errorf("%v: %s = %q", tc.err, tc.where, d.Find(tc.where).Text())
		}
		if v, _ := d.Find("#name").Attr("value"); v != "new-feed" {
			t.Errorf("%v: input lost", tc.err)
		}
		a := lastAudit(t, s)
		if a.Action != audit.ActionIngestCreate || !strings.HasPrefix(a.Outcome, "failure") {
			t.Errorf("failed create audited as %+v", a)
		}
	}
}

// An empty form creates nothing: a name is required (the API would accept
// none, making a configuration nobody finds again); a stage is optional and
// the form says what none means.
func TestIngestCreateEmptyFormCreatesNothing(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/new").doc(t)
	if !strings.Contains(d.Find(`label[for="name"]`).Text(), "required") || d.Find(`#name[aria-required="true"]`).Length() != 1 {
		t.Error("the form does not say the name is required")
	}
	if !strings.Contains(d.Find(`label[for="stage"]`).Text(), "optional") || !strings.Contains(d.Find("#stage-hint").Text(), "publishes nowhere until you attach one") {
		t.Error("the form does not say what no stage means")
	}
	tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value")
	// What the browser sends for the untouched form.
	empty := url.Values{"idempotency_key": {tok}, "name": {""}, "stage": {""}, "user_id": {""}, "attr_key": {""}, "attr_value": {""},
		"protocol": {"RTMPS"}, "tag_key": {""}, "tag_value": {""}}
	r := s.post(ingestBase, empty, true)
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: %d, want 422", r.Code)
	}
	rd := r.doc(t)
	if !strings.Contains(rd.Find("#err-name").Text(), "Give the configuration a name") {
		t.Errorf("message next to the name: %q", rd.Find("#err-name").Text())
	}
	if rd.Find("#err-stage").Length() != 0 {
		t.Error("an empty stage is refused: it is optional")
	}
	if w.writes() != 0 {
		t.Errorf("the empty form reached IVS (%d writes)", w.writes())
	}
	// A name alone is enough.
	empty.Set("name", "just-a-name")
	if r := s.post(ingestBase, empty, true); r.Code != http.StatusSeeOther || w.creates()[0].StageARN != "" || w.creates()[0].Name != "just-a-name" {
		t.Errorf("a named configuration without a stage: %d %+v", r.Code, w.creates())
	}
}

// After a rejected create the form is as the user left it: the stage as
// typed (a name stays a name), no extra empty row, the rows the message is
// about marked, a name over the limit kept whole (no maxlength cutting it
// short, so the server's message shows) and an error summary to focus.
func TestIngestCreateRejectedKeepsWhatWasTyped(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	form := createValues(t, s)
	long := strings.Repeat("n", 200)
	form.Set("name", long)
	form.Set("stage", "studio-b") // idleStageID, typed by name
	form["tag_key"], form["tag_value"] = []string{"team", "site", "", "team"}, []string{"a", "paris", "", "b"}
	form["attr_key"], form["attr_value"] = []string{"role"}, []string{"program"}
	r := s.htmxPost(ingestBase, form)
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Code)
	}
	d := r.doc(t)
	if !strings.Contains(d.Find("#err-name").Text(), "200 characters long; IVS allows at most 128") {
		t.Errorf("name message %q", d.Find("#err-name").Text())
	}
	name := d.Find("#name")
	if v, _ := name.Attr("value"); v != long {
		t.Errorf("the name was not kept whole (%d characters)", len(v))
	}
	if ml, ok := name.Attr("maxlength"); ok {
		t.Errorf("maxlength=%s would cut what the user types short of the server's message", ml)
	}
	if !strings.Contains(d.Find("#name-hint").Text(), "up to 128") {
		t.Error("the hint no longer gives the limit")
	}
	if v, _ := d.Find("#stage").Attr("value"); v != "studio-b" {
		t.Errorf("stage shown as %q, want what was typed", v)
	}
	if n := d.Find("#tag-rows [data-row]").Length(); n != 3 {
		t.Errorf("%d tag rows, want the 3 filled (no extra empty one)", n)
	}
	if n := d.Find("#attr-rows [data-row]").Length(); n != 1 {
		t.Errorf("%d attribute rows, want 1", n)
	}
	if !strings.Contains(d.Find("#err-tags").Text(), "“team” appears twice (rows 1 and 3)") {
		t.Errorf("tags message %q", d.Find("#err-tags").Text())
	}
	for label, bad := range map[string]bool{"Tag key 1": true, "Tag key 2": false, "Tag key 3": true, "Tag value 1": false, "Tag value 3": false} {
		in := d.Find(`input[aria-label="` + label + `"]`)
		inv, _ := in.Attr("aria-invalid")
		db, _ := in.Attr("aria-describedby")
		if bad != (inv == "true") || bad != (db == "err-tags") {
			t.Errorf("%s: aria-invalid=%q aria-describedby=%q, want invalid=%v", label, inv, db, bad)
		}
	}
	if d.Find(`#form-problem[tabindex="-1"]`).Length() != 1 {
		t.Error("the error summary cannot take the focus")
	}
	if w.writes() != 0 {
		t.Fatal("a rejected form reached IVS")
	}
	// Corrected, the stage typed by name is sent as its ARN.
	form.Set("name", "kept-feed")
	form["tag_key"] = []string{"team", "site", "", "owner"}
	if r := s.post(ingestBase, form, true); r.Code != http.StatusSeeOther {
		t.Fatalf("corrected: %d %s", r.Code, r.body)
	}
	if in := w.creates()[0]; in.StageARN != stageARNOf(idleStageID) || len(in.Tags) != 3 {
		t.Errorf("created %+v", in)
	}
}
