package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

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

// Greenroom's idempotency tag is its own: no page shows it, a rotation does
// not copy it, and the create form counts tags honestly around it.
func TestGreenroomsTagIsNotShownCopiedOrCounted(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	d := s.get(ingestBase + "/" + redundantID).doc(t)
	if tags := d.Find(`dt:contains("Tags") + dd`).Text(); !strings.Contains(tags, "team=events") || strings.Contains(tags, ivs.IdempotencyTag) {
		t.Errorf("tags shown: %q", tags)
	}
	step1 := s.get(ingestBase + "/" + redundantID + "/rotate")
	if d := step1.doc(t); !strings.Contains(d.Find("main").Text(), "Tags copied") || !strings.Contains(d.Find("main").Text(), "team=events") {
		t.Error("the rotation does not say which tags it copies")
	}
	tok, _ := step1.doc(t).Find(`input[name="idempotency_key"]`).Attr("value")
	loc := s.post(ingestBase+"/"+redundantID+"/rotate", url.Values{"idempotency_key": {tok}}, true).Header().Get("Location")
	if in := w.creates()[0]; len(in.Tags) != 1 || in.Tags["team"] != "events" {
		t.Errorf("the copy asked for tags %v", in.Tags)
	}
	// The service layer tags the copy with the rotation's own key.
	w.fake.ChangeIngest(ingestARNOf("New000000001"), func(c *ivs.IngestConfiguration) { c.Tags[ivs.IdempotencyTag] = tok })
	for _, page := range []string{ingestBase + "/" + redundantID, ingestBase + "/" + redundantID + "/edit", ingestBase + "/" + redundantID + "/rotate",
		loc, loc + "?step=confirm", loc + "?fragment=status", ingestBase + "/New000000001", ingestBase + "/New000000001/edit", ingestBase} {
		if r := s.get(page); r.Code != http.StatusOK || strings.Contains(r.body, ivs.IdempotencyTag) || strings.Contains(r.body, "old-token-123456") {
			t.Errorf("%s (%d) shows Greenroom's tag", page, r.Code)
		}
	}
	hint := s.get(ingestBase + "/new").doc(t).Find("#tags-hint").Text()
	for _, want := range []string{"Up to 49", "IVS allows 50", "Greenroom uses one"} {
		if !strings.Contains(hint, want) {
			t.Errorf("tags hint %q lacks %q", hint, want)
		}
	}
}
