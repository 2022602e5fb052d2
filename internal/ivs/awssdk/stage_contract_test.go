package awssdk_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestStageLifecycleThroughTheSDK(t *testing.T) {
	svc, emu := newService(t, "empty", nil)
	ctx := context.Background()
	storage := fmt.Sprintf("arn:aws:ivs:us-east-1:%s:storage-configuration/Store0001", emu.AccountID())

	_, err := svc.CreateStage(ctx, region, ivs.CreateStageInput{Name: "has space"})
	if ivs.KindOf(err) != ivs.KindValidation {
		t.Fatalf("bad name: %v, want a validation error", err)
	}
	in := ivs.CreateStageInput{Name: "contract-stage", Tags: map[string]string{"team": "qa"}, IdempotencyKey: "k-stage-lifecycle",
		Recording: &ivs.AutoRecording{StorageConfigurationARN: storage, MediaTypes: []string{"AUDIO_ONLY"}}}
	// A double submit: one stage.
	var wg sync.WaitGroup
	arns := make([]string, 3)
	for i := range arns {
		wg.Go(func() {
			st, err := svc.CreateStage(ctx, region, in)
			if err != nil {
				t.Error(err)
			}
			arns[i] = st.ARN
		})
	}
	wg.Wait()
	if arns[0] == "" || arns[0] != arns[1] || arns[1] != arns[2] {
		t.Fatalf("one form, several stages: %v", arns)
	}
	st, err := svc.GetStage(ctx, region, arns[0])
	if err != nil || st.Name != "contract-stage" || st.Tags["team"] != "qa" || st.Tags[ivs.IdempotencyTag] != "k-stage-lifecycle" ||
		st.Recording == nil || st.Recording.StorageConfigurationARN != storage || st.Recording.MediaTypes[0] != "AUDIO_ONLY" || !st.Recording.RecordReplicas {
		t.Fatalf("created: %+v %+v, %v", st, st.Recording, err)
	}

	name := "renamed"
	up, err := svc.UpdateStage(ctx, region, ivs.UpdateStageInput{ARN: st.ARN, Name: &name})
	if err != nil || up.Name != "renamed" || up.Recording == nil {
		t.Fatalf("rename kept the recording? %+v, %v", up, err)
	}
	off, err := svc.UpdateStage(ctx, region, ivs.UpdateStageInput{ARN: st.ARN, Recording: &ivs.AutoRecording{}})
	if err != nil || off.Recording != nil || off.Name != "renamed" {
		t.Fatalf("recording off: %+v, %v", off, err)
	}
	if err := svc.TagResource(ctx, region, st.ARN, map[string]string{"team": "ops", "new": "1"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.UntagResource(ctx, region, st.ARN, []string{"new"}); err != nil {
		t.Fatal(err)
	}
	st, _ = svc.GetStage(ctx, region, st.ARN)
	if st.Tags["team"] != "ops" || st.Tags["new"] != "" || st.Tags[ivs.IdempotencyTag] == "" {
		t.Fatalf("tags %v", st.Tags)
	}

	tok, err := svc.CreateParticipantToken(ctx, region, ivs.CreateTokenInput{StageARN: st.ARN, UserID: "tester", DurationMinutes: 30,
		Capabilities: []string{ivs.CapabilitySubscribe}, Attributes: map[string]string{"k": "v"}})
	if err != nil || tok.Token.IsZero() || tok.ParticipantID == "" || tok.UserID != "tester" || tok.DurationMinutes != 30 ||
		len(tok.Capabilities) != 1 || tok.Capabilities[0] != "SUBSCRIBE" || tok.Attributes["k"] != "v" {
		t.Fatalf("token %+v, %v", tok, err)
	}
	if d := time.Until(tok.ExpirationTime); d < 25*time.Minute || d > 35*time.Minute {
		t.Errorf("expires in %v", d)
	}
	if s := fmt.Sprintf("%v %+v", tok, tok); strings.Contains(s, tok.Token.Reveal()) {
		t.Error("a token prints itself")
	}
	if _, err := svc.CreateParticipantToken(ctx, region, ivs.CreateTokenInput{StageARN: st.ARN, DurationMinutes: 20161}); ivs.KindOf(err) != ivs.KindValidation {
		t.Errorf("21-day token: %v", err)
	}

	if err := svc.DeleteStage(ctx, region, st.ARN); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GetStage(ctx, region, st.ARN); !ivs.IsNotFound(err) {
		t.Fatalf("deleted stage: %v", err)
	}
	if err := svc.DeleteStage(ctx, region, st.ARN); !ivs.IsNotFound(err) {
		t.Errorf("deleting twice: %v", err)
	}
}
