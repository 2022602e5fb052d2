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

const (
	stagesBase = "/r/us-east-1/stages"
	storageARN = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Store0000001"
)

func (w *ingestWorld) writesOf(op string) []ivstest.Write {
	var out []ivstest.Write
	for _, wr := range w.fake.Writes() {
		if wr.Op == op {
			out = append(out, wr)
		}
	}
	return out
}

// stageCreateValues is a valid create form as the page would send it.
func stageCreateValues(t *testing.T, s *testServer) url.Values {
	t.Helper()
	r := s.get(stagesBase + "/new")
	tok, ok := r.doc(t).Find(`input[name="idempotency_key"]`).Attr("value")
	if !ok || tok == "" {
		t.Fatalf("the create form carries no idempotency token (status %d)", r.Code)
	}
	return url.Values{"name": {"town-hall"}, "tag_key": {"team", ""}, "tag_value": {"events", ""},
		"storage_configuration_arn": {storageARN}, "media_type": {"AUDIO_ONLY"}, "idempotency_key": {tok}}
}

func TestStageCreateIsForOperatorsAndLinkedFromTheList(t *testing.T) {
	w := newIngestWorld()
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if r := viewer.get(stagesBase + "/new"); r.Code != http.StatusForbidden {
		t.Errorf("viewer GET: %d", r.Code)
	}
	if viewer.get(stagesBase).doc(t).Find(`a[href="`+stagesBase+`/new"]`).Length() != 0 {
		t.Error("a viewer is offered New stage")
	}
	s := opServer(t, w)
	if s.get(stagesBase).doc(t).Find(`a[href="`+stagesBase+`/new"]:contains("New stage")`).Length() != 1 {
		t.Error("no New stage link on the stage list")
	}
	r := s.get(stagesBase + "/new")
	d := r.doc(t)
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	for _, id := range []string{"name", "storage_configuration_arn", "media-AUDIO_VIDEO", "media-AUDIO_ONLY", "media-NONE"} {
		if d.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("no label for #%s", id)
		}
	}
	if d.Find(`fieldset:has(input[name="media_type"]) legend:contains("What to record")`).Length() != 1 {
		t.Error("media types lack a fieldset and legend")
	}
	if v, _ := d.Find(`input[name="media_type"][checked]`).Attr("value"); v != "AUDIO_VIDEO" {
		t.Errorf("default media type %q", v)
	}
	if d.Find(`template#tag-row-tpl`).Length() != 1 || d.Find(`form[method="post"][action="`+stagesBase+`"] input[name="_csrf"]`).Length() != 1 {
		t.Error("no tag rows or no CSRF field")
	}
	if r := s.post(stagesBase, stageCreateValues(t, s), false); r.Code != http.StatusForbidden || len(w.fake.Writes()) != 0 {
		t.Errorf("without a CSRF token: %d", r.Code)
	}
}

func TestStageCreateSendsWhatTheFormSaysAndAudits(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	form := stageCreateValues(t, s)
	r := s.post(stagesBase, form, true)
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), stagesBase+"/Stage") {
		t.Fatalf("status %d, location %q: %s", r.Code, r.Header().Get("Location"), r.body)
	}
	in := w.writesOf("CreateStage")[0].CreateStage
	if in.Name != "town-hall" || in.Tags["team"] != "events" || len(in.Tags) != 1 || in.Recording == nil ||
		in.Recording.StorageConfigurationARN != storageARN || in.Recording.MediaTypes[0] != "AUDIO_ONLY" || in.IdempotencyKey != form.Get("idempotency_key") {
		t.Errorf("create input %+v", in)
	}
	a := lastAudit(t, s)
	if a.Action != audit.ActionStageCreate || a.Outcome != "success" || a.Resource != stageARNOf(strings.TrimPrefix(r.Header().Get("Location"), stagesBase+"/")) {
		t.Errorf("audit %+v", a)
	}
	d := s.get(r.Header().Get("Location")).doc(t)
	if !strings.Contains(d.Find("#alerts").Text(), "Created the stage “town-hall”") || d.Find("h1").Text() != "town-hall" {
		t.Errorf("stage page after create: %q", d.Find("#alerts").Text())
	}
	// A double submit lands on the same stage; htmx gets HX-Location.
	before := w.fake.StageCount()
	h := s.htmxPost(stagesBase, form)
	if h.Code != http.StatusNoContent || h.Header().Get("HX-Location") != r.Header().Get("Location") || w.fake.StageCount() != before {
		t.Errorf("second submit: %d %q, %d stages", h.Code, h.Header().Get("HX-Location"), w.fake.StageCount())
	}
	// No recording: none asked for.
	form = stageCreateValues(t, s)
	form.Set("storage_configuration_arn", "")
	if r := s.post(stagesBase, form, true); r.Code != http.StatusSeeOther {
		t.Fatalf("no recording: %d", r.Code)
	}
	if c := w.writesOf("CreateStage"); c[len(c)-1].CreateStage.Recording != nil {
		t.Error("recording sent without a storage configuration")
	}
}

func TestStageCreateValidationEveryRule(t *testing.T) {
	cases := []struct {
		name, field, words string
		edit               func(url.Values)
	}{
		{"name length", "name", "at most 128", func(v url.Values) { v.Set("name", strings.Repeat("n", 129)) }},
		{"name pattern", "name", "letters, digits", func(v url.Values) { v.Set("name", "town hall") }},
		{"tag prefix", "tags", "aws:", func(v url.Values) { v["tag_key"] = []string{"aws:x"} }},
		{"tag value length", "tags", "256", func(v url.Values) { v["tag_value"] = []string{strings.Repeat("v", 257)} }},
		{"too many tags", "tags", "at most 49", func(v url.Values) {
			v["tag_key"], v["tag_value"] = nil, nil
			for i := range 50 {
				v.Add("tag_key", "k"+strings.Repeat("x", i))
				v.Add("tag_value", "v")
			}
		}},
		{"storage ARN", "storage_configuration_arn", "not a storage configuration ARN", func(v url.Values) { v.Set("storage_configuration_arn", "my-bucket") }},
		{"storage region", "storage_configuration_arn", "eu-west-1", func(v url.Values) {
			v.Set("storage_configuration_arn", strings.Replace(storageARN, "us-east-1", "eu-west-1", 1))
		}},
		{"media type", "media_type", "Choose what to record", func(v url.Values) { v.Set("media_type", "VIDEO") }},
		{"token", "_form", "one-time token", func(v url.Values) { v.Set("idempotency_key", "bad") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newIngestWorld()
			s := opServer(t, w)
			form := stageCreateValues(t, s)
			tc.edit(form)
			for _, htmx := range []bool{false, true} {
				var r response
				if htmx {
					r = s.htmxPost(stagesBase, form)
					if r.Header().Get("HX-Push-Url") != "false" {
						t.Error("htmx re-render would push the POST address")
					}
				} else {
					r = s.post(stagesBase, form, true)
				}
				if r.Code != http.StatusUnprocessableEntity {
					t.Fatalf("htmx=%v: status %d, want 422", htmx, r.Code)
				}
				d := r.doc(t)
				if tc.field == "_form" {
					if !strings.Contains(d.Find("#form-problem").Text(), tc.words) {
						t.Errorf("form message %q", d.Find("#form-problem").Text())
					}
					if tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value"); len(tok) < 16 {
						t.Error("a damaged token must be replaced on re-render")
					}
					continue
				}
				if msg := d.Find("#err-" + tc.field); !strings.Contains(msg.Text(), tc.words) {
					t.Errorf("htmx=%v: message next to %s = %q, want %q", htmx, tc.field, msg.Text(), tc.words)
				}
				if tc.field == "name" || tc.field == "storage_configuration_arn" {
					in := d.Find("#" + tc.field)
					if inv, _ := in.Attr("aria-invalid"); inv != "true" {
						t.Errorf("#%s aria-invalid=%q", tc.field, inv)
					}
					if db, _ := in.Attr("aria-describedby"); !strings.Contains(db, "err-"+tc.field) {
						t.Errorf("#%s aria-describedby=%q", tc.field, db)
					}
				}
				if tc.field != "name" && d.Find("#name").AttrOr("value", "") != "town-hall" {
					t.Error("input not kept")
				}
				if tok, _ := d.Find(`input[name="idempotency_key"]`).Attr("value"); tok != form.Get("idempotency_key") {
					t.Error("the idempotency token must survive a re-render")
				}
			}
			if n := len(w.fake.Writes()); n != 0 {
				t.Errorf("invalid input reached IVS (%d writes)", n)
			}
		})
	}
}

func TestStageCreateAPIErrorsLandOnTheForm(t *testing.T) {
	cases := []struct {
		err    error
		status int
		where  string
		words  string
	}{
		{&ivs.Error{Kind: ivs.KindValidation, Op: "CreateStage", Message: "1 validation error detected: Value 'x' at 'autoParticipantRecordingConfiguration.storageConfigurationArn' failed to satisfy constraint"},
			422, "#err-storage_configuration_arn", "storageConfigurationArn"},
		{&ivs.Error{Kind: ivs.KindValidation, Op: "CreateStage", Field: "tags", Message: "too many tags"}, 422, "#err-tags", "too many tags"},
		{ivstest.Err(ivs.KindQuota, "CreateStage", "Limit of 1000 stages per region reached"), 409, "#form-problem", "quota"},
		{ivstest.Err(ivs.KindThrottled, "CreateStage", "slow down"), 503, "#form-problem", "rate-limiting"},
		{ivstest.Err(ivs.KindAccessDenied, "CreateStage", "denied"), 502, "#form-problem", "not allowed"},
	}
	for _, tc := range cases {
		w := newIngestWorld()
		w.fake.CreateStageFn = func(contextT, ivs.Region, ivs.CreateStageInput) (ivs.Stage, error) { return ivs.Stage{}, tc.err }
		s := opServer(t, w)
		r := s.post(stagesBase, stageCreateValues(t, s), true)
		if r.Code != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, r.Code, tc.status)
			continue
		}
		d := r.doc(t)
		if !strings.Contains(d.Find(tc.where).Text(), tc.words) || d.Find("#name").AttrOr("value", "") != "town-hall" {
			t.Errorf("%v: %s = %q", tc.err, tc.where, d.Find(tc.where).Text())
		}
		if a := lastAudit(t, s); a.Action != audit.ActionStageCreate || !strings.HasPrefix(a.Outcome, "failure") {
			t.Errorf("failed create audited as %+v", a)
		}
	}
	// The audit log failing after the create: the page says the stage was made but not recorded.
	w := newIngestWorld()
	s := opServer(t, w)
	form := stageCreateValues(t, s)
	s.auditFail = true
	if r := s.post(stagesBase, form, true); r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "made in IVS, but the audit log could not record it") {
		t.Errorf("audit down: %d", r.Code)
	}
}
