package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

const (
	compChannel = "arn:aws:ivs:us-east-1:123456789012:channel/ProgramCh001"
	compBase    = "/r/us-east-1/compositions"
)

// withComposition adds an encoder configuration and a composition of the
// live stage whose channel destination reconnects.
func withComposition(w *ingestWorld) (ivs.EncoderConfiguration, ivs.Composition) {
	enc := w.fake.AddEncoderConfiguration(ivs.EncoderConfiguration{Name: "program-1080p", Width: 1920, Height: 1080, Framerate: 30, Bitrate: 6_000_000})
	comp := w.fake.AddComposition(ivs.Composition{StageARN: stageARNOf(liveStageID), State: ivs.CompositionActive, Layout: ivs.Layout{Kind: ivs.LayoutGrid, GridGap: 2},
		Destinations: []ivs.Destination{{ID: "dest-ch", Name: "program-channel", State: ivs.DestinationReconnecting, ChannelARN: compChannel, EncoderConfigurationARNs: []string{enc.ARN}}}})
	return enc, comp
}

func TestStagePageShowsItsProgramOutput(t *testing.T) {
	w := newIngestWorld()
	_, comp := withComposition(w)
	s := opServer(t, w)
	d := s.get(stagesBase + "/" + liveStageID).doc(t)
	sec := d.Find("#program-output")
	if sec.Find(`a[href="`+compBase+"/"+comp.ID+`"]`).Length() != 1 || sec.Find(`[data-destination="dest-ch"][data-state="RECONNECTING"]`).Length() != 1 ||
		!strings.Contains(sec.Text(), "IVS lost the connection to this IVS channel") || !strings.Contains(sec.Text(), "program-channel") {
		t.Fatalf("program output section: %s", sec.Text())
	}
	if sec.Find(`a[href="`+stagesBase+"/"+liveStageID+`/compositions/new"]`).Length() != 1 {
		t.Error("an operator on a live stage is not offered to start a composition")
	}
	if d := s.get(stagesBase + "/" + idleStageID).doc(t); d.Find(`#program-output a[href$="/compositions/new"]`).Length() != 0 {
		t.Error("an idle stage offers to start a composition")
	}
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if viewer.get(stagesBase+"/"+liveStageID).doc(t).Find(`#program-output a[href$="/compositions/new"]`).Length() != 0 {
		t.Error("a viewer is offered to start a composition")
	}
}

func TestCompositionPageExplainsAndStops(t *testing.T) {
	w := newIngestWorld()
	enc, comp := withComposition(w)
	s := opServer(t, w)
	d := s.get(compBase + "/" + comp.ID).doc(t)
	row := d.Find(`tr[data-destination="dest-ch"]`)
	if !strings.Contains(row.Text(), "reconnecting") || !strings.Contains(row.Text(), "IVS lost the connection") || !strings.Contains(row.Text(), "1920×1080") ||
		row.Find(`a[href="/r/us-east-1/encoder-configurations/`+enc.ID+`"]`).Length() != 1 || !strings.Contains(d.Text(), "grid") {
		t.Fatalf("destination row: %s", row.Text())
	}
	if d.Find(`a[href="`+compBase+"/"+comp.ID+`/stop"]`).Length() != 1 {
		t.Fatal("no stop button for an operator")
	}
	if r := s.post(compBase+"/"+comp.ID+"/stop", nil, false); r.Code != http.StatusForbidden || w.fake.Calls("StopComposition") != 0 {
		t.Fatalf("stop without CSRF: %d", r.Code)
	}
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if r := viewer.get(compBase + "/" + comp.ID + "/stop"); r.Code != http.StatusForbidden {
		t.Fatalf("viewer stop page: %d", r.Code)
	}
	if viewer.get(compBase+"/"+comp.ID).doc(t).Find(`a[href$="/stop"]`).Length() != 0 {
		t.Error("a viewer sees the stop button")
	}
	if d := s.get(compBase + "/" + comp.ID + "/stop").doc(t); d.Find(`form[method="post"] button[type="submit"]`).Length() != 1 {
		t.Fatal("no confirmation form")
	}
	r := s.post(compBase+"/"+comp.ID+"/stop", nil, true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != compBase+"/"+comp.ID || w.fake.Calls("StopComposition") != 1 {
		t.Fatalf("stop: %d %q", r.Code, r.Header().Get("Location"))
	}
	if a := lastAudit(t, s); a.Action != audit.ActionCompositionStop || a.Resource != comp.ARN || a.Outcome != audit.OutcomeSuccess {
		t.Fatalf("audit %+v", a)
	}
	if r := s.get(compBase + "/NoSuchComp01"); r.Code != http.StatusNotFound {
		t.Errorf("unknown composition: %d", r.Code)
	}
	if r := s.get(compBase + "/bad!id"); r.Code != http.StatusBadRequest {
		t.Errorf("malformed id: %d", r.Code)
	}
}

func TestStartCompositionForm(t *testing.T) {
	w := newIngestWorld()
	enc := w.fake.AddEncoderConfiguration(ivs.EncoderConfiguration{Name: "program-720p"})
	sto := w.fake.AddStorageConfiguration(ivs.StorageConfiguration{Name: "archive", S3Bucket: "archive-bucket"})
	s := opServer(t, w)
	newURL := stagesBase + "/" + liveStageID + "/compositions/new"
	d := s.get(newURL).doc(t)
	tok := d.Find(`input[name="idempotency_key"]`).AttrOr("value", "")
	if tok == "" || d.Find(`select[name="encoder_configuration_arn"] option[value="`+enc.ARN+`"]`).Length() != 1 ||
		d.Find(`input[name="storage_configuration_arns"][value="`+sto.ARN+`"]`).Length() != 1 {
		t.Fatal("the form lacks its token or its choices")
	}
	post := func(v url.Values) response { return s.post(stagesBase+"/"+liveStageID+"/compositions", v, true) }

	// Validation: at the field, nothing sent.
	r := post(url.Values{"layout": {"GRID"}, "channel_arns": {"arn:aws:ivs:us-east-1:123456789012:stage/NotAChannel1"}, "idempotency_key": {tok}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find("#err-channel_arns").Text(), "not a channel ARN") || w.fake.Calls("StartComposition") != 0 {
		t.Fatalf("bad channel: %d", r.Code)
	}
	r = post(url.Values{"layout": {"GRID"}, "storage_configuration_arns": {sto.ARN}, "idempotency_key": {tok}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find("#err-encoder_configuration_arn").Text(), "needs an encoder configuration") {
		t.Fatalf("S3 without encoder: %d", r.Code)
	}

	// A double submit starts one composition.
	ok := url.Values{"layout": {"PIP"}, "pip_position": {"TOP_LEFT"}, "pip_behavior": {"STATIC"}, "channel_arns": {compChannel},
		"storage_configuration_arns": {sto.ARN}, "encoder_configuration_arn": {enc.ARN}, "idempotency_key": {tok}}
	r = post(ok)
	r2 := post(ok)
	if r.Code != http.StatusSeeOther || r2.Header().Get("Location") != r.Header().Get("Location") || !strings.HasPrefix(r.Header().Get("Location"), compBase+"/") {
		t.Fatalf("start: %d %q then %q", r.Code, r.Header().Get("Location"), r2.Header().Get("Location"))
	}
	comps, _ := w.fake.ListCompositions(t.Context(), "us-east-1", ivs.CompositionQuery{})
	if len(comps.Items) != 1 {
		t.Fatalf("%d compositions after a double submit", len(comps.Items))
	}
	if a := lastAudit(t, s); a.Action != audit.ActionCompositionStart || !strings.Contains(a.Detail, "layout=pip") {
		t.Fatalf("audit %+v", a)
	}

	// A channel already fed: IVS's conflict, at the channels field.
	ok.Set("idempotency_key", "another-token-123456")
	r = post(ok)
	if r.Code != http.StatusConflict || !strings.Contains(r.doc(t).Find("#err-channel_arns").Text(), "already the destination") {
		t.Fatalf("channel in use: %d %s", r.Code, r.body)
	}

	// An idle stage: said on the form, and refused if posted anyway.
	if d := s.get(stagesBase + "/" + idleStageID + "/compositions/new").doc(t); !strings.Contains(d.Find("#form-problem").Text(), "no live session") {
		t.Error("the idle stage's form does not say why it cannot start")
	}
	r = s.post(stagesBase+"/"+idleStageID+"/compositions", url.Values{"layout": {"GRID"}, "channel_arns": {"arn:aws:ivs:us-east-1:123456789012:channel/Other0000001"}, "idempotency_key": {"idle-token-1234567"}}, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.doc(t).Find("#form-problem").Text(), "no live session") {
		t.Fatalf("idle stage: %d", r.Code)
	}
	if n := w.fake.Calls("StartComposition"); n != 3 {
		t.Errorf("StartComposition calls %d, want 3 (two submits and the conflict)", n)
	}
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if r := viewer.get(newURL); r.Code != http.StatusForbidden {
		t.Errorf("viewer: %d", r.Code)
	}
}
