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

const ingestBase = "/r/us-east-1/ingest-configurations"

func opServer(t *testing.T, w *ingestWorld) *testServer {
	return newTestServer(t, w.fake, identityWith(auth.RoleViewer, auth.RoleOperator, auth.RoleKeyholder))
}

// htmxPost submits a form the way htmx does: CSRF in a header.
func (s *testServer) htmxPost(target string, form url.Values) response {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return s.do(http.MethodPost, target, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", csrfHeader: s.token(),
	})
}

func lastAudit(t *testing.T, s *testServer) audit.Event {
	t.Helper()
	a := s.audited()
	if len(a) == 0 {
		t.Fatal("nothing was audited")
	}
	return a[len(a)-1]
}

func TestIngestListShowsStageNamesStatesAndFlags(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.get(ingestBase)
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	d := r.doc(t)
	if n := d.Find("#ingest-table tbody tr").Length(); n != 3 {
		t.Fatalf("rows = %d, want 3", n)
	}
	row := d.Find(`#ingest-table tbody tr:contains("keynote-main")`)
	if href, _ := row.Find(`a:contains("main-stage")`).Attr("href"); href != "/r/us-east-1/stages/"+liveStageID {
		t.Errorf("stage link = %q (want the stage, by name)", href)
	}
	if href, _ := row.Find("a").First().Attr("href"); href != ingestBase+"/"+redundantID {
		t.Errorf("detail link = %q", href)
	}
	if !strings.Contains(row.Text(), "RTMPS") || !strings.Contains(row.Text(), "INACTIVE") || !strings.Contains(row.Text(), "yes (A + B)") || !strings.Contains(row.Text(), "keynote-program") {
		t.Errorf("row text %q", row.Text())
	}
	legacy := d.Find(`#ingest-table tbody tr:contains("legacy")`).Text()
	for _, flag := range []string{"No stage", "Plain RTMP", "Personal data?"} {
		if !strings.Contains(legacy, flag) {
			t.Errorf("legacy row lacks the %q flag: %q", flag, legacy)
		}
	}
	if d.Find(`th[scope="col"]`).Length() < 6 || d.Find(`tbody th[scope="row"]`).Length() != 3 {
		t.Error("table headers lack scope")
	}
	if !strings.Contains(d.Find("#one-filter").Text(), "one thing at a time") {
		t.Error("the one-filter rule is not explained")
	}
	if d.Find(`a[href="`+ingestBase+`/new"]`).Length() == 0 {
		t.Error("no create link for an operator")
	}
	if w.fake.Calls("ListStages") != 1 {
		t.Errorf("ListStages called %d times, want 1", w.fake.Calls("ListStages"))
	}
	if h := s.htmx(ingestBase); h.Code != http.StatusOK || !strings.Contains(h.body, "keynote-main") {
		t.Errorf("htmx list: %d", h.Code)
	}
}

func TestIngestListFilterSortAndPaging(t *testing.T) {
	w := newIngestWorld()
	var got []ivs.IngestQuery
	w.fake.ListIngestConfigurationsFn = func(ctx contextT, r ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
		got = append(got, q)
		p, err := w.fake.IngestPage(q)
		p.NextToken = "tok/with+chars="
		return p, err
	}
	s := opServer(t, w)
	d := s.get(ingestBase + "?state=ACTIVE").doc(t)
	if n := d.Find("#ingest-table tbody tr").Length(); n != 1 || got[0].State != "ACTIVE" || got[0].StageARN != "" {
		t.Errorf("state filter: rows %d, query %+v", n, got[0])
	}
	d = s.get(ingestBase + "?stage=" + liveStageID + "&sort=-name").doc(t)
	if got[1].StageARN != stageARNOf(liveStageID) || got[1].State != "" || got[1].MaxResults != 100 {
		t.Errorf("stage filter query %+v", got[1])
	}
	names := d.Find("#ingest-table tbody th a").Map(func(_ int, s *goquerySelection) string { return s.Text() })
	if strings.Join(names, ",") != "live-feed,keynote-main" {
		t.Errorf("sorted by -name: %v", names)
	}
	if th, _ := d.Find(`th[aria-sort="descending"]`).Attr("aria-sort"); th == "" {
		t.Error("no aria-sort on the sorted column")
	}
	next, _ := d.Find(`a:contains("Next page")`).Attr("href")
	if next != ingestBase+"?next=tok%2Fwith%2Bchars%3D&sort=-name&stage="+liveStageID {
		t.Errorf("next link %q (token escaped, filter and sort kept)", next)
	}
	s.get(ingestBase + "?next=tok%2Fwith%2Bchars%3D")
	if got[2].NextToken != "tok/with+chars=" {
		t.Errorf("token passed upstream %q", got[2].NextToken)
	}
	before := w.fake.Calls("ListIngestConfigurations")
	for _, bad := range []string{"?stage=" + liveStageID + "&state=ACTIVE", "?state=LIVE", "?sort=secret", "?next=%00", "?stage=a.b"} {
		r := s.get(ingestBase + bad)
		if r.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, r.Code)
		}
		if strings.Contains(bad, "state=ACTIVE") && !strings.Contains(r.body, "one thing at a time") {
			t.Errorf("two filters: the rule is not explained")
		}
	}
	if w.fake.Calls("ListIngestConfigurations") != before {
		t.Error("a refused list address reached IVS")
	}
}

func TestIngestListEmptyStateLeadsToCreate(t *testing.T) {
	fake := &ivstest.Fake{}
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	d := s.get(ingestBase).doc(t)
	if href, _ := d.Find(`a:contains("Create the first ingest configuration")`).Attr("href"); href != ingestBase+"/new" {
		t.Errorf("empty state link %q", href)
	}
	s = newTestServer(t, fake, identityWith(auth.RoleViewer))
	d = s.get(ingestBase).doc(t)
	if d.Find(`a[href="`+ingestBase+`/new"]`).Length() != 0 || !strings.Contains(d.Text(), "needs the operator role") {
		t.Error("a viewer is offered create")
	}
}

func TestIngestListUpstreamFaults(t *testing.T) {
	for kind, status := range map[ivs.Kind]int{ivs.KindThrottled: 503, ivs.KindUnavailable: 503, ivs.KindAccessDenied: 502} {
		w := newIngestWorld()
		w.fake.ListIngestConfigurationsFn = func(contextT, ivs.Region, ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
			return ivs.Page[ivs.IngestConfiguration]{}, ivstest.Err(kind, "ListIngestConfigurations", "no")
		}
		s := opServer(t, w)
		if r := s.get(ingestBase); r.Code != status {
			t.Errorf("%v: %d, want %d", kind, r.Code, status)
		}
		if r := s.htmx(ingestBase); r.Code != status || r.Header().Get("HX-Retarget") != "#alerts" {
			t.Errorf("%v (htmx): %d", kind, r.Code)
		}
	}
}

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

func TestIngestDetailShowsBothEncodersAndNoKey(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.get(ingestBase + "/" + redundantID)
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	if hasKey(r.body) || strings.Contains(r.body, "rt_1") {
		t.Fatal("a stream key is on the detail page")
	}
	d := r.doc(t)
	text := d.Text()
	for _, want := range []string{"pEncoderA001", "pEncoderB001", "pVirtual0001", "Virtual participant id", "rtmps://" + liveStageID + ".example:443/app/", "Degraded", "no protection left", "PUBLISH_STARTED", "keynote-program", "role", "team=events"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	if href, _ := d.Find(`a:contains("pEncoderA001")`).Attr("href"); href != "/r/us-east-1/stages/"+liveStageID+"/sessions/st-ABCDEFGHIJKLM/participants/pEncoderA001" {
		t.Errorf("encoder A link %q", href)
	}
	if d.Find(`a:contains("pEncoderB001")`).Length() != 0 {
		t.Error("encoder B never joined: it has no participant page to link")
	}
	if strings.Contains(strings.ToLower(text), "is live") || strings.Contains(text, "primary") {
		t.Error("the page claims which encoder is live")
	}
	form := d.Find(`#keys-panel form[hx-post="` + ingestBase + "/" + redundantID + `/reveal"]`)
	if form.Length() != 1 || form.AttrOr("method", "") != "post" || form.AttrOr("hx-target", "") != "#keys-panel" || form.Find("button").Length() != 1 {
		t.Error("no reveal form (POST, htmx target #keys-panel, a button)")
	}
	if live, _ := d.Find("#keys-panel").Attr("aria-live"); live != "polite" {
		t.Error("keys panel is not aria-live")
	}
	if d.Find("template#keys-hidden-tpl").Length() != 1 {
		t.Error("no template to hide revealed keys into")
	}
	for _, a := range []string{"/edit", "/delete", "/rotate"} {
		if d.Find(`a[href="`+ingestBase+"/"+redundantID+a+`"]`).Length() != 1 {
			t.Errorf("no %s action for an operator", a)
		}
	}
	// Without the roles: no actions, no reveal.
	v := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	d = v.get(ingestBase + "/" + redundantID).doc(t)
	if d.Find(`form[action$="/reveal"]`).Length() != 0 || d.Find(`a[href$="/edit"]`).Length() != 0 {
		t.Error("a viewer is offered reveal or edit")
	}
}

func TestIngestDetailFlagsAndNotFound(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + legacyID).doc(t)
	flags := d.Find(`[aria-labelledby="flags-title"]`).Text()
	for _, f := range []string{"No stage", "Plain RTMP", "e-mail address"} {
		if !strings.Contains(flags, f) {
			t.Errorf("flags lack %q: %q", f, flags)
		}
	}
	r := s.get(ingestBase + "/Nope12345678")
	if r.Code != http.StatusNotFound || !strings.Contains(r.body, "Nope12345678") || !strings.Contains(r.body, "ingest configuration") {
		t.Errorf("not found: %d", r.Code)
	}
	if r := s.get(ingestBase + "/bad.id"); r.Code != http.StatusBadRequest {
		t.Errorf("bad id: %d", r.Code)
	}
	// A stage that cannot be read does not take the page down.
	w.fake.GetStageFn = func(contextT, ivs.Region, string) (ivs.Stage, error) {
		return ivs.Stage{}, ivstest.Err(ivs.KindThrottled, "GetStage", "slow")
	}
	r = s.get(ingestBase + "/" + redundantID)
	if r.Code != http.StatusOK || !strings.Contains(r.body, "could not be read") {
		t.Errorf("stage unreadable: %d", r.Code)
	}
}

func TestIngestRevealIsAuditedNoStoreAndInPlace(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		w := newIngestWorld()
		s := opServer(t, w)
		var r response
		if htmx {
			r = s.htmxPost(ingestBase+"/"+redundantID+"/reveal", nil)
		} else {
			r = s.post(ingestBase+"/"+redundantID+"/reveal", nil, true)
		}
		if r.Code != http.StatusOK {
			t.Fatalf("htmx=%v: status %d: %s", htmx, r.Code, r.body)
		}
		if cc := r.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		if !strings.Contains(r.body, testKeyA) || !strings.Contains(r.body, testKeyB) {
			t.Error("both encoder keys must be revealed")
		}
		if strings.Contains(r.body, testKey) {
			t.Error("the top-level key of a redundant configuration is not for encoders")
		}
		d := r.doc(t)
		if htmx == strings.Contains(r.body, "<html") {
			t.Errorf("htmx=%v: full page=%v", htmx, !htmx)
		}
		if n := d.Find("[data-copy-from]").Length(); n < 2 {
			t.Errorf("copy buttons %d", n)
		}
		if !strings.Contains(d.Text(), "rtmps://"+liveStageID+".example:443/app/") || !strings.Contains(d.Text(), "OBS") {
			t.Error("no ready-to-paste encoder settings")
		}
		if hide, _ := d.Find("[data-hide-after]").Attr("data-hide-after"); hide != "60" || d.Find("[data-hide-now]").Length() != 1 {
			t.Errorf("keys do not hide: %q", hide)
		}
		a := lastAudit(t, s)
		if a.Action != audit.ActionReveal || a.Outcome != "success" || a.Resource != ingestARNOf(redundantID) || hasKey(a.Detail+a.Outcome) {
			t.Errorf("audit %+v", a)
		}
		if hasKey(s.logs.String()) {
			t.Error("a key reached the log")
		}
	}
	// A single-encoder RTMP configuration: its one key, the RTMP server.
	w := newIngestWorld()
	w.fake.ChangeIngest(ingestARNOf(legacyID), func(c *ivs.IngestConfiguration) { c.StageARN = stageARNOf(idleStageID) })
	s := opServer(t, w)
	r := s.post(ingestBase+"/"+legacyID+"/reveal", nil, true)
	if !strings.Contains(r.body, testKey) || !strings.Contains(r.body, "rtmp://"+idleStageID+".example/app/") {
		t.Error("single key or RTMP server missing")
	}
}

func TestIngestRevealAuditFailureShowsNoKey(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	s.auditFail = true
	for _, r := range []response{s.post(ingestBase+"/"+redundantID+"/reveal", nil, true), s.htmxPost(ingestBase+"/"+redundantID+"/reveal", nil)} {
		if r.Code != http.StatusServiceUnavailable || hasKey(r.body) || !strings.Contains(r.body, "audit log") {
			t.Errorf("audit down: status %d, key shown %v", r.Code, hasKey(r.body))
		}
	}
	if hasKey(s.logs.String()) {
		t.Error("a key reached the log")
	}
}

func TestIngestRevealNotFoundIsAuditedAsFailure(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.post(ingestBase+"/Gone00000000/reveal", nil, true)
	if r.Code != http.StatusNotFound || !strings.Contains(r.body, "Gone00000000") {
		t.Errorf("status %d", r.Code)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionReveal || !strings.HasPrefix(a.Outcome, "failure") {
		t.Errorf("audit %+v", a)
	}
}

func TestIngestRolesAreEnforcedByTheServer(t *testing.T) {
	type call struct{ method, path string }
	operatorOnly := []call{
		{"GET", "/new"}, {"POST", ""}, {"GET", "/" + redundantID + "/edit"}, {"POST", "/" + redundantID},
		{"GET", "/" + redundantID + "/delete"}, {"POST", "/" + redundantID + "/delete"},
		{"GET", "/" + redundantID + "/rotate"}, {"POST", "/" + redundantID + "/rotate"},
		{"GET", "/" + redundantID + "/rotate/" + legacyID}, {"POST", "/" + redundantID + "/rotate/" + legacyID},
	}
	reveal := call{"POST", "/" + redundantID + "/reveal"}
	do := func(s *testServer, c call) response {
		if c.method == "GET" {
			return s.get(ingestBase + c.path)
		}
		return s.post(ingestBase+c.path, url.Values{"force": {"on"}, "stage": {idleStageID}}, true)
	}
	// Viewer: reads only.
	w := newIngestWorld()
	s := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	for _, c := range append(operatorOnly, reveal) {
		if r := do(s, c); r.Code != http.StatusForbidden {
			t.Errorf("viewer %s %s: %d, want 403", c.method, c.path, r.Code)
		}
	}
	if r := s.get(ingestBase + "/" + redundantID); r.Code != http.StatusOK {
		t.Errorf("viewer cannot read: %d", r.Code)
	}
	// Operator: changes, but no reveal.
	s = newTestServer(t, w.fake, identityWith(auth.RoleOperator))
	if r := do(s, reveal); r.Code != http.StatusForbidden || hasKey(r.body) {
		t.Errorf("operator reveal: %d", r.Code)
	}
	if w.fake.Calls("RevealStreamKeys") != 0 || w.writes() != 0 {
		t.Error("a refused request reached IVS")
	}
	// Keyholder without operator: reveal, but no changes.
	s = newTestServer(t, w.fake, identityWith(auth.RoleKeyholder))
	if r := do(s, reveal); r.Code != http.StatusOK || !hasKey(r.body) {
		t.Errorf("keyholder reveal: %d", r.Code)
	}
	if r := do(s, call{"POST", "/" + redundantID + "/delete"}); r.Code != http.StatusForbidden {
		t.Errorf("keyholder delete: %d", r.Code)
	}
	// No identity: 401.
	a := newAnonymousServer(t, w.fake)
	if r := a.get(ingestBase); r.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", r.Code)
	}
}

func TestIngestPostsWithoutCSRFTokenAreRefused(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	s.token()
	for _, p := range []string{"", "/" + redundantID, "/" + redundantID + "/reveal", "/" + redundantID + "/delete", "/" + redundantID + "/rotate", "/" + redundantID + "/rotate/" + legacyID} {
		if r := s.post(ingestBase+p, url.Values{"force": {"on"}}, false); r.Code != http.StatusForbidden || hasKey(r.body) {
			t.Errorf("POST %s without token: %d", p, r.Code)
		}
	}
	if w.fake.Calls("RevealStreamKeys") != 0 || w.writes() != 0 {
		t.Error("a refused POST reached IVS")
	}
}

func TestIngestNoStreamKeyInAnyGETOrLog(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	pages := []string{"", "?state=ACTIVE", "?stage=" + liveStageID, "/new"}
	for _, id := range []string{redundantID, legacyID, activeID} {
		for _, p := range []string{"", "/edit", "/delete", "/rotate"} {
			pages = append(pages, "/"+id+p)
		}
	}
	pages = append(pages, "/"+redundantID+"/rotate/"+legacyID)
	for _, p := range pages {
		for _, r := range []response{s.get(ingestBase + p), s.htmx(ingestBase + p)} {
			if r.Code != http.StatusOK {
				t.Errorf("GET %s: %d", p, r.Code)
			}
			if hasKey(r.body) || strings.Contains(r.body, "rt_123456789012") {
				t.Errorf("GET %s holds a stream key", p)
			}
			for k, v := range r.Header() {
				if hasKey(k + strings.Join(v, " ")) {
					t.Errorf("GET %s: key in header %s", p, k)
				}
			}
		}
	}
	r := s.post(ingestBase+"/"+redundantID+"/reveal", nil, true)
	if !hasKey(r.body) {
		t.Error("the reveal did not reveal")
	}
	if loc := r.Header().Get("Location") + r.Header().Get("HX-Location"); loc != "" {
		t.Errorf("reveal redirects to %q", loc)
	}
	if hasKey(s.logs.String()) {
		t.Error("a key reached the log")
	}
	for _, a := range s.audited() {
		if hasKey(a.Detail + a.Outcome + a.Resource) {
			t.Error("a key reached the audit log")
		}
	}
	// Pages after the reveal still hold no key.
	if r := s.get(ingestBase + "/" + redundantID); hasKey(r.body) {
		t.Error("a key survived into the next GET")
	}
}

func TestIngestEditChangingOnlyTheStageKeepsRedundantIngest(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + redundantID + "/edit").doc(t)
	if d.Find(`input[name="name"]`).Length() != 0 || d.Find(`input[name="protocol"]`).Length() != 0 {
		t.Error("the edit form offers fields IVS cannot change")
	}
	if d.Find("#active-explain").Length() != 0 || d.Find("fieldset[disabled]").Length() != 0 {
		t.Error("an INACTIVE configuration is editable")
	}
	if !strings.Contains(d.Text(), "Turning it off revokes both encoder keys") {
		t.Error("no warning that turning redundancy off revokes both keys")
	}
	// Submit what the page shows, changing only the stage.
	form := url.Values{"stage": {idleStageID}}
	if _, checked := d.Find(`input#redundant`).Attr("checked"); checked {
		form.Set("redundant", "on")
	} else {
		t.Fatal("the redundant box is not checked for a redundant configuration")
	}
	if v, _ := d.Find("#stage").Attr("value"); v != liveStageID {
		t.Errorf("stage prefilled %q", v)
	}
	r := s.post(ingestBase+"/"+redundantID, form, true)
	if r.Code != http.StatusSeeOther {
		t.Fatalf("status %d: %s", r.Code, r.body)
	}
	in := w.updates()[0]
	if !in.RedundantIngest || in.StageARN != stageARNOf(idleStageID) || in.ARN != ingestARNOf(redundantID) {
		t.Errorf("update %+v: changing only the stage must keep redundant ingest on", in)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestUpdate || a.Outcome != "success" {
		t.Errorf("audit %+v", a)
	}
	// Turning it on again after off: the flash says new credentials exist.
	s.post(ingestBase+"/"+redundantID, url.Values{"stage": {idleStageID}}, true)
	if w.updates()[1].RedundantIngest {
		t.Error("unticking must send false")
	}
	r = s.htmxPost(ingestBase+"/"+redundantID, url.Values{"stage": {idleStageID}, "redundant": {"on"}})
	if r.Code != http.StatusNoContent || r.Header().Get("HX-Location") != ingestBase+"/"+redundantID {
		t.Errorf("htmx update: %d", r.Code)
	}
	if !strings.Contains(s.get(ingestBase+"/"+redundantID).body, "two new encoder keys") {
		t.Error("no flash about the new encoder credentials")
	}
}

func TestIngestEditActiveExplainsAndConflictIsClear(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + activeID + "/edit").doc(t)
	if !strings.Contains(d.Find("#active-explain").Text(), "ACTIVE") || d.Find("fieldset[disabled]").Length() != 1 {
		t.Error("an ACTIVE configuration's form does not explain why it cannot change")
	}
	for _, htmx := range []bool{false, true} {
		form := url.Values{"stage": {idleStageID}}
		var r response
		if htmx {
			r = s.htmxPost(ingestBase+"/"+activeID, form)
		} else {
			r = s.post(ingestBase+"/"+activeID, form, true)
		}
		if r.Code != http.StatusConflict || !strings.Contains(r.body, "ACTIVE") || !strings.Contains(r.body, "Nothing was changed") {
			t.Errorf("htmx=%v conflict: %d", htmx, r.Code)
		}
		if a := lastAudit(t, s); a.Action != audit.ActionIngestUpdate || !strings.HasPrefix(a.Outcome, "failure") {
			t.Errorf("audit %+v", a)
		}
	}
}

func TestIngestEditValidationAndFaults(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.post(ingestBase+"/"+redundantID, url.Values{"stage": {"Elsewhere999"}, "redundant": {"on"}}, true)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find("#err-stage").Text(), "not a stage") {
		t.Errorf("unknown stage: %d", r.Code)
	}
	if inv, _ := r.doc(t).Find("#stage").Attr("aria-invalid"); inv != "true" {
		t.Error("no aria-invalid")
	}
	r = s.post(ingestBase+"/"+redundantID, url.Values{"stage": {""}, "redundant": {"on"}}, true)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "cannot detach") {
		t.Errorf("detach: %d", r.Code)
	}
	if w.writes() != 0 {
		t.Error("invalid input reached IVS")
	}
	if r := s.get(ingestBase + "/Gone00000000/edit"); r.Code != http.StatusNotFound {
		t.Errorf("edit of a missing configuration: %d", r.Code)
	}
	w.fake.UpdateIngestFn = func(contextT, ivs.Region, ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
		return ivs.IngestConfiguration{}, ivstest.Err(ivs.KindThrottled, "UpdateIngestConfiguration", "slow")
	}
	r = s.post(ingestBase+"/"+redundantID, url.Values{"stage": {idleStageID}, "redundant": {"on"}}, true)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "rate-limiting") {
		t.Errorf("throttled: %d", r.Code)
	}
	if v, _ := r.doc(t).Find("#stage").Attr("value"); v != idleStageID {
		t.Error("input lost after a throttle")
	}
}

func TestIngestDeleteConfirmsAndForcesOnlyWhenAsked(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + activeID + "/delete").doc(t)
	if d.Find(`input#force[type="checkbox"]`).Length() != 1 || !strings.Contains(d.Find("#force-hint").Text(), "disconnected") {
		t.Error("an ACTIVE configuration's confirmation lacks force and its consequence")
	}
	if d.Find(`form[method="post"] button[type="submit"]`).Length() != 1 {
		t.Error("delete is not a button in a POST form")
	}
	if s.get(ingestBase+"/"+legacyID+"/delete").doc(t).Find("input#force").Length() != 0 {
		t.Error("force offered for an INACTIVE configuration")
	}
	// Not forced: IVS refuses; the page says why and offers force.
	r := s.post(ingestBase+"/"+activeID+"/delete", nil, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.body, "Nothing was deleted") || r.doc(t).Find("input#force").Length() != 1 {
		t.Errorf("unforced delete of ACTIVE: %d", r.Code)
	}
	if w.deletes()[0].Force {
		t.Error("force sent without the box")
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestDelete || !strings.HasPrefix(a.Outcome, "failure") {
		t.Errorf("audit %+v", a)
	}
	r = s.post(ingestBase+"/"+activeID+"/delete", url.Values{"force": {"on"}}, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase || !w.deletes()[1].Force {
		t.Errorf("forced delete: %d %+v", r.Code, w.deletes())
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestForceDelete || a.Outcome != "success" {
		t.Errorf("audit %+v", a)
	}
	if !strings.Contains(s.get(ingestBase).body, "publisher was disconnected") {
		t.Error("no flash after a forced delete")
	}
	h := s.htmxPost(ingestBase+"/"+legacyID+"/delete", nil)
	if h.Code != http.StatusNoContent || h.Header().Get("HX-Location") != ingestBase || w.deletes()[2].Force {
		t.Errorf("htmx delete: %d", h.Code)
	}
	if r := s.post(ingestBase+"/"+legacyID+"/delete", nil, true); r.Code != http.StatusNotFound {
		t.Errorf("deleting twice: %d", r.Code)
	}
}

func TestIngestMutationWhoseAuditFailsTellsTheUser(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	form := createValues(t, s)
	s.auditFail = true
	r := s.post(ingestBase, form, true)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "The change was made in IVS, but the audit log could not record it") {
		t.Errorf("create with audit down: %d", r.Code)
	}
	r = s.post(ingestBase+"/"+legacyID+"/delete", nil, true)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.body, "audit log") {
		t.Errorf("delete with audit down: %d", r.Code)
	}
}

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
	if len(w.deletes()) != 0 {
		t.Fatal("the old configuration was deleted before confirmation")
	}
	r = s.post(ingestBase+"/"+redundantID+"/rotate/New000000001", nil, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != ingestBase+"/New000000001" {
		t.Fatalf("finish: %d %s", r.Code, r.body)
	}
	if len(w.deletes()) != 1 || w.deletes()[0].ARN != ingestARNOf(redundantID) || w.deletes()[0].Force {
		t.Errorf("deletes %+v", w.deletes())
	}
	if a := lastAudit(t, s); a.Action != audit.ActionIngestRotate || a.Outcome != "success" || !strings.Contains(a.Detail, "New000000001") {
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
	fd := s.get(loc).doc(t)
	if fd.Find("input#force").Length() != 1 {
		t.Error("no force for an ACTIVE old configuration")
	}
	r = s.post(loc, nil, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.body, "still publishes with the old key") {
		t.Errorf("unforced: %d", r.Code)
	}
	r = s.post(loc, url.Values{"force": {"on"}}, true)
	if r.Code != http.StatusSeeOther || !w.deletes()[1].Force {
		t.Errorf("forced: %d %+v", r.Code, w.deletes())
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
}
