package console

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

func writesOf(f *ivstest.Fake, op string) []ivstest.Write {
	var out []ivstest.Write
	for _, w := range f.Writes() {
		if w.Op == op {
			out = append(out, w)
		}
	}
	return out
}

// freshReads counts the GetStage calls that asked for a fresh read.
func freshReads(f *ivstest.Fake) *int {
	n := new(int)
	f.GetStageFn = func(ctx context.Context, _ ivs.Region, arn string) (ivs.Stage, error) {
		if ivs.WantsFresh(ctx) {
			*n++
		}
		if st, ok := f.Stage(arn); ok {
			return st, nil
		}
		return ivs.Stage{}, ivstest.Err(ivs.KindNotFound, "GetStage", "Stage not found")
	}
	return n
}

func TestCreateStageIsAuditedOncePerKey(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	in := ivs.CreateStageInput{Name: "town-hall", Tags: map[string]string{"team": "events"}, IdempotencyKey: "tok-0123456789abcdef",
		Recording: &ivs.AutoRecording{StorageConfigurationARN: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Store1", MediaTypes: []string{"AUDIO_ONLY"}}}
	st, err := c.CreateStage(context.Background(), actor, region, in)
	if err != nil || st.ID == "" || st.Name != "town-hall" || st.Recording == nil {
		t.Fatalf("%+v %v", st, err)
	}
	again, err := c.CreateStage(context.Background(), actor, region, in)
	if err != nil || again.ARN != st.ARN || f.StageCount() != 3 {
		t.Fatalf("a second submit of one form made another stage: %+v %v (%d stages)", again, err, f.StageCount())
	}
	e := rec.last(t)
	if e.Action != audit.ActionStageCreate || e.Outcome != audit.OutcomeSuccess || e.Resource != st.ARN ||
		!strings.Contains(e.Detail, `name="town-hall"`) || !strings.Contains(e.Detail, "Store1/AUDIO_ONLY") || !strings.Contains(e.Detail, "[team]") {
		t.Errorf("audit %+v", e)
	}
	f.CreateStageFn = func(context.Context, ivs.Region, ivs.CreateStageInput) (ivs.Stage, error) {
		return ivs.Stage{}, ivstest.Err(ivs.KindQuota, "CreateStage", "Limit of 1000 stages")
	}
	if _, err := c.CreateStage(context.Background(), actor, region, ivs.CreateStageInput{}); ivs.KindOf(err) != ivs.KindQuota || !audit.IsFailure(rec.last(t).Outcome) {
		t.Errorf("refused create: %v, audit %+v", err, rec.last(t))
	}
}

func TestUpdateStageSendsOnlyWhatChangedAndKeepsGreenroomsTag(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	f.AddStage(ivs.Stage{ID: "EditStage001", Name: "before", Tags: map[string]string{"team": "a", "gone": "x", ivs.IdempotencyTag: "tok", "aws:cf": "s"},
		Recording: &ivs.AutoRecording{StorageConfigurationARN: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Old", MediaTypes: []string{"AUDIO_VIDEO"}, ReconnectWindowSeconds: 30}})
	fresh := freshReads(f)
	c := newConsole(f, rec)
	ref := Ref{Region: region, StageID: "EditStage001"}

	// Nothing changed: nothing sent, nothing audited.
	u, err := c.UpdateStage(context.Background(), actor, ref, StageChange{Name: "before", Tags: map[string]string{"team": "a", "gone": "x"},
		Recording: &ivs.AutoRecording{StorageConfigurationARN: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Old", MediaTypes: []string{"AUDIO_VIDEO"}}})
	if err != nil || !u.Nothing() || len(f.Writes()) != 0 || len(rec.events) != 0 {
		t.Fatalf("no-op update: %+v %v, writes %v", u, err, f.Writes())
	}
	// Tags only: one set, one removed; Greenroom's and AWS's tags stay.
	u, err = c.UpdateStage(context.Background(), actor, ref, StageChange{Name: "before", Tags: map[string]string{"team": "b", "new": "y"},
		Recording: &ivs.AutoRecording{StorageConfigurationARN: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Old", MediaTypes: []string{"AUDIO_VIDEO"}}})
	if err != nil || !slices.Equal(u.Changed, []string{"tags set", "tags removed"}) || len(writesOf(f, "UpdateStage")) != 0 {
		t.Fatalf("tags only: %+v %v", u, err)
	}
	if tag := writesOf(f, "TagResource")[0]; len(tag.Tags) != 2 || tag.Tags["team"] != "b" || tag.Tags["new"] != "y" {
		t.Errorf("TagResource %+v", tag.Tags)
	}
	if un := writesOf(f, "UntagResource")[0]; !slices.Equal(un.TagKeys, []string{"gone"}) {
		t.Errorf("UntagResource %v", un.TagKeys)
	}
	st, _ := f.Stage(arnOf("EditStage001"))
	if st.Tags[ivs.IdempotencyTag] != "tok" || st.Tags["aws:cf"] != "s" || st.Tags["gone"] != "" {
		t.Errorf("tags now %v", st.Tags)
	}
	// Name and recording off: one UpdateStage, an empty storage ARN.
	u, err = c.UpdateStage(context.Background(), actor, ref, StageChange{Name: "after", Tags: map[string]string{"team": "b", "new": "y"}})
	up := writesOf(f, "UpdateStage")
	if err != nil || len(up) != 1 || *up[0].UpdateStage.Name != "after" || up[0].UpdateStage.Recording == nil || up[0].UpdateStage.Recording.StorageConfigurationARN != "" {
		t.Fatalf("name and recording off: %+v %v %+v", u, err, up)
	}
	if e := rec.last(t); e.Action != audit.ActionStageUpdate || !strings.Contains(e.Detail, `name "before" → "after"`) || !strings.Contains(e.Detail, "recording Old/AUDIO_VIDEO → off") {
		t.Errorf("audit %+v", e)
	}
	// Recording on again keeps what the form does not show.
	_, err = c.UpdateStage(context.Background(), actor, ref, StageChange{Name: "after", Tags: map[string]string{"team": "b", "new": "y"},
		Recording: &ivs.AutoRecording{StorageConfigurationARN: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/New", MediaTypes: []string{"AUDIO_ONLY"}}})
	up = writesOf(f, "UpdateStage")
	if r := up[len(up)-1].UpdateStage.Recording; err != nil || up[len(up)-1].UpdateStage.Name != nil || r == nil || !r.RecordReplicas || r.MediaTypes[0] != "AUDIO_ONLY" {
		t.Errorf("recording on: %v %+v", err, r)
	}
	if *fresh != 4 {
		t.Errorf("%d fresh reads of the stage for 4 updates", *fresh)
	}
}

func TestUpdateStageThatFailsHalfwaySaysWhatWasDone(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	f.TagResourceFn = func(context.Context, ivs.Region, string, map[string]string) error {
		return ivstest.Err(ivs.KindAccessDenied, "TagResource", "not allowed")
	}
	c := newConsole(f, rec)
	_, err := c.UpdateStage(context.Background(), actor, Ref{Region: region, StageID: idleID}, StageChange{Name: "renamed", Tags: map[string]string{"k": "v"}})
	var ue *StageUpdateError
	if !errors.As(err, &ue) || !slices.Equal(ue.Done, []string{"name"}) || ue.Step != "tags set" || ivs.KindOf(err) != ivs.KindAccessDenied {
		t.Fatalf("err %v", err)
	}
	if e := rec.last(t); !audit.IsFailure(e.Outcome) || !strings.Contains(e.Detail, "changed name before tags set failed") {
		t.Errorf("audit %+v", e)
	}
	if _, err := c.UpdateStage(context.Background(), actor, Ref{Region: region, StageID: "NoSuchStage1"}, StageChange{}); !IsNotFound(err, ResourceStage) {
		t.Errorf("unknown stage: %v", err)
	}
}

func TestDeleteStageRefusesALiveStageBeforeAskingIVS(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	fresh := freshReads(f)
	c := newConsole(f, rec)
	_, err := c.DeleteStage(context.Background(), actor, Ref{Region: region, StageID: liveID})
	var le *StageLiveError
	if !errors.As(err, &le) || le.Stage.ActiveSessionID != sessionID || f.Calls("DeleteStage") != 0 {
		t.Fatalf("live stage: %v, %d deletes", err, f.Calls("DeleteStage"))
	}
	if e := rec.last(t); e.Action != audit.ActionStageDelete || !strings.Contains(e.Outcome, "live") || e.Resource != arnOf(liveID) {
		t.Errorf("audit %+v", e)
	}
	st, err := c.DeleteStage(context.Background(), actor, Ref{Region: region, StageID: idleID})
	if err != nil || st.Name != "studio-b" || f.StageCount() != 1 {
		t.Fatalf("idle stage: %v, %d stages", err, f.StageCount())
	}
	if e := rec.last(t); e.Action != audit.ActionStageDelete || e.Outcome != audit.OutcomeSuccess {
		t.Errorf("audit %+v", e)
	}
	if *fresh != 2 {
		t.Errorf("liveness read from a cache: %d fresh reads", *fresh)
	}
	if _, err := c.DeleteStage(context.Background(), actor, Ref{Region: region, StageID: idleID}); !IsNotFound(err, ResourceStage) {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestCreateTokenAuditsWithoutTheToken(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ref := Ref{Region: region, StageID: idleID}
	tok, err := c.CreateToken(context.Background(), actor, ref, ivs.CreateTokenInput{UserID: "tester", Capabilities: []string{ivs.CapabilitySubscribe}, DurationMinutes: 60})
	if err != nil || tok.Token.IsZero() || tok.ParticipantID == "" || tok.DurationMinutes != 60 {
		t.Fatalf("%+v %v", tok, err)
	}
	if in := writesOf(f, "CreateParticipantToken")[0].Token; in.StageARN != arnOf(idleID) || in.UserID != "tester" {
		t.Errorf("asked for %+v", in)
	}
	e := rec.last(t)
	if e.Action != audit.ActionTokenCreate || e.Outcome != audit.OutcomeSuccess || e.Resource != arnOf(idleID) ||
		!strings.Contains(e.Detail, tok.ParticipantID) || !strings.Contains(e.Detail, "SUBSCRIBE") || !strings.Contains(e.Detail, "60min") {
		t.Errorf("audit %+v", e)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", e, tok, tok), ivstest.TokenSecretMark) {
		t.Error("the token is in the audit record or prints itself")
	}
	// No record, no token: it is withdrawn and not returned.
	rec.fail = true
	tok, err = c.CreateToken(context.Background(), actor, ref, ivs.CreateTokenInput{})
	var ae *AuditError
	if !errors.As(err, &ae) || ae.Done || !tok.Token.IsZero() || f.Calls("DisconnectParticipant") != 1 {
		t.Fatalf("unaudited token: %+v %v", tok, err)
	}
	rec.fail = false
	if _, err := c.CreateToken(context.Background(), actor, Ref{Region: region, StageID: "NoSuchStage1"}, ivs.CreateTokenInput{}); !IsNotFound(err, ResourceStage) || !audit.IsFailure(rec.last(t).Outcome) {
		t.Errorf("unknown stage: %v", err)
	}
}

func TestDisconnectManyChecksEachAuditsEachAndSaysWhatBecameOfIt(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	f.UpdateParticipants(arnOf(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		return append(ps, ivs.Participant{ID: "viewer000002", UserID: "v2", State: ivs.ParticipantConnected},
			ivs.Participant{ID: "viewer000003", UserID: "v3", State: ivs.ParticipantConnected})
	})
	f.DisconnectParticipantFn = func(_ context.Context, _ ivs.Region, arn, id, _ string) error {
		if id == "viewer000003" {
			return ivstest.Err(ivs.KindThrottled, "DisconnectParticipant", "slow down")
		}
		f.UpdateParticipants(arn, sessionID, func(ps []ivs.Participant) []ivs.Participant {
			for i := range ps {
				if ps[i].ID == id {
					ps[i].State = ivs.ParticipantDisconnected
				}
			}
			return ps
		})
		return nil
	}
	c := newConsole(f, rec)
	ref := Ref{Region: region, StageID: liveID, SessionID: sessionID}
	ids := []string{"viewer000001", encB, "pOtherSess01", "viewer000003", "viewer000002"}
	res, err := c.DisconnectMany(context.Background(), actor, ref, ids, "end of rehearsal")
	if err != nil || len(res) != 5 {
		t.Fatalf("%+v %v", res, err)
	}
	want := []DisconnectOutcome{Disconnected, AlreadyGone, DisconnectFailed, DisconnectFailed, Disconnected}
	for i, r := range res {
		if r.ParticipantID != ids[i] || r.Outcome != want[i] || r.NotAudited {
			t.Errorf("%s: %+v, want outcome %d", ids[i], r, want[i])
		}
	}
	if !errors.Is(res[2].Err, ErrNotInSession) || ivs.KindOf(res[3].Err) != ivs.KindThrottled || res[4].UserID != "v2" {
		t.Errorf("reasons: %v / %v / user %q", res[2].Err, res[3].Err, res[4].UserID)
	}
	if n := f.Calls("DisconnectParticipant"); n != 3 {
		t.Errorf("%d disconnects sent, want 3 (not for one already gone nor one of another session)", n)
	}
	if len(rec.events) != 5 {
		t.Fatalf("%d audit records for 5 participants", len(rec.events))
	}
	for i, e := range rec.events {
		if e.Action != audit.ActionParticipantDisconnect || !strings.Contains(e.Detail, ids[i]) || !strings.Contains(e.Detail, "end of rehearsal") ||
			audit.IsFailure(e.Outcome) != (want[i] != Disconnected) {
			t.Errorf("record %d: %+v", i, e)
		}
	}
	if _, err := c.DisconnectMany(context.Background(), actor, ref, make([]string, MaxDisconnectMany+1), "x"); err == nil {
		t.Error("more than the bound accepted")
	}
}
