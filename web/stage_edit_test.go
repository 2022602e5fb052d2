package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

const editStageID = "EdItStage001"

// editWorld is the ingest world with a stage that records and carries
// user tags, Greenroom's idempotency tag and an AWS tag.
func editWorld() *ingestWorld {
	w := newIngestWorld()
	w.fake.AddStage(ivs.Stage{ID: editStageID, Name: "studio-c",
		Tags:      map[string]string{"team": "news", "old": "x", ivs.IdempotencyTag: "tok-123", "aws:cloudformation:stack-name": "s"},
		Recording: &ivs.AutoRecording{StorageConfigurationARN: storageARN, MediaTypes: []string{"AUDIO_ONLY"}, RecordReplicas: true}})
	return w
}

func editValues() url.Values {
	return url.Values{"name": {"studio-c"}, "tag_key": {"team", "old"}, "tag_value": {"news", "x"},
		"storage_configuration_arn": {storageARN}, "media_type": {"AUDIO_ONLY"}}
}

func TestStageEditFormIsFilledAndLinkedFromTheStage(t *testing.T) {
	w := editWorld()
	s := opServer(t, w)
	page := s.get(stagesBase + "/" + editStageID).doc(t)
	for _, href := range []string{"/edit", "/delete", "/participant-tokens/new"} {
		if page.Find(`a[href="`+stagesBase+"/"+editStageID+href+`"]`).Length() != 1 {
			t.Errorf("the stage page has no link to %s", href)
		}
	}
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if viewer.get(stagesBase+"/"+editStageID).doc(t).Find(`a[href$="/edit"]`).Length() != 0 {
		t.Error("a viewer is offered Edit")
	}
	if r := viewer.get(stagesBase + "/" + editStageID + "/edit"); r.Code != http.StatusForbidden {
		t.Errorf("viewer GET edit: %d", r.Code)
	}
	d := s.get(stagesBase + "/" + editStageID + "/edit").doc(t)
	if d.Find("#name").AttrOr("value", "") != "studio-c" || d.Find("#storage_configuration_arn").AttrOr("value", "") != storageARN {
		t.Error("form not filled from the stage")
	}
	if v, _ := d.Find(`input[name="media_type"][checked]`).Attr("value"); v != "AUDIO_ONLY" {
		t.Errorf("media type %q", v)
	}
	var keys []string
	d.Find(`input[name="tag_key"]`).Each(func(_ int, s *goquerySelection) {
		if v := s.AttrOr("value", ""); v != "" {
			keys = append(keys, v)
		}
	})
	if !slices.Equal(keys, []string{"old", "team"}) {
		t.Errorf("tag rows %v: Greenroom's and AWS's tags are not the user's to edit", keys)
	}
	if d.Find(`form[action="`+stagesBase+"/"+editStageID+`"][method="post"] input[name="idempotency_key"]`).Length() != 0 {
		t.Error("the edit form carries a create token")
	}
}

func TestStageUpdateSendsWhatChangedAndAudits(t *testing.T) {
	w := editWorld()
	s := opServer(t, w)
	path := stagesBase + "/" + editStageID
	// Nothing changed: nothing sent.
	r := s.post(path, editValues(), true)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != path || len(w.fake.Writes()) != 0 || len(s.audited()) != 0 {
		t.Fatalf("no-op: %d, writes %v", r.Code, w.fake.Writes())
	}
	if !strings.Contains(s.get(path).doc(t).Find("#alerts").Text(), "Nothing to change") {
		t.Error("no flash after a no-op")
	}
	// Rename, recording off, one tag changed, one removed, one added.
	v := url.Values{"name": {"studio-d"}, "tag_key": {"team", "new"}, "tag_value": {"sports", "1"}, "storage_configuration_arn": {""}, "media_type": {"AUDIO_ONLY"}}
	r = s.post(path, v, true)
	if r.Code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", r.Code, r.body)
	}
	up := w.writesOf("UpdateStage")
	if len(up) != 1 || *up[0].UpdateStage.Name != "studio-d" || up[0].UpdateStage.Recording == nil || up[0].UpdateStage.Recording.StorageConfigurationARN != "" {
		t.Fatalf("UpdateStage %+v", up)
	}
	if tag := w.writesOf("TagResource"); len(tag) != 1 || len(tag[0].Tags) != 2 || tag[0].Tags["team"] != "sports" || tag[0].Tags["new"] != "1" {
		t.Errorf("TagResource %+v", tag)
	}
	if un := w.writesOf("UntagResource"); len(un) != 1 || !slices.Equal(un[0].TagKeys, []string{"old"}) {
		t.Errorf("UntagResource %+v", un)
	}
	st, _ := w.fake.Stage(stageARNOf(editStageID))
	if st.Name != "studio-d" || st.Recording != nil || st.Tags[ivs.IdempotencyTag] != "tok-123" || st.Tags["aws:cloudformation:stack-name"] != "s" {
		t.Errorf("stage now %+v", st)
	}
	a := lastAudit(t, s)
	if a.Action != audit.ActionStageUpdate || a.Outcome != "success" || a.Resource != stageARNOf(editStageID) || !strings.Contains(a.Detail, `"studio-c" → "studio-d"`) {
		t.Errorf("audit %+v", a)
	}
	if !strings.Contains(s.get(path).doc(t).Find("#alerts").Text(), "Saved the changes") {
		t.Error("no flash after the update")
	}
}

func TestStageUpdateRefusals(t *testing.T) {
	path := stagesBase + "/" + editStageID
	// Bad input: 422, nothing sent, input kept.
	w := editWorld()
	s := opServer(t, w)
	v := editValues()
	v.Set("name", "studio c")
	r := s.post(path, v, true)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find("#err-name").Text(), "letters, digits") ||
		r.doc(t).Find("#name").AttrOr("value", "") != "studio c" || len(w.fake.Writes()) != 0 {
		t.Errorf("bad name: %d, writes %d", r.Code, len(w.fake.Writes()))
	}
	// Recording being recorded: IVS's conflict, in words.
	w.fake.UpdateStageFn = func(context.Context, ivs.Region, ivs.UpdateStageInput) (ivs.Stage, error) {
		return ivs.Stage{}, ivstest.Err(ivs.KindConflict, "UpdateStage", "Cannot update recording configuration while recording is active")
	}
	v = editValues()
	v.Set("media_type", "AUDIO_VIDEO")
	r = s.post(path, v, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.doc(t).Find("#form-problem").Text(), "while participants are being recorded") {
		t.Errorf("conflict: %d %q", r.Code, r.doc(t).Find("#form-problem").Text())
	}
	if a := lastAudit(t, s); a.Action != audit.ActionStageUpdate || !strings.HasPrefix(a.Outcome, "failure") {
		t.Errorf("audit %+v", a)
	}
	// Halfway: the name saved, the tags refused.
	w = editWorld()
	w.fake.TagResourceFn = func(context.Context, ivs.Region, string, map[string]string) error {
		return ivstest.Err(ivs.KindAccessDenied, "TagResource", "not allowed to tag")
	}
	s = opServer(t, w)
	v = editValues()
	v.Set("name", "studio-e")
	v["tag_value"] = []string{"other", "x"}
	r = s.post(path, v, true)
	if msg := r.doc(t).Find("#form-problem").Text(); r.Code != http.StatusBadGateway || !strings.Contains(msg, "Saved: name. Not saved: tags set.") {
		t.Errorf("partial: %d %q", r.Code, msg)
	}
	// An unknown stage: 404.
	if r := s.post(stagesBase+"/NoSuchStage1", editValues(), true); r.Code != http.StatusNotFound {
		t.Errorf("unknown stage: %d", r.Code)
	}
}
